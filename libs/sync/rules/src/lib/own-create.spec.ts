import {
  OWN_CREATE_WAIT_MS,
  isEchoOfOwnCreate,
  isUnlinkedDeletion,
  mustAwaitOwnCreate,
  needsTaskOrder,
} from './own-create';

const OURS = 'task-sync';

describe('R6: a deletion of a task no link names yet waits for the sync’s own create of it to land', () => {
  it('R6: only a deletion of a task no link names is judged; a linked one is decided at once', () => {
    expect(isUnlinkedDeletion({ kind: 'delete', origin: 'salesconnect-ui' }, false, OURS)).toBe(true);
    expect(isUnlinkedDeletion({ kind: 'delete', origin: null }, false, OURS)).toBe(true);
    expect(isUnlinkedDeletion({ kind: 'delete', origin: 'salesconnect-ui' }, true, OURS)).toBe(false);
    expect(isUnlinkedDeletion({ kind: 'upsert', origin: 'salesconnect-ui' }, false, OURS)).toBe(false);
  });

  it('R6: the sync’s own delete coming back (its origin ours) is decided at once, never waits', () => {
    expect(isUnlinkedDeletion({ kind: 'delete', origin: OURS }, false, OURS)).toBe(false);
  });

  it('R6: waits while a create of its side is in flight (its copy may be the one deleted)', () => {
    expect(mustAwaitOwnCreate({ createInFlight: true, linkedNow: false, waitedMs: 0 })).toBe(true);
  });

  it('R6: waits when a link names the task by now (the create landed after the run looked it up)', () => {
    expect(mustAwaitOwnCreate({ createInFlight: false, linkedNow: true, waitedMs: 0 })).toBe(true);
  });

  it('R6: with no create in flight and no link it is decided now (a task the sync never paired: not-linked)', () => {
    expect(mustAwaitOwnCreate({ createInFlight: false, linkedNow: false, waitedMs: 0 })).toBe(false);
  });

  it('R6: a create that never lands lets it go after OWN_CREATE_WAIT_MS', () => {
    expect(mustAwaitOwnCreate({ createInFlight: true, linkedNow: false, waitedMs: OWN_CREATE_WAIT_MS - 1 })).toBe(true);
    expect(mustAwaitOwnCreate({ createInFlight: true, linkedNow: true, waitedMs: OWN_CREATE_WAIT_MS })).toBe(false);
  });
});

describe('R6 without echo loops: the sync’s own Sales Connect create coming back is not published', () => {
  it('R6: a create made by the sync (its origin ours) is its echo', () => {
    expect(isEchoOfOwnCreate({ type: 'created', origin: OURS }, OURS)).toBe(true);
  });

  it('R6: a create a person made (another app, or Sales Connect’s own UI) crosses', () => {
    expect(isEchoOfOwnCreate({ type: 'created', origin: 'salesconnect-ui' }, OURS)).toBe(false);
    expect(isEchoOfOwnCreate({ type: 'created', origin: 'another-app' }, OURS)).toBe(false);
  });

  it('R6: the sync’s own updates, completions, reopens and deletes still come back (their echoes settle the link)', () => {
    for (const type of ['updated', 'completed', 'reopened', 'deleted'])
      expect(isEchoOfOwnCreate({ type, origin: OURS }, OURS)).toBe(false);
  });

  it('R6: a task whose waiting changes are all the sync’s own creates needs no stored order; any other change of it does', () => {
    const ownCreate = { type: 'created', origin: OURS };
    expect(needsTaskOrder([ownCreate], OURS)).toBe(false);
    expect(needsTaskOrder([ownCreate, ownCreate], OURS)).toBe(false);
    expect(needsTaskOrder([ownCreate, { type: 'updated', origin: 'salesconnect-ui' }], OURS)).toBe(true);
    expect(needsTaskOrder([{ type: 'updated', origin: OURS }], OURS)).toBe(true);
    expect(needsTaskOrder([{ type: 'created', origin: 'salesconnect-ui' }], OURS)).toBe(true);
  });
});
