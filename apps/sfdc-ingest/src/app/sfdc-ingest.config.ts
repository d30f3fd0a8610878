import { z } from 'zod';
import { apiCallsConfigShape } from '@task-sync/sfdc-api-budget';
import { consumerConfigShape, devSecret, serviceConfigShape } from '@task-sync/util-config';

/** Every variable sfdc-ingest reads, with its default. Read once, in main.ts. */
export const sfdcIngestConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'sfdc-ingest', httpPort: 3101 }),
  ...consumerConfigShape({ groupId: 'sfdc-ingest' }),
  ...apiCallsConfigShape(),
  /** connector-settings, which hands out each connection's Salesforce session (internal API). */
  CONNECTOR_SETTINGS_URL: z.url().default('http://127.0.0.1:3000'),
  /** This service's token on that internal API; must be in connector-settings' INTERNAL_SERVICE_TOKENS. */
  INTERNAL_SERVICE_TOKEN: devSecret(z.string().min(24), 'dev-only-sfdc-ingest-internal-token', {
    productionMinLength: 32,
  }),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d+\.\d$/)
    .default('62.0'),
  /** How often an enabled connection is polled for changes and deletes (per-rep reads: its org has no org reader). */
  POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * A per-rep poll that found nothing doubles the wait before the next, up to this (an idle rep
   * costs a twelfth of the calls); the first change found brings it back to POLL_INTERVAL_MS.
   */
  POLL_IDLE_MAX_INTERVAL_MS: z.coerce.number().int().min(100).default(300_000),
  /** Each poll re-reads this much before its watermark: a late-committed change is re-read, not missed. */
  POLL_LOOKBACK_MS: z.coerce.number().int().min(0).default(120_000),
  /** How often getDeleted looks for deletes the polls' stamp query could not see (a task purged from the recycle bin). */
  DELETE_AUDIT_INTERVAL_MS: z.coerce.number().int().min(100).default(600_000),
  /** Records a rep's poll page (Salesforce allows 2,000); SCHEDULER_CONCURRENCY reps are polled at once. */
  QUERY_PAGE_SIZE: z.coerce.number().int().min(1).max(2000).default(1000),
  /**
   * Records an org poll page: Salesforce's most, since each page is an API call. The safety-net poll
   * reads the org's changes again, up to 84,000 in its 7 minutes at 200 changes a second.
   */
  ORG_POLL_PAGE_SIZE: z.coerce.number().int().min(1).max(2000).default(2000),
  /**
   * Records an import page. SCHEDULER_CONCURRENCY connections import at once, so this bounds the
   * records sfdc-ingest holds: pages of 1,000 peaked it at 187 to 199 MiB in the 20-connection import, 500 at 166.
   */
  IMPORT_PAGE_SIZE: z.coerce.number().int().min(1).max(2000).default(500),
  /** The share of an org's daily API limit this service may use before it pauses that org's connections. */
  API_BUDGET_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  /** A paused connection (budget, limit exceeded, lost grant) tries again after this long. */
  PAUSE_RECHECK_MS: z.coerce.number().int().min(100).default(300_000),
  /** How often the scheduler looks for work when there was none. */
  SCHEDULER_TICK_MS: z.coerce.number().int().min(10).default(500),
  /** Connections worked on at once. */
  SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Attempts for a Salesforce call that failed transiently (5xx, lock errors, network), with doubling backoff. */
  SALESFORCE_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  SALESFORCE_RETRY_BASE_MS: z.coerce.number().int().min(1).default(500),
  /** One Change Data Capture stream per org, through its reader; the polls run either way, as the safety net. */
  ORG_STREAM_ENABLED: z.stringbool().default(true),
  /** Where an org's reader passed its preflight, the org is read once instead of by one poll per rep. */
  ORG_READS_ENABLED: z.stringbool().default(true),
  /** How often connector-settings is asked about each org's reader (whether the org is read once). */
  ORG_READER_CHECK_MS: z.coerce.number().int().min(100).default(30_000),
  /** The org's safety-net poll while its stream is healthy: one queryAll for the whole org. */
  ORG_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(300_000),
  /** The org's poll while its stream is down, retrying or off: it is then the only reader. */
  ORG_POLL_DOWN_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** How often the org poll asks getDeleted for deletes no query could see (tasks purged from the recycle bin). */
  ORG_DELETE_AUDIT_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  /** About 400 ids in `OwnerId IN (…)` keep the GET under Salesforce's 16 KB URI limit. */
  ORG_POLL_OWNER_LIST_MAX: z.coerce.number().int().min(1).max(400).default(400),
  /** Renewed every third of this; a replica that died (SIGKILL) is replaced once its lease is this old. */
  STREAM_LEASE_MS: z.coerce.number().int().min(1000).default(15_000),
  /** Renewed every third of it while the step runs: a replica killed mid-step has its reads taken over within this. */
  READ_LEASE_MS: z.coerce.number().int().min(3_000).default(10_000),
  /** While an org's events keep coming, its batch (one read by id of up to 500 tasks) waits at most this for more. */
  STREAM_GATHER_MS: z.coerce.number().int().min(0).default(1500),
  /** Events stopped arriving this long ago: the gathered batch goes (the stream's replies come in bursts, so not much less than the window). */
  STREAM_QUIET_MS: z.coerce.number().int().min(0).default(1500),
  /** How often the stream supervisor looks for orgs to stream (and streams to stop). */
  STREAM_SUPERVISE_MS: z.coerce.number().int().min(100).default(5_000),
});

export type SfdcIngestConfig = z.output<typeof sfdcIngestConfigSchema>;
