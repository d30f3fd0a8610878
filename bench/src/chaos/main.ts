// npm run chaos (tools/scripts/chaos.js builds, starts the broker and runs this); see "Chaos run" in the README.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  HttpError,
  ROOT,
  SalesConnectAdmin,
  SalesforceAdmin,
  Stack,
  SyncUser,
  TEST_INTERVALS,
  sleep,
  withPg,
} from '@task-sync/testing-stack';
import { random } from '../phases/workload';
import { renderChartPng } from '../report/render-chart';
import { chaosChart, type ChaosEvents, type TimelinePoint } from './chart';
import { compareSides, converged, type Comparison, type Copy, type Expected, type Fields } from './compare';
import { CHAOS_DEFAULTS, chaosCommand, parseChaosOptions, type ChaosOptions } from './options';

const log = (line: string) => console.log(`[chaos] ${line}`);
/**
 * Short poll and flush intervals, but the services' own retry back-off: shortened, a minute's outage
 * would spend a write's attempts in seconds and dead-letter it, which is not what runs.
 */
const CHAOS_INTERVALS: Record<string, string> = Object.fromEntries(
  Object.entries(TEST_INTERVALS).filter(
    ([name]) => !['WRITE_RETRY_BASE_MS', 'SALESFORCE_RETRY_BASE_MS'].includes(name),
  ),
);
/** A task is not changed again within this long of its last change: the conflict rule's ties are not what this run measures. */
const TASK_GAP_MS = 5_000;
const MAX_IN_FLIGHT = 24;
const SAMPLE_MS = 3_000;
/** A change that still fails after this long (beyond the outage) counts as failed: the person gave up. */
const GIVE_UP_MS = 120_000;

type Side = 'sc' | 'sfdc';
type Kind = 'create' | 'update' | 'complete' | 'delete';

interface Task {
  title: string;
  owner: number;
  scId?: string;
  sfdcId?: string;
  expected: Expected;
  lastChangeAt: number;
  busy: boolean;
}

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const o = parseChaosOptions(process.argv.slice(2), path.join(ROOT, 'bench', 'results', `chaos-${stamp}`));
  log(`settings (defaults: ${JSON.stringify(CHAOS_DEFAULTS)}): ${JSON.stringify({ ...o, outDir: undefined })}`);
  log(`the same run again: ${chaosCommand(o)}`);
  const adminUrl = process.env['TEST_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `tasksync_chaos_${stamp.replace(/-/g, '').replace('T', '_')}`.toLowerCase();
  const dropDatabase = () => withPg(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

  let stack: Stack | null = null;
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the stack`);
    void (stack ? stack.stop().then(dropDatabase) : Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const startedAt = new Date().toISOString();
  stack = await Stack.start(
    `chaos-${stamp}`,
    {},
    { database, replicas: o.replicas, restartCrashed: true, intervals: CHAOS_INTERVALS },
  );
  log(`service intervals: ${JSON.stringify(CHAOS_INTERVALS)}; retry back-off: the services' defaults`);
  log(
    `stack up with ${o.replicas} process(es) of each consumer: ${[...stack.processes.keys()].join(', ')} (log: tmp/e2e/chaos-${stamp}.log)`,
  );
  let ok = false;
  try {
    const result = await run(stack, o, stamp);
    result.startedAt = startedAt;
    await writeReport(result, o);
    ok =
      result.final.lost === 0 &&
      result.final.duplicatedSc === 0 &&
      result.final.duplicatedSfdc === 0 &&
      result.final.unequal === 0;
  } finally {
    await stack.stop();
    await dropDatabase();
    stack = null;
  }
  process.exit(ok ? 0 : 1);
}

interface ChaosResult {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  settings: Omit<ChaosOptions, 'outDir'>;
  made: Record<Side, Record<Kind, number>>;
  changesMade: number;
  changesFailed: { kind: Kind; side: Side; title: string; error: string }[];
  loadSeconds: number;
  convergeSeconds: number | null;
  events: ChaosEvents;
  final: Comparison;
  timeline: TimelinePoint[];
}

async function run(stack: Stack, o: ChaosOptions, stamp: string): Promise<ChaosResult> {
  const sfAdmin = new SalesforceAdmin(stack.url('salesforce-sandbox'));
  const scAdmin = new SalesConnectAdmin(stack.url('salesconnect-sandbox'));
  const orgId = await sfAdmin.createOrg(`chaos ${stamp}`);
  const users: SyncUser[] = [];
  for (let i = 0; i < o.connections; i++) users.push(await SyncUser.create(stack, { orgId, label: `chaos-${i + 1}` }));
  for (const u of users) await u.enableAndWaitForImport(60_000);
  log(`${users.length} reps connected and syncing (org ${orgId}; Salesforce read by each rep's polls)`);

  const rnd = random(o.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const tag = stamp.slice(11).replace(/-/g, '');
  const tasks: Task[] = [];
  const byTitle = new Map<string, Task>();
  const made: ChaosResult['made'] = {
    sc: { create: 0, update: 0, complete: 0, delete: 0 },
    sfdc: { create: 0, update: 0, complete: 0, delete: 0 },
  };
  const failed: ChaosResult['changesFailed'] = [];
  const sfUserIndex = new Map(users.map((u, i) => [u.sfdcUserId, i]));

  // Both sides as they are now: every live task of the run, by side, under the mapping.
  const snapshot = async (): Promise<{ sc: Copy[]; sfdc: Copy[] }> => {
    const [scLists, sfTasks] = await Promise.all([
      Promise.all(users.map((u) => scAdmin.tasks(u.sc.id))),
      sfAdmin.tasks(orgId),
    ]);
    const sc = scLists
      .flat()
      .filter((t) => t.deletedAt === undefined && byTitle.has(t.name))
      .map((t) => ({
        id: t.id,
        fields: {
          title: t.name,
          details: t.details,
          dueDate: t.dueDate,
          open: t.status === 'Open',
          priority: t.priority.toLowerCase(),
        },
      }));
    const sfdc = sfTasks
      .filter((t) => t.deletedAt === null && sfUserIndex.has(t.OwnerId) && byTitle.has(t.Subject ?? ''))
      .map((t) => ({
        id: t.Id,
        linkedScId: t.SalesConnect_Task_Id__c,
        fields: {
          title: t.Subject ?? '',
          details: t.Description ?? '',
          dueDate: t.ActivityDate,
          open: !t.IsClosed,
          priority: t.Priority.toLowerCase(),
        },
      }));
    // A rep changes what they see: the other side's copy, once the sync has made it.
    for (const c of sc) {
      const t = byTitle.get(c.fields.title);
      if (t && !t.scId) t.scId = c.id;
    }
    for (const c of sfdc) {
      const t = byTitle.get(c.fields.title);
      if (t && !t.sfdcId) t.sfdcId = c.id;
    }
    return { sc, sfdc };
  };
  const compareNow = async () => {
    const sides = await snapshot();
    return compareSides(
      tasks.map((t) => t.expected),
      sides.sc,
      sides.sfdc,
    );
  };

  // The person's own retries: the injected faults and the outage are the sync's to survive, not the rep's.
  let outageUntil = 0;
  const persist = async <T>(write: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    for (;;) {
      try {
        return await write();
      } catch (e) {
        const transient =
          e instanceof HttpError
            ? e.status >= 500 || e.status === 401 || /REQUEST_LIMIT_EXCEEDED|UNABLE_TO_LOCK_ROW/.test(e.body)
            : e instanceof TypeError;
        if (!transient || Date.now() - started > Math.max(outageUntil - started, 0) + GIVE_UP_MS) throw e;
        await sleep(1_000);
      }
    }
  };

  const dueDate = () => new Date(Date.now() + Math.floor(rnd() * 30) * 86_400_000).toISOString().slice(0, 10);
  const priority = () => (rnd() < 0.3 ? 'High' : 'Normal');
  let serial = 0;

  /** One change as a rep makes it; the model takes it once the side has accepted it. */
  const change = async (side: Side, kind: Kind, owner: number, task: Task | null): Promise<void> => {
    const user = users[owner];
    let created: Task | null = null;
    try {
      if (kind === 'create') {
        const title = `chaos ${tag} #${++serial} (${side})`;
        const fields: Fields = {
          title,
          details: `made in ${side === 'sc' ? 'Sales Connect' : 'Salesforce'}`,
          dueDate: dueDate(),
          open: true,
          priority: priority().toLowerCase(),
        };
        const t: Task = {
          title,
          owner,
          expected: { title, deleted: false, fields },
          lastChangeAt: Date.now(),
          busy: true,
        };
        created = t;
        tasks.push(t);
        byTitle.set(title, t);
        const p = fields.priority === 'high' ? 'High' : 'Normal';
        if (side === 'sc')
          t.scId = (
            await persist(() =>
              user.sc.create({ name: title, details: fields.details, dueDate: fields.dueDate, priority: p }),
            )
          ).id;
        else
          t.sfdcId = await persist(() =>
            user.sfdc.createTask({
              Subject: title,
              Description: fields.details,
              ActivityDate: fields.dueDate,
              Priority: p,
            }),
          );
        t.busy = false;
      } else if (task) {
        const next: Expected = { ...task.expected, fields: { ...task.expected.fields } };
        if (kind === 'update') {
          // New values every time: the conflict rule is per field, and a field written with the value its side
          // already shows is no change there (a priority set back to what it was would lose to the other side's).
          serial++;
          next.fields = {
            ...next.fields,
            details: `edited in ${side === 'sc' ? 'Sales Connect' : 'Salesforce'} (${serial})`,
            dueDate: new Date(Date.UTC(2027, 0, 1) + (serial % 3_650) * 86_400_000).toISOString().slice(0, 10),
          };
          if (side === 'sc')
            await persist(() =>
              user.sc.patch(task.scId ?? '', { details: next.fields.details, dueDate: next.fields.dueDate }),
            );
          else
            await persist(() =>
              user.sfdc.updateTask(task.sfdcId ?? '', {
                Description: next.fields.details,
                ActivityDate: next.fields.dueDate,
              }),
            );
        } else if (kind === 'complete') {
          next.fields.open = false;
          if (side === 'sc') await persist(() => user.sc.complete(task.scId ?? ''));
          else await persist(() => user.sfdc.updateTask(task.sfdcId ?? '', { Status: 'Completed' }));
        } else {
          next.deleted = true;
          if (side === 'sc') await persist(() => user.sc.delete(task.scId ?? ''));
          else await persist(() => user.sfdc.deleteTask(task.sfdcId ?? ''));
        }
        task.expected = next;
        task.lastChangeAt = Date.now();
        task.busy = false;
      }
      made[side][kind]++;
    } catch (e) {
      // Refused for good (after the rep's retries): not made. A create leaves no task; any other task stays busy, never changed again, judged as last accepted.
      failed.push({ kind, side, title: (task ?? created)?.title ?? '', error: (e as Error).message.slice(0, 300) });
      if (created) {
        tasks.splice(tasks.indexOf(created), 1);
        byTitle.delete(created.title);
      }
    }
  };

  /** The next change: a side, a rep, what to do and to which task they see (create when nothing fits). */
  const nextChange = (): [Side, Kind, number, Task | null] => {
    const side: Side = rnd() < 0.5 ? 'sc' : 'sfdc';
    const owner = Math.floor(rnd() * users.length);
    const r = rnd();
    const kind: Kind = r < 0.35 ? 'create' : r < 0.7 ? 'update' : r < 0.85 ? 'complete' : 'delete';
    if (kind === 'create') return [side, kind, owner, null];
    const now = Date.now();
    for (let attempt = 0; attempt < 12 && tasks.length > 0; attempt++) {
      const t = tasks[tasks.length - 1 - Math.floor(rnd() * Math.min(tasks.length, 2_000))];
      if (t.owner !== owner || t.busy || t.expected.deleted || now - t.lastChangeAt < TASK_GAP_MS) continue;
      if (!(side === 'sc' ? t.scId : t.sfdcId)) continue;
      if (kind === 'complete' && !t.expected.fields.open) continue;
      t.busy = true;
      return [side, kind, owner, t];
    }
    return [side, 'create', owner, null];
  };

  // The chaos: what happens when, as seconds into the load.
  const loadS = o.changes / o.rate;
  // The services' processes (the sandboxes stand for Salesforce and Sales Connect, which do not crash here).
  const processes = [...stack.processes.keys()].filter((name) => !name.endsWith('-sandbox'));
  const events: ChaosEvents = { kills: [], brokerRestarts: [], outage: null, loadEndS: 0, convergedS: null };
  type Planned = { atS: number; what: 'kill' | 'broker' | 'outage-on' | 'outage-off' };
  const plan: Planned[] = [
    ...Array.from({ length: o.kills }, (_, i) => ({
      atS: (loadS * (i + 0.5)) / Math.max(o.kills, 1),
      what: 'kill' as const,
    })),
    ...Array.from({ length: o.brokerRestarts }, (_, i) => ({
      atS: loadS * (0.55 + (0.3 * i) / Math.max(o.brokerRestarts, 1)),
      what: 'broker' as const,
    })),
    ...(o.limitOutageSeconds > 0
      ? [
          { atS: loadS * 0.25, what: 'outage-on' as const },
          { atS: loadS * 0.25 + o.limitOutageSeconds, what: 'outage-off' as const },
        ]
      : []),
  ].sort((a, b) => a.atS - b.atS);

  const faults = async (share: number) => {
    const half = share / 2;
    await sfAdmin.setFaults({ shares: { http503: half, unableToLockRow: half }, seed: o.seed });
    await scAdmin.setFaults({ shares: { http5xx: share }, seed: o.seed + 1 });
  };
  const setApiUsage = (used: number) =>
    fetch(`${stack.url('salesforce-sandbox')}/__admin/salesforce/orgs/${orgId}/api-usage`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ used }),
    }).then((r) => {
      if (!r.ok) throw new Error(`api-usage: ${r.status}`);
    });

  const loadStart = Date.now();
  const sinceStart = () => (Date.now() - loadStart) / 1000;
  let loadDone = false;
  let outageOn = false;
  /** One lane of chaos steps, in order; the lanes (kills, the broker, the outage) run side by side. */
  const lane = async (steps: Planned[]) => {
    for (const step of steps) {
      const wait = loadStart + step.atS * 1000 - Date.now();
      if (wait > 0 && !loadDone) await sleep(wait);
      await act(step);
    }
  };
  const act = async (step: Planned) => {
    if (step.what === 'kill') {
      const name = pick(processes);
      const pid = stack.kill(name);
      events.kills.push({ atS: sinceStart(), process: name });
      log(`kill ${events.kills.length}/${o.kills}: SIGKILL ${name} (pid ${pid}) at ${sinceStart().toFixed(0)} s`);
      const deadline = Date.now() + 60_000;
      while (stack.processes.get(name) === pid && Date.now() < deadline) await sleep(200);
      if (stack.processes.get(name) === pid) throw new Error(`${name} was not started again within 60 s`);
    } else if (step.what === 'broker') {
      const at = sinceStart();
      log(`broker restart at ${at.toFixed(0)} s: stopping it`);
      await kafkaCommand('stop');
      await kafkaCommand('start');
      events.brokerRestarts.push({ atS: at, seconds: sinceStart() - at });
      log(`broker back after ${(sinceStart() - at).toFixed(0)} s`);
    } else if (step.what === 'outage-on') {
      outageOn = true;
      await setApiUsage(1_000_000_000);
      await scAdmin.setFaults({ shares: { http5xx: 1 } });
      // The outage runs from here, where both sides refuse: its end is timed from this moment, not from the plan's.
      outageUntil = Date.now() + o.limitOutageSeconds * 1000;
      events.outage = { fromS: sinceStart(), toS: sinceStart() };
      log(
        `outage at ${sinceStart().toFixed(0)} s for ${o.limitOutageSeconds} s: the org's API limit spent (REQUEST_LIMIT_EXCEEDED), Sales Connect answering 503 to every call`,
      );
    } else {
      const rest = outageUntil - Date.now();
      if (rest > 0 && !loadDone) await sleep(rest);
      await setApiUsage(0);
      outageOn = false;
      await faults(loadDone ? 0 : o.faultRate);
      if (events.outage) events.outage.toS = sinceStart();
      log(`outage over at ${sinceStart().toFixed(0)} s`);
    }
  };
  const chaos = Promise.all(
    [
      plan.filter((p) => p.what === 'kill'),
      plan.filter((p) => p.what === 'broker'),
      plan.filter((p) => p.what.startsWith('outage')),
    ].map(lane),
  );
  const chaosDone = chaos.then(
    () => null,
    (e: Error) => e,
  );

  await faults(o.faultRate);
  log(
    `load: ${o.changes.toLocaleString('en')} changes at ${o.rate}/s over ${users.length} reps, both sides; faults ${o.faultRate * 100} % of calls; ${plan.length} chaos steps planned`,
  );
  const timeline: TimelinePoint[] = [];
  let changesStarted = 0;
  const sampler = (async () => {
    while (!loadDone) {
      const c = await compareNow();
      timeline.push({
        atS: sinceStart(),
        notInSync: c.lost + c.unequal + c.duplicatedSc + c.duplicatedSfdc,
        made: changesStarted,
      });
      await sleep(SAMPLE_MS);
    }
  })();
  const expireSessions = setInterval(() => void sfAdmin.expireSessions().catch(() => undefined), 20_000);
  const inFlight = new Set<Promise<void>>();
  const loadDeadline = loadStart + (loadS * 3 + o.limitOutageSeconds + 600) * 1000;
  let lastProgress = 0;
  for (let n = 0; n < o.changes; n++) {
    const due = loadStart + (n * 1000) / o.rate;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= MAX_IN_FLIGHT) {
      if (Date.now() > loadDeadline)
        throw new Error(`the load did not finish by its deadline (${changesStarted} of ${o.changes} changes started)`);
      await Promise.race([...inFlight, sleep(1_000)]);
    }
    const p = change(...nextChange()).finally(() => inFlight.delete(p));
    inFlight.add(p);
    changesStarted++;
    if (Date.now() - lastProgress > 30_000) {
      lastProgress = Date.now();
      log(
        `load: ${changesStarted.toLocaleString('en')} changes started after ${sinceStart().toFixed(0)} s (${failed.length} failed)`,
      );
    }
  }
  await Promise.all(inFlight);
  const chaosError = await chaosDone;
  loadDone = true;
  clearInterval(expireSessions);
  await sampler;
  if (chaosError) throw chaosError;
  if (outageOn) await setApiUsage(0);
  await sfAdmin.clearFaults();
  await scAdmin.clearFaults();
  const loadEnd = Date.now();
  events.loadEndS = sinceStart();
  const changesMade = Object.values(made).reduce(
    (sum, kinds) => sum + Object.values(kinds).reduce((a, b) => a + b, 0),
    0,
  );
  log(
    `load over after ${events.loadEndS.toFixed(0)} s: ${changesMade.toLocaleString('en')} changes made, ${failed.length} failed; faults cleared; waiting for quiet (at most ${o.quietTimeoutSeconds} s)`,
  );

  let last = await compareNow();
  let convergeSeconds: number | null = null;
  const quietDeadline = loadEnd + o.quietTimeoutSeconds * 1000;
  for (;;) {
    timeline.push({
      atS: sinceStart(),
      notInSync: last.lost + last.unequal + last.duplicatedSc + last.duplicatedSfdc,
      made: changesStarted,
    });
    if (converged(last)) {
      convergeSeconds = (Date.now() - loadEnd) / 1000;
      events.convergedS = sinceStart();
      break;
    }
    if (Date.now() > quietDeadline) break;
    if (Date.now() - lastProgress > 20_000) {
      lastProgress = Date.now();
      log(
        `quiet: after ${((Date.now() - loadEnd) / 1000).toFixed(0)} s, ${last.lost} lost, ${last.duplicatedSc} + ${last.duplicatedSfdc} duplicated, ${last.unequal} unequal; e.g. ${last.examples
          .slice(0, 2)
          .map((e) => `${e.title}: ${e.detail}`)
          .join(' | ')}`,
      );
    }
    await sleep(2_000);
    last = await compareNow();
  }
  // Then a while longer: a late duplicate or a late stale write after equality counts too.
  if (convergeSeconds !== null) {
    log(`both sides equal ${convergeSeconds.toFixed(1)} s after the load; checking again in 20 s`);
    await sleep(20_000);
    last = await compareNow();
    timeline.push({
      atS: sinceStart(),
      notInSync: last.lost + last.unequal + last.duplicatedSc + last.duplicatedSfdc,
      made: changesStarted,
    });
  }
  return {
    startedAt: '',
    finishedAt: new Date().toISOString(),
    command: chaosCommand(o),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    settings: { ...o, outDir: undefined } as Omit<ChaosOptions, 'outDir'>,
    made,
    changesMade,
    changesFailed: failed,
    loadSeconds: events.loadEndS,
    convergeSeconds,
    events,
    final: last,
    timeline,
  };
}

/** `node tools/kafka/kafka.js stop|start` with this run's broker settings (KAFKA_PORT, …); bounded by kafka.js's own timeouts and 180 s. */
function kafkaCommand(command: 'stop' | 'start'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tools/kafka/kafka.js', command], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`kafka.js ${command} exited with ${code}: ${output.slice(-1000)}`));
    });
  });
}

function summary(r: ChaosResult): string[] {
  const f = r.final;
  const kinds = (side: Side) =>
    Object.entries(r.made[side])
      .map(([k, n]) => `${n.toLocaleString('en')} ${k}`)
      .join(', ');
  return [
    `changes made: ${r.changesMade.toLocaleString('en')} (Sales Connect: ${kinds('sc')}; Salesforce: ${kinds('sfdc')}); ${r.changesFailed.length} the reps could not make`,
    `chaos: ${r.events.kills.length} services killed with SIGKILL (${r.events.kills.map((k) => k.process).join(', ') || 'none'}), ${r.events.brokerRestarts.length} broker restart(s) (${r.events.brokerRestarts.map((b) => `${b.seconds.toFixed(0)} s down`).join(', ') || 'none'}), ${r.settings.faultRate * 100} % of calls failed, ${r.events.outage ? `${(r.events.outage.toS - r.events.outage.fromS).toFixed(0)} s outage` : 'no outage'}`,
    `tasks: ${f.tasks.toLocaleString('en')}`,
    `lost: ${f.lost}`,
    `duplicated: ${f.duplicatedSc} in Sales Connect, ${f.duplicatedSfdc} in Salesforce`,
    `pairs unequal: ${f.unequal}`,
    `time to converge: ${r.convergeSeconds === null ? `not within ${r.settings.quietTimeoutSeconds} s` : `${r.convergeSeconds.toFixed(1)} s after the load (load ${r.loadSeconds.toFixed(0)} s)`}`,
  ];
}

async function writeReport(r: ChaosResult, o: ChaosOptions): Promise<void> {
  fs.mkdirSync(o.outDir, { recursive: true });
  const lines = summary(r);
  console.log('');
  for (const line of lines) console.log(line);
  for (const e of r.final.examples) console.log(`  ${e.kind}: ${e.title}: ${e.detail}`);
  for (const e of r.changesFailed.slice(0, 10)) console.log(`  not made: ${e.side} ${e.kind} ${e.title}: ${e.error}`);
  fs.writeFileSync(path.join(o.outDir, 'results.json'), JSON.stringify(r, null, 1));
  const chart = chaosChart(
    r.timeline,
    r.events,
    `Chaos run: ${r.changesMade.toLocaleString('en')} changes, ${r.events.kills.length} kills, ${r.events.brokerRestarts.length} broker restart(s), ${r.settings.faultRate * 100} % faults`,
  );
  await renderChartPng(chart, path.join(o.outDir, 'chaos.png'));
  const md = [
    '# Chaos run',
    '',
    `${r.startedAt} – ${r.finishedAt}; ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`,
    '',
    '```sh',
    r.command,
    '```',
    '',
    ...lines.map((l) => `- ${l}`),
    '',
    '![tasks not in sync over time](chaos.png)',
    '',
    ...(r.final.examples.length
      ? ['## Examples', '', ...r.final.examples.map((e) => `- ${e.kind}: ${e.title}: ${e.detail}`), '']
      : []),
  ];
  fs.writeFileSync(path.join(o.outDir, 'report.md'), md.join('\n'));
  console.log(`\nreport: ${path.relative(ROOT, path.join(o.outDir, 'report.md'))}`);
}

main().catch((e: Error) => {
  console.error(`[chaos] failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
