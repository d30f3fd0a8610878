import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import {
  DEAD_LETTER,
  DEAD_LETTER_REPLAYED,
  KAFKA_TOPICS,
  MESSAGE_HEADERS,
  decodeEvent,
  encodeEvent,
  type DeadLetter,
  type DeadLetterReplayed,
} from '@task-sync/contracts';
import { joinReplays, type LetterEntry, type ReplayGroup } from './dead-letter-log';

export interface ReadProgress {
  start(total: number): void;
  advance(by: number): void;
  stop(): void;
}

export interface ReadResult {
  entries: LetterEntry[];
  /** Messages on the topic that are neither a letter nor a replay record (should be none). */
  unreadable: number;
}

/**
 * Reads the whole dead-letter topic as it is now: from each partition's first offset to the end it
 * had when the read began, so the read is bounded however busy the topic. The consumer's group is
 * a fresh one that never commits and is deleted after: no stored offset can hide a letter next time.
 */
export async function readDeadLetterTopic(kafka: Kafka, progress: ReadProgress, idleMs: number): Promise<ReadResult> {
  const topic = KAFKA_TOPICS.deadLetter;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `ops-dead-letters-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(
      ends
        .filter((p) => BigInt(p.high) > BigInt(p.low))
        .map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]),
    );
    progress.start(Number([...remaining.values()].reduce((sum, p) => sum + (p.high - p.low), 0n)));
    const letters: Omit<LetterEntry, 'replays'>[] = [];
    const replays: DeadLetterReplayed[] = [];
    let unreadable = 0;
    if (remaining.size > 0) {
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          let lastProgress = Date.now();
          // Bounded: a partition whose end offsets were never reached (records gone to retention meanwhile) ends the read after idleMs without news.
          const idle = setInterval(() => {
            if (Date.now() - lastProgress > idleMs) {
              clearInterval(idle);
              resolve();
            }
          }, 200);
          consumer
            .run({
              autoCommit: false,
              eachBatch: async ({ batch }) => {
                const bounds = remaining.get(batch.partition);
                if (!bounds) return;
                let counted = 0;
                for (const message of batch.messages) {
                  if (BigInt(message.offset) >= bounds.high) break;
                  counted++;
                  try {
                    const event = decodeEvent(message.value, topic);
                    if (event.type === DEAD_LETTER)
                      letters.push({ letter: event as DeadLetter, partition: batch.partition, offset: message.offset });
                    else if (event.type === DEAD_LETTER_REPLAYED) replays.push(event as DeadLetterReplayed);
                  } catch {
                    unreadable++; // counted and reported: the operator should know, but it must not stop the listing
                  }
                  if (BigInt(message.offset) + 1n >= bounds.high) remaining.delete(batch.partition);
                }
                progress.advance(counted);
                lastProgress = Date.now();
                if (remaining.size === 0) {
                  clearInterval(idle);
                  resolve();
                }
              },
            })
            .catch((e: unknown) => {
              clearInterval(idle);
              reject(e);
            });
        });
      } finally {
        await consumer.disconnect();
      }
      await admin.deleteGroups([groupId]).catch(() => undefined); // it never committed; nothing is lost if it stays
    }
    progress.stop();
    letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    return { entries: joinReplays(letters, replays), unreadable };
  } finally {
    await admin.disconnect();
  }
}

export interface ReplayedGroup {
  group: ReplayGroup;
  partition: number;
  offset: string;
}

/**
 * Sends one group's original message back to its source topic (its key, headers and value as they
 * were, so the event id is the same and the consumers de-duplicate a second copy), then records the
 * replay of each of its letters on the dead-letter topic. The record comes after the send: a crash
 * between them leaves a letter that looks unreplayed, whose next replay the consumers de-duplicate.
 */
export async function replayGroup(kafka: Kafka, group: ReplayGroup, replayedBy: string): Promise<ReplayedGroup> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const original = group.letters[0].letter;
    const headers = { ...original.originalHeaders, 'replayed-from-dead-letter': original.eventId };
    const [sent] = await producer.send({
      topic: group.source.topic,
      messages: [{ key: original.originalKey, value: original.originalValue, headers }],
    });
    const partition = sent.partition;
    const offset = sent.baseOffset ?? sent.offset ?? '0';
    const records = group.letters.map((entry) => {
      const record: DeadLetterReplayed = {
        eventId: randomUUID(),
        type: DEAD_LETTER_REPLAYED,
        occurredAt: new Date().toISOString(),
        deadLetterEventId: entry.letter.eventId,
        topic: group.source.topic,
        partition,
        offset,
        replayedBy,
      };
      return {
        key: entry.letter.originalKey ?? entry.letter.eventId,
        value: encodeEvent(DEAD_LETTER_REPLAYED, record),
        headers: {
          [MESSAGE_HEADERS.eventId]: record.eventId,
          [MESSAGE_HEADERS.eventType]: DEAD_LETTER_REPLAYED,
          [MESSAGE_HEADERS.producer]: 'ops',
        },
      };
    });
    await producer.send({ topic: KAFKA_TOPICS.deadLetter, messages: records });
    return { group, partition, offset };
  } finally {
    await producer.disconnect();
  }
}
