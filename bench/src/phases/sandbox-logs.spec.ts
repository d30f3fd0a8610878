import { replaceTail } from './sandbox-logs';

describe('following a sandbox log from the last instant seen', () => {
  const at = (entry: { at: number }) => entry.at;

  it('keeps what came before that instant and takes the fresh answer for it and after', () => {
    const kept = [
      { at: 1_000, id: 'a' },
      { at: 2_000, id: 'b' },
    ];
    // The answer to ?since=2000 holds b again, an entry of the same second that arrived after the last read, and a later one.
    const fresh = [
      { at: 2_000, id: 'b' },
      { at: 2_000, id: 'c' },
      { at: 3_000, id: 'd' },
    ];
    expect(replaceTail(kept, fresh, at, 2_000).map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps two entries alike in every field (two edits of one task in one second), as the log has them', () => {
    const same = { at: 2_000, id: 'x' };
    expect(replaceTail([same], [same, same], at, 2_000)).toHaveLength(2);
  });

  it('is the fresh answer alone on the first read', () => {
    expect(replaceTail([], [{ at: 5, id: 'a' }], at, 0)).toEqual([{ at: 5, id: 'a' }]);
  });
});
