import { decideHeldWrite, guardOfSfdcWrite, judgeHeldWrite, mustHoldSfdcWrite } from './held-write';

const NOW = Date.parse('2026-12-05T10:00:00.000Z');
const policy = { readAfterMs: 10_000, readEveryMs: 5_000, maxReads: 3 };

describe('a write held over an unread change is never sent blind: it waits for the ingest, then its target is read and decided', () => {
  it('waits for the ingest while it is younger than readAfterMs', () => {
    expect(decideHeldWrite({ waitedMs: 9_999, reads: 0, lastReadAtMs: null, nowMs: NOW }, policy)).toEqual({
      kind: 'wait',
    });
  });

  it('past readAfterMs its target is read, however long it waited (an outage queues writes for minutes)', () => {
    expect(decideHeldWrite({ waitedMs: 10_000, reads: 0, lastReadAtMs: null, nowMs: NOW }, policy)).toEqual({
      kind: 'read',
    });
    expect(decideHeldWrite({ waitedMs: 3_600_000, reads: 0, lastReadAtMs: null, nowMs: NOW }, policy)).toEqual({
      kind: 'read',
    });
  });

  it('reads again only readEveryMs after the last read', () => {
    expect(decideHeldWrite({ waitedMs: 20_000, reads: 1, lastReadAtMs: NOW - 4_999, nowMs: NOW }, policy)).toEqual({
      kind: 'wait',
    });
    expect(decideHeldWrite({ waitedMs: 20_000, reads: 1, lastReadAtMs: NOW - 5_000, nowMs: NOW }, policy)).toEqual({
      kind: 'read',
    });
  });

  it('fails the write once its target changed under maxReads reads (the failed-write schedule tries it again)', () => {
    expect(decideHeldWrite({ waitedMs: 60_000, reads: 2, lastReadAtMs: NOW - 5_000, nowMs: NOW }, policy)).toEqual({
      kind: 'read',
    });
    expect(
      decideHeldWrite({ waitedMs: 60_000, reads: 3, lastReadAtMs: NOW - 5_000, nowMs: NOW }, policy),
    ).toMatchObject({ kind: 'fail', reason: expect.stringContaining('3 reads') });
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

describe("a held write's reads are counted and timed, and forgotten once it fails (judgeHeldWrite)", () => {
  it('remembers nothing while a write waits for the ingest', () => {
    expect(judgeHeldWrite(undefined, { waitedMs: 9_999, nowMs: NOW }, policy)).toEqual({
      decision: { kind: 'wait' },
      remember: null,
    });
  });

  it('counts a read and when it was, so the next comes readEveryMs later', () => {
    const first = judgeHeldWrite(undefined, { waitedMs: 10_000, nowMs: NOW }, policy);
    expect(first).toEqual({ decision: { kind: 'read' }, remember: { reads: 1, lastReadAtMs: NOW } });
    const soon = judgeHeldWrite(first.remember ?? undefined, { waitedMs: 14_999, nowMs: NOW + 4_999 }, policy);
    expect(soon).toEqual({ decision: { kind: 'wait' }, remember: { reads: 1, lastReadAtMs: NOW } });
    expect(
      judgeHeldWrite(soon.remember ?? undefined, { waitedMs: 15_000, nowMs: NOW + 5_000 }, policy).remember,
    ).toEqual({ reads: 2, lastReadAtMs: NOW + 5_000 });
  });

  it('forgets the write once it fails after maxReads reads (a later hold of the task starts again)', () => {
    expect(judgeHeldWrite({ reads: 3, lastReadAtMs: NOW - 5_000 }, { waitedMs: 60_000, nowMs: NOW }, policy)).toEqual({
      decision: { kind: 'fail', reason: expect.stringContaining('3 reads') },
      remember: null,
    });
  });
});

describe('a Salesforce write never overwrites an unread change: how each write is guarded (guardOfSfdcWrite)', () => {
  const read = '2026-12-05T10:00:00.000Z';
  const both = {
    sfdcTaskId: '00T1',
    salesConnectTaskId: 'sc-1',
    lastSeenSfdc: read,
    sfdcWrittenAt: read,
    unlinked: false,
  };
  const scOnly = {
    sfdcTaskId: null,
    salesConnectTaskId: 'sc-1',
    lastSeenSfdc: null,
    sfdcWrittenAt: null,
    unlinked: false,
  };
  const ownCreateUnread = { ...both, lastSeenSfdc: null, sfdcWrittenAt: '2026-12-05T10:00:01.000Z' };
  const ownWriteUnread = { ...both, sfdcWrittenAt: '2026-12-05T10:00:01.000Z' };

  it.each<
    [
      string,
      Parameters<typeof guardOfSfdcWrite>[0],
      Parameters<typeof guardOfSfdcWrite>[1],
      boolean,
      ReturnType<typeof guardOfSfdcWrite>,
    ]
  >([
    [
      'an update by id goes If-Unmodified-Since the last change read',
      { kind: 'update', setsStatus: false },
      both,
      false,
      'if-unmodified-since',
    ],
    [
      'an update that sets the status in an org without record types too',
      { kind: 'update', setsStatus: true },
      both,
      false,
      'if-unmodified-since',
    ],
    [
      'an update that sets the status in an org with record types is read first (its record type picks the value)',
      { kind: 'update', setsStatus: true },
      both,
      true,
      'read-first',
    ],
    [
      'an update of other fields in an org with record types goes If-Unmodified-Since',
      { kind: 'update', setsStatus: false },
      both,
      true,
      'if-unmodified-since',
    ],
    [
      'a create whose task the link knows already is read first (an upsert takes no condition)',
      { kind: 'create', setsStatus: true },
      both,
      false,
      'read-first',
    ],
    [
      'a create of a task not in Salesforce yet is not guarded',
      { kind: 'create', setsStatus: true },
      scOnly,
      false,
      'none',
    ],
    [
      'an update to a task known only by its Sales Connect id is looked up by external id',
      { kind: 'update', setsStatus: false },
      scOnly,
      true,
      'by-external-id',
    ],
    [
      "an update after the sync's own create, before the create is read back, waits without a call (nothing read yet: the 412 is certain)",
      { kind: 'update', setsStatus: false },
      ownCreateUnread,
      false,
      'wait-for-read',
    ],
    [
      'an update the link knows nothing read of, even without a stamp of its own write (its stamps read failed), waits too',
      { kind: 'update', setsStatus: false },
      { ...both, lastSeenSfdc: null, sfdcWrittenAt: null },
      false,
      'wait-for-read',
    ],
    [
      'a link made from Sales Connect holds the epoch as its last Salesforce read until the first one: its updates wait too',
      { kind: 'update', setsStatus: false },
      { ...both, lastSeenSfdc: new Date(0).toISOString(), sfdcWrittenAt: null },
      false,
      'wait-for-read',
    ],
    [
      "an update after the sync's own later write, before that write is read back, waits without a call (stamped after the last read)",
      { kind: 'update', setsStatus: true },
      ownWriteUnread,
      true,
      'wait-for-read',
    ],
    [
      "an update whose own last write is stamped in the second last read goes If-Unmodified-Since (a person's edit of that second is judged by Salesforce)",
      { kind: 'update', setsStatus: false },
      { ...both, sfdcWrittenAt: read },
      false,
      'if-unmodified-since',
    ],
    [
      "an update of a link unlinked since (its task deleted in Salesforce before our write was read back) does not wait for a read that will not come: Salesforce's answer settles it",
      { kind: 'update', setsStatus: false },
      { ...ownWriteUnread, unlinked: true },
      false,
      'if-unmodified-since',
    ],
    [
      'a delete does not wait for an unread write of its own either (R6)',
      { kind: 'delete', setsStatus: false },
      ownCreateUnread,
      false,
      'none',
    ],
    ['a delete never waits: it wins over edits (R6)', { kind: 'delete', setsStatus: false }, both, true, 'none'],
    ['a write without a link is not guarded', { kind: 'update', setsStatus: false }, undefined, false, 'none'],
  ])('%s', (_rule, write, ids, orgHasRecordTypes, guard) => {
    expect(guardOfSfdcWrite(write, ids, orgHasRecordTypes)).toBe(guard);
  });
});
