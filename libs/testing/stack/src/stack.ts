import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import { setTimeout as sleep } from 'node:timers/promises';

/** The workspace root: the nearest folder above the working directory that holds nx.json (the harness also runs bundled, where __dirname says nothing). */
function findRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nx.json above ${from}: run from the repository`);
  }
}
export const ROOT = findRoot();

export const SERVICES = ['connector-settings', 'sfdc-ingest', 'salesconnect-ingest', 'reconciler'] as const;
export const PROGRAMS = [...SERVICES, 'salesforce-sandbox', 'salesconnect-sandbox'] as const;
export type Program = (typeof PROGRAMS)[number];

/** The variables `npm start` reads to move each program's port. */
const PORT_VARS: Record<Program, string> = {
  'connector-settings': 'CONNECTOR_SETTINGS_PORT',
  'sfdc-ingest': 'SFDC_INGEST_PORT',
  'salesconnect-ingest': 'SALESCONNECT_INGEST_PORT',
  reconciler: 'RECONCILER_PORT',
  'salesforce-sandbox': 'SALESFORCE_SANDBOX_PORT',
  'salesconnect-sandbox': 'SALESCONNECT_SANDBOX_PORT',
};

/** The services start.js runs START_REPLICAS processes of (the Kafka consumers). */
export const REPLICATED = ['sfdc-ingest', 'salesconnect-ingest', 'reconciler'] as const satisfies readonly Program[];

export interface StackOptions {
  /** The database to create for it; by default one under the jest run's name, which its global teardown drops. */
  database?: string;
  /** The services' intervals (default TEST_INTERVALS). */
  intervals?: Record<string, string>;
  /** Processes of each Kafka consumer (START_REPLICAS): same consumer group, same database. */
  replicas?: number;
  /** A killed service is started again by start.js instead of stopping the stack (START_RESTART_CRASHED). */
  restartCrashed?: boolean;
}

/** connector-settings' JWT_SECRET when none is set: what `npm start` signs its demo token with. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

/**
 * Short intervals so a change crosses in about a second; every one of them is an ordinary
 * configuration variable of a service (see the apps' READMEs).
 */
export const TEST_INTERVALS = {
  POLL_INTERVAL_MS: '500',
  // An idle rep's polls back off to 2 s at most here, so a scenario's first change after a quiet spell still crosses within seconds.
  POLL_IDLE_MAX_INTERVAL_MS: '2000',
  POLL_LOOKBACK_MS: '3000',
  DELETE_AUDIT_INTERVAL_MS: '3000',
  PAUSE_RECHECK_MS: '1000',
  SALESFORCE_RETRY_BASE_MS: '50',
  FEED_POLL_INTERVAL_MS: '1000',
  WRITE_FLUSH_INTERVAL_MS: '200',
  SFDC_WRITE_GATHER_MS: '200',
  WRITE_RETRY_BASE_MS: '100',
} as const;

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export { sleep };

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Six different free ports (the kernel may hand out one twice when asked one at a time). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** The server the test databases are created on (TEST_ADMIN_DATABASE_URL; the local PostgreSQL by default). */
export function adminDatabaseUrl(): string {
  return process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Creates a database on that server; returns its URL. */
export async function createDatabase(name: string): Promise<string> {
  const adminUrl = adminDatabaseUrl();
  await withPg(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One PostgreSQL connection for `run`, closed after it. */
export async function withPg<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

// Whatever happens in a test, no stack outlives the test run: npm start leads a process group of
// its own (its services are in it), and the whole group goes when the test process exits.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
});

/**
 * The whole product as `npm start` runs it: `node tools/scripts/start.js` with its own ports, its
 * own database, its own consumer groups (so stacks and other tests on the same broker never share
 * work) and its own sandbox snapshot files. Its output is kept in `tmp/e2e/<name>.log`.
 */
export class Stack {
  readonly pids = new Map<Program, number>();
  /** Every service process by the name start.js gives it (`sfdc-ingest`, `sfdc-ingest-2`, …): its latest pid, a restarted one included. */
  readonly processes = new Map<string, number>();
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private output: string[] = [];
  private readonly logFile: string;
  demoToken = '';

  private constructor(
    readonly name: string,
    private readonly ports: Record<Program, number>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly stateDir: string,
  ) {
    this.logFile = path.join(ROOT, 'tmp', 'e2e', `${name}.log`);
  }

  /**
   * `env`: more variables for every process of the stack (e.g. TZ). `database`: the database to
   * create for it; by default one under the jest run's name, which its global teardown drops.
   */
  static async start(name: string, env: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
    const replicas = options.replicas ?? 1;
    const ports = await freePorts(PROGRAMS.length + (replicas - 1) * REPLICATED.length);
    const portOf = Object.fromEntries(PROGRAMS.map((p, i) => [p, ports[i]])) as Record<Program, number>;
    // START_REPLICAS' ports: <SERVICE>_PORT_<i> for replica i of each replicated service.
    const replicaPorts: Record<string, string> = {};
    let next = PROGRAMS.length;
    for (let i = 2; i <= replicas; i++)
      for (const program of REPLICATED) replicaPorts[`${PORT_VARS[program]}_${i}`] = String(ports[next++]);
    const run = process.env.TASKSYNC_IT_DATABASE;
    if (!run && !options.database)
      throw new Error('TASKSYNC_IT_DATABASE is not set: run through the e2e target (its global setup)');
    const databaseUrl = await createDatabase(options.database ?? `${run}_e2e_${name.replace(/\W/g, '_')}`);

    const groupPrefix = `e2e-${name}-${randomUUID().slice(0, 8)}-`;
    await startGroupsAtLogEnd(SERVICES.map((s) => `${groupPrefix}${s}`));
    const stateDir = path.join(ROOT, 'tmp', 'e2e', `${name}-${randomUUID().slice(0, 8)}`);
    fs.mkdirSync(stateDir, { recursive: true });

    // As a developer's shell has it: without the NODE_ENV=test jest sets.
    const inherited = { ...process.env };
    delete inherited['NODE_ENV'];
    const stack = new Stack(
      name,
      portOf,
      {
        ...inherited,
        ...Object.fromEntries(PROGRAMS.map((p) => [PORT_VARS[p], String(portOf[p])])),
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        KAFKA_CONSUMER_GROUP_PREFIX: groupPrefix,
        SALESFORCE_SANDBOX_SNAPSHOT: path.join(stateDir, 'salesforce-sandbox.json'),
        SALESCONNECT_SANDBOX_SNAPSHOT: path.join(stateDir, 'salesconnect-sandbox.json'),
        START_LOG_FORMAT: 'json',
        // The e2e target has built every program just before (its dependsOn); npm start would only find them up to date.
        START_SKIP_BUILD: '1',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        // Every simulated rep connects from 127.0.0.1: the per-address limits would take them for one crowd.
        CONNECT_LIMIT_PER_ADDRESS: '100000',
        CALLBACK_LIMIT_PER_ADDRESS: '100000',
        // As npm start: the demo org's reader is connected, so the org is read once, by its change
        // stream; a suite passes DEMO_ORG_READER: '0' in `env` to run its reps on their own polls.
        DEMO_ORG_READER: '1',
        ...(replicas > 1 ? { START_REPLICAS: String(replicas), ...replicaPorts } : {}),
        ...(options.restartCrashed ? { START_RESTART_CRASHED: '1' } : {}),
        ...(options.intervals ?? TEST_INTERVALS),
        ...env,
      },
      stateDir,
    );
    fs.mkdirSync(path.dirname(stack.logFile), { recursive: true });
    fs.writeFileSync(stack.logFile, '');
    await stack.launch();
    return stack;
  }

  url(program: Program): string {
    return `http://127.0.0.1:${this.ports[program]}`;
  }

  /** Spawns start.js and waits for its "all services are ready" banner and the demo link. */
  private async launch(): Promise<void> {
    this.output = [];
    const child = spawn(process.execPath, ['tools/scripts/start.js'], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    this.child = child;
    // A stream, not a write per chunk: the stack's output must never wait on this file (a benchmark logs a lot).
    const logStream = fs.createWriteStream(this.logFile, { flags: 'a' });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        running.delete(child);
        logStream.end(() => resolve(code));
      }),
    );
    let buffered = '';
    const onData = (chunk: Buffer) => {
      logStream.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        // Service lines are JSON; what start.js itself says is all the harness reads.
        if (!line.startsWith('{')) this.output.push(line);
        const started = /^\[start\] (\S+) started \(pid (\d+)\)$/.exec(line);
        if (started) {
          this.processes.set(started[1], Number(started[2]));
          if ((PROGRAMS as readonly string[]).includes(started[1]))
            this.pids.set(started[1] as Program, Number(started[2]));
        }
        const link = /\/settings\/crm\/salesforce#token=(\S+)/.exec(line);
        if (link) this.demoToken = link[1];
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);

    const started = Date.now();
    while (!this.demoToken) {
      if (child.exitCode !== null)
        throw new Error(`npm start (${this.name}) exited with ${child.exitCode} before it was ready:\n${this.tail()}`);
      if (Date.now() - started > 240_000) {
        child.kill('SIGINT'); // it stops what it started
        await this.waitForExit(60_000).catch(() => child.pid && process.kill(-child.pid, 'SIGKILL'));
        throw new Error(`npm start (${this.name}) not ready in 240 s:\n${this.tail()}`);
      }
      await sleep(200);
    }
    logStream.write(`[e2e] npm start was ready after ${Date.now() - started} ms\n`);
  }

  /** What start.js printed last (its own lines, not the services'), for failure messages. */
  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }

  /** Lines start.js printed itself (the banner, `[start] …`). */
  printed(): string[] {
    return [...this.output];
  }

  /** A crash: the program dies at once. npm start then stops everything else, in order, and exits 1. */
  crash(program: Program): void {
    const pid = this.pids.get(program);
    if (!pid) throw new Error(`no pid of ${program} in npm start's output`);
    process.kill(pid, 'SIGKILL');
  }

  /** SIGKILL to one service process by start.js's name for it (`reconciler-2`); returns the pid killed. */
  kill(processName: string): number {
    const pid = this.processes.get(processName);
    if (!pid) throw new Error(`no pid of ${processName} in npm start's output`);
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  async waitForExit(timeoutMs = 90_000): Promise<number | null> {
    return (
      (await withTimeout(
        this.exited ?? Promise.resolve(null),
        timeoutMs,
        `npm start (${this.name}) did not exit in ${timeoutMs} ms:\n${this.tail()}`,
      )) ?? null
    );
  }

  /** `npm start` again with the same ports, database, consumer groups and sandbox state files. */
  async restart(): Promise<void> {
    if (this.child?.exitCode === null) throw new Error('the stack is still running');
    this.demoToken = '';
    this.pids.clear();
    this.processes.clear();
    await this.launch();
  }

  /** Ctrl-C; resolves with npm start's exit code. The sandboxes' state files go with it. */
  async stop(): Promise<number | null> {
    let code = this.child?.exitCode ?? null;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGINT');
      code = await this.waitForExit();
    }
    fs.rmSync(this.stateDir, { recursive: true, force: true });
    return code;
  }
}

/**
 * New consumer groups start at the end of every product topic: a stack's services see only what
 * happens after they start, not what earlier tests left on the shared broker. (The services read
 * a topic from its beginning when their group has no offsets yet.) One short-lived member per
 * group commits the log end for every partition: admin.setOffsets would join the group once per
 * topic, five seconds each.
 */
async function startGroupsAtLogEnd(groups: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'e2e',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const topics = Object.values(KAFKA_TOPICS);
  const admin = kafka.admin();
  await admin.connect();
  const ends = (
    await Promise.all(
      topics.map(async (topic) =>
        (await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: p.high })),
      ),
    )
  ).flat();
  await admin.disconnect();
  await Promise.all(
    groups.map(async (groupId) => {
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.connect();
      try {
        await consumer.subscribe({ topics, fromBeginning: false });
        await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
        await withTimeout(joined, 30_000, `group ${groupId} not joined in 30 s`);
        await consumer.commitOffsets(ends);
      } finally {
        await consumer.disconnect();
      }
    }),
  );
}
