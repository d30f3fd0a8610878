import { KAFKA_TOPICS, type DeadLetter, type DeadLetterReplayed } from '@task-sync/contracts';

/** One dead letter as read from the topic, with what the operator did with it. */
export interface LetterEntry {
  letter: DeadLetter;
  /** Where the letter itself sits on the dead-letter topic. */
  partition: number;
  offset: string;
  /** Its replays, oldest first. */
  replays: DeadLetterReplayed[];
}

export interface LetterFilter {
  connectionId?: string;
  since?: Date;
}

const PRODUCT_TOPICS: ReadonlySet<string> = new Set(Object.values(KAFKA_TOPICS));

/** Pairs each letter with its replay records (both live on the dead-letter topic), in the topic's order. */
export function joinReplays(
  letters: readonly Omit<LetterEntry, 'replays'>[],
  replays: readonly DeadLetterReplayed[],
): LetterEntry[] {
  const byLetter = new Map<string, DeadLetterReplayed[]>();
  for (const r of replays) byLetter.set(r.deadLetterEventId, [...(byLetter.get(r.deadLetterEventId) ?? []), r]);
  return letters.map((l) => ({ ...l, replays: byLetter.get(l.letter.eventId) ?? [] }));
}

/** The connection and the task a letter is about, from the original key (`connection:task`, see buildMessageKey). */
export function subjectOf(letter: DeadLetter): { connectionId: string | null; taskId: string | null } {
  if (!letter.originalKey) return { connectionId: null, taskId: null };
  const at = letter.originalKey.indexOf(':');
  if (at < 0) return { connectionId: letter.originalKey, taskId: null };
  return { connectionId: letter.originalKey.slice(0, at), taskId: letter.originalKey.slice(at + 1) };
}

export function filterLetters(entries: readonly LetterEntry[], filter: LetterFilter): LetterEntry[] {
  return entries.filter(
    (e) =>
      (filter.connectionId === undefined || subjectOf(e.letter).connectionId === filter.connectionId) &&
      (filter.since === undefined || Date.parse(e.letter.occurredAt) >= filter.since.getTime()),
  );
}

/**
 * Whether a letter can go back to where it came from: a message of one of the product's topics,
 * with its value. A write the reconciler could not make is not a message: the reconciler retries
 * it by itself (its failed-write schedule), so it is not replayed here.
 */
export function replayabilityOf(letter: DeadLetter): { replayable: true } | { replayable: false; why: string } {
  if (!PRODUCT_TOPICS.has(letter.sourceTopic)) {
    return {
      replayable: false,
      why: `not a message of a topic (${letter.sourceTopic}): the reconciler retries failed writes by itself (GET /v1/connections/{id}/failed-tasks)`,
    };
  }
  if (letter.originalValue === null) return { replayable: false, why: 'the original message had no value' };
  return { replayable: true };
}

/** One group of letters replayed by one publish: several consumers may have dead-lettered the same source message. */
export interface ReplayGroup {
  source: { topic: string; partition: number; offset: string };
  letters: LetterEntry[];
}

export interface ReplayPlan {
  replay: ReplayGroup[];
  skipped: { entry: LetterEntry; why: string }[];
}

/**
 * Which letters to replay. Idempotent: a letter replayed before is skipped (its replay record says
 * so) unless `force`; and a source message dead-lettered by several consumers goes back once. Even a
 * forced replay has one effect: the consumers de-duplicate by the event id the message keeps.
 */
export function planReplay(entries: readonly LetterEntry[], force: boolean): ReplayPlan {
  const groups = new Map<string, ReplayGroup>();
  const skipped: ReplayPlan['skipped'] = [];
  for (const entry of entries) {
    const can = replayabilityOf(entry.letter);
    if (!can.replayable) {
      skipped.push({ entry, why: can.why });
      continue;
    }
    if (entry.replays.length > 0 && !force) {
      skipped.push({
        entry,
        why: `already replayed at ${entry.replays[entry.replays.length - 1].occurredAt} (--force to send it again)`,
      });
      continue;
    }
    const { sourceTopic: topic, sourcePartition: partition, sourceOffset: offset } = entry.letter;
    const key = `${topic}:${partition}:${offset}`;
    const group = groups.get(key) ?? { source: { topic, partition, offset }, letters: [] };
    group.letters.push(entry);
    groups.set(key, group);
  }
  return { replay: [...groups.values()], skipped };
}

/** A letter's id as `list` shows it: the first 8 characters of its event id (show and replay take any unique prefix). */
export function shortId(letter: DeadLetter): string {
  return letter.eventId.slice(0, 8);
}

/** The letters whose event id starts with `prefix`. */
export function findLetters(entries: readonly LetterEntry[], prefix: string): LetterEntry[] {
  const p = prefix.toLowerCase();
  return entries.filter((e) => e.letter.eventId.toLowerCase().startsWith(p));
}

/** One line a letter: time, id, consumer, code, connection, task, replayed, reason. */
export function formatLetterLine(entry: LetterEntry, reasonWidth = 100): string {
  const { letter } = entry;
  const { connectionId, taskId } = subjectOf(letter);
  const reason = letter.reason.replace(/\s+/g, ' ');
  const replayed = entry.replays.length > 0 ? `replayed x${entry.replays.length}` : '-';
  return [
    letter.occurredAt,
    shortId(letter),
    letter.consumer,
    letter.reasonCode,
    connectionId ?? '-',
    taskId ?? '-',
    replayed,
    reason.length > reasonWidth ? `${reason.slice(0, reasonWidth - 1)}…` : reason,
  ].join('  ');
}

export const LINE_HEADER = ['time', 'id', 'consumer', 'code', 'connection', 'task', 'replayed', 'reason'].join('  ');

/** `--since`: an ISO time, or an age such as `30m`, `2h`, `7d` before `now`. */
export function parseSince(value: string, now: Date): Date {
  const age = /^(\d+)([smhd])$/.exec(value.trim());
  if (age) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(age[1]) * unit);
  }
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new Error(
      `--since ${JSON.stringify(value)}: give an ISO time (2026-12-05T10:00:00Z) or an age (30m, 2h, 7d)`,
    );
  return new Date(at);
}
