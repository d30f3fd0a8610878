import fc from 'fast-check';
import { CalendarDate, Side, TaskFields, TaskLink, TASK_FIELD_NAMES } from '@task-sync/task-domain';
import { buildTaskFields } from '@task-sync/task-domain/testing';
import { equalUnderMapping, viewAsSfdc } from '@task-sync/task-mapping';
import type { ConnectionSyncSettings } from './connection-settings';
import { compareLinkedPair, type DriftContext, type DriftVerdict, type PairSideRead } from './drift';
import { viewOfLink } from './merge-fields';
import type { SyncAction } from './sync-action';

const OURS = 'task-sync';
const REP = '005000000000001AAA';
const FIRST_ENABLE = '2026-11-20T12:00:00.000Z';
const LINKED_AT = '2026-11-21T09:00:00.000Z';
const NOW = '2026-11-25T12:00:00.000Z';
const enabled: ConnectionSyncSettings = {
  enabled: true,
  history: [{ kind: 'first-enable', at: FIRST_ENABLE }],
  salesforceUserId: REP,
};

const fields = (overrides: Partial<TaskFields> = {}): TaskFields =>
  buildTaskFields({ dueDate: '2026-11-25' as CalendarDate, ...overrides });

function linkOf(f: TaskFields, at = LINKED_AT, side: Side = 'salesconnect'): TaskLink {
  return {
    connectionId: 'conn-1',
    salesConnectTaskId: 'sct_1',
    sfdcTaskId: '00T000000000001AAA',
    createdFrom: side,
    fields: Object.fromEntries(
      TASK_FIELD_NAMES.map((n) => [n, { value: f[n], changedAt: at, side }]),
    ) as TaskLink['fields'],
    lastSeen: { salesconnect: at, sfdc: at },
    observed: { salesconnect: f, sfdc: viewAsSfdc(f) },
    pending: { salesconnect: {}, sfdc: {} },
    salesConnectVersion: 2,
  };
}

const sfdcRead = (
  f: TaskFields,
  changedAt = LINKED_AT,
  overrides: Partial<Extract<PairSideRead, { state: 'present' }>> = {},
): PairSideRead => ({
  state: 'present',
  fields: viewAsSfdc(f),
  changedAt,
  createdAt: LINKED_AT,
  origin: null,
  ownerId: REP,
  externalId: 'sct_1',
  ...overrides,
});
const scRead = (f: TaskFields, changedAt = LINKED_AT, version = 2): PairSideRead => ({
  state: 'present',
  fields: f,
  changedAt,
  createdAt: LINKED_AT,
  origin: 'salesconnect-ui',
  version,
});

const context = (overrides: Partial<DriftContext> = {}): DriftContext => ({
  connectionId: 'conn-1',
  settings: enabled,
  ourOrigin: OURS,
  now: NOW,
  settleMs: 60_000,
  writesQueued: false,
  ...overrides,
});

const compare = (
  link: TaskLink,
  sfdc: PairSideRead,
  salesconnect: PairSideRead,
  overrides: Partial<DriftContext> = {},
) => compareLinkedPair(context(overrides), link, { sfdc, salesconnect });
const types = (verdict: DriftVerdict) =>
  verdict.verdict === 'differs'
    ? verdict.actions
        .filter((a) => a.type !== 'link' && a.type !== 'ignore')
        .map((a) => `${a.type}${'side' in a ? `:${a.side}` : ''}`)
    : [];
const writeOf = (verdict: DriftVerdict, side: Side) =>
  verdict.verdict === 'differs'
    ? verdict.actions.find((a): a is Extract<SyncAction, { type: 'update' }> => a.type === 'update' && a.side === side)
    : undefined;

describe('drift: a pair both sides hold as agreed is in sync', () => {
  it('drift: equal sides, equal to the link, is in-sync with nothing to do', () => {
    expect(compare(linkOf(fields()), sfdcRead(fields()), scRead(fields()))).toEqual({ verdict: 'in-sync' });
  });

  it("drift: Salesforce's Low (no opinion) and another open status are not a difference", () => {
    const read = sfdcRead(fields(), LINKED_AT, { fields: viewAsSfdc(fields({ priority: null })) });
    expect(compare(linkOf(fields()), read, scRead(fields()))).toEqual({ verdict: 'in-sync' });
  });

  it('drift: a long Sales Connect name that Salesforce holds cut to 255 is not a difference', () => {
    const long = fields({ title: 'x'.repeat(300) });
    expect(compare(linkOf(long), sfdcRead(long), scRead(long))).toEqual({ verdict: 'in-sync' });
  });
});

describe('drift: a lost change is repaired with the conflict rule (field by field, the later change wins)', () => {
  it('drift: a Salesforce edit no event brought is written to Sales Connect, If-Match the version read', () => {
    const verdict = compare(
      linkOf(fields()),
      sfdcRead(fields({ title: 'Call Ana back' }), '2026-11-22T10:00:00.000Z'),
      scRead(fields()),
    );
    expect(verdict).toMatchObject({
      verdict: 'differs',
      fields: ['title'],
      gone: null,
      unlinks: false,
      repair: { kind: 'decide' },
    });
    expect(types(verdict)).toEqual(['update:salesconnect']);
    expect(writeOf(verdict, 'salesconnect')?.fields).toEqual({ title: 'Call Ana back' });
    const repair = verdict.verdict === 'differs' && verdict.repair.kind === 'decide' ? verdict.repair.changes : [];
    expect(repair.map((c) => [c.side, c.source])).toEqual([['sfdc', 'repair']]);
  });

  it('drift: a Sales Connect completion no event brought completes the Salesforce task', () => {
    const verdict = compare(
      linkOf(fields()),
      sfdcRead(fields()),
      scRead(fields({ open: false }), '2026-11-22T10:00:00.000Z', 3),
    );
    expect(types(verdict)).toEqual(['complete:sfdc']);
  });

  it('drift: both sides changed one field unseen: the later change wins and the conflict is recorded', () => {
    const verdict = compare(
      linkOf(fields()),
      sfdcRead(fields({ title: 'from Salesforce' }), '2026-11-22T10:00:00.000Z'),
      scRead(fields({ title: 'from Sales Connect' }), '2026-11-22T11:00:00.000Z', 3),
    );
    expect(types(verdict)).toEqual(['update:salesconnect', 'update:sfdc', 'conflict']);
    const conflict = verdict.verdict === 'differs' ? verdict.actions.find((a) => a.type === 'conflict') : undefined;
    expect(conflict).toMatchObject({
      field: 'title',
      winner: { side: 'salesconnect', value: 'from Sales Connect' },
      loser: { side: 'sfdc', value: 'from Salesforce' },
    });
    const last =
      verdict.verdict === 'differs'
        ? [...verdict.actions].reverse().find((a): a is Extract<SyncAction, { type: 'link' }> => a.type === 'link')
        : undefined;
    expect(last?.link.fields.title.value).toBe('from Sales Connect');
  });

  it('drift: both sides changed different fields unseen: each keeps its own and gets the other one', () => {
    const verdict = compare(
      linkOf(fields()),
      sfdcRead(fields({ dueDate: '2026-12-01' as CalendarDate }), '2026-11-22T10:00:00.000Z'),
      scRead(fields({ details: 'agenda' }), '2026-11-22T11:00:00.000Z', 3),
    );
    expect(writeOf(verdict, 'salesconnect')?.fields).toEqual({ dueDate: '2026-12-01' });
    expect(writeOf(verdict, 'sfdc')?.fields).toEqual({ details: 'agenda' });
  });

  it("drift: a write that never landed (the side shows what it showed before, the link's agreed value differs) is sent again", () => {
    const link = linkOf(fields({ title: 'agreed' }));
    link.observed.sfdc = viewAsSfdc(fields({ title: 'old' }));
    const verdict = compare(link, sfdcRead(fields({ title: 'old' })), scRead(fields({ title: 'agreed' })));
    expect(types(verdict)).toEqual(['update:sfdc']);
    expect(writeOf(verdict, 'sfdc')?.fields).toEqual({ title: 'agreed' });
  });

  it('drift: a reading older than what the link saw from that side is left for the change on its way', () => {
    const link = linkOf(fields());
    link.lastSeen.sfdc = '2026-11-23T00:00:00.000Z';
    expect(compare(link, sfdcRead(fields({ title: 'older' }), '2026-11-22T00:00:00.000Z'), scRead(fields()))).toEqual({
      verdict: 'skipped',
      reason: 'stale-read',
    });
  });

  it('drift R8: a task reassigned to another Salesforce user: its open Sales Connect copy is deleted and the pair unlinked', () => {
    const verdict = compare(
      linkOf(fields()),
      sfdcRead(fields(), '2026-11-22T10:00:00.000Z', { ownerId: '005000000000009AAA' }),
      scRead(fields()),
    );
    expect(types(verdict)).toEqual(['delete:salesconnect', 'unlink']);
    expect(verdict).toMatchObject({ unlinks: true });
  });
});

describe('drift: a pair whose side is gone is unlinked (R5, R6, R7)', () => {
  const deleted = (deletedAt: string): PairSideRead => ({ state: 'deleted', deletedAt });

  it("drift R6/R5: a Salesforce task in the recycle bin: its deletion is applied (Sales Connect's deleted, unlinked)", () => {
    const verdict = compare(linkOf(fields()), deleted('2026-11-22T10:00:00.000Z'), scRead(fields()));
    expect(verdict).toMatchObject({
      verdict: 'differs',
      gone: 'sfdc',
      unlinks: true,
      repair: { kind: 'decide', changes: [{ side: 'sfdc', kind: 'delete', source: 'repair' }] },
    });
    expect(types(verdict)).toEqual(['delete:salesconnect', 'unlink']);
  });

  it('drift: a Salesforce task gone for good (purged, hard-deleted): unlinked only, the Sales Connect task kept, nothing re-created', () => {
    const verdict = compare(linkOf(fields()), { state: 'missing' }, scRead(fields()));
    expect(verdict).toMatchObject({ verdict: 'differs', gone: 'sfdc', unlinks: true, repair: { kind: 'unlink' } });
    expect(types(verdict)).toEqual(['unlink']);
  });

  it('drift R6: a Sales Connect task deleted while sync was on: its Salesforce task is deleted and the pair unlinked', () => {
    const verdict = compare(linkOf(fields()), sfdcRead(fields()), deleted('2026-11-22T10:00:00.000Z'));
    expect(types(verdict)).toEqual(['delete:sfdc', 'unlink']);
  });

  it('drift R7: a Sales Connect task deleted while sync was off: unlinked, its Salesforce task left alone', () => {
    const settings: ConnectionSyncSettings = {
      enabled: true,
      salesforceUserId: REP,
      history: [
        { kind: 'first-enable', at: FIRST_ENABLE },
        { kind: 'disable', at: '2026-11-22T00:00:00.000Z' },
        { kind: 're-enable', at: '2026-11-23T00:00:00.000Z' },
      ],
    };
    const verdict = compare(linkOf(fields()), sfdcRead(fields()), deleted('2026-11-22T10:00:00.000Z'), { settings });
    expect(verdict).toMatchObject({ gone: 'salesconnect', repair: { kind: 'unlink' } });
    expect(types(verdict)).toEqual(['unlink']);
  });

  it('drift: a Sales Connect task gone without a tombstone, or both sides gone: unlinked only', () => {
    expect(types(compare(linkOf(fields()), sfdcRead(fields()), { state: 'missing' }))).toEqual(['unlink']);
    expect(
      compare(linkOf(fields()), deleted('2026-11-22T10:00:00.000Z'), deleted('2026-11-22T10:00:00.000Z')),
    ).toMatchObject({ gone: 'both', repair: { kind: 'unlink' } });
  });
});

describe('drift: what the pass leaves to the live path', () => {
  it('drift: a side changed within the settle time, or a pair with writes queued, is skipped', () => {
    expect(
      compare(linkOf(fields()), sfdcRead(fields({ title: 'new' }), '2026-11-25T11:59:30.000Z'), scRead(fields())),
    ).toEqual({ verdict: 'skipped', reason: 'changed-recently' });
    expect(
      compare(linkOf(fields()), sfdcRead(fields({ title: 'new' })), scRead(fields()), { writesQueued: true }),
    ).toEqual({ verdict: 'skipped', reason: 'writes-queued' });
  });

  it('drift R7: nothing is compared while sync is off', () => {
    expect(
      compare(linkOf(fields()), sfdcRead(fields({ title: 'new' })), scRead(fields()), {
        settings: { ...enabled, enabled: false },
      }),
    ).toEqual({
      verdict: 'skipped',
      reason: 'sync-disabled',
    });
  });
});

describe('drift: convergence property', () => {
  const text = fc.constantFrom('a', 'b', 'c');
  const taskFields = fc.record({
    title: text,
    details: text,
    dueDate: fc.constantFrom(null, '2026-12-01' as CalendarDate, '2026-12-02' as CalendarDate),
    open: fc.boolean(),
    priority: fc.constantFrom<'normal' | 'high'>('normal', 'high'),
    type: fc.constantFrom<'call' | 'email' | 'other'>('call', 'email', 'other'),
    contactEmail: fc.constantFrom(null, 'ana@example.com'),
  });
  /** A side drifted: some fields changed, at some minute after the link; Salesforce may read Low (no opinion). */
  const drifted = () =>
    fc.record({
      changes: fc.subarray([...TASK_FIELD_NAMES]),
      values: taskFields,
      minute: fc.integer({ min: 0, max: 5 }),
      low: fc.boolean(),
      lostWrite: fc.boolean(),
    });

  /** What a side holds after the repair's writes land, with the values agreed when they go (as the flusher sends them). */
  function applyWrites(side: Side, read: TaskFields, actions: SyncAction[], agreed: TaskLink): TaskFields {
    let after = { ...read };
    for (const a of actions) {
      if (!('side' in a) || a.side !== side) continue;
      const named =
        a.type === 'update' ? Object.keys(a.fields) : a.type === 'complete' || a.type === 'reopen' ? ['open'] : [];
      const values = viewOfLink(agreed, side);
      after = { ...after, ...Object.fromEntries(named.map((f) => [f, values[f as keyof TaskFields]])) };
    }
    return after;
  }

  it('drift: whatever changed unseen on either side, after the repair both sides are equal under the mapping, and a second look finds them in sync', () => {
    fc.assert(
      fc.property(
        taskFields.chain((base) => fc.tuple(fc.constant(base), drifted(), drifted())),
        ([base, sf, sc]) => {
          const link = linkOf(base);
          const at = (minute: number) => new Date(Date.parse(LINKED_AT) + minute * 60_000).toISOString();
          const apply = (d: typeof sf) =>
            ({ ...base, ...Object.fromEntries(d.changes.map((f) => [f, d.values[f]])) }) as TaskFields;
          const sfFields = viewAsSfdc({ ...apply(sf), ...(sf.low ? { priority: null } : {}) });
          const scFields = apply(sc);
          // A lost write: the link believes a side shows the agreed value, but it still shows an older one.
          if (sc.lostWrite) link.observed.salesconnect = scFields;
          if (sf.lostWrite) link.observed.sfdc = sfFields;
          const reads = { sfdc: sfdcRead(sfFields, at(sf.minute)), salesconnect: scRead(scFields, at(sc.minute), 3) };
          const verdict = compareLinkedPair(context(), link, reads);
          if (verdict.verdict === 'in-sync') {
            expect(equalUnderMapping(scFields, sfFields)).toBe(true);
            return;
          }
          expect(verdict.verdict).toBe('differs');
          if (verdict.verdict !== 'differs') return;
          const links = verdict.actions.filter((a): a is Extract<SyncAction, { type: 'link' }> => a.type === 'link');
          const final = links.length > 0 ? links[links.length - 1].link : link;
          const sfAfter = applyWrites('sfdc', sfFields, verdict.actions, final);
          const scAfter = applyWrites('salesconnect', scFields, verdict.actions, final);
          expect(equalUnderMapping(scAfter, sfAfter)).toBe(true);
          // Once the writes landed (read back as our own), the next pass has nothing to do.
          const later = at(10);
          const again = compareLinkedPair(context(), final, {
            sfdc: sfdcRead(sfAfter, later),
            salesconnect: {
              state: 'present',
              fields: scAfter,
              changedAt: later,
              createdAt: LINKED_AT,
              origin: OURS,
              version: 4,
            },
          });
          expect(again).toEqual({ verdict: 'in-sync' });
        },
      ),
      { numRuns: 500 },
    );
  });
});
