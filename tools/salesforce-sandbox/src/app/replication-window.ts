import { DAY_MS, parseSfdcDateTime, truncateToMinute } from './sfdc-datetime';
import { SfdcError } from './sfdc-error';

export interface ReplicationWindow {
  start: number;
  end: number;
  /** The answer's `latestDateCovered`: the end, never later than now, in whole minutes. */
  latestDateCovered: number;
}

const invalidDate = (message: string): SfdcError => new SfdcError(400, 'INVALID_REPLICATION_DATE', message);

/** Salesforce keeps deleted records in the recycle bin, and getDeleted's log, this long. */
export const DELETE_LOG_DAYS = 15;

/**
 * Where the delete log starts: 15 days back, or later once the recycle bin was emptied at
 * `purgedBefore` (Salesforce purges early when the bin is full, or when an admin empties it).
 */
export function deleteLogStart(nowMs: number, purgedBefore: number | null): number {
  return Math.max(nowMs - DELETE_LOG_DAYS * DAY_MS, purgedBefore ?? Number.NEGATIVE_INFINITY);
}

/**
 * getDeleted's `earliestDateAvailable`, in whole minutes like its other dates: truncated, so a start
 * at that minute is accepted though records deleted within it may be gone (Salesforce documents the
 * value as the timestamp of the last physically deleted record).
 */
export function earliestDateAvailable(nowMs: number, purgedBefore: number | null): number {
  return truncateToMinute(deleteLogStart(nowMs, purgedBefore));
}

/**
 * Checks getUpdated / getDeleted parameters the way Salesforce does: whole minutes, start more
 * than a minute before end, start no further back than the object's window (30 days updated,
 * 15 days deleted) and, for deletes, not before the earliest date still available.
 */
export function checkReplicationWindow(
  startText: unknown,
  endText: unknown,
  nowMs: number,
  kind: 'updated' | 'deleted',
  earliestAvailable: number | null = null,
): ReplicationWindow {
  const startMs = typeof startText === 'string' ? parseSfdcDateTime(startText) : null;
  const endMs = typeof endText === 'string' ? parseSfdcDateTime(endText) : null;
  if (startMs === null || endMs === null) {
    throw new SfdcError(
      400,
      'MALFORMED_QUERY',
      `${startMs === null ? 'start' : 'end'}: invalid date/time, expected ISO-8601 such as 2026-11-24T10:00:00+00:00`,
    );
  }
  const start = truncateToMinute(startMs);
  const end = truncateToMinute(endMs);
  if (end - start <= 60_000)
    throw invalidDate('startDate must chronologically precede endDate by more than one minute');
  const days = kind === 'updated' ? 30 : DELETE_LOG_DAYS;
  if (start < truncateToMinute(nowMs) - days * DAY_MS)
    throw invalidDate(`startDate cannot be more than ${days} days ago`);
  if (kind === 'deleted' && earliestAvailable !== null && start < earliestAvailable) {
    throw invalidDate(`startDate is before the earliest date available: deleted records were purged`);
  }
  return { start, end, latestDateCovered: Math.min(end, truncateToMinute(nowMs)) };
}
