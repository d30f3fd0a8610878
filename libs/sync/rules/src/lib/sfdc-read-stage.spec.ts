import {
  advancePollPosition,
  advanceSfdcStage,
  idlePollsAfter,
  importWindow,
  isDeleteAuditDue,
  planSfdcStep,
  pollLowerBound,
  pollOutcome,
  reenableDeleteWindow,
  type EnableKind,
  type SfdcReadStage,
  type SfdcStageEvent,
  type SfdcStep,
} from './sfdc-read-stage';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the Salesforce read stage machine', () => {
  // Every stage × disabled: the step to run.
  it.each<[SfdcReadStage, boolean, SfdcStep]>([
    ['import', false, 'import-page'],
    ['reenable-deletes', false, 'reenable-deletes'],
    ['live', false, 'poll'],
    ['import', true, 'none'],
    ['reenable-deletes', true, 'none'],
    ['live', true, 'final-poll'],
  ])('R2, R5, R6, R7: in stage %s, disabled %s, the step is %s', (stage, disabled, step) => {
    expect(planSfdcStep(stage, disabled)).toBe(step);
  });

  // Every stage × enable kind × event: the next stage.
  it.each<[SfdcReadStage, EnableKind, SfdcStageEvent, SfdcReadStage]>([
    ['import', 'first-enable', { kind: 'import-page-read', last: false }, 'import'],
    ['import', 'first-enable', { kind: 'import-page-read', last: true }, 'live'],
    ['import', 're-enable', { kind: 'import-page-read', last: false }, 'import'],
    ['import', 're-enable', { kind: 'import-page-read', last: true }, 'reenable-deletes'],
    ['reenable-deletes', 're-enable', { kind: 'reenable-deletes-read' }, 'live'],
    ['reenable-deletes', 're-enable', { kind: 'import-page-read', last: true }, 'reenable-deletes'],
    ['live', 'first-enable', { kind: 'import-page-read', last: true }, 'live'],
    ['live', 're-enable', { kind: 'reenable-deletes-read' }, 'live'],
    ['import', 're-enable', { kind: 'reenable-deletes-read' }, 'import'],
  ])('R2, R5: from %s after a %s, %j leads to %s', (stage, kind, event, next) => {
    expect(advanceSfdcStage(stage, kind, event)).toBe(next);
  });
});

describe('the read windows', () => {
  const enableAt = Date.parse('2026-12-05T12:00:00.000Z');

  it('R2: the import reads the 24 hours up to the enable, both edges', () => {
    expect(importWindow(enableAt)).toEqual({ from: enableAt - DAY, to: enableAt });
  });

  it('R5: a re-enable reads the deletions of the 15 days up to it', () => {
    expect(reenableDeleteWindow(enableAt)).toEqual({ from: enableAt - 15 * DAY, to: enableAt });
  });
});

describe('the live poll (R6)', () => {
  it('R6: a poll reads from a look-back before the watermark, or from the lower bound of the poll in progress', () => {
    expect(pollLowerBound({ pollFrom: null, changesWatermark: 100_000 }, 30_000)).toBe(70_000);
    expect(pollLowerBound({ pollFrom: 50_000, changesWatermark: 100_000 }, 30_000)).toBe(50_000);
  });

  it('R6: a full page keeps the lower bound and moves the keyset to its last record; the watermark is the newest stamp read', () => {
    const position = advancePollPosition({
      from: 70_000,
      startedAt: 200_000,
      watermark: 100_000,
      stamps: [90_000, 120_000, 110_000],
      last: { stamp: 110_000, id: 'T3' },
      full: true,
    });
    expect(position).toEqual({ changesWatermark: 120_000, pollFrom: 70_000, after: { stamp: 110_000, id: 'T3' } });
  });

  it('R6: the last page clears the keyset and records that everything before the poll began was read; the watermark never goes back', () => {
    const position = advancePollPosition({
      from: 70_000,
      startedAt: 200_000,
      watermark: 100_000,
      stamps: [80_000],
      last: { stamp: 80_000, id: 'T1' },
      full: false,
    });
    expect(position).toEqual({ changesWatermark: 100_000, pollFrom: null, after: null, polledThrough: 200_000 });
  });

  it('R6: getDeleted is due at once the first time, then every interval', () => {
    expect(isDeleteAuditDue(null, 1_000, 600_000)).toBe(true);
    expect(isDeleteAuditDue(1_000, 600_999, 600_000)).toBe(false);
    expect(isDeleteAuditDue(1_000, 601_000, 600_000)).toBe(true);
  });

  it.each([
    [{ pageFull: true, finalPoll: false, found: false }, 'continue'],
    [{ pageFull: true, finalPoll: true, found: true }, 'continue'],
    [{ pageFull: false, finalPoll: true, found: true }, 'idle'],
    [{ pageFull: false, finalPoll: false, found: true }, 'wait-for-next-poll'],
    [{ pageFull: false, finalPoll: false, found: false }, 'idle'],
  ] as const)('R6, R7: a poll %j is followed by %s', (poll, outcome) => {
    expect(pollOutcome(poll)).toBe(outcome);
  });

  it('R6: idle polls count up while nothing is found, start over when something is, and hold across pages', () => {
    expect(idlePollsAfter('idle', 2)).toBe(3);
    expect(idlePollsAfter('wait-for-next-poll', 2)).toBe(0);
    expect(idlePollsAfter('continue', 2)).toBe(2);
  });
});
