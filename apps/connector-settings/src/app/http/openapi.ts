import { z } from 'zod';
import { saveTaskSyncBodySchema } from '../connections/api.schemas';

const error = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', example: 'VALIDATION_FAILED' },
    message: { type: 'string' },
    fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};
const taskSync = {
  type: 'object',
  properties: { enabled: { type: 'boolean' }, firstEnabledAt: { type: ['string', 'null'], format: 'date-time' } },
};
const connection = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    timeZone: { type: 'string', example: 'America/Los_Angeles' },
    salesforce: {
      type: 'object',
      properties: { orgId: { type: 'string' }, userId: { type: 'string' }, username: { type: 'string' }, instanceUrl: { type: 'string' } },
    },
    taskSync,
    createdAt: { type: 'string', format: 'date-time' },
  },
};
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: String(c), content: { 'application/json': { schema: error } } }]));
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];
const ok = (schema: object) => ({ description: 'OK', content: { 'application/json': { schema } } });

/** The API's OpenAPI 3.1 description, with request bodies generated from the same zod schemas that validate them. */
export function buildOpenApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: { title: 'task-sync connector-settings', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/connections': { get: { summary: "The caller's connections", responses: { 200: ok({ type: 'object', properties: { items: { type: 'array', items: connection } } }), ...errors(401, 429) } } },
      '/v1/connections/{id}': {
        get: { summary: 'One connection', parameters: idParam, responses: { 200: ok(connection), ...errors(401, 404, 429) } },
        delete: {
          summary: 'Disconnect: revoke the Salesforce token and delete the connection',
          parameters: idParam,
          responses: { 204: { description: 'Disconnected' }, ...errors(401, 404, 429) },
        },
      },
      '/v1/connections/{id}/status': {
        get: {
          summary: 'State (idle, importing, syncing, paused-api-limit, unauthorized, error), import progress, last sync, errors by reason, API usage',
          parameters: idParam,
          responses: {
            200: ok({
              type: 'object',
              properties: {
                state: { type: 'string' },
                import: { type: ['object', 'null'], properties: { found: { type: 'integer' }, imported: { type: 'integer' }, failed: { type: 'integer' }, done: { type: 'boolean' } } },
                lastSyncedAt: { type: ['string', 'null'], format: 'date-time' },
                apiUsage: { type: ['object', 'null'], properties: { used: { type: 'integer' }, limit: { type: 'integer' } } },
                recentErrors: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, count: { type: 'integer' }, lastMessage: { type: 'string' }, lastAt: { type: 'string' } } } },
              },
            }),
            ...errors(401, 404, 429),
          },
        },
      },
      '/v1/salesforce/connect': {
        post: {
          summary:
            'Start connecting Salesforce: stores a single-use attempt (PKCE verifier kept here), sets the HttpOnly connect cookie that binds it to this browser; send the browser to authorizeUrl',
          responses: { 200: ok({ type: 'object', properties: { authorizeUrl: { type: 'string', format: 'uri' } } }), ...errors(401, 429) },
        },
      },
      '/v1/salesforce/oauth/callback': {
        get: {
          summary:
            "Salesforce's redirect back (no Bearer token: the signed state names the attempt, which must be unused, unexpired and this browser's, by its connect cookie)",
          security: [],
          parameters: ['code', 'state', 'error'].map((name) => ({ name, in: 'query', required: name === 'state', schema: { type: 'string' } })),
          responses: {
            302: { description: 'To the settings page, with ?connected=<id> or ?error=<reason>' },
            400: {
              description:
                'An HTML page saying why nothing was connected: INVALID_STATE, UNKNOWN_STATE, STATE_ALREADY_USED, STATE_EXPIRED, OTHER_BROWSER, OTHER_USER or MISSING_CODE (in data-code)',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
            ...errors(429),
          },
        },
      },
      '/v1/connections/{id}/task-sync': {
        get: { summary: 'The "Sync tasks" setting', parameters: idParam, responses: { 200: ok(taskSync), ...errors(401, 404, 429) } },
        put: {
          summary: 'Save the "Sync tasks" setting; sync starts or stops at once',
          parameters: idParam,
          requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(saveTaskSyncBodySchema) } } },
          responses: {
            200: ok({ ...taskSync, properties: { ...taskSync.properties, change: { enum: ['first-enable', 're-enable', 'disable', null] } } }),
            ...errors(400, 401, 404, 413, 429),
          },
        },
      },
    },
  };
}
