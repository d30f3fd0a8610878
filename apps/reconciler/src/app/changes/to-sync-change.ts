import type { SalesConnectTaskChanged, SfdcTaskChanged } from '@task-sync/contracts';
import type { SyncChange } from '@task-sync/sync-rules';

/** A change event from either ingest → the rules' SyncChange. */
export function toSyncChange(event: SfdcTaskChanged | SalesConnectTaskChanged): SyncChange {
  return {
    side: event.type === 'sfdc-task-changed' ? 'sfdc' : 'salesconnect',
    kind: event.kind,
    taskId: event.taskId,
    fields: event.fields,
    changedAt: event.changedAt,
    createdAt: event.createdAt,
    origin: event.origin,
    source: event.source,
    ...(event.enableAt ? { enableAt: event.enableAt } : {}),
    ...('externalId' in event ? { externalId: event.externalId } : {}),
    ...('version' in event && event.version !== undefined ? { version: event.version } : {}),
    ...('ownerId' in event && event.ownerId !== undefined ? { ownerId: event.ownerId } : {}),
    ...(event.via ? { via: event.via } : {}),
  };
}
