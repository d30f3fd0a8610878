import { CONNECTION_READINESS_STATES } from '@task-sync/sync-rules';
import { z } from 'zod';
import { setApiAllocationBodySchema } from '../api-allocation/api-allocation.schemas';
import { saveTaskSyncBodySchema, startConnectBodyObjectSchema } from '../connections/api.schemas';
import { deleteWindowSchema, previewAndAdminPaths } from './openapi-preview-admin';
import { taskHealthPaths } from '../task-health/task-health.openapi';

const error = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', example: 'VALIDATION_FAILED' },
    message: { type: 'string' },
    fields: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};
const taskSync = {
  type: 'object',
  properties: { enabled: { type: 'boolean' }, firstEnabledAt: { type: ['string', 'null'], format: 'date-time' } },
};
const orgStream = {
  type: ['object', 'null'],
  description:
    "The org's change stream as sfdc-ingest last reported it (null before its first report); while `down` or `retrying` the org is polled every `pollEveryMs`",
  properties: {
    state: { enum: ['streaming', 'retrying', 'down', 'stopped'] },
    reason: { type: 'string' },
    since: { type: 'string', format: 'date-time' },
    pollEveryMs: { type: 'integer' },
    retryAt: { type: 'string', format: 'date-time' },
  },
};
const BLOCKING_STATES = CONNECTION_READINESS_STATES.filter((state) => state !== 'ready');

/** A connection's preflight (ConnectionSetupView). */
const setup = {
  type: 'object',
  description:
    "The connection's last conclusive preflight: whether its rep can sync in their org, and what to do if not",
  properties: {
    state: { type: 'string', enum: [...CONNECTION_READINESS_STATES] },
    paused: {
      type: 'boolean',
      description: "True while the state pauses the connection's reads and writes (every state but ready)",
    },
    advice: { type: 'string', description: 'What is wrong and what to do about it, as the settings page says it' },
    detail: { type: ['string', 'null'], description: 'What Salesforce said, when it adds to the advice' },
    checkedAt: { type: 'string', format: 'date-time' },
  },
};

const readMode = {
  type: 'object',
  description:
    "How the connection's Salesforce changes are read: `org-stream` when its org has a connected reader whose last preflight passed (`reader` names it), else `per-rep-polling` with the rep's own session; `reason` says why",
  required: ['mode', 'reason'],
  properties: {
    mode: { enum: ['org-stream', 'per-rep-polling'] },
    reader: { type: 'string' },
    reason: { type: 'string' },
    stream: orgStream,
  },
};
const connection = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    timeZone: { type: 'string', example: 'America/Los_Angeles' },
    salesforce: {
      type: 'object',
      properties: {
        orgId: { type: 'string' },
        userId: { type: 'string' },
        username: { type: 'string' },
        instanceUrl: {
          type: 'string',
          description:
            'Where its API calls go; follows Salesforce when a token refresh names another (an org migration, a My Domain change)',
        },
        environment: {
          type: 'string',
          enum: ['production', 'sandbox', 'my-domain'],
          description: 'Where the user signs in; the grant is refreshed there',
        },
        loginHost: {
          type: 'string',
          example: 'test.salesforce.com',
          description: 'login.salesforce.com, test.salesforce.com, or the My Domain host',
        },
      },
    },
    taskSync,
    readMode,
    createdAt: { type: 'string', format: 'date-time' },
  },
};
const preflight = {
  type: ['object', 'null'],
  description: "The reader's last preflight; null until it first ran. `passed` when every item is ok",
  properties: {
    passed: { type: 'boolean' },
    checkedAt: { type: 'string', format: 'date-time' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { enum: ['view-all-data', 'task-change-data-capture', 'external-id-field'] },
          label: { type: 'string' },
          state: { enum: ['ok', 'missing'] },
          message: {
            type: 'string',
            description: 'What was found; for a missing item, what an administrator does about it',
          },
        },
      },
    },
  },
};
const orgReader = {
  type: 'object',
  properties: {
    orgId: { type: 'string', example: '00D000000000001AAA' },
    sfdcUserId: { type: 'string' },
    sfdcUsername: { type: 'string' },
    instanceUrl: { type: 'string' },
    connectedByUserId: { type: 'string', description: 'The admin who connected it' },
    connected: { type: 'boolean', description: 'False once Salesforce refused the grant: connect the reader again' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    preflight,
    stream: orgStream,
    connectedAt: { type: 'string', format: 'date-time' },
  },
};
const apiAllocation = {
  type: 'object',
  description:
    "The sync's own Salesforce calls in an org (reads and writes, every replica) over a rolling 24 hours, and the allocation they count against",
  properties: {
    orgId: { type: 'string', example: '00D000000000001AAA' },
    used: { type: 'integer' },
    allocated: {
      type: ['integer', 'null'],
      description:
        "Reaching it pauses the org's reads and writes (state paused-api-limit) until the window frees calls; null until set or until the org's limit was read",
    },
    source: {
      enum: ['admin', 'default', 'none'],
      description:
        'Set by an admin, or the default: API_ALLOCATION_DEFAULT_SHARE of the org limit last read from Sforce-Limit-Info',
    },
    defaultAllocated: { type: ['integer', 'null'] },
    orgUsage: {
      type: ['object', 'null'],
      description: "The org's whole usage (every integration) as the last answer's Sforce-Limit-Info said",
      properties: {
        used: { type: 'integer' },
        limit: { type: 'integer' },
        readAt: { type: 'string', format: 'date-time' },
      },
    },
  },
};
const ADMIN_ONLY =
  'Admins only: the Bearer JWT must list the role JWT_ADMIN_ROLE (default `task-sync:admin`) in the claim JWT_ROLES_CLAIM (default `roles`); others get 403 ADMIN_ROLE_REQUIRED.';
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [String(c), { description: String(c), content: { 'application/json': { schema: error } } }]),
  );
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];
const orgIdParam = [
  {
    name: 'orgId',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$' },
  },
];
const ok = (schema: object) => ({ description: 'OK', content: { 'application/json': { schema } } });

/** The API's OpenAPI 3.1 description, with request bodies generated from the same zod schemas that validate them. */
export function buildOpenApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'task-sync connector-settings',
      version: '1',
      description:
        "Every route takes the user's Bearer JWT (claims `sub`, `tenant_id`, optional `zoneinfo`). The org reader's routes also need the admin role: the JWT_ROLES_CLAIM claim (default `roles`, an array of strings or one space-separated string; a dotted path such as `realm_access.roles` reaches into an object) must list JWT_ADMIN_ROLE (default `task-sync:admin`).",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Claims: sub, tenant_id, optional zoneinfo, and roles (JWT_ROLES_CLAIM) where JWT_ADMIN_ROLE lets an admin manage the org reader',
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      ...previewAndAdminPaths({ ok, errors, idParam, orgIdParam, orgReader, readMode, adminOnly: ADMIN_ONLY }),
      '/v1/connections': {
        get: {
          summary: "The caller's connections",
          responses: {
            200: ok({ type: 'object', properties: { items: { type: 'array', items: connection } } }),
            ...errors(401, 429),
          },
        },
      },
      '/v1/connections/{id}': {
        get: {
          summary: 'One connection',
          parameters: idParam,
          responses: { 200: ok(connection), ...errors(401, 404, 429) },
        },
        delete: {
          summary: 'Disconnect: revoke the Salesforce token and delete the connection',
          parameters: idParam,
          responses: { 204: { description: 'Disconnected' }, ...errors(401, 404, 429) },
        },
      },
      '/v1/connections/{id}/preflight': {
        post: {
          summary:
            "Check again: runs the connection's preflight now, as its rep (describe of Task: the SalesConnect_Task_Id__c field, External ID, Unique, visible and writable; TaskStatus readable; Task create and edit). A state other than ready pauses the connection's reads and writes; ready resumes them. It also runs at connect and every CONNECTION_PREFLIGHT_INTERVAL_SECONDS",
          parameters: idParam,
          responses: {
            200: ok(setup),
            503: {
              description:
                'Salesforce did not answer and there is no earlier conclusive preflight (PREFLIGHT_INCONCLUSIVE)',
            },
            ...errors(401, 404, 429),
          },
        },
      },
      '/v1/connections/{id}/status': {
        get: {
          summary:
            "State (idle, importing, syncing, paused-api-limit, unauthorized, setup-required, error; while the connection's preflight pauses it, the preflight's state: " +
            `${BLOCKING_STATES.join(', ')}), import progress, last sync, errors by reason, API usage, the preflight`,
          parameters: idParam,
          responses: {
            200: ok({
              type: 'object',
              properties: {
                state: { type: 'string' },
                import: {
                  type: ['object', 'null'],
                  properties: {
                    found: { type: 'integer' },
                    imported: { type: 'integer' },
                    failed: { type: 'integer' },
                    done: { type: 'boolean' },
                  },
                },
                lastSyncedAt: { type: ['string', 'null'], format: 'date-time' },
                apiUsage: {
                  type: ['object', 'null'],
                  properties: { used: { type: 'integer' }, limit: { type: 'integer' } },
                },
                apiAllocation: {
                  type: 'object',
                  description:
                    "API calls today: the sync's own calls in the connection's org over the rolling 24 hours, and the org's allocation (null: none yet)",
                  properties: { used: { type: 'integer' }, allocated: { type: ['integer', 'null'] } },
                },
                recentErrors: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      code: { type: 'string' },
                      count: { type: 'integer' },
                      lastMessage: { type: 'string' },
                      lastAt: { type: 'string' },
                    },
                  },
                },
                readMode,
                setup: { ...setup, type: ['object', 'null'] },
                deleteWindow: deleteWindowSchema,
              },
            }),
            ...errors(401, 404, 429),
          },
        },
      },
      ...taskHealthPaths({ ok, errors, idParam }),
      '/v1/salesforce/connect': {
        post: {
          summary:
            'Start connecting Salesforce, or reconnecting: stores a single-use attempt (PKCE verifier kept here), sets the HttpOnly connect cookie that binds it to this browser; send the browser to authorizeUrl. A user has one connection: signing in as its Salesforce user again reconnects it in place (the grant replaced, the old refresh token revoked; id, links, setting history and sync state kept: no enable, no import). Signing in as another Salesforce user or org is refused (the callback lands on ?error=other_salesforce_account) unless this call carried {"startOver": true}: then the old connection is disconnected as DELETE /v1/connections/{id} does and the new one starts fresh. environment picks where the user signs in (production, sandbox, or my-domain with myDomain); a myDomain that is not a Salesforce My Domain host is 400 INVALID_MY_DOMAIN',
          requestBody: {
            required: false,
            content: { 'application/json': { schema: z.toJSONSchema(startConnectBodyObjectSchema) } },
          },
          responses: {
            200: ok({ type: 'object', properties: { authorizeUrl: { type: 'string', format: 'uri' } } }),
            ...errors(400, 401, 429),
          },
        },
      },
      '/v1/salesforce/oauth/callback': {
        get: {
          summary:
            "Salesforce's redirect back (no Bearer token: the signed state names the attempt, which must be unused, unexpired and this browser's, by its connect cookie)",
          security: [],
          parameters: ['code', 'state', 'error'].map((name) => ({
            name,
            in: 'query',
            required: name === 'state',
            schema: { type: 'string' },
          })),
          responses: {
            302: {
              description:
                "To the settings page, with ?connected=<connection id> (and &reconnected=1 when the user's connection was reconnected in place), ?orgReader=<org id> (an org reader's attempt, its preflight run) or ?error=<reason>. ?error=other_salesforce_account&connectedAs=<username>&offeredAs=<username>: the user signed in as another Salesforce user or org than their connection's without the start-over confirmation; nothing changed and the new grant was revoked",
            },
            400: {
              description:
                'An HTML page saying why nothing was connected: INVALID_STATE, UNKNOWN_STATE, STATE_ALREADY_USED, STATE_EXPIRED, OTHER_BROWSER, OTHER_USER or MISSING_CODE (in data-code)',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
            409: {
              description:
                "An org reader's attempt for an org whose reader another tenant holds: an HTML page (data-code ORG_READER_HELD_ELSEWHERE); the new grant is revoked",
              content: { 'text/html': { schema: { type: 'string' } } },
            },
            ...errors(429),
          },
        },
      },
      '/v1/salesforce/org-reader': {
        get: {
          summary: `The readers of the tenant's Salesforce orgs (one integration user per org reads the org's changes), each with its last preflight. ${ADMIN_ONLY}`,
          responses: {
            200: ok({ type: 'object', properties: { items: { type: 'array', items: orgReader } } }),
            ...errors(401, 403, 429),
          },
        },
      },
      '/v1/salesforce/org-reader/connect': {
        post: {
          summary: `Start connecting the org's reader: the same single-use, browser-bound, PKCE attempt as /v1/salesforce/connect, for the org's reader; the admin signs in at Salesforce as the integration user. The callback stores it (one reader per org; 409 when another tenant holds it) and runs its preflight. ${ADMIN_ONLY}`,
          responses: {
            200: ok({ type: 'object', properties: { authorizeUrl: { type: 'string', format: 'uri' } } }),
            ...errors(401, 403, 429),
          },
        },
      },
      '/v1/salesforce/org-reader/{orgId}/preflight': {
        post: {
          summary: `Check again: runs the reader's preflight now (View All Data, Task selected for Change Data Capture, SalesConnect_Task_Id__c readable; three API calls). It also runs at connect and every ORG_READER_PREFLIGHT_INTERVAL_SECONDS. ${ADMIN_ONLY}`,
          parameters: orgIdParam,
          responses: { 200: ok(orgReader), ...errors(401, 403, 404, 429) },
        },
      },
      '/v1/salesforce/org-reader/{orgId}': {
        delete: {
          summary: `Disconnect the org's reader: its grant is revoked at Salesforce and it is removed; the org's connections go back to polling. ${ADMIN_ONLY}`,
          parameters: orgIdParam,
          responses: { 204: { description: 'Disconnected' }, ...errors(401, 403, 404, 429) },
        },
      },
      '/v1/salesforce/api-allocation': {
        get: {
          summary: `The API calls allocated to the sync in each of the tenant's Salesforce orgs, and how many it made over the rolling 24 hours. ${ADMIN_ONLY}`,
          responses: {
            200: ok({ type: 'object', properties: { items: { type: 'array', items: apiAllocation } } }),
            ...errors(401, 403, 429),
          },
        },
      },
      '/v1/salesforce/api-allocation/{orgId}': {
        put: {
          summary: `Set the calls the sync may make in the org over a rolling 24 hours (null: back to the default share of the org's limit). The services learn it within API_ALLOCATION_REFRESH_MS. ${ADMIN_ONLY}`,
          parameters: orgIdParam,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: z.toJSONSchema(setApiAllocationBodySchema) } },
          },
          responses: { 200: ok(apiAllocation), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/connections/{id}/task-sync': {
        get: {
          summary: 'The "Sync tasks" setting',
          parameters: idParam,
          responses: { 200: ok(taskSync), ...errors(401, 404, 429) },
        },
        put: {
          summary: 'Save the "Sync tasks" setting; sync starts or stops at once',
          parameters: idParam,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: z.toJSONSchema(saveTaskSyncBodySchema) } },
          },
          responses: {
            200: ok({
              ...taskSync,
              properties: { ...taskSync.properties, change: { enum: ['first-enable', 're-enable', 'disable', null] } },
            }),
            ...errors(400, 401, 404, 413, 429),
          },
        },
      },
    },
  };
}
