import { SalesConnectAdmin, sleep, type ScChange, type SfdcChange, type SyncUser } from '@task-sync/testing-stack';
import { isPollEndpoint } from '../report/idle-calls';
import { summarizeLatency } from '../report/stats';
import {
  DIRECTIONS,
  type ApiCallsResult,
  type ChangeKind,
  type Direction,
  type LatencySummary,
  type ReadMode,
  type SteadyResult,
} from '../report/results';
import { closeCpuWindow, infrastructure, openCpuWindow, type InfrastructurePids } from './cpu';
import { SYNC_ORIGIN, type TaskPair } from './import-run';
import { BenchSalesforceAdmin } from './org-reader';
import { random } from './workload';
import { SandboxLogFollower, type SandboxLogs } from './sandbox-logs';

export const SF_TO_SC: Direction = 'salesforce→salesconnect';
export const SC_TO_SF: Direction = 'salesconnect→salesforce';
/** The share of each kind of change; edits, completes and deletes use tasks the imports linked. */
const MIX: [ChangeKind, number][] = [
  ['create', 0.3],
  ['edit', 0.4],
  ['complete', 0.2],
  ['delete', 0.1],
];
const MAX_IN_FLIGHT = 256;

/** One change the benchmark made as a person, on one side. */
export interface Change {
  direction: Direction;
  kind: ChangeKind;
  user: number;
  /** The marker a create or an edit writes as the title. */
  title: string;
  /** The task on the side the change was made on (for a create, known once it answered). */
  sourceId?: string;
  /** The linked task on the other side, when the change was to an imported task. */
  pair?: TaskPair;
  failed?: string;
}

/** The benchmark's own Salesforce REST calls, by the sandbox's endpoint names: they are the "person", not the product. */
export const PERSON_ENDPOINT: Record<ChangeKind, string> = {
  create: 'POST sobjects/Task',
  edit: 'PATCH sobjects/Task/{id}',
  complete: 'PATCH sobjects/Task/{id}',
  delete: 'DELETE sobjects/Task/{id}',
};

export interface SteadyOptions {
  /** How the org is read (the caller connected its reader, or not): reported beside the figures. */
  readMode: ReadMode;
  rate: number;
  durationSeconds: number;
  drainSeconds: number;
  /** The Kafka broker's and PostgreSQL's processes, for their CPU (0: not known). */
  pids: InfrastructurePids;
}

/**
 * Latency from the sandboxes' own timestamps: the person's change in one log to the sync's write in the
 * other's. The tasks it changes are taken out of `pools`, so a later run does not change them again.
 */
export async function runSteady(
  users: SyncUser[],
  pools: TaskPair[][],
  options: SteadyOptions,
  log: (line: string) => void,
): Promise<{ steady: SteadyResult; apiCalls: ApiCallsResult }> {
  const stack = users[0].stack;
  const orgId = users[0].orgId;
  const sfAdmin = new BenchSalesforceAdmin(stack.url('salesforce-sandbox'));
  const scAdmin = new SalesConnectAdmin(stack.url('salesconnect-sandbox'));
  const rng = random(20261124);
  const openPools = pools.map((pool) => pool.filter((p) => p.open));

  const callsBefore = await restCalls(sfAdmin, orgId);
  const cpuWindow = await openCpuWindow(
    () => stack.processes,
    () => infrastructure(options.pids),
  );
  const startedAt = Date.now();
  const total = Math.round(options.rate * options.durationSeconds);
  const changes: Change[] = [];
  const inFlight = new Set<Promise<void>>();
  log(
    `steady state: ${total.toLocaleString('en')} changes at ${options.rate}/s over ${users.length} connections, both sides`,
  );
  for (let i = 0; i < total; i++) {
    const due = startedAt + (i * 1000) / options.rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const u = Math.floor(rng() * users.length);
    const direction = rng() < 0.5 ? SF_TO_SC : SC_TO_SF;
    let kind = weighted(rng());
    const pool = openPools[u];
    const pair =
      kind === 'create' || pool.length === 0 ? undefined : pool.splice(Math.floor(rng() * pool.length), 1)[0];
    // Each imported task is changed once across the runs: a later run's edit of a task this one
    // deleted or completed would fail or change nothing.
    if (pair) pools[u].splice(pools[u].indexOf(pair), 1);
    if (!pair) kind = 'create';
    const change: Change = {
      direction,
      kind,
      user: u,
      title: `bench steady ${i + 1} ${kind}`,
      pair,
      sourceId: pair && (direction === SF_TO_SC ? pair.sfdcId : pair.scId),
    };
    changes.push(change);
    const done = make(users[u], change)
      .catch((e: Error) => void (change.failed = e.message))
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
    if ((i + 1) % Math.max(1, Math.round(options.rate * 10)) === 0)
      log(`steady state: ${i + 1} changes made in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  }
  await Promise.all(inFlight);
  const madeSeconds = (Date.now() - startedAt) / 1000;
  const failed = changes.filter((c) => c.failed);
  if (failed.length)
    log(`steady state: ${failed.length} of the benchmark's own changes failed (not counted), e.g. ${failed[0].failed}`);

  // Wait for every change to arrive, up to the drain time.
  const drainUntil = Date.now() + options.drainSeconds * 1000;
  const logs = new SandboxLogFollower(sfAdmin, scAdmin, orgId, logsSince(startedAt));
  let matched = match(changes, await logs.read(), startedAt);
  while (matched.pending > 0 && Date.now() < drainUntil) {
    log(`steady state: waiting for ${matched.pending} change(s) to arrive`);
    await sleep(5_000);
    matched = match(changes, await logs.read(), startedAt);
  }
  const callsAfter = await restCalls(sfAdmin, orgId);

  const made = changes.filter((c) => !c.failed);
  const madeIn = (d: Direction) => made.filter((c) => c.direction === d);
  const madeByKind = Object.fromEntries(
    DIRECTIONS.map((d) => [d, countKinds(madeIn(d))]),
  ) as SteadyResult['madeByKind'];
  const latency = Object.fromEntries(
    DIRECTIONS.map((d) => [
      d,
      summarizeLatency(
        madeIn(d).length,
        matched.samples.filter((s) => s.direction === d).map((s) => s.latencyMs),
      ),
    ]),
  ) as Record<Direction, LatencySummary>;
  const steady: SteadyResult = {
    readMode: options.readMode,
    connections: users.length,
    rate: options.rate,
    durationSeconds: options.durationSeconds,
    achievedRate: made.length / madeSeconds,
    madeByKind,
    latency,
    samples: matched.samples.sort((a, b) => a.atMs - b.atMs),
    cpu: await closeCpuWindow(cpuWindow, made.length),
  };

  // Salesforce calls in the run: the product's are all REST calls of the org minus the benchmark's own.
  const own = new Map<string, number>();
  for (const c of changes.filter((c) => c.direction === SF_TO_SC))
    own.set(PERSON_ENDPOINT[c.kind], (own.get(PERSON_ENDPOINT[c.kind]) ?? 0) + 1);
  const byEndpoint: Record<string, number> = {};
  for (const [endpoint, after] of callsAfter) {
    const n = after - (callsBefore.get(endpoint) ?? 0) - (own.get(endpoint) ?? 0);
    if (n > 0) byEndpoint[endpoint] = n;
  }
  const productCalls = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
  const writesBy = new Map<string, number>();
  const readsBy = new Map<string, number>();
  for (const c of matched.sfChanges) {
    readsBy.set(c.userId, (readsBy.get(c.userId) ?? 0) + 1);
    if (c.changeOrigin === SYNC_ORIGIN) writesBy.set(c.userId, (writesBy.get(c.userId) ?? 0) + 1);
  }
  const polls = Object.entries(byEndpoint).reduce((sum, [endpoint, n]) => sum + (isPollEndpoint(endpoint) ? n : 0), 0);
  const writes = [...writesBy.values()].reduce((a, b) => a + b, 0);
  const recordsRead = [...readsBy.values()].reduce((a, b) => a + b, 0);
  const floorCalls =
    [...writesBy.values()].reduce((sum, w) => sum + Math.ceil(w / 200), 0) +
    [...readsBy.values()].reduce((sum, r) => sum + Math.ceil(r / 2000), 0) +
    polls;
  const propagated = matched.samples.length;
  const apiCalls: ApiCallsResult = {
    changesPropagated: propagated,
    productCalls,
    byEndpoint,
    floor: { writes, recordsRead, polls, calls: floorCalls },
    callsPer1000: propagated ? (productCalls / propagated) * 1000 : 0,
    floorPer1000: propagated ? (floorCalls / propagated) * 1000 : 0,
    ratioToFloor: floorCalls ? productCalls / floorCalls : 0,
  };
  return { steady, apiCalls };
}

function weighted(x: number): ChangeKind {
  let acc = 0;
  for (const [kind, share] of MIX) if (x < (acc += share)) return kind;
  return MIX[MIX.length - 1][0];
}

function countKinds(changes: Change[]): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { create: 0, edit: 0, complete: 0, delete: 0 };
  for (const c of changes) counts[c.kind]++;
  return counts;
}

/** The change, made as the rep would: Salesforce's REST API as the Salesforce user, Sales Connect's API with the user's token. */
export async function make(user: SyncUser, change: Change): Promise<void> {
  const details = `made by the benchmark: ${change.title}`;
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const id = change.sourceId ?? '';
  if (change.direction === SF_TO_SC) {
    if (change.kind === 'create')
      change.sourceId = await user.sfdc.createTask({
        Subject: change.title,
        Description: details,
        ActivityDate: tomorrow,
      });
    else if (change.kind === 'edit') await user.sfdc.updateTask(id, { Subject: change.title });
    else if (change.kind === 'complete') await user.sfdc.updateTask(id, { Status: 'Completed' });
    else await user.sfdc.deleteTask(id);
    return;
  }
  if (change.kind === 'create')
    change.sourceId = (await user.sc.create({ name: change.title, details, dueDate: tomorrow })).id;
  else if (change.kind === 'edit') await user.sc.patch(id, { name: change.title });
  else if (change.kind === 'complete') await user.sc.complete(id);
  else await user.sc.delete(id);
}

/** The org's REST calls so far by endpoint (OAuth token calls left out: they do not count against Salesforce's API limit). */
async function restCalls(admin: BenchSalesforceAdmin, orgId: string): Promise<Map<string, number>> {
  return (await admin.callsByOrg()).get(orgId) ?? new Map<string, number>();
}

const SF_ARRIVAL: Record<ChangeKind, (c: SfdcChange) => boolean> = {
  create: (c) => c.changeType === 'CREATE' || c.changeType === 'UPDATE',
  edit: (c) => c.changeType === 'UPDATE' && c.changedFields.includes('Subject'),
  complete: (c) => c.changeType === 'UPDATE' && c.changedFields.includes('Status'),
  delete: (c) => c.changeType === 'DELETE',
};
const SC_ARRIVAL: Record<ChangeKind, (c: ScChange, title: string) => boolean> = {
  create: (c) => c.type === 'created',
  edit: (c, title) => c.type === 'updated' && c.task.name === title,
  complete: (c) => c.type === 'completed',
  delete: (c) => c.type === 'deleted',
};

/** The start of the second `ms` falls in: how Salesforce stamps a change made then. */
function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Where a change's Salesforce side is asked from: the second `since` falls in (a change made after `since` in that second is stamped before it). */
export function logsSince(since: number): { sf: number; sc: number } {
  return { sf: wholeSecond(since), sc: since };
}

/**
 * Pairs each change with its arrival on the other side, from both sandboxes' logs since `since`
 * (samples' atMs count from it). Salesforce's stamps are whole seconds, so a latency is within a
 * second of the truth: Salesforce → Sales Connect up to 1 s over, the other way up to 1 s under (0 at the least).
 */
export function match(changes: Change[], { sfChanges, scChanges, sfTasks }: SandboxLogs, since: number) {
  const sfByTask = groupBy(sfChanges, (c) => c.taskId);
  const scByTask = groupBy(scChanges, (c) => c.taskId);
  const scCreatedByTitle = new Map(
    scChanges.filter((c) => c.type === 'created' && c.origin === SYNC_ORIGIN).map((c) => [c.task.name, c.taskId]),
  );
  const sfByExternalId = new Map(
    sfTasks.filter((t) => t.SalesConnect_Task_Id__c).map((t) => [t.SalesConnect_Task_Id__c as string, t.Id]),
  );
  const at = (iso: string) => Date.parse(iso);
  const samples: SteadyResult['samples'] = [];
  let pending = 0;
  for (const change of changes) {
    if (change.failed || !change.sourceId) continue;
    let madeAt: number | undefined;
    let arrivedAt: number | undefined;
    if (change.direction === SF_TO_SC) {
      const made = (sfByTask.get(change.sourceId) ?? []).find((c) => c.changeOrigin !== SYNC_ORIGIN);
      madeAt = made && at(made.commitTimestamp);
      const target = change.pair?.scId ?? scCreatedByTitle.get(change.title);
      const arrived =
        target === undefined || madeAt === undefined
          ? undefined
          : (scByTask.get(target) ?? []).find(
              (c) =>
                c.origin === SYNC_ORIGIN &&
                at(c.occurredAt) >= (madeAt as number) &&
                SC_ARRIVAL[change.kind](c, change.title),
            );
      arrivedAt = arrived && at(arrived.occurredAt);
    } else {
      const made = (scByTask.get(change.sourceId) ?? []).find((c) => c.origin !== SYNC_ORIGIN);
      madeAt = made && at(made.occurredAt);
      const target = change.pair?.sfdcId ?? sfByExternalId.get(change.sourceId);
      // Salesforce stamps whole seconds: a write in the same second as the change is stamped before it.
      const fromSecond = madeAt === undefined ? 0 : wholeSecond(madeAt);
      const arrived =
        target === undefined || madeAt === undefined
          ? undefined
          : (sfByTask.get(target) ?? []).find(
              (c) =>
                c.changeOrigin === SYNC_ORIGIN && at(c.commitTimestamp) >= fromSecond && SF_ARRIVAL[change.kind](c),
            );
      arrivedAt = arrived && at(arrived.commitTimestamp);
    }
    if (madeAt === undefined || arrivedAt === undefined) pending++;
    else
      samples.push({
        atMs: madeAt - since,
        direction: change.direction,
        kind: change.kind,
        latencyMs: Math.max(0, arrivedAt - madeAt),
      });
  }
  return { samples, pending, sfChanges };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
