import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../auth/principal';

export interface OAuthStatePayload extends Principal {
  timeZone: string;
  /** Unix seconds. */
  exp: number;
  nonce: string;
}

/**
 * The OAuth `state`: who started the connect flow, signed (HMAC-SHA256) and expiring, so the
 * callback can neither be forged nor replayed later (CSRF).
 */
export class OAuthStateSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  sign(who: Principal & { timeZone: string }, nowMs = Date.now()): string {
    const payload: OAuthStatePayload = { ...who, exp: Math.floor(nowMs / 1000) + this.ttlSeconds, nonce: randomBytes(12).toString('base64url') };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The payload, or null when the state is forged, malformed or expired. */
  verify(state: string, nowMs = Date.now()): OAuthStatePayload | null {
    const [body, mac] = state.split('.');
    if (!body || !mac) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as OAuthStatePayload;
      return payload.exp * 1000 > nowMs ? payload : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
