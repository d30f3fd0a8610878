import type { Request } from 'express';
import { browserKeyFor, CONNECT_COOKIE, connectCookieOptions, readBrowserKey } from './connect-browser-cookie';

const requestWith = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as Request;
const KEY = 'A'.repeat(43);

describe('the connect cookie', () => {
  it('is Secure when the callback is HTTPS, and always HttpOnly, SameSite=Lax, scoped to the Salesforce routes, as long as an attempt lives', () => {
    expect(connectCookieOptions('https://sync.example.com/v1/salesforce/oauth/callback', 600)).toEqual({ httpOnly: true, sameSite: 'lax', secure: true, path: '/v1/salesforce', maxAge: 600_000 });
    expect(connectCookieOptions('http://127.0.0.1:3000/v1/salesforce/oauth/callback', 60).secure).toBe(false);
  });

  it('reads only a well-formed key, and a browser keeps its key across attempts', () => {
    expect(readBrowserKey(requestWith(`other=1; ${CONNECT_COOKIE}=${KEY}`))).toBe(KEY);
    expect(readBrowserKey(requestWith(`${CONNECT_COOKIE}=short`))).toBeUndefined();
    expect(readBrowserKey(requestWith())).toBeUndefined();
    expect(browserKeyFor(requestWith(`${CONNECT_COOKIE}=${KEY}`))).toBe(KEY);
    const fresh = browserKeyFor(requestWith());
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browserKeyFor(requestWith())).not.toBe(fresh);
  });
});
