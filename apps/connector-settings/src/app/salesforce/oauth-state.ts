import { createHmac, timingSafeEqual } from 'node:crypto';

export interface OAuthStatePayload {
  tenantId: string;
  userId: string;
  /** The connect attempt stored for this state: single use and bound to one browser (connect-attempt.ts). */
  nonce: string;
  /** Unix seconds. */
  exp: number;
}

/** Signed and expiring, so a forged or stale state is refused before the database is asked. */
export class OAuthStateSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  sign(attempt: { tenantId: string; userId: string; nonce: string }, nowMs = Date.now()): string {
    const payload: OAuthStatePayload = { tenantId: attempt.tenantId, userId: attempt.userId, nonce: attempt.nonce, exp: Math.floor(nowMs / 1000) + this.ttlSeconds };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(state: string, nowMs = Date.now()): OAuthStatePayload | null {
    const [body, mac] = state.split('.');
    if (!body || !mac) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as OAuthStatePayload;
      const wellFormed = typeof payload.nonce === 'string' && typeof payload.tenantId === 'string' && typeof payload.userId === 'string';
      return wellFormed && payload.exp * 1000 > nowMs ? payload : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
