import { z } from 'zod';
import { failedTaskSelectionSchema } from './task-health.schemas';

type Helpers = { ok: (schema: object) => object; errors: (...codes: number[]) => object; idParam: object[] };

const ACCESS =
  "The connection's owner, or a user of the same tenant with the admin role (JWT_ADMIN_ROLE); anyone else gets 404.";
const side = { enum: ['sfdc', 'salesconnect'] };
const nullableString = { type: ['string', 'null'] };
const page = [
  { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
];
const groupFilter = [
  {
    name: 'code',
    in: 'query',
    required: false,
    schema: { type: 'string' },
    description: "The other side's error code",
  },
  { name: 'side', in: 'query', required: false, schema: side, description: 'The side the write goes to' },
];
const links = {
  salesforceUrl: {
    ...nullableString,
    description: "The task in Salesforce Lightning on the rep's instance; null until it exists there",
  },
  salesConnectUrl: {
    ...nullableString,
    description: 'The task in Sales Connect (SALESCONNECT_APP_TASK_URL_TEMPLATE); null until it exists there',
  },
};
const paged = (item: object) => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: item },
    total: { type: 'integer' },
    nextOffset: { type: ['integer', 'null'], description: 'The offset of the next page; null on the last one' },
  },
});
const task = {
  type: 'object',
  properties: {
    linkId: { type: 'string', format: 'uuid' },
    subject: nullableString,
    salesConnectTaskId: nullableString,
    sfdcTaskId: nullableString,
    ...links,
    lastEventAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const failedTask = {
  type: 'object',
  properties: {
    linkId: { type: 'string', format: 'uuid', description: 'The pair: what Retry now, Ignore and the timeline name' },
    side: { ...side, description: 'The side the write goes to' },
    subject: nullableString,
    salesConnectTaskId: nullableString,
    sfdcTaskId: { ...nullableString, description: 'null for a create that never landed' },
    ...links,
    kind: { enum: ['create', 'update', 'delete'] },
    code: {
      type: 'string',
      description: "The other side's error code, e.g. FIELD_CUSTOM_VALIDATION_EXCEPTION, or WRITE_RETRIES_EXHAUSTED",
    },
    reason: { type: 'string', description: "The other side's own message" },
    attempts: { type: 'integer', description: 'Failed attempts so far (a change of the task starts a new count)' },
    firstFailedAt: { type: 'string', format: 'date-time' },
    nextRetryAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'null: the retries ran out; a change of the task tries again',
    },
  },
};
const accepted = {
  type: 'object',
  properties: { accepted: { type: 'integer', description: 'How many failed writes it applied to' } },
};

/** The sync-health routes' OpenAPI paths (GET /v1/connections/{id}/problems, …). */
export function taskHealthPaths({ ok, errors, idParam }: Helpers): Record<string, object> {
  const selection = {
    required: true,
    content: { 'application/json': { schema: z.toJSONSchema(failedTaskSelectionSchema) } },
  };
  const linkParam = { name: 'linkId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  return {
    '/v1/connections/{id}/problems': {
      get: {
        summary: `Open problems: the connection's failed tasks (ignored ones left out) grouped by side and error code, in plain words, with the latest one's own message. ${ACCESS}`,
        parameters: idParam,
        responses: {
          200: ok({
            type: 'object',
            properties: {
              groups: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    side,
                    title: { type: 'string', description: 'What went wrong, in plain words' },
                    advice: { type: 'string', description: 'What to do' },
                    message: {
                      type: 'string',
                      description: "Salesforce's or Sales Connect's own message (the latest failure of the group)",
                    },
                    count: { type: 'integer' },
                  },
                },
              },
              total: { type: 'integer', description: 'Failed tasks in all groups' },
            },
          }),
          ...errors(401, 404, 429),
        },
      },
    },
    '/v1/connections/{id}/failed-tasks': {
      get: {
        summary: `Open tasks the sync could not write to one side (a validation rule, a lock, a permission), oldest failure first: each is tried again automatically every FAILED_WRITE_RETRY_INTERVAL_MS (30 min) up to FAILED_WRITE_MAX_ATTEMPTS (48); it leaves the list when a write of the task lands, or when ignored. ${ACCESS}`,
        parameters: [...idParam, ...groupFilter, ...page],
        responses: { 200: ok(paged(failedTask)), ...errors(400, 401, 404, 429) },
      },
    },
    '/v1/connections/{id}/failed-tasks.csv': {
      get: {
        summary: `Every matching open failed task as a CSV attachment (subject, side, code, problem, message, attempts, times, both ids and links). ${ACCESS}`,
        parameters: [...idParam, ...groupFilter],
        responses: {
          200: { description: 'OK', content: { 'text/csv': { schema: { type: 'string' } } } },
          ...errors(400, 401, 404, 429),
        },
      },
    },
    '/v1/connections/{id}/failed-tasks/retry': {
      post: {
        summary: `Retry now: the named failed tasks (\`{ items: [{ linkId, side }] }\`) or a whole group (\`{ code, side }\`) are written again at once, not at their next retry. ${ACCESS}`,
        parameters: idParam,
        requestBody: selection,
        responses: {
          202: { description: 'Accepted', content: { 'application/json': { schema: accepted } } },
          ...errors(400, 401, 404, 429, 503),
        },
      },
    },
    '/v1/connections/{id}/failed-tasks/ignore': {
      post: {
        summary: `Ignore: the named failed tasks (or a group) are no longer retried and leave the problems list; a later change of the task syncs as usual. ${ACCESS}`,
        parameters: idParam,
        requestBody: selection,
        responses: {
          202: { description: 'Accepted', content: { 'application/json': { schema: accepted } } },
          ...errors(400, 401, 404, 429, 503),
        },
      },
    },
    '/v1/connections/{id}/conflicts': {
      get: {
        summary: `Conflicts (both sides changed a field since the last sync; the later change won), newest first. ${ACCESS}`,
        parameters: [...idParam, ...page],
        responses: {
          200: ok(
            paged({
              type: 'object',
              properties: {
                linkId: { type: ['string', 'null'], format: 'uuid' },
                subject: nullableString,
                salesConnectTaskId: nullableString,
                sfdcTaskId: nullableString,
                ...links,
                field: { type: 'string' },
                salesConnectValue: {},
                sfdcValue: {},
                salesConnectChangedAt: { type: ['string', 'null'], format: 'date-time' },
                sfdcChangedAt: { type: ['string', 'null'], format: 'date-time' },
                winner: side,
                decidedAt: { type: 'string', format: 'date-time' },
              },
            }),
          ),
          ...errors(400, 401, 404, 429, 503),
        },
      },
    },
    '/v1/connections/{id}/api-usage': {
      get: {
        summary: `The sync's own Salesforce calls in the connection's org over the last 24 hours, by bucket (API_CALLS_BUCKET_SECONDS), oldest first, empty buckets 0; against the org's allocation. ${ACCESS}`,
        parameters: idParam,
        responses: {
          200: ok({
            type: 'object',
            properties: {
              orgId: { type: 'string' },
              used: { type: 'integer' },
              allocated: { type: ['integer', 'null'] },
              buckets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { start: { type: 'string', format: 'date-time' }, calls: { type: 'integer' } },
                },
              },
            },
          }),
          ...errors(401, 404, 429),
        },
      },
    },
    '/v1/connections/{id}/tasks': {
      get: {
        summary: `Find a synced task by name (a case-insensitive part of its subject, now or on any event kept) or by either side's id (exact); an empty q lists them all, the latest event first. ${ACCESS}`,
        parameters: [
          ...idParam,
          { name: 'q', in: 'query', required: false, schema: { type: 'string', maxLength: 255 } },
          ...page,
        ],
        responses: { 200: ok(paged(task)), ...errors(400, 401, 404, 429, 503) },
      },
    },
    '/v1/connections/{id}/tasks/{linkId}/timeline': {
      get: {
        summary: `Every event about the task, oldest first (kept TASK_ACTIVITY_RETENTION_DAYS, 30): changes read from either side (origin import, re-enable, live, drift, resync, held-write-read; detail.echo for our own write coming back), decisions and the rule's reason, writes and their outcome with the other side's code and message, conflicts, retries, dead letters, ignores, resyncs. ${ACCESS}`,
        parameters: [...idParam, linkParam, ...page],
        responses: {
          200: ok({
            type: 'object',
            properties: {
              task,
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    at: { type: 'string', format: 'date-time' },
                    kind: {
                      enum: ['read', 'decision', 'write', 'conflict', 'retry', 'dead-letter', 'ignored', 'resync'],
                    },
                    side: { type: ['string', 'null'], enum: ['sfdc', 'salesconnect', null] },
                    origin: nullableString,
                    summary: { type: 'string' },
                    reason: nullableString,
                    outcome: {
                      ...nullableString,
                      description:
                        'write: ok, failed, retrying; decision: sync, ignore, link, unlink; conflict: the winner',
                    },
                    code: nullableString,
                    detail: { type: ['object', 'null'] },
                  },
                },
              },
              total: { type: 'integer' },
              nextOffset: { type: ['integer', 'null'] },
            },
          }),
          ...errors(400, 401, 404, 429, 503),
        },
      },
    },
    '/v1/connections/{id}/tasks/{linkId}/resync': {
      post: {
        summary: `Resync this task: both sides are read now and the conflict rule applied (the drift repair of this pair); what it found is on the timeline. outcome: in-sync, repaired, unlinked, or skipped:<reason> (writes-queued, sync-disabled, not-paired, …). ${ACCESS}`,
        parameters: [...idParam, linkParam],
        responses: {
          200: ok({
            type: 'object',
            properties: {
              outcome: { type: 'string' },
              differences: {
                type: 'array',
                items: { type: 'string' },
                description: 'The fields that differed, or the side gone',
              },
            },
          }),
          ...errors(401, 404, 429, 503),
        },
      },
    },
  };
}
