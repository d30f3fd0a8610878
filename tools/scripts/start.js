#!/usr/bin/env node
// npm start: the whole local stack. Kafka (tools/kafka), a PostgreSQL check, the topics, the four
// services (each runs its own migrations at start). Waits until every service is ready, connects
// the demo org's reader (DEMO_ORG_READER), prints the URLs, and on Ctrl-C stops everything it
// started, in order.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startKafka, stopKafka } = require('../kafka/kafka.js');
const { ROOT, checkPostgres, run, nxBin } = require('./lib/common.js');
const { connectDemoOrgReader } = require('./lib/demo-org-reader.js');

// The sandboxes stand in for Sales Connect and Salesforce; they start first and stop last.
const SANDBOXES = [
  {
    name: 'salesforce-sandbox',
    main: 'dist/tools/salesforce-sandbox/main.js',
    port: 8610,
    portVar: 'SALESFORCE_SANDBOX_PORT',
    env: { SALESFORCE_SANDBOX_SNAPSHOT: process.env.SALESFORCE_SANDBOX_SNAPSHOT || 'tmp/salesforce-sandbox.json' },
    note: 'login rep@sandbox.test / sandbox; connected app sandbox-client / sandbox-secret',
  },
  {
    name: 'salesconnect-sandbox',
    main: 'dist/tools/salesconnect-sandbox/main.js',
    port: 8620,
    portVar: 'SALESCONNECT_SANDBOX_PORT',
    env: {
      SALESCONNECT_SANDBOX_SNAPSHOT: process.env.SALESCONNECT_SANDBOX_SNAPSHOT || 'tmp/salesconnect-sandbox.json',
    },
    note: 'API token sc_tok_default_sandbox_user; Command Center at /command-center?token=…',
  },
];
const SERVICES = [
  { name: 'connector-settings', port: 3000, portVar: 'CONNECTOR_SETTINGS_PORT' },
  { name: 'sfdc-ingest', port: 3101, portVar: 'SFDC_INGEST_PORT' },
  { name: 'salesconnect-ingest', port: 3102, portVar: 'SALESCONNECT_INGEST_PORT' },
  { name: 'reconciler', port: 3103, portVar: 'RECONCILER_PORT' },
].map((s) => ({ ...s, main: `dist/apps/${s.name}/main.js`, env: {}, note: '/health/ready, /metrics' }));
// START_REPLICAS=N: N processes of each Kafka consumer, in the same consumer group and database,
// as replicas of a deployment would run. Replica i listens on <SERVICE>_PORT_<i>, else port + 100 × (i − 1).
const REPLICATED = ['sfdc-ingest', 'salesconnect-ingest', 'reconciler'];
const REPLICAS = Math.max(1, Number(process.env.START_REPLICAS || 1));
for (let i = 2; i <= REPLICAS; i++) {
  for (const base of SERVICES.filter((s) => REPLICATED.includes(s.name) && !s.replicaOf)) {
    const portVar = `${base.portVar}_${i}`;
    SERVICES.push({
      ...base,
      name: `${base.name}-${i}`,
      replicaOf: base,
      portVar,
      port: Number(process.env[portVar] || Number(process.env[base.portVar] || base.port) + 100 * (i - 1)),
    });
  }
}
// START_RESTART_CRASHED=1: a service that dies is started again (as a deployment's supervisor would),
// instead of the whole stack stopping. The chaos run kills services on purpose.
const RESTART_CRASHED = process.env.START_RESTART_CRASHED === '1';
/** A program's port: its *_PORT variable, else its default. */
function portOf(name) {
  const program = [...SANDBOXES, ...SERVICES].find((s) => s.name === name);
  if (program.replicaOf) return program.port;
  return Number(process.env[program.portVar] || program.port);
}
/** What a service must know of the others' addresses, which the *_PORT variables may move. A variable already set wins. */
function wiringFor(service) {
  const url = (name) => `http://127.0.0.1:${portOf(name)}`;
  // A replica is the same service: its group, its webhook address (the first replica's, as one public address behind a balancer).
  const kind = service.replicaOf ?? service;
  const own = url(kind.name);
  const wiring =
    {
      'connector-settings': {
        SALESFORCE_LOGIN_URL: url('salesforce-sandbox'),
        // The sandbox serves test.salesforce.com and every My Domain under /hosts/<host>.
        SALESFORCE_SANDBOX_LOGIN_URL: `${url('salesforce-sandbox')}/hosts/test.salesforce.com`,
        SALESFORCE_MY_DOMAIN_URL_TEMPLATE: `${url('salesforce-sandbox')}/hosts/{host}`,
        OAUTH_REDIRECT_URL: `${own}/v1/salesforce/oauth/callback`,
        SETTINGS_PAGE_URL: `${own}/settings/crm/salesforce`,
        RECONCILER_URL: url('reconciler'),
        SALESCONNECT_APP_TASK_URL_TEMPLATE: `${url('salesconnect-sandbox')}/app/tasks/{taskId}`,
      },
      'sfdc-ingest': { CONNECTOR_SETTINGS_URL: url('connector-settings') },
      'salesconnect-ingest': {
        SALESCONNECT_API_URL: url('salesconnect-sandbox'),
        SALESCONNECT_WEBHOOK_PUBLIC_URL: `${own}/webhooks/salesconnect`,
        CONNECTOR_SETTINGS_URL: url('connector-settings'),
      },
      reconciler: {
        CONNECTOR_SETTINGS_URL: url('connector-settings'),
        SALESCONNECT_API_URL: url('salesconnect-sandbox'),
      },
    }[kind.name] ?? {};
  // Several stacks on one broker (the end-to-end tests) each need consumer groups of their own.
  const groupPrefix = process.env.KAFKA_CONSUMER_GROUP_PREFIX;
  if (groupPrefix && SERVICES.includes(service)) wiring.KAFKA_CONSUMER_GROUP = `${groupPrefix}${kind.name}`;
  return Object.fromEntries(Object.entries(wiring).map(([name, value]) => [name, process.env[name] || value]));
}
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const pretty = process.env.START_LOG_FORMAT !== 'json';

const log = (msg) => console.log(`[start] ${msg}`);
const { setTimeout: sleep } = require('node:timers/promises');

/** One readable line per JSON log line: time, service, level, message, then the other fields. */
function formatLine(service, line) {
  if (!pretty) return line;
  try {
    const { time, level, msg, service: _s, context, ...rest } = JSON.parse(line);
    const fields = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    const hhmmss = typeof time === 'string' ? time.slice(11, 19) : '';
    return `${hhmmss} ${service.padEnd(19)} ${String(level).padEnd(5)} ${context ? `[${context}] ` : ''}${msg ?? ''}${fields}`;
  } catch {
    return `${service.padEnd(28)} ${line}`;
  }
}

/**
 * The Node options the deployment gives a service (NODE_OPTIONS in its docker/k8s/base/config env
 * file: the heap cap), so `npm start`, the tests and the benchmark run the services as production
 * does. A NODE_OPTIONS of the caller's own comes after them, and so wins.
 */
function deploymentNodeOptions(service) {
  const file = path.join(ROOT, 'docker', 'k8s', 'base', 'config', `${(service.replicaOf ?? service).name}.env`);
  if (!fs.existsSync(file)) return '';
  const line = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('NODE_OPTIONS='));
  return line ? line.slice('NODE_OPTIONS='.length).trim() : '';
}

// Node flags NODE_OPTIONS refuses (`--cpu-prof`, `--heap-prof`) reach the services through this, e.g.
// START_NODE_ARGS='--cpu-prof --cpu-prof-dir=tmp/prof' (profiles are written when a service stops).
const NODE_ARGS = (process.env.START_NODE_ARGS || '').split(/\s+/).filter(Boolean);

function startProcess(service, env) {
  const child = spawn(process.execPath, [...NODE_ARGS, path.join(ROOT, service.main)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) if (line.trim()) console.log(formatLine(service.name, line));
    });
  }
  return child;
}

async function waitReady(service, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${service.name} exited with code ${child.exitCode} during start`);
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${service.name} not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * A development JWT for the demo user, signed like connector-settings expects by default
 * (JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE defaults in apps/connector-settings/src/app/connector-settings.config.ts).
 * Its subject is the Sales Connect sandbox's default user, so synced tasks land in that user's Command Center.
 * The demo user is also the demo tenant's admin (JWT_ADMIN_ROLE in JWT_ROLES_CLAIM), who manages the org's reader.
 */
async function mintDemoToken() {
  const { SignJWT } = require('jose');
  const secret = process.env.JWT_SECRET || 'dev-only-secret-change-me-0123456789abcdef';
  // A dotted claim (`realm_access.roles`) is a path into nested objects, as connector-settings reads it.
  const roles = (process.env.JWT_ROLES_CLAIM || 'roles')
    .split('.')
    .reduceRight((value, key) => ({ [key]: value }), [process.env.JWT_ADMIN_ROLE || 'task-sync:admin']);
  return new SignJWT({
    tenant_id: 'demo-tenant',
    zoneinfo: process.env.DEMO_TIME_ZONE || 'America/Sao_Paulo',
    ...roles,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('scu_default')
    .setIssuer(process.env.JWT_ISSUER || 'task-sync-dev')
    .setAudience(process.env.JWT_AUDIENCE || 'task-sync')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(secret));
}

/**
 * The demo org streams its Salesforce changes (about a second to Command Center) rather than waiting
 * for each rep's poll: its reader is connected here as an admin would on the settings page. A failure
 * is said and the stack runs on, polling.
 */
async function reportDemoOrgReader(settingsUrl, adminToken) {
  try {
    const { reader, connectedNow } = await connectDemoOrgReader({ settingsUrl, adminToken });
    const checks = reader.preflight?.passed
      ? 'its checks passed'
      : `its checks did not pass (${JSON.stringify(reader.preflight?.items ?? null)})`;
    log(
      `the demo org's reader: ${reader.sfdcUsername} (org ${reader.orgId}, ${connectedNow ? 'connected now' : 'connected before'}), ${checks}`,
    );
  } catch (e) {
    log(`could not connect the demo org's reader (${e.message}); its reps' syncs poll Salesforce (POLL_INTERVAL_MS)`);
  }
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  await checkPostgres(databaseUrl);
  log('PostgreSQL answers');

  const kafka = await startKafka({ log: (m) => log(`kafka: ${m}`) });
  const children = new Map();
  let stopping = false;

  const stopAll = (names) =>
    Promise.all(
      names
        .filter((name) => children.has(name))
        .map((name) => [name, children.get(name)])
        .map(
          ([name, child]) =>
            new Promise((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
              child.once('exit', (exitCode) => {
                clearTimeout(timer);
                log(`${name} stopped (exit ${exitCode})`);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
    );

  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping the services');
    await stopAll(SERVICES.map((s) => s.name));
    await stopAll(SANDBOXES.map((s) => s.name));
    if (!kafka.reused) await stopKafka({ log: (m) => log(`kafka: ${m}`) });
    else log(`kafka: left running (it was already running at ${kafka.bootstrap})`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS || kafka.bootstrap, NX_DAEMON: 'false' };
    const names = [...SANDBOXES, ...SERVICES].map((s) => s.name);
    // START_SKIP_BUILD=1: the caller has just built everything (the e2e target builds before its run).
    if (process.env.START_SKIP_BUILD === '1') log('not building: START_SKIP_BUILD=1');
    else {
      log('building the services');
      if ((await run(nxBin, ['run-many', '-t', 'build', '-p', ...names, 'provision-topics'], { env })) !== 0) {
        throw new Error('build failed');
      }
    }
    log('provisioning topics');
    if ((await run(process.execPath, ['dist/tools/provision-topics/main.js'], { env })) !== 0) {
      throw new Error('topic provisioning failed');
    }
    const spawnService = (service) => {
      const nodeOptions = [deploymentNodeOptions(service), env.NODE_OPTIONS].filter(Boolean).join(' ');
      const child = startProcess(service, {
        ...env,
        ...service.env,
        ...wiringFor(service),
        [service.portVar]: String(service.port),
        HTTP_PORT: String(service.port),
        ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      });
      children.set(service.name, child);
      log(`${service.name} started (pid ${child.pid})`);
      child.once('exit', (code, signal) => {
        if (stopping) return;
        if (RESTART_CRASHED && SERVICES.includes(service)) {
          log(
            `${service.name} exited unexpectedly (${signal ?? `exit ${code}`}); starting it again (START_RESTART_CRASHED=1)`,
          );
          spawnService(service);
          return;
        }
        log(`${service.name} exited unexpectedly (exit ${code}); stopping everything`);
        void shutdown(1);
      });
      return child;
    };
    const launch = async (group) => {
      for (const service of group) {
        service.port = Number(process.env[service.portVar] || service.port);
        spawnService(service);
      }
      await Promise.all(group.map((s) => waitReady(s, children.get(s.name))));
    };
    await launch(SANDBOXES);
    // Replicas after the first of each: the first has run the schema's migrations by then.
    await launch(SERVICES.filter((s) => !s.replicaOf));
    if (REPLICAS > 1) await launch(SERVICES.filter((s) => s.replicaOf));
    const settings = SERVICES.find((s) => s.name === 'connector-settings');
    const demoToken = await mintDemoToken();
    if (process.env.DEMO_ORG_READER !== '0') await reportDemoOrgReader(`http://127.0.0.1:${settings.port}`, demoToken);
    log('all services are ready:');
    for (const s of [...SERVICES, ...SANDBOXES]) {
      console.log(`  ${s.name.padEnd(20)} http://127.0.0.1:${s.port}  (${s.note})`);
    }
    console.log(`  ${'kafka'.padEnd(20)} ${kafka.bootstrap}`);
    console.log(`\n  The settings page, signed in as the demo user (a development token, valid 12 hours):`);
    console.log(`  http://127.0.0.1:${settings.port}/settings/crm/salesforce#token=${demoToken}\n`);
    log('press Ctrl-C to stop everything');
  } catch (e) {
    log(`failed: ${e.message}`);
    await shutdown(1);
  }
}

main().catch((e) => {
  console.error(`[start] ${e.message}`);
  process.exit(1);
});
