import { z } from 'zod';
import { serviceConfigShape } from '@task-sync/util-config';

/** Every variable connector-settings reads, with its default. Read once, in main.ts. */
export const connectorSettingsConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'connector-settings', httpPort: 3000 }),
  /** How often the outbox relay looks for committed, unpublished messages. */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
});

export type ConnectorSettingsConfig = z.output<typeof connectorSettingsConfigSchema>;
