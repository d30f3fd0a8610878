import { randomBytes } from 'node:crypto';
import type { ChangeEventBus } from '../change-events/change-event.bus';
import { withoutHiddenFields, type RetainedEvent } from '../change-events/change-event';
import type { OrgStore } from '../org.store';
import { taskSecurityOf } from '../org-schema';
import { STREAMING_ERROR, replyTo, type BayeuxReply, type BayeuxRequest } from './bayeux-message';

/** The change-event channels: every selected entity, and Task's own. */
export const CHANGE_EVENTS_CHANNEL = '/data/ChangeEvents';
export const TASK_CHANGE_EVENT_CHANNEL = '/data/TaskChangeEvent';

/** Salesforce advises 110 s for a held /meta/connect. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 110_000;
/** A client that sends no /meta/connect for 40 s is forgotten (the next connect is `403::Unknown client`). */
export const CLIENT_IDLE_TIMEOUT_MS = 40_000;
/** Per org, as the StreamingApiConcurrentClients limit (2,000 in Enterprise and up). */
export const MAX_CLIENTS_PER_ORG = 2_000;
/** Events handed out on one /meta/connect answer, so a replay of 100,000 events comes in bounded bodies. */
export const MAX_EVENTS_PER_CONNECT = 1_000;

/** Who made a request: the session behind its `Authorization` header. */
export interface StreamingCaller {
  /** Whether the request carried a token at all (the 401 text differs). */
  presented: boolean;
  session: { orgId: string; userId: string } | null;
}

interface Subscription {
  channel: string;
  /** The replay id of the last event handed to the client on this channel. */
  cursor: number;
}

interface HeldConnect {
  reply: BayeuxReply;
  before: BayeuxReply[];
  answer: (replies: BayeuxReply[]) => void;
  timer: NodeJS.Timeout;
}

interface StreamingClient {
  id: string;
  orgId: string;
  userId: string;
  subscriptions: Map<string, Subscription>;
  /** Real time of the last message: idleness is about the connection, not the data clock. */
  lastSeen: number;
  connected: boolean;
  held: HeldConnect | null;
}

/** What one POST to /cometd/<version> answers, now or (for a held connect) later. */
export type BatchOutcome = { now: BayeuxReply[] } | { later: (answer: (replies: BayeuxReply[]) => void) => void };

export class StreamingServer {
  private readonly clients = new Map<string, StreamingClient>();
  private closed = false;

  constructor(
    private readonly deps: { store: OrgStore; events: ChangeEventBus; connectTimeoutMs: number; now?: () => number },
  ) {
    deps.events.onPublish((orgId) => this.wake(orgId));
  }

  /** Handles one request's messages in order; a connect with nothing to deliver is held. */
  handleBatch(caller: StreamingCaller, messages: BayeuxRequest[]): BatchOutcome {
    const replies: BayeuxReply[] = [];
    const batchHasSubscribe = messages.some((m) => m.channel === '/meta/subscribe');
    let held: { client: StreamingClient; reply: BayeuxReply } | null = null;
    for (const message of messages) {
      switch (message.channel) {
        case '/meta/handshake':
          replies.push(this.handshake(caller, message));
          break;
        case '/meta/connect': {
          const outcome = this.connect(caller, message, batchHasSubscribe);
          if ('hold' in outcome) held = outcome.hold;
          else replies.push(...outcome.replies);
          break;
        }
        case '/meta/subscribe':
          replies.push(this.subscribe(caller, message));
          break;
        case '/meta/unsubscribe':
          replies.push(this.unsubscribe(caller, message));
          break;
        case '/meta/disconnect':
          replies.push(this.disconnect(caller, message));
          break;
        default:
          // Change events are published by Salesforce, not by subscribers.
          replies.push({ ...replyTo(message), successful: false, error: STREAMING_ERROR.restrictedChannel });
      }
    }
    if (!held) return { now: replies };
    const { client, reply } = held;
    return {
      later: (answer) => {
        if (client.held) this.release(client, []);
        const timer = setTimeout(() => this.release(client, []), this.deps.connectTimeoutMs);
        timer.unref();
        client.held = { reply, before: replies, answer, timer };
      },
    };
  }

  /** A held connect's HTTP request went away before it was answered. */
  abandon(answer: (replies: BayeuxReply[]) => void): void {
    for (const client of this.clients.values()) {
      if (client.held?.answer !== answer) continue;
      clearTimeout(client.held.timer);
      client.held = null;
    }
  }

  /** Admin fault: forget a client; its held connect (if any) is answered `403::Unknown client`. */
  drop(clientId: string): boolean {
    const client = this.clients.get(clientId);
    if (!client) return false;
    this.clients.delete(clientId);
    if (client.held) {
      const { reply, before, answer, timer } = client.held;
      clearTimeout(timer);
      client.held = null;
      answer([
        ...before,
        {
          channel: reply.channel,
          id: reply.id,
          successful: false,
          error: STREAMING_ERROR.unknownClient,
          advice: { interval: 0, reconnect: 'handshake' },
        },
      ]);
    }
    return true;
  }

  list(orgId?: string): {
    clientId: string;
    orgId: string;
    userId: string;
    subscriptions: { channel: string; lastReplayId: number }[];
    waiting: boolean;
  }[] {
    return [...this.clients.values()]
      .filter((c) => orgId === undefined || c.orgId === orgId)
      .map((c) => ({
        clientId: c.id,
        orgId: c.orgId,
        userId: c.userId,
        subscriptions: [...c.subscriptions.values()].map((s) => ({ channel: s.channel, lastReplayId: s.cursor })),
        waiting: c.held !== null,
      }));
  }

  /** Forgets every client (a reset); held connects are answered so no request hangs. */
  clear(): void {
    for (const id of [...this.clients.keys()]) this.drop(id);
  }

  /** On shutdown: answer every held connect at once and stop their timers. */
  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) if (client.held) this.release(client, []);
    this.clients.clear();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private handshake(caller: StreamingCaller, message: BayeuxRequest): BayeuxReply {
    const reply = replyTo(message);
    if (!caller.session) {
      return {
        ...reply,
        successful: false,
        error: STREAMING_ERROR.handshakeDenied,
        ext: {
          sfdc: {
            failureReason: caller.presented
              ? STREAMING_ERROR.authenticationInvalid
              : STREAMING_ERROR.authenticationRequired,
          },
        },
        advice: { reconnect: 'none' },
      };
    }
    const types = Array.isArray(message.supportedConnectionTypes)
      ? (message.supportedConnectionTypes as unknown[])
      : [];
    if (!types.includes('long-polling')) {
      return {
        ...reply,
        successful: false,
        error: STREAMING_ERROR.invalidConnectionType(String(types[0] ?? '')),
        advice: { reconnect: 'none' },
      };
    }
    this.sweepIdle();
    const { orgId, userId } = caller.session;
    if ([...this.clients.values()].filter((c) => c.orgId === orgId).length >= MAX_CLIENTS_PER_ORG) {
      return {
        ...reply,
        successful: false,
        error: STREAMING_ERROR.handshakeDenied,
        ext: { sfdc: { failureReason: STREAMING_ERROR.concurrentLimit } },
        advice: { reconnect: 'none' },
      };
    }
    // Shaped like Salesforce's client ids: 27 or so lower-case base-36 characters.
    const id = BigInt(`0x${randomBytes(17).toString('hex')}`)
      .toString(36)
      .slice(0, 27);
    this.clients.set(id, {
      id,
      orgId,
      userId,
      subscriptions: new Map(),
      lastSeen: this.now(),
      connected: false,
      held: null,
    });
    return {
      ext: { replay: true, 'payload.format': true },
      minimumVersion: '1.0',
      clientId: id,
      supportedConnectionTypes: ['long-polling'],
      advice: { interval: 0, timeout: this.deps.connectTimeoutMs, reconnect: 'retry' },
      ...reply,
      version: '1.0',
      successful: true,
    };
  }

  /** A known, live client of the caller, or the error reply the request gets instead. */
  private requireClient(caller: StreamingCaller, message: BayeuxRequest): StreamingClient | BayeuxReply {
    const reply = replyTo(message);
    const clientId = typeof message.clientId === 'string' ? message.clientId : '';
    if (!caller.session) {
      // The token is validated on every request; a dead one ends the session for good.
      this.forget(clientId);
      return {
        clientId,
        ...reply,
        successful: false,
        error: STREAMING_ERROR.authenticationInvalid,
        advice: { reconnect: 'none', interval: 0 },
      };
    }
    const client = this.clients.get(clientId);
    if (
      !client ||
      client.orgId !== caller.session.orgId ||
      (client.held === null && this.now() - client.lastSeen > CLIENT_IDLE_TIMEOUT_MS)
    ) {
      this.forget(clientId);
      return {
        ...reply,
        successful: false,
        error: STREAMING_ERROR.unknownClient,
        advice: { interval: 0, reconnect: 'handshake' },
      };
    }
    if (client.userId !== caller.session.userId) {
      return {
        clientId,
        ...reply,
        successful: false,
        error: STREAMING_ERROR.userMismatch,
        advice: { reconnect: 'none', interval: 0 },
      };
    }
    client.lastSeen = this.now();
    return client;
  }

  private connect(
    caller: StreamingCaller,
    message: BayeuxRequest,
    batchHasSubscribe: boolean,
  ): { replies: BayeuxReply[] } | { hold: { client: StreamingClient; reply: BayeuxReply } } {
    const client = this.requireClient(caller, message);
    if (!isClient(client)) return { replies: [client] };
    const reply: BayeuxReply = { clientId: client.id, ...replyTo(message), successful: true };
    if (this.deps.events.remainingDeliveries(client.orgId) === 0) {
      // Past the allocation the subscriber is disconnected until the next day.
      this.forget(client.id);
      return {
        replies: [
          {
            clientId: client.id,
            ...replyTo(message),
            successful: false,
            error: STREAMING_ERROR.dailyLimit,
            advice: { reconnect: 'none', interval: 0 },
          },
        ],
      };
    }
    if (!client.connected) {
      // The first connect is answered at once with the advice, as Salesforce does.
      client.connected = true;
      reply.advice = { interval: 0, timeout: this.deps.connectTimeoutMs, reconnect: 'retry' };
    }
    const events = this.take(client);
    const advisedNoWait = message.advice?.timeout === 0;
    if (events.length > 0 || batchHasSubscribe || advisedNoWait || reply.advice !== undefined || this.closed)
      return { replies: [...events, reply] };
    return { hold: { client, reply } };
  }

  private subscribe(caller: StreamingCaller, message: BayeuxRequest): BayeuxReply {
    const client = this.requireClient(caller, message);
    if (!isClient(client)) return client;
    const channel = message.subscription;
    const reply: BayeuxReply = { clientId: client.id, ...replyTo(message), subscription: channel };
    const refuse = (error: string): BayeuxReply => ({ ...reply, successful: false, error });
    if (typeof channel !== 'string' || channel === '') return refuse(STREAMING_ERROR.channelNotSpecified);
    if (!channel.startsWith('/')) return refuse(STREAMING_ERROR.channelLeadingSlash);
    const taskSelected = this.deps.events.isTaskSelected(client.orgId);
    // /data/ChangeEvents always exists; an entity's channel only while the entity is selected.
    if (channel !== CHANGE_EVENTS_CHANNEL && !(channel === TASK_CHANGE_EVENT_CHANNEL && taskSelected))
      return refuse(STREAMING_ERROR.channelDoesNotExist(channel));
    const user = this.deps.store.getOrg(client.orgId)?.users.get(client.userId);
    if (user?.viewAllData !== true) return refuse(STREAMING_ERROR.noViewAllData);
    const requested = message.ext?.replay?.[channel];
    const replayFrom = requested === undefined || requested === null ? -1 : Number(requested);
    const cursor = this.deps.events.cursorFor(client.orgId, replayFrom);
    if (cursor === null) return refuse(STREAMING_ERROR.invalidReplayId(requested));
    client.subscriptions.set(channel, { channel, cursor });
    return { ...reply, successful: true };
  }

  private unsubscribe(caller: StreamingCaller, message: BayeuxRequest): BayeuxReply {
    const client = this.requireClient(caller, message);
    if (!isClient(client)) return client;
    client.subscriptions.delete(String(message.subscription));
    return { clientId: client.id, ...replyTo(message), subscription: message.subscription, successful: true };
  }

  private disconnect(caller: StreamingCaller, message: BayeuxRequest): BayeuxReply {
    const client = this.requireClient(caller, message);
    if (!isClient(client)) return client;
    this.forget(client.id);
    return { clientId: client.id, ...replyTo(message), successful: true };
  }

  /** The client's next events across its subscriptions, in replay order, within the org's allocation. */
  private take(client: StreamingClient): BayeuxReply[] {
    if (client.subscriptions.size === 0) return [];
    const limit = Math.min(MAX_EVENTS_PER_CONNECT, this.deps.events.remainingDeliveries(client.orgId));
    if (limit === 0) return [];
    const pending: { subscription: Subscription; event: RetainedEvent }[] = [];
    for (const subscription of client.subscriptions.values()) {
      for (const event of this.deps.events.eventsAfter(client.orgId, subscription.cursor, limit))
        pending.push({ subscription, event });
    }
    pending.sort((a, b) => a.event.replayId - b.event.replayId);
    const taken = pending.slice(0, limit);
    for (const { subscription, event } of taken) subscription.cursor = event.replayId;
    this.deps.events.countDeliveries(client.orgId, taken.length);
    const org = this.deps.store.getOrg(client.orgId);
    const user = org?.users.get(client.userId);
    const hidden = (org && user ? taskSecurityOf(org, user)?.hidden : undefined) ?? [];
    return taken.map(({ subscription, event }) => ({
      channel: subscription.channel,
      data: hidden.length > 0 ? withoutHiddenFields(event.data, hidden) : event.data,
    }));
  }

  /** New events in an org: answer the held connects that now have something to deliver. */
  private wake(orgId: string): void {
    for (const client of this.clients.values()) {
      if (client.orgId !== orgId || !client.held || client.subscriptions.size === 0) continue;
      const events = this.take(client);
      if (events.length > 0) this.release(client, events);
      else if (this.deps.events.remainingDeliveries(orgId) === 0) this.disconnectOverLimit(client);
    }
  }

  /** An existing subscriber past the org's daily allocation: its waiting connect fails and the session ends. */
  private disconnectOverLimit(client: StreamingClient): void {
    const held = client.held;
    if (!held) return;
    clearTimeout(held.timer);
    client.held = null;
    this.clients.delete(client.id);
    const { reply } = held;
    held.answer([
      ...held.before,
      {
        clientId: client.id,
        channel: reply.channel,
        id: reply.id,
        successful: false,
        error: STREAMING_ERROR.dailyLimit,
        advice: { reconnect: 'none', interval: 0 },
      },
    ]);
  }

  private release(client: StreamingClient, events: BayeuxReply[]): void {
    const held = client.held;
    if (!held) return;
    clearTimeout(held.timer);
    client.held = null;
    client.lastSeen = this.now();
    held.answer([...held.before, ...events, held.reply]);
  }

  private forget(clientId: string): void {
    const client = this.clients.get(clientId);
    if (!client) return;
    if (client.held) this.release(client, []);
    this.clients.delete(clientId);
  }

  private sweepIdle(): void {
    const now = this.now();
    for (const client of [...this.clients.values()])
      if (client.held === null && now - client.lastSeen > CLIENT_IDLE_TIMEOUT_MS) this.clients.delete(client.id);
  }
}

function isClient(value: StreamingClient | BayeuxReply): value is StreamingClient {
  return (value as StreamingClient).subscriptions instanceof Map;
}
