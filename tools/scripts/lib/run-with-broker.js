'use strict';
// What `npm run bench` and `npm run chaos` share: build the programs, start the broker (or reuse
// one that answers), provision the topics, run the program, and stop the broker again if this run
// started it.

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startKafka, stopKafka } = require('../../kafka/kafka.js');
const { startPostgres } = require('../../postgres/postgres.js');
const { ROOT, checkPostgres, run, nxBin } = require('./common.js');

const PROGRAMS = [
  'connector-settings',
  'sfdc-ingest',
  'salesconnect-ingest',
  'reconciler',
  'salesforce-sandbox',
  'salesconnect-sandbox',
  'provision-topics',
  'bench',
];

/**
 * `tag`: the log prefix; `what`: the program's name in the build line; `targets`: the Nx targets to
 * build; `skipVar`: the variable that skips the build; `main`: the built program to run;
 * `extraEnv(kafka)`: what the program needs beyond the broker and the database; `ownPostgres`: a
 * PostgreSQL server of the run's own (tools/postgres), unless TEST_ADMIN_DATABASE_URL names one.
 */
async function runWithBroker({ tag, what, targets, skipVar, main, extraEnv = () => ({}), ownPostgres = false }) {
  const log = (msg) => console.log(`[${tag}] ${msg}`);
  const postgres =
    ownPostgres && !process.env.TEST_ADMIN_DATABASE_URL
      ? await startPostgres({
          log: (m) => log(`postgres: ${m}`),
          options: (process.env.BENCH_POSTGRES_OPTIONS || '').split(',').filter(Boolean),
        })
      : null;
  const adminUrl =
    postgres?.url || process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    await checkPostgres(adminUrl);
    return await runOn(adminUrl, postgres, { log, what, targets, skipVar, main, extraEnv });
  } finally {
    postgres?.stop();
  }
}

async function runOn(adminUrl, postgres, { log, what, targets, skipVar, main, extraEnv }) {
  const env = { ...process.env, NX_DAEMON: 'false', TZ: process.env.TZ || 'UTC' };
  // The build and the broker's start (Maven, a JVM) go side by side.
  const built = build(env, { log, what, targets, skipVar });
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
  // A signal goes to the program, which stops its stack; the broker stops after it (finally below).
  let child = null;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () =>
      child ? child.kill(signal) : void stop().then(() => (postgres?.stop(), process.exit(130))),
    );
  }
  let code = 1;
  try {
    const runEnv = {
      ...env,
      KAFKA_BROKERS: kafka.bootstrap,
      ...extraEnv(kafka),
      TEST_ADMIN_DATABASE_URL: adminUrl,
      ...(postgres ? { POSTGRES_PID: String(postgres.pid) } : {}),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    if ((await built) !== 0) throw new Error('build failed');
    if ((await run(process.execPath, ['dist/tools/provision-topics/main.js'], { env: runEnv })) !== 0)
      throw new Error('topic provisioning failed');
    if (!fs.existsSync(path.join(ROOT, main))) throw new Error(`${main} is missing: build it (drop ${skipVar})`);
    child = spawn(process.execPath, ['--enable-source-maps', main, ...process.argv.slice(2)], {
      cwd: ROOT,
      env: runEnv,
      stdio: 'inherit',
    });
    code = await new Promise((resolve) =>
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1))),
    );
    child = null;
  } finally {
    await stop();
  }
  return code;
}

/** Builds the programs (not when `skipVar`=1); resolves with the build's exit code. */
function build(env, { log, what, targets, skipVar }) {
  if (process.env[skipVar] === '1') {
    log(`not building: ${skipVar}=1`);
    return Promise.resolve(0);
  }
  log(`building the services, the sandboxes and ${what} (no type check: npm test type-checks every project)`);
  // The programs only, and without their type check: the libs' build targets are type checks
  // (the programs' bundles compile their sources), and both are `npm test`'s; here they would only add time.
  // The settings page first: connector-settings' bundle copies it in, and without task dependencies nothing else orders the two.
  return run(nxBin, ['run', 'settings-ui:build', '--outputStyle=static'], { env }).then((code) =>
    code !== 0
      ? code
      : run(
          nxBin,
          [
            'run-many',
            '-t',
            ...targets,
            '-p',
            ...PROGRAMS,
            '--excludeTaskDependencies',
            '--skipTypeChecking',
            '--outputStyle=static',
          ],
          { env },
        ),
  );
}

module.exports = { runWithBroker };
