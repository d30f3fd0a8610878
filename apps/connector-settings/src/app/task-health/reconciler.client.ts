import { HttpException, ServiceUnavailableException } from '@nestjs/common';
import type {
  Page,
  TaskHealthConflict,
  TaskHealthEvent,
  TaskHealthTask,
  TaskHealthTimeline,
} from '@task-sync/contracts';

export type ReconcilerPage<T> = Page<T>;
export type ReconcilerTask = TaskHealthTask;
export type ReconcilerEvent = TaskHealthEvent;
export type ReconcilerConflict = TaskHealthConflict;

export type FailedWriteSelection = (
  { items: { linkId: string; side: 'sfdc' | 'salesconnect' }[] } | { code: string; side: 'sfdc' | 'salesconnect' }
) & { by?: string };

export const RECONCILER_CLIENT = Symbol('RECONCILER_CLIENT');

/** How long a call may take: a resync reads both sides (two calls out). */
const TIMEOUT_MS = 20_000;

/** Its 404 comes back as ours; anything else it cannot answer is a 503 RECONCILER_UNAVAILABLE. */
export class ReconcilerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  searchTasks(connectionId: string, q: string, offset: number, limit: number): Promise<ReconcilerPage<ReconcilerTask>> {
    return this.call(
      'GET',
      `${this.base(connectionId)}/tasks?${new URLSearchParams({ q, offset: String(offset), limit: String(limit) })}`,
    );
  }

  timeline(connectionId: string, linkId: string, offset: number, limit: number): Promise<TaskHealthTimeline> {
    return this.call(
      'GET',
      `${this.base(connectionId)}/tasks/${encodeURIComponent(linkId)}/timeline?${new URLSearchParams({ offset: String(offset), limit: String(limit) })}`,
    );
  }

  resync(connectionId: string, linkId: string, by: string): Promise<{ outcome: string; differences: string[] }> {
    return this.call('POST', `${this.base(connectionId)}/tasks/${encodeURIComponent(linkId)}/resync`, { by });
  }

  conflicts(connectionId: string, offset: number, limit: number): Promise<ReconcilerPage<ReconcilerConflict>> {
    return this.call(
      'GET',
      `${this.base(connectionId)}/conflicts?${new URLSearchParams({ offset: String(offset), limit: String(limit) })}`,
    );
  }

  retry(connectionId: string, selection: FailedWriteSelection): Promise<{ accepted: number }> {
    return this.call('POST', `${this.base(connectionId)}/failed-writes/retry`, selection);
  }

  ignore(connectionId: string, selection: FailedWriteSelection): Promise<{ accepted: number }> {
    return this.call('POST', `${this.base(connectionId)}/failed-writes/ignore`, selection);
  }

  private base(connectionId: string): string {
    return `/internal/task-health/connections/${encodeURIComponent(connectionId)}`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new ServiceUnavailableException({
        error: 'RECONCILER_UNAVAILABLE',
        message: `the sync service did not answer: ${(e as Error).message}`,
      });
    }
    const answer = (await response.json().catch(() => null)) as T | { error?: string; message?: string } | null;
    if (response.ok) return answer as T;
    if (response.status === 404 || response.status === 400)
      throw new HttpException(answer ?? { error: 'NOT_FOUND', message: 'not found' }, response.status);
    throw new ServiceUnavailableException({
      error: 'RECONCILER_UNAVAILABLE',
      message: `the sync service answered ${response.status}`,
    });
  }
}
