import { randomUUID } from 'node:crypto';
import {
  DEAD_LETTER,
  DEAD_LETTER_REPLAYED,
  KAFKA_TOPICS,
  type DeadLetter,
  type DeadLetterReplayed,
} from '@task-sync/contracts';
import {
  filterLetters,
  findLetters,
  formatLetterLine,
  joinReplays,
  parseSince,
  planReplay,
  subjectOf,
  type LetterEntry,
} from './dead-letter-log';

const CONNECTION = '5b0c2f57-0f57-4a53-9d3c-1f2f1e1b6a10';

const letter = (overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  eventId: randomUUID(),
  type: DEAD_LETTER,
  occurredAt: '2026-12-05T10:00:00.000Z',
  consumer: 'reconciler',
  sourceTopic: KAFKA_TOPICS.salesconnectTaskChanges,
  sourcePartition: 2,
  sourceOffset: '41',
  reasonCode: 'HANDLER_FAILED',
  reason: 'boom',
  originalKey: `${CONNECTION}:sct_1`,
  originalHeaders: { 'event-id': 'x' },
  originalValue: '{"type":"salesconnect-task-changed"}',
  ...overrides,
});

const entry = (l: DeadLetter, replays: DeadLetterReplayed[] = []): LetterEntry => ({
  letter: l,
  partition: 0,
  offset: '7',
  replays,
});

const replayOf = (l: DeadLetter): DeadLetterReplayed => ({
  eventId: randomUUID(),
  type: DEAD_LETTER_REPLAYED,
  occurredAt: '2026-12-05T11:00:00.000Z',
  deadLetterEventId: l.eventId,
  topic: l.sourceTopic,
  partition: l.sourcePartition,
  offset: '99',
  replayedBy: 'ops-cli',
});

describe('dead letters: listing', () => {
  it('names the connection and the task from the original key', () => {
    expect(subjectOf(letter())).toEqual({ connectionId: CONNECTION, taskId: 'sct_1' });
    expect(subjectOf(letter({ originalKey: CONNECTION }))).toEqual({ connectionId: CONNECTION, taskId: null });
    expect(subjectOf(letter({ originalKey: null }))).toEqual({ connectionId: null, taskId: null });
  });

  it('filters by connection and by time', () => {
    const old = entry(letter({ occurredAt: '2026-12-01T00:00:00.000Z' }));
    const other = entry(letter({ originalKey: 'another:sct_2' }));
    const recent = entry(letter());
    expect(filterLetters([old, other, recent], { connectionId: CONNECTION })).toEqual([old, recent]);
    expect(
      filterLetters([old, other, recent], { connectionId: CONNECTION, since: new Date('2026-12-05T00:00:00.000Z') }),
    ).toEqual([recent]);
  });

  it('a letter line says whether it was replayed', () => {
    const l = letter();
    expect(formatLetterLine(entry(l))).toBe(
      `2026-12-05T10:00:00.000Z  ${l.eventId.slice(0, 8)}  reconciler  HANDLER_FAILED  ${CONNECTION}  sct_1  -  boom`,
    );
    expect(formatLetterLine(entry(l, [replayOf(l)]))).toContain('  replayed x1  ');
  });

  it('pairs replay records with their letters', () => {
    const [a, b] = [letter(), letter()];
    const joined = joinReplays(
      [
        { letter: a, partition: 0, offset: '1' },
        { letter: b, partition: 0, offset: '2' },
      ],
      [replayOf(b)],
    );
    expect(joined.map((e) => e.replays.length)).toEqual([0, 1]);
  });

  it('finds a letter by a prefix of its id', () => {
    const l = letter();
    expect(findLetters([entry(l), entry(letter())], l.eventId.slice(0, 8).toUpperCase())).toEqual([entry(l)]);
  });

  it.each([
    ['30m', '2026-12-05T09:30:00.000Z'],
    ['2h', '2026-12-05T08:00:00.000Z'],
    ['7d', '2026-11-28T10:00:00.000Z'],
    ['2026-12-04T12:00:00Z', '2026-12-04T12:00:00.000Z'],
  ])('--since %s', (value, expected) => {
    expect(parseSince(value, new Date('2026-12-05T10:00:00.000Z')).toISOString()).toBe(expected);
  });

  it('--since refuses what is neither a time nor an age', () => {
    expect(() => parseSince('yesterday-ish', new Date())).toThrow(/ISO time/);
  });
});

describe('dead letters: replay is idempotent', () => {
  it('a letter replayed before is skipped, unless forced', () => {
    const l = letter();
    const replayed = entry(l, [replayOf(l)]);
    expect(planReplay([replayed], false)).toEqual({
      replay: [],
      skipped: [{ entry: replayed, why: expect.stringMatching(/^already replayed at 2026-12-05T11:00:00.000Z/) }],
    });
    expect(planReplay([replayed], true).replay).toHaveLength(1);
  });

  it('a source message several consumers dead-lettered goes back once', () => {
    const first = letter({ consumer: 'reconciler' });
    const second = letter({ consumer: 'sfdc-ingest' });
    const plan = planReplay([entry(first), entry(second)], false);
    expect(plan.replay).toEqual([
      {
        source: { topic: KAFKA_TOPICS.salesconnectTaskChanges, partition: 2, offset: '41' },
        letters: [entry(first), entry(second)],
      },
    ]);
  });

  it('a write the reconciler could not make is not replayed: the reconciler retries it itself', () => {
    const write = entry(
      letter({ sourceTopic: 'reconciler.task-writes', reasonCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' }),
    );
    const plan = planReplay([write], true);
    expect(plan.replay).toEqual([]);
    expect(plan.skipped[0].why).toMatch(/retries failed writes by itself/);
  });

  it('a letter without its original value cannot be replayed', () => {
    expect(planReplay([entry(letter({ originalValue: null }))], false).skipped[0].why).toMatch(/no value/);
  });
});
