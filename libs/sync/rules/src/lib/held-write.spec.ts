import { decideHeldWrite, mustHoldSfdcWrite } from './held-write';

const NOW = Date.parse('2026-12-05T10:00:00.000Z');
const policy = { readAfterMs: 10_000, readEveryMs: 5_000, maxReads: 3 };

describe('a write held over an unread change is never sent blind: it waits for the ingest, then its target is read and decided', () => {
  it('waits for the ingest while it is younger than readAfterMs', () => {
    expect(decideHeldWrite({ waitedMs: 9_999, reads: 0, lastReadAtMs: null, nowMs: NOW }, policy)).toEqual({ kind: 'wait' });
  });

  it('past readAfterMs its target is read, however long it waited (an outage queues writes for minutes)', () => {
    expect(decideHeldWrite({ waitedMs: 10_000, reads: 0, lastReadAtMs: null, nowMs: NOW }, policy)).toEqual({ kind: 'read' });
    expect(decideHeldWrite({ waitedMs: 3_600_000, reads: 0, lastReadAtMs: null, nowMs: NOW }, policy)).toEqual({ kind: 'read' });
  });

  it('reads again only readEveryMs after the last read', () => {
    expect(decideHeldWrite({ waitedMs: 20_000, reads: 1, lastReadAtMs: NOW - 4_999, nowMs: NOW }, policy)).toEqual({ kind: 'wait' });
    expect(decideHeldWrite({ waitedMs: 20_000, reads: 1, lastReadAtMs: NOW - 5_000, nowMs: NOW }, policy)).toEqual({ kind: 'read' });
  });

  it('fails the write once its target changed under maxReads reads (the failed-write schedule tries it again)', () => {
    expect(decideHeldWrite({ waitedMs: 60_000, reads: 2, lastReadAtMs: NOW - 5_000, nowMs: NOW }, policy)).toEqual({ kind: 'read' });
    expect(decideHeldWrite({ waitedMs: 60_000, reads: 3, lastReadAtMs: NOW - 5_000, nowMs: NOW }, policy)).toMatchObject({ kind: 'fail', reason: expect.stringContaining('3 reads') });
  });
});

describe('a Salesforce write waits while its task changed after the last Salesforce change the link read', () => {
  const seen = '2026-12-05T10:00:00.000Z';

  it('waits when the task was modified after the change read', () => {
    expect(mustHoldSfdcWrite(Date.parse(seen) + 1, seen)).toBe(true);
  });

  it('goes when the task is as read, or the link has read nothing of it and it has no stamp', () => {
    expect(mustHoldSfdcWrite(Date.parse(seen), seen)).toBe(false);
    expect(mustHoldSfdcWrite(undefined, seen)).toBe(false);
  });

  it('a link that has read no Salesforce change yet waits for any stamp', () => {
    expect(mustHoldSfdcWrite(Date.parse(seen), null)).toBe(true);
  });
});
