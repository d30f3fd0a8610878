import { SalesforceAdmin, SalesforceUser, ServiceProcess } from '@task-sync/testing-stack';
import { SalesforceSessionHandle, SalesforceTaskReader, TASKS_BY_ID_LIMIT } from '@task-sync/sfdc-client';

/**
 * The stream's by-id read (sfdc-client, jsforce unmodified) against the Salesforce sandbox process,
 * whose HTTP server refuses a request line and headers past 16,384 bytes as Salesforce does: a full
 * batch of TASKS_BY_ID_LIMIT ids is one GET that fits (600 did not: jsforce's URL encodes the quotes
 * too), and a deleted task answers with IsDeleted.
 */
describe('sfdc-client: reading tasks by id, TASKS_BY_ID_LIMIT a call', () => {
  let sandbox: ServiceProcess;
  let sf: SalesforceAdmin;

  beforeAll(async () => {
    sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    sf = new SalesforceAdmin(sandbox.url);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('reads a full batch and one more in two calls, every task once, the deleted one with IsDeleted', async () => {
    const orgId = await sf.createOrg('By-id Org');
    const readerId = await sf.createUser(orgId, 'reader@by-id.test', 'sandbox', { viewAllData: true });
    const seeded = await sf.seedTasks(
      orgId,
      Array.from({ length: TASKS_BY_ID_LIMIT + 1 }, (_, i) => ({
        Subject: `by-id #${i}`,
        OwnerId: readerId,
        Status: 'Not Started',
        Priority: 'Normal',
      })),
    );
    const ids = seeded.map((t) => t.Id);
    const user = await SalesforceUser.login(sandbox.url, 'reader@by-id.test');
    await user.deleteTask(ids[7]);
    const { accessToken, instanceUrl } = await user.session();

    const handle = new SalesforceSessionHandle(
      orgId,
      { obtain: async () => ({ orgId, userId: readerId, instanceUrl, accessToken }) },
      { apiVersion: '62.0', clientName: 'task-sync' },
    );
    const reader = new SalesforceTaskReader(handle);
    const callsBefore = await sf.apiCallsOf(orgId);
    const records = await reader.readTasksByIds(ids);

    expect(reader.calls).toBe(2);
    expect(await sf.apiCallsOf(orgId)).toBe(callsBefore + 2);
    expect(records.map((r) => r.Id).sort()).toEqual([...ids].sort());
    expect(records.filter((r) => r.IsDeleted).map((r) => r.Id)).toEqual([ids[7]]);
  });
});
