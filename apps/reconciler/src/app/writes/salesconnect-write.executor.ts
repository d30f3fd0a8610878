import { SalesConnectApiError, SalesConnectClient, SalesConnectErrorCode } from '@task-sync/salesconnect-client';
import { mapFieldsToSalesConnectWrite } from '@task-sync/task-mapping';
import type { CoalescedWrite } from './coalesce-writes';
import { forEachConcurrently } from './for-each-concurrently';
import type { LinkIds } from './link-ids';
import type { WriteOutcome } from './write-outcome';

/**
 * A connection's Sales Connect writes, as its user (integration app token with the acting-user
 * header and `X-Client-App: <ours>`), one call per task, several tasks at once. A create carries `Idempotency-Key:
 * link-<link id>`, so a repeat after a crash returns the task the first call made.
 */
export class SalesConnectWriteExecutor {
  /** `concurrency`: calls in flight at once; each write is a different task, so their order does not matter. */
  constructor(
    private readonly client: SalesConnectClient,
    private readonly concurrency = 1,
  ) {}

  async run(userId: string, writes: CoalescedWrite[], links: Map<string, LinkIds>): Promise<Map<CoalescedWrite, WriteOutcome>> {
    const outcomes = new Map<CoalescedWrite, WriteOutcome>();
    const user = this.client.forUser(userId);
    await forEachConcurrently(writes, this.concurrency, async (w) => void outcomes.set(w, await this.writeOne(user, w, links.get(w.linkId))));
    return outcomes;
  }

  private async writeOne(user: ReturnType<SalesConnectClient['forUser']>, w: CoalescedWrite, ids: LinkIds | undefined): Promise<WriteOutcome> {
    try {
      if (w.kind === 'none' || !ids) return { kind: 'done' };
      if (w.kind === 'create') {
        const { status, ...rest } = mapFieldsToSalesConnectWrite(w.fields);
        const { task } = await user.createTask({ ...rest, ...(status ? { status } : {}), name: w.fields.title ?? '' }, { idempotencyKey: `link-${w.linkId}` });
        return { kind: 'done', createdId: task.id };
      }
      // Its create has not landed yet (it waits for a retry): this write waits behind it.
      if (!ids.salesConnectTaskId) return { kind: 'retry', reason: 'the task is not created in Sales Connect yet' };
      if (w.kind === 'delete') {
        await user.deleteTask(ids.salesConnectTaskId);
        return { kind: 'done' };
      }
      // Status goes through complete / reopen: a PATCH cannot set it.
      const patch = mapFieldsToSalesConnectWrite(w.fields);
      delete patch.status;
      if (Object.keys(patch).length > 0) await user.updateTask(ids.salesConnectTaskId, patch);
      if (w.fields.open === true) await user.reopenTask(ids.salesConnectTaskId);
      if (w.fields.open === false) await user.completeTask(ids.salesConnectTaskId);
      return { kind: 'done' };
    } catch (e) {
      return outcomeOf(e, w);
    }
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
