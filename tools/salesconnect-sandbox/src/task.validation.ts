import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES } from './task.model';
import { isCalendarDate } from './time-zone';

/** Sales Connect holds longer names than Salesforce's 255-char Subject on purpose: the sync must cope. */
export const NAME_MAX = 500;
export const DETAILS_MAX = 64_000;

const dueDate = z.string().refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' }).nullable();

const editable = {
  name: z
    .string()
    .trim()
    .min(1, { message: 'is required' })
    .max(NAME_MAX, { message: `must be at most ${NAME_MAX} characters` }),
  details: z.string().max(DETAILS_MAX, { message: `must be at most ${DETAILS_MAX} characters` }),
  dueDate,
  priority: z.enum(TASK_PRIORITIES, { message: `must be one of ${TASK_PRIORITIES.join(', ')}` }),
  type: z.enum(TASK_TYPES, { message: `must be one of ${TASK_TYPES.join(', ')}` }),
  contactEmail: z.email({ message: 'must be an e-mail address' }).max(320).nullable(),
};

export const createTaskSchema = z.strictObject({
  ...editable,
  details: editable.details.default(''),
  dueDate: dueDate.default(null),
  priority: editable.priority.default('Normal'),
  type: editable.type.default('other'),
  contactEmail: editable.contactEmail.default(null),
  // Accepted on create so an import can bring a completed task over with its state (R2).
  status: z.enum(TASK_STATUSES, { message: `must be one of ${TASK_STATUSES.join(', ')}` }).default('Open'),
});

/** Status changes go through /complete and /reopen, so PATCH cannot set it. */
export const updateTaskSchema = z.strictObject({
  name: editable.name.optional(),
  details: editable.details.optional(),
  dueDate: dueDate.optional(),
  priority: editable.priority.optional(),
  type: editable.type.optional(),
  contactEmail: editable.contactEmail.optional(),
});

export const listTasksQuerySchema = z.strictObject({
  status: z.enum(TASK_STATUSES, { message: `must be one of ${TASK_STATUSES.join(', ')}` }).optional(),
  dueFrom: z.string().refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' }).optional(),
  dueTo: z.string().refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' }).optional(),
  updatedSince: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' }).optional(),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be an integer' })
    .min(1, { message: 'must be at least 1' })
    .max(200, { message: 'must be at most 200' })
    .default(50),
  cursor: z.string().optional(),
  /** Only these tasks (comma-separated ids, at most 200): how an integration re-reads the tasks it holds. */
  ids: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    )
    .refine((ids) => ids.length >= 1 && ids.length <= 200, { message: 'must name 1 to 200 task ids, comma-separated' })
    .optional(),
  /** `true`: deleted tasks are listed too, as tombstones with `deletedAt` (as long as Sales Connect keeps them). */
  includeDeleted: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
});

export type CreateTaskInput = z.output<typeof createTaskSchema>;
export type UpdateTaskInput = z.output<typeof updateTaskSchema>;
export type ListTasksQuery = z.output<typeof listTasksQuerySchema>;

export interface FieldError {
  field: string;
  message: string;
}

/** zod issues as `{ field, message }`, one per field problem, naming the field a client sent. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ field: key, message: 'is not a known field' }));
    const field = issue.path.map(String).join('.') || 'body';
    if (issue.code === 'invalid_type' && issue.input === undefined) return [{ field, message: 'is required' }];
    return [{ field, message: issue.message }];
  });
}

export type Validated<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] };

export function validate<S extends z.ZodType>(schema: S, input: unknown): Validated<z.output<S>> {
  // reportInput lets toFieldErrors tell a missing field from a wrong one.
  const result = schema.safeParse(input, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, fields: toFieldErrors(result.error) };
}
