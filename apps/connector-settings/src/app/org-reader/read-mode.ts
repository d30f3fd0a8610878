import type { OrgStreamView, ReadMode } from '@task-sync/contracts/http';
import type { ReaderPreflight } from './reader-preflight';

export interface OrgReaderState {
  sfdcUsername: string;
  /** The grant is held (not revoked, not refused by Salesforce). */
  connected: boolean;
  preflight: Pick<ReaderPreflight, 'passed' | 'items'> | null;
  stream?: OrgStreamView | null;
}

/** Anything short of a connected reader whose last preflight passed falls back to the rep's own polls. */
export function decideReadMode(reader: OrgReaderState | null): ReadMode {
  if (!reader)
    return {
      mode: 'per-rep-polling',
      reason: 'This Salesforce org has no org reader: an administrator can set one up in these settings.',
    };
  const who = reader.sfdcUsername;
  if (!reader.connected)
    return {
      mode: 'per-rep-polling',
      reason: `Salesforce refused the org reader's grant (${who}): an administrator must connect it again.`,
    };
  if (!reader.preflight)
    return { mode: 'per-rep-polling', reason: `The org reader (${who}) has not been checked yet.` };
  if (!reader.preflight.passed) {
    const missing = reader.preflight.items.filter((i) => i.state !== 'ok').map((i) => i.label);
    return {
      mode: 'per-rep-polling',
      reason: `The org reader (${who}) lacks ${missing.join(', ') || 'what its preflight checks'}.`,
    };
  }
  const stream = reader.stream ?? null;
  return {
    mode: 'org-stream',
    reader: who,
    stream,
    reason: `The org's changes are read once, by ${who}${describeOutage(stream)}.`,
  };
}

/** While the org's stream is down or reconnecting: since when, why, and that the org is polled meanwhile. */
function describeOutage(stream: OrgStreamView | null): string {
  if (!stream || (stream.state !== 'down' && stream.state !== 'retrying')) return '';
  const every = stream.pollEveryMs ? ` every ${Math.round(stream.pollEveryMs / 1000)} s` : '';
  return `; its change stream is ${stream.state === 'down' ? 'down' : 'reconnecting'} since ${stream.since} (${stream.reason}), so the org is polled${every} until it is back`;
}
