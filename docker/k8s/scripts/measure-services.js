#!/usr/bin/env node
// Measures what the Kubernetes manifests are sized from: each built service's resident memory
// (VmRSS when idle, VmHWM = peak RSS, from /proc/<pid>/status) under load, and how long a SIGTERM
// drain takes while that load is still running. Run it after `npx nx run-many -t build`, against a
// running broker and the local PostgreSQL:
//
//   KAFKA_BROKERS=127.0.0.1:19092 node docker/k8s/scripts/measure-services.js [--messages 5000] [--write]
//
// --write stores the figures in docker/k8s/measured.json, which the manifests' test holds the
// memory requests, heap sizes and grace periods to.
// Load: N `task-sync-setting-changed` disables (so no service starts a Salesforce import) on the
// settings topic, which sfdc-ingest, salesconnect-ingest and the reconciler consume, plus N
// `sfdc-task-changed` events for those (disabled) connections, which the reconciler consumes, plus
// authenticated `GET /v1/connections` calls (8 at a time) on connector-settings. A second batch of
// the same size is published before the SIGTERM, so each consumer is stopped mid-backlog.
// Every consumer group is new and starts at the log end, and the database is a new one, dropped at
// the end, so nothing here reads or disturbs anyone else's data on a shared broker.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { Client } = require('pg');
const { freePort } = require('../../../tools/scripts/lib/common.js');

const ROOT = path.resolve(__dirname, '../../..');
const BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const ADMIN_DB = process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const argIndex = process.argv.indexOf('--messages');
const MESSAGES = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 5_000;
const RUN = `k8s_measure_${Date.now()}`;

const TOPICS = {
  settings: 'connector.settings-changes.v1',
  sfdc: 'sfdc.task-changes.v1',
  salesconnect: 'salesconnect.task-changes.v1',
  status: 'sync.connection-status.v1',
};
const SERVICES = {
  'connector-settings': { topics: [TOPICS.status] },
  'sfdc-ingest': { topics: [TOPICS.settings] },
  'salesconnect-ingest': { topics: [TOPICS.settings] },
  reconciler: { topics: [TOPICS.settings, TOPICS.sfdc, TOPICS.salesconnect] },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (msg) => console.log(`[measure] ${msg}`);

function nodeOptionsOf(name) {
  const env = fs.readFileSync(path.join(__dirname, '..', 'base', 'config', `${name}.env`), 'utf8');
  return /^NODE_OPTIONS=(.*)$/m.exec(env)?.[1] ?? '';
}

/** VmRSS and VmHWM of a process, in MiB. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

async function withPg(url, run) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function start(name, main, env) {
  const child = spawn(process.execPath, [path.join(ROOT, main)], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const keep = (chunk) => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 30));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { name, child, tail, exited, port: Number(env.HTTP_PORT || env.SALESCONNECT_SANDBOX_PORT) };
}

async function waitReady(service, path_ = '/health/ready', timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited:\n${service.tail.join('\n')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}${path_}`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${service.name} not ready in ${timeoutMs} ms:\n${service.tail.join('\n')}`);
}

/** Sum of the group's lag over the topics it consumes. */
async function lagOf(admin, groupId, topics) {
  let lag = 0;
  for (const topic of topics) {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const end of await admin.fetchTopicOffsets(topic)) {
      const done = Number(committed.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      lag += Number(end.high) - Math.max(done, 0);
    }
  }
  return lag;
}

function settingsBatch(tenantId, count) {
  const at = new Date().toISOString();
  return Array.from({ length: count }, () => {
    const event = {
      eventId: randomUUID(),
      type: 'task-sync-setting-changed',
      occurredAt: at,
      tenantId,
      userId: 'user-measure',
      connectionId: `conn-${randomUUID()}`,
      enabled: false,
      kind: 'disable',
      changedAt: at,
      timeZone: 'America/Sao_Paulo',
    };
    return event;
  });
}

function taskChangeFor(setting) {
  const at = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'sfdc-task-changed',
    occurredAt: at,
    connectionId: setting.connectionId,
    kind: 'upsert',
    taskId: `00T${randomUUID().replace(/-/g, '').slice(0, 15)}`,
    fields: {
      title: 'Call Ana',
      details: 'measure',
      dueDate: '2026-12-01',
      open: true,
      priority: null,
      type: 'call',
      contactEmail: null,
    },
    changedAt: at,
    createdAt: at,
    origin: null,
    source: 'live',
    externalId: null,
  };
}

async function publish(producer, topic, events, key) {
  for (let i = 0; i < events.length; i += 1000) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(i, i + 1000).map((e) => ({
        key: key(e),
        value: JSON.stringify(e),
        headers: { 'event-id': e.eventId, 'event-type': e.type },
      })),
    });
  }
}

async function loadOnce(producer, tenantId) {
  const settings = settingsBatch(tenantId, MESSAGES);
  await publish(producer, TOPICS.settings, settings, (e) => e.connectionId);
  await publish(producer, TOPICS.sfdc, settings.map(taskChangeFor), (e) => `${e.connectionId}:${e.taskId}`);
}

/** Authenticated reads on connector-settings, `parallel` at a time, until `stop()` says so. */
function httpLoad(port, token, parallel, stop) {
  let done = 0;
  const worker = async () => {
    while (!stop()) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/connections`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await res.arrayBuffer();
        done++;
      } catch {
        return; // the server went away (SIGTERM)
      }
    }
  };
  const all = Promise.all(Array.from({ length: parallel }, worker));
  return { count: () => done, finished: all };
}

async function main() {
  const { SignJWT } = await import('jose');
  const kafka = new Kafka({ clientId: 'k8s-measure', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await Promise.all([admin.connect(), producer.connect()]);

  const provision = spawnSync(process.execPath, [path.join(ROOT, 'dist/tools/provision-topics/main.js')], {
    env: { ...process.env, KAFKA_BROKERS: BROKERS.join(',') },
    encoding: 'utf8',
  });
  if (provision.status !== 0) throw new Error(`provision-topics failed:\n${provision.stdout}${provision.stderr}`);

  await withPg(ADMIN_DB, (c) => c.query(`CREATE DATABASE ${RUN}`));
  const dbUrl = new URL(ADMIN_DB);
  dbUrl.pathname = `/${RUN}`;
  const groups = {};
  const services = {};
  const samples = {};
  let sandbox;
  try {
    const sandboxPort = await freePort();
    sandbox = start('salesconnect-sandbox', 'dist/tools/salesconnect-sandbox/main.js', {
      SALESCONNECT_SANDBOX_PORT: String(sandboxPort),
    });
    await waitReady(sandbox, '/health/ready', 30_000);
    const ports = Object.fromEntries(await Promise.all(Object.keys(SERVICES).map(async (n) => [n, await freePort()])));
    for (const [name, { topics }] of Object.entries(SERVICES)) {
      groups[name] = `${RUN}-${name}`;
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId: groups[name],
          topic,
          partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })),
        });
      }
      services[name] = start(name, `dist/apps/${name}/main.js`, {
        // The heap limit the manifests give it (base/config/<name>.env), so the figures are the deployed ones.
        NODE_OPTIONS: nodeOptionsOf(name),
        HTTP_PORT: String(ports[name]),
        DATABASE_URL: dbUrl.toString(),
        KAFKA_BROKERS: BROKERS.join(','),
        KAFKA_CONSUMER_GROUP: groups[name],
        CONNECTOR_SETTINGS_URL: `http://127.0.0.1:${ports['connector-settings']}`,
        SALESCONNECT_API_URL: `http://127.0.0.1:${sandboxPort}`,
        SALESCONNECT_WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${ports['salesconnect-ingest']}/webhooks/salesconnect`,
      });
      // One at a time: each migrates its own schema in the shared database.
      await waitReady(services[name]);
    }
    await sleep(5_000);
    for (const [name, s] of Object.entries(services)) samples[name] = { idle: memoryOf(s.child.pid) };
    log(
      `all ready; idle RSS ${Object.entries(samples)
        .map(([n, s]) => `${n} ${s.idle.rss.toFixed(0)} MiB`)
        .join(', ')}`,
    );

    const token = await new SignJWT({ tenant_id: 'tenant-measure' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-measure')
      .setIssuer('task-sync-dev')
      .setAudience('task-sync')
      .setIssuedAt()
      .setExpirationTime('30m')
      .sign(new TextEncoder().encode('dev-only-secret-change-me-0123456789abcdef'));

    // Load 1: the whole backlog, then wait until every consumer has committed it all.
    const tenantId = `tenant-${RUN}`;
    let stopHttp = false;
    const http = httpLoad(ports['connector-settings'], token, 8, () => stopHttp);
    const started = Date.now();
    await loadOnce(producer, tenantId);
    for (const name of ['sfdc-ingest', 'salesconnect-ingest', 'reconciler']) {
      const deadline = Date.now() + 15 * 60_000;
      let lastLog = Date.now();
      for (
        let lag = await lagOf(admin, groups[name], SERVICES[name].topics);
        lag > 0;
        lag = await lagOf(admin, groups[name], SERVICES[name].topics)
      ) {
        if (Date.now() > deadline)
          throw new Error(`${name} did not catch up (lag ${lag}):\n${services[name].tail.join('\n')}`);
        if (Date.now() - lastLog > 15_000) {
          log(`${name}: lag ${lag} after ${Date.now() - started} ms`);
          lastLog = Date.now();
        }
        await sleep(500);
      }
    }
    stopHttp = true;
    await http.finished;
    log(
      `load 1: ${MESSAGES} settings + ${MESSAGES} task changes consumed, ${http.count()} HTTP reads, in ${Date.now() - started} ms`,
    );
    for (const [name, s] of Object.entries(services)) samples[name].loaded = memoryOf(s.child.pid);

    // Load 2: publish another backlog and stop every service while it is being worked on.
    stopHttp = false;
    const http2 = httpLoad(ports['connector-settings'], token, 8, () => stopHttp);
    await loadOnce(producer, tenantId);
    await sleep(1_000);
    const stops = await Promise.all(
      Object.entries(services).map(async ([name, s]) => {
        samples[name].beforeStop = memoryOf(s.child.pid);
        const lagAtStop = name === 'connector-settings' ? 0 : await lagOf(admin, groups[name], SERVICES[name].topics);
        const t0 = Date.now();
        s.child.kill('SIGTERM');
        const { code } = await s.exited;
        return [name, { code, drainMs: Date.now() - t0, lagAtStop }];
      }),
    );
    stopHttp = true;
    await http2.finished;

    const figures = {};
    for (const [name, stop] of stops) {
      const s = samples[name];
      figures[name] = {
        idleRssMiB: Math.round(s.idle.rss),
        rssAfterLoadMiB: Math.round(s.loaded.rss),
        peakRssMiB: Math.round(s.beforeStop.hwm),
        drainMs: stop.drainMs,
        exitCode: stop.code,
        backlogAtSigterm: stop.lagAtStop,
      };
    }
    if (process.argv.includes('--write')) {
      const file = path.join(__dirname, '..', 'measured.json');
      const record = {
        command: `KAFKA_BROKERS=${BROKERS.join(',')} node docker/k8s/scripts/measure-services.js --messages ${MESSAGES} --write`,
        measuredAt: new Date().toISOString(),
        machine: `${require('node:os').cpus().length} cores, ${Math.round(require('node:os').totalmem() / 2 ** 30)} GiB, load average ${require('node:os').loadavg()[0].toFixed(1)} at the end, Node ${process.version}`,
        nodeOptions: Object.fromEntries(Object.keys(SERVICES).map((n) => [n, nodeOptionsOf(n)])),
        load: `${MESSAGES} settings changes + ${MESSAGES} Salesforce task changes consumed, then as many again with SIGTERM mid-way; connector-settings: GET /v1/connections, 8 at a time`,
        services: figures,
      };
      fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
      log(`wrote ${path.relative(ROOT, file)}`);
    }
    console.log(
      '\nservice               idle RSS  after load 1  VmHWM (peak)  drain (SIGTERM→exit)  exit  backlog at SIGTERM',
    );
    for (const [name, stop] of stops) {
      const s = samples[name];
      console.log(
        `${name.padEnd(22)}${`${s.idle.rss.toFixed(0)} MiB`.padEnd(10)}${`${s.loaded.rss.toFixed(0)} MiB`.padEnd(14)}` +
          `${`${s.beforeStop.hwm.toFixed(0)} MiB`.padEnd(14)}${`${stop.drainMs} ms`.padEnd(22)}${String(stop.code).padEnd(6)}${stop.lagAtStop}`,
      );
    }
  } finally {
    const running = [...Object.values(services), ...(sandbox ? [sandbox] : [])].filter(
      (s) => s.child.exitCode === null && s.child.signalCode === null,
    );
    for (const s of running) s.child.kill('SIGKILL');
    // A group can be deleted only once its members are gone.
    await Promise.all(running.map((s) => s.exited));
    await admin.deleteGroups(Object.values(groups)).catch(() => undefined);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await withPg(ADMIN_DB, (c) => c.query(`DROP DATABASE IF EXISTS ${RUN} WITH (FORCE)`));
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[measure] ${e.stack || e.message}`);
    process.exit(1);
  },
);
