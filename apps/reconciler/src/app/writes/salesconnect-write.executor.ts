import {
  SalesConnectApiError,
  SalesConnectClient,
  SalesConnectErrorCode,
  type SalesConnectUserClient,
} from '@task-sync/salesconnect-client';
import { mapFieldsToSalesConnectWrite } from '@task-sync/task-mapping';
import type { TaskFields } from '@task-sync/task-domain';
import type { CoalescedWrite } from '@task-sync/sync-rules';
import { forEachConcurrently } from './for-each-concurrently';
import { agreedNow, type LinkIds } from './link-ids';
import type { WriteOutcome } from './write-outcome';

/**
 * A create carries `Idempotency-Key: link-<link id>`, so a repeat after a crash returns the task the
 * first call made. Other writes go `If-Match` the version the link knows: a person's change not read
 * yet answers VERSION_CONFLICT and the write waits until the rules have seen it.
 */
export class SalesConnectWriteExecutor {
  /** `concurrency`: calls in flight at once; each write is a different task, so their order does not matter. */
  constructor(
    private readonly client: SalesConnectClient,
    private readonly concurrency = 1,
  ) {}

  async run(
    userId: string,
    writes: CoalescedWrite[],
    links: Map<string, LinkIds>,
  ): Promise<Map<CoalescedWrite, WriteOutcome>> {
    const outcomes = new Map<CoalescedWrite, WriteOutcome>();
    const user = this.client.forUser(userId);
    await forEachConcurrently(
      writes,
      this.concurrency,
      async (w) => void outcomes.set(w, await this.writeOne(user, w, links.get(w.linkId))),
    );
    return outcomes;
  }

  private async writeOne(
    user: SalesConnectUserClient,
    w: CoalescedWrite,
    ids: LinkIds | undefined,
  ): Promise<WriteOutcome> {
    try {
      if (w.kind === 'none' || !ids) return { kind: 'done' };
      if (w.kind === 'create') {
        const { status, ...rest } = mapFieldsToSalesConnectWrite(w.fields);
        const { task } = await user.createTask(
          { ...rest, ...(status ? { status } : {}), name: w.fields.title ?? '' },
          { idempotencyKey: `link-${w.linkId}` },
        );
        return { kind: 'done', createdId: task.id, version: task.version, createdAt: task.createdAt };
      }
      // Its create has not landed yet (it waits for a retry): this write waits behind it.
      if (!ids.salesConnectTaskId) return { kind: 'retry', reason: 'the task is not created in Sales Connect yet' };
      // A delete wins over edits made meanwhile (the rules' R6 delete): no precondition.
      if (w.kind === 'delete') {
        await user.deleteTask(ids.salesConnectTaskId);
        return { kind: 'done' };
      }
      return await this.update(
        user,
        ids.salesConnectTaskId,
        agreedNow(w.fields, ids.agreedForSalesConnect),
        ids.salesConnectVersion,
      );
    } catch (e) {
      return outcomeOf(e, w);
    }
  }

  /** Fields, then the status (a PATCH cannot set it), each call If-Match the version the one before answered. */
  private async update(
    user: SalesConnectUserClient,
    taskId: string,
    fields: Partial<TaskFields>,
    version: number | null,
  ): Promise<WriteOutcome> {
    let ifMatch = version ?? undefined;
    const patch = mapFieldsToSalesConnectWrite(fields);
    delete patch.status;
    if (Object.keys(patch).length > 0) ifMatch = (await user.updateTask(taskId, patch, { ifMatch })).version;
    if (fields.open === true) ifMatch = (await user.reopenTask(taskId, { ifMatch })).version;
    if (fields.open === false) ifMatch = (await user.completeTask(taskId, { ifMatch })).version;
    return { kind: 'done', ...(ifMatch === undefined ? {} : { version: ifMatch }) };
  }
}

function outcomeOf(e: unknown, w: CoalescedWrite): WriteOutcome {
  if (!(e instanceof SalesConnectApiError)) return { kind: 'retry', reason: (e as Error).message };
  // Deleted in Sales Connect meanwhile: its own delete is on its way through the ingest.
  if (e.code === SalesConnectErrorCode.TaskNotFound && w.kind !== 'create') return { kind: 'done' };
  // Changed there since the version the link knows: that change reaches the rules through the ingest, then this goes.
  if (e.code === SalesConnectErrorCode.VersionConflict)
    return { kind: 'hold', reason: `Sales Connect changed the task after the version read (${e.message})` };
  if (e.retryable) return { kind: 'retry', reason: e.message };
  if (e.code === SalesConnectErrorCode.UserNotFound || e.code === SalesConnectErrorCode.Unauthorized)
    return { kind: 'pause', code: e.code, reason: e.message };
  return { kind: 'dead-letter', code: e.code, reason: e.message };
}
