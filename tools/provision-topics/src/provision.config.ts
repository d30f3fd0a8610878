import { z } from 'zod';
import { kafkaBrokerList } from '@task-sync/util-config';

/** Every variable topic provisioning reads, with its default. */
export const provisionConfigSchema = z.object({
  KAFKA_BROKERS: kafkaBrokerList,
  /** Partitions per change topic: the most consumer replicas that can share one topic. */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
});

export type ProvisionConfig = z.output<typeof provisionConfigSchema>;
