import type { ApiContext } from './api-guard.middleware';
import { formatRecord } from './record-format';
import type { RestAnswer, RestRequest, RestRoute } from './rest-route';
import { SfdcError } from './sfdc-error';
import { schemaFor } from './org-schema';
import { findSObject } from './sobject-schema';
import { selectFields } from './sobject.router';
import { MultipleMatchesError, requireExternalIdField, type TaskDml } from './task-dml';

/** sObject Collections take at most 200 records a call. */
export const MAX_COLLECTION_RECORDS = 200;

interface RecordResult {
  id?: string;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
  created?: boolean;
}

const tooMany = (): SfdcError =>
  new SfdcError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${MAX_COLLECTION_RECORDS} records into this call`,
  );

function toRecordErrors(e: unknown): RecordResult['errors'] {
  if (e instanceof MultipleMatchesError)
    return [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: e.message, fields: [] }];
  if (e instanceof SfdcError) return e.toRecordErrors();
  return [{ statusCode: 'UNKNOWN_EXCEPTION', message: (e as Error).message, fields: [] }];
}

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

/**
 * Runs one operation per record. With allOrNone, the first failure rolls every change back
 * (the store's undo journal) and the other records answer ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
function runCollection<T>(
  ctx: ApiContext,
  items: T[],
  allOrNone: boolean,
  op: (item: T) => Omit<RecordResult, 'success' | 'errors'>,
): RecordResult[] {
  ctx.org.tasks.begin();
  const results: RecordResult[] = items.map((item) => {
    try {
      return { ...op(item), success: true, errors: [] };
    } catch (e) {
      return { id: undefined, success: false, errors: toRecordErrors(e) };
    }
  });
  const failed = results.some((r) => !r.success);
  if (allOrNone && failed) {
    ctx.org.tasks.rollback();
    return results.map((r) => (r.success ? { id: undefined, success: false, errors: [ROLLED_BACK] } : r));
  }
  ctx.org.tasks.commit();
  return results;
}

function readRecords(request: RestRequest): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const body = (request.body ?? {}) as { allOrNone?: unknown; records?: unknown };
  if (!Array.isArray(body.records))
    throw new SfdcError(400, 'JSON_PARSER_ERROR', 'records: a list of records is required');
  if (body.records.length > MAX_COLLECTION_RECORDS) throw tooMany();
  return { allOrNone: body.allOrNone === true, records: body.records as Record<string, unknown>[] };
}

function requireTaskType(record: Record<string, unknown>): void {
  const type = (record.attributes as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string') throw new SfdcError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
  if (findSObject(type) !== 'Task')
    throw new SfdcError(400, 'INVALID_TYPE', `The sandbox writes only Task, not ${type}`);
}

/**
 * `composite/sobjects`: create, update, upsert, delete and retrieve up to 200 records a call. Each
 * counts toward a Composite request's 5 query and sObject Collections operations.
 */
export function sObjectCollectionsRoutes(deps: { dml: TaskDml }): RestRoute[] {
  const { dml } = deps;
  const route = (method: RestRoute['method'], path: string, handle: RestRoute['handle']): RestRoute => ({
    method,
    path,
    composite: 'limited-subrequest',
    handle,
  });

  /** A write of Task records from the body, one result per record. */
  const writeTasks =
    (op: (ctx: ApiContext, record: Record<string, unknown>) => Omit<RecordResult, 'success' | 'errors'>) =>
    (request: RestRequest): RestAnswer => {
      const { ctx } = request;
      const { allOrNone, records } = readRecords(request);
      return {
        status: 200,
        body: runCollection(ctx, records, allOrNone, (record) => {
          requireTaskType(record);
          return op(ctx, record);
        }),
      };
    };

  return [
    route(
      'POST',
      '/composite/sobjects',
      writeTasks((ctx, record) => {
        if (record.id !== undefined || record.Id !== undefined)
          throw new SfdcError(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
        return { id: dml.create(ctx, record) };
      }),
    ),

    route(
      'PATCH',
      '/composite/sobjects',
      writeTasks((ctx, record) => {
        const { id, Id, ...rest } = record;
        const taskId = String(id ?? Id ?? '');
        if (!taskId) throw new SfdcError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
        return { id: dml.update(ctx, taskId, rest) };
      }),
    ),

    route('PATCH', '/composite/sobjects/:type/:field', (request) => {
      const { ctx, params } = request;
      if (findSObject(params.type) !== 'Task') throw new SfdcError(400, 'INVALID_TYPE', 'The sandbox writes only Task');
      const field = requireExternalIdField(schemaFor(ctx.org, ctx.user), params.field);
      const { allOrNone, records } = readRecords(request);
      const seen = new Map<string, number>();
      for (const r of records) {
        const key = String(r[field.name] ?? '').toLowerCase();
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      const results = runCollection(ctx, records, allOrNone, (record) => {
        requireTaskType(record);
        const raw = record[field.name];
        const value = typeof raw === 'number' ? String(raw) : raw;
        if (typeof value !== 'string' || value === '')
          throw new SfdcError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
        if ((seen.get(value.toLowerCase()) ?? 0) > 1)
          throw new SfdcError(400, 'DUPLICATE_VALUE', `Duplicate external id specified: ${value}`, [field.name]);
        return dml.upsert(ctx, field, value, record);
      });
      // An UpsertResult always carries `created` (boolean): a failed item answers false, without an id.
      return { status: 200, body: results.map((r) => (r.success ? r : { ...r, created: false })) };
    }),

    route('DELETE', '/composite/sobjects', ({ ctx, query }) => {
      const ids = String(query.ids ?? '')
        .split(',')
        .filter(Boolean);
      if (ids.length === 0) throw new SfdcError(400, 'MISSING_ARGUMENT', 'ids: at least one id is required');
      if (ids.length > MAX_COLLECTION_RECORDS) throw tooMany();
      return {
        status: 200,
        body: runCollection(ctx, ids, query.allOrNone === 'true', (id) => ({ id: dml.destroy(ctx, id) })),
      };
    }),

    // Retrieve many: `{ids, fields}` in, records (or null for ids not found) out.
    route('POST', '/composite/sobjects/:type', ({ ctx, params, body: raw }) => {
      if (findSObject(params.type) !== 'Task')
        throw new SfdcError(400, 'INVALID_TYPE', 'The sandbox retrieves only Task');
      const body = (raw ?? {}) as { ids?: unknown; fields?: unknown };
      if (!Array.isArray(body.ids) || !Array.isArray(body.fields))
        throw new SfdcError(400, 'JSON_PARSER_ERROR', 'ids and fields are required');
      if (body.ids.length > 2000)
        throw new SfdcError(
          400,
          'EXCEEDED_ID_LIMIT',
          'record limit reached. cannot submit more than 2000 records into this call',
        );
      const select = selectFields(schemaFor(ctx.org, ctx.user), 'Task', body.fields.join(','));
      return {
        status: 200,
        body: body.ids.map((id) => {
          const task = dml.find(ctx, String(id));
          return task && task.deletedAt === null ? formatRecord('Task', ctx.version, task.fields, select) : null;
        }),
      };
    }),
  ];
}
