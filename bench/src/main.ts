// npm run bench: the product's throughput, latency (at rest and under load), Salesforce API calls and memory on the real
// stack `npm start` runs. tools/scripts/bench.js builds, starts the broker and runs this; the
// figures go to the console and to bench/results/<time>/ (report.md, results.json, charts).
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ROOT, Stack, withPg } from '@task-sync/testing-stack';
import { commandFor, parseOptions } from './options';
import { runIdleOrgs } from './phases/idle-org';
import { runImport } from './phases/import-run';
import { measureCeiling } from './phases/kafka-ceiling';
import {
  BenchSalesforceAdmin,
  connectReadersAndWait,
  createReaderUser,
  databaseUrl,
  eventAllocationFor,
  streamStateOf,
} from './phases/org-reader';
import { runAtRest } from './phases/rest-run';
import { PeakRssByPhase } from './phases/rss';
import { runSteady } from './phases/steady-run';
import type { BenchResults } from './report/results';
import { streamSentence, summaryLines, writeReport } from './report/report';
import { representativeRun, steadySpread, type SteadyRun } from './report/spread';

/** The services' settings that shape the figures, as the run had them (unset: the service's default). */
const SHAPING = [
  'ORG_POLL_INTERVAL_MS',
  'POLL_INTERVAL_MS',
  'POLL_LOOKBACK_MS',
  'WRITE_FLUSH_INTERVAL_MS',
  'SFDC_WRITE_GATHER_MS',
  'SFDC_WRITE_QUIET_MS',
  'STREAM_GATHER_MS',
  'STREAM_QUIET_MS',
  'SALESCONNECT_WRITE_CONCURRENCY',
  'FEED_POLL_INTERVAL_MS',
  'KAFKA_PARTITIONS_CONCURRENTLY',
  'SCHEDULER_CONCURRENCY',
  'QUERY_PAGE_SIZE',
  'IMPORT_PAGE_SIZE',
  'ORG_POLL_PAGE_SIZE',
];
const PARTITIONS = 6;

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const options = parseOptions(process.argv.slice(2), path.join(ROOT, 'bench', 'results', stamp));
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const brokerPid = Number(process.env['KAFKA_BROKER_PID'] ?? 0);
  const pids = { brokerPid, postgresPid: Number(process.env['POSTGRES_PID'] ?? 0) };
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });

  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    command: commandFor(options),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    postgres: { version: '', own: false, autovacuum: true },
    settings: {
      tasks: options.tasks,
      connections: options.connections,
      rate: options.rate,
      durationSeconds: options.durationSeconds,
      steadyRuns: options.steadyRuns,
      replicas: options.replicas,
    },
    serviceSettings: Object.fromEntries(SHAPING.map((name) => [name, process.env[name] ?? 'default'])),
    imports: [],
    atRest: null,
    steady: null,
    apiCalls: null,
    steadySpread: null,
    rss: [],
    idleOrgs: null,
  };
  log(
    `settings: ${JSON.stringify(results.settings)}; read mode ${options.readMode}; at rest: ${options.restChanges ? `${options.restChanges} changes a direction` : 'skipped'}; idle orgs: ${options.idleReps.length ? `${options.idleReps.join(', ')} reps` : 'skipped'}; services: ${JSON.stringify(results.serviceSettings)}`,
  );

  const adminUrl = process.env['TEST_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  results.postgres = await withPg(adminUrl, async (db) => {
    const { rows } = await db.query<{ version: string; autovacuum: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('autovacuum') AS autovacuum`,
    );
    return {
      version: rows[0].version,
      own: pids.postgresPid > 0,
      autovacuum: rows[0].autovacuum === 'on',
    };
  });
  log(
    `PostgreSQL ${results.postgres.version}${results.postgres.own ? ', its own server' : ''}, autovacuum ${results.postgres.autovacuum ? 'on' : 'OFF (tables bloat, plans go stale)'}`,
  );
  // Ctrl-C: the running stack (its own process group) and its database go too.
  let running: { stack: Stack; database: string } | null = null;
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the stack`);
    const current = running;
    void (current ? current.stack.stop().then(() => dropDatabase(current.database)) : Promise.resolve()).finally(() =>
      process.exit(130),
    );
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const database = `tasksync_bench_${stamp.replace(/-/g, '').replace('T', '_')}`.toLowerCase();
  // The services' own defaults: no test intervals.
  const stack = await Stack.start(`bench-${stamp}`, {}, { database, intervals: {}, replicas: options.replicas });
  running = { stack, database };
  log(`stack up (database ${database}; its log: tmp/e2e/bench-${stamp}.log)`);
  const peaks = new PeakRssByPhase(() => [
    ...stack.processes,
    ...(brokerPid ? [['kafka broker', brokerPid] as [string, number]] : []),
  ]);
  try {
    const single = await runImport(stack, kafka, '1 connection', options.tasks, 1, log, pids);
    peaks.note('import, 1 connection');
    const shared = await runImport(
      stack,
      kafka,
      `${options.connections} connections`,
      options.tasks,
      options.connections,
      log,
      pids,
    );
    peaks.note(`import, ${options.connections} connections`);
    log(
      `ceiling: bare kafkajs, ${options.tasks.toLocaleString('en')} records of ${single.recordBytes} bytes, ${PARTITIONS} partitions`,
    );
    const ceiling = await measureCeiling(kafka, options.tasks, single.recordBytes, PARTITIONS);
    log(`ceiling: ${ceiling.recordsPerSecond.toFixed(0)} records/s`);
    for (const run of [single, shared])
      results.imports.push({
        ...run.result,
        ceiling,
        ratioToCeiling: run.result.tasksPerSecond / ceiling.recordsPerSecond,
      });

    const streamOrg = shared.users[0].orgId;
    const sfAdmin = new BenchSalesforceAdmin(stack.url('salesforce-sandbox'));
    const eventAllocation = eventAllocationFor(
      2 * options.restChanges + options.steadyRuns * options.rate * options.durationSeconds,
    );
    if (options.readMode === 'stream') {
      // The org is read once, by its change stream: an admin connects its reader, as on the settings page.
      const orgId = streamOrg;
      await sfAdmin.setEventAllocation(orgId, eventAllocation);
      log(
        `read mode stream: the org's CDC allocation is ${eventAllocation.toLocaleString('en')} events a day, enough for the runs' changes (Enterprise's 25,000 lasts two minutes at 200 changes/s)`,
      );
      const readerUsername = await createReaderUser(sfAdmin, orgId);
      log(`read mode stream: connecting the org's reader; waiting until the org is read once and its stream streams`);
      await withPg(databaseUrl(adminUrl, database), (db) =>
        connectReadersAndWait(stack, db, [{ orgId, readerUsername }], false),
      );
      log('read mode stream: the org is read once, its stream streaming');
      peaks.note("the org reader's start");
    }
    // At rest before the steady load, which leaves backlogs behind it.
    if (options.restChanges > 0) {
      results.atRest = await runAtRest(
        shared.users,
        shared.pairs,
        { changes: options.restChanges, readMode: options.readMode },
        log,
      );
      peaks.note('at rest');
    }

    const runs: SteadyRun[] = [];
    for (let i = 1; i <= options.steadyRuns; i++) {
      if (options.steadyRuns > 1) log(`steady state: run ${i} of ${options.steadyRuns}`);
      const run = await runSteady(
        shared.users,
        shared.pairs,
        {
          readMode: options.readMode,
          rate: options.rate,
          durationSeconds: options.durationSeconds,
          drainSeconds: options.drainSeconds,
          pids,
        },
        log,
      );
      if (options.readMode === 'stream') {
        const state = await withPg(databaseUrl(adminUrl, database), (db) => streamStateOf(db, streamOrg));
        run.steady.stream = {
          dailyAllocation: eventAllocation,
          deliveredToday: await sfAdmin.deliveredToday(streamOrg),
          state,
        };
        log(streamSentence(run.steady.stream));
      }
      runs.push(run);
      peaks.note(options.steadyRuns > 1 ? `steady run ${i}` : 'steady run');
    }
    const shown = representativeRun(runs);
    results.steady = shown.steady;
    results.apiCalls = shown.apiCalls;
    results.steadySpread = steadySpread(runs);

    results.rss = peaks.results();
  } finally {
    await stack.stop();
    await dropDatabase(database);
    running = null;
  }
  // On a stack of its own, after the other: shortened intervals, and nothing else competing for the cores.
  if (options.idleReps.length > 0) {
    results.idleOrgs = await runIdleOrgs(
      { reps: options.idleReps, stamp, adminUrl },
      (idleStack, idleDatabase) => (running = idleStack ? { stack: idleStack, database: idleDatabase } : null),
      log,
    );
  }
  results.finishedAt = new Date().toISOString();
  const files = await writeReport(results, options.outDir);
  console.log('');
  for (const line of summaryLines(results)) console.log(line);
  console.log(`\nreport: ${path.relative(ROOT, files.markdownPath)}`);
}

function dropDatabase(database: string): Promise<unknown> {
  return withPg(process.env['TEST_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres', (c) =>
    c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  );
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(`[bench] failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
