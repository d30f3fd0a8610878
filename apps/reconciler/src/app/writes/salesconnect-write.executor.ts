import { SalesConnectApiError, SalesConnectClient, SalesConnectErrorCode } from '@task-sync/salesconnect-client';
import { mapFieldsToSalesConnectWrite } from '@task-sync/task-mapping';
import type { CoalescedWrite } from './coalesce-writes';
import type { LinkIds } from './link-ids';
import type { WriteOutcome } from './write-outcome';

/**
 * A connection's Sales Connect writes, as its user (integration app token with the acting-user
 * header and `X-Client-App: <ours>`), one task at a time. A create carries `Idempotency-Key:
 * link-<link id>`, so a repeat after a crash returns the task the first call made.
 */
export class SalesConnectWriteExecutor {
  constructor(private readonly client: SalesConnectClient) {}

  async run(userId: string, writes: CoalescedWrite[], links: Map<string, LinkIds>): Promise<Map<CoalescedWrite, WriteOutcome>> {
    const outcomes = new Map<CoalescedWrite, WriteOutcome>();
    const user = this.client.forUser(userId);
    for (const w of writes) {
      const ids = links.get(w.linkId);
      try {
        if (w.kind === 'none' || !ids) {
          outcomes.set(w, { kind: 'done' });
        } else if (w.kind === 'create') {
          const { status, ...rest } = mapFieldsToSalesConnectWrite(w.fields);
          const { task } = await user.createTask({ ...rest, ...(status ? { status } : {}), name: w.fields.title ?? '' }, { idempotencyKey: `link-${w.linkId}` });
          outcomes.set(w, { kind: 'done', createdId: task.id });
        } else if (!ids.salesConnectTaskId) {
          // Its create has not landed yet (it waits for a retry): this write waits behind it.
          outcomes.set(w, { kind: 'retry', reason: 'the task is not created in Sales Connect yet' });
        } else if (w.kind === 'delete') {
          await user.deleteTask(ids.salesConnectTaskId);
          outcomes.set(w, { kind: 'done' });
        } else {
          // Status goes through complete / reopen: a PATCH cannot set it.
          const patch = mapFieldsToSalesConnectWrite(w.fields);
          delete patch.status;
          if (Object.keys(patch).length > 0) await user.updateTask(ids.salesConnectTaskId, patch);
          if (w.fields.open === true) await user.reopenTask(ids.salesConnectTaskId);
          if (w.fields.open === false) await user.completeTask(ids.salesConnectTaskId);
          outcomes.set(w, { kind: 'done' });
        }
      } catch (e) {
        outcomes.set(w, outcomeOf(e, w));
      }
    }
    return outcomes;
  }
}

function outcomeOf(e: unknown, w: CoalescedWrite): WriteOutcome {
  if (!(e instanceof SalesConnectApiError)) return { kind: 'retry', reason: (e as Error).message };
  // Deleted in Sales Connect meanwhile: its own delete is on its way through the ingest.
  if (e.code === SalesConnectErrorCode.TaskNotFound && w.kind !== 'create') return { kind: 'done' };
  if (e.retryable) return { kind: 'retry', reason: e.message };
  if (e.code === SalesConnectErrorCode.UserNotFound || e.code === SalesConnectErrorCode.Unauthorized) return { kind: 'pause', code: e.code, reason: e.message };
  return { kind: 'dead-letter', code: e.code, reason: e.message };
}
