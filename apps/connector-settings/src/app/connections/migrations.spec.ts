import type { QueryRunner } from 'typeorm';
import { decodeEvent, KAFKA_TOPICS, TaskSyncSettingChanged } from '@task-sync/contracts';
import type { OutboxEntry } from '@task-sync/data-access-messaging';
import { RepublishLatestSettingChange1764000000207 } from './migrations';

const row = (n: number, kind: 'first-enable' | 're-enable' | 'disable', changedAt: string) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  tenant_id: 'acme',
  user_id: `user-${n}`,
  time_zone: 'America/Sao_Paulo',
  sfdc_org_id: '00D000000000001AAA',
  sfdc_user_id: `005${String(n).padStart(15, '0')}`,
  kind,
  changed_at: new Date(changedAt),
});

/** A QueryRunner that answers the latest changes and keeps what goes into the outbox, batch by batch. */
function fakeQueryRunner(rows: ReturnType<typeof row>[]) {
  const batches: OutboxEntry[][] = [];
  const q = {
    query: async () => rows,
    manager: {
      query: async (sql: string, params: string[][] = []) => {
        // enqueueOutbox's insert: one array a field, in the entries' order.
        if (sql.includes('INSERT INTO outbox_message')) {
          const [eventIds, eventTypes, topics, keys, payloads] = params;
          batches.push(
            eventIds.map((eventId, i) => ({
              eventId,
              eventType: eventTypes[i],
              topic: topics[i],
              key: keys[i],
              payload: payloads[i],
            })),
          );
        }
        return [];
      },
    },
  } as unknown as QueryRunner;
  return { q, batches };
}

describe('RepublishLatestSettingChange1764000000207', () => {
  it.each([
    ['first-enable', true],
    ['re-enable', true],
    ['disable', false],
  ] as const)(
    "publishes a connection's latest %s again: the same kind and instant, now with its Salesforce org and user",
    async (kind, enabled) => {
      const latest = row(1, kind, '2026-11-02T10:00:00.123Z');
      const { q, batches } = fakeQueryRunner([latest]);
      await new RepublishLatestSettingChange1764000000207().up(q);

      const [[entry]] = batches;
      expect(entry).toMatchObject({ topic: KAFKA_TOPICS.settingsChanges, key: latest.id });
      const event = decodeEvent(entry.payload, KAFKA_TOPICS.settingsChanges) as TaskSyncSettingChanged;
      expect(event).toMatchObject({
        eventId: entry.eventId,
        connectionId: latest.id,
        tenantId: 'acme',
        userId: 'user-1',
        timeZone: 'America/Sao_Paulo',
        kind,
        enabled,
        changedAt: '2026-11-02T10:00:00.123Z',
        sfdcOrgId: '00D000000000001AAA',
        sfdcUserId: latest.sfdc_user_id,
      });
    },
  );

  it('gives each event its own id, and enqueues in slices a statement can hold', async () => {
    const rows = Array.from({ length: 2_001 }, (_, n) => row(n, 're-enable', '2026-11-02T10:00:00Z'));
    const { q, batches } = fakeQueryRunner(rows);
    await new RepublishLatestSettingChange1764000000207().up(q);

    expect(batches.map((b) => b.length)).toEqual([1_000, 1_000, 1]);
    const entries = batches.flat();
    expect(entries.map((e) => e.key)).toEqual(rows.map((r) => r.id));
    expect(new Set(entries.map((e) => e.eventId)).size).toBe(rows.length);
  });
});
