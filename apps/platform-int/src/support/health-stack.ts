import type { Admin } from 'kafkajs';
import { startSyncStack, type SyncStack } from './sync-stack';

/**
 * The whole stack for the sync-health suites (API and pages). A failed write is retried only every
 * 10 minutes here, so what lands after it landed by Retry now.
 */
export function startHealthStack(
  kafkaAdmin: Admin,
  options: { jwtSecret: string; database: string },
): Promise<SyncStack> {
  return startSyncStack({
    databaseSuffix: options.database,
    jwtSecret: options.jwtSecret,
    kafkaAdmin,
    env: {
      reconciler: {
        SFDC_WRITE_GATHER_MS: '200',
        FAILED_WRITE_RETRY_INTERVAL_MS: '600000',
        HELD_WRITE_READ_AFTER_MS: '1000',
        HELD_WRITE_READ_EVERY_MS: '500',
        DRIFT_REPAIR_INTERVAL_MS: '0',
      },
    },
  });
}
