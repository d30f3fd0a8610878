import type { ProblemGroup, Side } from './api/types';

export const SIDE_NAMES: Record<Side, string> = { sfdc: 'Salesforce', salesconnect: 'Sales Connect' };

/** A group of problems is one (side, code): the retry and ignore bodies and the list filters name it so. */
export const groupKey = (g: Pick<ProblemGroup, 'side' | 'code'>): string => `${g.side}:${g.code}`;

export const groupQuery = (g: Pick<ProblemGroup, 'side' | 'code'>): string =>
  `code=${encodeURIComponent(g.code)}&side=${g.side}`;

/** The heading of a group in plain words: what failed, where, and how many tasks. */
export function describeGroup(g: ProblemGroup): string {
  return `${g.title} (${SIDE_NAMES[g.side]}, ${g.count} ${g.count === 1 ? 'task' : 'tasks'})`;
}

/** Groups with the most affected tasks first; ties by side then code, so the order does not jump between refreshes. */
export function sortGroups(groups: ProblemGroup[]): ProblemGroup[] {
  return [...groups].sort((a, b) => b.count - a.count || a.side.localeCompare(b.side) || a.code.localeCompare(b.code));
}

export const describeAccepted = (accepted: number, action: 'retry' | 'ignore'): string =>
  action === 'retry'
    ? `${accepted} ${accepted === 1 ? 'task' : 'tasks'} will be retried now.`
    : `${accepted} ${accepted === 1 ? 'task' : 'tasks'} ignored: they leave this list until they change again.`;

/** A CSV file name for a group's export, or the whole list's. */
export const csvFileName = (connectionId: string, g?: Pick<ProblemGroup, 'side' | 'code'>): string =>
  `failed-tasks-${connectionId.slice(0, 8)}${g ? `-${g.side}-${g.code.toLowerCase()}` : ''}.csv`;

/** A value of a conflict's field as the rep reads it. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
