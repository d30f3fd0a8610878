import { json, Router } from 'express';
import { z } from 'zod';
import type { OrgState, OrgStore } from './org.store';
import { addCustomField, checkFieldSecurity, fieldSecurityInput, newCustomField, removeCustomField } from './org-shape';
import { orgRoute } from './salesforce-admin.router';
import { rulesUsingField } from './org-rules/org-rules';
import { isCustomField, type FieldDef } from './sobject-schema';
import { KEY_PREFIX } from './salesforce-id';

const describeField = (f: FieldDef) => ({ ...f, custom: isCustomField(f) });

/** Setup → Permission Sets → Manage Assignments: the set by API name (or id) and the user. */
const newAssignment = z.object({ permissionSet: z.string().min(1), userId: z.string().min(1) });

function userOf(org: OrgState, userId: string) {
  const user = org.users.get(userId);
  if (!user) throw new Error(`no user ${userId} in org ${org.id}`);
  return user;
}

/**
 * `/__admin/salesforce/orgs/:orgId/...`: Task's fields as Setup's Object Manager shapes them
 * (custom fields, External ID, Unique, Required) and each user's field-level security.
 */
export function createOrgShapeAdminRouter(deps: { store: OrgStore }): Router {
  const router = Router();
  router.use(json({ limit: '1mb' }));
  const withOrg = orgRoute(deps.store);

  router.get(
    '/orgs/:orgId/sobjects/Task/fields',
    withOrg((org, _req, res) => {
      res.json(org.taskFields.map(describeField));
    }),
  );
  router.post(
    '/orgs/:orgId/sobjects/Task/fields',
    withOrg((org, req, res) => {
      const input = newCustomField.parse(req.body);
      org.taskFields = addCustomField(org.taskFields, input);
      res.status(201).json(describeField(org.taskFields[org.taskFields.length - 1]));
    }),
  );
  // As in Salesforce, the field's values go with it (no write, no change event) and so does what users' security said of it.
  router.delete(
    '/orgs/:orgId/sobjects/Task/fields/:name',
    withOrg((org, req, res) => {
      const usedBy = rulesUsingField(org.rules, String(req.params.name));
      if (usedBy.length > 0) {
        return void res.status(400).json({
          error: 'FIELD_IN_USE',
          message: `This custom field is referenced elsewhere in salesforce.com: ${usedBy.join(', ')}`,
        });
      }
      const outcome = removeCustomField(org.taskFields, String(req.params.name));
      if (!outcome)
        return void res
          .status(404)
          .json({ error: 'NOT_FOUND', message: `Task has no field ${String(req.params.name)}` });
      org.taskFields = outcome.fields;
      org.tasks.dropField(outcome.removed.name);
      const granted = (field: string) =>
        ['task.', 'event.'].some((o) => field.toLowerCase() === `${o}${outcome.removed.name.toLowerCase()}`);
      for (const set of org.permissionSets)
        set.fieldPermissions = set.fieldPermissions.filter((p) => !granted(p.field));
      for (const user of org.users.values()) {
        const security = user.fieldSecurity?.Task;
        if (!security) continue;
        const keep = (names: string[]) => names.filter((n) => n !== outcome.removed.name);
        user.fieldSecurity = {
          ...user.fieldSecurity,
          Task: { hidden: keep(security.hidden), readOnly: keep(security.readOnly) },
        };
      }
      res.status(204).end();
    }),
  );

  router.get(
    '/orgs/:orgId/users/:userId/field-security',
    withOrg((org, req, res) => {
      res.json({ Task: userOf(org, String(req.params.userId)).fieldSecurity?.Task ?? { hidden: [], readOnly: [] } });
    }),
  );
  router.put(
    '/orgs/:orgId/users/:userId/field-security',
    withOrg((org, req, res) => {
      const user = userOf(org, String(req.params.userId));
      const security = checkFieldSecurity(org.taskFields, fieldSecurityInput.parse(req.body ?? {}).Task);
      user.fieldSecurity = { ...user.fieldSecurity, Task: security };
      res.json({ Task: security });
    }),
  );

  // Permission sets come from Metadata API deploys; assigning one is what an admin does in Setup
  // (a PermissionSetAssignment row): its field permissions add to the user's own.
  router.get(
    '/orgs/:orgId/permission-sets',
    withOrg((org, _req, res) => {
      res.json(org.permissionSets);
    }),
  );
  router.post(
    '/orgs/:orgId/permission-set-assignments',
    withOrg((org, req, res) => {
      const input = newAssignment.parse(req.body);
      const wanted = input.permissionSet.toLowerCase();
      const set = org.permissionSets.find((s) => s.name.toLowerCase() === wanted || s.id === input.permissionSet);
      if (!set)
        return void res
          .status(404)
          .json({ error: 'NOT_FOUND', message: `no permission set ${input.permissionSet} in org ${org.id}` });
      const user = userOf(org, input.userId);
      const assigneeId = user.fields.Id as string;
      if (set.assignments.some((a) => a.assigneeId === assigneeId)) {
        return void res.status(400).json({
          error: 'DUPLICATE_VALUE',
          message: `duplicate value found: AssigneeId, PermissionSetId duplicates value on record with id: ${set.assignments.find((a) => a.assigneeId === assigneeId)?.id}`,
        });
      }
      const assignment = { id: deps.store.nextId(KEY_PREFIX.PermissionSetAssignment), assigneeId };
      set.assignments.push(assignment);
      res.status(201).json({ Id: assignment.id, PermissionSetId: set.id, AssigneeId: assigneeId });
    }),
  );
  router.delete(
    '/orgs/:orgId/permission-set-assignments/:id',
    withOrg((org, req, res) => {
      const set = org.permissionSets.find((s) => s.assignments.some((a) => a.id === String(req.params.id)));
      if (!set)
        return void res
          .status(404)
          .json({ error: 'NOT_FOUND', message: `no permission set assignment ${String(req.params.id)}` });
      set.assignments = set.assignments.filter((a) => a.id !== String(req.params.id));
      res.status(204).end();
    }),
  );

  return router;
}
