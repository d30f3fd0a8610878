import { json, Router } from 'express';
import type { SandboxClock } from '@task-sync/util-sandbox-kit';
import type { OrgState, OrgStore } from '../org.store';
import { formatFields, orgRoute } from '../salesforce-admin.router';
import { KEY_PREFIX } from '../salesforce-id';
import { toWholeSecond } from '../sfdc-datetime';
import { schemaFor } from '../org-schema';
import type { FieldDef } from '../sobject-schema';
import { validateTaskWrite } from '../task-validation';
import { withOrgRuleFields } from './rule-fields';
import {
  buildRecordType,
  findRecordType,
  findRecordTypeByName,
  newRecordType,
  recordTypeAssignment,
  type TaskRecordType,
} from './record-types';
import { buildTaskStatusRows, isClosedStatus, isKnownStatus, taskStatusList } from './task-statuses';
import { taskTriggerInput } from './task-trigger';
import { newValidationRule } from './validation-rules';

const TEXT_TYPES = ['string', 'textarea', 'combobox', 'email'];

/** One of the org's Task fields by name, as the schema spells it; a 400 (thrown) when there is none. */
function taskField(org: OrgState, name: string): FieldDef {
  const field = schemaFor(org).field('Task', name);
  if (!field) throw new Error(`Task has no field ${name}`);
  return field;
}

/** Status's picklist and RecordTypeId follow the statuses and record types. */
const refreshRuleFields = (org: OrgState): void => {
  org.taskFields = withOrgRuleFields(org.taskFields, org.taskStatuses, org.rules.recordTypes);
};

function describeRecordType(org: OrgState, rt: TaskRecordType) {
  return {
    ...formatFields(rt.fields),
    statuses: rt.statuses,
    defaultStatus: rt.defaultStatus,
    default: rt.isDefault,
    users: Object.entries(org.rules.userRecordTypes)
      .filter(([, id]) => id === rt.fields.Id)
      .map(([userId]) => userId),
  };
}

export function createOrgRulesAdminRouter(deps: { store: OrgStore; clock: SandboxClock }): Router {
  const { store, clock } = deps;
  const router = Router();
  router.use(json({ limit: '1mb' }));
  const withOrg = orgRoute(store);
  const now = () => toWholeSecond(clock.nowMs());

  router.get(
    '/orgs/:orgId/task-statuses',
    withOrg((org, _req, res) => {
      res.json(org.taskStatuses.map((row) => formatFields(row)));
    }),
  );
  // The whole list at once: renamed values, extra closed ones, another default.
  router.put(
    '/orgs/:orgId/task-statuses',
    withOrg((org, req, res) => {
      const list = taskStatusList.parse(req.body);
      const kept = new Set(list.map((s) => s.value));
      for (const rt of org.rules.recordTypes) {
        const dropped = rt.statuses.filter((s) => !kept.has(s));
        if (dropped.length > 0)
          throw new Error(`record type ${rt.fields.DeveloperName as string} uses ${dropped.join(', ')}`);
        if (list.some((s) => s.value === rt.defaultStatus && s.closed))
          throw new Error(
            `${rt.defaultStatus} is record type ${rt.fields.DeveloperName as string}'s default status and cannot be closed`,
          );
      }
      // Existing tasks keep their IsClosed: Salesforce derives it when a task is saved.
      org.taskStatuses = buildTaskStatusRows(list, org.taskStatuses, now(), null, () =>
        store.nextId(KEY_PREFIX.TaskStatus),
      );
      refreshRuleFields(org);
      res.json(org.taskStatuses.map((row) => formatFields(row)));
    }),
  );

  router.get(
    '/orgs/:orgId/record-types',
    withOrg((org, _req, res) => {
      res.json(org.rules.recordTypes.map((rt) => describeRecordType(org, rt)));
    }),
  );
  router.post(
    '/orgs/:orgId/record-types',
    withOrg((org, req, res) => {
      const at = now();
      const audit = {
        Id: store.nextId(KEY_PREFIX.RecordType),
        CreatedDate: at,
        CreatedById: null,
        LastModifiedDate: at,
        LastModifiedById: null,
        SystemModstamp: at,
      };
      const rt = buildRecordType(
        newRecordType.parse(req.body),
        org.rules.recordTypes,
        (s) => isKnownStatus(org.taskStatuses, s),
        (s) => isClosedStatus(org.taskStatuses, s),
        audit,
      );
      if (rt.isDefault) for (const other of org.rules.recordTypes) other.isDefault = false;
      org.rules.recordTypes.push(rt);
      refreshRuleFields(org);
      res.status(201).json(describeRecordType(org, rt));
    }),
  );
  // `{"recordTypeId"}` or `{"developerName"}`: the record type the user's creates get when they name none.
  router.put(
    '/orgs/:orgId/users/:userId/record-type',
    withOrg((org, req, res) => {
      const userId = String(req.params.userId);
      if (!org.users.has(userId)) throw new Error(`no user ${userId} in org ${org.id}`);
      const wanted = recordTypeAssignment.parse(req.body);
      const rt =
        'recordTypeId' in wanted
          ? findRecordType(org.rules.recordTypes, wanted.recordTypeId)
          : findRecordTypeByName(org.rules.recordTypes, wanted.developerName);
      if (!rt)
        throw new Error(`no Task record type ${'recordTypeId' in wanted ? wanted.recordTypeId : wanted.developerName}`);
      org.rules.userRecordTypes[userId] = rt.fields.Id as string;
      res.json({ userId, recordTypeId: rt.fields.Id, developerName: rt.fields.DeveloperName });
    }),
  );

  router.get(
    '/orgs/:orgId/validation-rules',
    withOrg((org, _req, res) => {
      res.json(org.rules.validationRules);
    }),
  );
  router.post(
    '/orgs/:orgId/validation-rules',
    withOrg((org, req, res) => {
      const input = newValidationRule.parse(req.body);
      if (org.rules.validationRules.some((r) => r.name.toLowerCase() === input.name.toLowerCase()))
        throw new Error(`a validation rule ${input.name} exists already`);
      const field = taskField(org, input.field);
      if ((input.condition === 'dateBefore' || input.condition === 'dateAfter') && field.type !== 'date')
        throw new Error(`${input.condition} needs a date field, not ${field.name}`);
      if (input.condition === 'maxLength' && !TEXT_TYPES.includes(field.type))
        throw new Error(`maxLength needs a text field, not ${field.name}`);
      const rule = {
        ...input,
        field: field.name,
        ...(input.errorField ? { errorField: taskField(org, input.errorField).name } : {}),
      };
      org.rules.validationRules.push(rule);
      res.status(201).json(rule);
    }),
  );
  router.delete(
    '/orgs/:orgId/validation-rules/:name',
    withOrg((org, req, res) => {
      const name = String(req.params.name).toLowerCase();
      const index = org.rules.validationRules.findIndex((r) => r.name.toLowerCase() === name);
      if (index < 0)
        return void res
          .status(404)
          .json({ error: 'NOT_FOUND', message: `no validation rule ${String(req.params.name)}` });
      org.rules.validationRules.splice(index, 1);
      res.status(204).end();
    }),
  );

  router.get(
    '/orgs/:orgId/task-trigger',
    withOrg((org, _req, res) => {
      res.json(org.rules.taskTrigger);
    }),
  );
  router.put(
    '/orgs/:orgId/task-trigger',
    withOrg((org, req, res) => {
      const input = taskTriggerInput.parse(req.body);
      const field = taskField(org, input.field);
      if (input.set === 'appendSuffix') {
        if (!TEXT_TYPES.includes(field.type) || !field.updateable)
          throw new Error(`appendSuffix needs a writable text field, not ${field.name}`);
        org.rules.taskTrigger = { ...input, field: field.name };
      } else {
        // A fixed value must be one the API would take for that field.
        const checked = validateTaskWrite(org, { [field.name]: input.set }, 'update');
        org.rules.taskTrigger = { ...input, field: field.name, set: checked[field.name] as string | boolean | null };
      }
      res.json(org.rules.taskTrigger);
    }),
  );
  router.delete(
    '/orgs/:orgId/task-trigger',
    withOrg((org, _req, res) => {
      org.rules.taskTrigger = null;
      res.status(204).end();
    }),
  );

  return router;
}
