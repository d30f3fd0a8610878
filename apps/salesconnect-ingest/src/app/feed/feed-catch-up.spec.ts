import pino from 'pino';
import { type ChangesPage, SalesConnectApiError, type SalesConnectChange } from '@task-sync/salesconnect-client';
import type { HandleResult } from '../changes/change-handler.service';
import type { FeedPosition } from '../changes/feed-state.repository';
import { IngestError } from '../ingest-error';
import { buildChange } from '../testing/salesconnect-change.fixture';
import { FeedCatchUp, type FeedCatchUpDeps } from './feed-catch-up';

// The round's order of things against in-memory stand-ins: the feed, the cursor store, the handler.

const PAGE = 2;

/** A feed of `changes`; cursors are `s<sequence>`, the oldest kept change is changes[0]. */
function fakeFeed(changes: SalesConnectChange[], failures: SalesConnectApiError[] = []) {
  const reads: (string | undefined)[] = [];
  return {
    reads,
    async listChanges({ cursor, limit = 100 }: { cursor?: string; limit?: number }): Promise<ChangesPage> {
      reads.push(cursor);
      const failure = failures.shift();
      if (failure) throw failure;
      const after = cursor === undefined ? 0 : Number(cursor.slice(1));
      const page = changes.filter((c) => c.sequence > after).slice(0, limit);
      const last = page.length === 0 ? after : page[page.length - 1].sequence;
      return {
        changes: page,
        nextCursor: `s${page.length < limit ? Math.max(after, ...changes.map((c) => c.sequence)) : last}`,
      };
    },
  };
}

function setUp(options: {
  feed: ReturnType<typeof fakeFeed>;
  position?: FeedPosition | null;
  failHandleAt?: number;
  /** The sequence of a change the settings view does not cover yet (the handler neither skips nor publishes it). */
  awaitingAt?: number;
}) {
  const saved: FeedPosition[] = [];
  const handled: number[][] = [];
  const reported: string[] = [];
  const events: string[] = [];
  let position = options.position ?? null;
  let forgotten = 0;
  const deps: FeedCatchUpDeps = {
    feed: options.feed,
    state: {
      readPosition: async () => position,
      savePosition: async (p) => {
        events.push(`save ${p.cursor}`);
        saved.push(p);
        position = p;
      },
      forgetSequences: async () => {
        forgotten++;
      },
    },
    changes: {
      handle: async (changes): Promise<HandleResult> => {
        handled.push(changes.map((c) => c.sequence));
        events.push(`handle ${changes.map((c) => c.sequence).join(',')}`);
        if (options.failHandleAt !== undefined && changes.some((c) => c.sequence === options.failHandleAt))
          throw new IngestError('PUBLISH_FAILED', 'Kafka is down');
        const awaiting = changes.filter((c) => c.sequence === options.awaitingAt).length;
        const published = changes.length - awaiting;
        return {
          published,
          events: published,
          duplicates: 0,
          skipped: 0,
          ownCreates: 0,
          held: 0,
          superseded: 0,
          awaitingSettings: awaiting,
        };
      },
    },
    reporter: {
      reportError: async (code) => {
        reported.push(code);
      },
    },
    logger: pino({ level: 'silent' }),
    pageSize: PAGE,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    wait: async () => undefined,
  };
  return { catchUp: new FeedCatchUp(deps), saved, handled, reported, events, forgotten: () => forgotten };
}

const feedOf = (...sequences: number[]) => sequences.map((sequence) => buildChange({ sequence }));
const unavailable = () => new SalesConnectApiError('SERVICE_UNAVAILABLE', 503, 'injected');

describe('a catch-up round', () => {
  it('first start: pages to the end of the feed without publishing, and stores where it ends', async () => {
    const feed = fakeFeed(feedOf(1, 2, 3));
    const { catchUp, handled, saved } = setUp({ feed });
    expect(await catchUp.runRound()).toMatchObject({ kind: 'started-at-end', read: 3, published: 0 });
    expect(handled).toEqual([]);
    expect(saved).toEqual([{ cursor: 's3', lastSequence: 3 }]);
  });

  it('publishes page by page from the stored cursor, storing each page’s cursor only after its changes were handled', async () => {
    const feed = fakeFeed(feedOf(1, 2, 3, 4, 5));
    const { catchUp, events } = setUp({ feed, position: { cursor: 's1', lastSequence: 1 } });
    expect(await catchUp.runRound()).toMatchObject({ kind: 'caught-up', pages: 3, read: 4, published: 4 });
    expect(events).toEqual(['handle 2,3', 'save s3', 'handle 4,5', 'save s5']);
    // Two full pages, then the empty one that says this is the end.
    expect(feed.reads).toEqual(['s1', 's3', 's5']);
  });

  it('keeps the cursor before a page whose publish failed, so the next round publishes it again', async () => {
    const feed = fakeFeed(feedOf(1, 2, 3, 4, 5));
    const { catchUp, saved } = setUp({ feed, position: { cursor: 's1', lastSequence: 1 }, failHandleAt: 4 });
    await expect(catchUp.runRound()).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    expect(saved).toEqual([{ cursor: 's3', lastSequence: 3 }]);
  });

  it('R3 and R6: stops before a page holding a change the settings view does not cover yet, so the next round reads it again', async () => {
    const feed = fakeFeed(feedOf(1, 2, 3, 4, 5));
    const { catchUp, events, saved } = setUp({ feed, position: { cursor: 's1', lastSequence: 1 }, awaitingAt: 4 });
    expect(await catchUp.runRound()).toMatchObject({ kind: 'awaiting-settings', pages: 2, read: 4, published: 3 });
    expect(events).toEqual(['handle 2,3', 'save s3', 'handle 4,5']);
    expect(saved.at(-1)).toEqual({ cursor: 's3', lastSequence: 3 });
  });

  it('retries an unavailable feed a bounded number of times, then fails the round as FEED_UNAVAILABLE with the cursor unmoved', async () => {
    const feed = fakeFeed(feedOf(1, 2), [unavailable(), unavailable(), unavailable()]);
    const { catchUp, saved } = setUp({ feed, position: { cursor: 's0', lastSequence: 0 } });
    const error = await catchUp.runRound().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: 'FEED_UNAVAILABLE' });
    expect(feed.reads).toHaveLength(3);
    expect(saved).toEqual([]);
  });

  it('gets through a passing outage within the retries', async () => {
    const feed = fakeFeed(feedOf(1, 2), [unavailable(), unavailable()]);
    const { catchUp } = setUp({ feed, position: { cursor: 's0', lastSequence: 0 } });
    expect(await catchUp.runRound()).toMatchObject({ published: 2 });
  });

  it('does not retry a refusal (a wrong app token): FEED_REJECTED at once', async () => {
    const feed = fakeFeed(feedOf(1), [new SalesConnectApiError('UNAUTHORIZED', 401, 'bad token')]);
    const { catchUp } = setUp({ feed, position: { cursor: 's0', lastSequence: 0 } });
    await expect(catchUp.runRound()).rejects.toMatchObject({ code: 'FEED_REJECTED' });
    expect(feed.reads).toHaveLength(1);
  });

  it('on CURSOR_EXPIRED reports it and continues from the oldest kept change', async () => {
    const feed = fakeFeed(feedOf(7, 8, 9), [new SalesConnectApiError('CURSOR_EXPIRED', 410, 'too old')]);
    const { catchUp, handled, reported, saved, forgotten } = setUp({
      feed,
      position: { cursor: 's2', lastSequence: 2 },
    });
    expect(await catchUp.runRound()).toMatchObject({
      kind: 'caught-up',
      published: 3,
      restartedBecause: 'FEED_CURSOR_EXPIRED',
    });
    expect(reported).toEqual(['FEED_CURSOR_EXPIRED']);
    expect(feed.reads).toEqual(['s2', undefined, 's8']);
    expect(handled).toEqual([[7, 8], [9]]);
    expect(saved[saved.length - 1]).toEqual({ cursor: 's9', lastSequence: 9 });
    expect(forgotten()).toBe(0);
  });

  it('on INVALID_CURSOR (a reset feed) also forgets the old sequences, which the new feed reuses', async () => {
    const feed = fakeFeed(feedOf(1), [new SalesConnectApiError('INVALID_CURSOR', 400, 'unknown')]);
    const { catchUp, saved, forgotten } = setUp({ feed, position: { cursor: 's500', lastSequence: 500 } });
    expect(await catchUp.runRound()).toMatchObject({ published: 1, restartedBecause: 'FEED_CURSOR_INVALID' });
    expect(forgotten()).toBe(1);
    expect(saved).toEqual([{ cursor: 's1', lastSequence: 1 }]);
  });

  it('restarts at most once a round: a second expiry fails the round', async () => {
    const expired = () => new SalesConnectApiError('CURSOR_EXPIRED', 410, 'too old');
    const feed = fakeFeed(feedOf(1), [expired(), expired()]);
    const { catchUp } = setUp({ feed, position: { cursor: 's0', lastSequence: 0 } });
    await expect(catchUp.runRound()).rejects.toMatchObject({ code: 'FEED_REJECTED' });
  });

  it('stops between pages when the service shuts down', async () => {
    const feed = fakeFeed(feedOf(1, 2, 3, 4, 5));
    const { catchUp, handled } = setUp({ feed, position: { cursor: 's0', lastSequence: 0 } });
    let pages = 0;
    expect(await catchUp.runRound(() => pages++ >= 1)).toMatchObject({ kind: 'stopped', pages: 1 });
    expect(handled).toEqual([[1, 2]]);
  });
});
