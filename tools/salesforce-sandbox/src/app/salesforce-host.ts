import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { OrgState, OrgStore } from './org.store';

/** Where production orgs' users sign in. */
export const LOGIN_HOST = 'login.salesforce.com';
/** Where sandbox orgs' users sign in. */
export const TEST_HOST = 'test.salesforce.com';

/**
 * The Salesforce host a request came to. The sandbox serves every host under `/hosts/<host>`
 * (`/hosts/test.salesforce.com`, `/hosts/acme.my.salesforce.com`); its root stands for
 * login.salesforce.com and for the instance of orgs without a My Domain. `name` is null at the root.
 */
export interface SalesforceHost {
  name: string | null;
  /** This host's URL on the sandbox: what Salesforce's `https://<host>` is. */
  url: string;
}

const origin = (req: Request): string => `${req.protocol}://${req.get('host')}`;

export const salesforceHostOf = (req: Request): SalesforceHost =>
  (req.res?.locals['salesforceHost'] as SalesforceHost | undefined) ?? { name: null, url: origin(req) };

/** The org's instance URL, as token answers give it: its My Domain, or the sandbox's root. */
export const instanceUrlOfOrg = (req: Request, org: OrgState): string =>
  org.myDomainHost ? `${origin(req)}/hosts/${org.myDomainHost}` : origin(req);

/**
 * A previous My Domain still signs in (Salesforce redirects after a rename). `preventLoginHostLogin` is
 * My Domain's "Prevent login from login.salesforce.com" (and test.salesforce.com).
 */
export function signsInAt(org: OrgState, host: string | null): boolean {
  if (host !== null && (host === org.myDomainHost || org.previousHosts.includes(host))) return true;
  if (org.preventLoginHostLogin) return false;
  if (host === null || host === LOGIN_HOST) return !org.isSandbox;
  return host === TEST_HOST && org.isSandbox;
}

/** The org's API answers at its instance only: a moved org's old host refuses its sessions (401 INVALID_SESSION_ID). */
export const servesApiOf = (org: OrgState, host: string | null): boolean => (org.myDomainHost ?? null) === host;

/** `/hosts/:host`: the host the rest of the request is served as; a host that is no Salesforce one of the sandbox is 404. */
export function selectSalesforceHost(store: OrgStore, onCall: (host: string) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const name = String(req.params['host']).toLowerCase();
    if (name !== LOGIN_HOST && name !== TEST_HOST && !store.findOrgByHost(name)) {
      res
        .status(404)
        .type('text/plain')
        .send(`no Salesforce host ${name} here (a My Domain the sandbox does not know)`);
      return;
    }
    onCall(name);
    res.locals['salesforceHost'] = { name, url: `${origin(req)}/hosts/${name}` } satisfies SalesforceHost;
    next();
  };
}

/** A My Domain host as Salesforce names them: `<name>.my.salesforce.com` or `<name>.sandbox.my.salesforce.com`. */
export const myDomainHost = z
  .string()
  .transform((h) => h.toLowerCase())
  .refine(
    (h) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.sandbox)?\.my\.salesforce\.com$/.test(h),
    'a My Domain host, e.g. acme.my.salesforce.com',
  );
