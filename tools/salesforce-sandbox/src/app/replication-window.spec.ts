import { checkReplicationWindow, deleteLogStart, earliestDateAvailable } from './replication-window';
import { SfdcError } from './sfdc-error';

const NOW = Date.parse('2026-11-24T12:00:30Z');
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

describe('getUpdated / getDeleted windows', () => {
  it('works in whole minutes and caps latestDateCovered at now', () => {
    const w = checkReplicationWindow('2026-11-24T10:00:59+00:00', '2026-11-25T00:00:00+00:00', NOW, 'updated');
    expect(iso(w.start)).toBe('2026-11-24T10:00:00.000Z');
    expect(iso(w.latestDateCovered)).toBe('2026-11-24T12:00:00.000Z');
  });

  it.each([
    ['updated', NOW - 30 * DAY + 60_000, true],
    ['updated', NOW - 31 * DAY, false],
    ['deleted', NOW - 15 * DAY + 60_000, true],
    ['deleted', NOW - 15 * DAY - 60_000, false],
  ] as const)('%s starting at %d is accepted: %s', (kind, start, ok) => {
    const call = () => checkReplicationWindow(iso(start), iso(NOW), NOW, kind);
    if (ok) expect(call).not.toThrow();
    else
      expect(call).toThrow(expect.objectContaining({ errorCode: 'INVALID_REPLICATION_DATE' }) as unknown as SfdcError);
  });

  it('start must precede end by more than a minute', () => {
    expect(() => checkReplicationWindow(iso(NOW - 60_000), iso(NOW), NOW, 'deleted')).toThrow(/more than one minute/);
  });

  it.each([
    ['no purge: 15 days back', null, '2026-11-09T12:00:00.000Z'],
    ['a purge 2 days ago: there, in whole minutes', NOW - 2 * DAY, '2026-11-22T12:00:00.000Z'],
    ['a purge 20 days ago: the 15 days again', NOW - 20 * DAY, '2026-11-09T12:00:00.000Z'],
  ] as const)('earliestDateAvailable with %s', (_label, purgedBefore, expected) => {
    expect(iso(earliestDateAvailable(NOW, purgedBefore))).toBe(expected);
    // The recycle bin empties at the exact instant; only the reported date is whole minutes.
    expect(deleteLogStart(NOW, purgedBefore)).toBe(Math.max(NOW - 15 * DAY, purgedBefore ?? 0));
  });

  it('a getDeleted start before the earliest date available is refused, at it accepted', () => {
    const earliest = earliestDateAvailable(NOW, NOW - 2 * DAY);
    expect(() => checkReplicationWindow(iso(earliest - 60_000), iso(NOW), NOW, 'deleted', earliest)).toThrow(/purged/);
    expect(() => checkReplicationWindow(iso(earliest), iso(NOW), NOW, 'deleted', earliest)).not.toThrow();
    expect(() => checkReplicationWindow(iso(earliest - 60_000), iso(NOW), NOW, 'updated', earliest)).not.toThrow();
  });

  it('an unparsable date is refused', () => {
    expect(() => checkReplicationWindow('yesterday', iso(NOW), NOW, 'deleted')).toThrow(SfdcError);
  });
});
