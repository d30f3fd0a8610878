import { decideSfdcFlush, type SfdcQueueState } from './sfdc-gather';

const POLICY = { windowMs: 2_000, quietMs: 500, maxBatch: 23 };
/** A busy connection: it sent 300 ms ago and a write arrived just now. */
const busy = (over: Partial<SfdcQueueState> = {}): SfdcQueueState => ({
  queued: 3,
  oldestWaitedMs: 400,
  newestWaitedMs: 50,
  sinceLastSendMs: 300,
  ...over,
});

describe('Salesforce writes gather adaptively: at once when idle, up to the window while busy', () => {
  it('nothing queued: nothing to send', () => {
    expect(decideSfdcFlush(busy({ queued: 0, sinceLastSendMs: null }), POLICY)).toEqual({ kind: 'wait' });
  });

  it.each([
    ['nothing sent since the process started', null],
    ['the last send was a window ago', 2_000],
    ['the last send was long ago', 60_000],
  ])('was idle (%s): the first write goes at once', (_case, sinceLastSendMs) => {
    expect(decideSfdcFlush(busy({ queued: 1, oldestWaitedMs: 0, newestWaitedMs: 0, sinceLastSendMs }), POLICY)).toEqual(
      { kind: 'send', reason: 'was-idle' },
    );
  });

  it('busy (sent within the window) and writes keep arriving: they gather', () => {
    expect(decideSfdcFlush(busy(), POLICY)).toEqual({ kind: 'wait' });
    expect(decideSfdcFlush(busy({ oldestWaitedMs: 1_999, newestWaitedMs: 499 }), POLICY)).toEqual({ kind: 'wait' });
  });

  it('busy, but no write arrived for the quiet time: the gathered ones go', () => {
    expect(decideSfdcFlush(busy({ newestWaitedMs: 500 }), POLICY)).toEqual({
      kind: 'send',
      reason: 'arrivals-stopped',
    });
  });

  it('capped at the window: the oldest has waited it, however fast writes still arrive', () => {
    expect(decideSfdcFlush(busy({ oldestWaitedMs: 2_000 }), POLICY)).toEqual({
      kind: 'send',
      reason: 'window-reached',
    });
  });

  it('capped at a batch: a full call goes at once, busy or not', () => {
    expect(decideSfdcFlush(busy({ queued: 23, oldestWaitedMs: 10 }), POLICY)).toEqual({
      kind: 'send',
      reason: 'full-batch',
    });
    expect(decideSfdcFlush(busy({ queued: 200 }), POLICY)).toEqual({ kind: 'send', reason: 'full-batch' });
  });

  it('a window of 0 sends every round (the old fixed behaviour at 0)', () => {
    expect(decideSfdcFlush(busy(), { windowMs: 0, quietMs: 0, maxBatch: 23 }).kind).toBe('send');
  });
});
