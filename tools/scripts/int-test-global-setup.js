// Starts what the integration tests need and cannot fake: the Kafka broker (reused when one
// answers), the product's topics, and a database of their own on the local PostgreSQL.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');
const { startKafka } = require('../kafka/kafka.js');

const ROOT = path.resolve(__dirname, '../..');

module.exports = async function globalSetup() {
  const kafka = await startKafka({ log: (m) => process.stdout.write(`[kafka] ${m}\n`) });
  process.env.KAFKA_BROKERS = kafka.bootstrap;
  // Only a broker this run started is stopped at the end.
  process.env.TASKSYNC_IT_STOP_KAFKA = kafka.reused ? '' : '1';

  execFileSync('node', [path.join(ROOT, 'dist/tools/provision-topics/main.js')], {
    env: { ...process.env, KAFKA_BROKERS: kafka.bootstrap },
    stdio: 'inherit',
  });

  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `tasksync_it_${Date.now()}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
  process.env.TEST_DATABASE_URL = url.toString();
  process.env.TASKSYNC_IT_DATABASE = database;
};
