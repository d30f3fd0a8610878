import { z } from 'zod';
import type { Fields, FieldValue } from '../sandbox-records';
import { isValidDate } from '../sfdc-datetime';
import { SfdcError } from '../sfdc-error';

/**
 * The error conditions a rule can state, each a one-function Salesforce formula on one field:
 * isBlank = ISBLANK(f), equals = f = v, maxLength = LEN(f) > v, dateBefore = f < v (v a date or TODAY).
 */
export const RULE_CONDITIONS = [
  'isBlank',
  'notBlank',
  'equals',
  'notEquals',
  'maxLength',
  'dateBefore',
  'dateAfter',
] as const;

export const newValidationRule = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'name: letters, digits and underscores, a letter first')
      .max(40),
    field: z.string().min(1),
    condition: z.enum(RULE_CONDITIONS),
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    message: z.string().min(1).max(255),
    errorField: z.string().min(1).optional(),
    active: z.boolean().default(true),
  })
  .superRefine((rule, issues) => {
    const needs = (ok: boolean, what: string) => {
      if (!ok) issues.addIssue({ code: 'custom', path: ['value'], message: `${rule.condition} needs ${what}` });
    };
    if (rule.condition === 'equals' || rule.condition === 'notEquals') needs(rule.value !== undefined, 'a value');
    if (rule.condition === 'maxLength')
      needs(typeof rule.value === 'number' && Number.isInteger(rule.value) && rule.value >= 0, 'a whole number value');
    if (rule.condition === 'dateBefore' || rule.condition === 'dateAfter')
      needs(
        rule.value === 'TODAY' || (typeof rule.value === 'string' && isValidDate(rule.value)),
        "a YYYY-MM-DD value or 'TODAY'",
      );
  });

/** A rule as the org keeps it: field names spelled as the schema spells them. */
export type ValidationRule = z.infer<typeof newValidationRule>;

// ISBLANK: null, or text with nothing in it.
const isBlank = (v: FieldValue | undefined): boolean => v === null || v === undefined || v === '';

/** Whether the record meets the rule's error condition; `today` is the writer's date (TODAY()). */
export function violatesRule(rule: ValidationRule, record: Fields, today: string): boolean {
  const v = record[rule.field];
  switch (rule.condition) {
    case 'isBlank':
      return isBlank(v);
    case 'notBlank':
      return !isBlank(v);
    case 'equals':
      return (v ?? null) === rule.value;
    case 'notEquals':
      return (v ?? null) !== rule.value;
    case 'maxLength':
      return typeof v === 'string' && v.length > (rule.value as number);
    case 'dateBefore':
    case 'dateAfter': {
      // A blank date makes the formula null, which does not fire the rule.
      if (typeof v !== 'string') return false;
      const bound = rule.value === 'TODAY' ? today : (rule.value as string);
      return rule.condition === 'dateBefore' ? v < bound : v > bound;
    }
  }
}

/** FIELD_CUSTOM_VALIDATION_EXCEPTION with every failed rule: Salesforce checks them all and answers all. */
export class ValidationRuleError extends SfdcError {
  constructor(readonly failed: readonly ValidationRule[]) {
    super(
      400,
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      failed[0].message,
      failed[0].errorField ? [failed[0].errorField] : undefined,
    );
  }

  override toBody(): { message: string; errorCode: string; fields?: string[] }[] {
    return this.failed.map((r) => ({
      message: r.message,
      errorCode: this.errorCode,
      ...(r.errorField ? { fields: [r.errorField] } : {}),
    }));
  }

  override toRecordErrors(): { statusCode: string; message: string; fields: string[] }[] {
    return this.failed.map((r) => ({
      statusCode: this.errorCode,
      message: r.message,
      fields: r.errorField ? [r.errorField] : [],
    }));
  }
}

/** Runs the active rules in definition order; throws with every rule the record fails. */
export function checkValidationRules(rules: readonly ValidationRule[], record: Fields, today: () => string): void {
  if (rules.length === 0) return;
  const day = today();
  const failed = rules.filter((r) => r.active && violatesRule(r, record, day));
  if (failed.length > 0) throw new ValidationRuleError(failed);
}
