import type { TaskRecord } from '@task-sync/sfdc-client';
import { buildTaskRecord } from '@task-sync/sfdc-client/testing';
import type { SalesConnectTask } from '@task-sync/task-domain';
import { pairReads } from './pair-reads';

const record = (overrides: Partial<TaskRecord> = {}): TaskRecord =>
  buildTaskRecord({
    Id: '00T000000000001AAA',
    Subject: 'Call Ana',
    CreatedDate: '2026-11-24T10:00:00.000+0000',
    LastModifiedDate: '2026-11-24T10:05:00.000+0000',
    SystemModstamp: '2026-11-24T10:05:00.000+0000',
    ...overrides,
  });

const task = (overrides: Partial<SalesConnectTask> = {}): SalesConnectTask => ({
  id: 'sct_1',
  ownerId: 'scu_1',
  name: 'Call Ana',
  details: '',
  dueDate: '2026-11-25' as SalesConnectTask['dueDate'],
  status: 'Open',
  priority: 'Normal',
  type: 'call',
  contactEmail: 'ana@example.com',
  version: 4,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:06:00.000Z',
  completedAt: null,
  createdBy: 'task-sync',
  lastModifiedBy: 'salesconnect-ui',
  ...overrides,
});

describe('pairReads: what the drift repair read, as the rules take it', () => {
  const pair = { sfdcTaskId: '00T000000000001', salesConnectTaskId: 'sct_1' };
  const emails = new Map([['003000000000001AAA', 'ana@example.com']]);

  it('maps both sides as the ingests would (the 15-character link id finds the 18-character record; Low has no opinion)', () => {
    const [reads] = pairReads([pair], [record()], emails, [task()]);
    expect(reads.sfdc).toEqual({
      state: 'present',
      fields: {
        title: 'Call Ana',
        details: '',
        dueDate: '2026-11-25',
        open: true,
        priority: null,
        type: 'call',
        contactEmail: 'ana@example.com',
      },
      changedAt: '2026-11-24T10:05:00.000Z',
      createdAt: '2026-11-24T10:00:00.000Z',
      origin: null,
      ownerId: '005000000000001AAA',
      externalId: 'sct_1',
    });
    expect(reads.salesconnect).toMatchObject({
      state: 'present',
      changedAt: '2026-11-24T10:06:00.000Z',
      origin: 'salesconnect-ui',
      version: 4,
      fields: { priority: 'normal' },
    });
  });

  it('tells a deletion still on record (recycle bin, tombstone) from a task gone without a trace', () => {
    const [deleted] = pairReads(
      [pair],
      [record({ IsDeleted: true, SystemModstamp: '2026-11-24T11:00:00.000+0000' })],
      emails,
      [task({ deletedAt: '2026-11-24T11:30:00.000Z' })],
    );
    expect(deleted).toEqual({
      sfdc: { state: 'deleted', deletedAt: '2026-11-24T11:00:00.000Z' },
      salesconnect: { state: 'deleted', deletedAt: '2026-11-24T11:30:00.000Z' },
    });
    const [missing] = pairReads([pair], [], emails, []);
    expect(missing).toEqual({ sfdc: { state: 'missing' }, salesconnect: { state: 'missing' } });
  });
});
