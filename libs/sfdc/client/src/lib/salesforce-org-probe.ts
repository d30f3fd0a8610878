import { Connection } from 'jsforce';
import { EXTERNAL_ID_FIELD } from './record-result';

/** `refused`: Salesforce's own error (cannot pass as things stand); `unavailable`: no answer this time. */
export type ProbeAnswer<T> =
  { kind: 'answered'; value: T } | { kind: 'refused' | 'unavailable'; code: string; message: string };

/** Task's rights for the caller, and the external-id field as they see it (null: not in their describe). */
export interface TaskAccess {
  readable: boolean;
  createable: boolean;
  updateable: boolean;
  field: { externalId: boolean; unique: boolean; createable: boolean; updateable: boolean } | null;
}

interface TaskDescribe {
  queryable?: boolean;
  createable?: boolean;
  updateable?: boolean;
  fields: { name: string; externalId?: boolean; unique?: boolean; createable?: boolean; updateable?: boolean }[];
}

/** The session the probe calls with, and how it gets a new one when Salesforce rejects it. */
export interface OrgProbeSession {
  instanceUrl: string;
  accessToken: string;
}

export interface SalesforceOrgProbeOptions {
  apiVersion: string;
  /** A new session after Salesforce answered INVALID_SESSION_ID to `rejectedAccessToken`. */
  renewSession: (rejectedAccessToken: string | undefined) => Promise<OrgProbeSession>;
}

// Answers that say "not now" rather than "no": the check is asked again later.
const UNAVAILABLE_CODES = new Set([
  'REQUEST_LIMIT_EXCEEDED',
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
]);

/** Salesforce's answers carry `errorCode`; a network error only Node's `code`; a failed renewal nothing. */
export function classifyProbeError(error: unknown): ProbeAnswer<never> {
  const e = error as { errorCode?: string; code?: string; message?: string; cause?: { code?: string } };
  const message = e.message ?? String(error);
  const answered = e.errorCode;
  if (answered && !UNAVAILABLE_CODES.has(answered) && !/^ERROR_HTTP_5\d\d$/.test(answered))
    return { kind: 'refused', code: answered, message };
  return { kind: 'unavailable', code: answered ?? e.code ?? e.cause?.code ?? 'NETWORK', message };
}

/** View All Data: Change Data Capture for Task ignores sharing and requires it. */
export class SalesforceOrgProbe {
  private readonly connection: Connection;

  constructor(session: OrgProbeSession, options: SalesforceOrgProbeOptions) {
    this.connection = new Connection({
      instanceUrl: session.instanceUrl,
      accessToken: session.accessToken,
      version: options.apiVersion,
      refreshFn: (conn, callback) => {
        options.renewSession(conn.accessToken ?? undefined).then(
          (fresh) => callback(null, fresh.accessToken),
          (e: unknown) => callback(e as Error),
        );
      },
    });
  }

  /**
   * Whether Task is selected on the standard ChangeEvents channel (Setup → Change Data Capture), by
   * the Tooling API's PlatformEventChannelMember. Reading it takes View Setup and Configuration.
   */
  readTaskChangeEventSelection(): Promise<ProbeAnswer<boolean>> {
    return this.ask(async () => {
      const answer = await this.connection.tooling.query<{ Id: string }>(
        "SELECT Id FROM PlatformEventChannelMember WHERE EventChannel = 'ChangeEvents' AND SelectedEntity = 'TaskChangeEvent'",
      );
      return answer.totalSize > 0;
    });
  }

  /**
   * UserPermissionAccess: any user may query it about themselves (API 41.0+). One Composite call; the
   * Tooling API's query cannot be a subrequest, so the hourly preflight costs two.
   */
  async readViewAllDataAndExternalIdField(): Promise<{
    viewAllData: ProbeAnswer<boolean>;
    externalIdField: ProbeAnswer<boolean>;
  }> {
    const base = `/services/data/v${this.connection.version}`;
    const read = await this.composite([
      {
        method: 'GET',
        referenceId: 'permissions',
        url: `${base}/query/?q=${encodeURIComponent('SELECT PermissionsViewAllData FROM UserPermissionAccess')}`,
      },
      { method: 'GET', referenceId: 'task', url: `${base}/sobjects/Task/describe` },
    ]);
    return {
      viewAllData: read(
        'permissions',
        (body: { records: { PermissionsViewAllData?: boolean }[] }) => body.records[0]?.PermissionsViewAllData === true,
      ),
      externalIdField: read('task', (body: { fields: { name: string }[] }) =>
        body.fields.some((f) => f.name.toLowerCase() === EXTERNAL_ID_FIELD.toLowerCase()),
      ),
    };
  }

  /**
   * One Composite call; only when the rep's describe lacks the field, a second asks the Tooling API
   * (Task's custom fields are Activity's), so a hidden field is told from a missing one.
   */
  async readConnectionReadiness(): Promise<{
    task: ProbeAnswer<TaskAccess>;
    taskStatus: ProbeAnswer<boolean>;
    fieldInOrg?: ProbeAnswer<boolean>;
  }> {
    const base = `/services/data/v${this.connection.version}`;
    const answers = await this.composite([
      { method: 'GET', referenceId: 'task', url: `${base}/sobjects/Task/describe` },
      {
        method: 'GET',
        referenceId: 'statuses',
        url: `${base}/query/?q=${encodeURIComponent('SELECT Id FROM TaskStatus LIMIT 1')}`,
      },
    ]);
    const task = answers('task', (body: TaskDescribe): TaskAccess => {
      const field = body.fields.find((f) => f.name.toLowerCase() === EXTERNAL_ID_FIELD.toLowerCase());
      return {
        readable: body.queryable !== false,
        createable: body.createable === true,
        updateable: body.updateable === true,
        field: field
          ? {
              externalId: field.externalId === true,
              unique: field.unique === true,
              createable: field.createable === true,
              updateable: field.updateable === true,
            }
          : null,
      };
    });
    const taskStatus = answers('statuses', (body: { totalSize: number }) => body.totalSize > 0);
    if (task.kind !== 'answered' || task.value.field) return { task, taskStatus };
    const developerName = EXTERNAL_ID_FIELD.replace(/__c$/i, '');
    const fieldInOrg = await this.ask(async () => {
      const found = await this.connection.tooling.query<{ Id: string }>(
        `SELECT Id FROM CustomField WHERE TableEnumOrId = 'Activity' AND DeveloperName = '${developerName}'`,
      );
      return found.totalSize > 0;
    });
    return { task, taskStatus, fieldInOrg };
  }

  /** Subrequests in one Composite call; each answer read by its reference id (a failed call fails them all alike). */
  private async composite(
    requests: { method: 'GET'; referenceId: string; url: string }[],
  ): Promise<<T>(referenceId: string, value: (body: never) => T) => ProbeAnswer<T>> {
    let answers: Map<string, { httpStatusCode: number; body: unknown }>;
    try {
      const answer = await this.connection.requestPost<{
        compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[];
      }>(`/services/data/v${this.connection.version}/composite`, {
        allOrNone: false,
        compositeRequest: requests,
      });
      answers = new Map(answer.compositeResponse.map((r) => [r.referenceId, r]));
    } catch (e) {
      const failed = classifyProbeError(e);
      return () => failed;
    }
    return <T>(referenceId: string, value: (body: never) => T): ProbeAnswer<T> => {
      const r = answers.get(referenceId);
      if (!r) return classifyProbeError(new Error(`the Composite call answered nothing for ${referenceId}`));
      if (r.httpStatusCode >= 400) {
        const [first] = (Array.isArray(r.body) ? r.body : [r.body]) as { errorCode?: string; message?: string }[];
        return classifyProbeError({
          errorCode: first?.errorCode ?? `ERROR_HTTP_${r.httpStatusCode}`,
          message: first?.message ?? '',
        });
      }
      return { kind: 'answered', value: value(r.body as never) };
    };
  }

  private async ask<T>(call: () => Promise<T>): Promise<ProbeAnswer<T>> {
    try {
      return { kind: 'answered', value: await call() };
    } catch (e) {
      return classifyProbeError(e);
    }
  }
}
