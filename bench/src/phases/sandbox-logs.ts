import type { SalesConnectAdmin, ScChange, SfdcChange } from '@task-sync/testing-stack';
import type { BenchSalesforceAdmin } from './org-reader';

type SfdcTask = Awaited<ReturnType<BenchSalesforceAdmin['tasks']>>[number];

/** What the sandboxes logged since a run began: both change logs, and the Salesforce tasks changed since. */
export interface SandboxLogs {
  sfChanges: SfdcChange[];
  scChanges: ScChange[];
  sfTasks: SfdcTask[];
}

/**
 * `kept` with everything at or after `from` replaced by `fresh` (the answer to `?since=from`, which
 * holds every entry at or after it): the entries of the last instant may have grown since.
 */
export function replaceTail<T>(kept: readonly T[], fresh: readonly T[], at: (entry: T) => number, from: number): T[] {
  return [...kept.filter((entry) => at(entry) < from), ...fresh];
}

/**
 * Follows both sandboxes' logs from `since`, asking each time only from the last instant it has
 * seen: the drain's checks every few seconds then cost what arrived meanwhile, not the whole run's
 * log, and take less CPU from the services they wait for.
 */
export class SandboxLogFollower {
  private logs: SandboxLogs = { sfChanges: [], scChanges: [], sfTasks: [] };
  private readonly tasksById = new Map<string, SfdcTask>();

  constructor(
    private readonly sfAdmin: BenchSalesforceAdmin,
    private readonly scAdmin: SalesConnectAdmin,
    private readonly orgId: string,
    private readonly since: { sf: number; sc: number },
  ) {}

  async read(): Promise<SandboxLogs> {
    const latest = <T>(entries: T[], at: (entry: T) => number, floor: number) =>
      entries.reduce((max, entry) => Math.max(max, at(entry)), floor);
    const sfFrom = latest(this.logs.sfChanges, sfChangeAt, this.since.sf);
    const scFrom = latest(this.logs.scChanges, scChangeAt, this.since.sc);
    const taskFrom = latest(this.logs.sfTasks, sfTaskAt, this.since.sf);
    const [sfChanges, scChanges, sfTasks] = await Promise.all([
      this.sfAdmin.changes(this.orgId, sfFrom),
      this.scAdmin.changes(scFrom),
      this.sfAdmin.tasks(this.orgId, taskFrom),
    ]);
    for (const task of sfTasks) this.tasksById.set(task.Id, task);
    this.logs = {
      sfChanges: replaceTail(this.logs.sfChanges, sfChanges, sfChangeAt, sfFrom),
      scChanges: replaceTail(this.logs.scChanges, scChanges, scChangeAt, scFrom),
      sfTasks: [...this.tasksById.values()],
    };
    return this.logs;
  }
}

const sfChangeAt = (c: SfdcChange) => Date.parse(c.commitTimestamp);
const scChangeAt = (c: ScChange) => Date.parse(c.occurredAt);
const sfTaskAt = (t: SfdcTask) => Date.parse(t.SystemModstamp);
