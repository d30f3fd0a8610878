import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ROOT } from './stack';
import { waitFor } from './wait';

export type ServiceName =
  | 'connector-settings'
  | 'sfdc-ingest'
  | 'salesconnect-ingest'
  | 'reconciler'
  | 'salesforce-sandbox'
  | 'salesconnect-sandbox';

export type AppName = Exclude<ServiceName, 'salesforce-sandbox' | 'salesconnect-sandbox'>;

/** Where each built program lives and which variable sets its port. */
const PROGRAMS: Record<ServiceName, { main: string; portVar: string }> = {
  'connector-settings': { main: 'dist/apps/connector-settings/main.js', portVar: 'HTTP_PORT' },
  'sfdc-ingest': { main: 'dist/apps/sfdc-ingest/main.js', portVar: 'HTTP_PORT' },
  'salesconnect-ingest': { main: 'dist/apps/salesconnect-ingest/main.js', portVar: 'HTTP_PORT' },
  reconciler: { main: 'dist/apps/reconciler/main.js', portVar: 'HTTP_PORT' },
  'salesforce-sandbox': { main: 'dist/tools/salesforce-sandbox/main.js', portVar: 'SALESFORCE_SANDBOX_PORT' },
  'salesconnect-sandbox': { main: 'dist/tools/salesconnect-sandbox/main.js', portVar: 'SALESCONNECT_SANDBOX_PORT' },
};

export interface LogLine {
  level: string;
  msg?: string;
  [field: string]: unknown;
}

/** Every process's output also goes to a file here, so a failed run's services can be read afterwards. */
export const SERVICE_LOG_DIR = process.env.TEST_SERVICE_LOG_DIR ?? path.join(ROOT, 'tmp', 'service-logs');

// Whatever happens in a test, no service process outlives the test run.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * One built service (dist/apps/NAME/main.js) running as a real process, the way `npm start` and
 * Kubernetes run it, with its JSON log lines collected for assertions.
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly rawOutput: string[] = [];
  private child?: ChildProcess;
  private exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  /** `port`: when the caller must know it before start (e.g. for a redirect URL). */
  static async start(name: ServiceName, env: Record<string, string>, port?: number): Promise<ServiceProcess> {
    port ??= await freePort();
    const service = new ServiceProcess(name, port, env);
    service.spawn();
    try {
      await service.waitUntilReady();
    } catch (e) {
      await service.stop('SIGKILL');
      throw e;
    }
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawn(): void {
    const program = PROGRAMS[this.name];
    const child = spawn(process.execPath, [path.join(ROOT, program.main)], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        DATABASE_URL: process.env.TEST_DATABASE_URL ?? '',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        LOG_LEVEL: 'debug',
        [program.portVar]: String(this.port),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    mkdirSync(SERVICE_LOG_DIR, { recursive: true });
    const logFile = path.join(SERVICE_LOG_DIR, `${runningSpec()}.${this.name}.${child.pid}.log`);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      appendFileSync(logFile, chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        this.rawOutput.push(line);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ level: 'raw', msg: line });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      }),
    );
    running.add(child);
    this.child = child;
  }

  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) {
        throw new Error(`${this.name} exited during start:\n${this.rawOutput.slice(-20).join('\n')}`);
      }
      try {
        const res = await fetch(`${this.url}/health/ready`);
        last = `${res.status} ${await res.text()}`;
        if (res.status === 200) return;
      } catch (e) {
        last = (e as Error).message;
      }
      await sleep(250);
    }
    throw new Error(
      `${this.name} not ready after ${timeoutMs} ms (last: ${last})\n${this.rawOutput.slice(-20).join('\n')}`,
    );
  }

  /** Starts the program again after it ended (a stop, a crash), on the same port and environment; resolves once ready. */
  async restart(): Promise<void> {
    if (this.child?.exitCode === null && this.child.signalCode === null)
      throw new Error(`${this.name} is still running`);
    this.spawn();
    await this.waitUntilReady();
  }

  /** Sends a signal and waits for the process to end; returns its exit code and how long it took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 60_000): Promise<{ code: number | null; ms: number }> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) {
      const done = await this.exit;
      return { code: done?.code ?? null, ms: 0 };
    }
    const started = Date.now();
    this.child.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    const { code } = (await this.exit) ?? { code: null };
    clearTimeout(timer);
    return { code, ms: Date.now() - started };
  }

  /** Waits until a log line matches, e.g. the consumer's "joined consumer group". */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    return waitFor(`${this.name}: a matching log line in ${timeoutMs} ms`, () => this.logs.find(match), timeoutMs, 100);
  }

  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
        total += Number(line.split(' ').pop());
    }
    return total;
  }
}

/** The spec file a jest worker is running (its service logs are named after it), else 'run'. */
function runningSpec(): string {
  const jestExpect = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect;
  const testPath = jestExpect?.getState?.().testPath;
  return testPath ? path.basename(testPath).replace(/\.[jt]s$/, '') : 'run';
}

/** Stops each in turn, in the order given (one that never started is skipped): the services before what they call. */
export async function stopInOrder(...processes: ({ stop(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const p of processes) await p?.stop();
}
