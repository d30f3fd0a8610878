import fc from 'fast-check';
import { buildCommandCenter } from './command-center';
import type { Task } from './task.model';
import { isKnownTimeZone } from './time-zone';
import type { User } from './user.model';

const ZONES = [
  'UTC',
  'Pacific/Auckland',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/Lisbon',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/St_Johns',
];

/** Daylight-saving changes (UTC instants) with their zone: where "+24 h" and "+1 calendar day" differ. */
const DST_CHANGES: [string, string][] = [
  ['2026-03-08T10:00:00Z', 'America/Los_Angeles'],
  ['2026-11-01T09:00:00Z', 'America/Los_Angeles'],
  ['2026-10-25T01:00:00Z', 'Europe/Lisbon'],
  ['2027-03-28T01:00:00Z', 'Europe/Lisbon'],
  ['2026-04-04T14:00:00Z', 'Pacific/Auckland'],
  ['2026-09-26T14:00:00Z', 'Pacific/Auckland'],
  ['2026-04-04T15:00:00Z', 'Australia/Lord_Howe'],
];

/** Any instant in any zone, or (half the time) one within 30 hours of a zone's DST change. */
const instantAndZone = fc.oneof(
  fc.tuple(
    fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2060-12-31T00:00:00Z') }),
    fc.constantFrom(...ZONES),
  ),
  fc
    .tuple(fc.constantFrom(...DST_CHANGES), fc.integer({ min: -30 * 60, max: 30 * 60 }))
    .map(([[instant, zone], minutes]) => [Date.parse(instant) + minutes * 60_000, zone] as [number, string]),
);

/** The zone's wall-clock date, worked out another way (formatToParts), to check against. */
function wallDate(instantMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(instantMs);
  const get = (type: string) =>
    (parts.find((p) => p.type === type)?.value ?? '').padStart(type === 'year' ? 4 : 2, '0');
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOfDay = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

const user = (timeZone: string): User => ({
  id: 'scu_1',
  tenantId: 'sct_1',
  email: 'rep@example.com',
  name: 'Rep',
  timeZone,
  apiToken: 't',
  createdAt: '2026-01-01T00:00:00Z',
});

let next = 0;
function task(dueDate: string | null, extra: Partial<Task> = {}): Task {
  next += 1;
  return {
    id: `sct_${next}`,
    name: `due ${dueDate}`,
    details: '',
    dueDate,
    status: 'Open',
    priority: 'Normal',
    type: 'other',
    contactEmail: null,
    ownerId: 'scu_1',
    createdAt: `2026-01-01T00:00:${String(next % 60).padStart(2, '0')}Z`,
    updatedAt: '2026-01-01T00:00:00Z',
    completedAt: null,
    version: 1,
    createdBy: 'x',
    lastModifiedBy: 'x',
    ...extra,
  };
}

const names = (tasks: Task[]) => tasks.map((t) => t.name);

describe('buildCommandCenter (R4)', () => {
  it.each([
    ['23:30 NZDT in Auckland', '2026-11-24T10:30:00Z', 'Pacific/Auckland', '2026-11-24', '2026-11-25'],
    ['23:30 PST in Los Angeles', '2026-11-25T07:30:00Z', 'America/Los_Angeles', '2026-11-24', '2026-11-25'],
    [
      '00:30 PDT on the 25-hour 2026-11-01 in Los Angeles',
      '2026-11-01T07:30:00Z',
      'America/Los_Angeles',
      '2026-11-01',
      '2026-11-02',
    ],
    [
      '00:30 WEST on the 25-hour 2026-10-25 in Lisbon',
      '2026-10-24T23:30:00Z',
      'Europe/Lisbon',
      '2026-10-25',
      '2026-10-26',
    ],
    [
      '23:30 WEST on the 23-hour 2027-03-28 in Lisbon',
      '2027-03-28T22:30:00Z',
      'Europe/Lisbon',
      '2027-03-28',
      '2027-03-29',
    ],
  ])('%s: lists the tasks due today and tomorrow only', (_label, instant, zone, today, tomorrow) => {
    const before = dateOfDay(dayNumber(today) - 1);
    const after = dateOfDay(dayNumber(tomorrow) + 1);
    const view = buildCommandCenter(
      user(zone),
      [task(before), task(today), task(tomorrow), task(after), task(null)],
      Date.parse(instant),
    );
    expect([view.today.date, names(view.today.tasks)]).toEqual([today, [`due ${today}`]]);
    expect([view.tomorrow.date, names(view.tomorrow.tasks)]).toEqual([tomorrow, [`due ${tomorrow}`]]);
  });

  it('orders open before completed and High before Normal, and leaves out tombstones and other users’ tasks', () => {
    const d = '2026-11-24';
    const view = buildCommandCenter(
      user('UTC'),
      [
        task(d, { name: 'done', status: 'Complete' }),
        task(d, { name: 'normal' }),
        task(d, { name: 'high', priority: 'High' }),
        task(d, { name: 'deleted', deletedAt: '2026-11-24T01:00:00Z' }),
        task(d, { name: 'theirs', ownerId: 'scu_2' }),
      ],
      Date.parse('2026-11-24T12:00:00Z'),
    );
    expect(names(view.today.tasks)).toEqual(['high', 'normal', 'done']);
  });

  it('for any instant and zone: today is the zone’s wall date, tomorrow exactly one calendar day later, and only their tasks are listed', () => {
    fc.assert(
      fc.property(instantAndZone, ([instantMs, zone]) => {
        const today = wallDate(instantMs, zone);
        const around = [-1, 0, 1, 2].map((offset) => task(dateOfDay(dayNumber(today) + offset)));
        const view = buildCommandCenter(user(zone), around, instantMs);
        expect(view.today.date).toBe(today);
        expect(dayNumber(view.tomorrow.date) - dayNumber(view.today.date)).toBe(1);
        expect(view.today.tasks.map((t) => t.dueDate)).toEqual([view.today.date]);
        expect(view.tomorrow.tasks.map((t) => t.dueDate)).toEqual([view.tomorrow.date]);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the process time zone', () => {
    // eslint-disable-next-line no-restricted-properties -- the point is to run under other process zones
    const env = process.env;
    const saved = env['TZ'];
    const instant = Date.parse('2026-11-01T07:30:00Z');
    try {
      for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Pacific/Pago_Pago']) {
        env['TZ'] = tz;
        const la = buildCommandCenter(user('America/Los_Angeles'), [], instant);
        const akl = buildCommandCenter(user('Pacific/Auckland'), [], instant);
        expect([la.today.date, la.tomorrow.date]).toEqual(['2026-11-01', '2026-11-02']);
        expect([akl.today.date, akl.tomorrow.date]).toEqual(['2026-11-01', '2026-11-02']);
      }
    } finally {
      env['TZ'] = saved;
    }
  });
});

describe('isKnownTimeZone', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isKnownTimeZone('Pacific/Auckland')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
