import { z } from 'zod';
import { consumerConfigShape, serviceConfigShape } from '@task-sync/util-config';

/** Every variable reconciler reads, with its default. Read once, in main.ts. */
export const reconcilerConfigSchema = z.object({
  ...serviceConfigShape({ serviceName: 'reconciler', httpPort: 3103 }),
  ...consumerConfigShape({ groupId: 'reconciler' }),
});

export type ReconcilerConfig = z.output<typeof reconcilerConfigSchema>;
