/**
 * A Salesforce series' master holds only the pattern; reps work the occurrences, which are ordinary
 * tasks. So the master is never synced.
 */
export function isRecurringSeriesMaster(task: { IsRecurrence?: boolean | null }): boolean {
  return task.IsRecurrence === true;
}
