/** Where a Salesforce user signs in: a production org, a sandbox org, or the org's My Domain. */
export const SALESFORCE_ENVIRONMENTS = ['production', 'sandbox', 'my-domain'] as const;
export type SalesforceEnvironment = (typeof SALESFORCE_ENVIRONMENTS)[number];

/** A connection's login: the environment, and for `my-domain` its validated host (`acme.my.salesforce.com`). */
export type SalesforceLogin =
  { environment: 'production' } | { environment: 'sandbox' } | { environment: 'my-domain'; myDomainHost: string };

export const PRODUCTION_LOGIN: SalesforceLogin = { environment: 'production' };

/** The hosts Salesforce documents for each: login.salesforce.com, test.salesforce.com, the My Domain. */
export function loginHostOf(login: SalesforceLogin): string {
  if (login.environment === 'my-domain') return login.myDomainHost;
  return login.environment === 'sandbox' ? 'test.salesforce.com' : 'login.salesforce.com';
}

/**
 * The deployment's URL for each environment: Salesforce's own in production (`https://{host}` for
 * My Domains), the Salesforce sandbox's stand-ins locally and in tests.
 */
export interface SalesforceLoginUrls {
  production: string;
  sandbox: string;
  /** `{host}` is replaced by the validated My Domain host, e.g. `https://{host}`. */
  myDomainTemplate: string;
}

export const MY_DOMAIN_HOST_PLACEHOLDER = '{host}';

/** The login URL OAuth uses for a connection (authorize, token exchange, refresh, revoke). */
export function loginUrlFor(login: SalesforceLogin, urls: SalesforceLoginUrls): string {
  if (login.environment === 'production') return urls.production;
  if (login.environment === 'sandbox') return urls.sandbox;
  // Validated again here: whatever reaches the template is a My Domain host and nothing else.
  const host = parseMyDomainHost(login.myDomainHost);
  if (!host.ok) throw new Error(`not a My Domain host: ${host.message}`);
  return urls.myDomainTemplate.replace(MY_DOMAIN_HOST_PLACEHOLDER, host.host);
}

export type MyDomainRefusal = 'EMPTY' | 'NOT_HTTPS' | 'NOT_A_HOST' | 'NOT_A_MY_DOMAIN';

export type MyDomainParse = { ok: true; host: string } | { ok: false; reason: MyDomainRefusal; message: string };

// One DNS label as Salesforce allows My Domain names: letters, digits and hyphens, no hyphen at either
// end (a sandbox's is `<domain>--<sandbox>`). ASCII only: an internationalised look-alike is refused.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const MY_DOMAIN_HOST = new RegExp(`^${LABEL}(?:\\.sandbox)?\\.my\\.salesforce\\.com$`);

const refuse = (reason: MyDomainRefusal, message: string): MyDomainParse => ({ ok: false, reason, message });

/**
 * The host goes into the browser's redirect and our server's token calls, so only Salesforce's own My
 * Domain hosts pass: no open redirect, no request to a host of the user's choosing (SSRF).
 */
export function parseMyDomainHost(input: string): MyDomainParse {
  const text = input.trim();
  if (text === '') return refuse('EMPTY', 'enter your My Domain, e.g. acme.my.salesforce.com');
  let host = text;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    if (scheme[1].toLowerCase() !== 'https') return refuse('NOT_HTTPS', 'a My Domain is reached over https only');
    const rest = text.slice(scheme[0].length);
    host = rest.endsWith('/') ? rest.slice(0, -1) : rest;
  }
  // Refused before any parsing: a port, user info, a path, a query or a fragment, spaces, a trailing dot.
  if (!/^[A-Za-z0-9.-]+$/.test(host) || host.endsWith('.'))
    return refuse('NOT_A_HOST', 'enter the host name only, e.g. acme.my.salesforce.com');
  host = host.toLowerCase();
  if (!MY_DOMAIN_HOST.test(host)) {
    return refuse(
      'NOT_A_MY_DOMAIN',
      'a My Domain ends in .my.salesforce.com (or .sandbox.my.salesforce.com for a sandbox), e.g. acme.my.salesforce.com',
    );
  }
  return { ok: true, host };
}

/** A stored login read back (the database's two columns); anything unknown is refused, not guessed. */
export function toSalesforceLogin(environment: string, myDomainHost: string | null): SalesforceLogin {
  if (environment === 'production' || environment === 'sandbox') return { environment };
  if (environment === 'my-domain' && myDomainHost !== null) return { environment, myDomainHost };
  throw new Error(`unknown Salesforce login ${environment} ${myDomainHost ?? ''}`);
}
