#!/usr/bin/env node
// npm run bench [-- --tasks N --connections C --rate R --duration S --drain S --out DIR]
// Builds every program and the benchmark, starts the Kafka broker (or reuses one that answers),
// provisions the topics and installs Chromium for the charts when missing, then runs
// dist/bench/main.js, which starts the stack as `npm start` does and prints the figures.
// Stops the broker again if it started it.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { startKafka, stopKafka } = require('../kafka/kafka.js');
const { ensureChromium } = require('./lib/chromium.js');
const { ROOT, checkPostgres, run, nxBin } = require('./lib/common.js');

const PROGRAMS = ['connector-settings', 'sfdc-ingest', 'salesconnect-ingest', 'reconciler', 'salesforce-sandbox', 'salesconnect-sandbox', 'provision-topics', 'bench'];
const log = (msg) => console.log(`[bench] ${msg}`);

/** The broker's pid when another run started it (its pid file is not ours): the java process listening on its port. */
function brokerPidByPort(bootstrap) {
  const port = bootstrap.split(':').pop();
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const pid = /pid=(\d+)/.exec(out);
    return pid ? Number(pid[1]) : 0;
  } catch {
    return 0;
  }
}

/** Builds the programs (not when BENCH_SKIP_BUILD=1); resolves with the build's exit code. */
function build(env) {
  if (process.env.BENCH_SKIP_BUILD === '1') {
    log('not building: BENCH_SKIP_BUILD=1');
    return Promise.resolve(0);
  }
  log('building the services, the sandboxes and the benchmark (no type check: npm test type-checks every project)');
  // The programs only, and without their type check: the libs' build targets are type checks
  // (the programs' bundles compile their sources), and both are `npm test`'s; here they would only add time.
  return run(nxBin, ['run-many', '-t', 'build', '-p', ...PROGRAMS, '--excludeTaskDependencies', '--skipTypeChecking', '--outputStyle=static'], { env });
}

async function main() {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  await checkPostgres(adminUrl);
  const chromium = ensureChromium((m) => log(`chromium: ${m}`));
  const env = { ...process.env, NX_DAEMON: 'false', TZ: process.env.TZ || 'UTC' };
  // The build and the broker's start (Maven, a JVM) go side by side.
  const built = build(env);
  let kafka;
  try {
    kafka = await startKafka({ log: (m) => log(`kafka: ${m}`) });
  } catch (e) {
    await built;
    throw e;
  }
  const stop = async () => {
    if (!kafka.reused) await stopKafka({ log: (m) => log(`kafka: ${m}`) });
  };
  // A signal goes to the benchmark, which stops its stack; the broker stops after it (finally below).
  let bench = null;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => (bench ? bench.kill(signal) : void stop().then(() => process.exit(130))));
  }
  let code = 1;
  try {
    const benchEnv = {
      ...env,
      KAFKA_BROKERS: kafka.bootstrap,
      KAFKA_BROKER_PID: String(kafka.pid || brokerPidByPort(kafka.bootstrap)),
      CHROMIUM_PATH: chromium,
      TEST_ADMIN_DATABASE_URL: adminUrl,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    if ((await built) !== 0) throw new Error('build failed');
    if ((await run(process.execPath, ['dist/tools/provision-topics/main.js'], { env: benchEnv })) !== 0) throw new Error('topic provisioning failed');
    if (!fs.existsSync(path.join(ROOT, 'dist/bench/main.js'))) throw new Error('dist/bench/main.js is missing: build it (drop BENCH_SKIP_BUILD)');
    bench = spawn(process.execPath, ['--enable-source-maps', 'dist/bench/main.js', ...process.argv.slice(2)], { cwd: ROOT, env: benchEnv, stdio: 'inherit' });
    code = await new Promise((resolve) => bench.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1))));
    bench = null;
  } finally {
    await stop();
  }
  process.exit(code);
}

main().catch((e) => {
  console.error(`[bench] ${e.message}`);
  process.exit(1);
});
