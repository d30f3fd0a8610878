import type { Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DEAD_LETTER, DeadLetter, encodeEvent, KAFKA_TOPICS, SFDC_TASK_CHANGED, type SfdcTaskChanged } from '@task-sync/contracts';
import { ServiceProcess } from './support/service-process';
import {
  createDatabase,
  kafkaClient,
  offsetsOf,
  publishSettingChanges,
  settingChanged,
  startGroupAtLogEnd,
  testEnv,
  uniqueId,
  waitFor,
  useKafkaClients,
  withPg,
} from './support/stack';

describe('messages that fail validation', () => {
  const kafka = useKafkaClients();
  let dlq: Consumer;
  const letters: DeadLetter[] = [];

  beforeAll(async () => {
    const dlqGroup = uniqueId('dlq-reader');
    await startGroupAtLogEnd(kafka.admin, dlqGroup, KAFKA_TOPICS.deadLetter);
    dlq = kafkaClient().consumer({ groupId: dlqGroup });
    await dlq.connect();
    await dlq.subscribe({ topic: KAFKA_TOPICS.deadLetter });
    await dlq.run({
      eachMessage: async ({ message }) => {
        letters.push(JSON.parse(message.value?.toString() ?? 'null') as DeadLetter);
      },
    });
  });

  afterAll(async () => {
    await dlq.disconnect();
  });

  it('go to the dead-letter topic with the reason, are committed, and the consumer carries on', async () => {
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('dlq'));
    const groupId = uniqueId('reconciler-dlq');
    await startGroupAtLogEnd(kafka.admin, groupId, KAFKA_TOPICS.settingsChanges);
    const notJsonKey = uniqueId('not-json');
    const invalidKey = uniqueId('invalid');
    const misplacedKey = uniqueId('misplaced');
    const misplaced: DeadLetter = {
      eventId: randomUUID(),
      type: DEAD_LETTER,
      occurredAt: new Date().toISOString(),
      consumer: 'someone',
      sourceTopic: 'x',
      sourcePartition: 0,
      sourceOffset: '0',
      reasonCode: 'X',
      reason: 'a valid event of a type this topic does not carry',
      originalKey: null,
      originalHeaders: {},
      originalValue: null,
    };
    await kafka.producer.send({
      topic: KAFKA_TOPICS.settingsChanges,
      messages: [
        { key: notJsonKey, value: '{"this is not json' },
        { key: invalidKey, value: JSON.stringify({ ...settingChanged(), timeZone: 42 }) },
        { key: misplacedKey, value: encodeEvent(DEAD_LETTER, misplaced) },
      ],
    });
    const valid = settingChanged();
    await publishSettingChanges(kafka.producer, [valid]);

    const reconciler = await ServiceProcess.start('reconciler', { DATABASE_URL: databaseUrl, KAFKA_CONSUMER_GROUP: groupId });
    try {
      const [notJson, invalid, wrongTopic] = await waitFor('three dead letters', async () => {
        // Only the reconciler's: any other consumer of the settings topic on this broker dead-letters them too.
        const found = [notJsonKey, invalidKey, misplacedKey].map((k) => letters.find((l) => l.originalKey === k && l.consumer === 'reconciler'));
        return found.every(Boolean) ? (found as DeadLetter[]) : undefined;
      });
      expect(notJson).toMatchObject({ reasonCode: 'NOT_JSON', consumer: 'reconciler', sourceTopic: KAFKA_TOPICS.settingsChanges });
      expect(notJson.originalValue).toBe('{"this is not json');
      expect(invalid.reasonCode).toBe('INVALID_EVENT');
      expect(invalid.reason).toMatch(/timeZone/);
      expect(wrongTopic.reasonCode).toBe('UNEXPECTED_EVENT_TYPE');

      // The valid message behind them was applied, and everything is committed.
      await waitFor('the valid change to be applied', () =>
        withPg(databaseUrl, async (c) => {
          const { rows } = await c.query(`SELECT 1 FROM reconciler.connection_setting WHERE connection_id = $1`, [valid.connectionId]);
          return rows.length === 1;
        }),
      );
      await waitFor('all offsets committed', async () =>
        (await offsetsOf(kafka.admin, groupId, KAFKA_TOPICS.settingsChanges)).every((p) => p.committed === p.end),
      );
      expect(await reconciler.metric('tasksync_kafka_messages_consumed_total', { outcome: 'dead-lettered' })).toBe(3);
    } finally {
      await reconciler.stop();
    }
  });

  it('in a run of changes read at once, the invalid one is dead-lettered alone, and the valid ones around it are applied once each', async () => {
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('dlq_run'));
    const groupId = uniqueId('reconciler-dlq-run');
    for (const topic of [KAFKA_TOPICS.settingsChanges, KAFKA_TOPICS.sfdcTaskChanges, KAFKA_TOPICS.salesconnectTaskChanges]) await startGroupAtLogEnd(kafka.admin, groupId, topic);
    const connectionId = randomUUID();
    const change = (): SfdcTaskChanged => {
      const at = new Date().toISOString();
      const taskId = `00T${randomUUID().replace(/-/g, '').slice(0, 15)}`;
      return { eventId: randomUUID(), type: SFDC_TASK_CHANGED, occurredAt: at, connectionId, kind: 'upsert', taskId, fields: { title: 'Call Ana', details: '', dueDate: '2026-12-01', open: true, priority: null, type: 'call', contactEmail: null }, changedAt: at, createdAt: at, origin: null, source: 'live', externalId: null } as SfdcTaskChanged;
    };
    const [a, b] = [change(), change()];
    // One key: one partition, so the reconciler reads the four in one fetch, in this order.
    const key = uniqueId('run');
    await kafka.producer.send({
      topic: KAFKA_TOPICS.sfdcTaskChanges,
      messages: [encodeEvent(SFDC_TASK_CHANGED, a), '{"broken', encodeEvent(SFDC_TASK_CHANGED, b), encodeEvent(SFDC_TASK_CHANGED, a)].map((value) => ({ key, value })),
    });

    const reconciler = await ServiceProcess.start('reconciler', { DATABASE_URL: databaseUrl, KAFKA_CONSUMER_GROUP: groupId });
    try {
      const letter = await waitFor('the dead letter', async () => letters.find((l) => l.originalKey === key && l.consumer === 'reconciler'));
      expect(letter).toMatchObject({ reasonCode: 'NOT_JSON', sourceTopic: KAFKA_TOPICS.sfdcTaskChanges, originalValue: '{"broken' });
      await waitFor('all offsets committed', async () =>
        (await offsetsOf(kafka.admin, groupId, KAFKA_TOPICS.sfdcTaskChanges)).every((p) => p.committed === p.end),
      );
      const processed = await withPg(databaseUrl, (c) => c.query(`SELECT event_id FROM reconciler.processed_message WHERE topic = $1 ORDER BY kafka_offset`, [KAFKA_TOPICS.sfdcTaskChanges]));
      expect(processed.rows.map((r) => r.event_id)).toEqual([a.eventId, b.eventId]);
      const consumed = (outcome: string) => reconciler.metric('tasksync_kafka_messages_consumed_total', { topic: KAFKA_TOPICS.sfdcTaskChanges, outcome });
      expect([await consumed('applied'), await consumed('duplicate'), await consumed('dead-lettered')]).toEqual([2, 1, 1]);
    } finally {
      await reconciler.stop();
    }
  });
});
