import { BackgroundLoop } from './background-loop';
import { setTimeout as sleep } from 'node:timers/promises';

describe('BackgroundLoop', () => {
  it('goes round at once while there is work, and waits when there is none', async () => {
    let rounds = 0;
    const loop = new BackgroundLoop('test', { error: () => undefined }, async () => ++rounds < 5, 1000);
    loop.start();
    // Waits for the rounds rather than a fixed time, so a loaded machine does not fail it.
    while (rounds < 5) await sleep(5);
    await sleep(100);
    await loop.stop();
    expect(rounds).toBe(5); // four busy rounds back to back, then an idle one and the wait
  });

  it('logs a failed round, waits as when idle, and goes on', async () => {
    const errors: string[] = [];
    const roundsAt: number[] = [];
    const loop = new BackgroundLoop(
      'test',
      { error: (m: string) => errors.push(m) },
      async () => {
        roundsAt.push(Date.now());
        if (roundsAt.length === 1) throw new Error('boom');
        return false;
      },
      30,
    );
    loop.start();
    while (roundsAt.length < 2) await sleep(5);
    await loop.stop();
    expect(errors).toEqual([expect.stringContaining('test round failed: Error: boom')]);
    expect(roundsAt[1] - roundsAt[0]).toBeGreaterThanOrEqual(25); // the idle wait (30 ms), not at once
  });

  it('stop() waits for the round in flight, then no round starts', async () => {
    const finished: number[] = [];
    let started = 0;
    const loop = new BackgroundLoop(
      'test',
      { error: () => undefined },
      async () => {
        const n = ++started;
        await sleep(50);
        finished.push(n);
        return true;
      },
      10,
    );
    loop.start();
    await sleep(20);
    await loop.stop();
    expect(finished).toEqual([1]);
    await sleep(80);
    expect(started).toBe(1);
  });

  it('stop() does not wait out an idle wait', async () => {
    const loop = new BackgroundLoop('test', { error: () => undefined }, async () => false, 60_000);
    loop.start();
    await sleep(20);
    const started = Date.now();
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
