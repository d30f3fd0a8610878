import { z } from 'zod';
import { consumerConfigShape, devSecret, serviceConfigShape, syncClientName } from '@task-sync/util-config';

/** Every variable salesconnect-ingest reads, with its default. Read once, in main.ts. */
export const salesconnectIngestConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'salesconnect-ingest', httpPort: 3102 }),
  ...consumerConfigShape({ groupId: 'salesconnect-ingest' }),
  SALESCONNECT_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8620'),
  /** Our integration app token: reads the app-wide change feed and owns our webhook subscription. */
  SALESCONNECT_APP_TOKEN: devSecret(z.string().min(1), 'sc_app_task_sync_dev', { productionMinLength: 16 }),
  /** Both secrets are issued by Sales Connect: a modest minimum. */
  SALESCONNECT_WEBHOOK_SECRET: devSecret(z.string().min(8), 'sandbox-webhook-secret', { productionMinLength: 16 }),
  /** How far a webhook's timestamp may be from this service's clock, either way. */
  SALESCONNECT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** Where Sales Connect can reach this service's webhook route; registered as our subscription. */
  SALESCONNECT_WEBHOOK_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3102/webhooks/salesconnect'),
  /** connector-settings' internal API: its settings watermark (whether an enable may still be on its way). */
  CONNECTOR_SETTINGS_URL: z.url().default('http://127.0.0.1:3000'),
  /** This service's token on that internal API; must be in connector-settings' INTERNAL_SERVICE_TOKENS. */
  INTERNAL_SERVICE_TOKEN: devSecret(z.string().min(24), 'dev-only-salesconnect-ingest-internal-token', {
    productionMinLength: 32,
  }),
  /** The reconciler's name in Sales Connect (the same value): its own creates coming back are not published. */
  SYNC_CLIENT_NAME: syncClientName,
  FEED_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(15_000),
  /**
   * How long a webhook waits for an earlier change of its task that has not arrived (webhooks come
   * in any order); then the feed is read for it, and what still waits goes out in order without it.
   */
  SALESCONNECT_ORDER_HOLD_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  FEED_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(500),
});

export type SalesconnectIngestConfig = z.output<typeof salesconnectIngestConfigSchema>;
