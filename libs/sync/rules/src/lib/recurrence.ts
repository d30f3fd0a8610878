/**
 * Salesforce's recurring tasks: a series is one master task (`IsRecurrence` true) that holds the
 * pattern, and one ordinary task per occurrence (`RecurrenceActivityId` names the master). A rep
 * works the occurrences, each due on its own day; the master is not one of them. So the master is
 * never synced, and each occurrence syncs as a task of its own.
 */
export function isRecurringSeriesMaster(task: { IsRecurrence?: boolean | null }): boolean {
  return task.IsRecurrence === true;
}
