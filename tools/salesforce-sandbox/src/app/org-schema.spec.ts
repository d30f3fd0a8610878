import { SandboxClock } from '@task-sync/util-sandbox-kit';
import { buildTaskFields, deriveAccountId, newTaskDefaults, schemaFor } from './org-schema';
import { OrgStore } from './org.store';
import type { UserRecord } from './sandbox-records';
import { SCHEMA } from './sobject-schema';

const userWith = (hidden: string[], readOnly: string[]): UserRecord => ({
  fields: {},
  password: 'x',
  fieldSecurity: { Task: { hidden, readOnly } },
});

describe("schemaFor: an org's Task fields as one user sees them", () => {
  const org = { taskFields: buildTaskFields() };

  it('without field-level security resolves every field case-insensitively, and the relationships', () => {
    const schema = schemaFor(org);
    expect(schema.fields('Task').map((f) => f.name)).toEqual(SCHEMA.Task.map((f) => f.name));
    expect(schema.field('Task', 'salesconnect_task_id__C')?.name).toBe('SalesConnect_Task_Id__c');
    expect(schema.relationship('Task', 'account')?.name).toBe('AccountId');
    expect(schema.relationship('Task', 'RecurrenceActivity')?.referenceTo).toEqual(['Task']);
    expect(schema.field('Contact', 'email')?.name).toBe('Email');
  });

  it('hides hidden fields and makes read-only ones neither createable nor updateable', () => {
    const schema = schemaFor(org, userWith(['description'], ['ActivityDate']));
    expect(schema.field('Task', 'Description')).toBeUndefined();
    expect(schema.fields('Task').some((f) => f.name === 'Description')).toBe(false);
    expect(schema.field('Task', 'ActivityDate')).toMatchObject({ createable: false, updateable: false });
    // The org's own list is untouched.
    expect(schemaFor(org).field('Task', 'ActivityDate')).toMatchObject({ createable: true, updateable: true });
  });

  it('answers the same view for the same fields and security (it keys the compiled-query cache), a new one after a change', () => {
    expect(schemaFor(org, userWith(['Description'], []))).toBe(schemaFor(org, userWith(['Description'], [])));
    expect(schemaFor(org)).toBe(schemaFor(org, null));
    expect(schemaFor({ taskFields: buildTaskFields() })).not.toBe(schemaFor(org));
  });
});

describe("a new task's defaults and derived fields", () => {
  it('checkboxes are false, picklists take their default, the rest is null', () => {
    const defaults = newTaskDefaults(buildTaskFields());
    expect(defaults).toMatchObject({
      Status: 'Not Started',
      Priority: 'Normal',
      TaskSubtype: 'Task',
      IsArchived: false,
      IsRecurrence: false,
      IsReminderSet: false,
      CallType: null,
      AccountId: null,
      SalesConnect_Task_Id__c: null,
    });
  });

  it.each([
    ['an Account', '001000000000001AAA', '001000000000001AAA'],
    ['nothing', null, null],
    ['another object', '006000000000001AAA', null],
  ])('AccountId when WhatId names %s', (_what, whatId, accountId) => {
    expect(deriveAccountId(whatId)).toBe(accountId);
  });
});

describe("snapshots of an org's Task fields", () => {
  it("keep its custom fields; a snapshot from before org shaping loads with a new org's fields and gives old tasks the new defaults", () => {
    const store = new OrgStore(new SandboxClock(), 1000);
    const { org } = store.seedDefaults();
    org.taskFields = [
      ...org.taskFields,
      {
        name: 'Region__c',
        label: 'Region',
        type: 'string',
        length: 20,
        createable: true,
        updateable: true,
        nillable: true,
      },
    ];
    const state = store.toJSON();
    expect(state.orgs[0].taskCustomFields?.map((f) => f.name)).toEqual(['SalesConnect_Task_Id__c', 'Region__c']);

    const restored = new OrgStore(new SandboxClock(), 1000);
    restored.loadJSON(state);
    expect(restored.getOrg(org.id)?.taskFields.map((f) => f.name)).toEqual([
      ...SCHEMA.Task.map((f) => f.name),
      'Region__c',
    ]);

    const old = store.toJSON();
    delete old.orgs[0].taskCustomFields;
    old.orgs[0].tasks = [
      {
        fields: { Id: '00T000000000001AAA', Subject: 'old', SystemModstamp: 0 },
        deletedAt: null,
        lastModifiedByClient: null,
      },
    ];
    restored.loadJSON(old);
    const loaded = restored.getOrg(org.id);
    expect(loaded?.taskFields.map((f) => f.name)).toEqual(SCHEMA.Task.map((f) => f.name));
    expect(loaded?.tasks.get('00T000000000001AAA')?.fields).toMatchObject({
      Subject: 'old',
      IsArchived: false,
      IsReminderSet: false,
      CallType: null,
    });
  });
});
