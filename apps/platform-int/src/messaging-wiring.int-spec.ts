import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { encodeEvent, KAFKA_TOPICS, TASK_SYNC_SETTING_CHANGED } from '@task-sync/contracts';
import { createDatabase, ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import { settingChanged, startGroupAtLogEnd, testEnv, uniqueId, useKafkaClients } from './support/stack';

// connector-settings' outbox relay (producer code) → the real broker → the consumer code of the
// three other services, each applying the change in its own schema.
describe('messaging through the real broker', () => {
  const services: ServiceProcess[] = [];
  let databaseUrl: string;

  const kafka = useKafkaClients();

  beforeAll(async () => {
    databaseUrl = await createDatabase(testEnv.newDatabaseName('wiring'));
    const env = { DATABASE_URL: databaseUrl };
    // New groups start at the log end: only this test's message matters, not the topic's history.
    const groups = {
      sfdc: uniqueId('sfdc-ingest'),
      salesconnect: uniqueId('salesconnect-ingest'),
      reconciler: uniqueId('reconciler'),
    };
    for (const group of Object.values(groups))
      await startGroupAtLogEnd(kafka.admin, group, KAFKA_TOPICS.settingsChanges);
    const started = await Promise.all([
      ServiceProcess.start('connector-settings', env),
      ServiceProcess.start('sfdc-ingest', { ...env, KAFKA_CONSUMER_GROUP: groups.sfdc }),
      ServiceProcess.start('salesconnect-ingest', { ...env, KAFKA_CONSUMER_GROUP: groups.salesconnect }),
      ServiceProcess.start('reconciler', { ...env, KAFKA_CONSUMER_GROUP: groups.reconciler }),
    ]);
    services.push(...started);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
  });

  it('all four services report ready with their Kafka and PostgreSQL checks', async () => {
    for (const service of services) {
      const res = await fetch(`${service.url}/health/ready`);
      const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
      expect(res.status).toBe(200);
      expect(body.checks['postgres']).toEqual({ ok: true });
      expect(body.checks['kafka']).toEqual({ ok: true });
      expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
      expect(await (await fetch(`${service.url}/metrics`)).text()).toMatch(/process_resident_memory_bytes/);
    }
  });

  it('a change written to the outbox in one transaction is published and applied by every consumer', async () => {
    const event = settingChanged({ connectionId: uniqueId('wired') });
    await withPg(databaseUrl, (c) =>
      c.query(
        `INSERT INTO connector_settings.outbox_message (event_id, event_type, topic, message_key, payload)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          event.eventId,
          event.type,
          KAFKA_TOPICS.settingsChanges,
          event.connectionId,
          encodeEvent(TASK_SYNC_SETTING_CHANGED, event),
        ],
      ),
    );

    for (const schema of ['sfdc_ingest', 'salesconnect_ingest', 'reconciler']) {
      const row = await waitFor(`${schema} to apply the change`, () =>
        withPg(databaseUrl, async (c) => {
          const { rows } = await c.query(
            `SELECT enabled, time_zone FROM ${schema}.connection_setting WHERE connection_id = $1`,
            [event.connectionId],
          );
          return rows[0];
        }),
      );
      expect(row).toEqual({ enabled: true, time_zone: 'America/Los_Angeles' });
    }
    const published = await withPg(databaseUrl, (c) =>
      c.query(`SELECT published_at FROM connector_settings.outbox_message WHERE event_id = $1`, [event.eventId]),
    );
    expect(published.rows[0].published_at).not.toBeNull();
  });

  it('provisioning the topics again changes nothing', () => {
    const out = execFileSync('node', [path.resolve(__dirname, '../../../dist/tools/provision-topics/main.js')], {
      env: { PATH: process.env.PATH, KAFKA_BROKERS: testEnv.brokers.join(',') },
    }).toString();
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}');
    expect(result.created).toEqual([]);
    expect(result.unchanged.sort()).toEqual(Object.values(KAFKA_TOPICS).sort());
  });
});
