import { taskTriggerInput, triggeredValue } from './task-trigger';

describe('the Task trigger (one before-save field edit)', () => {
  it.each([
    [{ field: 'Subject', set: 'appendSuffix', suffix: ' [seen]' }, { Subject: 'Call' }, 'Call [seen]'],
    [{ field: 'Subject', set: 'appendSuffix', suffix: ' [seen]' }, { Subject: null }, ' [seen]'],
    [{ field: 'Priority', set: 'High' }, { Priority: 'Normal' }, 'High'],
    [{ field: 'Description', set: null }, { Description: 'x' }, null],
  ])('%j on %j writes %j', (input, record, value) => {
    expect(triggeredValue(taskTriggerInput.parse(input), record)).toBe(value);
  });

  it("set: 'appendSuffix' needs a suffix", () => {
    expect(taskTriggerInput.safeParse({ field: 'Subject', set: 'appendSuffix' }).success).toBe(false);
  });
});
