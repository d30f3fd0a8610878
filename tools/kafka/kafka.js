#!/usr/bin/env node
// Local single-node Kafka (KRaft, combined broker+controller) for development and tests.
//
//   node tools/kafka/kafka.js start|stop|status
//
// or from Node: const { startKafka, stopKafka, kafkaStatus } = require('./tools/kafka/kafka.js')
//
// Broker jars come from Maven Central via tools/kafka/pom.xml (copied into tools/kafka/.lib);
// data, config, pid file and broker log live in the data dir (default tools/kafka/.data).
'use strict';

const { spawn, spawnSync, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const TOOL_DIR = __dirname;
const REPO_ROOT = path.resolve(TOOL_DIR, '..', '..');
const POM = path.join(TOOL_DIR, 'pom.xml');
const LIB_DIR = path.join(TOOL_DIR, '.lib');
const LIB_STAMP = path.join(LIB_DIR, '.pom.sha256');
const LOG4J_CONFIG = path.join(TOOL_DIR, 'log4j2.properties');
const HEALTH_TOPIC = '__tools_kafka_healthcheck';
const LOG_ROTATE_BYTES = 20 * 1024 * 1024;

function resolveConfig(opts = {}) {
  const env = opts.env || process.env;
  const host = opts.host || env.KAFKA_HOST || '127.0.0.1';
  const port = Number(opts.port || env.KAFKA_PORT || 9092);
  const controllerPort = Number(opts.controllerPort || env.KAFKA_CONTROLLER_PORT || 9093);
  // Relative data dirs are taken from the repo root so the cwd never matters.
  const dataDir = path.resolve(REPO_ROOT, opts.dataDir || env.KAFKA_DATA_DIR || 'tools/kafka/.data');
  const heap = (opts.heap || env.KAFKA_HEAP || '-Xmx512m -Xms256m').split(/\s+/).filter(Boolean);
  if (!Number.isInteger(port) || !Number.isInteger(controllerPort)) {
    throw new Error(`KAFKA_PORT / KAFKA_CONTROLLER_PORT must be integers (got ${port}, ${controllerPort})`);
  }
  return {
    host,
    port,
    controllerPort,
    dataDir,
    heap,
    bootstrap: `${host}:${port}`,
    timeoutMs: Number(opts.timeoutMs || env.KAFKA_START_TIMEOUT_MS || 90000),
    stopTimeoutMs: Number(opts.stopTimeoutMs || 30000),
    log: opts.log || ((msg) => console.log(`[kafka] ${msg}`)),
    pidFile: path.join(dataDir, 'broker.pid'),
    logFile: path.join(dataDir, 'broker.log'),
    propsFile: path.join(dataDir, 'server.properties'),
    logDirs: path.join(dataDir, 'kraft-logs'),
  };
}

const { setTimeout: sleep } = require('node:timers/promises');
// Paths in messages: relative to the repo root when inside it, absolute otherwise.
const rel = (p) => {
  const r = path.relative(REPO_ROOT, p);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
};

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

// Fails early with a readable message instead of a spawn ENOENT later.
function requireTool(cmd, args, hint) {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.error && res.error.code === 'ENOENT')
    throw new Error(`'${cmd}' not found${path.isAbsolute(cmd) ? '' : ' on PATH'}. ${hint}`);
  if (res.error) throw new Error(`cannot run '${cmd}': ${res.error.message}`);
  return `${res.stdout || ''}${res.stderr || ''}`;
}

function checkJava() {
  const out = requireTool(
    javaBin(),
    ['-version'],
    'Kafka needs a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless).',
  );
  const m = out.match(/version "(\d+)(?:\.(\d+))?/);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (major < 17) throw new Error(`Kafka 4.x needs Java 17+, found: ${out.split('\n')[0]}`);
}

function pomHash() {
  return crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
}

// Copies the broker jars into .lib, but only when pom.xml changed since the last copy.
function ensureJars(cfg) {
  const hash = pomHash();
  if (fs.existsSync(LIB_STAMP) && fs.readFileSync(LIB_STAMP, 'utf8').trim() === hash) {
    cfg.log(`jars up to date in ${rel(LIB_DIR)}`);
    return;
  }
  requireTool('mvn', ['-v'], 'Maven is needed to fetch the Kafka jars (e.g. apt-get install maven).');
  cfg.log(`fetching broker jars with Maven into ${rel(LIB_DIR)} (pom.xml changed or first run)`);
  const started = Date.now();
  // Copy into a temp dir and swap, so a failed fetch never leaves a half-filled .lib.
  const tmp = `${LIB_DIR}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const res = spawnSync(
    'mvn',
    ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`, '-DincludeScope=runtime'],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (res.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const out = `${res.stdout || ''}${res.stderr || ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`Maven could not fetch the Kafka jars (exit ${res.status}):\n${out}`);
  }
  fs.rmSync(LIB_DIR, { recursive: true, force: true });
  fs.renameSync(tmp, LIB_DIR);
  fs.writeFileSync(LIB_STAMP, `${hash}\n`);
  const count = fs.readdirSync(LIB_DIR).filter((f) => f.endsWith('.jar')).length;
  cfg.log(`fetched ${count} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function serverProperties(cfg) {
  return `# Written by tools/kafka/kafka.js on every start; edit kafka.js, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${cfg.controllerPort}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${cfg.host}:${cfg.port},CONTROLLER://127.0.0.1:${cfg.controllerPort}
advertised.listeners=PLAINTEXT://${cfg.host}:${cfg.port}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${cfg.logDirs}

# Single node: every internal topic must live with one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=3

# Dev behaviour: fast group joins, explicit topic creation, small disk footprint.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
log.segment.bytes=16777216
log.retention.hours=24
log.retention.bytes=268435456
log.retention.check.interval.ms=60000
`;
}

// Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding.
function newClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // a leading '-' would be read as a CLI flag
  }
}

function formatStorageIfNeeded(cfg) {
  if (fs.existsSync(path.join(cfg.logDirs, 'meta.properties'))) return;
  const clusterId = newClusterId();
  cfg.log(`formatting storage in ${rel(cfg.logDirs)} (cluster id ${clusterId})`);
  // Static controller.quorum.voters means plain "format" is enough (no --standalone).
  const res = spawnSync(
    javaBin(),
    [
      `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
      '-cp',
      path.join(LIB_DIR, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      cfg.propsFile,
    ],
    { cwd: cfg.dataDir, encoding: 'utf8' },
  );
  if (res.status !== 0) {
    const out = `${res.stdout || ''}${res.stderr || ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`formatting Kafka storage failed (exit ${res.status}):\n${out}`);
  }
}

// Returns { alive, ours } for a pid: "ours" means it is a kafka.Kafka process using our config.
function inspectPid(pid, cfg) {
  let out;
  try {
    out = execFileSync('ps', ['-o', 'stat=', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return { alive: false, ours: false };
  }
  if (!out || out.startsWith('Z')) return { alive: false, ours: false };
  return { alive: true, ours: out.includes('kafka.Kafka') && out.includes(cfg.propsFile) };
}

// The pid from our pid file, if that process is still our broker; cleans up stale pid files.
function ourBrokerPid(cfg) {
  let pid;
  try {
    pid = Number(fs.readFileSync(cfg.pidFile, 'utf8').trim());
  } catch {
    return null;
  }
  const { alive, ours } = pid > 0 ? inspectPid(pid, cfg) : { alive: false, ours: false };
  if (alive && ours) return pid;
  cfg.log(
    `removing stale pid file ${rel(cfg.pidFile)} (pid ${pid} is ${alive ? 'not a Kafka broker of ours' : 'not running'})`,
  );
  fs.rmSync(cfg.pidFile, { force: true });
  return null;
}

function logTail(cfg, lines = 40) {
  try {
    const text = fs.readFileSync(cfg.logFile, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no broker log)';
  }
}

function kafkajs() {
  try {
    return require('kafkajs');
  } catch (err) {
    throw new Error(`cannot load kafkajs (${err.message.split('\n')[0]}); run npm install at the repo root`);
  }
}

function newKafkaClient(cfg, extra = {}) {
  const { Kafka, logLevel } = kafkajs();
  return new Kafka({
    clientId: 'tools-kafka',
    brokers: [cfg.bootstrap],
    logLevel: logLevel.NOTHING, // connection-refused noise while the broker boots is expected
    connectionTimeout: 2000,
    requestTimeout: 10000,
    ...extra,
  });
}

// Does a broker answer on the port? Returns { clusterId, brokers } or null.
async function probe(cfg) {
  const admin = newKafkaClient(cfg, { retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { clusterId: cluster.clusterId, brokers: cluster.brokers.length };
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Proves the broker works end to end: a unique message is produced and read back by a new group.
async function healthCheck(cfg, timeoutMs) {
  const { Partitioners } = kafkajs();
  const kafka = newKafkaClient(cfg, { retry: { retries: 3, initialRetryTime: 200 } });
  const admin = kafka.admin();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const token = crypto.randomBytes(6).toString('hex');
  const groupId = `${HEALTH_TOPIC}-${token}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const value = `healthcheck ${token} ${new Date().toISOString()}`;
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(HEALTH_TOPIC)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: HEALTH_TOPIC,
            numPartitions: 1,
            replicationFactor: 1,
            configEntries: [{ name: 'retention.ms', value: '3600000' }],
          },
        ],
      });
    }
    await producer.connect();
    await producer.send({ topic: HEALTH_TOPIC, acks: -1, messages: [{ value }] });

    let seen;
    const received = new Promise((resolve) => (seen = resolve));
    await consumer.connect();
    await consumer.subscribe({ topics: [HEALTH_TOPIC], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value && message.value.toString() === value) seen();
      },
    });
    await withTimeout(received, timeoutMs, 'consuming the health-check message');
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {}); // don't pile up one group per start
    await admin.disconnect().catch(() => {});
  }
}

// Polls until the broker passes the health check, the process dies, or the deadline passes.
async function waitUntilReady(cfg, child, pid, started) {
  const deadline = started + cfg.timeoutMs;
  let exited = null;
  if (child) child.once('exit', (code, signal) => (exited = { code, signal }));
  let lastError = 'broker not answering yet';
  let announced = false;
  while (Date.now() < deadline) {
    if (exited || (!child && !inspectPid(pid, cfg).alive)) {
      const how = exited
        ? `exit code ${exited.code}${exited.signal ? `, signal ${exited.signal}` : ''}`
        : 'process gone';
      fs.rmSync(cfg.pidFile, { force: true });
      throw new Error(
        `broker process ${pid} died during startup (${how}). Last lines of ${rel(cfg.logFile)}:\n${logTail(cfg)}`,
      );
    }
    if (await probe(cfg)) {
      if (!announced) cfg.log(`broker answers on ${cfg.bootstrap}; checking produce + consume`);
      announced = true;
      try {
        await healthCheck(cfg, Math.max(1000, Math.min(30000, deadline - Date.now())));
        return;
      } catch (err) {
        lastError = err.message;
      }
    }
    await sleep(500);
  }
  // Don't leave a half-started broker around: it would hold the ports and the data dir lock.
  await terminate(cfg, pid);
  throw new Error(
    `broker did not become ready within ${cfg.timeoutMs / 1000} s (last error: ${lastError}); it was stopped.\n` +
      `Last lines of ${rel(cfg.logFile)}:\n${logTail(cfg)}`,
  );
}

function rotateLog(cfg) {
  try {
    if (fs.statSync(cfg.logFile).size > LOG_ROTATE_BYTES) fs.renameSync(cfg.logFile, `${cfg.logFile}.1`);
  } catch {
    // no log yet
  }
}

async function startKafka(opts = {}) {
  const cfg = resolveConfig(opts);
  const started = Date.now();

  const existing = await probe(cfg);
  if (existing) {
    const pid = fs.existsSync(cfg.pidFile) ? ourBrokerPid(cfg) : null;
    cfg.log(
      `a broker already answers on ${cfg.bootstrap} (cluster ${existing.clusterId}, ` +
        `${pid ? `ours, pid ${pid}` : 'not started from this data dir'}); reusing it`,
    );
    await healthCheck(cfg, 30000);
    cfg.log(`ready: bootstrap ${cfg.bootstrap}`);
    return { bootstrap: cfg.bootstrap, pid, reused: true, clusterId: existing.clusterId };
  }

  checkJava();
  fs.mkdirSync(cfg.dataDir, { recursive: true });

  let child = null;
  let pid = ourBrokerPid(cfg);
  if (pid) {
    // Our broker is alive but not answering yet (e.g. another start is still booting it): wait for it.
    cfg.log(`broker pid ${pid} from ${rel(cfg.pidFile)} is running but not answering yet; waiting for it`);
  } else {
    ensureJars(cfg);
    fs.writeFileSync(cfg.propsFile, serverProperties(cfg));
    cfg.log(`wrote ${rel(cfg.propsFile)}`);
    formatStorageIfNeeded(cfg);

    rotateLog(cfg);
    fs.appendFileSync(cfg.logFile, `\n===== tools/kafka start ${new Date().toISOString()} =====\n`);
    const out = fs.openSync(cfg.logFile, 'a');
    const args = [
      ...cfg.heap,
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
      '-cp',
      path.join(LIB_DIR, '*'),
      'kafka.Kafka',
      cfg.propsFile,
    ];
    // Detached with output to a file, so the broker outlives this process.
    child = spawn(javaBin(), args, { cwd: cfg.dataDir, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    pid = child.pid;
    fs.writeFileSync(cfg.pidFile, `${pid}\n`);
    cfg.log(`started broker pid ${pid} (log: ${rel(cfg.logFile)})`);
  }

  await waitUntilReady(cfg, child, pid, started);
  const info = await probe(cfg);
  cfg.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: bootstrap ${cfg.bootstrap}`);
  return { bootstrap: cfg.bootstrap, pid, reused: false, clusterId: info && info.clusterId };
}

// SIGTERM (Kafka shuts down cleanly), then SIGKILL if it takes too long.
async function terminate(cfg, pid) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const deadline = Date.now() + cfg.stopTimeoutMs;
  while (Date.now() < deadline) {
    if (!inspectPid(pid, cfg).alive) break;
    await sleep(250);
  }
  let killed = false;
  if (inspectPid(pid, cfg).alive) {
    cfg.log(`broker pid ${pid} still running after ${cfg.stopTimeoutMs / 1000} s; sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // raced with exit
    }
    killed = true;
    for (let i = 0; i < 40 && inspectPid(pid, cfg).alive; i++) await sleep(250);
  }
  fs.rmSync(cfg.pidFile, { force: true });
  return killed;
}

async function stopKafka(opts = {}) {
  const cfg = resolveConfig(opts);
  const pid = ourBrokerPid(cfg);
  if (!pid) {
    cfg.log(`no broker of ours is running (no live pid in ${rel(cfg.pidFile)}); nothing to stop`);
    return { stopped: false, pid: null };
  }
  const started = Date.now();
  cfg.log(`stopping broker pid ${pid} (SIGTERM)`);
  const killed = await terminate(cfg, pid);
  cfg.log(`broker pid ${pid} ${killed ? 'killed' : 'stopped'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { stopped: true, pid, killed };
}

async function kafkaStatus(opts = {}) {
  const cfg = resolveConfig(opts);
  const info = await probe(cfg);
  const pid = fs.existsSync(cfg.pidFile) ? ourBrokerPid(cfg) : null;
  if (info) {
    cfg.log(`UP: broker answers on ${cfg.bootstrap} (cluster ${info.clusterId})`);
  } else {
    cfg.log(`DOWN: nothing answers on ${cfg.bootstrap}`);
  }
  cfg.log(
    pid
      ? `ours: broker pid ${pid} from ${rel(cfg.pidFile)} is running`
      : `no broker of ours is running (no live pid in ${rel(cfg.pidFile)})${info ? '; the one answering was started elsewhere' : ''}`,
  );
  return { up: Boolean(info), ours: Boolean(pid), pid, bootstrap: cfg.bootstrap, clusterId: info && info.clusterId };
}

module.exports = { startKafka, stopKafka, kafkaStatus, resolveConfig, withTimeout };

if (require.main === module) {
  const cmd = process.argv[2];
  const commands = {
    start: async () => (await startKafka(), 0),
    stop: async () => (await stopKafka(), 0),
    status: async () => ((await kafkaStatus()).up ? 0 : 1),
  };
  if (!commands[cmd]) {
    console.error('usage: node tools/kafka/kafka.js start|stop|status');
    process.exit(2);
  }
  commands[cmd]().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[kafka] ERROR: ${err.message}`);
      process.exit(1);
    },
  );
}
