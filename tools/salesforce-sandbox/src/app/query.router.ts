import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import type { ApiContext } from './api-guard.middleware';
import type { ChangeEventBus } from './change-events/change-event.bus';
import type { OrgStore } from './org.store';
import type { QueryCursorStore } from './query-cursor.store';
import { formatRecord } from './record-format';
import type { Fields } from './sandbox-records';
import type { RestAnswer, RestRequest, RestRoute } from './rest-route';
import { SfdcError } from './sfdc-error';
import { compileSoql, runQuery, type CompiledQuery } from './soql-query';
import { createParentLookup, type ParentLookup } from './soql-relationship';
import { schemaFor, type SchemaView } from './org-schema';
import { toId15, toId18 } from './salesforce-id';
import { isCustomField, type SObjectApi } from './sobject-schema';

/** Salesforce's page size; `Sforce-Query-Options: batchSize=N` asks for 200..2000. */
const DEFAULT_BATCH = 2000;

/**
 * `batchSize` is "a suggestion" in Salesforce's words: the server may answer fewer records a page
 * (wide rows, server load). The org's `queryPageSize` (admin API) plays that server's choice.
 */
function batchSizeOf(request: RestRequest, serverMax: number | null): number {
  const match = /batchSize=(\d+)/i.exec(request.header('sforce-query-options') ?? '');
  const asked = match ? Math.min(DEFAULT_BATCH, Math.max(200, Number(match[1]))) : DEFAULT_BATCH;
  return serverMax === null ? asked : Math.min(asked, serverMax);
}

const byModstampThenId = (a: Fields, b: Fields): number =>
  (a.SystemModstamp as number) - (b.SystemModstamp as number) || ((a.Id as string) < (b.Id as string) ? -1 : 1);

/**
 * A sync repeats the same SOQL. Statements with relative date literals (which depend on the user's
 * zone) are not kept.
 */
const compiled = new WeakMap<SchemaView, Map<string, CompiledQuery>>();
function compileCached(
  soql: string,
  nowMs: number,
  timeZone: string,
  schema: SchemaView,
  api: SObjectApi,
): CompiledQuery {
  let cache = compiled.get(schema);
  if (!cache) {
    cache = new Map();
    compiled.set(schema, cache);
  }
  // One statement names different objects (or none) in the data and Tooling APIs.
  const key = `${api}:${soql}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const query = compileSoql(soql, nowMs, { timeZone, schema, api });
  if (cache.size > 500) cache.clear();
  if (!query.dependsOnNow) cache.set(key, query);
  return query;
}

/**
 * The org's Change Data Capture selection as the Tooling API lists it: one member of the standard
 * ChangeEvents channel per selected entity (the sandbox's only capturable entity is Task). The id
 * is the org's own body under the `0v8` prefix, so it is the same on every call.
 */
function channelMembersOf(org: ApiContext['org'], events: ChangeEventBus, now: number): Fields[] {
  if (!events.isTaskSelected(org.id)) return [];
  return [
    {
      Id: toId18(`0v8${toId15(org.id).slice(3)}`),
      DeveloperName: 'ChangeEvents_TaskChangeEvent',
      EventChannel: 'ChangeEvents',
      SelectedEntity: 'TaskChangeEvent',
      CreatedDate: now,
      CreatedById: null,
      LastModifiedDate: now,
      LastModifiedById: null,
      SystemModstamp: now,
    },
  ];
}

/**
 * The org's custom Task fields as the Tooling API's CustomField lists them (on Activity, the name
 * without `__c`), whatever the caller's field-level security: what Setup shows an administrator.
 */
function customFieldsOf(org: ApiContext['org'], now: number): Fields[] {
  return org.taskFields.filter(isCustomField).map((f, i) => ({
    Id: toId18(`00N${toId15(org.id).slice(3, 9)}${String(i + 1).padStart(6, '0')}`),
    DeveloperName: f.name.replace(/__c$/i, ''),
    TableEnumOrId: 'Activity',
    NamespacePrefix: null,
    CreatedDate: now,
    CreatedById: null,
    LastModifiedDate: now,
    LastModifiedById: null,
    SystemModstamp: now,
  }));
}

/**
 * Query and QueryAll (their locators too) count toward a Composite request's 5 query operations; the
 * Tooling API is not a Composite subrequest of the data API.
 */
export function queryRoutes(deps: {
  store: OrgStore;
  cursors: QueryCursorStore;
  clock: SandboxClock;
  events: ChangeEventBus;
}): RestRoute[] {
  const { store, cursors, events } = deps;

  const sourceOf = (ctx: ApiContext, query: CompiledQuery, includeDeleted: boolean): readonly Fields[] => {
    const org = ctx.org;
    switch (query.sobject) {
      case 'Task': {
        store.purgeRecycleBin(org);
        return query.ids
          ? org.tasks.fieldsOfIds(query.ids, includeDeleted)
          : org.tasks.listFieldsByModstamp(includeDeleted, query.modstampFrom);
      }
      case 'Contact':
        return [...org.contacts.values()].sort(byModstampThenId);
      case 'Lead':
        return [...org.leads.values()].sort(byModstampThenId);
      case 'User':
        return [...org.users.values()].map((u) => u.fields).sort(byModstampThenId);
      case 'TaskStatus':
        return [...org.taskStatuses].sort(byModstampThenId);
      case 'RecordType':
        return org.rules.recordTypes.map((rt) => rt.fields).sort(byModstampThenId);
      case 'Account':
        return [...org.accounts.values()].sort(byModstampThenId);
      // One row: the running user's own permissions, as of now.
      case 'UserPermissionAccess':
        return [
          {
            LastCacheUpdate: deps.clock.nowMs(),
            PermissionsApiEnabled: true,
            PermissionsViewAllData: ctx.user.viewAllData === true,
          },
        ];
      case 'PlatformEventChannelMember':
        return channelMembersOf(org, events, deps.clock.nowMs());
      case 'CustomField':
        return customFieldsOf(org, deps.clock.nowMs());
    }
  };

  /** Where an API's query locators are read: `query/…`, or `tooling/query/…`. */
  const queryPath = (api: SObjectApi): string => (api === 'tooling' ? 'tooling/query' : 'query');

  const page = (
    ctx: ApiContext,
    cursorRecords: Fields[],
    start: number,
    batch: number,
    query: { sobject: CompiledQuery['sobject']; select: CompiledQuery['select'] },
    cursorId: string | null,
    parents: ParentLookup,
    api: SObjectApi = 'data',
  ) => {
    const select = query.select === 'count' ? [] : query.select;
    const end = Math.min(cursorRecords.length, start + batch);
    const records = cursorRecords
      .slice(start, end)
      .map((r) => formatRecord(query.sobject, ctx.version, r, select, parents));
    const done = end >= cursorRecords.length;
    return {
      totalSize: cursorRecords.length,
      done,
      ...(done || !cursorId
        ? {}
        : { nextRecordsUrl: `/services/data/${ctx.version}/${queryPath(api)}/${cursorId}-${end}` }),
      records,
    };
  };

  const runSoql =
    (includeDeleted: boolean, api: SObjectApi = 'data') =>
    (request: RestRequest): RestAnswer => {
      const { ctx, query: params } = request;
      const soql = typeof params.q === 'string' ? params.q : '';
      if (!soql) throw new SfdcError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      const query = compileCached(
        soql,
        deps.clock.nowMs(),
        ctx.user.fields.TimeZoneSidKey as string,
        schemaFor(ctx.org, ctx.user),
        api,
      );
      const parents = createParentLookup(ctx.org);
      const rows = runQuery(query, sourceOf(ctx, query, includeDeleted), parents);
      if (query.select === 'count') return { status: 200, body: { totalSize: rows.length, done: true, records: [] } };
      const batch = batchSizeOf(request, ctx.org.queryPageSize);
      const cursor =
        rows.length > batch
          ? cursors.open({
              orgId: ctx.org.id,
              sobject: query.sobject,
              select: query.select,
              records: rows,
              batchSize: batch,
            })
          : null;
      return { status: 200, body: page(ctx, rows, 0, batch, query, cursor?.id ?? null, parents, api) };
    };

  const more =
    (api: SObjectApi) =>
    ({ ctx, params }: RestRequest): RestAnswer => {
      const match = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(params.locator);
      const cursor = match ? cursors.find(match[1], ctx.org.id) : undefined;
      if (!match || !cursor) throw new SfdcError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      // The cursor stays open until idle: a client may re-read a page after a failed answer.
      return {
        status: 200,
        body: page(
          ctx,
          cursor.records,
          Number(match[2]),
          cursor.batchSize,
          cursor,
          cursor.id,
          createParentLookup(ctx.org),
          api,
        ),
      };
    };

  return [
    { method: 'GET', path: '/query', composite: 'limited-subrequest', handle: runSoql(false) },
    { method: 'GET', path: '/queryAll', composite: 'limited-subrequest', handle: runSoql(true) },
    { method: 'GET', path: '/query/:locator', composite: 'limited-subrequest', handle: more('data') },
    { method: 'GET', path: '/queryAll/:locator', composite: 'limited-subrequest', handle: more('data') },
    { method: 'GET', path: '/tooling/query', composite: 'none', handle: runSoql(false, 'tooling') },
    { method: 'GET', path: '/tooling/query/:locator', composite: 'none', handle: more('tooling') },
  ];
}
