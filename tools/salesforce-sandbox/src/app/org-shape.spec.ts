import { buildTaskFields } from './org-schema';
import { addCustomField, checkFieldSecurity, newCustomField, removeCustomField } from './org-shape';

describe('custom Task fields as Setup creates them', () => {
  const fields = buildTaskFields();

  it('a text field: custom, nillable unless required, External ID and Unique as asked', () => {
    const added = addCustomField(
      fields,
      newCustomField.parse({
        name: 'Legacy_Key__c',
        label: 'Legacy Key',
        type: 'string',
        length: 40,
        externalId: true,
        unique: true,
        required: true,
      }),
    );
    expect(added.at(-1)).toEqual({
      name: 'Legacy_Key__c',
      label: 'Legacy Key',
      type: 'string',
      length: 40,
      createable: true,
      updateable: true,
      nillable: false,
      externalId: true,
      unique: true,
    });
    expect(added.slice(0, -1)).toEqual(fields);
  });

  it.each([
    [
      'a checkbox: never empty, defaulted to false',
      { name: 'Flag__c', type: 'boolean' },
      { nillable: false, defaultedOnCreate: true, label: 'Flag' },
    ],
    ['a number: 18 digits', { name: 'Score__c', type: 'int' }, { digits: 18, length: undefined }],
    [
      'a picklist: its values',
      { name: 'Tier__c', type: 'picklist', picklist: ['Gold', 'Silver'] },
      { length: 255, picklist: [{ value: 'Gold' }, { value: 'Silver' }] },
    ],
    ['a long text area: 32,768 characters unless told', { name: 'Notes__c', type: 'textarea' }, { length: 32_768 }],
  ])('%s', (_name, input, expected) => {
    expect(addCustomField(fields, newCustomField.parse(input)).at(-1)).toMatchObject(expected);
  });

  it.each([
    ['a name without __c', { name: 'Region', type: 'string' }],
    ['a name with double underscores', { name: 'My__Field__c', type: 'string' }],
    ['a name starting with a digit', { name: '1Region__c', type: 'string' }],
    ['an External ID checkbox', { name: 'Flag__c', type: 'boolean', externalId: true }],
    ['a Unique date', { name: 'When__c', type: 'date', unique: true }],
    ['a picklist without values', { name: 'Tier__c', type: 'picklist' }],
    ['values on a text field', { name: 'Tier__c', type: 'string', picklist: ['a'] }],
    ['a text field longer than 255', { name: 'Long__c', type: 'string', length: 256 }],
    ['a length on a date', { name: 'When__c', type: 'date', length: 10 }],
    ['a required checkbox', { name: 'Flag__c', type: 'boolean', required: true }],
    ['a type the sandbox does not model', { name: 'Amount__c', type: 'currency' }],
  ])('refuses %s', (_name, input) => {
    expect(newCustomField.safeParse(input).success).toBe(false);
  });

  it('refuses a name the org already has, in any case', () => {
    expect(() =>
      addCustomField(fields, newCustomField.parse({ name: 'salesconnect_task_id__c', type: 'string' })),
    ).toThrow('Task already has a field named salesconnect_task_id__c');
  });

  it('deletes custom fields only', () => {
    const outcome = removeCustomField(fields, 'SALESCONNECT_TASK_ID__C');
    expect(outcome?.removed.name).toBe('SalesConnect_Task_Id__c');
    expect(outcome?.fields.some((f) => f.name === 'SalesConnect_Task_Id__c')).toBe(false);
    expect(removeCustomField(fields, 'Nope__c')).toBeUndefined();
    expect(() => removeCustomField(fields, 'Description')).toThrow('Description is a standard field');
  });
});

describe('field-level security settings', () => {
  const fields = addCustomField(
    buildTaskFields(),
    newCustomField.parse({ name: 'Must__c', type: 'string', required: true }),
  );

  it('names fields as the schema spells them, once each', () => {
    expect(
      checkFieldSecurity(fields, {
        hidden: ['description', 'Description'],
        readOnly: ['activitydate', 'salesconnect_task_id__c'],
      }),
    ).toEqual({
      hidden: ['Description'],
      readOnly: ['ActivityDate', 'SalesConnect_Task_Id__c'],
    });
  });

  it.each([
    'Id',
    'Subject',
    'Status',
    'Priority',
    'OwnerId',
    'WhoId',
    'WhatId',
    'IsClosed',
    'CreatedDate',
    'SystemModstamp',
    'CallDurationInSeconds',
    'Must__c',
  ])('refuses to hide %s (required, system, or not subject to field-level security)', (name) => {
    expect(() => checkFieldSecurity(fields, { hidden: [name], readOnly: [] })).toThrow(
      'field-level security cannot be set',
    );
    expect(() => checkFieldSecurity(fields, { hidden: [], readOnly: [name] })).toThrow(
      'field-level security cannot be set',
    );
  });

  it('refuses a field the org does not have', () => {
    expect(() => checkFieldSecurity(fields, { hidden: ['Nope__c'], readOnly: [] })).toThrow(
      'Task has no field Nope__c',
    );
  });
});
