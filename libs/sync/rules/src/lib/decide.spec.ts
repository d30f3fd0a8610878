import { CalendarDate, Side, TaskFields, TaskLink, TASK_FIELD_NAMES } from '@task-sync/task-domain';
import { buildTaskFields } from '@task-sync/task-domain/testing';
import { viewAsSfdc } from '@task-sync/task-mapping';
import type { ConnectionSyncSettings } from './connection-settings';
import { decideOnChange } from './decide';
import type { SyncAction } from './sync-action';
import type { SyncChange } from './sync-change';

const OURS = 'task-sync';
const FIRST_ENABLE = '2026-11-20T12:00:00.000Z';
const enabled: ConnectionSyncSettings = { enabled: true, history: [{ kind: 'first-enable', at: FIRST_ENABLE }] };

const fields = (overrides: Partial<TaskFields> = {}): TaskFields =>
  buildTaskFields({ dueDate: '2026-11-25' as CalendarDate, ...overrides });

const change = (overrides: Partial<SyncChange> = {}): SyncChange => ({
  side: 'salesconnect',
  kind: 'upsert',
  taskId: 'sct_1',
  fields: fields(),
  changedAt: '2026-11-21T09:00:00.000Z',
  createdAt: '2026-11-21T09:00:00.000Z',
  origin: 'salesconnect-ui',
  source: 'live',
  ...overrides,
});

function linkOf(f: TaskFields, at: string, side: Side = 'salesconnect'): TaskLink {
  return {
    connectionId: 'conn-1',
    salesConnectTaskId: 'sct_1',
    sfdcTaskId: '00T1',
    createdFrom: side,
    fields: Object.fromEntries(
      TASK_FIELD_NAMES.map((n) => [n, { value: f[n], changedAt: at, side }]),
    ) as TaskLink['fields'],
    lastSeen: { salesconnect: at, sfdc: at },
    observed: { salesconnect: f, sfdc: viewAsSfdc(f) },
    pending: { salesconnect: {}, sfdc: {} },
  };
}

const decide = (c: SyncChange, link: TaskLink | null = null, settings = enabled) =>
  decideOnChange({ connectionId: 'conn-1', settings, link, ourOrigin: OURS }, c);
const types = (actions: SyncAction[]) =>
  actions.map((a) => (a.type === 'ignore' ? `ignore:${a.reason}` : `${a.type}${'side' in a ? `:${a.side}` : ''}`));

describe('R2: first enable imports Salesforce tasks of the last 24 hours only', () => {
  const imported = (changedAt: string, overrides: Partial<SyncChange> = {}) =>
    decide(
      change({
        side: 'sfdc',
        taskId: '00T9',
        source: 'import',
        enableAt: FIRST_ENABLE,
        changedAt,
        origin: null,
        ...overrides,
      }),
    );

  it.each([
    ['exactly 24 hours before the enable', '2026-11-19T12:00:00.000Z', ['create:salesconnect']],
    ['one hour before the enable', '2026-11-20T11:00:00.000Z', ['create:salesconnect']],
    ['at the enable instant', FIRST_ENABLE, ['create:salesconnect']],
    // Made while on (R6), read by the import's query all the same: the live read of it is a duplicate the ingest drops.
    ['a second after the enable, before the import read it', '2026-11-20T12:00:01.000Z', ['create:salesconnect']],
    ['one millisecond more than 24 hours before', '2026-11-19T11:59:59.999Z', ['ignore:outside-import-window']],
    ['25 hours before', '2026-11-19T11:00:00.000Z', ['ignore:outside-import-window']],
  ])('a task modified %s: %j', (_label, changedAt, expected) => {
    expect(types(imported(changedAt))).toEqual(expected);
  });

  it('imports a completed task as completed, whatever its due date', () => {
    const [create] = imported('2026-11-20T10:00:00.000Z', {
      fields: fields({ open: false, dueDate: '2019-01-01' as CalendarDate }),
    });
    expect(create).toMatchObject({
      type: 'create',
      side: 'salesconnect',
      fields: { open: false, dueDate: '2019-01-01' },
    });
  });

  it('gives a Low task the Sales Connect default priority, Normal', () => {
    const [create] = imported('2026-11-20T10:00:00.000Z', { fields: fields({ priority: null }) });
    expect(create).toMatchObject({ type: 'create', fields: { priority: 'normal' } });
  });

  it('links the new task to the Salesforce one', () => {
    const [create] = imported('2026-11-20T10:00:00.000Z');
    expect(create).toMatchObject({ link: { sfdcTaskId: '00T9', salesConnectTaskId: null, createdFrom: 'sfdc' } });
  });
});

describe('R3: first enable pushes nothing from Sales Connect', () => {
  it.each([
    ['created a day before the enable', '2026-11-19T12:00:00.000Z', 'ignore:created-before-enable'],
    ['created a millisecond before the enable', '2026-11-20T11:59:59.999Z', 'ignore:created-before-enable'],
  ])('R3: a task %s is never pushed, even when edited after it', (_l, createdAt, expected) => {
    for (const c of [
      change({ createdAt, changedAt: '2026-11-22T00:00:00.000Z' }),
      change({ createdAt, changedAt: '2026-11-22T00:00:00.000Z', fields: fields({ open: false }) }),
      change({ createdAt, kind: 'delete', fields: null, changedAt: '2026-11-22T00:00:00.000Z' }),
    ]) {
      expect(types(decide(c))).toEqual(c.kind === 'delete' ? ['ignore:not-linked'] : [expected]);
    }
  });

  it('R3: a task created at or after the enable is created in Salesforce and linked', () => {
    const actions = decide(change({ createdAt: FIRST_ENABLE, changedAt: FIRST_ENABLE }));
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'create',
        side: 'sfdc',
        link: expect.objectContaining({ salesConnectTaskId: 'sct_1', sfdcTaskId: null }),
      }),
    ]);
  });

  it('R3: a task imported from Salesforce is linked, so its Sales Connect edits do flow back (R6)', () => {
    const link = linkOf(fields(), '2026-11-20T11:00:00.000Z', 'sfdc');
    const actions = decide(
      change({
        createdAt: '2026-11-20T12:00:01.000Z',
        changedAt: '2026-11-21T00:00:00.000Z',
        fields: fields({ title: 'Call Ana today' }),
      }),
      link,
    );
    expect(actions[0]).toEqual({ type: 'update', side: 'sfdc', taskId: '00T1', fields: { title: 'Call Ana today' } });
  });
});

describe('R5: re-enable applies Salesforce deletions of the last 15 days', () => {
  const history: ConnectionSyncSettings = {
    enabled: true,
    history: [
      { kind: 'first-enable', at: '2026-10-01T00:00:00.000Z' },
      { kind: 'disable', at: '2026-10-20T00:00:00.000Z' },
      { kind: 're-enable', at: '2026-11-24T00:00:00.000Z' },
    ],
  };
  const deletion = (changedAt: string) =>
    change({
      side: 'sfdc',
      taskId: '00T1',
      kind: 'delete',
      fields: null,
      source: 'reenable-deletes',
      enableAt: '2026-11-24T00:00:00.000Z',
      changedAt,
      origin: null,
    });
  const link = linkOf(fields(), '2026-10-05T00:00:00.000Z');

  it.each([
    ['15 days before the re-enable exactly', '2026-11-09T00:00:00.000Z', ['delete:salesconnect', 'unlink']],
    ['a day before', '2026-11-23T00:00:00.000Z', ['delete:salesconnect', 'unlink']],
    ['15 days and a millisecond before', '2026-11-08T23:59:59.999Z', ['ignore:deletion-outside-recycle-window']],
    ['16 days before', '2026-11-08T00:00:00.000Z', ['ignore:deletion-outside-recycle-window']],
  ])('R5: a linked task deleted %s: %j', (_l, at, expected) => {
    expect(types(decide(deletion(at), link, history))).toEqual(expected);
  });

  it('R5: a deletion of a task that was never linked changes nothing', () => {
    expect(types(decide(deletion('2026-11-23T00:00:00.000Z'), null, history))).toEqual(['ignore:not-linked']);
  });

  it('R5: the re-enable import never re-creates a linked task: it is an update at most', () => {
    const c = change({
      side: 'sfdc',
      taskId: '00T1',
      source: 'import',
      enableAt: '2026-11-24T00:00:00.000Z',
      changedAt: '2026-11-23T10:00:00.000Z',
      fields: fields({ title: 'Renamed' }),
    });
    expect(types(decide(c, link, history))).toEqual(['update:salesconnect', 'link']);
  });
});

describe('R6: while enabled, changes flow both ways', () => {
  const link = linkOf(fields(), '2026-11-21T00:00:00.000Z');
  const later = '2026-11-22T00:00:00.000Z';

  it.each([
    ['salesconnect', { title: 'New' }, [{ type: 'update', side: 'sfdc', taskId: '00T1', fields: { title: 'New' } }]],
    ['salesconnect', { open: false }, [{ type: 'complete', side: 'sfdc', taskId: '00T1' }]],
    ['sfdc', { open: false }, [{ type: 'complete', side: 'salesconnect', taskId: 'sct_1' }]],
    [
      'sfdc',
      { dueDate: '2026-12-01' as CalendarDate, priority: 'high' as const },
      [{ type: 'update', side: 'salesconnect', taskId: 'sct_1', fields: { dueDate: '2026-12-01', priority: 'high' } }],
    ],
  ] as const)('R6: an edit in %s %j is applied to the other side', (side, patch, expected) => {
    const actions = decide(
      change({ side, taskId: side === 'sfdc' ? '00T1' : 'sct_1', changedAt: later, fields: fields(patch) }),
      link,
    );
    expect(actions.filter((a) => a.type !== 'link')).toEqual(expected);
  });

  it('R6: re-opening in Sales Connect re-opens in Salesforce', () => {
    const closed = linkOf(fields({ open: false }), '2026-11-21T00:00:00.000Z');
    expect(decide(change({ changedAt: later, fields: fields({ open: true }) }), closed)[0]).toEqual({
      type: 'reopen',
      side: 'sfdc',
      taskId: '00T1',
    });
  });

  it.each(['salesconnect', 'sfdc'] as const)('R6: a delete in %s deletes the other side and unlinks', (side) => {
    const actions = decide(
      change({ side, taskId: side === 'sfdc' ? '00T1' : 'sct_1', kind: 'delete', fields: null, changedAt: later }),
      link,
    );
    expect(types(actions)).toEqual([`delete:${side === 'sfdc' ? 'salesconnect' : 'sfdc'}`, 'unlink']);
  });

  it('R6: a Salesforce task created while enabled is created in Sales Connect', () => {
    expect(
      types(decide(change({ side: 'sfdc', taskId: '00T7', createdAt: later, changedAt: later, origin: null }))),
    ).toEqual(['create:salesconnect']);
  });

  it('R6: Salesforce moving to another open status or to Low changes nothing in Sales Connect', () => {
    // In Progress reads as open; Low reads as "no opinion".
    const actions = decide(
      change({ side: 'sfdc', taskId: '00T1', changedAt: later, fields: fields({ priority: null }) }),
      link,
    );
    expect(types(actions)).toEqual(['link', 'ignore:no-change']);
  });
});

describe('R8: a Salesforce task reassigned away from the rep stops syncing for that rep', () => {
  const REP = '005000000000001AAA';
  const at = '2026-11-21T00:00:00.000Z';
  const decideFor = (c: SyncChange, link: TaskLink | null) => decide(c, link, { ...enabled, salesforceUserId: REP });
  const reassigned = (ownerId: string) =>
    change({ side: 'sfdc', taskId: '00T1', origin: null, changedAt: '2026-11-21T10:00:00.000Z', ownerId });

  it('an open linked task reassigned to someone else: its Sales Connect copy is deleted and the pair unlinked', () => {
    expect(decideFor(reassigned('005000000000002AAA'), linkOf(fields(), at))).toEqual([
      { type: 'delete', side: 'salesconnect', taskId: 'sct_1' },
      { type: 'unlink', salesConnectTaskId: 'sct_1', sfdcTaskId: '00T1' },
    ]);
  });

  it('a completed linked task reassigned away stays in Sales Connect as history, unlinked', () => {
    expect(decideFor(reassigned('005000000000002AAA'), linkOf(fields({ open: false }), at))).toEqual([
      { type: 'unlink', salesConnectTaskId: 'sct_1', sfdcTaskId: '00T1' },
    ]);
  });

  it("someone else's unlinked task is never created for the rep", () => {
    expect(types(decideFor(reassigned('005000000000002AAA'), null))).toEqual(['ignore:owned-by-another-user']);
  });

  it("the rep's own task, by its 15- or 18-character id, syncs as before; and a read that cannot name the owner is not judged", () => {
    expect(types(decideFor(reassigned(REP.slice(0, 15)), null))).toEqual(['create:salesconnect']);
    expect(
      types(
        decideFor(change({ side: 'sfdc', taskId: '00T1', origin: null, changedAt: '2026-11-21T10:00:00.000Z' }), null),
      ),
    ).toEqual(['create:salesconnect']);
  });

  it('a task reassigned to the rep is created on their side (R6)', () => {
    const mine = decideFor(
      change({
        side: 'sfdc',
        taskId: '00T9',
        origin: null,
        changedAt: '2026-11-21T10:00:00.000Z',
        createdAt: '2026-11-01T00:00:00.000Z',
        ownerId: REP,
      }),
      null,
    );
    expect(types(mine)).toEqual(['create:salesconnect']);
  });
});

describe('R7: disable stops the flow', () => {
  const disabled: ConnectionSyncSettings = {
    enabled: false,
    history: [
      { kind: 'first-enable', at: FIRST_ENABLE },
      { kind: 'disable', at: '2026-11-22T00:00:00.000Z' },
    ],
  };
  const link = linkOf(fields(), '2026-11-21T00:00:00.000Z');

  it.each([
    ['a Sales Connect edit', change({ changedAt: '2026-11-23T00:00:00.000Z', fields: fields({ title: 'x' }) })],
    [
      'a Salesforce edit',
      change({ side: 'sfdc', taskId: '00T1', changedAt: '2026-11-23T00:00:00.000Z', fields: fields({ title: 'x' }) }),
    ],
    [
      'a Salesforce delete',
      change({ side: 'sfdc', taskId: '00T1', kind: 'delete', fields: null, changedAt: '2026-11-23T00:00:00.000Z' }),
    ],
    [
      'a new Sales Connect task',
      change({ taskId: 'sct_9', createdAt: '2026-11-23T00:00:00.000Z', changedAt: '2026-11-23T00:00:00.000Z' }),
    ],
  ])('R7: %s while disabled sends nothing', (_l, c) => {
    expect(types(decide(c, c.taskId === 'sct_9' ? null : link, disabled))).toEqual(['ignore:sync-disabled']);
  });

  it('R7: after a re-enable, a Sales Connect task created while disabled is not replayed', () => {
    const reEnabled: ConnectionSyncSettings = {
      enabled: true,
      history: [...disabled.history, { kind: 're-enable', at: '2026-11-24T00:00:00.000Z' }],
    };
    const c = change({ taskId: 'sct_9', createdAt: '2026-11-23T00:00:00.000Z', changedAt: '2026-11-25T00:00:00.000Z' });
    expect(types(decide(c, null, reEnabled))).toEqual(['ignore:created-while-disabled']);
  });

  it("R7: a Salesforce task stamped in the enable's second (SystemModstamp is whole seconds) counts as made after the enable; one in the disable's second as made after the disable", () => {
    const enabledAt = '2026-11-24T00:00:00.600Z';
    const history: ConnectionSyncSettings['history'] = [...disabled.history, { kind: 're-enable', at: enabledAt }];
    const sameSecondAsEnable = change({
      side: 'sfdc',
      taskId: '00T7',
      origin: null,
      createdAt: '2026-11-24T00:00:00.000Z',
      changedAt: '2026-11-24T00:00:00.000Z',
    });
    expect(types(decide(sameSecondAsEnable, null, { enabled: true, history }))).toEqual(['create:salesconnect']);
    const secondBefore = change({
      side: 'sfdc',
      taskId: '00T7',
      origin: null,
      createdAt: '2026-11-23T23:59:59.000Z',
      changedAt: '2026-11-23T23:59:59.000Z',
    });
    expect(types(decide(secondBefore, null, { enabled: true, history }))).toEqual(['ignore:changed-while-disabled']);
    // Disabled again at .300 of a later second: a task stamped in that second may have been made after it.
    const redisabled = [
      ...history,
      { kind: 'disable' as const, at: '2026-11-25T00:00:00.300Z' },
      { kind: 're-enable' as const, at: '2026-11-26T00:00:00.000Z' },
    ];
    const sameSecondAsDisable = change({
      side: 'sfdc',
      taskId: '00T6',
      origin: null,
      createdAt: '2026-11-25T00:00:00.000Z',
      changedAt: '2026-11-25T00:00:00.000Z',
    });
    expect(types(decide(sameSecondAsDisable, null, { enabled: true, history: redisabled }))).toEqual([
      'ignore:changed-while-disabled',
    ]);
    // Sales Connect keeps milliseconds: its times are taken as they are.
    const scAt = change({
      taskId: 'sct_7',
      createdAt: '2026-11-25T00:00:00.100Z',
      changedAt: '2026-11-25T00:00:00.100Z',
    });
    expect(types(decide(scAt, null, { enabled: true, history: redisabled }))).toEqual(['create:sfdc']);
  });

  it('R7: a Salesforce change made while disabled, read late, is not applied', () => {
    const reEnabled: ConnectionSyncSettings = {
      enabled: true,
      history: [...disabled.history, { kind: 're-enable', at: '2026-11-24T00:00:00.000Z' }],
    };
    const c = change({
      side: 'sfdc',
      taskId: '00T8',
      origin: null,
      createdAt: '2026-11-23T00:00:00.000Z',
      changedAt: '2026-11-23T00:00:00.000Z',
    });
    expect(types(decide(c, null, reEnabled))).toEqual(['ignore:changed-while-disabled']);
  });
});

describe('R7 exact: the instant the disable was saved divides the changes', () => {
  const DISABLE = '2026-11-22T00:00:00.500Z';
  const history: ConnectionSyncSettings['history'] = [
    { kind: 'first-enable', at: FIRST_ENABLE },
    { kind: 'disable', at: DISABLE },
  ];
  const link = linkOf(fields(), '2026-11-21T00:00:00.000Z');
  const scEdit = (changedAt: string) => change({ changedAt, fields: fields({ title: 'edited' }) });
  const sfEdit = (changedAt: string) =>
    change({ side: 'sfdc', taskId: '00T1', origin: null, changedAt, fields: fields({ title: 'edited' }) });

  it.each([
    ['a Sales Connect edit one millisecond before', scEdit('2026-11-22T00:00:00.499Z'), ['update:sfdc', 'link']],
    [
      'a Sales Connect delete one millisecond before',
      change({ kind: 'delete', fields: null, changedAt: '2026-11-22T00:00:00.499Z' }),
      ['delete:sfdc', 'unlink'],
    ],
    [
      'a Salesforce edit stamped the second before',
      sfEdit('2026-11-21T23:59:59.000Z'),
      ['update:salesconnect', 'link'],
    ],
  ])('R7 exact: %s the disable, decided after it, still crosses', (_l, c, expected) => {
    expect(types(decide(c, link, { enabled: false, history }))).toEqual(expected);
  });

  it.each([
    ['a Sales Connect edit at the instant of', scEdit(DISABLE)],
    ['a Sales Connect edit one millisecond after', scEdit('2026-11-22T00:00:00.501Z')],
    ['a Salesforce edit stamped in the second of', sfEdit('2026-11-22T00:00:00.000Z')],
  ])('R7 exact: %s the disable does not cross, even decided once sync is on again', (_l, c) => {
    expect(types(decide(c, link, { enabled: false, history }))).toEqual(['ignore:sync-disabled']);
    const reEnabled = {
      enabled: true,
      history: [...history, { kind: 're-enable' as const, at: '2026-11-23T00:00:00.000Z' }],
    };
    expect(types(decide(c, link, reEnabled))).toEqual(['ignore:changed-while-disabled']);
  });

  it("R7: after a re-enable, the drift repair's reading of an edit made while disabled is applied; not while sync is off", () => {
    const repaired = { ...scEdit('2026-11-22T12:00:00.000Z'), source: 'repair' as const };
    expect(types(decide(repaired, link, { enabled: false, history }))).toEqual(['ignore:sync-disabled']);
    const reEnabled = {
      enabled: true,
      history: [...history, { kind: 're-enable' as const, at: '2026-11-23T00:00:00.000Z' }],
    };
    expect(types(decide(repaired, link, reEnabled))).toEqual(['update:sfdc', 'link']);
  });

  it("R7 exact: an import stops once a disable follows its enable, even if a later enable's view is current", () => {
    const imported = change({
      side: 'sfdc',
      taskId: '00T9',
      source: 'import',
      enableAt: FIRST_ENABLE,
      changedAt: '2026-11-20T11:00:00.000Z',
      origin: null,
    });
    const reEnabled = {
      enabled: true,
      history: [...history, { kind: 're-enable' as const, at: '2026-11-23T00:00:00.000Z' }],
    };
    expect(types(decide(imported, null, reEnabled))).toEqual(['ignore:sync-disabled']);
    expect(
      types(
        decide(
          { ...imported, enableAt: '2026-11-23T00:00:00.000Z', changedAt: '2026-11-22T12:00:00.000Z' },
          null,
          reEnabled,
        ),
      ),
    ).toEqual(['create:salesconnect']);
  });
});

describe('echoes, staleness and conflicts', () => {
  const at = '2026-11-21T00:00:00.000Z';
  const link = linkOf(fields(), at);

  it('our own write coming back unchanged is recognised and not sent again', () => {
    const actions = decide(
      change({ side: 'sfdc', taskId: '00T1', changedAt: '2026-11-21T00:00:01.000Z', origin: OURS }),
      link,
    );
    expect(types(actions)).toEqual(['link', 'ignore:echo']);
  });

  it('a Salesforce read that cannot say who wrote (origin null) showing our pending write is our write landing, not a conflict', () => {
    // Sales Connect completed the task; we wrote the completion to Salesforce and wait for it to come back.
    const written: TaskLink = {
      ...link,
      fields: { ...link.fields, open: { value: false, changedAt: link.lastSeen.salesconnect, side: 'salesconnect' } },
      observed: { salesconnect: fields({ open: false }), sfdc: fields() },
      pending: { salesconnect: {}, sfdc: { open: [false] } },
    };
    const landing = decide(
      change({
        side: 'sfdc',
        taskId: '00T1',
        changedAt: '2026-11-21T00:00:01.000Z',
        origin: null,
        fields: fields({ open: false }),
      }),
      written,
    );
    expect(types(landing)).toEqual(['link', 'ignore:echo']);
    const stored = landing.find((a) => a.type === 'link');
    expect(stored?.type === 'link' && stored.link.pending.sfdc.open).toEqual([]);
    expect(stored?.type === 'link' && stored.link.fields.open).toEqual(written.fields.open);
  });

  it("a Salesforce read stamped before the sync's own last write there landed does not send that write again; one stamped after it, or with no write landed, does", () => {
    // Sales Connect's details went to Salesforce (pending) and landed at 00:00:05; a poll that read the task at 00:00:02 arrives after.
    const written: TaskLink = {
      ...link,
      fields: {
        ...link.fields,
        details: { value: 'new', changedAt: '2026-11-21T00:00:01.000Z', side: 'salesconnect' },
      },
      observed: { salesconnect: fields({ details: 'new' }), sfdc: fields() },
      pending: { salesconnect: {}, sfdc: { details: ['new'] } },
      sfdcWrittenAt: '2026-11-21T00:00:05.000Z',
    };
    const readAt = (changedAt: string) =>
      change({ side: 'sfdc', taskId: '00T1', changedAt, origin: null, fields: fields({ title: 'renamed there' }) });
    const before = decide(readAt('2026-11-21T00:00:02.000Z'), written);
    expect(types(before)).toEqual(['update:salesconnect', 'link']);
    const stored = before.find((a) => a.type === 'link');
    expect(stored?.type === 'link' && stored.link.pending.sfdc.details).toEqual(['new']);
    // In the write's own second, or with no write of ours landed, it is not known to predate it: the value goes again.
    for (const late of [
      decide(readAt('2026-11-21T00:00:05.000Z'), written),
      decide(readAt('2026-11-21T00:00:02.000Z'), { ...written, sfdcWrittenAt: undefined }),
    ])
      expect(late).toEqual(
        expect.arrayContaining([{ type: 'update', side: 'sfdc', taskId: '00T1', fields: { details: 'new' } }]),
      );
  });

  it('our own create, seen before its link was stored, is not paired again', () => {
    expect(types(decide(change({ side: 'sfdc', taskId: '00T5', origin: OURS })))).toEqual(['ignore:own-write']);
    expect(types(decide(change({ side: 'sfdc', taskId: '00T5', origin: null, externalId: 'sct_1' })))).toEqual([
      'ignore:own-write',
    ]);
    expect(types(decide(change({ taskId: 'sct_5', origin: OURS, createdAt: '2026-11-21T00:00:00.000Z' })))).toEqual([
      'ignore:own-write',
    ]);
  });

  it('a Sales Connect change read raises the version the link knows the task at, never lowers it (writes there go If-Match it)', () => {
    const read = decide(
      change({ changedAt: '2026-11-21T00:00:01.000Z', fields: fields({ title: 'v4' }), version: 4 }),
      { ...link, salesConnectVersion: 3 },
    );
    const stored = read.find((a) => a.type === 'link');
    expect(stored?.type === 'link' && stored.link.salesConnectVersion).toBe(4);
    // Our own write's answer (version 6) was stored before its echo (version 5) came back.
    const echo = decide(change({ changedAt: '2026-11-21T00:00:01.000Z', origin: OURS, version: 5 }), {
      ...link,
      salesConnectVersion: 6,
    });
    const kept = echo.find((a) => a.type === 'link');
    expect(kept?.type === 'link' && kept.link.salesConnectVersion).toBe(6);
    // A Salesforce change says nothing about Sales Connect's version.
    const fromSf = decide(
      change({
        side: 'sfdc',
        taskId: '00T1',
        changedAt: '2026-11-21T00:00:01.000Z',
        fields: fields({ title: 'sf' }),
        version: 9,
      }),
      { ...link, salesConnectVersion: 3 },
    );
    const same = fromSf.find((a) => a.type === 'link');
    expect(same?.type === 'link' && same.link.salesConnectVersion).toBe(3);
  });

  it('a task created in Sales Connect is linked at the version it was read at', () => {
    const created = decide(change({ version: 2 })).find((a) => a.type === 'create');
    expect(created?.type === 'create' && created.link.salesConnectVersion).toBe(2);
  });

  it('a change older than what was applied from that side is stale', () => {
    expect(
      types(decide(change({ changedAt: '2026-11-20T23:59:59.999Z', fields: fields({ title: 'old' }) }), link)),
    ).toEqual(['ignore:stale']);
  });

  it('a second real change in the same millisecond is not mistaken for a stale one', () => {
    expect(types(decide(change({ changedAt: at, fields: fields({ title: 'same ms' }) }), link))).toEqual([
      'update:sfdc',
      'link',
    ]);
  });

  it('our own earlier write, seen after a newer change, is put right instead of winning', () => {
    // We wrote title 'ours' to Salesforce; meanwhile a person's newer title 'theirs' came from Sales Connect.
    const moved: TaskLink = {
      ...link,
      fields: {
        ...link.fields,
        title: { value: 'theirs', changedAt: '2026-11-22T00:00:00.000Z', side: 'salesconnect' },
      },
      lastSeen: { salesconnect: '2026-11-22T00:00:00.000Z', sfdc: at },
      observed: { salesconnect: fields({ title: 'theirs' }), sfdc: fields() },
      pending: { salesconnect: {}, sfdc: { title: ['ours'] } },
    };
    const echo = change({
      side: 'sfdc',
      taskId: '00T1',
      origin: OURS,
      changedAt: '2026-11-23T00:00:00.000Z',
      fields: fields({ title: 'ours' }),
    });
    expect(decide(echo, moved)).toEqual(
      expect.arrayContaining([{ type: 'update', side: 'sfdc', taskId: '00T1', fields: { title: 'theirs' } }]),
    );
    expect(
      decide(echo, moved).filter((a) => a.type === 'conflict' || (a.type === 'update' && a.side === 'salesconnect')),
    ).toEqual([]);
  });

  it('field by field, the latest change wins, and the conflict is recorded', () => {
    // Salesforce changed the title at 10:00; Sales Connect's older change of the title (09:00) and of the due date arrives after.
    const afterSfdc = decide(
      change({
        side: 'sfdc',
        taskId: '00T1',
        changedAt: '2026-11-22T10:00:00.000Z',
        fields: fields({ title: 'From SFDC' }),
      }),
      link,
    );
    const linked = afterSfdc.find((a): a is Extract<SyncAction, { type: 'link' }> => a.type === 'link')
      ?.link as TaskLink;
    const actions = decide(
      change({
        changedAt: '2026-11-22T09:00:00.000Z',
        fields: fields({ title: 'From SC', dueDate: '2026-12-24' as CalendarDate }),
      }),
      linked,
    );
    expect(afterSfdc).toEqual(
      expect.arrayContaining([
        { type: 'update', side: 'salesconnect', taskId: 'sct_1', fields: { title: 'From SFDC' } },
      ]),
    );
    // The due date (changed only in Sales Connect) goes to Salesforce; the title stays Salesforce's,
    // and Sales Connect, which shows its older title, is written the winner again.
    expect(actions.filter((a) => a.type === 'update')).toEqual([
      { type: 'update', side: 'sfdc', taskId: '00T1', fields: { dueDate: '2026-12-24' } },
      { type: 'update', side: 'salesconnect', taskId: 'sct_1', fields: { title: 'From SFDC' } },
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'conflict',
          field: 'title',
          winner: expect.objectContaining({ side: 'sfdc', value: 'From SFDC' }),
          loser: expect.objectContaining({ side: 'salesconnect', value: 'From SC' }),
        }),
      ]),
    );
  });

  it('our write that lands where the value already was still clears its pending entry', () => {
    // Both sides and the agreed value say ana already; our write of ana to Salesforce is pending.
    const agreed = linkOf(fields({ contactEmail: 'ana@example.com' }), at);
    const landedLink: TaskLink = {
      ...agreed,
      pending: { salesconnect: {}, sfdc: { contactEmail: ['ana@example.com'] } },
    };
    const echo = change({
      side: 'sfdc',
      taskId: '00T1',
      origin: OURS,
      changedAt: '2026-11-22T00:00:00.000Z',
      fields: fields({ contactEmail: 'ana@example.com' }),
    });
    const actions = decide(echo, landedLink);
    const stored = actions.find((a): a is Extract<SyncAction, { type: 'link' }> => a.type === 'link')?.link;
    expect(stored?.pending.sfdc.contactEmail).toEqual([]);
    expect(actions.filter((a) => a.type === 'update')).toEqual([]);
  });

  it('a change made over the agreed value follows it, whatever the stamps say: a Salesforce edit stamped in the second a Sales Connect create began wins', () => {
    // Created in Sales Connect at 56.325 and pushed; a person edits it in Salesforce at 56.9, which Salesforce stamps 56.000.
    const created = linkOf(fields(), '2026-11-21T09:00:56.325Z');
    const edit = change({
      side: 'sfdc',
      taskId: '00T1',
      origin: null,
      changedAt: '2026-11-21T09:00:56.000Z',
      fields: fields({ details: 'from Salesforce', priority: 'high' }),
    });
    const actions = decide(edit, {
      ...created,
      lastSeen: { salesconnect: '2026-11-21T09:00:56.325Z', sfdc: '1970-01-01T00:00:00.000Z' },
    });
    expect(actions.filter((a) => a.type === 'update')).toEqual([
      {
        type: 'update',
        side: 'salesconnect',
        taskId: 'sct_1',
        fields: { details: 'from Salesforce', priority: 'high' },
      },
    ]);
    // Not a conflict: Salesforce showed the agreed values when the person changed them.
    expect(types(actions)).not.toContain('conflict');
  });

  it('a change made over a value it had not seen is judged by time: the older one loses even when it arrives last', () => {
    const created = linkOf(fields(), '2026-11-21T09:00:00.000Z');
    const fromSc = decide(
      change({ changedAt: '2026-11-21T09:00:30.000Z', fields: fields({ details: 'from Sales Connect' }) }),
      created,
    );
    const linked = fromSc.find((a): a is Extract<SyncAction, { type: 'link' }> => a.type === 'link')?.link as TaskLink;
    // Salesforce still showed '' (our write had not landed) when its person edited, ten seconds before Sales Connect's.
    const actions = decide(
      change({
        side: 'sfdc',
        taskId: '00T1',
        origin: null,
        changedAt: '2026-11-21T09:00:20.000Z',
        fields: fields({ details: 'from Salesforce' }),
      }),
      linked,
    );
    expect(actions.filter((a) => a.type === 'update')).toEqual([
      { type: 'update', side: 'sfdc', taskId: '00T1', fields: { details: 'from Sales Connect' } },
    ]);
    expect(types(actions)).toContain('conflict');
  });

  it('on equal change times Salesforce wins', () => {
    const same = '2026-11-22T10:00:00.000Z';
    const afterSc = decide(change({ changedAt: same, fields: fields({ title: 'SC' }) }), link);
    const linked = afterSc.find((a): a is Extract<SyncAction, { type: 'link' }> => a.type === 'link')?.link as TaskLink;
    const actions = decide(
      change({ side: 'sfdc', taskId: '00T1', changedAt: same, fields: fields({ title: 'SFDC' }) }),
      linked,
    );
    expect(actions).toEqual(
      expect.arrayContaining([{ type: 'update', side: 'salesconnect', taskId: 'sct_1', fields: { title: 'SFDC' } }]),
    );
  });

  it('a title longer than Salesforce allows, coming back cut, does not overwrite the full one', () => {
    const long = linkOf(fields({ title: 'n'.repeat(300) }), at);
    const actions = decide(
      change({
        side: 'sfdc',
        taskId: '00T1',
        changedAt: '2026-11-22T00:00:00.000Z',
        fields: fields({ title: 'n'.repeat(254) + '…' }),
      }),
      long,
    );
    expect(types(actions)).toEqual(['link', 'ignore:no-change']);
  });
});
