import type { NextFunction, Request, Response } from 'express';
import type { CallCounter, FaultInjector, SandboxClock } from '@task-sync/util-sandbox-kit';
import { describeEndpoint } from './endpoint-name';
import type { OrgState, OrgStore } from './org.store';
import type { UserRecord } from './sandbox-records';
import { SfdcError, sendSfdcError } from './sfdc-error';
import { salesforceHostOf, servesApiOf } from './salesforce-host';
import type { SessionStore } from './session.store';

/** What every REST handler knows about the caller. */
export interface ApiContext {
  org: OrgState;
  user: UserRecord;
  userId: string;
  /** `Sforce-Call-Options: client=NAME`: recorded as the origin of the writes. */
  client: string | null;
  /** `v59.0` as in the path; used in the urls the answers carry. */
  version: string;
}

export interface ApiGuardDeps {
  store: OrgStore;
  sessions: SessionStore;
  clock: SandboxClock;
  faults: FaultInjector;
  calls: CallCounter;
}

export const apiContext = (res: Response): ApiContext => res.locals.api as ApiContext;

/** `Sforce-Call-Options: client=NAME, …` → NAME. */
export function parseCallOptionsClient(header: string | undefined): string | null {
  const match = /(?:^|,)\s*client=([^,]+)/.exec(header ?? '');
  return match ? match[1].trim() : null;
}

/** The org's usage in the current day of the sandbox clock (Salesforce's window is a rolling 24 h; a UTC day is close enough here). */
export function currentApiUsage(org: OrgState, nowMs: number): { day: string; used: number } {
  const day = new Date(nowMs).toISOString().slice(0, 10);
  if (org.apiUsage.day !== day) org.apiUsage = { day, used: 0 };
  return org.apiUsage;
}

export function createApiGuard(deps: ApiGuardDeps) {
  const { store, sessions, clock, faults, calls } = deps;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const version = String(req.params.version);
    const endpoint = describeEndpoint(req.method, req.path);
    const auth = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.get('authorization') ?? '');
    const session = auth ? sessions.findAccessToken(auth[1].trim()) : undefined;
    const org = session ? store.getOrg(session.orgId) : undefined;
    const user = org?.users.get(session?.userId ?? '');
    // A Composite call is one API call, named by what it ran (`POST composite (GET queryAll + …)`,
    // set by its router once the body is read), so a test can tell one composite from another.
    if (endpoint === 'POST composite')
      res.on('finish', () => calls.record(String(res.locals['callName'] ?? endpoint), org?.id ?? '-'));
    else calls.record(endpoint, org?.id ?? '-');
    if (!/^v\d{2,3}\.\d$/.test(version))
      return sendSfdcError(res, new SfdcError(404, 'NOT_FOUND', 'The requested resource does not exist'));
    // A moved org's old host knows none of its sessions.
    if (!session || !org || !user || !servesApiOf(org, salesforceHostOf(req).name))
      return sendSfdcError(res, new SfdcError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'));

    await faults.delay();
    const usage = currentApiUsage(org, clock.nowMs());
    if (usage.used >= org.dailyApiLimit) {
      res.set('Sforce-Limit-Info', `api-usage=${usage.used}/${org.dailyApiLimit}`);
      return sendSfdcError(res, new SfdcError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    }
    if (faults.shouldInject('http503')) {
      return sendSfdcError(
        res,
        new SfdcError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable (sandbox fault http503)'),
      );
    }
    usage.used += 1;
    res.set('Sforce-Limit-Info', `api-usage=${usage.used}/${org.dailyApiLimit}`);
    res.locals.api = {
      org,
      user,
      userId: user.fields.Id as string,
      client: parseCallOptionsClient(req.get('sforce-call-options')),
      version,
    } satisfies ApiContext;
    next();
  };
}
