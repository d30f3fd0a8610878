import type { FieldSecurity } from './org-schema';

/** A field value as the sandbox keeps it: datetimes as epoch milliseconds, dates as `YYYY-MM-DD` text. */
export type FieldValue = string | number | boolean | null;
export type Fields = Record<string, FieldValue>;

export interface TaskRecord {
  fields: Fields;
  /** When it went to the recycle bin; null while live. */
  deletedAt: number | null;
  /** `Sforce-Call-Options: client=NAME` of the last write: the change's origin, for echo suppression. */
  lastModifiedByClient: string | null;
  /** The last write's Change Data Capture `changeOrigin` (`com/salesforce/api/rest/59.0;client=NAME`); absent or '' for changes made outside the API. */
  changeOrigin?: string;
}

/** One change to a task, kept in order: the seed of a later change-event stream (Salesforce's changeOrigin). */
export interface TaskChange {
  taskId: string;
  changeType: 'CREATE' | 'UPDATE' | 'DELETE';
  changedFields: string[];
  commitTimestamp: number;
  changeOrigin: string | null;
  userId: string;
}

export interface UserRecord {
  fields: Fields;
  password: string;
  /** The View All Data permission (a profile / permission set flag in Salesforce): Change Data Capture subscribers need it. */
  viewAllData?: boolean;
  /** Modify All Data (an administrator's): the Metadata API's deploy needs it (or Modify Metadata, not modelled apart). */
  modifyAllData?: boolean;
  /** Field-level security per object (profile and permission sets in Salesforce); absent: every field visible and editable. */
  fieldSecurity?: { Task?: FieldSecurity };
}

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  /** Empty: any redirect URI is accepted (the sandbox's own app, for local development). */
  redirectUris: string[];
}
