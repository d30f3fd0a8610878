import { z } from 'zod';
import type { Fields, FieldValue } from '../sandbox-records';

/**
 * A before-save trigger on Task, reduced to one field edit: `set` a fixed value, or
 * `set: 'appendSuffix'` to append `suffix` to what the write left there.
 */
export const taskTriggerInput = z
  .object({
    field: z.string().min(1),
    set: z.union([z.string(), z.boolean(), z.null()]),
    suffix: z.string().min(1).optional(),
  })
  .refine((t) => t.set !== 'appendSuffix' || t.suffix !== undefined, {
    message: "set: 'appendSuffix' needs a suffix",
    path: ['suffix'],
  });

export type TaskTrigger = z.infer<typeof taskTriggerInput>;

/** The field's value after the trigger ran on a record about to be saved. */
export function triggeredValue(trigger: TaskTrigger, record: Fields): FieldValue {
  if (trigger.set !== 'appendSuffix') return trigger.set;
  const current = record[trigger.field];
  // Apex would write "null" + suffix for an empty field; a blank is more useful to the echo tests.
  return `${typeof current === 'string' ? current : ''}${trigger.suffix as string}`;
}
