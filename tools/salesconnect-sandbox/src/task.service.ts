import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import type { ChangeFeed } from './change-feed';
import type { ChangeType } from './change.model';
import type { IdempotencyStore } from './idempotency.store';
import type { Task } from './task.model';
import type { TaskStore, WriteResult } from './task.store';
import type { CreateTaskInput, UpdateTaskInput } from './task.validation';
import type { WebhookDispatcher } from './webhook-dispatcher';

export type CreateResult = { kind: 'created' | 'replayed'; task: Task } | { kind: 'reused' };

/** Every write in one place: change the store, append to the feed, hand the change to webhooks. */
export class TaskService {
  constructor(
    private readonly store: TaskStore,
    private readonly feed: ChangeFeed,
    private readonly webhooks: WebhookDispatcher,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: SandboxClock,
    /** The tenant of a task's owner, which each change names. */
    private readonly tenantOf: (userId: string) => string,
  ) {}

  create(
    userId: string,
    input: CreateTaskInput,
    origin: string,
    idempotency?: { key: string; body: unknown },
  ): CreateResult {
    const nowMs = this.clock.nowMs();
    if (idempotency !== undefined) {
      const found = this.idempotency.lookup(userId, idempotency.key, idempotency.body, nowMs);
      if (found.kind === 'replay') return { kind: 'replayed', task: found.task };
      if (found.kind === 'reused') return { kind: 'reused' };
    }
    const task = this.store.create(userId, input, origin, new Date(nowMs));
    if (idempotency !== undefined) this.idempotency.remember(userId, idempotency.key, idempotency.body, task, nowMs);
    this.record('created', task, origin);
    return { kind: 'created', task };
  }

  update(
    userId: string,
    id: string,
    patch: UpdateTaskInput,
    expectedVersion: number | undefined,
    origin: string,
  ): WriteResult {
    const result = this.store.update(userId, id, patch, expectedVersion, origin, this.clock.now());
    if (result.ok && result.changed) this.record('updated', result.task, origin, result.changedFields);
    return result;
  }

  complete(userId: string, id: string, expectedVersion: number | undefined, origin: string): WriteResult {
    const result = this.store.setStatus(userId, id, 'Complete', expectedVersion, origin, this.clock.now());
    if (result.ok && result.changed) this.record('completed', result.task, origin);
    return result;
  }

  reopen(userId: string, id: string, expectedVersion: number | undefined, origin: string): WriteResult {
    const result = this.store.setStatus(userId, id, 'Open', expectedVersion, origin, this.clock.now());
    if (result.ok && result.changed) this.record('reopened', result.task, origin);
    return result;
  }

  delete(userId: string, id: string, expectedVersion: number | undefined, origin: string): WriteResult {
    const result = this.store.delete(userId, id, expectedVersion, origin, this.clock.now());
    if (result.ok) this.record('deleted', result.task, origin);
    return result;
  }

  private record(type: ChangeType, task: Task, origin: string, changedFields?: string[]): void {
    const change = this.feed.append(
      { type, task, tenantId: this.tenantOf(task.ownerId), origin, changedFields },
      this.clock.now(),
    );
    this.webhooks.dispatch(change);
  }
}
