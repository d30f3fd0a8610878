import { describeProblem } from './problem-catalog';

describe('describeProblem: each failed-write group in plain words', () => {
  it.each([
    ['sfdc', 'FIELD_CUSTOM_VALIDATION_EXCEPTION', /validation rule/],
    ['sfdc', 'REQUIRED_FIELD_MISSING', /requires a field/],
    ['sfdc', 'STRING_TOO_LONG', /too long/],
    ['sfdc', 'WRITE_RETRIES_EXHAUSTED', /Salesforce did not answer/],
    ['salesconnect', 'VALIDATION_FAILED', /Sales Connect refused/],
    ['salesconnect', 'WRITE_RETRIES_EXHAUSTED', /Sales Connect did not answer/],
  ] as const)('%s %s', (side, code, title) => {
    const words = describeProblem(side, code);
    expect(words.title).toMatch(title);
    expect(words.advice.length).toBeGreaterThan(20);
  });

  it('names the side and the code of one it does not know, and still says what to do', () => {
    expect(describeProblem('salesconnect', 'SOMETHING_NEW')).toEqual({
      title: 'Sales Connect refused the task (SOMETHING_NEW)',
      advice: expect.stringContaining('Retry now'),
    });
    expect(describeProblem('sfdc', 'SOMETHING_NEW').title).toBe('Salesforce refused the task (SOMETHING_NEW)');
  });

  it('a code is read for its side only', () => {
    expect(describeProblem('salesconnect', 'FIELD_CUSTOM_VALIDATION_EXCEPTION').title).toContain(
      '(FIELD_CUSTOM_VALIDATION_EXCEPTION)',
    );
  });
});
