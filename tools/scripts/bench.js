#!/usr/bin/env node
// npm run bench [-- --tasks N --connections C --rate R --duration S --drain S --out DIR]
// Builds every program and the benchmark, starts the Kafka broker (or reuses one that answers) and
// a PostgreSQL server of its own (tools/postgres; TEST_ADMIN_DATABASE_URL names another), provisions the topics, then runs
// dist/bench/main.js, which starts the stack as `npm start` does and prints the figures.
// Stops the broker again if it started it.
'use strict';

const { execFileSync } = require('node:child_process');
const { runWithBroker } = require('./lib/run-with-broker.js');

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

runWithBroker({
  tag: 'bench',
  what: 'the benchmark',
  targets: ['build'],
  skipVar: 'BENCH_SKIP_BUILD',
  main: 'dist/bench/main.js',
  extraEnv: (kafka) => ({ KAFKA_BROKER_PID: String(kafka.pid || brokerPidByPort(kafka.bootstrap)) }),
  // Measured on PostgreSQL as it ships (autovacuum on), not on a server tuned for tests.
  ownPostgres: true,
}).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[bench] ${e.message}`);
    process.exit(1);
  },
);
