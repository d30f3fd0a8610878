import type { OrgReaderStatus } from '@task-sync/sfdc-client';
import { uniqueSalesforceIds } from '@task-sync/task-domain';

/** How an org's reps' Salesforce changes are read: once for the org (its reader), or by one poll per rep. */
export type OrgReads = 'org' | 'per-rep';

export interface OrgReadsVerdict {
  reads: OrgReads;
  reason: string;
}

/** Only a connected reader whose preflight passed: anything less would miss reps' tasks (as decideReadMode). */
export function decideOrgReads(reader: OrgReaderStatus | null): OrgReadsVerdict {
  if (!reader) return { reads: 'per-rep', reason: 'the org has no reader' };
  if (!reader.connected) return { reads: 'per-rep', reason: "Salesforce refused the org reader's grant" };
  if (!reader.preflight) return { reads: 'per-rep', reason: 'the org reader has not been checked yet' };
  if (!reader.preflight.passed) return { reads: 'per-rep', reason: "the org reader's preflight did not pass" };
  return { reads: 'org', reason: `read once for the org by its reader (${reader.sfdcUserId})` };
}

/**
 * Past `maxOwners` (the 16 KB URI limit) nobody is named and the whole org is read: one call a poll,
 * where chunks of owners would cost one each.
 */
export function orgPollOwners(ownerIds: readonly string[], maxOwners: number): string[] | null {
  const owners = uniqueSalesforceIds(ownerIds);
  return owners.length <= maxOwners ? owners : null;
}

/** The org poll's next run: every `healthyMs` while the org's stream delivers (a safety net), every `downMs` otherwise. */
export function orgPollDelayMs(streamHealthy: boolean, cadence: { healthyMs: number; downMs: number }): number {
  return streamHealthy ? cadence.healthyMs : Math.min(cadence.downMs, cadence.healthyMs);
}

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

/** A connection that went live during a long poll, with an older watermark, keeps it. */
export function coveredByPoll(targets: readonly PollTarget[], pollFrom: number, lookbackMs: number): string[] {
  return targets.filter((t) => t.changesWatermark - lookbackMs >= pollFrom).map((t) => t.connectionId);
}
