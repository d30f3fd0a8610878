import {
  checkValidationRules,
  newValidationRule,
  ValidationRuleError,
  violatesRule,
  type ValidationRule,
} from './validation-rules';

const rule = (input: Record<string, unknown>): ValidationRule =>
  newValidationRule.parse({ name: 'R', message: 'no', ...input });
const TODAY = '2026-11-24';

describe('validation rules (the error condition fires the rule)', () => {
  it.each([
    [{ field: 'Subject', condition: 'isBlank' }, { Subject: null }, true],
    [{ field: 'Subject', condition: 'isBlank' }, { Subject: '' }, true],
    [{ field: 'Subject', condition: 'isBlank' }, { Subject: 'x' }, false],
    [{ field: 'Subject', condition: 'isBlank' }, {}, true],
    [{ field: 'Description', condition: 'notBlank' }, { Description: 'x' }, true],
    [{ field: 'Description', condition: 'notBlank' }, { Description: null }, false],
    [{ field: 'Priority', condition: 'equals', value: 'High' }, { Priority: 'High' }, true],
    // Formula text compares are case-sensitive.
    [{ field: 'Priority', condition: 'equals', value: 'High' }, { Priority: 'high' }, false],
    [{ field: 'WhoId', condition: 'equals', value: null }, { WhoId: null }, true],
    [{ field: 'Priority', condition: 'notEquals', value: 'Normal' }, { Priority: 'Low' }, true],
    [{ field: 'IsReminderSet', condition: 'equals', value: true }, { IsReminderSet: true }, true],
    [{ field: 'Subject', condition: 'maxLength', value: 3 }, { Subject: 'abcd' }, true],
    [{ field: 'Subject', condition: 'maxLength', value: 3 }, { Subject: 'abc' }, false],
    [{ field: 'Subject', condition: 'maxLength', value: 3 }, { Subject: null }, false],
    [{ field: 'ActivityDate', condition: 'dateBefore', value: 'TODAY' }, { ActivityDate: '2026-11-23' }, true],
    [{ field: 'ActivityDate', condition: 'dateBefore', value: 'TODAY' }, { ActivityDate: TODAY }, false],
    // A blank date makes the formula null: no error.
    [{ field: 'ActivityDate', condition: 'dateBefore', value: 'TODAY' }, { ActivityDate: null }, false],
    [{ field: 'ActivityDate', condition: 'dateAfter', value: '2026-12-31' }, { ActivityDate: '2027-01-01' }, true],
  ])('%j on %j: %s', (input, record, fires) => {
    expect(violatesRule(rule(input), record, TODAY)).toBe(fires);
  });

  it.each([
    [{ field: 'Priority', condition: 'equals' }, /equals needs a value/],
    [{ field: 'Subject', condition: 'maxLength', value: '3' }, /whole number/],
    [{ field: 'ActivityDate', condition: 'dateBefore', value: 'tomorrow' }, /YYYY-MM-DD/],
    [{ field: 'Subject', condition: 'matches' }, /condition/],
  ])('a rule %j is refused', (input, message) => {
    const parsed = newValidationRule.safeParse({ name: 'R', message: 'no', ...input });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.message).toMatch(message);
  });

  it('every active rule the record fails is answered, in definition order, with its errorField', () => {
    const rules = [
      rule({ name: 'A', field: 'Subject', condition: 'isBlank', message: 'Subject please', errorField: 'Subject' }),
      rule({ name: 'B', field: 'Priority', condition: 'equals', value: 'Low', message: 'not Low', active: false }),
      rule({ name: 'C', field: 'Priority', condition: 'equals', value: 'Low', message: 'really not Low' }),
    ];
    let error: unknown;
    try {
      checkValidationRules(rules, { Subject: null, Priority: 'Low' }, () => TODAY);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationRuleError);
    const failure = error as ValidationRuleError;
    expect(failure.status).toBe(400);
    expect(failure.toBody()).toEqual([
      { message: 'Subject please', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Subject'] },
      { message: 'really not Low', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' },
    ]);
    expect(failure.toRecordErrors()).toEqual([
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Subject please', fields: ['Subject'] },
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'really not Low', fields: [] },
    ]);
    expect(() => checkValidationRules(rules, { Subject: 'x', Priority: 'High' }, () => TODAY)).not.toThrow();
  });
});
