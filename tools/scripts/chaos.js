#!/usr/bin/env node
// npm run chaos [-- --changes N --rate R --kills K --broker-restarts B --fault-rate F --limit-outage-s S --quiet-timeout-s S --out DIR]
// Builds every program and the chaos run (bench/src/chaos), starts the Kafka broker (or reuses one
// that answers), provisions the topics and installs Chromium for the chart when missing, then runs
// dist/chaos/main.js, which starts the stack as `npm start` does (two processes of each consumer),
// restarts the broker once through tools/kafka/kafka.js, and prints the figures.
// Stops the broker again if it started it.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startKafka, stopKafka } = require('../kafka/kafka.js');
const { ensureChromium } = require('./lib/chromium.js');
const { ROOT, checkPostgres, run, nxBin } = require('./lib/common.js');

const PROGRAMS = ['connector-settings', 'sfdc-ingest', 'salesconnect-ingest', 'reconciler', 'salesforce-sandbox', 'salesconnect-sandbox', 'provision-topics', 'bench'];
const log = (msg) => console.log(`[chaos] ${msg}`);

/** Builds the programs (not when CHAOS_SKIP_BUILD=1); resolves with the build's exit code. */
function build(env) {
  if (process.env.CHAOS_SKIP_BUILD === '1') {
    log('not building: CHAOS_SKIP_BUILD=1');
    return Promise.resolve(0);
  }
  log('building the services, the sandboxes and the chaos run (no type check: npm test type-checks every project)');
  // The programs only, and without their type check: the libs' build targets are type checks
  // (the programs' bundles compile their sources), and both are `npm test`'s; here they would only add time.
  return run(nxBin, ['run-many', '-t', 'build', 'build-chaos', '-p', ...PROGRAMS, '--excludeTaskDependencies', '--skipTypeChecking', '--outputStyle=static'], { env });
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
  // A signal goes to the chaos run, which stops its stack; the broker stops after it (finally below).
  let chaos = null;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => (chaos ? chaos.kill(signal) : void stop().then(() => process.exit(130))));
  }
  let code = 1;
  try {
    const runEnv = {
      ...env,
      KAFKA_BROKERS: kafka.bootstrap,
      CHROMIUM_PATH: chromium,
      TEST_ADMIN_DATABASE_URL: adminUrl,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    if ((await built) !== 0) throw new Error('build failed');
    if ((await run(process.execPath, ['dist/tools/provision-topics/main.js'], { env: runEnv })) !== 0) throw new Error('topic provisioning failed');
    if (!fs.existsSync(path.join(ROOT, 'dist/chaos/main.js'))) throw new Error('dist/chaos/main.js is missing: build it (drop CHAOS_SKIP_BUILD)');
    chaos = spawn(process.execPath, ['--enable-source-maps', 'dist/chaos/main.js', ...process.argv.slice(2)], { cwd: ROOT, env: runEnv, stdio: 'inherit' });
    code = await new Promise((resolve) => chaos.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1))));
    chaos = null;
  } finally {
    await stop();
  }
  process.exit(code);
}

main().catch((e) => {
  console.error(`[chaos] ${e.message}`);
  process.exit(1);
});
