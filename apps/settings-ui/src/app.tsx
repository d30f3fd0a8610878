import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Api, ApiError, errorText } from './api/client';
import type { AdminRep, ApiAllocationView, Connection, OrgReaderView } from './api/types';
import type { Arrival } from './session';
import { availableTabs, TAB_LABELS, type TabId, tabAfterKey, tabFromHash } from './tabs';
import { AdminView } from './views/admin';
import { ApiAllocations, Connected, type Feedback, NotConnected, OrgReaders, StartOver } from './views/connection';
import { HealthView } from './views/health';
import { TimelineView } from './views/timeline';

/** The connection Health and the timeline look at: the rep's own, or one an admin opened from the Admin view. */
interface Focus {
  connectionId: string;
  label: string | null;
}

/**
 * Settings → CRM → Salesforce → Configure. Reps see their connection and how its changes are read,
 * Reconnect when Salesforce refused its grant, and a start-over confirmation when they signed in as
 * another Salesforce account; admins (JWT_ADMIN_ROLE) also see the org's reader and the API allocation.
 */
export function App({ token, api, arrival }: { token: string | null; api: Api | null; arrival: Arrival }) {
  const [message, setMessage] = useState(arrival.kind === 'error' ? arrival.message : '');
  const [notice, setNotice] = useState(arrival.kind === 'notice' ? arrival.message : '');
  const [startOver, setStartOver] = useState(arrival.kind === 'other-account' ? arrival : null);
  /** undefined: still loading; null: not connected. */
  const [connection, setConnection] = useState<Connection | null | undefined>(undefined);
  const [readers, setReaders] = useState<OrgReaderView[] | null>(null);
  const [allocations, setAllocations] = useState<ApiAllocationView[] | null>(null);
  const [statusTick, setStatusTick] = useState(0);
  const [tab, setTab] = useState<TabId>('connection');
  const [adminFocus, setAdminFocus] = useState<Focus | null>(null);
  const feedback: Feedback = { say: setMessage, notice: setNotice };
  const focus: Focus | null = adminFocus ?? (connection ? { connectionId: connection.id, label: null } : null);
  const tabs = availableTabs(focus !== null, readers !== null);
  const open = (next: TabId) => {
    setTab(next);
    history.replaceState(null, '', `${location.pathname}${location.search}${next === 'connection' ? '' : `#${next}`}`);
  };
  useEffect(() => {
    if (tabs.length > 1 && tab === 'connection' && location.hash) setTab(tabFromHash(location.hash, tabs));
  }, [tabs.length]);
  const onTabKey = (e: KeyboardEvent) => {
    const next = tabAfterKey(tabs, tab, e.key);
    if (!next) return;
    e.preventDefault();
    open(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  const openRep = (rep: AdminRep, view: 'health' | 'timeline') => {
    setAdminFocus(
      rep.connectionId === connection?.id ? null : { connectionId: rep.connectionId, label: rep.sfdcUsername },
    );
    open(view);
  };

  // Only admins get the readers and allocations (others are answered 403): their sections stay away for reps.
  const adminOnly = useCallback(
    <T,>(path: string, set: (items: T[]) => void) =>
      api?.<{ items: T[] }>('GET', path).then(
        (data) => {
          set(data.items);
          setStatusTick((t) => t + 1);
        },
        (e) => {
          if (!(e instanceof ApiError && e.status === 403)) setMessage(errorText(e));
        },
      ),
    [api],
  );
  const loadReaders = useCallback(() => adminOnly<OrgReaderView>('/v1/salesforce/org-reader', setReaders), [adminOnly]);
  const loadAllocations = useCallback(
    () => adminOnly<ApiAllocationView>('/v1/salesforce/api-allocation', setAllocations),
    [adminOnly],
  );
  const loadConnection = useCallback(
    () =>
      api?.<{ items: Connection[] }>('GET', '/v1/connections').then(
        (data) => setConnection(data.items[0] ?? null),
        (e) => setMessage(errorText(e)),
      ),
    [api],
  );
  useEffect(() => {
    if (!api) return;
    loadReaders();
    loadAllocations();
    loadConnection();
  }, [api]);

  return (
    <main>
      <h1>Salesforce</h1>
      <p id="message" role="alert">
        {message}
      </p>
      <p id="notice" role="status">
        {notice}
      </p>
      {!token || !api ? (
        <section id="signed-out">
          <p>Open this page from Sales Connect: it needs your session.</p>
        </section>
      ) : (
        <>
          {tabs.length > 1 && (
            <div class="tabs" role="tablist" aria-label="Views" onKeyDown={onTabKey}>
              {tabs.map((t) => (
                <button
                  key={t}
                  id={`tab-${t}`}
                  role="tab"
                  aria-selected={tab === t}
                  aria-controls={`panel-${t}`}
                  tabIndex={tab === t ? 0 : -1}
                  onClick={() => open(t)}
                >
                  {TAB_LABELS[t]}
                </button>
              ))}
            </div>
          )}
          {focus?.label && tab !== 'connection' && tab !== 'admin' && (
            <p class="info">
              Looking at {focus.label}'s connection. <button onClick={() => setAdminFocus(null)}>Back to my own</button>
            </p>
          )}
          <div
            role={tabs.length > 1 ? 'tabpanel' : undefined}
            id={`panel-${tab}`}
            aria-labelledby={tabs.length > 1 ? `tab-${tab}` : undefined}
          >
            {tab === 'connection' && (
              <>
                {connection === null && <NotConnected api={api} feedback={feedback} />}
                {startOver && (
                  <StartOver
                    api={api}
                    feedback={feedback}
                    offeredAs={startOver.offeredAs}
                    connectedAs={startOver.connectedAs}
                    connection={connection ?? null}
                    onCancel={() => (setStartOver(null), setMessage(''))}
                  />
                )}
                {connection && (
                  <Connected
                    api={api}
                    feedback={feedback}
                    connection={connection}
                    statusTick={statusTick}
                    onDisconnected={() => (setConnection(undefined), loadConnection())}
                  />
                )}
                {readers && <OrgReaders api={api} feedback={feedback} readers={readers} onChanged={loadReaders} />}
                {allocations && (
                  <ApiAllocations api={api} feedback={feedback} allocations={allocations} onChanged={loadAllocations} />
                )}
              </>
            )}
            {tab === 'health' && focus && (
              <HealthView
                key={focus.connectionId}
                api={api}
                token={token}
                connectionId={focus.connectionId}
                feedback={feedback}
              />
            )}
            {tab === 'timeline' && focus && (
              <TimelineView key={focus.connectionId} api={api} connectionId={focus.connectionId} feedback={feedback} />
            )}
            {tab === 'admin' && readers && <AdminView api={api} feedback={feedback} onOpen={openRep} />}
          </div>
        </>
      )}
    </main>
  );
}
