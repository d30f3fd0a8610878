import { randomBytes } from 'node:crypto';
import { parse } from 'cookie';
import type { CookieOptions, Request } from 'express';

/**
 * The cookie that binds a connect attempt to the browser that started it. Path-scoped to the
 * Salesforce routes; SameSite=Lax so Salesforce's top-level redirect back still carries it.
 */
export const CONNECT_COOKIE = 'ts_sf_connect';

const KEY_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function readBrowserKey(req: Request): string | undefined {
  const value = parse(req.headers.cookie ?? '')[CONNECT_COOKIE];
  return value && KEY_SHAPE.test(value) ? value : undefined;
}

/** A browser keeps its key across attempts, so two tabs connecting at once both finish. */
export const browserKeyFor = (req: Request): string => readBrowserKey(req) ?? randomBytes(32).toString('base64url');

export function connectCookieOptions(callbackUrl: string, ttlSeconds: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    // Secure whenever the callback is served over HTTPS, as anywhere but a developer's machine.
    secure: new URL(callbackUrl).protocol === 'https:',
    path: '/v1/salesforce',
    maxAge: ttlSeconds * 1000,
  };
}
