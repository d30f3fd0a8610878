/** One record's outcome in an sObject Collections call (`allOrNone` false: each record on its own). */
export interface RecordResult {
  ok: boolean;
  /** The Salesforce id (upserts and updates that succeeded). */
  id?: string;
  created?: boolean;
  errorCode?: string;
  message?: string;
  /** An update sent `If-Unmodified-Since` found the task modified after it (HTTP 412): not written. */
  modifiedSince?: boolean;
}

export const EXTERNAL_ID_FIELD = 'SalesConnect_Task_Id__c';
/** sObject Collections take 200 records a call. */
export const COLLECTION_LIMIT = 200;

export type JsforceSaveResult = {
  success: boolean;
  id?: string;
  created?: boolean;
  errors?: ({ statusCode?: string; errorCode?: string; message?: string } | string)[];
};

export function toRecordResult(r: JsforceSaveResult): RecordResult {
  if (r.success) return { ok: true, id: r.id, created: r.created };
  const first = r.errors?.[0];
  const errorCode = typeof first === 'string' ? 'UNKNOWN' : (first?.statusCode ?? first?.errorCode ?? 'UNKNOWN');
  const message = typeof first === 'string' ? first : (first?.message ?? '');
  return { ok: false, errorCode, message };
}
