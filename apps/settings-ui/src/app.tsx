import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Api, ApiError, errorText } from './api/client';
import type { ApiAllocationView, Connection, OrgReaderView } from './api/types';
import type { Arrival } from './session';
import { ApiAllocations, Connected, type Feedback, NotConnected, OrgReaders, StartOver } from './views/connection';

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
  const feedback: Feedback = { say: setMessage, notice: setNotice };

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
  const loadAllocations = useCallback(() => adminOnly<ApiAllocationView>('/v1/salesforce/api-allocation', setAllocations), [adminOnly]);
  const loadConnection = useCallback(
    () => api?.<{ items: Connection[] }>('GET', '/v1/connections').then((data) => setConnection(data.items[0] ?? null), (e) => setMessage(errorText(e))),
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
          {connection === null && <NotConnected api={api} feedback={feedback} />}
          {startOver && <StartOver api={api} feedback={feedback} offeredAs={startOver.offeredAs} connectedAs={startOver.connectedAs} connection={connection ?? null} onCancel={() => (setStartOver(null), setMessage(''))} />}
          {connection && <Connected api={api} feedback={feedback} connection={connection} statusTick={statusTick} onDisconnected={() => (setConnection(undefined), loadConnection())} />}
          {readers && <OrgReaders api={api} feedback={feedback} readers={readers} onChanged={loadReaders} />}
          {allocations && <ApiAllocations api={api} feedback={feedback} allocations={allocations} onChanged={loadAllocations} />}
        </>
      )}
    </main>
  );
}
