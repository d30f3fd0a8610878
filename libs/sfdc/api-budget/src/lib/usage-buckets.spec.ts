import { fillUsageBuckets } from './usage-buckets';

const HOUR = 3_600_000;
const t0 = Date.UTC(2026, 10, 24, 0);

describe('the API usage chart: buckets over the window, oldest first', () => {
  it('fills the buckets without calls with 0, from the bucket holding since to the one holding until', () => {
    const buckets = fillUsageBuckets(
      [{ start: new Date(t0 + HOUR), calls: 7 }],
      t0 + 10 * 60_000,
      t0 + 2 * HOUR + 1,
      HOUR,
    );
    expect(buckets).toEqual([
      { start: new Date(t0).toISOString(), calls: 0 },
      { start: new Date(t0 + HOUR).toISOString(), calls: 7 },
      { start: new Date(t0 + 2 * HOUR).toISOString(), calls: 0 },
    ]);
  });

  it('24 hours of 5-minute buckets are 288 or 289 (the current one included)', () => {
    expect(fillUsageBuckets([], t0, t0 + 24 * HOUR - 1, 5 * 60_000)).toHaveLength(288);
    expect(fillUsageBuckets([], t0 + 1, t0 + 24 * HOUR + 1, 5 * 60_000)).toHaveLength(289);
  });

  it('leaves out stored buckets outside the window', () => {
    expect(fillUsageBuckets([{ start: new Date(t0 - HOUR), calls: 3 }], t0, t0, HOUR)).toEqual([
      { start: new Date(t0).toISOString(), calls: 0 },
    ]);
  });
});
