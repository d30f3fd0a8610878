import { planBatch, type FetchedMessage } from './batch-plan';

const ok = (n: number): FetchedMessage<number, string> => ({ ok: true, message: n });
const bad = (why: string): FetchedMessage<number, string> => ({ ok: false, message: why });

describe('planBatch: a fetched batch → runs for the handler and dead letters, in offset order', () => {
  it('a batch handler gets every decodable message of the batch in one run', () => {
    expect(planBatch([ok(1), ok(2), ok(3)], true)).toEqual([{ kind: 'run', messages: [1, 2, 3] }]);
  });

  it('a message handler gets one message a run', () => {
    expect(planBatch([ok(1), ok(2)], false)).toEqual([
      { kind: 'run', messages: [1] },
      { kind: 'run', messages: [2] },
    ]);
  });

  it('an undecodable message ends the run before it and is dead-lettered in its place; the next run starts after it', () => {
    expect(planBatch([ok(1), ok(2), bad('not json'), ok(4), bad('no schema'), bad('unknown type')], true)).toEqual([
      { kind: 'run', messages: [1, 2] },
      { kind: 'dead-letter', message: 'not json' },
      { kind: 'run', messages: [4] },
      { kind: 'dead-letter', message: 'no schema' },
      { kind: 'dead-letter', message: 'unknown type' },
    ]);
  });

  it('an empty batch, or one of undecodable messages only, makes no run', () => {
    expect(planBatch([], true)).toEqual([]);
    expect(planBatch([bad('a'), bad('b')], false)).toEqual([
      { kind: 'dead-letter', message: 'a' },
      { kind: 'dead-letter', message: 'b' },
    ]);
  });
});
