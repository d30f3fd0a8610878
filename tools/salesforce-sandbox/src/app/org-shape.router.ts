import { json, Router } from 'express';
import type { OrgState, OrgStore } from './org.store';
import { addCustomField, checkFieldSecurity, fieldSecurityInput, newCustomField, removeCustomField } from './org-shape';
import { orgRoute } from './salesforce-admin.router';
import { rulesUsingField } from './org-rules/org-rules';
import { isCustomField, type FieldDef } from './sobject-schema';

const describeField = (f: FieldDef) => ({ ...f, custom: isCustomField(f) });

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

  router.get('/orgs/:orgId/sobjects/Task/fields', withOrg((org, _req, res) => {
    res.json(org.taskFields.map(describeField));
  }));
  router.post('/orgs/:orgId/sobjects/Task/fields', withOrg((org, req, res) => {
    const input = newCustomField.parse(req.body);
    org.taskFields = addCustomField(org.taskFields, input);
    res.status(201).json(describeField(org.taskFields[org.taskFields.length - 1]));
  }));
  // As in Salesforce, the field's values go with it (no write, no change event) and so does what users' security said of it.
  router.delete('/orgs/:orgId/sobjects/Task/fields/:name', withOrg((org, req, res) => {
    const usedBy = rulesUsingField(org.rules, String(req.params.name));
    if (usedBy.length > 0) {
      return void res.status(400).json({ error: 'FIELD_IN_USE', message: `This custom field is referenced elsewhere in salesforce.com: ${usedBy.join(', ')}` });
    }
    const outcome = removeCustomField(org.taskFields, String(req.params.name));
    if (!outcome) return void res.status(404).json({ error: 'NOT_FOUND', message: `Task has no field ${String(req.params.name)}` });
    org.taskFields = outcome.fields;
    org.tasks.dropField(outcome.removed.name);
    for (const user of org.users.values()) {
      const security = user.fieldSecurity?.Task;
      if (!security) continue;
      const keep = (names: string[]) => names.filter((n) => n !== outcome.removed.name);
      user.fieldSecurity = { ...user.fieldSecurity, Task: { hidden: keep(security.hidden), readOnly: keep(security.readOnly) } };
    }
    res.status(204).end();
  }));

  router.get('/orgs/:orgId/users/:userId/field-security', withOrg((org, req, res) => {
    res.json({ Task: userOf(org, String(req.params.userId)).fieldSecurity?.Task ?? { hidden: [], readOnly: [] } });
  }));
  router.put('/orgs/:orgId/users/:userId/field-security', withOrg((org, req, res) => {
    const user = userOf(org, String(req.params.userId));
    const security = checkFieldSecurity(org.taskFields, fieldSecurityInput.parse(req.body ?? {}).Task);
    user.fieldSecurity = { ...user.fieldSecurity, Task: security };
    res.json({ Task: security });
  }));

  return router;
}
