import { Kafka } from 'kafkajs';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import { SalesConnectAdmin, SalesforceAdmin, SyncUser, sleep, type Stack } from '@task-sync/testing-stack';
import type { ImportResult } from '../report/results';
import { closeCpuWindow, infrastructure, type InfrastructurePids, openCpuWindow } from './cpu';
import { seededTask, shares } from './workload';

const SEED_CHUNK = 10_000;
/** The name the sync writes under on both sides (reconciler's SYNC_CLIENT_NAME default). */
export const SYNC_ORIGIN = 'task-sync';
/** An import that stops moving for this long has failed. */
const STALL_MS = 180_000;

/** A linked pair the steady-state run may change: the task's id on each side. */
export interface TaskPair {
  sfdcId: string;
  scId: string;
  open: boolean;
}

export interface ImportRun {
  result: Omit<ImportResult, 'ceiling' | 'ratioToCeiling'>;
  users: SyncUser[];
  /** Every imported task's pair, by connection (same order as users). */
  pairs: TaskPair[][];
  /** The mean size of a Salesforce change record on Kafka (key + value + headers), from a sample of this import's. */
  recordBytes: number;
}

/** Every rep saves "Sync tasks" at the same moment; the run lasts until the last task is in Sales Connect. */
export async function runImport(
  stack: Stack,
  kafka: Kafka,
  label: string,
  tasks: number,
  connections: number,
  log: (line: string) => void,
  pids: InfrastructurePids = { brokerPid: 0, postgresPid: 0 },
): Promise<ImportRun> {
  const sfAdmin = new SalesforceAdmin(stack.url('salesforce-sandbox'));
  const scAdmin = new SalesConnectAdmin(stack.url('salesconnect-sandbox'));
  const orgId = await sfAdmin.createOrg(`bench ${label}`);
  const users: SyncUser[] = [];
  const slug = label.replace(/\W+/g, '-');
  for (let i = 0; i < connections; i++)
    users.push(await SyncUser.create(stack, { orgId, label: `bench-${slug}-${i + 1}` }));

  const seededBySubject = new Map<string, { id: string; open: boolean; owner: number }>();
  const today = new Date();
  let seeded = 0;
  for (const [u, share] of shares(tasks, connections).entries()) {
    for (let from = 0; from < share; from += SEED_CHUNK) {
      const chunk = Array.from({ length: Math.min(SEED_CHUNK, share - from) }, (_, j) =>
        seededTask(seeded + j, `bench ${label} #${seeded + j + 1}`, users[u].sfdcUserId, today),
      );
      for (const t of await sfAdmin.seedTasks(orgId, chunk))
        seededBySubject.set(t.Subject ?? '', { id: t.Id, open: !t.IsClosed, owner: u });
      seeded += chunk.length;
    }
  }
  log(`import, ${label}: ${seeded.toLocaleString('en')} Salesforce tasks seeded for ${connections} connection(s)`);

  const topic = KAFKA_TOPICS.sfdcTaskChanges;
  const admin = kafka.admin();
  await admin.connect();
  const before = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();

  const scUserIds = new Set(users.map((u) => u.sc.id));
  const cpuWindow = await openCpuWindow(
    () => stack.processes,
    () => infrastructure(pids),
  );
  const enableAt = Date.now();
  await Promise.all(users.map((u) => u.saveTaskSync(true)));
  log(`import, ${label}: "Sync tasks" saved on for ${connections} connection(s)`);

  // Progress from the sandbox's call counter: one task-create call per imported task.
  let lastCount = 0;
  let lastMoveAt = Date.now();
  for (;;) {
    const created = (await scAdmin.calls())
      .filter((c) => scUserIds.has(c.tenant) && c.endpoint === 'POST /v1/tasks')
      .reduce((sum, c) => sum + c.count, 0);
    const now = Date.now();
    if (created !== lastCount) {
      log(
        `import, ${label}: ${created.toLocaleString('en')} / ${tasks.toLocaleString('en')} in Sales Connect after ${((now - enableAt) / 1000).toFixed(0)} s`,
      );
      lastCount = created;
      lastMoveAt = now;
    }
    if (created >= tasks) break;
    if (now - lastMoveAt > STALL_MS)
      throw new Error(`import, ${label}: the import stalled at ${created} of ${tasks} tasks in Sales Connect`);
    await sleep(created === 0 ? 500 : 2_000);
  }

  // The arrivals, from the feed: each task's `created` by the sync, with the sandbox's timestamp.
  const arrivals = new Map<string, { scId: string; atMs: number }>();
  for (let attempt = 0; ; attempt++) {
    for (const c of await scAdmin.changes(enableAt)) {
      if (c.type === 'created' && scUserIds.has(c.userId) && c.origin === SYNC_ORIGIN)
        arrivals.set(c.task.name, { scId: c.taskId, atMs: Date.parse(c.occurredAt) - enableAt });
    }
    if (arrivals.size >= tasks) break;
    if (attempt > 30)
      throw new Error(
        `import, ${label}: ${arrivals.size} of ${tasks} tasks created in Sales Connect (the call count said ${lastCount})`,
      );
    await sleep(2_000);
  }
  const arrivalsMs = [...arrivals.values()].map((a) => a.atMs).sort((a, b) => a - b);
  const seconds = arrivalsMs[arrivalsMs.length - 1] / 1000;
  const cpu = await closeCpuWindow(cpuWindow, tasks);

  const pairs = users.map(() => [] as TaskPair[]);
  for (const [subject, seeded] of seededBySubject) {
    const arrived = arrivals.get(subject);
    if (arrived) pairs[seeded.owner].push({ sfdcId: seeded.id, scId: arrived.scId, open: seeded.open });
  }

  const recordBytes = await sampleRecordBytes(kafka, topic, before);
  log(
    `import, ${label}: ${tasks.toLocaleString('en')} tasks in ${seconds.toFixed(1)} s = ${(tasks / seconds).toFixed(0)} tasks/s (records of ${recordBytes} bytes on ${topic})`,
  );
  return {
    result: { label, connections, tasks, seconds, tasksPerSecond: tasks / seconds, arrivalsMs, cpu },
    users,
    pairs,
    recordBytes,
  };
}

/** The mean size of up to 1,000 records the import published (from the offsets before it). */
async function sampleRecordBytes(
  kafka: Kafka,
  topic: string,
  before: { partition: number; offset: string }[],
): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-sample-${Date.now()}`, allowAutoTopicCreation: false });
  const sizes: number[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let resolveDone = () => undefined as void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (sizes.length >= 1_000) return resolveDone();
        const headerBytes = Object.entries(message.headers ?? {}).reduce(
          (sum, [k, v]) => sum + k.length + (v ? Buffer.byteLength(v as Buffer | string) : 0),
          0,
        );
        sizes.push((message.key?.length ?? 0) + (message.value?.length ?? 0) + headerBytes);
      },
    });
    for (const p of before) consumer.seek({ topic, partition: p.partition, offset: p.offset });
    await Promise.race([done, sleep(20_000)]);
  } finally {
    await consumer.disconnect();
  }
  if (sizes.length === 0) throw new Error(`no records of the import on ${topic} to measure`);
  return Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
}
