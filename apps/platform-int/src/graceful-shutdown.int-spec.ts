import { KAFKA_TOPICS } from '@task-sync/contracts';
import { ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import {
  consumerUnderTest,
  RECONCILER_TOPICS,
  offsetsOf,
  publishSettingChanges,
  settingChanged,
  uniqueId,
  useKafkaClients,
} from './support/stack';

const MESSAGES = 3_000;

describe('SIGTERM during consumption', () => {
  const kafka = useKafkaClients();

  it('finishes the message in flight, commits it, exits 0, and a restart applies the rest exactly once', async () => {
    // The reconciler also follows both change topics; this test is about the settings topic only.
    const { databaseUrl, groupId } = await consumerUnderTest(
      kafka.admin,
      { database: 'drain', group: 'reconciler-drain' },
      RECONCILER_TOPICS,
    );
    const tenantId = uniqueId('tenant-drain');
    const events = Array.from({ length: MESSAGES }, () => settingChanged({ tenantId }));
    for (let i = 0; i < events.length; i += 500) await publishSettingChanges(kafka.producer, events.slice(i, i + 500));
    const applied = () =>
      withPg(databaseUrl, async (c) => {
        const { rows } = await c.query(
          `SELECT count(*)::int AS n FROM reconciler.connection_setting WHERE tenant_id = $1`,
          [tenantId],
        );
        return rows[0].n as number;
      });

    const first = await ServiceProcess.start('reconciler', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groupId,
    });
    await waitFor('some messages to be applied', async () => (await applied()) >= 200);
    const { code, ms } = await first.stop('SIGTERM');
    const appliedAtStop = await applied();

    expect(code).toBe(0);
    expect(ms).toBeLessThan(25_000); // SHUTDOWN_TIMEOUT_MS's default
    expect(appliedAtStop).toBeLessThan(MESSAGES); // it really was stopped mid-way
    expect(first.logs.some((l) => l.msg === 'consumer stopped')).toBe(true);

    // Everything applied was committed: no partition holds an applied offset at or past its commit.
    const offsets = await offsetsOf(kafka.admin, groupId, KAFKA_TOPICS.settingsChanges);
    const maxApplied = await withPg(databaseUrl, (c) =>
      c.query(`SELECT partition, max(kafka_offset)::int AS max FROM reconciler.processed_message GROUP BY partition`),
    );
    for (const { partition, max } of maxApplied.rows) {
      expect(max).toBeLessThan(offsets.find((o) => o.partition === partition)?.committed ?? -1);
    }

    const second = await ServiceProcess.start('reconciler', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groupId,
    });
    try {
      await waitFor('every message to be applied', async () => (await applied()) === MESSAGES, 90_000);
      // Nothing was applied twice and nothing redelivered: the first process committed what it did.
      expect(
        await second.metric('tasksync_kafka_messages_consumed_total', {
          topic: KAFKA_TOPICS.settingsChanges,
          outcome: 'duplicate',
        }),
      ).toBe(0);
      const history = await withPg(databaseUrl, (c) =>
        c.query(
          `SELECT count(*)::int AS n FROM reconciler.connection_setting_change h
             JOIN reconciler.connection_setting s USING (connection_id) WHERE s.tenant_id = $1`,
          [tenantId],
        ),
      );
      expect(history.rows[0].n).toBe(MESSAGES);
    } finally {
      await second.stop();
    }
  });
});
