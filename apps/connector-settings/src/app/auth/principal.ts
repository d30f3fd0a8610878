/** Who is calling, from the verified token: every query is scoped to this tenant and user. */
export interface Principal {
  tenantId: string;
  userId: string;
  /** The user's IANA zone (the OIDC `zoneinfo` claim), UTC when the token has none. */
  timeZone: string;
  /** The user's roles (JWT_ROLES_CLAIM); JWT_ADMIN_ROLE among them may manage the org's reader. */
  roles: readonly string[];
}
