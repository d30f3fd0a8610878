// Spec fixtures: change-feed entries as Sales Connect sends them.
import { type SalesConnectChange, salesConnectChangeSchema } from '@task-sync/salesconnect-client';

let sequence = 100;

/** A valid feed entry (parsed through the real schema); each call gets the next sequence. */
export function buildChange(
  overrides: Partial<Omit<SalesConnectChange, 'task'>> & { task?: Partial<SalesConnectChange['task']> } = {},
): SalesConnectChange {
  const seq = overrides.sequence ?? ++sequence;
  const { task, ...rest } = overrides;
  return salesConnectChangeSchema.parse({
    cursor: `c-${seq}`,
    sequence: seq,
    type: 'created',
    taskId: 'sct_1',
    tenantId: 'tenant-1',
    userId: 'scu_1',
    occurredAt: '2026-11-24T10:05:00.000Z',
    origin: 'salesconnect-ui',
    ...rest,
    task: {
      id: rest.taskId ?? 'sct_1',
      ownerId: rest.userId ?? 'scu_1',
      name: 'Call Ana',
      details: 'pricing',
      dueDate: '2026-11-25',
      status: 'Open',
      priority: 'High',
      type: 'call',
      contactEmail: 'Ana@Example.com ',
      version: 1,
      createdAt: '2026-11-24T10:00:00.000Z',
      updatedAt: '2026-11-24T10:05:00.000Z',
      completedAt: null,
      createdBy: 'salesconnect-ui',
      lastModifiedBy: 'salesconnect-ui',
      ...task,
    },
  });
}
