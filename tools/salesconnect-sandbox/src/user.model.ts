export interface User {
  id: string;
  email: string;
  name: string;
  /** IANA zone: Command Center's "today" is the date on this user's wall clock. */
  timeZone: string;
  apiToken: string;
  createdAt: string;
}
