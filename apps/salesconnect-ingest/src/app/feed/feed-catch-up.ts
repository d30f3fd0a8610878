import type { Logger } from 'pino';
import {
  type ChangesPage,
  SalesConnectApiError,
  SalesConnectErrorCode,
  type SalesConnectChange,
} from '@task-sync/salesconnect-client';
import { NOTHING_HANDLED, type HandleResult } from '../changes/change-handler.service';
import type { FeedPosition } from '../changes/feed-state.repository';
import { IngestError, IngestErrorCode } from '../ingest-error';
import { retry, type RetryOptions } from '@task-sync/util-async';

export interface FeedCatchUpDeps {
  feed: { listChanges(options: { cursor?: string; limit?: number }): Promise<ChangesPage> };
  state: {
    readPosition(): Promise<FeedPosition | null>;
    savePosition(position: FeedPosition): Promise<void>;
    forgetSequences(): Promise<void>;
  };
  changes: { handle(changes: SalesConnectChange[], source: 'feed'): Promise<HandleResult> };
  reporter: { reportError(code: IngestErrorCode, message: string): Promise<void> };
  logger: Logger;
  pageSize: number;
  retry: Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs'>;
  wait?: (ms: number) => Promise<void>;
}

export interface RoundSummary {
  /**
   * `started-at-end`: the first round ever, which skips the feed's history. `awaiting-settings`: a
   * page held a change the settings view does not cover yet; the cursor stays before that page.
   */
  kind: 'caught-up' | 'started-at-end' | 'stopped' | 'awaiting-settings';
  pages: number;
  read: number;
  published: number;
  events: number;
  duplicates: number;
  skipped: number;
  /** The sync's own creates coming back: recorded, not published (isEchoOfOwnCreate). */
  ownCreates: number;
  /** Older than a change of the same task already published (its webhook came first): not published again. */
  superseded: number;
  /** Set when the cursor had to restart from the feed's oldest kept change. */
  restartedBecause?: IngestErrorCode;
}

const maxSequence = (changes: SalesConnectChange[], from: number) =>
  changes.reduce((max, c) => Math.max(max, c.sequence), from);

/** A missed or refused webhook loses nothing: the feed is read to the end each round. */
/** A round's counts before its first page. */
const NOTHING_COUNTED = { published: 0, events: 0, duplicates: 0, skipped: 0, ownCreates: 0, superseded: 0 };

export class FeedCatchUp {
  constructor(private readonly deps: FeedCatchUpDeps) {}

  async runRound(shouldStop: () => boolean = () => false): Promise<RoundSummary> {
    const position = await this.deps.state.readPosition();
    if (position === null) return this.startAtFeedEnd();

    const summary: RoundSummary = { kind: 'caught-up', pages: 0, read: 0, ...NOTHING_COUNTED };
    let cursor: string | undefined = position.cursor;
    let lastSequence = position.lastSequence;
    for (;;) {
      if (shouldStop()) return { ...summary, kind: 'stopped' };
      let page: ChangesPage;
      try {
        page = await this.readPage(cursor);
      } catch (e) {
        const restart = summary.restartedBecause === undefined ? restartCodeOf(e) : undefined;
        if (restart === undefined) throw toIngestError(e);
        await this.restartFromOldest(restart, e as SalesConnectApiError);
        if (restart === IngestErrorCode.FeedCursorInvalid) lastSequence = 0;
        summary.restartedBecause = restart;
        cursor = undefined;
        continue;
      }
      const handled =
        page.changes.length === 0 ? NOTHING_HANDLED : await this.deps.changes.handle(page.changes, 'feed');
      summary.pages++;
      summary.read += page.changes.length;
      summary.published += handled.published;
      summary.events += handled.events;
      summary.duplicates += handled.duplicates;
      summary.skipped += handled.skipped;
      summary.ownCreates += handled.ownCreates;
      summary.superseded += handled.superseded;
      // Read again next round (what this page published then counts as duplicates): never skipped on a stale view.
      if (handled.awaitingSettings > 0) return { ...summary, kind: 'awaiting-settings' };
      lastSequence = maxSequence(page.changes, lastSequence);
      // Only now, with every change of the page acknowledged by Kafka, does the cursor move.
      if (page.nextCursor !== cursor) await this.deps.state.savePosition({ cursor: page.nextCursor, lastSequence });
      cursor = page.nextCursor;
      // A short page is the end of the feed for now.
      if (page.changes.length < this.deps.pageSize) return summary;
    }
  }

  /** First start (no stored cursor): the feed's history is skipped, not published. */
  private async startAtFeedEnd(): Promise<RoundSummary> {
    let cursor: string | undefined;
    let lastSequence = 0;
    let pages = 0;
    let read = 0;
    for (;;) {
      const page = await this.readPage(cursor).catch((e: unknown) => {
        throw toIngestError(e);
      });
      pages++;
      read += page.changes.length;
      lastSequence = maxSequence(page.changes, lastSequence);
      cursor = page.nextCursor;
      if (page.changes.length < this.deps.pageSize) break;
    }
    await this.deps.state.savePosition({ cursor, lastSequence });
    this.deps.logger.info(
      { skippedChanges: read, pages, lastSequence },
      'no stored feed cursor: starting at the end of the change feed; changes from before this first start are not published',
    );
    return { kind: 'started-at-end', pages, read, ...NOTHING_COUNTED };
  }

  private async restartFromOldest(code: IngestErrorCode, error: SalesConnectApiError): Promise<void> {
    const message =
      code === IngestErrorCode.FeedCursorExpired
        ? 'the stored feed cursor is older than the change feed keeps: changes in between may be lost; continuing from the oldest kept change'
        : 'the change feed does not know the stored cursor (was it reset?): continuing from its oldest kept change';
    this.deps.logger.error({ code, err: error.message }, message);
    // The sequences restart with a reset feed: what we remembered of the old one must not hide new changes.
    if (code === IngestErrorCode.FeedCursorInvalid) await this.deps.state.forgetSequences();
    await this.deps.reporter.reportError(code, message);
  }

  private readPage(cursor: string | undefined): Promise<ChangesPage> {
    return retry(() => this.deps.feed.listChanges({ cursor, limit: this.deps.pageSize }), {
      ...this.deps.retry,
      shouldRetry: (e) => e instanceof SalesConnectApiError && e.retryable,
      onRetry: (e, attempt, delayMs) =>
        this.deps.logger.warn({ attempt, delayMs, err: (e as Error).message }, 'change feed read failed: retrying'),
      wait: this.deps.wait,
    });
  }
}

function restartCodeOf(e: unknown): IngestErrorCode | undefined {
  if (!(e instanceof SalesConnectApiError)) return undefined;
  if (e.code === SalesConnectErrorCode.CursorExpired) return IngestErrorCode.FeedCursorExpired;
  if (e.code === SalesConnectErrorCode.InvalidCursor) return IngestErrorCode.FeedCursorInvalid;
  return undefined;
}

function toIngestError(e: unknown): unknown {
  if (!(e instanceof SalesConnectApiError)) return e;
  return new IngestError(e.retryable ? IngestErrorCode.FeedUnavailable : IngestErrorCode.FeedRejected, e.message, {
    cause: e,
  });
}
