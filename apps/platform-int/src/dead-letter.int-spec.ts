import type { Admin, Consumer, Producer } from 'kafkajs';
import { DeadLetter, KAFKA_TOPICS } from '@task-sync/contracts';
import { ServiceProcess } from './support/service-process';
import {
  connectedProducer,
  createDatabase,
  kafkaClient,
  offsetsOf,
  publishSettingChanges,
  settingChanged,
  startGroupAtLogEnd,
  testEnv,
  uniqueId,
  waitFor,
  withPg,
} from './support/stack';

describe('messages that fail validation', () => {
  let producer: Producer;
  let admin: Admin;
  let dlq: Consumer;
  const letters: DeadLetter[] = [];

  beforeAll(async () => {
    producer = await connectedProducer();
    admin = kafkaClient().admin();
    await admin.connect();
    const dlqGroup = uniqueId('dlq-reader');
    await startGroupAtLogEnd(admin, dlqGroup, KAFKA_TOPICS.deadLetter);
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
    await Promise.all([producer.disconnect(), admin.disconnect(), dlq.disconnect()]);
  });

  it('go to the dead-letter topic with the reason, are committed, and the consumer carries on', async () => {
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('dlq'));
    const groupId = uniqueId('reconciler-dlq');
    await startGroupAtLogEnd(admin, groupId, KAFKA_TOPICS.settingsChanges);
    const notJsonKey = uniqueId('not-json');
    const invalidKey = uniqueId('invalid');
    await producer.send({
      topic: KAFKA_TOPICS.settingsChanges,
      messages: [
        { key: notJsonKey, value: '{"this is not json' },
        { key: invalidKey, value: JSON.stringify({ ...settingChanged(), timeZone: 42 }) },
      ],
    });
    const valid = settingChanged();
    await publishSettingChanges(producer, [valid]);

    const reconciler = await ServiceProcess.start('reconciler', { DATABASE_URL: databaseUrl, KAFKA_CONSUMER_GROUP: groupId });
    try {
      const [notJson, invalid] = await waitFor('both dead letters', async () => {
        const a = letters.find((l) => l.originalKey === notJsonKey);
        const b = letters.find((l) => l.originalKey === invalidKey);
        return a && b ? [a, b] : undefined;
      });
      expect(notJson).toMatchObject({ reasonCode: 'NOT_JSON', consumer: 'reconciler', sourceTopic: KAFKA_TOPICS.settingsChanges });
      expect(notJson.originalValue).toBe('{"this is not json');
      expect(invalid.reasonCode).toBe('INVALID_EVENT');
      expect(invalid.reason).toMatch(/timeZone/);

      // The valid message behind them was applied, and everything is committed.
      await waitFor('the valid change to be applied', () =>
        withPg(databaseUrl, async (c) => {
          const { rows } = await c.query(`SELECT 1 FROM reconciler.connection_setting WHERE connection_id = $1`, [valid.connectionId]);
          return rows.length === 1;
        }),
      );
      await waitFor('all offsets committed', async () =>
        (await offsetsOf(admin, groupId, KAFKA_TOPICS.settingsChanges)).every((p) => p.committed === p.end),
      );
      expect(await reconciler.metric('tasksync_kafka_messages_consumed_total', { outcome: 'dead-lettered' })).toBe(2);
    } finally {
      await reconciler.stop();
    }
  });
});
