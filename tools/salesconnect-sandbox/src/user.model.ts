export interface User {
  id: string;
  /** The Sales Connect account (tenant) the user belongs to; every change and webhook names it. */
  tenantId: string;
  email: string;
  name: string;
  /** IANA zone: Command Center's "today" is the date on this user's wall clock. */
  timeZone: string;
  apiToken: string;
  createdAt: string;
}
