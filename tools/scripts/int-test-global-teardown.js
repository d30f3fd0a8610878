const { Client } = require('pg');
const { stopKafka } = require('../kafka/kafka.js');
const { stopWorkerKafka } = require('./int-test-global-setup.js');

module.exports = async function globalTeardown() {
  const client = new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await client.connect();
  // Any database a test or a worker created for itself starts with the run's name.
  const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
    `${process.env.TASKSYNC_IT_DATABASE}%`,
  ]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await client.end();
  // The brokers the setup started for workers 2 and up (int-test-global-setup.js' setupWorkers).
  const workers = JSON.parse(process.env.TASKSYNC_IT_WORKERS || '[]');
  for (const [i, worker] of workers.entries()) if (worker.broker) await stopWorkerKafka(worker.broker, i + 1);
  if (process.env.TASKSYNC_IT_STOP_KAFKA === '1')
    await stopKafka({ log: (m) => process.stdout.write(`[kafka] ${m}\n`) });
};
