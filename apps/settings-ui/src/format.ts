import type {
  ApiAllocationUsage,
  Connection,
  DeleteWindow,
  Environment,
  ImportProgress,
  ReadMode,
  TaskSyncSaved,
} from './api/types';

export const ENVIRONMENTS: Record<Environment, string> = {
  production: 'Production',
  sandbox: 'Sandbox',
  'my-domain': 'My Domain',
};

export const SAVED: Record<NonNullable<TaskSyncSaved['change']>, string> = {
  'first-enable': 'Saved. Sync started: importing your Salesforce tasks of the last 24 hours.',
  're-enable': 'Saved. Sync started again.',
  disable: 'Saved. Sync stopped.',
};

export const describeSaved = (r: TaskSyncSaved): string => (r.change ? SAVED[r.change] : 'Saved. Nothing changed.');

/** A time as the user's browser shows times (its locale and zone). */
export const formatTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '–');

export const formatDate = (iso: string): string =>
  new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

export function describeAllocation(a: ApiAllocationUsage): string {
  const reached = a.allocated !== null && a.used >= a.allocated;
  return `${a.used} / ${a.allocated === null ? 'not allocated yet' : `${a.allocated} allocated`}${reached ? ' (reached: paused until the rolling 24 hours free calls)' : ''}`;
}

export function describeReadMode(m: ReadMode): string {
  if (m.mode !== 'org-stream') return `Per-rep polling: ${m.reason}`;
  const down = m.stream && (m.stream.state === 'down' || m.stream.state === 'retrying');
  return `Org stream (reader: ${m.reader})${down ? `: ${m.reason}` : ''}`;
}

export function describeImport(p: ImportProgress | null): string {
  if (!p) return '–';
  return `${p.imported} of ${p.found} imported${p.failed ? `, ${p.failed} failed` : ''}${p.done ? ' (done)' : ' (importing…)'}`;
}

export const describeEnvironment = (c: Connection): string =>
  `${ENVIRONMENTS[c.salesforce.environment]} (${c.salesforce.loginHost})`;

/**
 * R5's delete window while sync is off, in the rep's words: until when Salesforce deletions still
 * reach Sales Connect on re-enable, and whether that date is near (warning) or past (closed).
 */
export function describeDeleteWindow(
  w: DeleteWindow,
  now: Date,
): { tone: 'info' | 'warning' | 'closed'; text: string } {
  const closes = formatDate(w.closesAt);
  if (w.closed) {
    return {
      tone: 'closed',
      text: `The delete window closed on ${closes} (sync off since ${formatDate(w.disabledAt)}): tasks deleted in Salesforce early in that time are no longer deleted in Sales Connect when you turn sync back on.`,
    };
  }
  const days = Math.max(0, Math.ceil((new Date(w.closesAt).getTime() - now.getTime()) / 86_400_000));
  const left = days === 0 ? 'today' : days === 1 ? 'in 1 day' : `in ${days} days`;
  if (w.warning) {
    return {
      tone: 'warning',
      text: `Turn sync back on by ${closes} (${left}): after that, tasks deleted in Salesforce while sync was off no longer reach Sales Connect.`,
    };
  }
  return {
    tone: 'info',
    text: `Sync is off. Tasks you delete in Salesforce until ${closes} are still deleted in Sales Connect when you turn sync back on.`,
  };
}
