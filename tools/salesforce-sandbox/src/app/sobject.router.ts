import { Router, type Request } from 'express';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import { apiContext } from './api-guard.middleware';
import { describeSObject } from './describe-sobject';
import { describeTaskRecordTypes } from './org-rules/org-rules';
import type { OrgStore } from './org.store';
import { formatRecord } from './record-format';
import { checkReplicationWindow, earliestDateAvailable } from './replication-window';
import { formatSfdcDateTime } from './sfdc-datetime';
import { entityIsDeleted, handleSfdc, notFound, SfdcError } from './sfdc-error';
import { schemaFor, type SchemaView } from './org-schema';
import { findSObject, type FieldDef, type SObjectName } from './sobject-schema';
import { MultipleMatchesError, requireExternalIdField, type TaskDml } from './task-dml';

/** `v45.0` → 45: answers differ by the API version called (upsert's update answer from 46.0 on). */
export const apiVersionNumber = (version: string): number => Number(version.replace(/^v/, ''));

function requireSObject(name: string): SObjectName {
  const sobject = findSObject(name);
  if (!sobject) throw new SfdcError(404, 'NOT_FOUND', 'The requested resource does not exist');
  return sobject;
}

/** Writes go to Task only: the other objects are seeded through the admin API. */
function requireTask(name: string): void {
  if (requireSObject(name) !== 'Task') throw new SfdcError(405, 'METHOD_NOT_ALLOWED', `HTTP method not allowed for ${name} in the sandbox`);
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

/** `sobjects/{type}/…`: describe, getUpdated, getDeleted, and Task create / read / update / delete / upsert. */
export function createSObjectRouter(deps: { store: OrgStore; clock: SandboxClock; dml: TaskDml }): Router {
  const { store, clock, dml } = deps;
  const router = Router({ mergeParams: true });
  const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

  router.get('/sobjects/:type/describe', handleSfdc((req, res) => {
    const ctx = apiContext(res);
    const sobject = requireSObject(String(req.params.type));
    const recordTypeInfos = sobject === 'Task' ? describeTaskRecordTypes(ctx.org.rules, ctx.userId, ctx.version) : undefined;
    res.json(describeSObject(sobject, ctx.version, schemaFor(ctx.org, ctx.user).fields(sobject), recordTypeInfos));
  }));

  router.get('/sobjects/:type/updated', handleSfdc((req, res) => {
    requireTask(String(req.params.type));
    const ctx = apiContext(res);
    const window = checkReplicationWindow(req.query.start, req.query.end, clock.nowMs(), 'updated');
    const ids: string[] = [];
    for (const task of ctx.org.tasks.listByModstamp()) {
      const stamp = task.fields.SystemModstamp as number;
      if (task.deletedAt === null && stamp >= window.start && stamp < window.latestDateCovered) ids.push(task.fields.Id as string);
    }
    res.json({ ids, latestDateCovered: formatSfdcDateTime(window.latestDateCovered) });
  }));

  router.get('/sobjects/:type/deleted', handleSfdc((req, res) => {
    requireTask(String(req.params.type));
    const ctx = apiContext(res);
    store.purgeRecycleBin(ctx.org);
    const now = clock.nowMs();
    const earliest = earliestDateAvailable(now, ctx.org.recycleBinPurgedBefore);
    const window = checkReplicationWindow(req.query.start, req.query.end, now, 'deleted', earliest);
    const deletedRecords = ctx.org.tasks
      .listDeleted()
      .filter((t) => (t.deletedAt as number) >= window.start && (t.deletedAt as number) < window.latestDateCovered)
      // Deletes in one second share a deletedDate; the Id keeps the order defined.
      .sort((a, b) => (a.deletedAt as number) - (b.deletedAt as number) || ((a.fields.Id as string) < (b.fields.Id as string) ? -1 : 1))
      .map((t) => ({ id: t.fields.Id as string, deletedDate: formatSfdcDateTime(t.deletedAt as number) }));
    res.json({
      deletedRecords,
      earliestDateAvailable: formatSfdcDateTime(earliest),
      latestDateCovered: formatSfdcDateTime(window.latestDateCovered),
    });
  }));

  router.post('/sobjects/:type', handleSfdc((req, res) => {
    requireTask(String(req.params.type));
    const id = dml.create(apiContext(res), body(req));
    res.status(201).json({ id, success: true, errors: [] });
  }));

  router.get('/sobjects/:type/:id', handleSfdc((req, res) => {
    requireTask(String(req.params.type));
    const ctx = apiContext(res);
    const task = dml.find(ctx, String(req.params.id));
    if (!task) throw notFound();
    if (task.deletedAt !== null) throw entityIsDeleted();
    res.json(formatRecord('Task', ctx.version, task.fields, selectFields(schemaFor(ctx.org, ctx.user), 'Task', req.query.fields)));
  }));

  router.patch('/sobjects/:type/:id', handleSfdc((req, res) => {
    requireTask(String(req.params.type));
    dml.update(apiContext(res), String(req.params.id), body(req));
    res.status(204).end();
  }));

  router.delete('/sobjects/:type/:id', handleSfdc((req, res) => {
    requireTask(String(req.params.type));
    dml.destroy(apiContext(res), String(req.params.id));
    res.status(204).end();
  }));

  // Upsert by external id: 201 created; an update answers 200 with a body from API 46.0 on and 204
  // with none before (Salesforce added `created` to the answer in 46.0); 300 for several matches.
  router.patch('/sobjects/:type/:field/:value', handleSfdc((req, res) => {
    requireTask(String(req.params.type));
    const ctx = apiContext(res);
    const field = requireExternalIdField(schemaFor(ctx.org, ctx.user), String(req.params.field), (name) => new SfdcError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`));
    // Salesforce's REST guide: "Do not specify Id or an external ID field in the request body or an
    // error is generated." The guide gives no wording; INVALID_FIELD and this message are the sandbox's.
    const sent = Object.keys(body(req)).find((k) => k.toLowerCase() === field.name.toLowerCase() || k.toLowerCase() === 'id');
    if (sent) throw new SfdcError(400, 'INVALID_FIELD', `${sent}: Id and the external ID field of an upsert by external ID may not be specified in the request body`, [sent]);
    try {
      const outcome = dml.upsert(ctx, field, String(req.params.value), body(req));
      if (!outcome.created && apiVersionNumber(ctx.version) < 46) {
        res.status(204).end();
        return;
      }
      res.status(outcome.created ? 201 : 200).json({ id: outcome.id, success: true, errors: [], ...(apiVersionNumber(ctx.version) >= 46 ? { created: outcome.created } : {}) });
    } catch (e) {
      if (!(e instanceof MultipleMatchesError)) throw e;
      res.status(300).json(e.ids.map((id) => `/services/data/${ctx.version}/sobjects/Task/${id}`));
    }
  }));

  return router;
}
