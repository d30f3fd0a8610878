import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Principal } from './principal';

export type JwtFailure = 'TOKEN_MISSING' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID';

export class JwtRejected extends Error {
  constructor(
    readonly code: JwtFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface JwtVerifierOptions {
  secret: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** The claim that lists the user's roles (a dotted path reaches into an object); `roles` unless told. */
  rolesClaim?: string;
}

/**
 * The roles a token's claims list at `claimPath`: an array of strings, or one space-separated
 * string (as OAuth's `scope`). Anything else, or nothing there, is no role at all.
 */
export function readRoles(claims: Record<string, unknown>, claimPath: string): string[] {
  let value: unknown = claims;
  for (const part of claimPath.split('.')) {
    value =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === 'string' && r !== '');
  return [];
}

export class JwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly options: JwtVerifierOptions) {
    if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl));
      this.algorithms = ['RS256', 'ES256', 'PS256'];
    } else {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    }
  }

  async verify(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new JwtRejected('TOKEN_MISSING', 'send an Authorization: Bearer <token> header');
    try {
      const { payload } = await jwtVerify(match[1], this.key as Uint8Array, {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const tenantId = payload['tenant_id'];
      if (typeof payload.sub !== 'string' || !payload.sub || typeof tenantId !== 'string' || !tenantId) {
        throw new JwtRejected('TOKEN_INVALID', 'the token must carry sub and tenant_id');
      }
      const zone = typeof payload['zoneinfo'] === 'string' && payload['zoneinfo'] ? payload['zoneinfo'] : 'UTC';
      return {
        tenantId,
        userId: payload.sub,
        timeZone: zone,
        roles: readRoles(payload, this.options.rolesClaim ?? 'roles'),
      };
    } catch (e) {
      if (e instanceof JwtRejected) throw e;
      if (e instanceof errors.JWTExpired) throw new JwtRejected('TOKEN_EXPIRED', 'the token has expired');
      throw new JwtRejected('TOKEN_INVALID', `the token is not valid (${(e as Error).message})`);
    }
  }
}
