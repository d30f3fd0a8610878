import { randomBytes } from 'node:crypto';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { toId15 } from './salesforce-id';

export interface Grant {
  orgId: string;
  userId: string;
  clientId: string;
}

export interface AccessToken extends Grant {
  token: string;
  expiresAt: number;
  /** The refresh token it was issued under, so revoking that revokes this too. */
  refreshToken: string | null;
}

export interface RefreshToken extends Grant {
  token: string;
}

export interface AuthorizationCode extends Grant {
  code: string;
  redirectUri: string;
  codeChallenge: string | null;
  expiresAt: number;
}

export interface SessionSnapshot {
  accessTokens: AccessToken[];
  refreshTokens: RefreshToken[];
}

/** Salesforce lets an authorization code be used once, within 15 minutes. */
const CODE_TTL_MS = 15 * 60_000;

const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** Access tokens (which expire), refresh tokens (which last until revoked) and authorization codes. */
export class SessionStore {
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly tokenTtlMs: number,
  ) {}

  /** Shaped like Salesforce's: the org id, `!`, then an opaque part. */
  issueAccessToken(grant: Grant, refreshToken: string | null): AccessToken {
    const access: AccessToken = {
      ...grant,
      token: `${toId15(grant.orgId)}!${randomToken(72)}`,
      expiresAt: this.clock.nowMs() + this.tokenTtlMs,
      refreshToken,
    };
    this.accessTokens.set(access.token, access);
    return access;
  }

  issueRefreshToken(grant: Grant): RefreshToken {
    const refresh: RefreshToken = { ...grant, token: `5Aep${randomToken(64)}` };
    this.refreshTokens.set(refresh.token, refresh);
    return refresh;
  }

  issueCode(grant: Grant, redirectUri: string, codeChallenge: string | null): AuthorizationCode {
    const code: AuthorizationCode = {
      ...grant,
      code: `aPrx${randomToken(48)}`,
      redirectUri,
      codeChallenge,
      expiresAt: this.clock.nowMs() + CODE_TTL_MS,
    };
    this.codes.set(code.code, code);
    return code;
  }

  /** A code works once: taking it removes it. */
  takeCode(code: string): AuthorizationCode | undefined {
    const found = this.codes.get(code);
    this.codes.delete(code);
    if (!found || found.expiresAt <= this.clock.nowMs()) return undefined;
    return found;
  }

  /** The live session for a bearer token; undefined when unknown, revoked or expired. */
  findAccessToken(token: string): AccessToken | undefined {
    const found = this.accessTokens.get(token);
    if (!found) return undefined;
    if (found.expiresAt <= this.clock.nowMs()) {
      this.accessTokens.delete(token);
      return undefined;
    }
    return found;
  }

  findRefreshToken(token: string): RefreshToken | undefined {
    return this.refreshTokens.get(token);
  }

  /** Revokes an access token, or a refresh token and every access token issued under it. */
  revoke(token: string): boolean {
    if (this.refreshTokens.delete(token)) {
      for (const [key, access] of this.accessTokens) if (access.refreshToken === token) this.accessTokens.delete(key);
      return true;
    }
    return this.accessTokens.delete(token);
  }

  /** Fault: every access token dies now (refresh tokens keep working). */
  expireAllAccessTokens(): number {
    const count = this.accessTokens.size;
    this.accessTokens.clear();
    return count;
  }

  clear(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.codes.clear();
  }

  toJSON(): SessionSnapshot {
    return { accessTokens: [...this.accessTokens.values()], refreshTokens: [...this.refreshTokens.values()] };
  }

  loadJSON(state: SessionSnapshot): void {
    this.clear();
    for (const a of state.accessTokens) this.accessTokens.set(a.token, a);
    for (const r of state.refreshTokens) this.refreshTokens.set(r.token, r);
  }
}
