import type { Connection } from 'jsforce';
import { API_VERSION, errorOf, startHarness, type Harness } from '../testing/sandbox-harness';

const VIEW_ALL_DATA = 'SELECT PermissionsViewAllData FROM UserPermissionAccess';
const TASK_SELECTED =
  "SELECT Id, DeveloperName, EventChannel, SelectedEntity FROM PlatformEventChannelMember WHERE EventChannel = 'ChangeEvents' AND SelectedEntity = 'TaskChangeEvent'";

/**
 * What an org-level reader's preflight asks Salesforce, answered as Salesforce does, through jsforce
 * unmodified: the running user's own View All Data (UserPermissionAccess), the org's Change Data
 * Capture selection (the Tooling API's PlatformEventChannelMember), and Task's fields as the user sees them.
 */
describe("an org reader's checks: UserPermissionAccess, the Tooling API's channel members, Task's describe", () => {
  let h: Harness;
  let orgId: string;
  let rep: Connection;
  let admin: Connection;

  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    h.sandbox.reset();
    orgId = h.sandbox.defaults.orgId;
    rep = await h.login();
    admin = await h.login(h.sandbox.defaults.adminUsername, h.sandbox.defaults.adminPassword);
  });
  afterAll(() => h.close());

  describe('UserPermissionAccess: the running user’s own permissions, one row', () => {
    it('answers View All Data for whoever asks: the administrator has it, the rep does not until it is granted', async () => {
      const asAdmin = await admin.query<{ PermissionsViewAllData: boolean }>(VIEW_ALL_DATA);
      expect(asAdmin).toMatchObject({ totalSize: 1, done: true });
      expect(asAdmin.records[0]).toEqual({
        attributes: { type: 'UserPermissionAccess' },
        PermissionsViewAllData: true,
      });
      expect(
        (await rep.query<{ PermissionsViewAllData: boolean }>(VIEW_ALL_DATA)).records[0].PermissionsViewAllData,
      ).toBe(false);

      await h.admin('PUT', `/salesforce/orgs/${orgId}/users/${h.sandbox.defaults.userId}/permissions`, {
        viewAllData: true,
      });
      expect(
        (await rep.query<{ PermissionsViewAllData: boolean }>(VIEW_ALL_DATA)).records[0].PermissionsViewAllData,
      ).toBe(true);
    });

    it('has no Id and answers describe and query only', async () => {
      expect((await errorOf(rep.query('SELECT Id FROM UserPermissionAccess'))).errorCode).toBe('INVALID_FIELD');
      const described = await rep.sobject('UserPermissionAccess').describe();
      expect(described).toMatchObject({
        name: 'UserPermissionAccess',
        queryable: true,
        retrieveable: false,
        createable: false,
      });
      expect(described.fields.map((f) => f.name)).toEqual(
        expect.arrayContaining(['PermissionsViewAllData', 'LastCacheUpdate']),
      );
      const row = (
        await rep.query<Record<string, unknown>>(
          'SELECT LastCacheUpdate, PermissionsApiEnabled FROM UserPermissionAccess',
        )
      ).records[0];
      expect(row).toMatchObject({
        PermissionsApiEnabled: true,
        LastCacheUpdate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });
  });

  describe("the Tooling API's PlatformEventChannelMember: the org's Change Data Capture selection", () => {
    it('lists Task on the ChangeEvents channel while it is selected in Setup, and nothing once it is not', async () => {
      const selected = await admin.tooling.query<Record<string, unknown>>(TASK_SELECTED);
      expect(selected.totalSize).toBe(1);
      expect(selected.records[0]).toEqual({
        attributes: {
          type: 'PlatformEventChannelMember',
          url: expect.stringMatching(
            new RegExp(`^/services/data/v${API_VERSION}/tooling/sobjects/PlatformEventChannelMember/0v8`),
          ),
        },
        Id: expect.stringMatching(/^0v8[A-Za-z0-9]{15}$/),
        DeveloperName: 'ChangeEvents_TaskChangeEvent',
        EventChannel: 'ChangeEvents',
        SelectedEntity: 'TaskChangeEvent',
      });
      // The same member every time: its id does not change between calls.
      expect((await admin.tooling.query<{ Id: string }>(TASK_SELECTED)).records[0].Id).toBe(selected.records[0].Id);

      await h.admin('PUT', `/salesforce/orgs/${orgId}/change-data-capture`, { taskSelected: false });
      expect(await admin.tooling.query(TASK_SELECTED)).toMatchObject({ totalSize: 0, done: true, records: [] });
      expect(
        (
          await admin.tooling.query(
            "SELECT Id FROM PlatformEventChannelMember WHERE SelectedEntity = 'AccountChangeEvent'",
          )
        ).totalSize,
      ).toBe(0);
    });

    it('is an object of the Tooling API only, and the Tooling API does not answer the data objects', async () => {
      expect((await errorOf(admin.query('SELECT Id FROM PlatformEventChannelMember'))).errorCode).toBe('INVALID_TYPE');
      expect((await errorOf(admin.tooling.query('SELECT Id FROM Task'))).errorCode).toBe('INVALID_TYPE');
      expect((await errorOf(admin.tooling.query('SELECT Nope FROM PlatformEventChannelMember'))).errorCode).toBe(
        'INVALID_FIELD',
      );
      const global = await admin.describeGlobal();
      expect(global.sobjects.map((o) => o.name)).toContain('UserPermissionAccess');
      expect(global.sobjects.map((o) => o.name)).not.toContain('PlatformEventChannelMember');
    });

    it('counts each Tooling query against the org’s API requests, as every REST call', async () => {
      h.sandbox.calls.reset();
      await admin.tooling.query(TASK_SELECTED);
      const calls = (await h.admin<{ calls: { endpoint: string; count: number }[] }>('GET', '/calls')).body.calls;
      expect(calls).toEqual(
        expect.arrayContaining([expect.objectContaining({ endpoint: 'GET tooling/query', count: 1 })]),
      );
    });
  });

  describe("Task's external-id field as the reader sees it", () => {
    it('is in the describe while field-level security shows it, and gone when it hides it', async () => {
      const fieldsOf = async (conn: Connection) => (await conn.sobject('Task').describe()).fields.map((f) => f.name);
      expect(await fieldsOf(admin)).toContain('SalesConnect_Task_Id__c');
      await h.admin('PUT', `/salesforce/orgs/${orgId}/users/${h.sandbox.defaults.adminUserId}/field-security`, {
        Task: { hidden: ['SalesConnect_Task_Id__c'] },
      });
      // A new connection: jsforce keeps no describe cache across connections.
      const again = await h.login(h.sandbox.defaults.adminUsername, h.sandbox.defaults.adminPassword);
      expect(await fieldsOf(again)).not.toContain('SalesConnect_Task_Id__c');
    });
  });
});
