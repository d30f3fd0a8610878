// Starts what the integration tests need and cannot fake: the Kafka broker (reused when one
// answers), the product's topics, and a database of their own on the local PostgreSQL.
//
// `setupWorkers(count)` does the same for each of `count` jest workers, so suites that share topic
// and group names can run side by side: worker 1 gets the broker above, every other worker a broker
// of its own (free ports, a temporary data dir) with the topics provisioned, and each worker its own
// database. int-test-worker-env.js (a jest setupFiles module) points each worker at its share.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { startKafka, stopKafka } = require('../kafka/kafka.js');
const { freePort } = require('./lib/common.js');

const ROOT = path.resolve(__dirname, '../..');

const kafkaLog = (worker) => (m) => process.stdout.write(`[kafka${worker > 1 ? ` w${worker}` : ''}] ${m}\n`);

function provisionTopics(bootstrap) {
  execFileSync('node', [path.join(ROOT, 'dist/tools/provision-topics/main.js')], {
    env: { ...process.env, KAFKA_BROKERS: bootstrap },
    stdio: 'inherit',
  });
}

/** A broker for worker `worker` (> 1) alone; the teardown stops it and removes its data dir. */
async function startWorkerKafka(worker) {
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tasksync-it-kafka-w${worker}-`));
  const kafka = await startKafka({ port, controllerPort, dataDir, log: kafkaLog(worker) });
  provisionTopics(kafka.bootstrap);
  return { port, controllerPort, dataDir, bootstrap: kafka.bootstrap };
}

async function createDatabase(adminUrl, database) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Stops a worker's broker and removes its data dir. */
async function stopWorkerKafka(broker, worker) {
  await stopKafka({ ...broker, log: kafkaLog(worker) });
  fs.rmSync(broker.dataDir, { recursive: true, force: true });
}

async function setupWorkers(count = 1) {
  const kafka = await startKafka({ log: kafkaLog(1) });
  process.env.KAFKA_BROKERS = kafka.bootstrap;
  // Only a broker this run started is stopped at the end.
  process.env.TASKSYNC_IT_STOP_KAFKA = kafka.reused ? '' : '1';
  // The other workers' brokers boot while worker 1's topics are provisioned.
  const others = Promise.allSettled(Array.from({ length: count - 1 }, (_, i) => startWorkerKafka(i + 2)));
  try {
    provisionTopics(kafka.bootstrap);

    const adminUrl = process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
    // Every database of the run starts with this name; the teardown drops them all by it.
    const run = `tasksync_it_${Date.now()}`;
    process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
    process.env.TASKSYNC_IT_DATABASE = run;
    process.env.TEST_DATABASE_URL = await createDatabase(adminUrl, run);

    const workers = [
      {
        env: {
          KAFKA_BROKERS: kafka.bootstrap,
          TEST_DATABASE_URL: process.env.TEST_DATABASE_URL,
          TASKSYNC_IT_DATABASE: run,
        },
      },
    ];
    for (const [i, result] of (await others).entries()) {
      if (result.status === 'rejected') throw result.reason;
      const broker = result.value;
      const database = `${run}_w${i + 2}`;
      workers.push({
        // Stopped and removed by the teardown.
        broker,
        env: {
          KAFKA_BROKERS: broker.bootstrap,
          // For anything that starts or finds the broker through tools/kafka (npm start's script).
          KAFKA_PORT: String(broker.port),
          KAFKA_CONTROLLER_PORT: String(broker.controllerPort),
          KAFKA_DATA_DIR: broker.dataDir,
          TEST_DATABASE_URL: await createDatabase(adminUrl, database),
          TASKSYNC_IT_DATABASE: database,
        },
      });
    }
    process.env.TASKSYNC_IT_WORKERS = JSON.stringify(workers);
  } catch (e) {
    // Jest runs no teardown when the setup fails: stop the brokers started for the other workers here.
    for (const [i, result] of (await others).entries())
      if (result.status === 'fulfilled') await stopWorkerKafka(result.value, i + 2);
    throw e;
  }
}

module.exports = async function globalSetup() {
  await setupWorkers(1);
};
module.exports.setupWorkers = setupWorkers;
module.exports.stopWorkerKafka = stopWorkerKafka;
