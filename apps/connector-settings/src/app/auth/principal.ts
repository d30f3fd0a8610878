/** Who is calling, from the verified token: every query is scoped to this tenant and user. */
export interface Principal {
  tenantId: string;
  userId: string;
}
