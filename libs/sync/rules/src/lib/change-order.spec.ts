import { decideChangeOrder, type ChangeOrderInput, type OrderedChange } from './change-order';

const HOLD_MS = 3_000;
const NOW = 100_000;

const webhook = (version: number, arrivedAtMs = NOW): OrderedChange => ({ version, arrival: 'webhook', arrivedAtMs });
const feed = (version: number, arrivedAtMs = NOW): OrderedChange => ({ version, arrival: 'feed', arrivedAtMs });

const decide = (pending: OrderedChange[], overrides: Partial<ChangeOrderInput<OrderedChange>> = {}) => {
  const decision = decideChangeOrder({
    state: {},
    pending,
    nowMs: NOW,
    holdMs: HOLD_MS,
    releaseExpired: false,
    ...overrides,
  });
  const versions = (cs: OrderedChange[]) => cs.map((c) => c.version);
  return {
    release: versions(decision.release),
    hold: versions(decision.hold),
    superseded: versions(decision.superseded),
  };
};

describe("decideChangeOrder: a task's Sales Connect changes are published in the order Sales Connect made them", () => {
  it("publishes a task's first change (version 1) at once: it has no predecessor", () => {
    expect(decide([webhook(1)])).toEqual({ release: [1], hold: [], superseded: [] });
  });

  it('publishes a change whose predecessor was released, at once', () => {
    expect(decide([webhook(4)], { state: { released: 3, published: 3 } })).toEqual({
      release: [4],
      hold: [],
      superseded: [],
    });
  });

  it('publishes changes that arrived together in version order, whatever order they came in', () => {
    expect(decide([webhook(4), webhook(2), webhook(3)], { state: { released: 1, published: 1 } }).release).toEqual([
      2, 3, 4,
    ]);
  });

  it('holds a change whose predecessor has not arrived, with every later change of the task', () => {
    expect(decide([webhook(4), webhook(5)], { state: { released: 2, published: 2 } })).toEqual({
      release: [],
      hold: [4, 5],
      superseded: [],
    });
  });

  it("holds a task's later change whose earlier ones were never seen (its create is still on its way)", () => {
    expect(decide([webhook(3)])).toEqual({ release: [], hold: [3], superseded: [] });
  });

  it('releases the held changes in order once the gap fills, in a later round', () => {
    expect(decide([webhook(4, NOW - 1_000), webhook(3)], { state: { released: 2, published: 2 } })).toEqual({
      release: [3, 4],
      hold: [],
      superseded: [],
    });
  });

  it('releases what follows a gap that filled, and holds again at the next gap', () => {
    expect(decide([webhook(3), webhook(5)], { state: { released: 2, published: 2 } })).toEqual({
      release: [3],
      hold: [5],
      superseded: [],
    });
  });

  it('never publishes a version at or below the published one: it is superseded, not published after the newer', () => {
    expect(decide([webhook(2), webhook(3)], { state: { released: 3, published: 3 } })).toEqual({
      release: [],
      hold: [],
      superseded: [2, 3],
    });
  });

  it('publishes again a change released without an enabled connection (skipped) when the feed brings it back', () => {
    // A webhook skipped it before the enable reached the ingest; the catch-up reads it after (R3, R7).
    expect(decide([feed(4), webhook(5)], { state: { released: 4, published: 2 } })).toEqual({
      release: [4, 5],
      hold: [],
      superseded: [],
    });
  });

  it("never holds a change read from the feed: what is missing below it is older than the ingest's history", () => {
    expect(decide([feed(7)])).toEqual({ release: [7], hold: [], superseded: [] });
  });

  it('a change read from the feed takes the webhooks held below it along, in order', () => {
    expect(decide([webhook(5, NOW - 500), feed(6)], { state: { released: 3, published: 3 } })).toEqual({
      release: [5, 6],
      hold: [],
      superseded: [],
    });
  });

  it("keeps one copy of a change that came twice (a retried webhook, the feed), the feed's", () => {
    const decision = decideChangeOrder({
      state: { released: 1, published: 1 },
      pending: [webhook(2), feed(2)],
      nowMs: NOW,
      holdMs: HOLD_MS,
      releaseExpired: false,
    });
    expect(decision.release).toEqual([feed(2)]);
    expect(decision.superseded).toEqual([webhook(2)]);
  });

  it('holds a change past the bound until the caller has read the feed for the gap', () => {
    expect(decide([webhook(5, NOW - HOLD_MS)], { state: { released: 3, published: 3 } }).hold).toEqual([5]);
  });

  it('past the bound, with the feed read, publishes the held changes in order without the missing predecessor', () => {
    expect(
      decide([webhook(6, NOW - 100), webhook(5, NOW - HOLD_MS)], {
        state: { released: 3, published: 3 },
        releaseExpired: true,
      }),
    ).toEqual({ release: [5, 6], hold: [], superseded: [] });
  });

  it('past the bound, a later change that waited the bound takes the held ones below it along, though they came after it', () => {
    // Version 6 came first and waited the bound for 4; version 5 came since, within the bound.
    expect(
      decide([webhook(6, NOW - HOLD_MS), webhook(5, NOW - 100)], {
        state: { released: 3, published: 3 },
        releaseExpired: true,
      }),
    ).toEqual({ release: [5, 6], hold: [], superseded: [] });
  });

  it('within the bound, a held change still waits even when the caller may release expired ones', () => {
    expect(
      decide([webhook(5, NOW - HOLD_MS + 1)], { state: { released: 3, published: 3 }, releaseExpired: true }).hold,
    ).toEqual([5]);
  });

  it("publishes every arrival order of a task's changes as one ascending sequence, never an older after a newer", () => {
    const permutations = (xs: number[]): number[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const order of permutations([2, 3, 4, 5])) {
      let state = { released: 1, published: 1 };
      let held: OrderedChange[] = [];
      const published: number[] = [];
      for (const version of order) {
        const decision = decideChangeOrder({
          state,
          pending: [...held, webhook(version)],
          nowMs: NOW,
          holdMs: HOLD_MS,
          releaseExpired: false,
        });
        held = decision.hold;
        for (const c of decision.release) published.push(c.version);
        const top = Math.max(state.released, ...decision.release.map((c) => c.version));
        state = { released: top, published: top };
      }
      expect(published).toEqual([2, 3, 4, 5]);
    }
  });
});
