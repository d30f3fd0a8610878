import { z } from 'zod';
import { apiCallsConfigShape } from '@task-sync/sfdc-api-budget';
import { consumerConfigShape, devSecret, serviceConfigShape, syncClientName } from '@task-sync/util-config';
import { DEFAULT_HELD_WRITE_POLICY } from '@task-sync/sync-rules';

/** Every variable reconciler reads, with its default. Read once, in main.ts. */
export const reconcilerConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'reconciler', httpPort: 3103 }),
  ...consumerConfigShape({ groupId: 'reconciler' }),
  ...apiCallsConfigShape(),
  /** connector-settings, which hands out each connection's Salesforce session (internal API). */
  CONNECTOR_SETTINGS_URL: z.url().default('http://127.0.0.1:3000'),
  /** This service's token on that internal API; must be in connector-settings' INTERNAL_SERVICE_TOKENS. */
  INTERNAL_SERVICE_TOKEN: devSecret(z.string().min(24), 'dev-only-reconciler-internal-token', {
    productionMinLength: 32,
  }),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d+\.\d$/)
    .default('62.0'),
  SYNC_CLIENT_NAME: syncClientName,
  SALESCONNECT_API_URL: z.url().default('http://127.0.0.1:8620'),
  /** The integration app token (acts for each connection's Sales Connect user); issued by Sales Connect, hence a modest minimum. */
  SALESCONNECT_APP_TOKEN: devSecret(z.string().min(1), 'sc_app_task_sync_dev', { productionMinLength: 16 }),
  /** The operators' Bearer token for the internal routes (the on-demand drift repair). */
  OPERATOR_TOKEN: devSecret(z.string().min(24), 'dev-only-reconciler-operator-token', { productionMinLength: 32 }),
  WRITE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  /**
   * The longest a connection's oldest Salesforce write waits for others to join it in one Composite
   * request (decideSfdcFlush): a write to an idle connection goes at once, a busy one's gather up to this.
   * 4 s keeps a busy connection near one call per 20 writes and p99 under issue 24's 5 s.
   */
  SFDC_WRITE_GATHER_MS: z.coerce.number().int().min(0).default(4000),
  /**
   * A busy connection's gathered Salesforce writes go once no other has arrived for this long. As
   * long as the window by default: a load's writes come in bursts, and a shorter quiet sent each burst alone.
   */
  SFDC_WRITE_QUIET_MS: z.coerce.number().int().min(0).default(4000),
  /** Sales Connect calls in flight at once for one connection (it takes one task a call). */
  SALESCONNECT_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
  /** Connections whose queued writes are sent at once, each in its own transaction. */
  WRITE_CONNECTIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(32).default(4),
  /** Attempts for a write that fails transiently (5xx, lock errors), with doubling backoff, before it is dead-lettered. */
  WRITE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WRITE_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
  /**
   * A write the other side refused (or out of WRITE_MAX_ATTEMPTS) is the task's failed write: queued
   * again this often (HubSpot's 30 minutes), the same payload, since the reason may go away (a
   * validation rule fixed, a lock, a permission granted)...
   */
  FAILED_WRITE_RETRY_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30 * 60 * 1000),
  /** ...at most this many attempts in all (48: a day), then not until the task changes. */
  FAILED_WRITE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(48),
  /** A connection paused (API limit, lost grant) tries again after this long. */
  PAUSE_RECHECK_MS: z.coerce.number().int().min(100).default(300_000),
  /** Partitions handled at once; a change waiting for its connection's setting does not hold up the settings topic. */
  KAFKA_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(32).default(4),
  /** Passes are spread over the interval by connection; 0: only on demand. */
  DRIFT_REPAIR_INTERVAL_MS: z.coerce.number().int().min(0).default(21_600_000),
  DRIFT_REPAIR_TICK_MS: z.coerce.number().int().min(100).default(60_000),
  /** A pass stops before it would make more Salesforce calls than this (the next one goes on from there). */
  DRIFT_REPAIR_MAX_SFDC_CALLS: z.coerce.number().int().min(3).default(150),
  /** Pairs read a batch: one Salesforce `Id IN` query and one Sales Connect list call (each takes 200 at most). */
  DRIFT_REPAIR_BATCH_SIZE: z.coerce.number().int().min(1).max(200).default(200),
  /** A pair changed this recently is left to the live path (its change may still be on the way); also the wait after a re-enable. */
  DRIFT_REPAIR_SETTLE_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * A write held over a change of its target not read yet (never sent blind): queued this long, its
   * target is read directly and decided; again every HELD_WRITE_READ_EVERY_MS while still held, at
   * most HELD_WRITE_MAX_READS times, then it is a failed write.
   */
  HELD_WRITE_READ_AFTER_MS: z.coerce.number().int().min(0).default(DEFAULT_HELD_WRITE_POLICY.readAfterMs),
  HELD_WRITE_READ_EVERY_MS: z.coerce.number().int().min(100).default(DEFAULT_HELD_WRITE_POLICY.readEveryMs),
  HELD_WRITE_MAX_READS: z.coerce.number().int().min(1).default(DEFAULT_HELD_WRITE_POLICY.maxReads),
  /** How long an org's Task statuses (TaskStatus, record types' values, a rep's record types) are kept before they are read again. */
  ORG_STATUSES_REFRESH_MS: z.coerce.number().int().min(1000).default(3_600_000),
  /** A task's timeline events (task_activity) are kept this many days. */
  TASK_ACTIVITY_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  TASK_ACTIVITY_PRUNE_EVERY_MS: z.coerce.number().int().min(1000).default(3_600_000),
});

export type ReconcilerConfig = z.output<typeof reconcilerConfigSchema>;
