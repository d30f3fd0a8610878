import { CONNECTION_READINESS_STATES } from '@task-sync/sync-rules';

/** The schemas and paths of the import preview, the delete-window watchdog and the admin view (issue 23, C–E). */

type Schema = Record<string, unknown>;
interface Shared {
  ok: (schema: object) => object;
  errors: (...codes: number[]) => object;
  idParam: object[];
  orgIdParam: object[];
  orgReader: Schema;
  readMode: Schema;
  adminOnly: string;
}

const OWNER_OR_ADMIN = "The connection's owner, or an admin (JWT_ADMIN_ROLE) of its tenant; anyone else gets 404.";

/** R5 watchdog (decideDeleteWindow in libs/sync/rules). */
export const deleteWindowSchema = {
  type: ['object', 'null'],
  description:
    'R5 watchdog: null while enabled or before the first enable. While a connection that synced before is disabled: closesAt = disabledAt + 15 days, after which Salesforce deletions made early in the disabled period no longer reach Sales Connect on re-enable; warning from closesAt - 3 days (inclusive, and on once closed); closed strictly after closesAt',
  required: ['disabledAt', 'closesAt', 'warning', 'closed'],
  properties: {
    disabledAt: { type: 'string', format: 'date-time' },
    closesAt: { type: 'string', format: 'date-time' },
    warning: { type: 'boolean' },
    closed: { type: 'boolean' },
  },
};

const pageParams = [
  { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
];

const page = (items: object) => ({
  type: 'object',
  required: ['items', 'total', 'nextOffset'],
  properties: {
    items: { type: 'array', items },
    total: { type: 'integer' },
    nextOffset: { type: ['integer', 'null'], description: 'Where the next page starts; null on the last' },
  },
});

export const apiUsageOverWindowSchema = {
  type: 'object',
  description:
    "The sync's own Salesforce calls in the org over the rolling 24 hours (API_CALLS_WINDOW_SECONDS), against its allocation, by bucket of API_CALLS_BUCKET_SECONDS (5 min by default), oldest first, empty buckets 0",
  properties: {
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
};

export function previewAndAdminPaths(s: Shared): Record<string, object> {
  const rep = {
    type: 'object',
    properties: {
      connectionId: { type: 'string', format: 'uuid' },
      userId: { type: 'string', description: 'The Sales Connect user' },
      sfdcUsername: { type: 'string' },
      state: {
        type: 'string',
        description: `As the rep's status says it: idle, importing, syncing, paused-api-limit, unauthorized, setup-required, error, or a preflight state that pauses it (${CONNECTION_READINESS_STATES.filter((x) => x !== 'ready').join(', ')})`,
      },
      readMode: s.readMode,
      taskSyncEnabled: { type: 'boolean' },
      openProblems: { type: 'integer', description: 'Tasks whose write to a side failed and is not settled' },
      lastSyncAt: { type: ['string', 'null'], format: 'date-time' },
      deleteWindow: deleteWindowSchema,
    },
  };
  return {
    '/v1/connections/{id}/import-preview': {
      get: {
        summary: `"Sync tasks" before the first Save: what the enable would import now (R2), read as the rep with the import's own selection (queryAll; OwnerId = the rep; SystemModstamp in the 24 hours before now; live tasks, no recurring series master): one COUNT() and one query of 20, two Salesforce calls counted against the org's allocation. Nothing is imported or written. ${OWNER_OR_ADMIN}`,
        parameters: s.idParam,
        responses: {
          200: s.ok({
            type: 'object',
            properties: {
              windowStart: { type: 'string', format: 'date-time' },
              windowEnd: { type: 'string', format: 'date-time', description: 'Now, to the whole second' },
              count: { type: 'integer' },
              tasks: {
                type: 'array',
                maxItems: 20,
                description: 'Newest change first',
                items: {
                  type: 'object',
                  properties: {
                    sfdcTaskId: { type: 'string' },
                    subject: { type: ['string', 'null'] },
                    status: { type: ['string', 'null'] },
                    activityDate: { type: ['string', 'null'], format: 'date' },
                    lastModifiedDate: { type: 'string', format: 'date-time' },
                    salesforceUrl: {
                      type: 'string',
                      format: 'uri',
                      description: '{instanceUrl}/lightning/r/Task/{id}/view',
                    },
                  },
                },
              },
              salesConnectTasksSent: {
                const: false,
                description: 'R3: no Sales Connect task that exists before the enable is sent to Salesforce',
              },
            },
          }),
          409: {
            description:
              "The preview could not be read: SALESFORCE_SETUP_INCOMPLETE (the connection's preflight pauses it; `state` and the advice), SALESFORCE_REAUTHORIZATION_REQUIRED / SALESFORCE_NOT_CONNECTED (connect again), SALESFORCE_REFUSED (Salesforce refused the query: its `code` and message, and the connection's `setup`), API_ALLOCATION_REACHED (the org's allocation is spent)",
          },
          502: { description: 'SALESFORCE_UNAVAILABLE: Salesforce (or its token endpoint) did not answer; try again' },
          ...s.errors(401, 404, 429),
        },
      },
    },
    '/v1/admin/orgs': {
      get: {
        summary: `The tenant's Salesforce orgs (those it has connections in or holds the reader of), each with its reader, the sync's API usage over 24 hours and the first page of its reps (\`limit\` sizes it). ${s.adminOnly}`,
        parameters: [pageParams[1]],
        responses: {
          200: s.ok({
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    orgId: { type: 'string' },
                    reader: {
                      ...s.orgReader,
                      type: ['object', 'null'],
                      description: "The tenant's reader of the org (null: none)",
                    },
                    apiUsage: apiUsageOverWindowSchema,
                    reps: page(rep),
                  },
                },
              },
            },
          }),
          ...s.errors(400, 401, 403, 429),
        },
      },
    },
    '/v1/admin/orgs/{orgId}/reps': {
      get: {
        summary: `A page of the org's reps (the tenant's connections in it), by Salesforce username. An org the tenant has nothing in: 404 ORG_NOT_FOUND. ${s.adminOnly}`,
        parameters: [...s.orgIdParam, ...pageParams],
        responses: { 200: s.ok(page(rep)), ...s.errors(400, 401, 403, 404, 429) },
      },
    },
  };
}
