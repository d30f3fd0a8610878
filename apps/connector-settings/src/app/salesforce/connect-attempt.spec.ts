import { hashBrowserKey, judgeConnectAttempt, type ConnectAttempt, type CallbackPresented } from './connect-attempt';

const now = new Date('2026-12-04T12:00:00Z');
const attempt: ConnectAttempt = {
  nonce: 'n1',
  purpose: 'connection',
  startOver: false,
  login: { environment: 'production' },
  tenantId: 't1',
  userId: 'victim',
  timeZone: 'Europe/Lisbon',
  browserHash: hashBrowserKey('browser-of-victim'),
  codeVerifierSealed: 'sealed',
  expiresAt: new Date(now.getTime() + 60_000),
  usedAt: null,
};
const presented: CallbackPresented = { nonce: 'n1', tenantId: 't1', userId: 'victim', browserKey: 'browser-of-victim' };

describe('judgeConnectAttempt: a connect state works once, in time, in its browser, for its user', () => {
  it('accepts the callback of the browser and user that started the attempt', () => {
    expect(judgeConnectAttempt(attempt, presented, now)).toBeNull();
  });

  it.each([
    ['an unknown nonce', null, presented, 'UNKNOWN_STATE'],
    ['a replay of a used state', { ...attempt, usedAt: now }, presented, 'STATE_ALREADY_USED'],
    ['an expired attempt', { ...attempt, expiresAt: now }, presented, 'STATE_EXPIRED'],
    ['a browser without the cookie', attempt, { ...presented, browserKey: undefined }, 'OTHER_BROWSER'],
    ['another browser (its own cookie)', attempt, { ...presented, browserKey: 'browser-of-mallory' }, 'OTHER_BROWSER'],
    ['a state naming another user', attempt, { ...presented, userId: 'mallory' }, 'OTHER_USER'],
    ['a state naming another tenant', attempt, { ...presented, tenantId: 't2' }, 'OTHER_USER'],
  ] as const)('refuses %s', (_, stored, given, reason) => {
    expect(judgeConnectAttempt(stored, given, now)).toBe(reason);
  });

  it('a used attempt stays refused even from its own browser, before it expires', () => {
    expect(judgeConnectAttempt({ ...attempt, usedAt: new Date(now.getTime() - 1000) }, presented, new Date(now.getTime() - 30_000))).toBe('STATE_ALREADY_USED');
  });
});
