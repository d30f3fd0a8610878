import { DELETE_WINDOW_MS, IMPORT_WINDOW_MS } from './windows';

/** Import (R2), then on a re-enable the deletions of the 15 days before it (R5), then live (R6). */
export type SfdcReadStage = 'import' | 'reenable-deletes' | 'live';
export type EnableKind = 'first-enable' | 're-enable';

export type SfdcStep = 'import-page' | 'reenable-deletes' | 'poll' | 'final-poll' | 'none';

/** What a step reports, for the stage to move on. */
export type SfdcStageEvent = { kind: 'import-page-read'; last: boolean } | { kind: 'reenable-deletes-read' };

/** When the connection's next step should run: at once, after a poll interval, or later still when the poll found nothing (idle). */
export type StepOutcome = 'continue' | 'wait-for-next-poll' | 'idle';

/**
 * Disabled (R7): only a live read's final poll, for changes made before the disable; an unfinished
 * import or re-enable's deletes start over at the next enable.
 */
export function planSfdcStep(stage: SfdcReadStage, disabled: boolean): SfdcStep {
  if (disabled) return stage === 'live' ? 'final-poll' : 'none';
  if (stage === 'import') return 'import-page';
  if (stage === 'reenable-deletes') return 'reenable-deletes';
  return 'poll';
}

/** The stage after `event`: the import's last page leads to the re-enable's deletes (re-enable) or to live (first enable). */
export function advanceSfdcStage(stage: SfdcReadStage, enableKind: EnableKind, event: SfdcStageEvent): SfdcReadStage {
  if (event.kind === 'import-page-read') {
    if (stage !== 'import' || !event.last) return stage;
    return enableKind === 're-enable' ? 'reenable-deletes' : 'live';
  }
  return stage === 'reenable-deletes' ? 'live' : stage;
}

/** R2: the import reads what changed in the 24 hours up to the enable. */
export function importWindow(enableAt: number): { from: number; to: number } {
  return { from: enableAt - IMPORT_WINDOW_MS, to: enableAt };
}

/** R5: a re-enable reads the deletions of the 15 days up to it. */
export function reenableDeleteWindow(enableAt: number): { from: number; to: number } {
  return { from: enableAt - DELETE_WINDOW_MS, to: enableAt };
}

/** Where a poll reads from: the page in progress's lower bound, or a look-back before the newest change published. */
export function pollLowerBound(
  position: { pollFrom: number | null; changesWatermark: number },
  lookbackMs: number,
): number {
  return position.pollFrom ?? position.changesWatermark - lookbackMs;
}

export interface PollPosition {
  changesWatermark: number;
  /** Set while the poll has more pages: the next page reads from the same lower bound, after the keyset. */
  pollFrom: number | null;
  after: { stamp: number; id: string } | null;
  /** Only after the last page: everything stamped before the poll's start has been read (absent: unchanged). */
  polledThrough?: number;
}

/**
 * R6: the position after a poll page. The watermark is the newest stamp read (never back); a full
 * page keeps the lower bound and moves the keyset to its last record; the last page clears both.
 */
export function advancePollPosition(page: {
  from: number;
  startedAt: number;
  watermark: number;
  stamps: readonly number[];
  last: { stamp: number; id: string } | null;
  full: boolean;
}): PollPosition {
  const changesWatermark = Math.max(page.watermark, ...page.stamps);
  if (page.full) return { changesWatermark, pollFrom: page.from, after: page.last };
  return { changesWatermark, pollFrom: null, after: null, polledThrough: page.startedAt };
}

/** Whether getDeleted is due (every `intervalMs`; at once when it never ran). */
export function isDeleteAuditDue(auditedAt: number | null, now: number, intervalMs: number): boolean {
  return auditedAt === null || now - auditedAt >= intervalMs;
}

/** After a poll: a full page goes on at once; a final poll (R7) ends; else the next poll comes sooner when this one found changes. */
export function pollOutcome(poll: { pageFull: boolean; finalPoll: boolean; found: boolean }): StepOutcome {
  if (poll.pageFull) return 'continue';
  if (poll.finalPoll) return 'idle';
  return poll.found ? 'wait-for-next-poll' : 'idle';
}

/** Idle polls in a row after a step: an idle poll adds one, a poll that found changes starts over, more pages keep the count. */
export function idlePollsAfter(outcome: StepOutcome, idlePolls: number): number {
  if (outcome === 'idle') return idlePolls + 1;
  return outcome === 'continue' ? idlePolls : 0;
}
