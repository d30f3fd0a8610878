import fc from 'fast-check';
import { ChangeFeedError, ChangeFeedErrorCode } from './change-feed.error';
import type { TaskChangeEvent } from './change-feed.port';
import { buildTaskChangeEvent } from '../testing';
import { SerialBatchDelivery } from './serial-batch.delivery';

const event = (replayId: number): TaskChangeEvent => buildTaskChangeEvent({ replayId });

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await turn();
  if (!check()) throw new Error('timed out');
}

/** A handler whose batches settle when the test says so. */
function controlledHandler() {
  const batches: number[][] = [];
  const pending: { resolve(): void; reject(e: Error): void }[] = [];
  let running = 0;
  let overlapped = false;
  const onEvents = (batch: TaskChangeEvent[]) => {
    batches.push(batch.map((e) => e.replayId));
    running++;
    if (running > 1) overlapped = true;
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject })).finally(() => running--);
  };
  return {
    onEvents,
    batches,
    get overlapped() {
      return overlapped;
    },
    settle: () => pending.shift()?.resolve(),
    reject: (e: Error) => pending.shift()?.reject(e),
    get waiting() {
      return pending.length;
    },
  };
}

/** Event 1 handed over and not settled yet, event 2 waiting behind it. */
async function withBatchInHand() {
  const handler = controlledHandler();
  const failures: ChangeFeedError[] = [];
  const delivery = new SerialBatchDelivery(handler.onEvents, (f) => failures.push(f), 100);
  delivery.push(event(1));
  await until(() => handler.waiting === 1);
  delivery.push(event(2));
  return { handler, failures, delivery };
}

describe('serial batch delivery', () => {
  it('delivers in order, one batch at a time: what arrived while the previous batch was handled', async () => {
    const handler = controlledHandler();
    const failures: ChangeFeedError[] = [];
    const delivery = new SerialBatchDelivery(handler.onEvents, (f) => failures.push(f), 100);
    delivery.push(event(1));
    delivery.push(event(2));
    await until(() => handler.waiting === 1);
    // Events of one server reply (pushed in one turn) make one batch.
    expect(handler.batches).toEqual([[1, 2]]);
    delivery.push(event(3));
    delivery.push(event(4));
    await turn();
    delivery.push(event(5));
    await turn();
    expect(handler.batches).toEqual([[1, 2]]);
    handler.settle();
    await until(() => handler.batches.length === 2);
    expect(handler.batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    handler.settle();
    await turn();
    expect(handler.overlapped).toBe(false);
    expect(failures).toEqual([]);
  });

  it('never hands over more than maxBatchSize at once', async () => {
    const seen: number[][] = [];
    const delivery = new SerialBatchDelivery(
      async (b) => void seen.push(b.map((e) => e.replayId)),
      () => undefined,
      2,
    );
    for (let i = 1; i <= 5; i++) delivery.push(event(i));
    await until(() => seen.flat().length === 5);
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a failed onEvents stops delivery and reports HANDLER_FAILED once, naming the batch', async () => {
    const { handler, failures, delivery } = await withBatchInHand();
    handler.reject(new Error('Kafka said no'));
    await until(() => failures.length === 1);
    delivery.push(event(3));
    await turn();
    await turn();
    expect(handler.batches).toEqual([[1]]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      code: ChangeFeedErrorCode.HandlerFailed,
      replayId: 1,
      handling: 'retry-later',
    });
    expect(failures[0].message).toMatch(/Kafka said no/);
    expect(delivery.isStopped).toBe(true);
  });

  it('a handler that throws at once counts as a rejection', async () => {
    const failures: ChangeFeedError[] = [];
    const delivery = new SerialBatchDelivery(
      () => {
        throw new Error('sync');
      },
      (f) => failures.push(f),
      10,
    );
    delivery.push(event(7));
    await until(() => failures.length === 1);
    expect(failures[0]).toMatchObject({ code: ChangeFeedErrorCode.HandlerFailed, replayId: 7 });
  });

  it('a malformed event: the events before it are delivered, then delivery stops with its error', async () => {
    const seen: number[][] = [];
    const failures: ChangeFeedError[] = [];
    const delivery = new SerialBatchDelivery(
      async (b) => void seen.push(b.map((e) => e.replayId)),
      (f) => failures.push(f),
      100,
    );
    const malformed = new ChangeFeedError(ChangeFeedErrorCode.MalformedEvent, 'bad', { replayId: 3 });
    delivery.push(event(1));
    delivery.push(event(2));
    delivery.push(malformed);
    delivery.push(event(4));
    await until(() => failures.length === 1);
    expect(seen).toEqual([[1, 2]]);
    expect(failures).toEqual([malformed]);
  });

  it('a failure from outside: what was received before it is handed over, then it is reported once; nothing after it is taken', async () => {
    const { handler, failures, delivery } = await withBatchInHand();
    const transport = new ChangeFeedError(ChangeFeedErrorCode.Transport, 'gone');
    delivery.fail(transport);
    delivery.fail(new ChangeFeedError(ChangeFeedErrorCode.Unexpected, 'second'));
    delivery.push(event(3));
    expect(delivery.isStopped).toBe(true);
    await turn();
    expect(failures).toEqual([]);
    handler.settle();
    await until(() => handler.waiting === 1);
    expect(failures).toEqual([]);
    handler.settle();
    await until(() => failures.length === 1);
    await turn();
    expect(failures).toEqual([transport]);
    expect(handler.batches).toEqual([[1], [2]]);
  });

  it('stop() waits for the batch in hand and reports nothing, even when that batch fails', async () => {
    const { handler, failures, delivery } = await withBatchInHand();
    let stopped = false;
    const stopping = delivery.stop().then(() => (stopped = true));
    await turn();
    expect(stopped).toBe(false);
    handler.reject(new Error('late'));
    await stopping;
    await turn();
    expect(failures).toEqual([]);
    expect(handler.batches).toEqual([[1]]);
  });

  it('whatever the arrival pattern and handler timing: every event once, in order, never two batches at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1 }),
        fc.integer({ min: 1, max: 5 }),
        async (arrivals, delays, maxBatchSize) => {
          const batches: number[][] = [];
          let running = 0;
          let overlapped = false;
          let call = 0;
          const delivery = new SerialBatchDelivery(
            async (batch) => {
              running++;
              overlapped ||= running > 1;
              batches.push(batch.map((e) => e.replayId));
              for (let i = delays[call++ % delays.length]; i > 0; i--) await turn();
              running--;
            },
            () => undefined,
            maxBatchSize,
          );
          let replayId = 0;
          for (const count of arrivals) {
            for (let i = 0; i < count; i++) delivery.push(event(++replayId));
            await turn();
          }
          await until(() => batches.flat().length === replayId && running === 0);
          expect(batches.flat()).toEqual(Array.from({ length: replayId }, (_, i) => i + 1));
          expect(batches.every((b) => b.length >= 1 && b.length <= maxBatchSize)).toBe(true);
          expect(overlapped).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  describe('gathering a busy stream (decideSfdcFlush: one batch, one read by id)', () => {
    const GATHER = { windowMs: 500, quietMs: 200, maxBatch: 5 };
    const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

    function gathering() {
      const batches: number[][] = [];
      const failures: ChangeFeedError[] = [];
      const delivery = new SerialBatchDelivery(
        async (b) => void batches.push(b.map((e) => e.replayId)),
        (f) => failures.push(f),
        100,
        GATHER,
      );
      return { batches, failures, delivery };
    }

    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it('an idle stream’s event goes at once', async () => {
      const { batches, delivery } = gathering();
      delivery.push(event(1));
      await advance(0);
      expect(batches).toEqual([[1]]);
    });

    it('events that keep coming gather for the window since the last batch went', async () => {
      const { batches, delivery } = gathering();
      delivery.push(event(1));
      await advance(0);
      for (let id = 2; id <= 5; id++) {
        await advance(100);
        delivery.push(event(id));
      }
      expect(batches).toEqual([[1]]);
      await advance(99);
      expect(batches).toEqual([[1]]);
      await advance(1); // 500 ms since batch 1 went
      expect(batches).toEqual([[1], [2, 3, 4, 5]]);
    });

    it('events that stop arriving go once the stream was quiet quietMs', async () => {
      const { batches, delivery } = gathering();
      delivery.push(event(1));
      await advance(0);
      await advance(50);
      delivery.push(event(2));
      await advance(199);
      expect(batches).toEqual([[1]]);
      await advance(1);
      expect(batches).toEqual([[1], [2]]);
    });

    it('a full batch goes without waiting', async () => {
      const { batches, delivery } = gathering();
      delivery.push(event(1));
      await advance(0);
      for (let id = 2; id <= 6; id++) delivery.push(event(id));
      await advance(0);
      expect(batches).toEqual([[1], [2, 3, 4, 5, 6]]);
    });

    it('a failure does not wait for the window: what gathered is handed over, then it is reported', async () => {
      const { batches, failures, delivery } = gathering();
      delivery.push(event(1));
      await advance(0);
      delivery.push(event(2));
      const transport = new ChangeFeedError(ChangeFeedErrorCode.Transport, 'gone');
      delivery.fail(transport);
      await advance(0);
      expect(batches).toEqual([[1], [2]]);
      expect(failures).toEqual([transport]);
    });

    it('stop() drops what gathered and its timer: nothing is handed over later', async () => {
      const { batches, delivery } = gathering();
      delivery.push(event(1));
      await advance(0);
      delivery.push(event(2));
      await delivery.stop();
      await advance(1_000);
      expect(batches).toEqual([[1]]);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(
      () =>
        new SerialBatchDelivery(
          async () => undefined,
          () => undefined,
          0,
        ),
    ).toThrow(/maxBatchSize/);
  });
});
