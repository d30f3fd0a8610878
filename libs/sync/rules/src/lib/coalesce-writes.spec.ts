import type { TaskFields } from '@task-sync/task-domain';
import { buildTaskFields } from '@task-sync/task-domain/testing';
import { coalesceWrites, type QueuedRow } from './coalesce-writes';

const fields = buildTaskFields({ title: 'Call' });
let n = 0;
const row = (linkId: string, action: QueuedRow['action'], due = true, side: QueuedRow['side'] = 'sfdc'): QueuedRow => ({
  id: String(++n),
  linkId,
  side,
  action,
  due,
});

describe("a task's queued writes fold into one, in order, and never overtake a write waiting for its retry (coalesceWrites)", () => {
  it.each<[string, QueuedRow['action'][], string, Partial<TaskFields>]>([
    [
      'create then edits → one create with the last values',
      [{ type: 'create', fields }, { type: 'update', fields: { title: 'Call back' } }, { type: 'complete' }],
      'create',
      { ...fields, title: 'Call back', open: false },
    ],
    [
      'edits → one update, later values win',
      [
        { type: 'update', fields: { title: 'a' } },
        { type: 'update', fields: { title: 'b', details: 'd' } },
        { type: 'reopen' },
      ],
      'update',
      { title: 'b', details: 'd', open: true },
    ],
    ['edit then delete → delete', [{ type: 'update', fields: { title: 'a' } }, { type: 'delete' }], 'delete', {}],
    ['create then delete → nothing to write', [{ type: 'create', fields }, { type: 'delete' }], 'none', {}],
    [
      'delete then a late edit → still a delete',
      [{ type: 'delete' }, { type: 'update', fields: { title: 'late' } }],
      'delete',
      {},
    ],
  ])('%s', (_name, actions, kind, expected) => {
    const rows = actions.map((a) => row('L1', a));
    expect(coalesceWrites(rows)).toEqual([
      { linkId: 'L1', side: 'sfdc', kind, fields: expected, rowIds: rows.map((r) => r.id) },
    ]);
  });

  it('keeps tasks and sides apart, in the order they were first queued', () => {
    const rows = [
      row('L2', { type: 'complete' }),
      row('L1', { type: 'create', fields }),
      row('L2', { type: 'complete' }, true, 'salesconnect'),
    ];
    expect(coalesceWrites(rows).map((w) => `${w.side}:${w.linkId}:${w.kind}`)).toEqual([
      'sfdc:L2:update',
      'sfdc:L1:create',
      'salesconnect:L2:update',
    ]);
  });

  it("holds a task's later writes behind one waiting for its retry, and lets other tasks go", () => {
    const waiting = row('L1', { type: 'update', fields: { title: 'a' } }, false);
    const rows = [waiting, row('L1', { type: 'update', fields: { title: 'b' } }), row('L2', { type: 'delete' })];
    expect(coalesceWrites(rows)).toEqual([
      { linkId: 'L2', side: 'sfdc', kind: 'delete', fields: {}, rowIds: [rows[2].id] },
    ]);
  });
});
