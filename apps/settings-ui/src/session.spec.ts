import { readArrival, takeToken, TOKEN_KEY } from './session';

const memoryStorage = (initial: Record<string, string> = {}) => {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    items,
  };
};

describe('the token from the URL fragment', () => {
  it('is kept for the tab and taken off the URL, query string kept', () => {
    const storage = memoryStorage();
    expect(
      takeToken({ hash: '#token=abc', pathname: '/settings/crm/salesforce', search: '?connected=1' }, storage),
    ).toEqual({ token: 'abc', cleanUrl: '/settings/crm/salesforce?connected=1' });
    expect(storage.items.get(TOKEN_KEY)).toBe('abc');
  });

  it('survives the OAuth round trip: no fragment, the stored token, the URL left alone', () => {
    expect(
      takeToken({ hash: '', pathname: '/p', search: '?connected=x' }, memoryStorage({ [TOKEN_KEY]: 'kept' })),
    ).toEqual({ token: 'kept', cleanUrl: null });
  });

  it('is null when the page was not opened from Sales Connect', () => {
    expect(takeToken({ hash: '#health', pathname: '/p', search: '' }, memoryStorage()).token).toBeNull();
  });
});

describe('what the OAuth round trip came back with', () => {
  it.each([
    ['?error=access_denied', { kind: 'error', message: 'Salesforce was not connected: access denied.' }],
    [
      '?error=other_salesforce_account&offeredAs=b%40x&connectedAs=a%40x',
      { kind: 'other-account', offeredAs: 'b@x', connectedAs: 'a@x' },
    ],
    [
      '?connected=1&reconnected=1',
      {
        kind: 'notice',
        message: 'Reconnected. Sync goes on where it stopped: the same links, nothing imported again.',
      },
    ],
    ['?orgReader=1', { kind: 'notice', message: 'The org reader is connected. Its checks are below.' }],
    ['?connected=1', { kind: 'none' }],
  ])('%s', (search, arrival) => {
    expect(readArrival(search)).toEqual(arrival);
  });
});
