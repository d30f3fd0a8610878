// Spec fixtures: import from '@task-sync/sfdc-change-feed/testing'.
import type { TaskChangeEvent } from './lib/change-feed.port';

/** A valid Task change event (one record, made in the UI: no client named); override what a spec is about. */
export function buildTaskChangeEvent(overrides: Partial<TaskChangeEvent> = {}): TaskChangeEvent {
  const replayId = overrides.replayId ?? 1;
  return {
    replayId,
    changeType: 'CREATE',
    recordIds: ['00T000000000001EAA'],
    commitTimestamp: 0,
    commitUser: '005000000000001AAA',
    transactionKey: `t${replayId}`,
    sequenceNumber: 1,
    changeOrigin: '',
    originClient: null,
    changedFields: [],
    nulledFields: [],
    ownerId: null,
    fields: {},
    ...overrides,
  };
}
