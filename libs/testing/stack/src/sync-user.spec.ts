import { viewOfSc, viewOfSfdc } from './sync-user';
import type { ScTask } from '@task-sync/salesconnect-sandbox/testing';
import type { SfdcTaskRecord } from '@task-sync/salesforce-sandbox/testing';

// The scenarios and the benchmark compare the two sides through these views: a wrong pairing
// here would make unequal sides look equal.
describe('the task views the harness compares', () => {
  const sc: ScTask = {
    id: 'sct_1',
    name: 'Call Ana',
    details: 'about the renewal',
    dueDate: '2026-11-25',
    status: 'Complete',
    priority: 'High',
    type: 'call',
    contactEmail: null,
    ownerId: 'scu_1',
    createdAt: '',
    updatedAt: '',
    createdBy: 'ui',
    lastModifiedBy: 'ui',
  };
  const sfdc: SfdcTaskRecord = {
    Id: '00T1',
    Subject: 'Call Ana',
    Description: 'about the renewal',
    ActivityDate: '2026-11-25',
    Status: 'Completed',
    IsClosed: true,
    Priority: 'High',
    TaskSubtype: 'Call',
    OwnerId: '0051',
    SalesConnect_Task_Id__c: null,
    SystemModstamp: '',
    deletedAt: null,
    lastModifiedByClient: null,
  };

  it('maps a Sales Connect task and its Salesforce twin to the same view', () => {
    expect(viewOfSfdc(sfdc)).toEqual(viewOfSc(sc));
  });

  it('tells them apart when a mapped field differs', () => {
    expect(viewOfSfdc({ ...sfdc, IsClosed: false, Status: 'Not Started' })).not.toEqual(viewOfSc(sc));
    expect(viewOfSfdc({ ...sfdc, TaskSubtype: 'Email' })).not.toEqual(viewOfSc(sc));
    expect(viewOfSfdc({ ...sfdc, Subject: null })).toMatchObject({ title: '' });
  });
});
