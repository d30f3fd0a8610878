import { SalesforceAdmin, ServiceProcess } from '@task-sync/testing-stack';
import { passwordAccessToken as accessToken, sfdcDeploy } from './support/sfdc-deploy';

const FIELD = 'SalesConnect_Task_Id__c';

/** The rep's view of Task's external-id field, as describe answers it (undefined: the rep does not have it). */
async function repField(sandboxUrl: string, token: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${sandboxUrl}/services/data/v62.0/sobjects/Task/describe`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { fields: Record<string, unknown>[] }).fields.find((f) => f.name === FIELD);
}

/**
 * Installing the product's Salesforce package with the documented command against the Salesforce
 * sandbox process: an org without the field gets it (External ID, Unique) and the permission set;
 * the rep has the field once assigned the set; a non-administrator and a check-only run change nothing.
 */
describe('npm run sfdc:deploy: the salesforce/ package through the Metadata API', () => {
  let sandbox: ServiceProcess;
  let sf: SalesforceAdmin;

  beforeAll(async () => {
    sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    sf = new SalesforceAdmin(sandbox.url);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('deploys the field and the permission set to an org without them; the assigned rep then sees the field External ID and Unique, writable', async () => {
    const orgId = await sf.createOrg('Install Org', undefined, { salesConnectTaskIdField: false });
    await sf.createUser(orgId, 'admin@install.test', 'sandbox', { modifyAllData: true });
    const repId = await sf.createUser(orgId, 'rep@install.test');
    const repToken = await accessToken(sandbox.url, 'rep@install.test');
    expect(await repField(sandbox.url, repToken)).toBeUndefined();

    const deployed = await sfdcDeploy(
      '--instance-url',
      sandbox.url,
      '--access-token',
      await accessToken(sandbox.url, 'admin@install.test'),
    );
    expect(deployed.code).toBe(0);
    expect(deployed.stdout.trim().split('\n')).toEqual([
      `ok      CustomField Activity.${FIELD} (created)`,
      'ok      PermissionSet SalesConnect_Task_Sync (created)',
      expect.stringMatching(/^deploy 0Af\w{15} Succeeded: 2 component\(s\)$/),
    ]);
    // A deployed field has no field-level security until the permission set is assigned.
    expect(await repField(sandbox.url, repToken)).toBeUndefined();
    await sf.assignPermissionSet(orgId, 'SalesConnect_Task_Sync', repId);
    expect(await repField(sandbox.url, repToken)).toMatchObject({
      type: 'string',
      length: 64,
      externalId: true,
      unique: true,
      createable: true,
      updateable: true,
    });

    // Run again: the same package, nothing to change.
    const again = await sfdcDeploy(
      '--instance-url',
      sandbox.url,
      '--access-token',
      await accessToken(sandbox.url, 'admin@install.test'),
    );
    expect(again.stdout).toContain(`ok      CustomField Activity.${FIELD} (unchanged)`);
  });

  it('a rep without Modify All Data is refused and a check-only run validates without changing the org', async () => {
    const orgId = await sf.createOrg('Check Org', undefined, { salesConnectTaskIdField: false });
    await sf.createUser(orgId, 'admin@check-install.test', 'sandbox', { modifyAllData: true });
    await sf.createUser(orgId, 'rep@check-install.test');

    const refused = await sfdcDeploy(
      '--instance-url',
      sandbox.url,
      '--access-token',
      await accessToken(sandbox.url, 'rep@check-install.test'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions',
    );

    const checked = await sfdcDeploy(
      '--instance-url',
      sandbox.url,
      '--access-token',
      await accessToken(sandbox.url, 'admin@check-install.test'),
      '--check-only',
    );
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/^validation 0Af\w{15} Succeeded: 2 component\(s\)$/m);
    const adminToken = await accessToken(sandbox.url, 'admin@check-install.test');
    // The administrator sees every field the org has (no field-level security set): still none.
    expect(await repField(sandbox.url, adminToken)).toBeUndefined();
  });
});
