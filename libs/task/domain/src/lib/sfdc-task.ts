import type { CalendarDate } from './calendar-date';

/** The Salesforce `Task` fields the sync reads and writes. Instants are ISO-8601 strings. */
export interface SfdcTask {
  Id: string;
  Subject: string | null;
  Description: string | null;
  ActivityDate: CalendarDate | null;
  /** The picklist label: `Not Started`, `In Progress`, `Completed`, … */
  Status: string;
  /** From the org's TaskStatus: whether `Status` is a closed one. */
  IsClosed: boolean;
  Priority: string;
  /** `Task`, `Email`, `Call`. */
  TaskSubtype: string | null;
  WhoId: string | null;
  /** The e-mail of the Contact or Lead behind `WhoId`, looked up by the ingest. */
  WhoEmail: string | null;
  OwnerId: string;
  /** Our external id: the Sales Connect task id, set on every task the sync writes. */
  SalesConnect_Task_Id__c: string | null;
  CreatedDate: string;
  LastModifiedDate: string;
  SystemModstamp: string;
  IsDeleted: boolean;
  /** True on a recurring series' master (its occurrences are ordinary tasks); absent when not read. */
  IsRecurrence?: boolean;
}

/** The statuses Salesforce ships with; an org may add more, with their own `IsClosed`. */
export const SFDC_STATUS = { notStarted: 'Not Started', completed: 'Completed' } as const;
export const SFDC_PRIORITY = { high: 'High', normal: 'Normal', low: 'Low' } as const;

/** Salesforce's field lengths (characters). */
export const SFDC_LIMITS = { subject: 255, description: 32_000 } as const;
