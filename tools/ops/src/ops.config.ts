import { z } from 'zod';
import { kafkaBrokerList } from '@task-sync/util-config';

/** Every variable the operator's command reads, with its default. */
export const opsConfigSchema = z.object({
  KAFKA_BROKERS: kafkaBrokerList,
  /** Who is named in a replay record. */
  OPS_OPERATOR: z.string().min(1).default('ops-cli'),
  /** A read of the dead-letter topic ends after this long without a message (a bound, should an end offset never be reached). */
  OPS_READ_IDLE_MS: z.coerce.number().int().min(500).default(10_000),
  /** Runs over this many messages show a progress bar (on a terminal). */
  OPS_PROGRESS_MIN: z.coerce.number().int().min(0).default(1_000),
});

export type OpsConfig = z.output<typeof opsConfigSchema>;
