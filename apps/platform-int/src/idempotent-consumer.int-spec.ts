import { KAFKA_TOPICS } from '@task-sync/contracts';
import { ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import {
  consumerUnderTest,
  RECONCILER_TOPICS,
  offsetsOf,
  publishSettingChanges,
  settingChanged,
  useKafkaClients,
} from './support/stack';
import { setTimeout as sleep } from 'node:timers/promises';

describe('idempotent consumer', () => {
  const kafka = useKafkaClients();

  it('the same event delivered twice has one effect, and the committed offset is the last offset + 1', async () => {
    // The reconciler also follows both change topics; this test is about the settings topic only.
    const { databaseUrl, groupId } = await consumerUnderTest(
      kafka.admin,
      { database: 'idem', group: 'reconciler-idem' },
      RECONCILER_TOPICS,
    );
    const event = settingChanged();
    // The same message twice (a producer retry or an outbox re-send), then a later change.
    await publishSettingChanges(kafka.producer, [event, event]);
    const later = settingChanged({ connectionId: event.connectionId, kind: 'disable', enabled: false });
    await publishSettingChanges(kafka.producer, [later]);

    const reconciler = await ServiceProcess.start('reconciler', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groupId,
    });
    try {
      // Caught up: every partition's committed offset has reached the log end.
      await waitFor('the group to commit up to the log end', async () =>
        (await offsetsOf(kafka.admin, groupId, KAFKA_TOPICS.settingsChanges)).every((p) => p.committed === p.end),
      );
      const history = await withPg(databaseUrl, (c) =>
        c.query(
          `SELECT event_id, kind FROM reconciler.connection_setting_change WHERE connection_id = $1 ORDER BY changed_at`,
          [event.connectionId],
        ),
      );
      expect(history.rows).toEqual([
        { event_id: event.eventId, kind: 'first-enable' },
        { event_id: later.eventId, kind: 'disable' },
      ]);
      expect(
        await reconciler.metric('tasksync_kafka_messages_consumed_total', {
          topic: KAFKA_TOPICS.settingsChanges,
          outcome: 'duplicate',
        }),
      ).toBe(1);
      expect(
        await reconciler.metric('tasksync_kafka_messages_consumed_total', {
          topic: KAFKA_TOPICS.settingsChanges,
          outcome: 'applied',
        }),
      ).toBe(2);
      const current = await withPg(databaseUrl, (c) =>
        c.query(`SELECT enabled FROM reconciler.connection_setting WHERE connection_id = $1`, [event.connectionId]),
      );
      expect(current.rows).toEqual([{ enabled: false }]);
    } finally {
      await reconciler.stop();
    }

    // A restart in the same group re-reads nothing: offset + 1 was committed, not offset.
    const again = await ServiceProcess.start('reconciler', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groupId,
    });
    try {
      await again.waitForLog((l) => l.msg === 'joined consumer group');
      await sleep(2_000);
      expect(await again.metric('tasksync_kafka_messages_consumed_total')).toBe(0);
    } finally {
      await again.stop();
    }
  });
});
