#!/usr/bin/env node
// npm test: lint, unit tests and builds of every project, then every integration suite against
// the real Kafka broker (started here when none answers, stopped again at the end) and the local
// PostgreSQL, then the end-to-end scenarios (apps/e2e). Leaves no process behind.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startKafka, stopKafka } = require('../kafka/kafka.js');
const { ROOT, checkPostgres, run, nxBin } = require('./lib/common.js');

const RESULTS = path.join(ROOT, 'tmp', 'jest-results');

/** Sums the JSON reports every jest run wrote (nx.json asks for them). */
function countJestResults() {
  let passed = 0;
  let failed = 0;
  for (const file of fs.existsSync(RESULTS) ? fs.readdirSync(RESULTS) : []) {
    const report = JSON.parse(fs.readFileSync(path.join(RESULTS, file), 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  }
  return { passed, failed };
}

const log = (msg) => console.log(`[test] ${msg}`);

async function main() {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  await checkPostgres(adminUrl);
  log('PostgreSQL answers');

  fs.rmSync(RESULTS, { recursive: true, force: true });
  const kafka = await startKafka({ log: (m) => log(`kafka: ${m}`) });
  let code = 1;
  let compat = { passed: 0, failed: 0 };
  const stop = async () => {
    if (!kafka.reused) await stopKafka({ log: (m) => log(`kafka: ${m}`) });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    const env = {
      ...process.env,
      KAFKA_BROKERS: kafka.bootstrap,
      TEST_ADMIN_DATABASE_URL: adminUrl,
      NX_DAEMON: 'false',
      TZ: 'UTC',
    };
    const style = process.env.CI ? ['--outputStyle=static'] : [];
    log(`kafkajs against the pinned broker (tools/kafka/compat-check.js)`);
    const check = spawnSync(process.execPath, ['tools/kafka/compat-check.js', kafka.bootstrap], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    process.stdout.write(
      check.stdout
        .split('\n')
        .filter((l) => /^(PASS|FAIL) /.test(l))
        .map((l) => `  ${l}\n`)
        .join(''),
    );
    const counts = /^(\d+) passed, (\d+) failed$/m.exec(check.stdout);
    compat = counts ? { passed: Number(counts[1]), failed: Number(counts[2]) } : { passed: 0, failed: 1 };
    const compatCode = check.status === 0 && counts ? 0 : 1;
    if (compatCode !== 0) process.stdout.write(check.stdout + check.stderr);
    log('formatting (prettier --check; npm run format fixes it)');
    code = compatCode;
    if (code === 0)
      code = await run(
        process.execPath,
        [path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '--log-level', 'warn', '.'],
        { env },
      );
    if (code === 0) log('lint, unit tests and builds');
    if (code === 0) code = await run(nxBin, ['run-many', '-t', 'lint', 'test', 'build', ...style], { env });
    if (code === 0) {
      log('integration tests (real Kafka, real PostgreSQL)');
      code = await run(nxBin, ['run-many', '-t', 'int-test', '--parallel=1', ...style], { env });
    }
    if (code === 0) {
      log('end-to-end scenarios (the whole stack as npm start runs it)');
      code = await run(nxBin, ['run-many', '-t', 'e2e', '--parallel=1', ...style], { env });
    }
  } finally {
    await stop();
  }
  const jest = countJestResults();
  log(code === 0 ? 'all tests passed' : `tests failed (exit ${code})`);
  // One plain closing line for CI: every jest test plus the broker compatibility checks.
  console.log(`tests: ${jest.passed + compat.passed} passed, ${jest.failed + compat.failed} failed`);
  process.exit(code);
}

main().catch((e) => {
  console.error(`[test] ${e.message}`);
  process.exit(1);
});
