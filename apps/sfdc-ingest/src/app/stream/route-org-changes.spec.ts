import { type TaskRecordById } from '@task-sync/sfdc-client';
import type { TaskChangeEvent } from '@task-sync/sfdc-change-feed';
import {
  FIXTURE_COMMIT as COMMIT,
  FIXTURE_OWNER as REP,
  buildTaskChangeEvent,
  buildTaskRecord as record,
  fixtureTaskId as task,
} from '../testing/sfdc-task.fixture';
import { collectRecordIds, eventShownBy, routeDeletes, routeOrgBatch, type OrgConnection } from './route-org-changes';

const OTHER_REP = '005000000000002AAA';

const originOf = (r: TaskRecordById, e: TaskChangeEvent) => eventShownBy(r, e)?.origin ?? null;
const madeAtOf = (r: TaskRecordById, e: TaskChangeEvent) => eventShownBy(r, e)?.madeAt ?? null;

/** A Subject edit by the rep, marked `client=task-sync` (as the reconciler's writes are). */
const event = (overrides: Partial<TaskChangeEvent> = {}): TaskChangeEvent =>
  buildTaskChangeEvent({
    changeOrigin: 'com/salesforce/api/rest/62.0;client=task-sync',
    originClient: 'task-sync',
    changedFields: ['Subject', 'LastModifiedDate'],
    fields: { Subject: 'Call back', LastModifiedDate: '2026-11-24T10:00:05Z' },
    ...overrides,
  });

const connections: OrgConnection[] = [
  { connectionId: 'conn-rep', sfdcUserId: REP, enabledSince: COMMIT - 3_600_000 },
  { connectionId: 'conn-other', sfdcUserId: OTHER_REP, enabledSince: null },
];

describe('the records a batch names', () => {
  it('once each, whichever id form an event used, in the order they first appear', () => {
    const batch = [
      event({ recordIds: [task(1), task(2)] }),
      event({ recordIds: [task(2).slice(0, 15), task(3)] }),
      event({ recordIds: [task(1)] }),
    ];
    expect(collectRecordIds(batch)).toEqual({ recordIds: [task(1), task(2), task(3)], overflows: 0 });
  });

  it('an overflow event names none: counted, so the caller can say the polls cover it', () => {
    expect(collectRecordIds([event({ changeType: 'GAP_OVERFLOW', recordIds: [] }), event()])).toEqual({
      recordIds: [task(1)],
      overflows: 1,
    });
  });
});

describe('routing an org batch to the connections of the owner', () => {
  it('R8: a task reassigned away goes once to the connection it went to before, with no origin, besides its new owner', () => {
    const batch = [event({ originClient: null, changeOrigin: '' })];
    const reassigned = record({ OwnerId: OTHER_REP });
    const routing = routeOrgBatch(batch, [reassigned], connections, new Map([[task(1).slice(0, 15), ['conn-rep']]]));
    expect(routing.routed).toEqual([
      { connectionId: 'conn-other', record: reassigned, origin: null, madeAt: COMMIT },
      { connectionId: 'conn-rep', record: reassigned, origin: null, madeAt: null, formerOwner: true },
    ]);
    // A former connection that is no longer enabled is not told: its sync is off (R7).
    expect(
      routeOrgBatch(
        batch,
        [reassigned],
        connections.slice(1),
        new Map([[task(1).slice(0, 15), ['conn-rep']]]),
      ).routed.map((r) => r.connectionId),
    ).toEqual(['conn-other']);
  });

  it("sends each record to its owner's enabled connections only, comparing ids by their 15-character form", () => {
    const batch = [event({ recordIds: [task(1), task(2), task(3)], originClient: null, changeOrigin: '' })];
    const records = [
      record(),
      record({ Id: task(2), OwnerId: OTHER_REP.slice(0, 15) }),
      record({ Id: task(3), OwnerId: '005000000000009AAA' }),
    ];
    const routing = routeOrgBatch(batch, records, connections);
    expect(routing.routed.map((r) => [r.connectionId, r.record.Id])).toEqual([
      ['conn-rep', task(1)],
      ['conn-other', task(2)],
    ]);
    expect(routing).toMatchObject({ notOurs: 1, unanswered: 0 });
  });

  it('a user with two connections gets the record on each', () => {
    const routing = routeOrgBatch(
      [event()],
      [record()],
      [...connections, { connectionId: 'conn-rep-2', sfdcUserId: REP.slice(0, 15), enabledSince: null }],
    );
    expect(routing.routed.map((r) => r.connectionId)).toEqual(['conn-rep', 'conn-rep-2']);
  });

  it('R7: not to a connection enabled after the change (a replayed event): its import covers it', () => {
    const enabledAfter = { connectionId: 'conn-rep-2', sfdcUserId: REP, enabledSince: COMMIT + 1_000 };
    const routing = routeOrgBatch([event()], [record()], [connections[0], enabledAfter]);
    expect(routing.routed.map((r) => r.connectionId)).toEqual(['conn-rep']);
    expect(routing.beforeEnable).toBe(1);
  });

  it("R6: a change stamped in the enable's own second goes live (Salesforce's whole seconds cannot say it came before)", () => {
    // Enabled at 10:00:05.400; a task written at 10:00:05.700 is stamped 10:00:05: after the import had read.
    const enabledWithin = { connectionId: 'conn-rep-2', sfdcUserId: REP, enabledSince: COMMIT + 400 };
    expect(routeOrgBatch([event()], [record()], [enabledWithin]).routed.map((r) => r.connectionId)).toEqual([
      'conn-rep-2',
    ]);
    expect(
      routeDeletes([{ id: task(1), deletedAt: COMMIT }], new Map(), new Map(), [enabledWithin]).map(
        (r) => r.connectionId,
      ),
    ).toEqual(['conn-rep-2']);
  });

  it('counts the records the read no longer answers (purged from the recycle bin)', () => {
    const routing = routeOrgBatch(
      [event({ changeType: 'DELETE', recordIds: [task(1), task(2)] })],
      [record({ IsDeleted: true })],
      connections,
    );
    expect(routing).toMatchObject({ notOurs: 0, unanswered: 1 });
    expect(routing.routed[0].origin).toBeNull();
  });

  it('judges the origin on the last event of the batch that names the record', () => {
    const ours = event({ replayId: 1 });
    const theirs = event({ replayId: 2, originClient: null, changeOrigin: '' });
    expect(routeOrgBatch([ours, theirs], [record()], connections).routed[0].origin).toBeNull();
    expect(routeOrgBatch([theirs, ours], [record()], connections).routed[0].origin).toBe('task-sync');
  });
});

describe('originOf: the writing client only when the read is the state the event left', () => {
  it.each<[string, Partial<TaskChangeEvent>, Partial<TaskRecordById>, string | null]>([
    ['same second, same user, same values', {}, {}, 'task-sync'],
    [
      'the stamp in the same whole second, later in it',
      { commitTimestamp: COMMIT + 700 },
      { SystemModstamp: '2026-11-24T10:00:05.000+0000' },
      'task-sync',
    ],
    ['another client', { originClient: 'other-app' }, {}, 'other-app'],
    ['no client said (the UI, Apex)', { originClient: null, changeOrigin: '' }, {}, null],
    ['a later second: changed again since', {}, { SystemModstamp: '2026-11-24T10:00:06.000+0000' }, null],
    ['another user modified it since', {}, { LastModifiedById: OTHER_REP }, null],
    ['the user id in its 15-character form', { commitUser: REP.slice(0, 15) }, {}, 'task-sync'],
    ['a value that differs from what the event set', {}, { Subject: 'Call back, changed again' }, null],
    [
      'a field the event nulled is set again',
      { nulledFields: ['Description'], fields: { Description: null } },
      { Description: 'set again' },
      null,
    ],
    [
      'a field the event nulled is still null',
      { nulledFields: ['Description'], fields: { Description: null, Subject: 'Call back' } },
      {},
      'task-sync',
    ],
    ['deleted since', {}, { IsDeleted: true }, null],
    ['a gap event carries no origin to trust', { changeType: 'GAP_UPDATE', fields: {} }, {}, null],
    ['no LastModifiedById in the read', {}, { LastModifiedById: null }, null],
  ])('%s', (_, eventChanges, recordChanges, origin) => {
    expect(originOf(record(recordChanges), event(eventChanges))).toBe(origin);
  });

  it.each<[string, Partial<TaskChangeEvent>, Partial<TaskRecordById>, number | null]>([
    [
      'the state the event left: its commit time, to the millisecond',
      { commitTimestamp: COMMIT + 640 },
      {},
      COMMIT + 640,
    ],
    [
      'no client said (a person in the UI): the commit time all the same',
      { originClient: null, changeOrigin: '' },
      {},
      COMMIT,
    ],
    ['changed again since (a later second): none', {}, { SystemModstamp: '2026-11-24T10:00:06.000+0000' }, null],
    ['a value that differs from what the event set: none', {}, { Subject: 'Call back, changed again' }, null],
    ['deleted since: none', {}, { IsDeleted: true }, null],
  ])('madeAtOf, %s', (_, eventChanges, recordChanges, madeAt) => {
    expect(madeAtOf(record(recordChanges), event(eventChanges))).toBe(madeAt);
  });

  it('compares ids in either form', () => {
    expect(originOf(record({ WhoId: '003000000000001AAA' }), event({ fields: { WhoId: '003000000000001' } }))).toBe(
      'task-sync',
    );
  });
});

describe("getDeleted's deletes for the whole org go to their owners' connections", () => {
  const at = COMMIT;
  const deleted = (n: number, deletedAt = at) => ({ id: task(n), deletedAt });

  it("an owner found in the recycle bin: that owner's connections (ids in either form)", () => {
    const owners = new Map([
      [task(1).slice(0, 15), REP.slice(0, 15)],
      [task(2).slice(0, 15), OTHER_REP],
    ]);
    expect(routeDeletes([deleted(1), deleted(2)], owners, new Map(), connections)).toEqual([
      { connectionId: 'conn-rep', taskId: task(1), stamp: at },
      { connectionId: 'conn-other', taskId: task(2), stamp: at },
    ]);
  });

  it("another user's task, in the bin: nobody's", () => {
    expect(
      routeDeletes([deleted(1)], new Map([[task(1).slice(0, 15), '005000000000009AAA']]), new Map(), connections),
    ).toEqual([]);
  });

  it('purged from the bin: the connections it was published to; never published: every connection', () => {
    const routes = new Map([[task(1).slice(0, 15), ['conn-other']]]);
    expect(routeDeletes([deleted(1)], new Map(), routes, connections).map((r) => r.connectionId)).toEqual([
      'conn-other',
    ]);
    expect(routeDeletes([deleted(2)], new Map(), routes, connections).map((r) => r.connectionId)).toEqual([
      'conn-rep',
      'conn-other',
    ]);
  });

  it('R7: not to a connection enabled after the delete', () => {
    const before = COMMIT - 7_200_000;
    expect(routeDeletes([deleted(1, before)], new Map(), new Map(), connections).map((r) => r.connectionId)).toEqual([
      'conn-other',
    ]);
  });
});
