import fc from 'fast-check';
import { CalendarDate, OTHER_SIDE, Side, TaskFields, TaskLink } from '@task-sync/task-domain';
import { equalUnderMapping, viewAsSfdc } from '@task-sync/task-mapping';
import { decideOnChange } from './decide';
import { viewOfLink } from './merge-fields';
import type { SyncAction } from './sync-action';
import type { SyncChange } from './sync-change';

const OURS = 'task-sync';
const settings = { enabled: true, history: [{ kind: 'first-enable' as const, at: '2026-01-01T00:00:00.000Z' }] };

/**
 * Two sides, the links, and the two topics, with the rules in the middle. Writes the rules order
 * come back as changes with our origin, as the ingest services would publish them, so an echo
 * loop would never drain.
 */
class World {
  private clock = Date.parse('2026-02-01T00:00:00.000Z');

  /** `sfdcWholeSeconds`: Salesforce stamps its changes in whole seconds, as a real org does. */
  constructor(private readonly sfdcWholeSeconds = false) {}
  readonly tasks: Record<Side, Map<string, { fields: TaskFields; createdAt: string }>> = {
    salesconnect: new Map(),
    sfdc: new Map(),
  };
  readonly topics: Record<Side, SyncChange[]> = { salesconnect: [], sfdc: [] };
  readonly links = new Map<string, TaskLink>(); // by Sales Connect id
  /** The stamp of the sync's last write landed on each Salesforce task, as the flusher keeps it on the link. */
  private readonly sfdcWrittenAt = new Map<string, string>();
  private nextId = 1;

  tick(): string {
    this.clock += 1 + (this.nextId % 3); // distinct, increasing instants
    return new Date(this.clock).toISOString();
  }

  /** Both sides read one instant: equal change times happen, and the tie rule decides. */
  tickSame(): string {
    return new Date(this.clock).toISOString();
  }

  linkOf(side: Side, id: string): TaskLink | null {
    const link =
      side === 'salesconnect' ? this.links.get(id) : [...this.links.values()].find((l) => l.sfdcTaskId === id);
    if (!link) return null;
    const writtenAt = this.sfdcWrittenAt.get(link.sfdcTaskId);
    return writtenAt ? { ...link, sfdcWrittenAt: writtenAt } : link;
  }

  /** A person (or the sync, with `origin` ours) changes a task; the side's ingest publishes it. */
  write(side: Side, id: string, fields: TaskFields, origin: string, instant = this.tick()): string {
    const at =
      side === 'sfdc' && this.sfdcWholeSeconds
        ? new Date(Math.floor(Date.parse(instant) / 1000) * 1000).toISOString()
        : instant;
    const stored = side === 'sfdc' ? viewAsSfdc(fields) : fields;
    const existing = this.tasks[side].get(id);
    this.tasks[side].set(id, { fields: stored, createdAt: existing?.createdAt ?? at });
    this.topics[side].push({
      side,
      kind: 'upsert',
      taskId: id,
      fields: stored,
      changedAt: at,
      createdAt: existing?.createdAt ?? at,
      origin,
      source: 'live',
    });
    if (side === 'sfdc' && origin === OURS) this.sfdcWrittenAt.set(id, at);
    return at;
  }

  create(side: Side, fields: TaskFields, origin: string): string {
    const id = `${side === 'sfdc' ? '00T' : 'sct_'}${this.nextId++}`;
    this.write(side, id, fields, origin);
    return id;
  }

  remove(side: Side, id: string, origin: string): void {
    if (!this.tasks[side].delete(id)) return;
    this.topics[side].push({
      side,
      kind: 'delete',
      taskId: id,
      fields: null,
      changedAt: this.tick(),
      createdAt: null,
      origin,
      source: 'live',
    });
  }

  /** The reconciler consumes one message from one topic and carries out the decision. */
  consume(side: Side): SyncAction[] {
    const change = this.topics[side].shift();
    if (!change) return [];
    const actions = decideOnChange(
      { connectionId: 'c', settings, link: this.linkOf(side, change.taskId), ourOrigin: OURS },
      change,
    );
    for (const action of actions) this.apply(action);
    return actions;
  }

  private apply(action: SyncAction): void {
    switch (action.type) {
      case 'create': {
        const id = this.create(action.side, action.fields, OURS);
        const link = { ...action.link, [action.side === 'sfdc' ? 'sfdcTaskId' : 'salesConnectTaskId']: id } as TaskLink;
        this.links.set(link.salesConnectTaskId, link);
        break;
      }
      case 'update':
      case 'complete':
      case 'reopen': {
        const current = this.tasks[action.side].get(action.taskId);
        if (!current) break;
        const patch = action.type === 'update' ? action.fields : { open: action.type === 'reopen' };
        const merged = { ...current.fields } as Record<string, unknown>;
        for (const [k, v] of Object.entries(patch)) if (!(k === 'priority' && v === null)) merged[k] = v;
        this.write(action.side, action.taskId, merged as unknown as TaskFields, OURS);
        break;
      }
      case 'delete':
        this.remove(action.side, action.taskId, OURS);
        break;
      case 'link':
        this.links.set(action.link.salesConnectTaskId, action.link);
        break;
      case 'unlink':
        this.links.delete(action.salesConnectTaskId);
        break;
      default:
        break;
    }
  }

  pending(): number {
    return this.topics.salesconnect.length + this.topics.sfdc.length;
  }
}

const dateArb = fc.constantFrom('2026-03-01', '2026-03-02', '2026-12-31').map((d) => d as CalendarDate);
const patchArb: fc.Arbitrary<Partial<TaskFields>> = fc.record(
  {
    title: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.string({ minLength: 250, maxLength: 300 })),
    details: fc.constantFrom('', 'x', 'y'),
    dueDate: fc.option(dateArb, { nil: null }),
    open: fc.boolean(),
    priority: fc.constantFrom('normal' as const, 'high' as const),
    type: fc.constantFrom('call' as const, 'email' as const, 'other' as const),
    contactEmail: fc.constantFrom(null, 'ana@example.com'),
  },
  { requiredKeys: [] },
);
const base: TaskFields = {
  title: 't',
  details: '',
  dueDate: null,
  open: true,
  priority: 'normal',
  type: 'other',
  contactEmail: null,
};

type Step =
  { kind: 'edit'; side: Side; patch: Partial<TaskFields>; sameInstant: boolean } | { kind: 'consume'; side: Side };
const sideArb = fc.constantFrom<Side>('salesconnect', 'sfdc');
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), side: sideArb, patch: patchArb, sameInstant: fc.boolean() }),
  fc.record({ kind: fc.constant('consume' as const), side: sideArb }),
);

/** A linked pair, created in Sales Connect and pushed, with every echo consumed. */
function linkedWorld(sfdcWholeSeconds = false): { world: World; scId: string } {
  const world = new World(sfdcWholeSeconds);
  const scId = world.create('salesconnect', base, 'salesconnect-ui');
  drain(world, []);
  return { world, scId };
}

/** Consumes until both topics are empty, in the order `choices` gives; fails on a loop. */
function drain(world: World, choices: boolean[]): void {
  for (let i = 0; world.pending() > 0; i++) {
    if (i > 2_000) throw new Error('the topics never drained: an echo loop');
    const preferSc = choices[i % Math.max(choices.length, 1)] ?? true;
    const side: Side =
      world.topics[preferSc ? 'salesconnect' : 'sfdc'].length > 0
        ? preferSc
          ? 'salesconnect'
          : 'sfdc'
        : preferSc
          ? 'sfdc'
          : 'salesconnect';
    world.consume(side);
  }
}

function sfdcIdOf(world: World, scId: string): string {
  const link = world.links.get(scId);
  if (!link) throw new Error('not linked');
  return link.sfdcTaskId;
}

describe('sync properties', () => {
  it('convergence: after any interleaving of edits on both sides, both tasks are equal under the mapping', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (steps, choices) => {
          const { world, scId } = linkedWorld();
          const sfdcId = sfdcIdOf(world, scId);
          for (const step of steps) {
            if (step.kind === 'consume') {
              world.consume(step.side);
            } else {
              const id = step.side === 'sfdc' ? sfdcId : scId;
              const current = world.tasks[step.side].get(id);
              if (current)
                world.write(
                  step.side,
                  id,
                  { ...current.fields, ...step.patch },
                  'user',
                  step.sameInstant ? world.tickSame() : undefined,
                );
            }
          }
          drain(world, choices);
          const sc = world.tasks.salesconnect.get(scId)?.fields;
          const sf = world.tasks.sfdc.get(sfdcId)?.fields;
          const link = world.links.get(scId);
          expect(sc && sf && link).toBeTruthy();
          expect(equalUnderMapping(sc as TaskFields, sf as TaskFields)).toBe(true);
          expect(sc).toEqual(viewOfLink(link as TaskLink, 'salesconnect'));
          expect(sf).toEqual(viewOfLink(link as TaskLink, 'sfdc'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the same interleavings of the same changes end in the same fields, whichever topic is read first', () => {
    fc.assert(
      fc.property(
        patchArb,
        patchArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        (scPatch, sfPatch, choices) => {
          const outcome = (order: boolean[]) => {
            const { world, scId } = linkedWorld();
            const sfdcId = sfdcIdOf(world, scId);
            world.write('salesconnect', scId, { ...base, ...scPatch }, 'user');
            world.write('sfdc', sfdcId, viewAsSfdc({ ...base, ...sfPatch }), 'user');
            drain(world, order);
            return world.tasks.salesconnect.get(scId)?.fields;
          };
          expect(outcome(choices)).toEqual(outcome(choices.map((c) => !c)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a change made after the previous one crossed always stands, even with Salesforce stamping whole seconds', () => {
    // Titles Salesforce can hold whole, so each side's edit reads the same on the other.
    const shortPatchArb = patchArb.map(({ title, ...rest }) =>
      title === undefined ? rest : { ...rest, title: title.slice(0, 3) },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(sideArb, shortPatchArb), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        (edits, choices) => {
          const { world, scId } = linkedWorld(true);
          const sfdcId = sfdcIdOf(world, scId);
          let expected = world.tasks.salesconnect.get(scId)?.fields as TaskFields;
          for (const [side, patch] of edits) {
            const id = side === 'sfdc' ? sfdcId : scId;
            world.write(side, id, { ...(world.tasks[side].get(id)?.fields as TaskFields), ...patch }, 'user');
            expected = { ...expected, ...patch };
            drain(world, choices);
          }
          expect(world.tasks.salesconnect.get(scId)?.fields).toEqual(expected);
          expect(world.tasks.sfdc.get(sfdcId)?.fields).toEqual(viewAsSfdc(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('idempotence: the same change applied twice has the effect of once', () => {
    fc.assert(
      fc.property(sideArb, patchArb, (side, patch) => {
        const { world, scId } = linkedWorld();
        const id = side === 'sfdc' ? sfdcIdOf(world, scId) : scId;
        world.write(side, id, { ...base, ...patch }, 'user');
        const change = world.topics[side][0];
        const first = world.consume(side);
        const link = world.linkOf(side, id);
        const again = decideOnChange({ connectionId: 'c', settings, link, ourOrigin: OURS }, change);
        expect(again.filter((a) => a.type !== 'link' && a.type !== 'ignore')).toEqual([]);
        const relinked = again.find((a): a is Extract<SyncAction, { type: 'link' }> => a.type === 'link');
        if (relinked) expect(relinked.link.fields).toEqual(link?.fields);
        expect(first.filter((a) => a.type === 'create')).toEqual([]);
      }),
    );
  });

  it('no echo loop: a change crosses once and stops', () => {
    fc.assert(
      fc.property(sideArb, patchArb, (side, patch) => {
        const { world, scId } = linkedWorld();
        const id = side === 'sfdc' ? sfdcIdOf(world, scId) : scId;
        const before = world.tasks[side].get(id)?.fields as TaskFields;
        world.write(side, id, { ...before, ...patch }, 'user');
        const first = world.consume(side);
        const writes = first.filter((a) => ['update', 'complete', 'reopen'].includes(a.type));
        expect(writes.length).toBeLessThanOrEqual(1);
        // The other side's echo is recognised; nothing more is written anywhere.
        const echo = world.consume(OTHER_SIDE[side]);
        expect(echo.filter((a) => ['update', 'complete', 'reopen', 'create', 'delete'].includes(a.type))).toEqual([]);
        expect(world.pending()).toBe(0);
      }),
    );
  });

  it('no decision links one task to two: redelivered creates and own echoes never pair again', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sideArb, fc.nat(3)), { minLength: 1, maxLength: 12 }), (deliveries) => {
        const world = new World();
        const ids = {
          salesconnect: world.create('salesconnect', base, 'salesconnect-ui'),
          sfdc: world.create('sfdc', base, 'user'),
        };
        const originals = { salesconnect: [...world.topics.salesconnect], sfdc: [...world.topics.sfdc] };
        drain(world, [true]);
        // Redeliver the original creates any number of times, in any order.
        for (const [side, times] of deliveries) {
          for (let i = 0; i < times; i++) world.topics[side].push(...originals[side]);
        }
        drain(world, [false, true]);
        const links = [...world.links.values()];
        expect(new Set(links.map((l) => l.salesConnectTaskId)).size).toBe(links.length);
        expect(new Set(links.map((l) => l.sfdcTaskId)).size).toBe(links.length);
        expect(links).toHaveLength(2); // one pair per original task
        expect(world.tasks.salesconnect.size).toBe(2);
        expect(world.tasks.sfdc.size).toBe(2);
        expect(ids.salesconnect).toBeTruthy();
      }),
    );
  });
});
