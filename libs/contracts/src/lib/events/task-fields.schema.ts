import { z } from 'zod';
import { isCalendarDate, type CalendarDate } from '@task-sync/task-domain';

/** `YYYY-MM-DD`, a real calendar date, carried as text (never a Date). */
export const calendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'expected a calendar date YYYY-MM-DD' })
  .transform((s) => s as CalendarDate);

/** The synced fields of a task (TaskFields in @task-sync/task-domain). */
export const taskFieldsSchema = z
  .object({
    title: z.string(),
    details: z.string(),
    dueDate: calendarDateSchema.nullable(),
    open: z.boolean(),
    priority: z.enum(['normal', 'high']).nullable(),
    type: z.enum(['call', 'email', 'other']),
    contactEmail: z.string().nullable(),
  })
  .strict();
