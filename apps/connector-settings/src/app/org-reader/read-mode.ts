import type { ReaderPreflight } from './reader-preflight';

/**
 * How a connection's Salesforce changes are read: once for the whole org through its reader's
 * change stream, or by polling with the rep's own session. `reason` says why, in the page's words.
 */
export type ReadMode = { mode: 'org-stream'; reader: string; reason: string } | { mode: 'per-rep-polling'; reason: string };

/** What the decision needs to know of the org's reader. */
export interface OrgReaderState {
  sfdcUsername: string;
  /** The grant is held (not revoked, not refused by Salesforce). */
  connected: boolean;
  preflight: Pick<ReaderPreflight, 'passed' | 'items'> | null;
}

/**
 * The read-mode rule: a connection's changes come from the org stream only when its org has a
 * reader that is connected and whose last preflight passed; in every other case its sync polls
 * with the rep's own session, and the reason names what is missing.
 */
export function decideReadMode(reader: OrgReaderState | null): ReadMode {
  if (!reader) return { mode: 'per-rep-polling', reason: 'This Salesforce org has no org reader: an administrator can set one up in these settings.' };
  const who = reader.sfdcUsername;
  if (!reader.connected) return { mode: 'per-rep-polling', reason: `Salesforce refused the org reader's grant (${who}): an administrator must connect it again.` };
  if (!reader.preflight) return { mode: 'per-rep-polling', reason: `The org reader (${who}) has not been checked yet.` };
  if (!reader.preflight.passed) {
    const missing = reader.preflight.items.filter((i) => i.state !== 'ok').map((i) => i.label);
    return { mode: 'per-rep-polling', reason: `The org reader (${who}) lacks ${missing.join(', ') || 'what its preflight checks'}.` };
  }
  return { mode: 'org-stream', reader: who, reason: `The org's changes are read once, by ${who}.` };
}
