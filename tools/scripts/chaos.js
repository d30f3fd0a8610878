#!/usr/bin/env node
// npm run chaos [-- --changes N --rate R --kills K --broker-restarts B --fault-rate F --limit-outage-s S --quiet-timeout-s S --out DIR]
// Builds every program and the chaos run (bench/src/chaos), starts the Kafka broker (or reuses one
// that answers), provisions the topics, then runs
// dist/chaos/main.js, which starts the stack as `npm start` does (two processes of each consumer),
// restarts the broker once through tools/kafka/kafka.js, and prints the figures.
// Stops the broker again if it started it.
'use strict';

const { runWithBroker } = require('./lib/run-with-broker.js');

runWithBroker({
  tag: 'chaos',
  what: 'the chaos run',
  targets: ['build', 'build-chaos'],
  skipVar: 'CHAOS_SKIP_BUILD',
  main: 'dist/chaos/main.js',
}).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[chaos] ${e.message}`);
    process.exit(1);
  },
);
