import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import {
  CONNECTION_STATUS_CHANGED,
  encodeEvent,
  KAFKA_TOPICS,
  MESSAGE_HEADERS,
  SFDC_TASK_CHANGED,
  TASK_SYNC_SETTING_CHANGED,
  type ConnectionStatusChanged,
  type SfdcTaskChanged,
  TaskSyncSettingChanged,
} from '@task-sync/contracts';
import { adminDatabaseUrl, createDatabase, type ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';

export const testEnv = {
  get brokers(): string[] {
    return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  },
  get databaseUrl(): string {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set: run through the int-test target');
    return url;
  },
  get adminDatabaseUrl(): string {
    return adminDatabaseUrl();
  },
  /** A name for a database of a test's own, dropped by the global teardown. */
  newDatabaseName(suffix: string): string {
    return `${process.env.TASKSYNC_IT_DATABASE}_${suffix}`;
  },
};

export function kafkaClient(): Kafka {
  return new Kafka({ clientId: 'platform-int', brokers: testEnv.brokers, logLevel: logLevel.NOTHING });
}

/** A unique id per test, so tests sharing the broker never read each other's rows. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function settingChanged(overrides: Partial<TaskSyncSettingChanged> = {}): TaskSyncSettingChanged {
  const at = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: TASK_SYNC_SETTING_CHANGED,
    occurredAt: at,
    tenantId: 'tenant-it',
    userId: 'user-it',
    connectionId: uniqueId('conn'),
    enabled: true,
    kind: 'first-enable',
    changedAt: at,
    timeZone: 'America/Los_Angeles',
    ...overrides,
  };
}

/** A service's status report for a connection, as published on the status topic (sfdc-ingest's, syncing, now, unless told). */
export function statusChanged(
  connectionId: string,
  fields: Partial<ConnectionStatusChanged> = {},
): ConnectionStatusChanged {
  return {
    eventId: randomUUID(),
    type: CONNECTION_STATUS_CHANGED,
    occurredAt: new Date().toISOString(),
    connectionId,
    reportedBy: 'sfdc-ingest',
    state: 'syncing',
    ...fields,
  };
}

/** A Salesforce task's upsert as sfdc-ingest publishes it (a new task id each time, read live, now). */
export function sfdcTaskChanged(connectionId: string): SfdcTaskChanged {
  const at = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: SFDC_TASK_CHANGED,
    occurredAt: at,
    connectionId,
    kind: 'upsert',
    taskId: `00T${randomUUID().replace(/-/g, '').slice(0, 15)}`,
    fields: {
      title: 'Call Ana',
      details: '',
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
  } as SfdcTaskChanged;
}

export async function connectedProducer(): Promise<Producer> {
  const producer = kafkaClient().producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}

export async function publishSettingChanges(producer: Producer, events: TaskSyncSettingChanged[]): Promise<void> {
  await producer.send({
    topic: KAFKA_TOPICS.settingsChanges,
    acks: -1,
    messages: events.map((e) => ({
      key: e.connectionId,
      value: encodeEvent(TASK_SYNC_SETTING_CHANGED, e),
      headers: { [MESSAGE_HEADERS.eventId]: e.eventId, [MESSAGE_HEADERS.eventType]: e.type },
    })),
  });
}

export async function offsetsOf(admin: Admin, groupId: string, topic: string) {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.map((end) => ({
    partition: end.partition,
    end: Number(end.high),
    committed: Number(committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1'),
  }));
}

export async function startGroupAtLogEnd(admin: Admin, groupId: string, topic: string): Promise<void> {
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
}

/** A new consumer group (`name-…`) that starts at the log end of each of `topics`; returns its id. */
export async function groupAtLogEnd(admin: Admin, name: string, topics: readonly string[]): Promise<string> {
  const groupId = uniqueId(name);
  for (const topic of topics) await startGroupAtLogEnd(admin, groupId, topic);
  return groupId;
}

export function waitForAllCommitted(admin: Admin, groupId: string, topic: string, what = 'all offsets committed') {
  return waitFor(what, async () => (await offsetsOf(admin, groupId, topic)).every((p) => p.committed === p.end));
}

/** How many messages of `topic` a service's consumer counted with `outcome` (applied, duplicate, dead-lettered). */
export function consumedCount(service: ServiceProcess, topic: string, outcome: string): Promise<number> {
  return service.metric('tasksync_kafka_messages_consumed_total', { topic, outcome });
}

/** A connection's error of one code as connector-settings stores it for the status, if there is one. */
export async function connectionErrorOf(
  databaseUrl: string,
  connectionId: string,
  code: string,
): Promise<{ count: number; last_message: string } | undefined> {
  const { rows } = await withPg(databaseUrl, (c) =>
    c.query(
      `SELECT count, last_message FROM connector_settings.connection_error WHERE connection_id = $1 AND code = $2`,
      [connectionId, code],
    ),
  );
  return rows[0];
}

export const RECONCILER_TOPICS = [
  KAFKA_TOPICS.settingsChanges,
  KAFKA_TOPICS.sfdcTaskChanges,
  KAFKA_TOPICS.salesconnectTaskChanges,
] as const;

/**
 * What a consumer under test gets of its own: a database (`database`, dropped by the global
 * teardown) and a consumer group named after `group` that starts at the log end of `topics`, so it
 * reads only what the test publishes.
 */
export async function consumerUnderTest(
  admin: Admin,
  names: { database: string; group: string },
  topics: readonly string[],
): Promise<{ databaseUrl: string; groupId: string }> {
  const databaseUrl = await createDatabase(testEnv.newDatabaseName(names.database));
  return { databaseUrl, groupId: await groupAtLogEnd(admin, names.group, topics) };
}

/**
 * A producer and an admin client for one spec file, connected before its tests and closed after:
 * `const kafka = useKafkaClients();` then `kafka.producer`, `kafka.admin` inside the tests.
 */
export function useKafkaClients(): { producer: Producer; admin: Admin } {
  const clients = {} as { producer: Producer; admin: Admin };
  beforeAll(async () => {
    clients.producer = await connectedProducer();
    clients.admin = kafkaClient().admin();
    await clients.admin.connect();
  });
  afterAll(async () => {
    await Promise.all([clients.producer?.disconnect(), clients.admin?.disconnect()]);
  });
  return clients;
}
