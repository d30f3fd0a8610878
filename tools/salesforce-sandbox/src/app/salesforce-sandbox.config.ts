import { z } from 'zod';

/** Every variable the Salesforce sandbox reads, with its default. */
export const salesforceSandboxConfigSchema = z.object({
  SALESFORCE_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8610),
  SALESFORCE_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  /** Optional JSON file: loaded at start, written on SIGTERM/SIGINT and by `POST /__admin/snapshot`. */
  SALESFORCE_SANDBOX_SNAPSHOT: z.string().min(1).optional(),
  SALESFORCE_SANDBOX_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(7200),
  /** `second`: timestamps in whole seconds, as Salesforce stores them; `millisecond`: the sandbox's old, kinder way. */
  SALESFORCE_SANDBOX_STAMP_PRECISION: z.enum(['second', 'millisecond']).default('second'),
  SALESFORCE_SANDBOX_DAILY_API_LIMIT: z.coerce.number().int().positive().default(100_000),
});

export type SalesforceSandboxConfig = z.output<typeof salesforceSandboxConfigSchema>;
