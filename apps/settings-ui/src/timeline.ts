import type { TaskRef, TimelineEvent } from './api/types';
import { SIDE_NAMES } from './health';

const KINDS: Record<string, string> = {
  read: 'Change read',
  decision: 'Decision',
  write: 'Write',
  conflict: 'Conflict',
  retry: 'Retry',
  'dead-letter': 'Dead letter',
  ignored: 'Ignored',
  resync: 'Resync',
};

/** The event's label: its kind and the side it is about ("Write to Salesforce", "Change read from Sales Connect"). */
export function describeKind(e: Pick<TimelineEvent, 'kind' | 'side'>): string {
  const kind = KINDS[e.kind] ?? e.kind;
  if (!e.side) return kind;
  const side = SIDE_NAMES[e.side];
  if (e.kind === 'read') return `${kind} from ${side}`;
  if (e.kind === 'write' || e.kind === 'retry') return `${kind} to ${side}`;
  return `${kind} (${side})`;
}

/** The details line: where a read came from, the rule's reason, the write's outcome and code. */
export function describeDetails(e: Pick<TimelineEvent, 'origin' | 'reason' | 'outcome' | 'code'>): string {
  return [
    e.origin && `origin: ${e.origin}`,
    e.reason && `why: ${e.reason}`,
    e.outcome && `outcome: ${e.outcome}${e.code ? ` (${e.code})` : ''}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A task as the search lists it: its name, or its ids when it has none. */
export const taskName = (t: Pick<TaskRef, 'subject' | 'salesConnectTaskId' | 'sfdcTaskId'>): string =>
  t.subject || `(no subject: ${t.sfdcTaskId ?? t.salesConnectTaskId ?? 'no ids'})`;

/** The events oldest first, whatever order pages arrived in (equal times keep their order). */
export const inOrder = (events: TimelineEvent[]): TimelineEvent[] =>
  events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
