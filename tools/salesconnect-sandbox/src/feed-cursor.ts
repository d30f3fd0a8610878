/**
 * Opaque cursors over a monotonic sequence number. Clients must not parse them; the kind prefix
 * makes a list cursor useless as a feed cursor and the other way round.
 */
export type CursorKind = 'changes' | 'tasks';

const PREFIX: Record<CursorKind, string> = { changes: 'c1', tasks: 't1' };

export function encodeCursor(kind: CursorKind, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError(`invalid sequence ${sequence}`);
  return Buffer.from(`${PREFIX[kind]}:${sequence}`, 'utf8').toString('base64url');
}

/** The sequence number in a cursor, or null when it is not a cursor of that kind. */
export function decodeCursor(kind: CursorKind, cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const match = /^([a-z]\d):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null || match[1] !== PREFIX[kind]) return null;
  return Number(match[2]);
}
