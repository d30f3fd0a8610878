import { forEachConcurrently } from './for-each-concurrently';

describe('forEachConcurrently', () => {
  it('does every item once, never more than the limit at a time', async () => {
    const done: number[] = [];
    let running = 0;
    let most = 0;
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5 * (n % 3)));
      running--;
      done.push(n);
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('does nothing for no items', async () => {
    const work = jest.fn(async () => undefined);
    await forEachConcurrently([], 4, work);
    expect(work).not.toHaveBeenCalled();
  });
});
