import { z } from 'zod';
import { consumerConfigShape, serviceConfigShape } from '@task-sync/util-config';

/** Every variable sfdc-ingest reads, with its default. Read once, in main.ts. */
export const sfdcIngestConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'sfdc-ingest', httpPort: 3101 }),
  ...consumerConfigShape({ groupId: 'sfdc-ingest' }),
});

export type SfdcIngestConfig = z.output<typeof sfdcIngestConfigSchema>;
