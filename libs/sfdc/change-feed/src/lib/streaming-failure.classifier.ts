import { SalesforceErrorCode, SalesforceSessionError, classifySalesforceError } from '@task-sync/sfdc-client';
import { ChangeFeedError, ChangeFeedErrorCode } from './change-feed.error';

/** An unsuccessful Bayeux reply as the Streaming API sends it (`error` is `<code>::<text>`). */
export interface BayeuxFailure {
  channel?: string;
  error?: string;
  ext?: { sfdc?: { failureReason?: string } };
  advice?: { reconnect?: string };
}

/** Streaming API error texts ("Streaming API Error Codes"), most specific first. */
const RULES: [RegExp, ChangeFeedErrorCode][] = [
  [/^401::/, ChangeFeedErrorCode.AuthFailed],
  [/The replayId \{?[^ ]*\}? you provided was invalid/i, ChangeFeedErrorCode.ReplayIdUnavailable],
  // Salesforce's docs write "does not exist" and, lately, "doesn't exist".
  [/channel you requested to subscribe to does(?: not|n['’]t) exist/i, ChangeFeedErrorCode.CdcNotEnabled],
  [/without View All Data/i, ChangeFeedErrorCode.NotPermitted],
  [/total events daily limit exceeded/i, ChangeFeedErrorCode.EventLimitExceeded],
  [/concurrent (?:user|client)s? limit exceeded/i, ChangeFeedErrorCode.ClientLimitExceeded],
  [/^5\d\d::/, ChangeFeedErrorCode.Transport],
];

/** The text that says why: a refused handshake puts the reason in `ext.sfdc.failureReason`. */
export function failureText(message: BayeuxFailure): string {
  return message.ext?.sfdc?.failureReason ?? message.error ?? 'no error text';
}

/** Sorts a Bayeux failure (a reply, or the text jsforce rejected a subscription with) into our codes. */
export function classifyStreamingFailure(failure: BayeuxFailure | string): ChangeFeedError {
  const text = typeof failure === 'string' ? failure : failureText(failure);
  const channel = typeof failure === 'string' ? '' : `${failure.channel ?? ''}: `;
  const code = RULES.find(([pattern]) => pattern.test(text))?.[1] ?? ChangeFeedErrorCode.Unexpected;
  return new ChangeFeedError(code, `${channel}${text}`);
}

/**
 * faye handshakes again and resubscribes on advice `handshake` or `retry` (`403::Unknown client`, a
 * 5xx); the caller bounds how long. Refused subscriptions and `reconnect: none` are ours.
 */
export function isLeftToClient(message: BayeuxFailure): boolean {
  if (message.channel === '/meta/subscribe' || message.advice?.reconnect === 'none') return false;
  const { code } = classifyStreamingFailure(message);
  return code === ChangeFeedErrorCode.Unexpected || code === ChangeFeedErrorCode.Transport;
}

/** Only a reconnect cures a refusal (a lost grant, a removed reader, an org not set up); the rest is passing. */
export function classifySessionFailure(error: unknown): ChangeFeedError {
  if (
    error instanceof SalesforceSessionError &&
    classifySalesforceError(error).code !== SalesforceErrorCode.Transient
  ) {
    return new ChangeFeedError(
      ChangeFeedErrorCode.AuthFailed,
      `no Salesforce session: ${error.code}: ${error.message}`,
      { cause: error },
    );
  }
  return new ChangeFeedError(ChangeFeedErrorCode.Transport, `no Salesforce session: ${(error as Error).message}`, {
    cause: error,
  });
}
