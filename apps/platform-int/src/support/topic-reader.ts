import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { decodeEvent, MESSAGE_HEADERS, type AnyEvent } from '@task-sync/contracts';
import { waitFor } from '@task-sync/testing-stack';
import { kafkaClient, startGroupAtLogEnd } from './stack';

export interface ReadMessage<T> {
  key: string;
  eventIdHeader: string | undefined;
  event: T;
}

/**
 * Everything published to one topic from now on, decoded and validated with the contracts lib
 * (a message that does not decode fails the test that waits on it).
 */
export class TopicReader<T extends AnyEvent = AnyEvent> {
  readonly messages: ReadMessage<T>[] = [];
  readonly undecodable: string[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start<T extends AnyEvent>(topic: string): Promise<TopicReader<T>> {
    const groupId = `it-reader-${randomUUID()}`;
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      await startGroupAtLogEnd(admin, groupId, topic);
    } finally {
      await admin.disconnect();
    }
    const consumer = kafkaClient().consumer({ groupId, allowAutoTopicCreation: false });
    const reader = new TopicReader<T>(consumer);
    // Returns only once the group is joined and has its partitions, so nothing published next is missed.
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          reader.messages.push({
            key: message.key?.toString() ?? '',
            eventIdHeader: message.headers?.[MESSAGE_HEADERS.eventId]?.toString(),
            event: decodeEvent(message.value, topic) as T,
          });
        } catch (e) {
          reader.undecodable.push(`${(e as Error).message}: ${message.value?.toString()}`);
        }
      },
    });
    await Promise.race([
      joined,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`the reader of ${topic} did not join its group in 30 s`)), 30_000),
      ),
    ]);
    return reader;
  }

  events(filter: (event: T) => boolean = () => true): T[] {
    return this.messages.map((m) => m.event).filter(filter);
  }

  async waitFor<R>(what: string, probe: (events: T[]) => R | undefined | false, timeoutMs = 60_000): Promise<R> {
    return waitFor(
      what,
      async () => {
        if (this.undecodable.length > 0) throw new Error(`undecodable messages: ${this.undecodable.join('; ')}`);
        return probe(this.events());
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
