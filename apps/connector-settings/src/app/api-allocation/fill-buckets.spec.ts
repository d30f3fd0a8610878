import { fillBuckets } from './org-api-allocation.service';

describe('fillBuckets: the API usage chart over the window', () => {
  it('has every bucket oldest first, the empty ones at 0', () => {
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    const step = 300_000;
    expect(fillBuckets([{ start: new Date(t0 + step), calls: 7 }], t0, t0 + 2 * step, step)).toEqual([
      { start: '2026-01-01T00:00:00.000Z', calls: 0 },
      { start: '2026-01-01T00:05:00.000Z', calls: 7 },
      { start: '2026-01-01T00:10:00.000Z', calls: 0 },
    ]);
  });
});
