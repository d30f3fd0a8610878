import { z } from 'zod';

/** Every variable topic provisioning reads, with its default. */
export const provisionConfigSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  /** Partitions per change topic: the most consumer replicas that can share one topic. */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
});

export type ProvisionConfig = z.output<typeof provisionConfigSchema>;
