import { useEffect, useState } from 'preact/hooks';
import { type Api, downloadFile, errorText } from '../api/client';
import type { ApiUsage24h, Conflict, FailedTask, Page, ProblemGroup, Side } from '../api/types';
import { LoadMore, TaskIds, UsageChart } from '../components/common';
import { formatTime } from '../format';
import {
  csvFileName,
  describeAccepted,
  describeGroup,
  describeValue,
  groupKey,
  groupQuery,
  SIDE_NAMES,
  sortGroups,
} from '../health';
import { appendPage, emptyList, nextPageQuery, type PagedList } from '../paging';
import type { Feedback } from './connection';

type Target = { items: { linkId: string; side: Side }[] } | { code: string; side: Side };

/** One group's affected tasks, page by page, each with Retry now and Ignore. */
function GroupTasks({
  api,
  connectionId,
  group,
  act,
}: {
  api: Api;
  connectionId: string;
  group: ProblemGroup;
  act: (body: Target, action: 'retry' | 'ignore') => void;
}) {
  const [list, setList] = useState<PagedList<FailedTask>>(emptyList());
  const [busy, setBusy] = useState(false);
  const more = (from: PagedList<FailedTask>) => {
    const q = nextPageQuery(from);
    if (q === null) return;
    setBusy(true);
    api<Page<FailedTask>>('GET', `/v1/connections/${connectionId}/failed-tasks?${groupQuery(group)}&${q}`)
      .then((page) => setList((l) => appendPage(l, page, (t) => `${t.side}:${t.linkId}`)))
      .finally(() => setBusy(false));
  };
  useEffect(() => more(emptyList()), [connectionId, groupKey(group), group.count]);
  return (
    <>
      <table>
        <caption class="visually-hidden">Tasks affected by: {group.title}</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Ids</th>
            <th scope="col">Attempts</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((t) => (
            <tr key={`${t.side}:${t.linkId}`}>
              <td>
                {t.subject || '(no subject)'}
                <div class="muted">{t.reason}</div>
              </td>
              <td>
                <TaskIds task={t} />
              </td>
              <td>
                {t.attempts}
                <div class="muted">{t.nextRetryAt ? `next ${formatTime(t.nextRetryAt)}` : 'retries ran out'}</div>
              </td>
              <td class="actions">
                <button
                  onClick={() => act({ items: [{ linkId: t.linkId, side: t.side }] }, 'retry')}
                  aria-label={`Retry now: ${t.subject || t.linkId}`}
                >
                  Retry now
                </button>
                <button
                  onClick={() => act({ items: [{ linkId: t.linkId, side: t.side }] }, 'ignore')}
                  aria-label={`Ignore: ${t.subject || t.linkId}`}
                >
                  Ignore
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="tasks" busy={busy} onMore={() => more(list)} />
    </>
  );
}

function Conflicts({ api, connectionId }: { api: Api; connectionId: string }) {
  const [list, setList] = useState<PagedList<Conflict>>(emptyList());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');
  const more = (from: PagedList<Conflict>) => {
    const q = nextPageQuery(from);
    if (q === null) return;
    setBusy(true);
    api<Page<Conflict>>('GET', `/v1/connections/${connectionId}/conflicts?${q}`)
      .then(
        (page) => setList((l) => appendPage(l, page, (c) => `${c.linkId}:${c.field}:${c.decidedAt}`)),
        (e) => setFailure(errorText(e)),
      )
      .finally(() => setBusy(false));
  };
  useEffect(() => more(emptyList()), [connectionId]);
  return (
    <section aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts</h2>
      <p class="muted">A field changed on both sides before the sync carried either change: the later change wins.</p>
      {failure && <p class="muted">{failure}</p>}
      {list.items.length > 0 && (
        <table id="conflicts">
          <thead>
            <tr>
              <th scope="col">Task and field</th>
              <th scope="col">Salesforce</th>
              <th scope="col">Sales Connect</th>
              <th scope="col">Winner</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={`${c.linkId}:${c.field}:${c.decidedAt}`}>
                <td>
                  {c.subject || '(no subject)'}: <strong>{c.field}</strong>
                  <div class="muted">
                    <TaskIds task={c} />
                  </div>
                </td>
                <td>
                  {describeValue(c.sfdcValue)}
                  <div class="muted">{formatTime(c.sfdcChangedAt)}</div>
                </td>
                <td>
                  {describeValue(c.salesConnectValue)}
                  <div class="muted">{formatTime(c.salesConnectChangedAt)}</div>
                </td>
                <td>
                  {SIDE_NAMES[c.winner]}
                  <div class="muted">decided {formatTime(c.decidedAt)}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} noun="conflicts" busy={busy} onMore={() => more(list)} />
    </section>
  );
}

/** Open problems by reason, their tasks, Retry now / Ignore / Export CSV; the org's API usage over 24 h; conflicts. */
export function HealthView({
  api,
  token,
  connectionId,
  feedback,
}: {
  api: Api;
  token: string;
  connectionId: string;
  feedback: Feedback;
}) {
  const [groups, setGroups] = useState<ProblemGroup[] | null>(null);
  const [usage, setUsage] = useState<ApiUsage24h | null>(null);
  const [result, setResult] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api<{ groups: ProblemGroup[] }>('GET', `/v1/connections/${connectionId}/problems`).then(
      (d) => setGroups(sortGroups(d.groups)),
      (e) => feedback.say(errorText(e)),
    );
  }, [api, connectionId, tick]);
  useEffect(() => {
    api<ApiUsage24h>('GET', `/v1/connections/${connectionId}/api-usage`).then(setUsage, (e) =>
      feedback.say(errorText(e)),
    );
  }, [api, connectionId]);
  const act = (body: Target, action: 'retry' | 'ignore') =>
    api<{ accepted: number }>('POST', `/v1/connections/${connectionId}/failed-tasks/${action}`, body)
      .then((r) => {
        setResult(describeAccepted(r.accepted, action));
        setTick((t) => t + 1);
      })
      .catch((e) => feedback.say(errorText(e)));
  const exportCsv = (g?: ProblemGroup) =>
    downloadFile(
      token,
      `/v1/connections/${connectionId}/failed-tasks.csv${g ? `?${groupQuery(g)}` : ''}`,
      csvFileName(connectionId, g),
    ).catch((e) => feedback.say(errorText(e)));

  return (
    <div id="health">
      <section aria-labelledby="problems-title">
        <h2 id="problems-title">Problems</h2>
        <p id="health-result" role="status">
          {result}
        </p>
        {groups === null ? (
          <p class="muted">Loading…</p>
        ) : groups.length === 0 ? (
          <p>No open problems: every task is in sync or on its way.</p>
        ) : (
          <>
            <button onClick={() => exportCsv()}>Export all as CSV</button>
            {groups.map((g) => (
              <section key={groupKey(g)} class="group" aria-label={describeGroup(g)}>
                <h3>{describeGroup(g)}</h3>
                <p>{g.advice}</p>
                <p class="muted">
                  {SIDE_NAMES[g.side]} said: {g.message}
                </p>
                <div class="actions">
                  <button
                    onClick={() => act({ code: g.code, side: g.side }, 'retry')}
                    aria-label={`Retry all ${g.count}: ${g.title}`}
                  >
                    Retry all
                  </button>
                  <button
                    onClick={() => act({ code: g.code, side: g.side }, 'ignore')}
                    aria-label={`Ignore all ${g.count}: ${g.title}`}
                  >
                    Ignore all
                  </button>
                  <button onClick={() => exportCsv(g)} aria-label={`Export CSV: ${g.title}`}>
                    Export CSV
                  </button>
                </div>
                <GroupTasks api={api} connectionId={connectionId} group={g} act={act} />
              </section>
            ))}
          </>
        )}
      </section>
      <section aria-labelledby="usage-title">
        <h2 id="usage-title">API usage, last 24 hours</h2>
        {usage ? <UsageChart usage={usage} id="health-usage" /> : <p class="muted">Loading…</p>}
      </section>
      <Conflicts api={api} connectionId={connectionId} />
    </div>
  );
}
