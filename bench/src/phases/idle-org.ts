import { Client } from 'pg';
import { SalesConnectAdmin, sleep, Stack, SyncUser, withPg } from '@task-sync/testing-stack';
import { cdcDay as cdcDayOf, SAMPLE_CHANGES, type CdcDayResult } from '../report/cdc-day';
import { enterpriseApiAllocation, repDayCalls } from '../report/rep-day-calls';
import {
  cadenceVariables,
  DEFAULT_CADENCE,
  IDLE_ACTIVITIES,
  idlePollsToSettle,
  idleTestCadence,
  scaleIdleCalls,
  type IdleActivity,
  type IdleCadence,
  type IdleMode,
} from '../report/idle-calls';
import type { IdleOrgRun, IdleOrgsResult } from '../report/results';
import { SYNC_ORIGIN } from './import-run';
import { logsSince, PERSON_ENDPOINT } from './steady-run';
import { BenchSalesforceAdmin, connectReadersAndWait, createReaderUser, databaseUrl } from './org-reader';

const CONNECT_CONCURRENCY = 16;
const SAMPLE_EVERY_MS = 500;
/** How long a window's edge waits for a quiet moment of the org (no poll in flight, no call during the look). */
const QUIET_WAIT_MS = 10_000;
/** Progress lines on long work at most this often. */
const PROGRESS_EVERY_MS = 10_000;
/** Work that stops moving for this long has failed. */
const STALL_MS = 180_000;

export interface IdleOrgsOptions {
  /** Reps to connect in each org, one org per entry. */
  reps: number[];
  /** A name for the stack and its database. */
  stamp: string;
  /** PostgreSQL's admin URL: the phase's stack gets a database of its own there. */
  adminUrl: string;
}

interface IdleOrg {
  reps: number;
  orgId: string;
  readerUsername: string;
  users: SyncUser[];
}

/**
 * Issue 20's idle-org figure: each org measured read per rep, then read once, on a stack of its own
 * with shortened intervals; then a realistic day in the largest org.
 */
export async function runIdleOrgs(
  options: IdleOrgsOptions,
  onStack: (stack: Stack | null, database: string) => void,
  log: (line: string) => void,
): Promise<IdleOrgsResult> {
  const startedAt = Date.now();
  const totalReps = options.reps.reduce((a, b) => a + b, 0);
  const cadence = idleTestCadence(totalReps);
  const database = `tasksync_bench_idle_${options.stamp.replace(/-/g, '').replace('T', '_')}`.toLowerCase();
  const intervals = { ...cadenceVariables(cadence), ORG_READER_CHECK_MS: '1000', STREAM_SUPERVISE_MS: '1000' };
  log(
    `idle orgs: ${options.reps.map(String).join(', ')} reps; a stack of their own with ${Object.entries(intervals)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const stack = await Stack.start(`bench-idle-${options.stamp}`, {}, { database, intervals });
  onStack(stack, database);
  const db = new Client({ connectionString: databaseUrl(options.adminUrl, database) });
  let result: IdleOrgsResult;
  try {
    await db.connect();
    const sf = new BenchSalesforceAdmin(stack.url('salesforce-sandbox'));
    const orgs = await connectReps(stack, sf, options.reps, log);
    const connections = orgs.flatMap((o) => o.users.map((u) => u.connectionId));
    await enableAndWaitLive(db, orgs, log);
    await waitSettled(db, connections, cadence, log);

    const perRep = await measureWindow(db, sf, orgs, 'per-rep', cadence, log);
    log(`idle orgs: connecting the readers; waiting for each org to be read once, its stream streaming`);
    await connectReadersAndWait(stack, db, orgs, true);
    const orgReads = await measureWindow(db, sf, orgs, 'org-reads', cadence, log);
    const largest = orgs.reduce((a, b) => (b.reps > a.reps ? b : a));
    const day = await sampleDay(stack, db, sf, largest, options.reps, log);
    const idle = orgReads.find((r) => r.orgId === largest.orgId) as IdleOrgRun;
    const callsDay = repDayCalls({
      orgReps: largest.reps,
      changes: day.changes,
      callsInSample: day.callsInSample,
      cyclesInSample: day.cyclesInSample,
      idle,
      idleOrgs: orgReads,
    });
    log(
      `realistic day: ${day.callsInSample} product calls in the sample, ${callsDay.periodicCallsInSample.toFixed(1)} of them periodic, for ${day.changes} changes = ` +
        `${callsDay.callsPerChange.toFixed(2)} a change; a rep a day ${callsDay.perRepPerDay.toFixed(1)} (${callsDay.changeCallsPerRepPerDay.toFixed(1)} for 40 changes + ${callsDay.idleCallsPerRepPerDay.toFixed(1)} of the idle org)`,
    );
    result = {
      reps: options.reps,
      testCadence: cadence,
      defaultCadence: DEFAULT_CADENCE,
      runs: [...orgReads, ...perRep],
      cdcDay: day.cdcDay,
      repDayCalls: callsDay,
      seconds: 0,
    };
  } finally {
    await db.end().catch(() => undefined);
    await stack.stop();
    await withPg(options.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    onStack(null, database);
  }
  result.seconds = (Date.now() - startedAt) / 1000;
  log(`idle orgs: done in ${result.seconds.toFixed(0)} s`);
  return result;
}

/** New orgs (each with an integration user that has View All Data, for later) and their reps, connected through the OAuth pages. */
async function connectReps(
  stack: Stack,
  sf: BenchSalesforceAdmin,
  repCounts: number[],
  log: (line: string) => void,
): Promise<IdleOrg[]> {
  const orgs: IdleOrg[] = [];
  for (const reps of repCounts) {
    const orgId = await sf.createOrg(`bench idle ${reps} reps`, enterpriseApiAllocation(reps));
    const readerUsername = await createReaderUser(sf, orgId);
    orgs.push({ reps, orgId, readerUsername, users: [] });
  }
  const jobs = orgs.flatMap((org) => Array.from({ length: org.reps }, (_, i) => ({ org, i })));
  const progress = progressLog(log, 'idle orgs: reps connected', jobs.length);
  await forEachLimit(jobs, CONNECT_CONCURRENCY, async ({ org, i }) => {
    org.users.push(await SyncUser.create(stack, { orgId: org.orgId, label: `idle-${org.reps}-${i + 1}` }));
    progress.add(1);
  });
  progress.done();
  return orgs;
}

/** "Sync tasks" saved on for every rep; resolves once every import is done (stage `live`). */
async function enableAndWaitLive(db: Client, orgs: IdleOrg[], log: (line: string) => void): Promise<void> {
  const users = orgs.flatMap((o) => o.users);
  const saved = progressLog(log, 'idle orgs: "Sync tasks" saved on', users.length);
  await forEachLimit(users, CONNECT_CONCURRENCY, async (u) => {
    await u.saveTaskSync(true);
    saved.add(1);
  });
  saved.done();
  const ids = users.map((u) => u.connectionId);
  await waitForCount(log, 'idle orgs: imports done', ids.length, async () => {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM sfdc_ingest.sfdc_sync_state WHERE connection_id = ANY($1) AND stage = 'live'`,
      [ids],
    );
    return rows[0].n as number;
  });
}

/** Waits until every rep's idle polls have backed off to POLL_IDLE_MAX_INTERVAL_MS. */
async function waitSettled(
  db: Client,
  ids: string[],
  cadence: IdleCadence,
  log: (line: string) => void,
): Promise<void> {
  // The wait after a poll doubles with the idle polls before it: once `settle` of them came before, the wait is the maximum.
  const settle = idlePollsToSettle(cadence) + 1;
  await waitForCount(
    log,
    `idle orgs: reps backed off to ${cadence.pollIdleMaxMs / 1000} s polls (${settle} idle polls in a row)`,
    ids.length,
    async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM sfdc_ingest.sfdc_sync_state WHERE connection_id = ANY($1) AND stage = 'live' AND idle_polls >= $2`,
        [ids, settle],
      );
      return rows[0].n as number;
    },
  );
}

/** One look at an org: its calls so far, and how many cycles of each activity its state has recorded so far. */
interface OrgSample {
  calls: Map<string, number>;
  cycles: Record<IdleActivity, number>;
  /** No poll of the org in flight and no call during the look: a clean edge for a window. */
  quiet: boolean;
  streaming: boolean;
}

/** Follows the services' own state and counts the cycles each records: a poll moves `last_polled_at` or `next_run_at`, getDeleted `audited_at`, a preflight `preflight_at`. */
class CycleCounter {
  private readonly seen = new Map<string, string>();
  private readonly counts = new Map<string, Record<IdleActivity, number>>();

  constructor(private readonly orgs: IdleOrg[]) {
    for (const org of orgs)
      this.counts.set(
        org.orgId,
        Object.fromEntries(IDLE_ACTIVITIES.map((a) => [a, 0])) as Record<IdleActivity, number>,
      );
  }

  /** Counts a change of `key`'s value as one cycle of `activity` in `orgId` (the first value seen is the baseline). */
  private track(orgId: string, activity: IdleActivity, key: string, value: Date | null): void {
    const text = value ? value.toISOString() : '';
    const before = this.seen.get(key);
    this.seen.set(key, text);
    if (before !== undefined && before !== text && text !== '')
      (this.counts.get(orgId) as Record<IdleActivity, number>)[activity]++;
  }

  async sample(db: Client, sf: BenchSalesforceAdmin): Promise<Map<string, OrgSample>> {
    const orgIds = this.orgs.map((o) => o.orgId);
    const orgOf = new Map(this.orgs.flatMap((o) => o.users.map((u) => [u.connectionId, o.orgId] as const)));
    const before = await sf.callsByOrg();
    const [polls, reps, readers] = await Promise.all([
      db.query(
        `SELECT p.org_id, p.last_polled_at, p.audited_at, p.lease_until IS NOT NULL AS leased, s.state
           FROM sfdc_ingest.sfdc_org_poll p LEFT JOIN sfdc_ingest.sfdc_org_stream s ON s.org_id = p.org_id WHERE p.org_id = ANY($1)`,
        [orgIds],
      ),
      db.query(
        `SELECT connection_id, next_run_at, audited_at, lease_until IS NOT NULL AS leased FROM sfdc_ingest.sfdc_sync_state WHERE connection_id = ANY($1)`,
        [[...orgOf.keys()]],
      ),
      db.query(`SELECT sfdc_org_id, preflight_at FROM connector_settings.org_reader WHERE sfdc_org_id = ANY($1)`, [
        orgIds,
      ]),
    ]);
    const after = await sf.callsByOrg();
    const busy = new Set<string>();
    const streaming = new Set<string>();
    for (const r of polls.rows) {
      this.track(r.org_id, 'org-poll', `poll:${r.org_id}`, r.last_polled_at);
      this.track(r.org_id, 'org-getDeleted', `audit:${r.org_id}`, r.audited_at);
      if (r.leased) busy.add(r.org_id);
      if (r.state === 'streaming') streaming.add(r.org_id);
    }
    for (const r of reps.rows) {
      const orgId = orgOf.get(r.connection_id) as string;
      this.track(orgId, 'rep-poll', `rep:${r.connection_id}`, r.next_run_at);
      this.track(orgId, 'rep-getDeleted', `rep-audit:${r.connection_id}`, r.audited_at);
      if (r.leased) busy.add(orgId);
    }
    for (const r of readers.rows) this.track(r.sfdc_org_id, 'preflight', `preflight:${r.sfdc_org_id}`, r.preflight_at);
    const samples = new Map<string, OrgSample>();
    for (const orgId of orgIds) {
      const calls = after.get(orgId) ?? new Map<string, number>();
      const unchanged = sameCalls(before.get(orgId), calls);
      samples.set(orgId, {
        calls,
        cycles: { ...(this.counts.get(orgId) as Record<IdleActivity, number>) },
        quiet: unchanged && !busy.has(orgId),
        streaming: streaming.has(orgId),
      });
    }
    return samples;
  }
}

function sameCalls(a: Map<string, number> | undefined, b: Map<string, number>): boolean {
  const left = a ?? new Map<string, number>();
  if (left.size !== b.size) return false;
  for (const [endpoint, n] of b) if (left.get(endpoint) !== n) return false;
  return true;
}

/** The cycles a window must hold before it may end: two polls and one getDeleted (per rep, for per-rep reads), and a preflight. */
function enoughCycles(org: IdleOrg, mode: IdleMode, cycles: Record<IdleActivity, number>): boolean {
  if (mode === 'per-rep') return cycles['rep-poll'] >= 2 * org.reps && cycles['rep-getDeleted'] >= org.reps;
  return cycles['org-poll'] >= 2 && cycles['org-getDeleted'] >= 1 && cycles.preflight >= 1;
}

/**
 * One window for every org in one mode. Each org's window opens at its first quiet sample (no poll
 * of it in flight, no call during the look) and closes at its first quiet sample once the nominal
 * length has passed and it holds enough cycles; calls and cycles are the differences between them.
 */
async function measureWindow(
  db: Client,
  sf: BenchSalesforceAdmin,
  orgs: IdleOrg[],
  mode: IdleMode,
  cadence: IdleCadence,
  log: (line: string) => void,
): Promise<IdleOrgRun[]> {
  // Per rep: three idle polls and one or two getDeleted each. Read once: six org polls, two getDeleted and a preflight or two
  // (connector-settings looks for due readers every interval, so a 10 s preflight interval checks every 20 s).
  const nominalMs =
    mode === 'per-rep'
      ? 3 * cadence.pollIdleMaxMs
      : Math.max(6 * cadence.orgPollMs, 2 * cadence.orgDeleteAuditMs, 2 * cadence.preflightMs);
  const longestMs = 4 * nominalMs;
  const counter = new CycleCounter(orgs);
  await counter.sample(db, sf); // the baseline of every value
  const opened = new Map<string, { at: number; sample: OrgSample; forced: boolean }>();
  const closed = new Map<string, { at: number; sample: OrgSample; forced: boolean }>();
  const notStreaming = new Set<string>();
  const label = mode === 'per-rep' ? 'read per rep' : 'read once';
  log(`idle orgs, ${label}: measuring for at least ${nominalMs / 1000} s`);
  const startedAt = Date.now();
  let lastProgress = startedAt;
  while (closed.size < orgs.length) {
    const now = Date.now();
    const samples = await counter.sample(db, sf);
    const at = Date.now();
    for (const org of orgs) {
      const sample = samples.get(org.orgId) as OrgSample;
      const open = opened.get(org.orgId);
      if (!open) {
        // An org that does not look quiet (a busy per-rep org) opens anyway after a while: at most the steps in flight are off.
        if (sample.quiet || at - startedAt > QUIET_WAIT_MS)
          opened.set(org.orgId, { at, sample, forced: !sample.quiet });
        continue;
      }
      if (closed.has(org.orgId)) continue;
      if (mode === 'org-reads' && !sample.streaming) notStreaming.add(org.orgId);
      const cycles = diffCycles(sample.cycles, open.sample.cycles);
      const elapsed = at - open.at;
      // A busy org (many reps polling) that does not look quiet within QUIET_WAIT_MS closes anyway.
      const ready =
        elapsed >= nominalMs &&
        enoughCycles(org, mode, cycles) &&
        (sample.quiet || elapsed >= nominalMs + QUIET_WAIT_MS);
      if (ready || elapsed >= longestMs) closed.set(org.orgId, { at, sample, forced: !sample.quiet });
    }
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      log(
        `idle orgs, ${label}: ${((now - startedAt) / 1000).toFixed(0)} s; ${closed.size} of ${orgs.length} windows closed`,
      );
    }
    await sleep(SAMPLE_EVERY_MS);
  }

  return orgs.map((org) => {
    const open = opened.get(org.orgId) as { at: number; sample: OrgSample; forced: boolean };
    const close = closed.get(org.orgId) as { at: number; sample: OrgSample; forced: boolean };
    const cycles = diffCycles(close.sample.cycles, open.sample.cycles);
    const calls: Record<string, number> = {};
    for (const [endpoint, n] of close.sample.calls) {
      const diff = n - (open.sample.calls.get(endpoint) ?? 0);
      if (diff > 0) calls[endpoint] = diff;
    }
    const windowMs = close.at - open.at;
    const scaled = scaleIdleCalls({ mode, reps: org.reps, windowMs, calls, cycles });
    const notes: string[] = [];
    if (open.forced || close.forced)
      notes.push(
        'a window edge was taken with a poll of the org in flight: the cycles may be off by the steps in flight (SCHEDULER_CONCURRENCY, 4)',
      );
    if (!enoughCycles(org, mode, cycles))
      notes.push(`the window closed after ${(longestMs / 1000).toFixed(0)} s without its minimum cycles`);
    if (notStreaming.has(org.orgId)) notes.push('the stream was not streaming throughout the window');
    const run: IdleOrgRun = {
      reps: org.reps,
      mode,
      orgId: org.orgId,
      windowSeconds: windowMs / 1000,
      cycles,
      endpoints: scaled.endpoints,
      callsInWindow: Object.values(calls).reduce((a, b) => a + b, 0),
      perDay: scaled.perDay,
      notes,
    };
    log(
      `idle orgs, ${label}, ${org.reps} reps: ${run.callsInWindow} calls in ${run.windowSeconds.toFixed(1)} s ` +
        `(${
          IDLE_ACTIVITIES.filter((a) => cycles[a] > 0)
            .map((a) => `${cycles[a]} ${a}`)
            .join(', ') || 'no cycles'
        }) → ${Math.round(run.perDay).toLocaleString('en')} calls a day at the default intervals` +
        (notes.length ? `; ${notes.join('; ')}` : ''),
    );
    return run;
  });
}

/** Reps of the largest org that make the sample of a realistic day. */
const CDC_SAMPLE_REPS = 10;
/** The org has settled when its delivered events stayed the same this long after every change arrived. */
const CDC_SETTLE_MS = 3_000;

/** A realistic day's sample: the CDC figure, and what the product's Salesforce calls during it need for the calls figure. */
interface DaySample {
  cdcDay: CdcDayResult;
  changes: number;
  /** The product's calls of the org during the sample (the benchmark's own calls as the reps left out). */
  callsInSample: number;
  /** Cycles of the org's periodic work during the sample (safety-net polls, getDeleted, preflights). */
  cyclesInSample: Record<IdleActivity, number>;
}

/**
 * The periodic work's cycles are sampled all along, so rep-day-calls.ts can take that work out of the
 * calls a change.
 */
async function sampleDay(
  stack: Stack,
  db: Client,
  sf: BenchSalesforceAdmin,
  org: IdleOrg,
  reps: number[],
  log: (line: string) => void,
): Promise<DaySample> {
  const sc = new SalesConnectAdmin(stack.url('salesconnect-sandbox'));
  const users = org.users.slice(0, CDC_SAMPLE_REPS);
  const scUsers = new Set(users.map((u) => u.sc.id));
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const madeInSf = new Set<string>();
  const madeInSc = new Set<string>();
  const sfTasks = users.map(() => [] as string[]);
  const scTasks = users.map(() => [] as string[]);
  const made = { salesforce: 0, salesConnect: 0 };
  const own = new Map<string, number>();
  const counter = new CycleCounter([org]);
  const first = (await counter.sample(db, sf)).get(org.orgId) as OrgSample;
  const cycling = sampleUntil(counter, db, sf);
  const startedAt = Date.now();
  // Salesforce stamps whole seconds: a change of the sample's first second is stamped before startedAt.
  const since = logsSince(startedAt);
  const deliveredBefore = await sf.deliveredToday(org.orgId);
  log(
    `CDC day: ${users.length} of the ${org.reps}-rep org's reps make ${SAMPLE_CHANGES.length} changes a side, one a round`,
  );

  for (const [round, { kind, task }] of SAMPLE_CHANGES.entries()) {
    await forEachLimit(
      users.map((u, i) => ({ u, i })),
      CONNECT_CONCURRENCY,
      async ({ u, i }) => {
        const title = `bench CDC day ${round + 1} ${kind} ${Date.now()}`;
        if (kind === 'create') {
          const sfId = await u.sfdc.createTask({ Subject: title, ActivityDate: tomorrow });
          madeInSf.add(sfId);
          sfTasks[i][task] = sfId;
          const scId = (await u.sc.create({ name: title, dueDate: tomorrow })).id;
          madeInSc.add(scId);
          scTasks[i][task] = scId;
        } else {
          const [sfId, scId] = [sfTasks[i][task], scTasks[i][task]];
          if (kind === 'edit')
            await Promise.all([u.sfdc.updateTask(sfId, { Subject: title }), u.sc.patch(scId, { name: title })]);
          else if (kind === 'complete')
            await Promise.all([u.sfdc.updateTask(sfId, { Status: 'Completed' }), u.sc.complete(scId)]);
          else await Promise.all([u.sfdc.deleteTask(sfId), u.sc.delete(scId)]);
        }
        own.set(PERSON_ENDPOINT[kind], (own.get(PERSON_ENDPOINT[kind]) ?? 0) + 1);
        made.salesforce++;
        made.salesConnect++;
      },
    );
    // Arrived: the sync's writes on the other side of tasks it did not make there: Sales Connect's for the Salesforce changes, and the other way round.
    await waitForCount(
      log,
      `CDC day, round ${round + 1} of ${SAMPLE_CHANGES.length} (a ${kind} a side and rep): changes arrived on the other side`,
      made.salesforce + made.salesConnect,
      async () => {
        const inSc = (await sc.changes(since.sc)).filter(
          (c) => scUsers.has(c.userId) && c.origin === SYNC_ORIGIN && !madeInSc.has(c.taskId),
        ).length;
        const inSf = (await sf.changes(org.orgId, since.sf)).filter(
          (c) => c.changeOrigin === SYNC_ORIGIN && !madeInSf.has(c.taskId),
        ).length;
        return Math.min(inSc, made.salesforce) + Math.min(inSf, made.salesConnect);
      },
    );
  }
  // What follows an arrival (the external id stamped on a task made in Salesforce, …) is delivered too: wait until nothing more comes.
  let delivered = await sf.deliveredToday(org.orgId);
  for (let stableSince = Date.now(); Date.now() - stableSince < CDC_SETTLE_MS;) {
    await sleep(500);
    const now = await sf.deliveredToday(org.orgId);
    if (now !== delivered) [delivered, stableSince] = [now, Date.now()];
  }
  const last = await cycling.stop();
  const cdcDay = cdcDayOf(
    {
      orgReps: org.reps,
      sampledReps: users.length,
      changes: made,
      eventsDelivered: delivered - deliveredBefore,
      seconds: (Date.now() - startedAt) / 1000,
    },
    reps,
  );
  log(
    `CDC day: ${cdcDay.eventsDelivered} events delivered for ${made.salesforce + made.salesConnect} changes = ${cdcDay.eventsPerChange.toFixed(2)} a change, ${cdcDay.perRepPerDay.toFixed(0)} a rep a day`,
  );
  let callsInSample = 0;
  for (const [endpoint, n] of last.calls)
    callsInSample += Math.max(0, n - (first.calls.get(endpoint) ?? 0) - (own.get(endpoint) ?? 0));
  return {
    cdcDay,
    changes: made.salesforce + made.salesConnect,
    callsInSample,
    cyclesInSample: diffCycles(last.cycles, first.cycles),
  };
}

/** Samples `counter` every SAMPLE_EVERY_MS until stopped (a cycle is seen only as its value moves); `stop` answers the last sample of the one org. */
function sampleUntil(counter: CycleCounter, db: Client, sf: BenchSalesforceAdmin): { stop(): Promise<OrgSample> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await counter.sample(db, sf);
      await sleep(SAMPLE_EVERY_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...(await counter.sample(db, sf)).values()][0];
    },
  };
}

function diffCycles(
  later: Record<IdleActivity, number>,
  earlier: Record<IdleActivity, number>,
): Record<IdleActivity, number> {
  return Object.fromEntries(IDLE_ACTIVITIES.map((a) => [a, later[a] - earlier[a]])) as Record<IdleActivity, number>;
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure rejects. */
async function forEachLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A counter that logs its progress at most every PROGRESS_EVERY_MS, and once at the end. */
function progressLog(log: (line: string) => void, what: string, total: number) {
  const startedAt = Date.now();
  let count = 0;
  let lastAt = startedAt;
  return {
    add(n: number) {
      count += n;
      if (Date.now() - lastAt >= PROGRESS_EVERY_MS) {
        lastAt = Date.now();
        log(
          `${what}: ${count.toLocaleString('en')} / ${total.toLocaleString('en')} after ${((lastAt - startedAt) / 1000).toFixed(0)} s`,
        );
      }
    },
    done() {
      log(
        `${what}: ${count.toLocaleString('en')} / ${total.toLocaleString('en')} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
      );
    },
  };
}

/** Polls `count` until it reaches `total`, logging progress; fails when it stops moving for STALL_MS. */
async function waitForCount(
  log: (line: string) => void,
  what: string,
  total: number,
  count: () => Promise<number>,
): Promise<void> {
  const startedAt = Date.now();
  let last = -1;
  let movedAt = startedAt;
  let loggedAt = startedAt;
  for (;;) {
    const n = await count();
    const now = Date.now();
    if (n !== last) {
      last = n;
      movedAt = now;
    }
    if (n >= total) {
      log(
        `${what}: ${n.toLocaleString('en')} / ${total.toLocaleString('en')} in ${((now - startedAt) / 1000).toFixed(0)} s`,
      );
      return;
    }
    if (now - movedAt > STALL_MS) throw new Error(`${what}: stuck at ${n} of ${total} for ${STALL_MS / 1000} s`);
    if (now - loggedAt >= PROGRESS_EVERY_MS) {
      loggedAt = now;
      log(
        `${what}: ${n.toLocaleString('en')} / ${total.toLocaleString('en')} after ${((now - startedAt) / 1000).toFixed(0)} s`,
      );
    }
    await sleep(SAMPLE_EVERY_MS);
  }
}
