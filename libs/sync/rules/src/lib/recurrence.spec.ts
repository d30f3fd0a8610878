import { isRecurringSeriesMaster } from './recurrence';

describe('recurring series: masters skipped, occurrences synced (isRecurringSeriesMaster)', () => {
  it.each([
    [{ IsRecurrence: true }, true],
    [{ IsRecurrence: false }, false],
    [{ IsRecurrence: null }, false],
    [{}, false],
  ])('%j is a series master: %s', (task, master) => {
    expect(isRecurringSeriesMaster(task)).toBe(master);
  });
});
