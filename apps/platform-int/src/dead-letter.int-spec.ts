import type { Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import {
  CONNECTION_STATUS_CHANGED,
  DEAD_LETTER,
  DeadLetter,
  encodeEvent,
  KAFKA_TOPICS,
  SFDC_TASK_CHANGED,
} from '@task-sync/contracts';
import { ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import {
  connectionErrorOf,
  consumedCount,
  consumerUnderTest,
  groupAtLogEnd,
  kafkaClient,
  publishSettingChanges,
  RECONCILER_TOPICS,
  settingChanged,
  sfdcTaskChanged,
  statusChanged,
  uniqueId,
  useKafkaClients,
  waitForAllCommitted,
} from './support/stack';

describe('messages a consumer cannot handle: invalid ones, and valid ones its handler fails on every time', () => {
  const kafka = useKafkaClients();
  let dlq: Consumer;
  const letters: DeadLetter[] = [];

  beforeAll(async () => {
    const dlqGroup = await groupAtLogEnd(kafka.admin, 'dlq-reader', [KAFKA_TOPICS.deadLetter]);
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
    const { databaseUrl, groupId } = await consumerUnderTest(
      kafka.admin,
      { database: 'dlq', group: 'reconciler-dlq' },
      [KAFKA_TOPICS.settingsChanges],
    );
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

    const reconciler = await ServiceProcess.start('reconciler', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groupId,
    });
    try {
      const [notJson, invalid, wrongTopic] = await waitFor('three dead letters', async () => {
        // Only the reconciler's: any other consumer of the settings topic on this broker dead-letters them too.
        const found = [notJsonKey, invalidKey, misplacedKey].map((k) =>
          letters.find((l) => l.originalKey === k && l.consumer === 'reconciler'),
        );
        return found.every(Boolean) ? (found as DeadLetter[]) : undefined;
      });
      expect(notJson).toMatchObject({
        reasonCode: 'NOT_JSON',
        consumer: 'reconciler',
        sourceTopic: KAFKA_TOPICS.settingsChanges,
      });
      expect(notJson.originalValue).toBe('{"this is not json');
      expect(invalid.reasonCode).toBe('INVALID_EVENT');
      expect(invalid.reason).toMatch(/timeZone/);
      expect(wrongTopic.reasonCode).toBe('UNEXPECTED_EVENT_TYPE');

      // The valid message behind them was applied, and everything is committed.
      await waitFor('the valid change to be applied', () =>
        withPg(databaseUrl, async (c) => {
          const { rows } = await c.query(`SELECT 1 FROM reconciler.connection_setting WHERE connection_id = $1`, [
            valid.connectionId,
          ]);
          return rows.length === 1;
        }),
      );
      await waitForAllCommitted(kafka.admin, groupId, KAFKA_TOPICS.settingsChanges);
      expect(await consumedCount(reconciler, KAFKA_TOPICS.settingsChanges, 'dead-lettered')).toBe(3);
    } finally {
      await reconciler.stop();
    }
  });

  it('a valid message its handler fails on every time (a poison message) is dead-lettered with the error and where it was; the partition moves on; its connection says which', async () => {
    const { databaseUrl, groupId } = await consumerUnderTest(
      kafka.admin,
      { database: 'dlq_poison', group: 'settings-poison' },
      [KAFKA_TOPICS.connectionStatus],
    );
    const [poisoned, healthy] = [randomUUID(), randomUUID()];
    const report = (connectionId: string, used: number) =>
      statusChanged(connectionId, { apiUsage: { used, limit: 15_000 } });
    // A count the contract accepts and the database cannot store (int): the handler fails on it every time.
    await kafka.producer.send({
      topic: KAFKA_TOPICS.connectionStatus,
      messages: [
        {
          key: `${poisoned}:00T000000000042AAA`,
          value: encodeEvent(CONNECTION_STATUS_CHANGED, report(poisoned, 3_000_000_000)),
        },
        { key: `${poisoned}:00T000000000042AAA`, value: encodeEvent(CONNECTION_STATUS_CHANGED, report(healthy, 12)) },
      ],
    });
    const settings = await ServiceProcess.start('connector-settings', {
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'poison-spec-secret-poison-spec-secret-000',
      KAFKA_CONSUMER_GROUP: groupId,
      KAFKA_HANDLER_MAX_ATTEMPTS: '2',
    });
    try {
      const letter = await waitFor('the poison message on the dead-letter topic', async () =>
        letters.find((l) => l.originalKey === `${poisoned}:00T000000000042AAA` && l.consumer === 'connector-settings'),
      );
      expect(letter).toMatchObject({
        reasonCode: 'HANDLER_FAILED',
        sourceTopic: KAFKA_TOPICS.connectionStatus,
        sourcePartition: expect.any(Number),
        sourceOffset: expect.stringMatching(/^\d+$/),
      });
      expect(letter.reason).toMatch(/out of range/);
      expect(JSON.parse(letter.originalValue ?? '{}')).toMatchObject({
        connectionId: poisoned,
        apiUsage: { used: 3_000_000_000 },
      });
      // The report behind it was applied: the partition moved on.
      await waitFor('the next report to be applied', () =>
        withPg(
          databaseUrl,
          async (c) =>
            (
              await c.query(`SELECT api_used FROM connector_settings.connection_status WHERE connection_id = $1`, [
                healthy,
              ])
            ).rows[0]?.api_used === 12,
        ),
      );
      // The poisoned connection's status names the task.
      const error = await waitFor('the poisoned connection to show the error', () =>
        connectionErrorOf(databaseUrl, poisoned, 'MESSAGE_DEAD_LETTERED'),
      );
      expect(error.last_message).toMatch(
        /^task 00T000000000042AAA: sync\.connection-status\.v1 offset \d+ could not be handled \(.*out of range.*\); it is on the dead-letter topic$/,
      );
      await waitForAllCommitted(kafka.admin, groupId, KAFKA_TOPICS.connectionStatus);
      expect(await consumedCount(settings, KAFKA_TOPICS.connectionStatus, 'dead-lettered')).toBe(1);
    } finally {
      await settings.stop();
    }
  });

  it('in a run of changes read at once, the invalid one is dead-lettered alone, and the valid ones around it are applied once each', async () => {
    const { databaseUrl, groupId } = await consumerUnderTest(
      kafka.admin,
      { database: 'dlq_run', group: 'reconciler-dlq-run' },
      RECONCILER_TOPICS,
    );
    const connectionId = randomUUID();
    const [a, b] = [sfdcTaskChanged(connectionId), sfdcTaskChanged(connectionId)];
    // One key: one partition, so the reconciler reads the four in one fetch, in this order.
    const key = uniqueId('run');
    await kafka.producer.send({
      topic: KAFKA_TOPICS.sfdcTaskChanges,
      messages: [
        encodeEvent(SFDC_TASK_CHANGED, a),
        '{"broken',
        encodeEvent(SFDC_TASK_CHANGED, b),
        encodeEvent(SFDC_TASK_CHANGED, a),
      ].map((value) => ({ key, value })),
    });

    const reconciler = await ServiceProcess.start('reconciler', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groupId,
    });
    try {
      const letter = await waitFor('the dead letter', async () =>
        letters.find((l) => l.originalKey === key && l.consumer === 'reconciler'),
      );
      expect(letter).toMatchObject({
        reasonCode: 'NOT_JSON',
        sourceTopic: KAFKA_TOPICS.sfdcTaskChanges,
        originalValue: '{"broken',
      });
      await waitForAllCommitted(kafka.admin, groupId, KAFKA_TOPICS.sfdcTaskChanges);
      const processed = await withPg(databaseUrl, (c) =>
        c.query(`SELECT event_id FROM reconciler.processed_message WHERE topic = $1 ORDER BY kafka_offset`, [
          KAFKA_TOPICS.sfdcTaskChanges,
        ]),
      );
      expect(processed.rows.map((r) => r.event_id)).toEqual([a.eventId, b.eventId]);
      const consumed = (outcome: string) => consumedCount(reconciler, KAFKA_TOPICS.sfdcTaskChanges, outcome);
      expect([await consumed('applied'), await consumed('duplicate'), await consumed('dead-lettered')]).toEqual([
        2, 1, 1,
      ]);
    } finally {
      await reconciler.stop();
    }
  });
});
