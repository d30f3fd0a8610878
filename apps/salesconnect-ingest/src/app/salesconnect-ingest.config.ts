import { z } from 'zod';
import { consumerConfigShape, serviceConfigShape } from '@task-sync/util-config';

/** Every variable salesconnect-ingest reads, with its default. Read once, in main.ts. */
export const salesconnectIngestConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'salesconnect-ingest', httpPort: 3102 }),
  ...consumerConfigShape({ groupId: 'salesconnect-ingest' }),
});

export type SalesconnectIngestConfig = z.output<typeof salesconnectIngestConfigSchema>;
