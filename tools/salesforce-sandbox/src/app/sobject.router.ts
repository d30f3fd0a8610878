import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { describeSObject, describeSObjectSummary } from './describe-sobject';
import { describeTaskRecordTypes } from './org-rules/org-rules';
import type { OrgStore } from './org.store';
import { formatRecord } from './record-format';
import { checkReplicationWindow, earliestDateAvailable } from './replication-window';
import { formatSfdcDateTime } from './sfdc-datetime';
import { entityIsDeleted, notFound, SfdcError } from './sfdc-error';
import type { RestRequest, RestRoute } from './rest-route';
import { schemaFor, type SchemaView } from './org-schema';
import { findSObject, sobjectsOf, type FieldDef, type SObjectName } from './sobject-schema';
import { MultipleMatchesError, requireExternalIdField, type TaskDml } from './task-dml';

/** `v45.0` → 45: answers differ by the API version called (upsert's update answer from 46.0 on). */
export const apiVersionNumber = (version: string): number => Number(version.replace(/^v/, ''));

/** A Task's url, as a created record's `Location` header and a 300's list carry it. */
const recordUrl = (version: string, id: string): string => `/services/data/${version}/sobjects/Task/${id}`;

function requireSObject(name: string): SObjectName {
  const sobject = findSObject(name);
  if (!sobject) throw new SfdcError(404, 'NOT_FOUND', 'The requested resource does not exist');
  return sobject;
}

/** Writes go to Task only: the other objects are seeded through the admin API. */
function requireTask(name: string): void {
  if (requireSObject(name) !== 'Task')
    throw new SfdcError(405, 'METHOD_NOT_ALLOWED', `HTTP method not allowed for ${name} in the sandbox`);
}

/** A retrieve's `fields=` list in the caller's schema (all of its fields when absent). */
export function selectFields(schema: SchemaView, sobject: SObjectName, list: unknown): readonly FieldDef[] {
  if (typeof list !== 'string' || list === '') return schema.fields(sobject);
  return list.split(',').map((name) => {
    const field = schema.field(sobject, name.trim());
    if (!field) throw new SfdcError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${sobject}'.`);
    return field;
  });
}

/**
 * `If-Unmodified-Since` (REST API guide, "Conditional Request Headers": weak validation against the
 * record's last modified date; an invalid value on a PATCH is 400): a record modified after the
 * date is not written, 412. The 412's body and the 400's wording are the sandbox's.
 */
function requireUnmodifiedSince(lastModifiedMs: number, header: string): void {
  const since = Date.parse(header);
  if (!/GMT$|[+-]\d{4}$|[A-Z]{3}$/.test(header.trim()) || Number.isNaN(since))
    throw new SfdcError(400, 'INVALID_HEADER', `If-Unmodified-Since: not an HTTP date: ${header}`);
  if (lastModifiedMs > since)
    throw new SfdcError(
      412,
      'PRECONDITION_FAILED',
      `The record was modified after ${new Date(since).toUTCString()} (If-Unmodified-Since)`,
    );
}

/** The request body as a record (a call without one writes nothing). */
const bodyOf = (request: RestRequest): Record<string, unknown> =>
  request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};

/** Every one is an sObject resource a Composite subrequest may call. */
export function sObjectRoutes(deps: { store: OrgStore; clock: SandboxClock; dml: TaskDml }): RestRoute[] {
  const { store, clock, dml } = deps;
  const route = (method: RestRoute['method'], path: string, handle: RestRoute['handle']): RestRoute => ({
    method,
    path,
    composite: 'subrequest',
    handle,
  });

  return [
    route('GET', '/sobjects', ({ ctx }) => ({
      status: 200,
      body: {
        encoding: 'UTF-8',
        maxBatchSize: 200,
        sobjects: sobjectsOf('data')
          .sort()
          .map((name) => describeSObjectSummary(name, ctx.version)),
      },
    })),

    route('GET', '/sobjects/:type/describe', ({ ctx, params }) => {
      const sobject = requireSObject(params.type);
      const recordTypeInfos =
        sobject === 'Task' ? describeTaskRecordTypes(ctx.org.rules, ctx.userId, ctx.version) : undefined;
      return {
        status: 200,
        body: describeSObject(sobject, ctx.version, schemaFor(ctx.org, ctx.user).fields(sobject), recordTypeInfos),
      };
    }),

    route('GET', '/sobjects/:type/updated', ({ ctx, params, query }) => {
      requireTask(params.type);
      const window = checkReplicationWindow(query.start, query.end, clock.nowMs(), 'updated');
      const ids: string[] = [];
      for (const task of ctx.org.tasks.listByModstamp()) {
        const stamp = task.fields.SystemModstamp as number;
        if (task.deletedAt === null && stamp >= window.start && stamp < window.latestDateCovered)
          ids.push(task.fields.Id as string);
      }
      return { status: 200, body: { ids, latestDateCovered: formatSfdcDateTime(window.latestDateCovered) } };
    }),

    route('GET', '/sobjects/:type/deleted', ({ ctx, params, query }) => {
      requireTask(params.type);
      store.purgeRecycleBin(ctx.org);
      const now = clock.nowMs();
      const earliest = earliestDateAvailable(now, ctx.org.recycleBinPurgedBefore);
      const window = checkReplicationWindow(query.start, query.end, now, 'deleted', earliest);
      const deletedRecords = ctx.org.tasks
        .listDeleted()
        .filter((t) => (t.deletedAt as number) >= window.start && (t.deletedAt as number) < window.latestDateCovered)
        // Deletes in one second share a deletedDate; the Id keeps the order defined.
        .sort(
          (a, b) =>
            (a.deletedAt as number) - (b.deletedAt as number) ||
            ((a.fields.Id as string) < (b.fields.Id as string) ? -1 : 1),
        )
        .map((t) => ({ id: t.fields.Id as string, deletedDate: formatSfdcDateTime(t.deletedAt as number) }));
      return {
        status: 200,
        body: {
          deletedRecords,
          earliestDateAvailable: formatSfdcDateTime(earliest),
          latestDateCovered: formatSfdcDateTime(window.latestDateCovered),
        },
      };
    }),

    route('POST', '/sobjects/:type', (request) => {
      requireTask(request.params.type);
      const id = dml.create(request.ctx, bodyOf(request));
      return {
        status: 201,
        body: { id, success: true, errors: [] },
        headers: { Location: recordUrl(request.ctx.version, id) },
      };
    }),

    route('GET', '/sobjects/:type/:id', ({ ctx, params, query }) => {
      requireTask(params.type);
      const task = dml.find(ctx, params.id);
      if (!task) throw notFound();
      if (task.deletedAt !== null) throw entityIsDeleted();
      return {
        status: 200,
        body: formatRecord(
          'Task',
          ctx.version,
          task.fields,
          selectFields(schemaFor(ctx.org, ctx.user), 'Task', query.fields),
        ),
      };
    }),

    route('PATCH', '/sobjects/:type/:id', (request) => {
      requireTask(request.params.type);
      const since = request.header('if-unmodified-since');
      if (since !== undefined)
        requireUnmodifiedSince(
          dml.requireLive(request.ctx, request.params.id).fields.LastModifiedDate as number,
          since,
        );
      dml.update(request.ctx, request.params.id, bodyOf(request));
      return { status: 204 };
    }),

    route('DELETE', '/sobjects/:type/:id', ({ ctx, params }) => {
      requireTask(params.type);
      dml.destroy(ctx, params.id);
      return { status: 204 };
    }),

    // Upsert by external id: 201 created; an update answers 200 with a body from API 46.0 on and 204
    // with none before (Salesforce added `created` to the answer in 46.0); 300 for several matches.
    route('PATCH', '/sobjects/:type/:field/:value', (request) => {
      const { ctx, params } = request;
      requireTask(params.type);
      const field = requireExternalIdField(
        schemaFor(ctx.org, ctx.user),
        params.field,
        (name) =>
          new SfdcError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`),
      );
      // Salesforce's REST guide: "Do not specify Id or an external ID field in the request body or an
      // error is generated." The guide gives no wording; INVALID_FIELD and this message are the sandbox's.
      const body = bodyOf(request);
      const sent = Object.keys(body).find(
        (k) => k.toLowerCase() === field.name.toLowerCase() || k.toLowerCase() === 'id',
      );
      if (sent)
        throw new SfdcError(
          400,
          'INVALID_FIELD',
          `${sent}: Id and the external ID field of an upsert by external ID may not be specified in the request body`,
          [sent],
        );
      const withCreated = apiVersionNumber(ctx.version) >= 46;
      try {
        const outcome = dml.upsert(ctx, field, params.value, body);
        if (!outcome.created && !withCreated) return { status: 204 };
        return {
          status: outcome.created ? 201 : 200,
          body: { id: outcome.id, success: true, errors: [], ...(withCreated ? { created: outcome.created } : {}) },
          ...(outcome.created ? { headers: { Location: recordUrl(ctx.version, outcome.id) } } : {}),
        };
      } catch (e) {
        if (!(e instanceof MultipleMatchesError)) throw e;
        return { status: 300, body: e.ids.map((id) => recordUrl(ctx.version, id)) };
      }
    }),
  ];
}
