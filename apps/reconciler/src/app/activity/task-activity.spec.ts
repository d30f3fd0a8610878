import type { SyncAction, SyncChange } from '@task-sync/sync-rules';
import { buildTaskFields } from '@task-sync/task-domain/testing';
import {
  describeConflict,
  describeDecision,
  describeRead,
  describeWrite,
  originOfChange,
  type ActivitySubject,
} from './task-activity';
import { TaskActivityBatch } from './task-activity.repository';

const of: ActivitySubject = {
  connectionId: 'c1',
  linkId: '00000000-0000-4000-8000-000000000001',
  salesConnectTaskId: 'sc1',
  sfdcTaskId: '00T1',
  subject: 'Call Ana',
};
const change = (over: Partial<SyncChange> = {}): SyncChange => ({
  side: 'sfdc',
  kind: 'upsert',
  taskId: '00T1',
  fields: buildTaskFields({ priority: null }),
  changedAt: '2026-01-01T10:00:00.000Z',
  createdAt: null,
  origin: null,
  source: 'live',
  ...over,
});

describe('task timeline rows', () => {
  it.each([
    ['import', 'drift', 'import'],
    ['reenable-deletes', 'drift', 're-enable'],
    ['live', 'drift', 'live'],
    ['repair', 'drift', 'drift'],
    ['repair', 'resync', 'resync'],
  ] as const)('a %s read (repair as %s) is named %s', (source, repairAs, origin) => {
    expect(originOfChange({ source }, repairAs)).toBe(origin);
  });

  it.each(['stream', 'poll', 'webhook', 'feed'] as const)('a live change read by %s is named so', (via) => {
    expect(originOfChange({ source: 'live', via })).toBe(via);
  });

  it("marks the sync's own write coming back as an echo", () => {
    const row = describeRead(of, change({ origin: 'task-sync' }), 'live', 'task-sync');
    expect(row).toMatchObject({ kind: 'read', side: 'sfdc', origin: 'live', detail: { echo: true } });
    expect(row.summary).toContain("the sync's own write");
    expect(describeRead(of, change(), 'live', 'task-sync').detail).toMatchObject({ echo: false });
  });

  it('names the rule behind an ignored change in plain words', () => {
    const row = describeDecision(of, change(), [{ type: 'ignore', reason: 'outside-import-window' }]);
    expect(row).toMatchObject({ kind: 'decision', outcome: 'ignore', reason: 'outside-import-window' });
    expect(row.summary).toContain('24 hours before sync was turned on (R2)');
  });

  it('lists the writes a change decided and why', () => {
    const actions: SyncAction[] = [
      { type: 'update', side: 'salesconnect', taskId: 'sc1', fields: { title: 'Call Ana' } },
    ];
    const row = describeDecision(of, change(), actions);
    expect(row).toMatchObject({ outcome: 'sync', summary: 'Sync: update in Sales Connect (title)' });
    expect(row.reason).toContain('crosses to the other side');
  });

  it('gives a conflict its field, both values, both times and the winner', () => {
    const conflict = {
      type: 'conflict',
      field: 'title',
      winner: { side: 'sfdc', value: 'B', changedAt: 't2' },
      loser: { side: 'salesconnect', value: 'A', changedAt: 't1' },
    } as const;
    expect(describeConflict(of, conflict)).toMatchObject({
      kind: 'conflict',
      outcome: 'sfdc',
      detail: { field: 'title', winner: { value: 'B' }, loser: { value: 'A' } },
    });
    const batch = new TaskActivityBatch();
    batch.recordDecision(of, change(), [
      conflict,
      { type: 'update', side: 'salesconnect', taskId: 'sc1', fields: { title: 'B' } },
    ]);
    expect(batch.rows.map((r) => r.kind)).toEqual(['decision', 'conflict']);
    expect(batch.rows[0].reason).toContain('the later change wins');
  });

  it("keeps the other side's own message on a failed write", () => {
    const row = describeWrite(
      of,
      { side: 'sfdc', kind: 'update' },
      { kind: 'failed', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', reason: 'Subject may not say URGENT' },
    );
    expect(row).toMatchObject({
      kind: 'write',
      outcome: 'failed',
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      reason: 'Subject may not say URGENT',
      summary: 'Update to Salesforce failed',
    });
    expect(describeWrite(of, { side: 'salesconnect', kind: 'create' }, { kind: 'ok' })).toMatchObject({
      outcome: 'ok',
      code: null,
      summary: 'Create written to Sales Connect',
    });
  });
});
