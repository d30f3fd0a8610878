import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { SalesConnectAdmin, SalesConnectUser, type ScTask } from '@task-sync/salesconnect-sandbox/testing';
import { SalesforceAdmin, SalesforceUser, type SfdcTaskRecord } from '@task-sync/salesforce-sandbox/testing';
import { requestJson } from '@task-sync/util-sandbox-kit/testing';
import { authorizeInBrowser } from './browser-connect';
import { DEV_JWT_SECRET, type Stack } from './stack';
import { signUserToken } from './user-token';
import { eventually } from './wait';

export interface ConnectionStatus {
  state: string;
  import: { enableAt: string; found: number; imported: number; failed: number; done: boolean } | null;
  lastSyncedAt: string | null;
  apiUsage: { used: number; limit: number } | null;
  recentErrors: { code: string; count: number; lastMessage: string }[];
}

/** The synced fields of a task, as the spec's mapping table pairs them, in neither side's words. */
export interface TaskView {
  title: string;
  details: string;
  dueDate: string | null;
  open: boolean;
  priority: string;
  type: string;
}

const TYPE_OF_SUBTYPE: Record<string, string> = { Call: 'call', Email: 'email', Task: 'other' };

export function viewOfSc(t: ScTask): TaskView {
  return {
    title: t.name,
    details: t.details,
    dueDate: t.dueDate,
    open: t.status === 'Open',
    priority: t.priority.toLowerCase(),
    type: t.type,
  };
}

export function viewOfSfdc(t: SfdcTaskRecord): TaskView {
  return {
    title: t.Subject ?? '',
    details: t.Description ?? '',
    dueDate: t.ActivityDate,
    open: !t.IsClosed,
    priority: t.Priority.toLowerCase(),
    type: TYPE_OF_SUBTYPE[t.TaskSubtype] ?? t.TaskSubtype,
  };
}

const byTitle = (a: TaskView, b: TaskView) =>
  a.title.localeCompare(b.title) || JSON.stringify(a).localeCompare(JSON.stringify(b));

/** The tenant of every end-to-end user, in their JWT and in Sales Connect. */
export const E2E_TENANT = 'e2e-tenant';

/** An end-to-end user's JWT for connector-settings, signed as `npm start`'s demo token is. */
function signE2eUserToken(sub: string, zoneinfo: string): Promise<string> {
  return signUserToken({ sub, tenant: E2E_TENANT, zoneinfo, secret: DEV_JWT_SECRET, exp: '2h' });
}

/**
 * One sales rep of a scenario: a Sales Connect user and a Salesforce user of their own (so
 * scenarios sharing a stack never see each other's tasks), connected through the OAuth round trip
 * a browser makes. Everything goes through public interfaces: connector-settings' API, the
 * sandboxes' APIs as the user, and their admin APIs for users, clocks, faults and listings.
 */
export class SyncUser {
  private constructor(
    readonly stack: Stack,
    readonly sc: SalesConnectUser,
    readonly sfdc: SalesforceUser,
    readonly sfdcUserId: string,
    readonly orgId: string,
    readonly timeZone: string,
    readonly jwt: string,
    readonly connectionId: string,
  ) {}

  static async create(
    stack: Stack,
    options: { timeZone?: string; orgId?: string; label?: string } = {},
  ): Promise<SyncUser> {
    const timeZone = options.timeZone ?? 'America/Sao_Paulo';
    const label = `${options.label ?? 'rep'}-${randomUUID().slice(0, 8)}`;
    const sfAdmin = new SalesforceAdmin(stack.url('salesforce-sandbox'));
    const scAdmin = new SalesConnectAdmin(stack.url('salesconnect-sandbox'));
    const orgId = options.orgId ?? (await sfAdmin.defaultOrgId());
    const username = `${label}@sandbox.test`;
    const sfdcUserId = await sfAdmin.createUser(orgId, username);
    const scUser = await scAdmin.createUser(`${label}@salesconnect.example`, timeZone, E2E_TENANT);
    const jwt = await signE2eUserToken(scUser.id, timeZone);
    const connectionId = await connectSalesforce(stack, jwt, username);
    return new SyncUser(
      stack,
      new SalesConnectUser(stack.url('salesconnect-sandbox'), scUser.id, scUser.apiToken),
      new SalesforceUser(stack.url('salesforce-sandbox'), username),
      sfdcUserId,
      orgId,
      timeZone,
      jwt,
      connectionId,
    );
  }

  /** The demo user `npm start` prints a settings link for, with the sandboxes' default users. */
  static async demo(stack: Stack): Promise<SyncUser> {
    const sfAdmin = new SalesforceAdmin(stack.url('salesforce-sandbox'));
    const orgId = await sfAdmin.defaultOrgId();
    const username = 'rep@sandbox.test';
    const connectionId = await connectSalesforce(stack, stack.demoToken, username);
    const connection = await requestJson<{ salesforce: { userId: string }; timeZone: string }>(
      `${stack.url('connector-settings')}/v1/connections/${connectionId}`,
      {
        headers: { authorization: `Bearer ${stack.demoToken}` },
      },
    );
    return new SyncUser(
      stack,
      new SalesConnectUser(stack.url('salesconnect-sandbox'), 'scu_default', 'sc_tok_default_sandbox_user'),
      new SalesforceUser(stack.url('salesforce-sandbox'), username),
      connection.salesforce.userId,
      orgId,
      connection.timeZone,
      stack.demoToken,
      connectionId,
    );
  }

  get sfAdmin(): SalesforceAdmin {
    return new SalesforceAdmin(this.stack.url('salesforce-sandbox'));
  }

  get scAdmin(): SalesConnectAdmin {
    return new SalesConnectAdmin(this.stack.url('salesconnect-sandbox'));
  }

  /** The settings page's Save button. */
  saveTaskSync(enabled: boolean): Promise<{ enabled: boolean; firstEnabledAt: string | null; change: string | null }> {
    return requestJson(`${this.stack.url('connector-settings')}/v1/connections/${this.connectionId}/task-sync`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.jwt}` },
      body: { enabled },
    });
  }

  status(): Promise<ConnectionStatus> {
    return requestJson(`${this.stack.url('connector-settings')}/v1/connections/${this.connectionId}/status`, {
      headers: { authorization: `Bearer ${this.jwt}` },
    });
  }

  /** Saves "Sync tasks" on and waits until the status says the enable's import is done (R1). */
  async enableAndWaitForImport(timeoutMs = 30_000): Promise<ConnectionStatus> {
    const saved = await this.saveTaskSync(true);
    if (!saved.enabled) throw new Error(`the enable was not saved: ${JSON.stringify(saved)}`);
    return eventually(
      "the enable's import to be reported done",
      async () => {
        const status = await this.status();
        if (!status.import?.done || status.state !== 'syncing') throw new Error(`status: ${JSON.stringify(status)}`);
        return status;
      },
      timeoutMs,
    );
  }

  /** The user's live Sales Connect tasks (admin listing: no faults, no call counted as the user's). */
  async scTasks(): Promise<ScTask[]> {
    return (await this.scAdmin.tasks(this.sc.id)).filter((t) => t.deletedAt === undefined);
  }

  async scTask(id: string): Promise<ScTask | undefined> {
    return (await this.scTasks()).find((t) => t.id === id);
  }

  async scTaskNamed(name: string): Promise<ScTask | undefined> {
    return (await this.scTasks()).find((t) => t.name === name);
  }

  /** The user's Salesforce tasks, deleted ones included (deletedAt). */
  async sfdcTasksWithDeleted(): Promise<SfdcTaskRecord[]> {
    return (await this.sfAdmin.tasks(this.orgId)).filter((t) => t.OwnerId === this.sfdcUserId);
  }

  async sfdcTasks(): Promise<SfdcTaskRecord[]> {
    return (await this.sfdcTasksWithDeleted()).filter((t) => t.deletedAt === null);
  }

  async sfdcTask(id: string): Promise<SfdcTaskRecord | undefined> {
    return (await this.sfdcTasks()).find((t) => t.Id === id);
  }

  async sfdcTaskNamed(subject: string): Promise<SfdcTaskRecord | undefined> {
    return (await this.sfdcTasks()).find((t) => t.Subject === subject);
  }

  /** Both sides' live tasks under the mapping, sorted: equal lists mean the two sides are equal. */
  async sides(): Promise<{ sc: TaskView[]; sfdc: TaskView[] }> {
    const [sc, sfdc] = await Promise.all([this.scTasks(), this.sfdcTasks()]);
    return { sc: sc.map(viewOfSc).sort(byTitle), sfdc: sfdc.map(viewOfSfdc).sort(byTitle) };
  }

  /** Waits until both sides hold the same tasks; fails with both sides' last lists. */
  async waitForEqualSides(timeoutMs = 30_000): Promise<{ sc: TaskView[]; sfdc: TaskView[] }> {
    return eventually(
      'both sides to hold the same tasks',
      async () => {
        const sides = await this.sides();
        if (!isDeepStrictEqual(sides.sfdc, sides.sc)) {
          throw new Error(
            `Salesforce:\n${JSON.stringify(sides.sfdc, null, 1)}\nSales Connect:\n${JSON.stringify(sides.sc, null, 1)}`,
          );
        }
        return sides;
      },
      timeoutMs,
    );
  }
}

/** What the browser does on the settings page's "Connect Salesforce": returns the new connection's id. */
async function connectSalesforce(stack: Stack, jwt: string, username: string): Promise<string> {
  const settings = stack.url('connector-settings');
  const landed = await authorizeInBrowser({
    connectorSettings: { url: settings },
    sandboxUrl: stack.url('salesforce-sandbox'),
    userToken: jwt,
    username,
    action: 'allow',
  });
  if (landed.origin + landed.pathname !== `${settings}/settings/crm/salesforce`)
    throw new Error(`the browser lands on ${landed.toString()}, not the stack's settings page`);
  const connectionId = landed.searchParams.get('connected');
  if (!connectionId) throw new Error(`the OAuth round trip ended at ${landed.toString()}`);
  return connectionId;
}

/** Lets the sync run for a while, for the assertions that something did NOT happen. */
export const SETTLE_MS = 4_000;
