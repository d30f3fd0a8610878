import { eventAllocationFor } from './org-reader';

describe('the steady-state org’s CDC allocation', () => {
  it.each([
    ['a small run fits an Enterprise org’s 25,000', 1_000, 25_000],
    ['just inside Enterprise’s, with a quarter spare', 20_000, 25_000],
    ['a quarter spare past Enterprise’s takes one add-on', 20_001, 125_000],
    ['three steady runs of 24,000 and 60 at rest take one add-on', 72_060, 125_000],
    ['past one add-on, a second', 100_001, 225_000],
  ])('%s', (_rule, changes, expected) => {
    expect(eventAllocationFor(changes)).toBe(expected);
  });
});
