export const TOKEN_KEY = 'task-sync.token';

/**
 * The user's token arrives in the URL fragment (never sent to a server) and is kept for the tab in
 * sessionStorage, so it survives the OAuth round trip. Returns the URL to show without it (null: keep the URL).
 */
export function takeToken(
  url: { hash: string; pathname: string; search: string },
  storage: Pick<Storage, 'getItem' | 'setItem'>,
): { token: string | null; cleanUrl: string | null } {
  const fromHash = new URLSearchParams(url.hash.slice(1)).get('token');
  if (fromHash) storage.setItem(TOKEN_KEY, fromHash);
  return { token: storage.getItem(TOKEN_KEY), cleanUrl: fromHash ? url.pathname + url.search : null };
}

/** What the OAuth round trip came back with, in the query string. */
export type Arrival =
  | { kind: 'other-account'; offeredAs: string; connectedAs: string }
  | { kind: 'error'; message: string }
  | { kind: 'notice'; message: string }
  | { kind: 'none' };

export function readArrival(search: string): Arrival {
  const q = new URLSearchParams(search);
  const error = q.get('error');
  if (error === 'other_salesforce_account')
    return { kind: 'other-account', offeredAs: q.get('offeredAs') ?? '', connectedAs: q.get('connectedAs') ?? '' };
  if (error) return { kind: 'error', message: `Salesforce was not connected: ${error.replace(/_/g, ' ')}.` };
  if (q.get('reconnected'))
    return {
      kind: 'notice',
      message: 'Reconnected. Sync goes on where it stopped: the same links, nothing imported again.',
    };
  if (q.get('orgReader')) return { kind: 'notice', message: 'The org reader is connected. Its checks are below.' };
  return { kind: 'none' };
}
