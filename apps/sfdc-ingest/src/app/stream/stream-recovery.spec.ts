import { SalesforceError, SalesforceErrorCode } from '@task-sync/sfdc-client';
import { ChangeFeedError, ChangeFeedErrorCode } from '@task-sync/sfdc-change-feed';
import { decideStreamRecovery, retryDelayMs } from './stream-recovery';

const PAUSE = 300_000;
const failure = (code: ChangeFeedErrorCode, replayId?: number) =>
  new ChangeFeedError(code, 'what Salesforce said', { replayId });

describe('what the supervisor does after a stream ended', () => {
  it.each([
    [ChangeFeedErrorCode.Transport, 'resubscribe'],
    [ChangeFeedErrorCode.ClientLimitExceeded, 'resubscribe'],
    [ChangeFeedErrorCode.HandlerFailed, 'resubscribe'],
    [ChangeFeedErrorCode.Unexpected, 'resubscribe'],
    [ChangeFeedErrorCode.ReplayIdUnavailable, 'resubscribe-new'],
    [ChangeFeedErrorCode.AuthFailed, 'pause'],
    [ChangeFeedErrorCode.CdcNotEnabled, 'pause'],
    [ChangeFeedErrorCode.NotPermitted, 'pause'],
    [ChangeFeedErrorCode.EventLimitExceeded, 'pause'],
    [ChangeFeedErrorCode.MalformedEvent, 'skip-event'],
  ])('%s → %s', (code, action) => {
    const recovery = decideStreamRecovery(failure(code, 42), { failuresInARow: 0, pauseMs: PAUSE });
    expect(recovery.action).toBe(action);
    expect(recovery.reason).toBe(`${code}: what Salesforce said`);
  });

  it('a pause lasts PAUSE_RECHECK_MS; a skipped event names its replay id', () => {
    expect(
      decideStreamRecovery(failure(ChangeFeedErrorCode.NotPermitted), { failuresInARow: 3, pauseMs: PAUSE }),
    ).toMatchObject({ action: 'pause', delayMs: PAUSE });
    expect(
      decideStreamRecovery(failure(ChangeFeedErrorCode.MalformedEvent, 42), { failuresInARow: 0, pauseMs: PAUSE }),
    ).toMatchObject({ replayId: 42 });
    expect(
      decideStreamRecovery(failure(ChangeFeedErrorCode.MalformedEvent), { failuresInARow: 0, pauseMs: PAUSE }),
    ).toMatchObject({ replayId: null });
  });

  it('retries back off from a second, doubling, and never wait more than a minute (nor the pause)', () => {
    expect([0, 1, 2, 5, 6, 40].map((n) => retryDelayMs(n, PAUSE))).toEqual([
      1_000, 2_000, 4_000, 32_000, 60_000, 60_000,
    ]);
    expect(retryDelayMs(10, 5_000)).toBe(5_000);
    expect(
      decideStreamRecovery(failure(ChangeFeedErrorCode.Transport), { failuresInARow: 2, pauseMs: PAUSE }),
    ).toMatchObject({ action: 'resubscribe', delayMs: 4_000 });
  });

  it('a batch whose Salesforce read hit the API budget pauses the stream as it pauses the polls', () => {
    const handlerError = new SalesforceError(SalesforceErrorCode.ApiBudgetReached, 'org 00D has used 600 of 1000');
    expect(
      decideStreamRecovery(failure(ChangeFeedErrorCode.HandlerFailed), {
        failuresInARow: 0,
        pauseMs: PAUSE,
        handlerError,
      }),
    ).toEqual({
      action: 'pause',
      delayMs: PAUSE,
      reason: 'API_BUDGET_REACHED: org 00D has used 600 of 1000',
    });
    const passing = new SalesforceError(SalesforceErrorCode.Transient, '503');
    expect(
      decideStreamRecovery(failure(ChangeFeedErrorCode.HandlerFailed), {
        failuresInARow: 0,
        pauseMs: PAUSE,
        handlerError: passing,
      }).action,
    ).toBe('resubscribe');
  });
});
