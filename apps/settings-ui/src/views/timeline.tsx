import { useEffect, useState } from 'preact/hooks';
import { type Api, errorText } from '../api/client';
import type { Page, ResyncResult, TaskRef, Timeline, TimelineEvent } from '../api/types';
import { LoadMore, TaskIds } from '../components/common';
import { formatTime } from '../format';
import { appendPage, emptyList, nextPageQuery, type PagedList } from '../paging';
import { describeDetails, describeKind, inOrder, taskName } from '../timeline';
import type { Feedback } from './connection';

const eventKey = (e: TimelineEvent) => `${e.at}:${e.kind}:${e.side}:${e.summary}`;

/** Every event about one task, oldest first, with Resync this task. */
function TaskTimeline({
  api,
  connectionId,
  task,
  feedback,
}: {
  api: Api;
  connectionId: string;
  task: TaskRef;
  feedback: Feedback;
}) {
  const [list, setList] = useState<PagedList<TimelineEvent> | null>(null);
  const [busy, setBusy] = useState(false);
  const [resynced, setResynced] = useState('');
  const more = (from: PagedList<TimelineEvent>, reset = false) => {
    const q = nextPageQuery(from);
    if (q === null) return;
    setBusy(true);
    api<Timeline>('GET', `/v1/connections/${connectionId}/tasks/${task.linkId}/timeline?${q}`)
      .then(
        (page) => setList((l) => appendPage(reset || !l ? emptyList() : l, page, eventKey)),
        (e) => feedback.say(errorText(e)),
      )
      .finally(() => setBusy(false));
  };
  useEffect(() => more(emptyList(), true), [task.linkId]);
  const resync = () =>
    api<ResyncResult>('POST', `/v1/connections/${connectionId}/tasks/${task.linkId}/resync`)
      .then((r) => {
        setResynced(
          `Resynced: ${r.outcome}${r.differences.length ? ` (${r.differences.length} ${r.differences.length === 1 ? 'difference' : 'differences'})` : ''}.`,
        );
        more(emptyList(), true);
      })
      .catch((e) => feedback.say(errorText(e)));
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{taskName(task)}</h2>
      <p>
        <TaskIds task={task} />
      </p>
      <button class="primary" onClick={resync}>
        Resync this task
      </button>{' '}
      <span role="status">{resynced}</span>
      {list && (
        <>
          <ol class="timeline" id="timeline">
            {inOrder(list.items).map((e) => (
              <li key={eventKey(e)} class={e.outcome === 'failed' || e.kind === 'dead-letter' ? 'failed' : ''}>
                <strong>{describeKind(e)}</strong> <span class="muted">{formatTime(e.at)}</span>
                <div>{e.summary}</div>
                {describeDetails(e) && <div class="muted">{describeDetails(e)}</div>}
              </li>
            ))}
          </ol>
          <LoadMore list={list} noun="events" busy={busy} onMore={() => more(list)} />
        </>
      )}
    </section>
  );
}

/** Search a task by name or either id, then read its timeline. */
export function TimelineView({ api, connectionId, feedback }: { api: Api; connectionId: string; feedback: Feedback }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<PagedList<TaskRef> | null>(null);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const [task, setTask] = useState<TaskRef | null>(null);
  const fetchPage = (text: string, from: PagedList<TaskRef>) => {
    const page = nextPageQuery(from);
    if (page === null) return;
    setBusy(true);
    api<Page<TaskRef>>('GET', `/v1/connections/${connectionId}/tasks?q=${encodeURIComponent(text)}&${page}`)
      .then(
        (p) => setResults(appendPage(from, p, (t) => t.linkId)),
        (e) => feedback.say(errorText(e)),
      )
      .finally(() => setBusy(false));
  };
  const search = (e: Event) => {
    e.preventDefault();
    setTask(null);
    setQuery(q.trim());
    fetchPage(q.trim(), emptyList());
  };
  return (
    <div id="task-timeline">
      <form role="search" onSubmit={search} class="row">
        <label for="task-search">Find a task by name, Salesforce id or Sales Connect id</label>
        <br />
        <input id="task-search" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} size={40} />{' '}
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      {results && (
        <section aria-label={`Tasks matching ${query}`}>
          <ul>
            {results.items.map((t) => (
              <li key={t.linkId}>
                <button onClick={() => setTask(t)} aria-pressed={task?.linkId === t.linkId}>
                  {taskName(t)}
                </button>{' '}
                <span class="muted">
                  <TaskIds task={t} />
                  {t.lastEventAt ? ` · last event ${formatTime(t.lastEventAt)}` : ''}
                </span>
              </li>
            ))}
          </ul>
          <LoadMore list={results} noun="tasks" busy={busy} onMore={() => fetchPage(query, results)} />
        </section>
      )}
      {task && <TaskTimeline key={task.linkId} api={api} connectionId={connectionId} task={task} feedback={feedback} />}
    </div>
  );
}
