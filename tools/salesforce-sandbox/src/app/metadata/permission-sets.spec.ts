import { effectiveTaskSecurity, type PermissionSetRecord } from './permission-sets';

const set = (assigneeId: string, fieldPermissions: PermissionSetRecord['fieldPermissions']): PermissionSetRecord => ({
  id: '0PS000000000001AAA',
  name: 'SalesConnect_Task_Sync',
  label: 'Sales Connect Task Sync',
  description: null,
  fieldPermissions,
  assignments: [{ id: '0Pa000000000001AAA', assigneeId }],
});

describe('effectiveTaskSecurity: a permission set adds access, never removes it', () => {
  const own = { hidden: ['SalesConnect_Task_Id__c', 'CallType'], readOnly: ['Description'] };

  it('an assigned set granting read and edit makes a hidden field visible and editable', () => {
    expect(
      effectiveTaskSecurity(own, 'u1', [
        set('u1', [{ field: 'Task.SalesConnect_Task_Id__c', readable: true, editable: true }]),
      ]),
    ).toEqual({ hidden: ['CallType'], readOnly: ['Description'] });
  });

  it('read only: the field becomes visible, read-only', () => {
    expect(
      effectiveTaskSecurity(own, 'u1', [
        set('u1', [{ field: 'task.salesconnect_task_id__c', readable: true, editable: false }]),
      ]),
    ).toEqual({ hidden: ['CallType'], readOnly: ['Description', 'SalesConnect_Task_Id__c'] });
  });

  it('edit lifts a read-only setting; a set assigned to another user, or none, changes nothing', () => {
    expect(
      effectiveTaskSecurity(own, 'u1', [set('u1', [{ field: 'Task.Description', readable: true, editable: true }])]),
    ).toEqual({ hidden: own.hidden, readOnly: [] });
    expect(
      effectiveTaskSecurity(own, 'u1', [
        set('u2', [{ field: 'Task.SalesConnect_Task_Id__c', readable: true, editable: true }]),
      ]),
    ).toBe(own);
    expect(effectiveTaskSecurity(undefined, 'u1', [])).toBeUndefined();
  });
});
