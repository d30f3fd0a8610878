import { SalesforceSessionError } from '@task-sync/sfdc-client';
import { ChangeFeedErrorCode } from './change-feed.error';
import { classifySessionFailure, classifyStreamingFailure, isLeftToClient } from './streaming-failure.classifier';

describe('classifying what the Streaming API answers', () => {
  it.each([
    // The text jsforce rejects a subscription with (faye cannot split `{…}` into code and text).
    [
      '400::The replayId {1553783} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.',
      ChangeFeedErrorCode.ReplayIdUnavailable,
      'resync',
    ],
    [
      '400::The channel you requested to subscribe to does not exist {/data/TaskChangeEvent}',
      ChangeFeedErrorCode.CdcNotEnabled,
      'pause',
    ],
    [
      '400::The channel you requested to subscribe to doesn’t exist {/data/TaskChangeEvent}',
      ChangeFeedErrorCode.CdcNotEnabled,
      'pause',
    ],
    [
      '403::User not allowed to subscribe CDC without View All Data permissions',
      ChangeFeedErrorCode.NotPermitted,
      'pause',
    ],
    ['403::Organization total events daily limit exceeded', ChangeFeedErrorCode.EventLimitExceeded, 'pause'],
    ['403::Organization concurrent user limit exceeded', ChangeFeedErrorCode.ClientLimitExceeded, 'retry-later'],
    ['401::Authentication invalid', ChangeFeedErrorCode.AuthFailed, 'pause'],
    ['401::Request requires authentication', ChangeFeedErrorCode.AuthFailed, 'pause'],
    ['503::Server is too busy', ChangeFeedErrorCode.Transport, 'retry-later'],
    ['403::Unknown client', ChangeFeedErrorCode.Unexpected, 'retry-later'],
    ['400::Something new', ChangeFeedErrorCode.Unexpected, 'retry-later'],
  ])('%s is %s (%s)', (text, code, handling) => {
    const failure = classifyStreamingFailure(text);
    expect(failure.code).toBe(code);
    expect(failure.handling).toBe(handling);
    expect(failure.message).toBe(text);
  });

  it('reads a refused handshake by its failure reason, and names the channel', () => {
    const failure = classifyStreamingFailure({
      channel: '/meta/handshake',
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
      advice: { reconnect: 'none' },
    });
    expect(failure.code).toBe(ChangeFeedErrorCode.AuthFailed);
    expect(failure.message).toBe('/meta/handshake: 401::Authentication invalid');
    expect(classifyStreamingFailure({ channel: '/meta/handshake', error: '403::Handshake denied' }).code).toBe(
      ChangeFeedErrorCode.Unexpected,
    );
    expect(classifyStreamingFailure({ channel: '/meta/connect' }).message).toBe('/meta/connect: no error text');
  });

  it.each([
    [{ channel: '/meta/connect', error: '403::Unknown client', advice: { reconnect: 'handshake' } }, true],
    [{ channel: '/meta/connect', error: '500::Internal error', advice: { reconnect: 'retry' } }, true],
    [{ channel: '/meta/handshake', error: '403::Handshake denied', advice: { reconnect: 'retry' } }, true],
    // Cured by no retry, whatever the advice says.
    [
      {
        channel: '/meta/connect',
        error: '403::Organization total events daily limit exceeded',
        advice: { reconnect: 'retry' },
      },
      false,
    ],
    [{ channel: '/meta/connect', error: '401::Authentication invalid', advice: { reconnect: 'none' } }, false],
    [{ channel: '/meta/connect', error: '403::Unknown client', advice: { reconnect: 'none' } }, false],
    // faye never subscribes again after a refusal.
    [{ channel: '/meta/subscribe', error: '403::Unknown client' }, false],
  ])('%j is left to the client to retry: %s', (message, left) => {
    expect(isLeftToClient(message)).toBe(left);
  });

  it('a session connector-settings cannot hand out: a lost grant is AUTH_FAILED, an outage TRANSPORT', () => {
    expect(classifySessionFailure(new SalesforceSessionError('REAUTHORIZATION_REQUIRED', 'connect again')).code).toBe(
      ChangeFeedErrorCode.AuthFailed,
    );
    expect(classifySessionFailure(new SalesforceSessionError('CONNECTION_NOT_FOUND', 'gone')).code).toBe(
      ChangeFeedErrorCode.AuthFailed,
    );
    expect(classifySessionFailure(new SalesforceSessionError('UNAVAILABLE', 'down')).code).toBe(
      ChangeFeedErrorCode.Transport,
    );
    const plain = classifySessionFailure(new Error('socket hang up'));
    expect(plain.code).toBe(ChangeFeedErrorCode.Transport);
    expect(plain.cause).toBeInstanceOf(Error);
  });
});
