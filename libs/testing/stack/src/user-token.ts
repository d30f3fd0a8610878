import { SignJWT } from 'jose';

/**
 * A user's Bearer JWT as connector-settings expects it (issuer and audience are its defaults), as
 * Sales Connect's front end would send it; `roles` goes in the `roles` claim (JWT_ROLES_CLAIM's
 * default), e.g. `task-sync:admin`; `key`: sign with another key than the service's (a forged token).
 */
export function signUserToken(options: {
  sub: string;
  tenant: string;
  secret: string;
  zoneinfo?: string;
  exp?: number | string;
  key?: string;
  roles?: string[];
}): Promise<string> {
  return new SignJWT({
    tenant_id: options.tenant,
    ...(options.zoneinfo ? { zoneinfo: options.zoneinfo } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub)
    .setIssuer('task-sync-dev')
    .setAudience('task-sync')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '10m')
    .sign(new TextEncoder().encode(options.key ?? options.secret));
}
