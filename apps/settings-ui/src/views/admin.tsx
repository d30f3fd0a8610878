import { useEffect, useState } from 'preact/hooks';
import { type Api, errorText } from '../api/client';
import type { AdminOrg, AdminRep, Page } from '../api/types';
import { LoadMore, UsageChart } from '../components/common';
import { describeAllocation, describeDeleteWindow, describeReadMode, formatTime } from '../format';
import { appendPage, nextPageQuery, type PagedList } from '../paging';
import type { Feedback } from './connection';

const repMode = (r: AdminRep) => (typeof r.readMode === 'string' ? r.readMode : describeReadMode(r.readMode));

function Org({
  api,
  org,
  feedback,
  onOpen,
}: {
  api: Api;
  org: AdminOrg;
  feedback: Feedback;
  onOpen: (rep: AdminRep, view: 'health' | 'timeline') => void;
}) {
  const [reps, setReps] = useState<PagedList<AdminRep>>(org.reps);
  const [busy, setBusy] = useState(false);
  const more = () => {
    const q = nextPageQuery(reps);
    if (q === null) return;
    setBusy(true);
    api<Page<AdminRep>>('GET', `/v1/admin/orgs/${org.orgId}/reps?${q}`)
      .then(
        (p) => setReps((l) => appendPage(l, p, (r) => r.connectionId)),
        (e) => feedback.say(errorText(e)),
      )
      .finally(() => setBusy(false));
  };
  const r = org.reader;
  return (
    <section class="group" aria-labelledby={`org-${org.orgId}`}>
      <h2 id={`org-${org.orgId}`}>Org {org.orgId}</h2>
      <p>
        Org reader:{' '}
        {r
          ? `${r.sfdcUsername}, ${r.connected ? (r.preflight?.passed ? 'ready (the org is read through its stream)' : 'connected, its checks not passed') : 'Salesforce refused its grant: connect it again'}`
          : 'none: reps poll with their own sessions'}
      </p>
      <p>API calls: {describeAllocation(org.apiUsage)}</p>
      <UsageChart usage={{ orgId: org.orgId, ...org.apiUsage }} id={`usage-${org.orgId}`} />
      <table>
        <caption>Reps</caption>
        <thead>
          <tr>
            <th scope="col">Rep</th>
            <th scope="col">State</th>
            <th scope="col">Open problems</th>
            <th scope="col">Last sync</th>
            <th scope="col">Open</th>
          </tr>
        </thead>
        <tbody>
          {reps.items.map((rep) => (
            <tr key={rep.connectionId}>
              <td>
                {rep.sfdcUsername}
                <div class="muted">{rep.userId}</div>
              </td>
              <td>
                {rep.state}, sync {rep.taskSyncEnabled ? 'on' : 'off'}
                <div class="muted">{repMode(rep)}</div>
                {rep.deleteWindow && (
                  <div class={rep.deleteWindow.warning || rep.deleteWindow.closed ? 'warning' : 'muted'}>
                    {describeDeleteWindow(rep.deleteWindow, new Date()).text}
                  </div>
                )}
              </td>
              <td>{rep.openProblems}</td>
              <td>{formatTime(rep.lastSyncAt)}</td>
              <td class="actions">
                <button onClick={() => onOpen(rep, 'health')} aria-label={`Health of ${rep.sfdcUsername}`}>
                  Health
                </button>
                <button onClick={() => onOpen(rep, 'timeline')} aria-label={`Task timeline of ${rep.sfdcUsername}`}>
                  Task timeline
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={reps} noun="reps" busy={busy} onMore={more} />
    </section>
  );
}

/** Admins only: per org, the reader's state, every rep's connection, open problems per rep, API usage. */
export function AdminView({
  api,
  feedback,
  onOpen,
}: {
  api: Api;
  feedback: Feedback;
  onOpen: (rep: AdminRep, view: 'health' | 'timeline') => void;
}) {
  const [orgs, setOrgs] = useState<AdminOrg[] | null>(null);
  useEffect(() => {
    api<{ items: AdminOrg[] }>('GET', '/v1/admin/orgs').then(
      (d) => setOrgs(d.items),
      (e) => feedback.say(errorText(e)),
    );
  }, [api]);
  if (orgs === null) return <p class="muted">Loading…</p>;
  if (orgs.length === 0) return <p>No Salesforce org connected yet.</p>;
  return (
    <div id="admin">
      {orgs.map((o) => (
        <Org key={o.orgId} api={api} org={o} feedback={feedback} onOpen={onOpen} />
      ))}
    </div>
  );
}
