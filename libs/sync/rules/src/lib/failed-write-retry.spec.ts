import { DEFAULT_FAILED_WRITE_RETRY, decideFailedWriteRetry } from './failed-write-retry';

const FAILED_AT = new Date('2026-12-05T10:00:00.000Z');

describe('a refused write is tried again every 30 minutes, at most 48 times (a day), then stays failed', () => {
  it.each([
    [1, '2026-12-05T10:30:00.000Z'],
    [2, '2026-12-05T10:30:00.000Z'],
    [47, '2026-12-05T10:30:00.000Z'],
  ])('after %i failed attempts it goes again 30 minutes after the last one failed', (attempts, at) => {
    expect(decideFailedWriteRetry(attempts, FAILED_AT)).toEqual({ kind: 'retry', at: new Date(at) });
  });

  it.each([48, 49, 100])('after %i failed attempts it is not tried again', (attempts) => {
    expect(decideFailedWriteRetry(attempts, FAILED_AT)).toEqual({ kind: 'give-up' });
  });

  it('the interval and the bound are settings (shorter in tests)', () => {
    expect(decideFailedWriteRetry(1, FAILED_AT, { intervalMs: 2_000, maxAttempts: 3 })).toEqual({
      kind: 'retry',
      at: new Date('2026-12-05T10:00:02.000Z'),
    });
    expect(decideFailedWriteRetry(3, FAILED_AT, { intervalMs: 2_000, maxAttempts: 3 })).toEqual({ kind: 'give-up' });
  });

  it('the default bound covers a day of attempts', () => {
    expect(DEFAULT_FAILED_WRITE_RETRY.intervalMs * DEFAULT_FAILED_WRITE_RETRY.maxAttempts).toBe(24 * 60 * 60 * 1000);
  });
});
