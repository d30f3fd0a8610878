import { z } from 'zod';
import { isCalendarDate, type CalendarDate, type SalesConnectTask } from '@task-sync/task-domain';

/** Not strict: a field the vendor adds later is dropped, not a failure; a field we use that is wrong is. */
export const salesConnectTaskSchema = z.object({
  id: z.string().min(1),
  ownerId: z.string().min(1),
  name: z.string(),
  details: z.string(),
  dueDate: z
    .string()
    .refine(isCalendarDate, { message: 'expected a calendar date YYYY-MM-DD' })
    .transform((s) => s as CalendarDate)
    .nullable(),
  status: z.enum(['Open', 'Complete']),
  priority: z.enum(['Normal', 'High']),
  type: z.enum(['call', 'email', 'other']),
  contactEmail: z.string().nullable(),
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  createdBy: z.string(),
  lastModifiedBy: z.string(),
  deletedAt: z.iso.datetime().optional(),
}) satisfies z.ZodType<SalesConnectTask>;

export const SALESCONNECT_CHANGE_TYPES = ['created', 'updated', 'completed', 'reopened', 'deleted'] as const;
export type SalesConnectChangeType = (typeof SALESCONNECT_CHANGE_TYPES)[number];

/** One entry of the change feed, and the body of a webhook delivery (the same JSON). */
export const salesConnectChangeSchema = z.object({
  /** Opaque: pass it back as `?cursor=` to read what came after this change. */
  cursor: z.string().min(1),
  /** One monotonic sequence over every user's changes. */
  sequence: z.number().int().positive(),
  type: z.enum(SALESCONNECT_CHANGE_TYPES),
  taskId: z.string().min(1),
  /** The Sales Connect account (tenant) of the task's owner: a user is matched by tenant and user id. */
  tenantId: z.string().min(1),
  userId: z.string().min(1),
  occurredAt: z.iso.datetime(),
  /** The app that made the write (`X-Client-App`). */
  origin: z.string().min(1),
  changedFields: z.array(z.string()).optional(),
  /** The task after the change; for `deleted` a tombstone with `deletedAt`. */
  task: salesConnectTaskSchema,
});

export type SalesConnectChange = z.infer<typeof salesConnectChangeSchema>;

export const changesPageSchema = z.object({
  changes: z.array(salesConnectChangeSchema),
  nextCursor: z.string().min(1),
});

export type ChangesPage = z.infer<typeof changesPageSchema>;

export const webhookSubscriptionSchema = z.object({
  id: z.string().min(1),
  url: z.string().min(1),
  /** null: every user's changes (an app-level subscription). */
  userId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhookDeliverySchema = z.object({
  id: z.string().min(1),
  subscriptionId: z.string().min(1),
  url: z.string(),
  userId: z.string(),
  changeCursor: z.string(),
  changeType: z.enum(SALESCONNECT_CHANGE_TYPES),
  taskId: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'dropped']),
  attempts: z.array(
    z.object({
      at: z.string(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number(),
    }),
  ),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});

export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** Describes zod issues as `path: message; …`, for error messages and logs. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
