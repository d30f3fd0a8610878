import { Connection } from 'jsforce';
import { StreamingExtension, type Client } from 'jsforce/lib/api/streaming';
import type { SalesforceAccess, SalesforceSessionHandle } from '@task-sync/sfdc-client';
import { ChangeFeedError, ChangeFeedErrorCode } from './change-feed.error';
import type { ChangeFeed, ChangeFeedHandler, ChangeFeedSubscription, ReplayFrom } from './change-feed.port';
import type { SfdcGatherPolicy } from '@task-sync/sync-rules';
import { SerialBatchDelivery } from './serial-batch.delivery';
import {
  classifySessionFailure,
  classifyStreamingFailure,
  isLeftToClient,
  type BayeuxFailure,
} from './streaming-failure.classifier';
import { decodeCometdTaskChangeEvent } from './task-change-event.decoder';

export const TASK_CHANGE_EVENT_CHANNEL = '/data/TaskChangeEvent';

/** Where the feed gets its session, and a fresh one after a 401: a SalesforceSessionHandle. */
export type ChangeFeedSessions = Pick<SalesforceSessionHandle, 'session' | 'renewSession'>;

export interface CometdChangeFeedOptions {
  /** The session of a user with View All Data (Task change events require it). */
  sessions: ChangeFeedSessions;
  /** jsforce's `version`, hence the endpoint `/cometd/<version>` (jsforce's own default is 50.0). */
  apiVersion: string;
  /** The largest batch handed to `onEvents` (default 1,000, what one Streaming API answer holds at most). */
  maxBatchSize?: number;
  /** While events keep coming, a batch waits for more this way (unset: each server reply is a batch). */
  gather?: SfdcGatherPolicy;
  /** How long the client may go without reaching the server (it retries every 5 s) before TRANSPORT is reported (default 60 s). */
  transportFailureAfterMs?: number;
  /** How long `close()` waits for the server to acknowledge `/meta/disconnect` (default 5 s). */
  disconnectTimeoutMs?: number;
}

/** jsforce's typings for faye's client leave out what is used here beyond subscribing. */
type FayeClient = Client & {
  disconnect(): PromiseLike<unknown> | undefined;
  bind(event: 'transport:down', listener: () => void): void;
  _dispatcher: { close(): void };
};

interface FayeMessage extends BayeuxFailure {
  successful?: boolean;
}

const REPLAY_PRESETS = { new: -1, retained: -2 } as const;

function replayIdOf(from: ReplayFrom): number {
  return typeof from === 'string' ? REPLAY_PRESETS[from] : from.afterReplayId;
}

/** Ends a client for good: faye retries every unanswered request until it is answered, so a client whose server is gone is stopped by hand. */
async function shutDownClient(client: FayeClient, timeoutMs: number): Promise<void> {
  const acknowledged = client.disconnect(); // undefined unless the client was connected
  if (acknowledged) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      // Refused or not, the server forgets the client: nothing else to do about it.
      new Promise<void>((resolve) =>
        acknowledged.then(
          () => resolve(),
          () => resolve(),
        ),
      ),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }
  // What faye's own successful disconnect calls; without it a dead server's client retries forever.
  client._dispatcher.close();
}

/**
 * jsforce's streaming client, unmodified: its Replay extension resumes after the last event when faye
 * handshakes again; its AuthFailure extension reports `reconnect: none` (a 401, the daily event limit).
 */
export class CometdChangeFeed implements ChangeFeed {
  private readonly open = new Set<CometdSubscription>();

  constructor(private readonly options: CometdChangeFeedOptions) {}

  async subscribe(from: ReplayFrom, handler: ChangeFeedHandler): Promise<ChangeFeedSubscription> {
    const subscription = new CometdSubscription(this.options, from, handler, () => this.open.delete(subscription));
    this.open.add(subscription);
    await subscription.start();
    return subscription;
  }

  /** Closes every open subscription. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.close()));
  }
}

/**
 * A faye client's Authorization header is fixed when it is created, so after a 401 a new client is
 * built with a fresh session and resumes after the last event received.
 */
class CometdSubscription implements ChangeFeedSubscription {
  private client: FayeClient | null = null;
  /** Callbacks of a client that is no longer the current one are ignored. */
  private generation = 0;
  private accessToken = '';
  private lastReceivedReplayId: number | null = null;
  private accepted = false;
  /** A fresh session was asked for since the server last accepted the subscription: one renewal, not a loop. */
  private renewed = false;
  private ended = false;
  private troubleTimer: NodeJS.Timeout | null = null;
  private shuttingDown: Promise<void> = Promise.resolve();
  private readonly delivery: SerialBatchDelivery;
  private started?: { resolve(): void; reject(failure: ChangeFeedError): void };

  constructor(
    private readonly options: CometdChangeFeedOptions,
    private readonly from: ReplayFrom,
    handler: ChangeFeedHandler,
    private readonly onEnd: () => void,
  ) {
    this.delivery = new SerialBatchDelivery(
      (batch) => handler.onEvents(batch),
      (failure) => {
        this.finish();
        // Once the client is gone, so a caller resubscribing at once never has two.
        void this.shuttingDown.then(() => handler.onFailure(failure));
      },
      options.maxBatchSize ?? 1000,
      options.gather,
    );
  }

  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.started = { resolve, reject };
      this.options.sessions.session().then(
        (session) => this.connect(session, replayIdOf(this.from)),
        (e: unknown) => this.end(classifySessionFailure(e)),
      );
    });
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.disposeClient();
      await this.delivery.stop();
      this.onEnd();
    }
    await this.shuttingDown;
  }

  private connect(session: SalesforceAccess, replayId: number): void {
    // Closed, or failed, while a fresh session was on its way.
    if (this.ended || this.delivery.isStopped) return;
    this.accessToken = session.accessToken;
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.ended;
    const conn = new Connection({
      instanceUrl: session.instanceUrl,
      accessToken: session.accessToken,
      version: this.options.apiVersion,
    });
    const client = conn.streaming.createClient([
      new StreamingExtension.Replay(TASK_CHANGE_EVENT_CHANNEL, replayId),
      // Swallows replies advising `reconnect: none`: the client would do nothing more.
      new StreamingExtension.AuthFailure((message: FayeMessage) => current() && this.refused(message)),
      // Sees every other reply: subscriptions faye makes again after a new handshake included.
      {
        incoming: (message: FayeMessage, callback: (message: FayeMessage) => void) => {
          if (current()) this.watch(message);
          callback(message);
        },
      },
    ]) as FayeClient;
    client.bind('transport:down', () => current() && this.troubled());
    this.client = client;
    void client.subscribe(TASK_CHANGE_EVENT_CHANNEL, (data: unknown) => current() && this.receive(data));
  }

  private watch(message: FayeMessage): void {
    const { channel, successful } = message;
    if (channel === '/meta/subscribe') {
      if (successful) this.subscriptionAccepted();
      else this.refused(message);
    } else if (channel === '/meta/connect' || channel === '/meta/handshake') {
      if (successful) {
        if (channel === '/meta/connect') this.healthy();
      } else if (isLeftToClient(message)) {
        this.troubled();
      } else {
        this.refused(message);
      }
    }
  }

  private receive(data: unknown): void {
    const decoded = decodeCometdTaskChangeEvent(data);
    const replayId = decoded.ok ? decoded.event.replayId : decoded.error.replayId;
    if (replayId !== undefined) this.lastReceivedReplayId = replayId;
    this.delivery.push(decoded.ok ? decoded.event : decoded.error);
  }

  private subscriptionAccepted(): void {
    this.renewed = false;
    this.healthy();
    if (this.accepted) return;
    this.accepted = true;
    this.started?.resolve();
  }

  private refused(message: FayeMessage): void {
    const failure = classifyStreamingFailure(message);
    if (failure.code === ChangeFeedErrorCode.AuthFailed && !this.renewed) {
      void this.renew();
      return;
    }
    this.end(failure);
  }

  /** After a 401: a fresh session (naming the refused token), and a new client resuming after the last event received. */
  private async renew(): Promise<void> {
    this.renewed = true;
    const rejected = this.accessToken;
    this.disposeClient();
    let fresh: SalesforceAccess;
    try {
      fresh = await this.options.sessions.renewSession(rejected);
    } catch (e) {
      this.end(classifySessionFailure(e));
      return;
    }
    this.connect(fresh, this.lastReceivedReplayId ?? replayIdOf(this.from));
  }

  /** The client cannot reach the server (or is refused in ways it retries): it has until the bound to succeed. */
  private troubled(): void {
    if (this.troubleTimer) return;
    const ms = this.options.transportFailureAfterMs ?? 60_000;
    this.troubleTimer = setTimeout(
      () =>
        this.end(
          new ChangeFeedError(ChangeFeedErrorCode.Transport, `the Streaming API has not been reachable for ${ms} ms`),
        ),
      ms,
    );
  }

  private healthy(): void {
    if (this.troubleTimer) clearTimeout(this.troubleTimer);
    this.troubleTimer = null;
  }

  /**
   * Before the server accepted the subscription, `subscribe()` rejects; after, the events already
   * received are handed over and then the handler hears the failure.
   */
  private end(failure: ChangeFeedError): void {
    if (this.ended) return;
    if (this.accepted) {
      this.disposeClient();
      this.delivery.fail(failure);
      return;
    }
    this.finish();
    void this.delivery.stop();
    void this.shuttingDown.then(() => this.started?.reject(failure));
  }

  private finish(): void {
    this.ended = true;
    this.disposeClient();
    this.onEnd();
  }

  private disposeClient(): void {
    this.generation++;
    this.healthy();
    const client = this.client;
    this.client = null;
    if (client)
      this.shuttingDown = Promise.all([
        this.shuttingDown,
        shutDownClient(client, this.options.disconnectTimeoutMs ?? 5_000),
      ]).then(() => undefined);
  }
}
