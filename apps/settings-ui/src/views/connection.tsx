import { useEffect, useState } from 'preact/hooks';
import { type Api, errorText } from '../api/client';
import type {
  ApiAllocationView,
  Connection,
  ConnectionStatus,
  Environment,
  ImportPreview,
  OrgReaderView,
} from '../api/types';
import { type ConnectBody, keptLogin, pickedLogin } from '../connect';
import {
  describeAllocation,
  describeDeleteWindow,
  describeEnvironment,
  describeImport,
  describeReadMode,
  describeSaved,
  formatTime,
} from '../format';

export interface Feedback {
  say: (text: string) => void;
  notice: (text: string) => void;
}

/** Connect, Reconnect (the same Salesforce user: in place) and Start over (confirmed) run the same flow. */
const connectSalesforce = (api: Api, { say }: Feedback, body: ConnectBody) =>
  api<{ authorizeUrl: string }>('POST', '/v1/salesforce/connect', body)
    .then((r) => location.assign(r.authorizeUrl))
    .catch((e) => say(errorText(e)));

export function NotConnected({ api, feedback }: { api: Api; feedback: Feedback }) {
  const [environment, setEnvironment] = useState<Environment>('production');
  const [myDomain, setMyDomain] = useState('');
  const radio = (value: Environment, label: string) => (
    <label>
      <input
        type="radio"
        name="environment"
        value={value}
        checked={environment === value}
        onChange={() => setEnvironment(value)}
      />{' '}
      {label}
    </label>
  );
  return (
    <section id="not-connected">
      <p>
        Salesforce is <strong>not connected</strong>.
      </p>
      <fieldset class="row">
        <legend>Sign in to</legend>
        {radio('production', 'Production (login.salesforce.com)')}
        <br />
        {radio('sandbox', 'Sandbox (test.salesforce.com)')}
        <br />
        {radio('my-domain', 'My Domain')}{' '}
        <input
          id="my-domain"
          aria-label="My Domain host"
          placeholder="acme.my.salesforce.com"
          size={32}
          value={myDomain}
          onInput={(e) => setMyDomain(e.currentTarget.value)}
          onFocus={() => setEnvironment('my-domain')}
        />
      </fieldset>
      <button
        id="connect"
        class="primary"
        onClick={() => connectSalesforce(api, feedback, pickedLogin(environment, myDomain))}
      >
        Connect Salesforce
      </button>
    </section>
  );
}

/** Signed in at Salesforce as another user than the connection's: nothing changed until the user confirms starting over. */
export function StartOver({
  api,
  feedback,
  offeredAs,
  connectedAs,
  connection,
  onCancel,
}: {
  api: Api;
  feedback: Feedback;
  offeredAs: string;
  connectedAs: string;
  connection: Connection | null;
  onCancel: () => void;
}) {
  return (
    <section id="start-over" class="warning">
      <p>
        You signed in to Salesforce as <strong id="offered-as">{offeredAs}</strong>, but Sales Connect is connected to{' '}
        <strong id="connected-as">{connectedAs}</strong>. You have one Salesforce connection: nothing was changed.
      </p>
      <p>
        Starting over with <strong id="offered-as-again">{offeredAs}</strong> disconnects{' '}
        <strong id="connected-as-again">{connectedAs}</strong>: the links between your tasks go, its sync history with
        them, and the next "Sync tasks" imports your Salesforce tasks of the last 24 hours as new ones. To keep your
        links, reconnect as <strong id="connected-as-keep">{connectedAs}</strong> instead.
      </p>
      <button
        id="start-over-confirm"
        class="primary"
        onClick={() =>
          connectSalesforce(api, feedback, {
            ...(connection ? keptLogin(connection) : pickedLogin('production', '')),
            startOver: true,
          })
        }
      >
        Start over with the other account
      </button>{' '}
      <button id="start-over-cancel" onClick={onCancel}>
        Keep my connection
      </button>
    </section>
  );
}

/** Before the first Save: what enabling will import (R2's 24 hours), and that Sales Connect's existing tasks are not sent (R3). */
function ImportPreviewBox({ api, connection }: { api: Api; connection: Connection }) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    api<ImportPreview>('GET', `/v1/connections/${connection.id}/import-preview`).then(setPreview, (e) =>
      setFailure(errorText(e)),
    );
  }, [api, connection.id]);
  return (
    <section id="import-preview" class="info" aria-labelledby="import-preview-title" aria-busy={!preview && !failure}>
      <h3 id="import-preview-title">What Save imports</h3>
      <div role="status">
        {failure ? (
          <p class="muted">The preview is not available: {failure}</p>
        ) : !preview ? (
          <p class="muted">Counting your Salesforce tasks of the last 24 hours…</p>
        ) : (
          <p id="import-preview-count">
            Saving imports <strong>{preview.count}</strong> Salesforce {preview.count === 1 ? 'task' : 'tasks'} changed
            between {formatTime(preview.windowStart)} and {formatTime(preview.windowEnd)} into Sales Connect.
          </p>
        )}
      </div>
      {preview && preview.tasks.length > 0 && (
        <table>
          <caption class="visually-hidden">
            The first {preview.tasks.length} tasks Save imports, newest change first
          </caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">Due</th>
              <th scope="col">Last changed</th>
            </tr>
          </thead>
          <tbody>
            {preview.tasks.map((t) => (
              <tr key={t.sfdcTaskId}>
                <td>
                  {t.salesforceUrl ? (
                    <a href={t.salesforceUrl} target="_blank" rel="noopener noreferrer">
                      {t.subject || t.sfdcTaskId}
                    </a>
                  ) : (
                    t.subject || t.sfdcTaskId
                  )}
                </td>
                <td>{t.status}</td>
                <td>{t.activityDate ?? '–'}</td>
                <td>{formatTime(t.lastModifiedDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview && preview.count > preview.tasks.length && (
        <p class="muted">and {preview.count - preview.tasks.length} more.</p>
      )}
      <p id="import-preview-r3">
        Tasks you already have in Sales Connect are not sent to Salesforce: only tasks created or changed in Sales
        Connect after you save are.
      </p>
    </section>
  );
}

/** The connected rep's page: the connection, Sync tasks and Save, its status, Reconnect, the setup box. */
export function Connected({
  api,
  feedback,
  connection,
  statusTick,
  onDisconnected,
}: {
  api: Api;
  feedback: Feedback;
  connection: Connection;
  statusTick: number;
  onDisconnected: () => void;
}) {
  const { say, notice } = feedback;
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  const [syncTasks, setSyncTasks] = useState(connection.taskSync.enabled);
  const [saved, setSaved] = useState('');
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);

  useEffect(() => {
    const load = () =>
      api<ConnectionStatus>('GET', `/v1/connections/${connection.id}/status`).then(setStatus, (e) => say(errorText(e)));
    load();
    const poll = setInterval(load, 2000);
    return () => clearInterval(poll);
  }, [api, connection.id, statusTick, tick]);
  useEffect(() => setSyncTasks(connection.taskSync.enabled), [connection]);

  const save = () => {
    setSaved('');
    api<{ change: 'first-enable' | 're-enable' | 'disable' | null }>(
      'PUT',
      `/v1/connections/${connection.id}/task-sync`,
      { enabled: syncTasks },
    )
      .then((r) => {
        setSaved(describeSaved(r));
        refresh();
      })
      .catch((e) => say(errorText(e)));
  };
  const checkAgain = () =>
    api<{ paused: boolean; state: string }>('POST', `/v1/connections/${connection.id}/preflight`)
      .then((p) => {
        notice(p.paused ? `Checked: still ${p.state}.` : 'Checked: ready. Sync resumes within a minute.');
        refresh();
      })
      .catch((e) => say(errorText(e)));
  const disconnect = () =>
    api('DELETE', `/v1/connections/${connection.id}`).then(onDisconnected, (e) => say(errorText(e)));

  const setup = status?.setup;
  const showPreview =
    syncTasks && !connection.taskSync.enabled && connection.taskSync.firstEnabledAt === null && !saved;
  const window = status?.deleteWindow ? describeDeleteWindow(status.deleteWindow, new Date()) : null;
  return (
    <section id="connected">
      <p>
        Connected as <strong id="sf-user">{connection.salesforce.username}</strong>{' '}
        <span id="sf-org">(org {connection.salesforce.orgId})</span>
      </p>
      <p>
        Environment: <span id="sf-environment">{describeEnvironment(connection)}</span>
      </p>
      {status?.state === 'unauthorized' && (
        <div id="reconnect-box" class="warning">
          <p>
            Salesforce no longer accepts this connection's sign-in (it was revoked or expired): sync is paused.
            Reconnect as <strong id="reconnect-user">{connection.salesforce.username}</strong> to go on where it
            stopped, with the same links and nothing imported again.
          </p>
          <button
            id="reconnect"
            class="primary"
            onClick={() => connectSalesforce(api, feedback, keptLogin(connection))}
          >
            Reconnect
          </button>
        </div>
      )}
      {setup?.paused && (
        <div id="setup-box" class="warning">
          <p>
            <strong>
              Paused: <span id="setup-state">{setup.state}</span>.
            </strong>{' '}
            <span id="setup-advice">{setup.advice}</span>
          </p>
          <p class="muted" id="setup-detail">
            {setup.detail ? `Salesforce: ${setup.detail}` : ''}
          </p>
          <button id="check-again" class="primary" onClick={checkAgain}>
            Check again
          </button>{' '}
          <span id="setup-checked" class="muted">
            Checked {formatTime(setup.checkedAt)}.
          </span>
        </div>
      )}
      {window && (
        <div id="delete-window" class={window.tone === 'info' ? 'info' : 'warning'}>
          <p>{window.text}</p>
        </div>
      )}
      <div class="row">
        <label>
          <input
            type="checkbox"
            id="sync-tasks"
            checked={syncTasks}
            onChange={(e) => setSyncTasks(e.currentTarget.checked)}
          />{' '}
          Sync tasks
        </label>{' '}
        <button id="save" class="primary" onClick={save}>
          Save
        </button>
        <span id="saved" role="status">
          {saved}
        </span>
      </div>
      {showPreview && <ImportPreviewBox api={api} connection={connection} />}
      <h2>Status</h2>
      <dl>
        <dt>State</dt>
        <dd id="state">{status?.state ?? '–'}</dd>
        <dt>Import</dt>
        <dd id="import">{status ? describeImport(status.import) : '–'}</dd>
        <dt>Last sync</dt>
        <dd id="last-sync">{formatTime(status?.lastSyncedAt)}</dd>
        <dt>API calls today</dt>
        <dd id="api-allocation">{status ? describeAllocation(status.apiAllocation) : '–'}</dd>
        <dt>Org API usage</dt>
        <dd id="api-usage">
          {status?.apiUsage ? `${status.apiUsage.used} of ${status.apiUsage.limit} calls today` : '–'}
        </dd>
        <dt>Reads</dt>
        <dd id="read-mode">{status ? describeReadMode(status.readMode) : '–'}</dd>
      </dl>
      <ul id="errors">
        {status?.recentErrors.map((e) => (
          <li key={e.code}>
            {e.code} ×{e.count}: {e.lastMessage}
          </li>
        ))}
      </ul>
      <div class="row">
        <button id="disconnect" onClick={disconnect}>
          Disconnect
        </button>
      </div>
    </section>
  );
}

function Reader({
  api,
  feedback,
  reader,
  onChanged,
}: {
  api: Api;
  feedback: Feedback;
  reader: OrgReaderView;
  onChanged: () => void;
}) {
  const call = (method: string, path: string) => api(method, path).then(onChanged, (e) => feedback.say(errorText(e)));
  const p = reader.preflight;
  return (
    <div class="reader">
      <p>
        <strong>{reader.sfdcUsername}</strong> (org {reader.orgId}){' '}
        {reader.connected ? '' : '· Salesforce refused its grant: connect the org reader again.'}
      </p>
      {p ? (
        <>
          <ul class="preflight">
            {p.items.map((i) => (
              <li key={i.label} class={i.state}>
                {i.label}: {i.message}
              </li>
            ))}
          </ul>
          <p class="muted">
            {p.passed
              ? 'Ready: this org is read through the org stream.'
              : 'Not ready: its reps keep polling until every item is ok.'}{' '}
            Checked {formatTime(p.checkedAt)}.
          </p>
        </>
      ) : (
        <p class="muted">Not checked yet.</p>
      )}
      <button onClick={() => call('POST', `/v1/salesforce/org-reader/${reader.orgId}/preflight`)}>Check again</button>{' '}
      <button onClick={() => call('DELETE', `/v1/salesforce/org-reader/${reader.orgId}`)}>Remove the org reader</button>
    </div>
  );
}

/** Admins only (others are answered 403 and never see it): the org's reader, its checks, connect or remove it. */
export function OrgReaders({
  api,
  feedback,
  readers,
  onChanged,
}: {
  api: Api;
  feedback: Feedback;
  readers: OrgReaderView[];
  onChanged: () => void;
}) {
  const connectReader = () =>
    api<{ authorizeUrl: string }>('POST', '/v1/salesforce/org-reader/connect')
      .then((r) => location.assign(r.authorizeUrl))
      .catch((e) => feedback.say(errorText(e)));
  return (
    <section id="org-reader" aria-labelledby="org-reader-title">
      <h2 id="org-reader-title">Org reader</h2>
      <p class="muted">
        One integration user per Salesforce org reads the org's changes (Change Data Capture for Task needs View All
        Data). Each rep's own connection keeps making that rep's writes.
      </p>
      <div id="readers">
        {readers.length === 0 && <p class="muted">No org reader yet: reps poll Salesforce with their own sessions.</p>}
        {readers.map((r) => (
          <Reader key={r.orgId} api={api} feedback={feedback} reader={r} onChanged={onChanged} />
        ))}
      </div>
      <div class="row">
        <button id="connect-reader" onClick={connectReader}>
          Connect the org reader
        </button>
      </div>
    </section>
  );
}

function Allocation({
  api,
  feedback,
  allocation: a,
  onChanged,
}: {
  api: Api;
  feedback: Feedback;
  allocation: ApiAllocationView;
  onChanged: () => void;
}) {
  const [value, setValue] = useState(a.source === 'admin' ? String(a.allocated) : '');
  const put = (allocated: number | null) =>
    api('PUT', `/v1/salesforce/api-allocation/${a.orgId}`, { allocated }).then(onChanged, (e) =>
      feedback.say(errorText(e)),
    );
  return (
    <div class="reader">
      <p>
        Org {a.orgId}: {describeAllocation(a)}
        {a.source === 'admin' ? '' : a.source === 'default' ? ' (the default share)' : ''}
      </p>
      {a.orgUsage && (
        <p class="muted">
          The org has used {a.orgUsage.used} of its {a.orgUsage.limit} calls (every integration), at{' '}
          {formatTime(a.orgUsage.readAt)}.
        </p>
      )}
      <input
        type="number"
        min="0"
        step="1"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
        placeholder={a.defaultAllocated === null ? 'calls a day' : `default ${a.defaultAllocated}`}
        aria-label={`API calls allocated in org ${a.orgId}`}
      />{' '}
      <button onClick={() => put(value === '' ? null : Number(value))}>Save</button>{' '}
      <button onClick={() => put(null)}>Use the default</button>
    </div>
  );
}

/** Admins only, like the readers: the API calls each org allocates to the sync. */
export function ApiAllocations({
  api,
  feedback,
  allocations,
  onChanged,
}: {
  api: Api;
  feedback: Feedback;
  allocations: ApiAllocationView[];
  onChanged: () => void;
}) {
  return (
    <section id="api-allocations" aria-labelledby="api-allocations-title">
      <h2 id="api-allocations-title">API calls allocated to the sync</h2>
      <p class="muted">
        The sync's own Salesforce calls (reads and writes) in each org over a rolling 24 hours, as Salesforce counts
        them. Once they reach the allocation, the org's reads and writes pause and resume by themselves as the window
        frees calls. Without a setting, the allocation is a share of the org's daily limit.
      </p>
      <div id="allocations">
        {allocations.length === 0 && <p class="muted">No Salesforce org connected yet.</p>}
        {allocations.map((a) => (
          <Allocation
            key={`${a.orgId}:${a.allocated}:${a.source}`}
            api={api}
            feedback={feedback}
            allocation={a}
            onChanged={onChanged}
          />
        ))}
      </div>
    </section>
  );
}
