#!/usr/bin/env node
// Checks that kafkajs (the client the apps use) works against a running broker.
// Usage: node tools/kafka/compat-check.js [host:port]
// Default address comes from KAFKA_HOST / KAFKA_PORT (127.0.0.1:9092).
// Prints one PASS/FAIL line per check; exits 1 if any check fails.
'use strict';

const crypto = require('crypto');
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const brokers = [process.argv[2] || `${process.env.KAFKA_HOST || '127.0.0.1'}:${process.env.KAFKA_PORT || '9092'}`];
const runId = `${Date.now()}-${crypto.randomBytes(3).toString('hex')}`;
const TIMEOUT_MS = 30000;

const kafka = new Kafka({
  clientId: 'tools-kafka-compat-check',
  brokers,
  logLevel: logLevel.WARN, // keep warnings visible: they are part of the compatibility picture
});
const newProducer = (opts = {}) => kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...opts });

const topics = {
  plain: `compat-plain-${runId}`,
  idem: `compat-idem-${runId}`,
  txn: `compat-txn-${runId}`,
  offsets: `compat-offsets-${runId}`,
};

const { withTimeout } = require('./kafka.js');

// Runs a consumer until `done(received)` is true; returns the received messages.
async function consumeUntil({ groupId, topic, fromBeginning = true, consumerOpts = {}, done }) {
  const consumer = kafka.consumer({ groupId, ...consumerOpts });
  const received = [];
  let resolveDone;
  const finished = new Promise((r) => (resolveDone = r));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning });
    await consumer.run({
      autoCommit: consumerOpts.autoCommit !== false,
      eachMessage: async ({ partition, message }) => {
        received.push({ partition, offset: message.offset, value: message.value.toString() });
        if (done(received)) resolveDone();
      },
    });
    await withTimeout(finished, TIMEOUT_MS, `consume ${topic} in group ${groupId}`);
    return { consumer, received };
  } catch (err) {
    await consumer.disconnect().catch(() => {});
    throw err;
  }
}

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('admin createTopics', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.plain, numPartitions: 3, replicationFactor: 1 },
        { topic: topics.idem, numPartitions: 1, replicationFactor: 1 },
        { topic: topics.txn, numPartitions: 1, replicationFactor: 1 },
        { topic: topics.offsets, numPartitions: 1, replicationFactor: 1 },
      ],
    });
    if (!created) throw new Error('createTopics returned false (topics already existed?)');
    const listed = await admin.listTopics();
    const missing = Object.values(topics).filter((t) => !listed.includes(t));
    if (missing.length) throw new Error(`topics missing after create: ${missing.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
});

check('produce', async () => {
  const producer = newProducer();
  await producer.connect();
  try {
    const messages = Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: `plain-${i}` }));
    const res = await producer.send({ topic: topics.plain, messages });
    if (!res.length || res.some((r) => r.errorCode !== 0)) {
      throw new Error(`unexpected produce result ${JSON.stringify(res)}`);
    }
  } finally {
    await producer.disconnect();
  }
});

check('consume in a consumer group', async () => {
  const { consumer, received } = await consumeUntil({
    groupId: `compat-group-${runId}`,
    topic: topics.plain,
    done: (r) => r.length >= 9,
  });
  await consumer.disconnect();
  const values = received.map((m) => m.value).sort();
  const expected = Array.from({ length: 9 }, (_, i) => `plain-${i}`).sort();
  if (JSON.stringify(values) !== JSON.stringify(expected)) {
    throw new Error(`got ${JSON.stringify(values)}`);
  }
});

check('idempotent producer', async () => {
  const producer = newProducer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < 5; i++) {
      await producer.send({ topic: topics.idem, acks: -1, messages: [{ value: `idem-${i}` }] });
    }
  } finally {
    await producer.disconnect();
  }
  const { consumer, received } = await consumeUntil({
    groupId: `compat-idem-${runId}`,
    topic: topics.idem,
    done: (r) => r.length >= 5,
  });
  await consumer.disconnect();
  const values = received.map((m) => m.value).join(',');
  if (values !== 'idem-0,idem-1,idem-2,idem-3,idem-4') throw new Error(`got ${values}`);
});

// Both transaction checks share one transactional id, as a real producer would across restarts.
const newTransactionalProducer = () =>
  newProducer({ transactionalId: `compat-txn-${runId}`, idempotent: true, maxInFlightRequests: 1 });

check('transaction commit', async () => {
  const producer = newTransactionalProducer();
  await producer.connect();
  try {
    const txn = await producer.transaction();
    await txn.send({ topic: topics.txn, messages: [{ value: 'committed-1' }] });
    await txn.commit();
  } finally {
    await producer.disconnect();
  }
});

check('aborted transaction hidden from read_committed consumer', async () => {
  const producer = newTransactionalProducer();
  await producer.connect();
  try {
    const aborted = await producer.transaction();
    await aborted.send({ topic: topics.txn, messages: [{ value: 'aborted-1' }] });
    await aborted.abort();
    // A committed marker after the aborted one tells the consumer when it has read far enough.
    const marker = await producer.transaction();
    await marker.send({ topic: topics.txn, messages: [{ value: 'committed-2' }] });
    await marker.commit();
  } finally {
    await producer.disconnect();
  }
  const { consumer, received } = await consumeUntil({
    groupId: `compat-txn-reader-${runId}`,
    topic: topics.txn,
    consumerOpts: { readUncommitted: false },
    done: (r) => r.some((m) => m.value === 'committed-2'),
  });
  await consumer.disconnect();
  const values = received.map((m) => m.value).join(',');
  if (values !== 'committed-1,committed-2') throw new Error(`read_committed consumer saw ${values}`);
});

check('consumer group offset commit and resume', async () => {
  const producer = newProducer();
  await producer.connect();
  await producer.send({
    topic: topics.offsets,
    messages: Array.from({ length: 6 }, (_, i) => ({ value: `off-${i}` })),
  });
  await producer.disconnect();

  const groupId = `compat-offsets-${runId}`;
  // First member reads everything but commits only past the first 3 messages.
  const first = await consumeUntil({
    groupId,
    topic: topics.offsets,
    consumerOpts: { autoCommit: false },
    done: (r) => r.length >= 3,
  });
  await first.consumer.commitOffsets([{ topic: topics.offsets, partition: 0, offset: '3' }]);
  await first.consumer.disconnect();

  const admin = kafka.admin();
  await admin.connect();
  try {
    const [fetched] = await admin.fetchOffsets({ groupId, topics: [topics.offsets] });
    const committed = fetched.partitions.find((p) => p.partition === 0).offset;
    if (committed !== '3') throw new Error(`committed offset is ${committed}, expected 3`);
  } finally {
    await admin.disconnect();
  }

  // Second member of the same group must resume at offset 3, not from the beginning.
  const second = await consumeUntil({
    groupId,
    topic: topics.offsets,
    fromBeginning: true,
    done: (r) => r.length >= 3,
  });
  await second.consumer.disconnect();
  const values = second.received.map((m) => m.value).join(',');
  if (values !== 'off-3,off-4,off-5') throw new Error(`resumed consumer saw ${values}`);
});

check('admin deleteTopics (cleanup)', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: Object.values(topics) });
  } finally {
    await admin.disconnect();
  }
});

async function main() {
  console.log(`compat-check: kafkajs ${require('kafkajs/package.json').version} against ${brokers[0]}`);
  const admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  await admin.disconnect();
  console.log(`compat-check: cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`);

  let failed = 0;
  for (const { name, fn } of checks) {
    const started = Date.now();
    try {
      await withTimeout(fn(), 2 * TIMEOUT_MS, name);
      console.log(`PASS ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}: ${err && err.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : err}`);
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(`compat-check: cannot reach broker at ${brokers[0]}: ${err.message}`);
  process.exitCode = 1;
});
