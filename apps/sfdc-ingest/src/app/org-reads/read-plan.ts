import type { OrgReaderStatus } from '@task-sync/sfdc-client';
import { uniqueSalesforceIds } from '@task-sync/task-domain';

/** How an org's reps' Salesforce changes are read: once for the org (its reader), or by one poll per rep. */
export type OrgReads = 'org' | 'per-rep';

export interface OrgReadsVerdict {
  reads: OrgReads;
  reason: string;
}

/**
 * The org-reads rule, as connector-settings shows it (decideReadMode): the org is read once only
 * through a reader that is connected and whose last preflight passed (View All Data, Change Data
 * Capture on for Task, the external-id field readable); anything less would miss reps' tasks.
 */
export function decideOrgReads(reader: OrgReaderStatus | null): OrgReadsVerdict {
  if (!reader) return { reads: 'per-rep', reason: 'the org has no reader' };
  if (!reader.connected) return { reads: 'per-rep', reason: "Salesforce refused the org reader's grant" };
  if (!reader.preflight) return { reads: 'per-rep', reason: 'the org reader has not been checked yet' };
  if (!reader.preflight.passed) return { reads: 'per-rep', reason: "the org reader's preflight did not pass" };
  return { reads: 'org', reason: `read once for the org by its reader (${reader.sfdcUserId})` };
}

/**
 * Whom the org poll names: its connected owners while they fit one query (`maxOwners`, under the
 * 16 KB URI limit), else nobody, and the query reads the whole org's changes: one call a poll
 * whatever the number of reps, where chunks of owners would cost one call per chunk.
 */
export function orgPollOwners(ownerIds: readonly string[], maxOwners: number): string[] | null {
  const owners = uniqueSalesforceIds(ownerIds);
  return owners.length <= maxOwners ? owners : null;
}

/** The org poll's next run: every `healthyMs` while the org's stream delivers (a safety net), every `downMs` otherwise. */
export function orgPollDelayMs(streamHealthy: boolean, cadence: { healthyMs: number; downMs: number }): number {
  return streamHealthy ? cadence.healthyMs : Math.min(cadence.downMs, cadence.healthyMs);
}

/**
 * Per-rep reads back off while a rep is idle: after each poll in a row that found nothing the
 * wait doubles, from `baseMs` up to `maxMs`; a poll that found a change starts over at `baseMs`.
 */
export function perRepPollDelayMs(idlePollsInARow: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.min(Math.max(idlePollsInARow, 0), 30), Math.max(baseMs, maxMs));
}

/** A connection the org poll reads for: its changes are read from a look-back before its watermark. */
export interface PollTarget {
  connectionId: string;
  changesWatermark: number;
}

/** Where the org poll starts: a look-back before the oldest watermark of the connections it reads for. */
export function orgPollStart(targets: readonly PollTarget[], lookbackMs: number): number {
  return Math.min(...targets.map((t) => t.changesWatermark)) - lookbackMs;
}

/**
 * The connections a finished org poll covered, whose watermark may move to what it read: those
 * whose own look-back starts at or after the poll's start (a connection that went live during a
 * long poll, with an older watermark, keeps it, and the next poll starts before it).
 */
export function coveredByPoll(targets: readonly PollTarget[], pollFrom: number, lookbackMs: number): string[] {
  return targets.filter((t) => t.changesWatermark - lookbackMs >= pollFrom).map((t) => t.connectionId);
}
