import { SignJWT, UnsecuredJWT } from 'jose';
import { JwtRejected, JwtVerifier, readRoles } from './jwt-verifier';

const secret = 'spec-secret-spec-secret-spec-secret-0000';
const verifier = new JwtVerifier({ secret, issuer: 'iss', audience: 'aud' });

async function token(
  claims: Record<string, unknown> = {},
  options: { key?: string; exp?: string | number; iss?: string; aud?: string } = {},
) {
  return new SignJWT({ tenant_id: 'acme', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-1')
    .setIssuer(options.iss ?? 'iss')
    .setAudience(options.aud ?? 'aud')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(new TextEncoder().encode(options.key ?? secret));
}

async function rejection(authorization: string | undefined): Promise<JwtRejected> {
  try {
    await verifier.verify(authorization);
  } catch (e) {
    if (e instanceof JwtRejected) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('JwtVerifier', () => {
  it('takes the tenant and the user from a valid token', async () => {
    await expect(verifier.verify(`Bearer ${await token()}`)).resolves.toEqual({
      tenantId: 'acme',
      userId: 'user-1',
      timeZone: 'UTC',
      roles: [],
    });
    await expect(verifier.verify(`Bearer ${await token({ zoneinfo: 'Pacific/Auckland' })}`)).resolves.toMatchObject({
      timeZone: 'Pacific/Auckland',
    });
  });

  it('takes the roles from the configured claim', async () => {
    await expect(
      verifier.verify(`Bearer ${await token({ roles: ['task-sync:admin', 'other'] })}`),
    ).resolves.toMatchObject({ roles: ['task-sync:admin', 'other'] });
    const keycloak = new JwtVerifier({ secret, issuer: 'iss', audience: 'aud', rolesClaim: 'realm_access.roles' });
    await expect(
      keycloak.verify(`Bearer ${await token({ realm_access: { roles: ['task-sync:admin'] } })}`),
    ).resolves.toMatchObject({ roles: ['task-sync:admin'] });
  });

  it.each([
    ['no header', undefined, 'TOKEN_MISSING'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'TOKEN_MISSING'],
    ['garbage', 'Bearer not-a-jwt', 'TOKEN_INVALID'],
  ])('refuses %s', async (_label, header, code) => {
    expect((await rejection(header)).code).toBe(code);
  });

  it('refuses an expired token, a wrong key, a wrong issuer or audience, and a token without a tenant', async () => {
    expect((await rejection(`Bearer ${await token({}, { exp: Math.floor(Date.now() / 1000) - 60 })}`)).code).toBe(
      'TOKEN_EXPIRED',
    );
    expect(
      (await rejection(`Bearer ${await token({}, { key: 'another-secret-another-secret-another-0000' })}`)).code,
    ).toBe('TOKEN_INVALID');
    expect((await rejection(`Bearer ${await token({}, { iss: 'evil' })}`)).code).toBe('TOKEN_INVALID');
    expect((await rejection(`Bearer ${await token({}, { aud: 'other' })}`)).code).toBe('TOKEN_INVALID');
    expect((await rejection(`Bearer ${await token({ tenant_id: undefined })}`)).code).toBe('TOKEN_INVALID');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const unsigned = new UnsecuredJWT({ tenant_id: 'acme' })
      .setSubject('user-1')
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime('5m')
      .encode();
    expect((await rejection(`Bearer ${unsigned}`)).code).toBe('TOKEN_INVALID');
  });
});

describe('readRoles', () => {
  it.each([
    ['an array', { roles: ['a', 'b'] }, 'roles', ['a', 'b']],
    ['a space-separated string', { roles: 'a  b' }, 'roles', ['a', 'b']],
    ['a dotted path', { realm_access: { roles: ['a'] } }, 'realm_access.roles', ['a']],
    ['entries that are not text, left out', { roles: ['a', 7, null, ''] }, 'roles', ['a']],
    ['no such claim', {}, 'roles', []],
    ['a number', { roles: 7 }, 'roles', []],
    ['a path through an array', { realm_access: [{ roles: ['a'] }] }, 'realm_access.roles', []],
  ])('%s', (_, claims, path, roles) => {
    expect(readRoles(claims, path)).toEqual(roles);
  });
});
