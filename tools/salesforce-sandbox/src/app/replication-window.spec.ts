import { checkReplicationWindow } from './replication-window';
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
    else expect(call).toThrow(expect.objectContaining({ errorCode: 'INVALID_REPLICATION_DATE' }) as unknown as SfdcError);
  });

  it('start must precede end by more than a minute', () => {
    expect(() => checkReplicationWindow(iso(NOW - 60_000), iso(NOW), NOW, 'deleted')).toThrow(/more than one minute/);
  });

  it('an unparsable date is refused', () => {
    expect(() => checkReplicationWindow('yesterday', iso(NOW), NOW, 'deleted')).toThrow(SfdcError);
  });
});
