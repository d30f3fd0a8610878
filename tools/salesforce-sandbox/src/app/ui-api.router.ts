import { Router } from 'express';
import { apiContext } from './api-guard.middleware';
import { schemaFor } from './org-schema';
import { findRecordType, MASTER_RECORD_TYPE_ID } from './org-rules/record-types';
import { toId15 } from './salesforce-id';
import { SfdcError, sendSfdcError } from './sfdc-error';

const picklistValue = (value: string, label: string) => ({ attributes: null, label, validFor: [], value });

/** "Get Values for a Picklist Field" (API 41.0+): scoped to a record type, unlike describe's. Task only. */
export function createUiApiRouter(): Router {
  const router = Router({ mergeParams: true });
  router.get('/ui-api/object-info/:object/picklist-values/:recordTypeId/:field', (req, res) => {
    const ctx = apiContext(res);
    const { object, recordTypeId, field: fieldName } = req.params as Record<string, string>;
    try {
      if (object.toLowerCase() !== 'task')
        throw new SfdcError(400, 'INVALID_TYPE', `Object ${object} is not supported in the sandbox's UI API`);
      const field = schemaFor(ctx.org, ctx.user).field('Task', fieldName);
      if (!field || field.type !== 'picklist')
        throw new SfdcError(
          404,
          'NOT_FOUND',
          `The requested resource does not exist: ${fieldName} is not a picklist of Task`,
        );
      const master = toId15(recordTypeId) === toId15(MASTER_RECORD_TYPE_ID);
      const recordType = master ? undefined : findRecordType(ctx.org.rules.recordTypes, recordTypeId);
      if (!master && !recordType)
        throw new SfdcError(404, 'NOT_FOUND', `The requested resource does not exist: record type ${recordTypeId}`);
      const all = field.picklist ?? [];
      const scoped =
        recordType && field.name === 'Status' ? all.filter((p) => recordType.statuses.includes(p.value)) : all;
      const defaultValue =
        recordType && field.name === 'Status' ? recordType.defaultStatus : all.find((p) => p.isDefault)?.value;
      const labelOf = (value: string) => all.find((p) => p.value === value)?.label ?? value;
      res.json({
        controllerValues: {},
        defaultValue: defaultValue ? picklistValue(defaultValue, labelOf(defaultValue)) : null,
        eTag: `${recordTypeId}:${field.name}:${scoped.map((p) => p.value).join('|')}`,
        url: `/services/data/${ctx.version}/ui-api/object-info/Task/picklist-values/${recordTypeId}/${field.name}`,
        values: scoped.map((p) => picklistValue(p.value, p.label ?? p.value)),
      });
    } catch (e) {
      sendSfdcError(res, e);
    }
  });
  return router;
}
