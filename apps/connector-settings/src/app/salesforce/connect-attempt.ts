import { createHash, timingSafeEqual } from 'node:crypto';
import type { SalesforceLogin } from '@task-sync/sfdc-oauth';

/**
 * What the grant is for: the user's own connection (their writes, and their reads while the org
 * has no reader), or the org's reader, the one integration user whose session reads the org's changes.
 */
export type ConnectPurpose = 'connection' | 'org-reader';

/** One "Connect Salesforce" started by a user in one browser, waiting for Salesforce's callback. */
export interface ConnectAttempt {
  nonce: string;
  purpose: ConnectPurpose;
  /** The user confirmed starting over when the grant is another Salesforce user's than their connection's (`POST /v1/salesforce/connect {"startOver": true}`). */
  startOver: boolean;
  /** Where the user signs in (the environment they picked): the code is exchanged there, and the connection keeps it. */
  login: SalesforceLogin;
  tenantId: string;
  userId: string;
  timeZone: string;
  /** SHA-256 of the browser's connect cookie: the cookie itself is never stored. */
  browserHash: string;
  /** The PKCE verifier, sealed with the token cipher. */
  codeVerifierSealed: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface CallbackPresented {
  nonce: string;
  tenantId: string;
  userId: string;
  browserKey: string | undefined;
}

export type ConnectRefusal = 'UNKNOWN_STATE' | 'STATE_ALREADY_USED' | 'STATE_EXPIRED' | 'OTHER_BROWSER' | 'OTHER_USER';

/** Why a callback that passed every check still connected nothing, in the page's words. */
export type CallbackRefusal = ConnectRefusal | 'INVALID_STATE' | 'MISSING_CODE' | 'ORG_READER_HELD_ELSEWHERE';

export const hashBrowserKey = (browserKey: string): string => createHash('sha256').update(browserKey).digest('base64url');

const sameHash = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Whether a callback may complete an attempt: once, before it expires, in the browser that
 * started it, for the user it was started for. `null` when it may.
 */
export function judgeConnectAttempt(attempt: ConnectAttempt | null, presented: CallbackPresented, now: Date): ConnectRefusal | null {
  if (!attempt) return 'UNKNOWN_STATE';
  if (attempt.usedAt) return 'STATE_ALREADY_USED';
  if (attempt.expiresAt.getTime() <= now.getTime()) return 'STATE_EXPIRED';
  if (!presented.browserKey || !sameHash(attempt.browserHash, hashBrowserKey(presented.browserKey))) return 'OTHER_BROWSER';
  if (attempt.tenantId !== presented.tenantId || attempt.userId !== presented.userId) return 'OTHER_USER';
  return null;
}

export const REFUSAL_MESSAGES: Record<CallbackRefusal, string> = {
  INVALID_STATE: 'This Salesforce connect link is not valid: it was changed, or it is too old.',
  UNKNOWN_STATE: 'This Salesforce connect link is not one we issued, or it was cleaned up long ago.',
  STATE_ALREADY_USED: 'This Salesforce connect link was already used. Each link works once.',
  STATE_EXPIRED: 'This Salesforce connect link has expired.',
  OTHER_BROWSER: 'This Salesforce connect link was started in another browser. Finish connecting in the browser where you clicked "Connect Salesforce".',
  OTHER_USER: 'This Salesforce connect link was started by another user.',
  MISSING_CODE: 'Salesforce sent no authorization code.',
  ORG_READER_HELD_ELSEWHERE:
    "This Salesforce org's reader is already connected by another Sales Connect account. An org has one reader: that account's administrator must disconnect it first.",
};
