import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Connection } from 'jsforce';
import { errorOf, startHarness, type Harness } from '../../testing/sandbox-harness';

/** The repository's Salesforce package (salesforce/), zipped with package.xml at the root. */
const PACKAGE_DIR = path.resolve(__dirname, '../../../../../salesforce');
function zipDir(dir: string, replace: Record<string, string | null> = {}): Buffer {
  const files: Record<string, Uint8Array> = {};
  const walk = (at: string, prefix: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else files[`${prefix}${name}`] = readFileSync(full);
    }
  };
  walk(dir, '');
  for (const [name, content] of Object.entries(replace)) {
    if (content === null) delete files[name];
    else files[name] = Buffer.from(content);
  }
  return Buffer.from(zipSync(files));
}

interface FieldDescribe {
  name: string;
  externalId: boolean;
  unique: boolean;
  createable: boolean;
  updateable: boolean;
  length: number;
  type: string;
}
const FIELD = 'SalesConnect_Task_Id__c';
const taskField = async (conn: Connection) =>
  ((await conn.sobject('Task').describe()).fields as unknown as FieldDescribe[]).find((f) => f.name === FIELD);

/** The Metadata API's deploy (SOAP), as jsforce's conn.metadata calls it, with the product's package. */
describe('Metadata API deploy of the salesforce/ package, driven by jsforce', () => {
  let h: Harness;
  let orgId: string;
  let admin: Connection;
  let rep: Connection;
  let repId: string;
  const org = (rest: string) => `/salesforce/orgs/${orgId}${rest}`;

  beforeAll(async () => {
    h = await startHarness();
    // A customer's org before the install: no SalesConnect_Task_Id__c.
    orgId = (
      await h.admin<{ id: string }>('POST', '/salesforce/orgs', { name: 'Fresh Org', salesConnectTaskIdField: false })
    ).body.id;
    await h.admin('POST', org('/users'), { username: 'admin@fresh.test', modifyAllData: true, viewAllData: true });
    repId = (await h.admin<{ Id: string }>('POST', org('/users'), { username: 'rep@fresh.test' })).body.Id;
    admin = await h.login('admin@fresh.test', 'sandbox');
    rep = await h.login('rep@fresh.test', 'sandbox');
  });
  afterAll(() => h.close());

  it('an org created without the field has none: describe leaves it out, the Tooling API lists no such CustomField, and SOQL naming it is INVALID_FIELD', async () => {
    expect(await taskField(rep)).toBeUndefined();
    expect(
      (
        await rep.tooling.query(
          "SELECT Id FROM CustomField WHERE TableEnumOrId = 'Activity' AND DeveloperName = 'SalesConnect_Task_Id'",
        )
      ).totalSize,
    ).toBe(0);
    expect((await errorOf(rep.query(`SELECT Id, ${FIELD} FROM Task`))).name).toBe('INVALID_FIELD');
  });

  it('deploy answers Queued; checkDeployStatus with details names each component; the field is External ID and Unique, seen by whoever is assigned the permission set', async () => {
    const queued = await admin.metadata.deploy(zipDir(PACKAGE_DIR), { singlePackage: true, rollbackOnError: true });
    expect(queued).toMatchObject({ done: false, state: 'Queued' });
    expect(queued.id).toMatch(/^0Af/);

    const result = await admin.metadata.checkDeployStatus(queued.id, true);
    expect(result).toMatchObject({
      id: queued.id,
      done: true,
      status: 'Succeeded',
      success: true,
      checkOnly: false,
      rollbackOnError: true,
      numberComponentErrors: 0,
      numberComponentsDeployed: 2,
      numberComponentsTotal: 2,
    });
    const successes = [result.details.componentSuccesses ?? []].flat();
    expect(successes.map((m) => [m.componentType, m.fullName, m.created])).toEqual(
      expect.arrayContaining([
        ['CustomField', `Activity.${FIELD}`, true],
        ['PermissionSet', 'SalesConnect_Task_Sync', true],
      ]),
    );
    expect([result.details.componentFailures ?? []].flat()).toEqual([]);

    // A field the Metadata API creates has no field-level security: the rep does not see it yet,
    // though the Tooling API's CustomField lists it (on Activity, without __c) for anyone who asks.
    expect(await taskField(rep)).toBeUndefined();
    const customFields =
      "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField WHERE TableEnumOrId = 'Activity' AND DeveloperName = 'SalesConnect_Task_Id'";
    expect((await rep.tooling.query<{ Id: string }>(customFields)).records).toEqual([
      expect.objectContaining({
        DeveloperName: 'SalesConnect_Task_Id',
        TableEnumOrId: 'Activity',
        Id: expect.stringMatching(/^00N/),
      }),
    ]);
    const sets = (await h.admin<{ name: string; id: string }[]>('GET', org('/permission-sets'))).body;
    expect(sets.map((s) => s.name)).toEqual(['SalesConnect_Task_Sync']);
    const assigned = await h.admin<{ Id: string; PermissionSetId: string; AssigneeId: string }>(
      'POST',
      org('/permission-set-assignments'),
      { permissionSet: 'SalesConnect_Task_Sync', userId: repId },
    );
    expect(assigned).toMatchObject({ status: 201, body: { PermissionSetId: sets[0].id, AssigneeId: repId } });
    expect(assigned.body.Id).toMatch(/^0Pa/);
    expect(
      (
        await h.admin('POST', org('/permission-set-assignments'), {
          permissionSet: 'SalesConnect_Task_Sync',
          userId: repId,
        })
      ).status,
    ).toBe(400);

    expect(await taskField(rep)).toMatchObject({
      type: 'string',
      length: 64,
      externalId: true,
      unique: true,
      createable: true,
      updateable: true,
    });
    const upserted = await rep.sobject('Task').upsert({ Subject: 'after install', [FIELD]: 'sc-1' }, FIELD);
    expect(upserted).toMatchObject({ success: true, created: true });
    // Unique: a second task with the same value is refused.
    expect((await errorOf(rep.sobject('Task').create({ Subject: 'twin', [FIELD]: 'SC-1' }))).name).toBe(
      'DUPLICATE_VALUE',
    );

    // Without the assignment the field is gone for the rep again.
    await h.admin('DELETE', org(`/permission-set-assignments/${assigned.body.Id}`));
    expect(await taskField(rep)).toBeUndefined();
    await h.admin('POST', org('/permission-set-assignments'), {
      permissionSet: 'SalesConnect_Task_Sync',
      userId: repId,
    });
  });

  it('deploying again changes nothing: created and changed false', async () => {
    const { id } = await admin.metadata.deploy(zipDir(PACKAGE_DIR), { singlePackage: true, rollbackOnError: true });
    const result = await admin.metadata.deploy(zipDir(PACKAGE_DIR), { singlePackage: true }).complete(true);
    expect(result).toMatchObject({ status: 'Succeeded', success: true });
    const field = [result.details.componentSuccesses].flat().find((m) => m.componentType === 'CustomField');
    expect(field).toMatchObject({ created: false, changed: false });
    expect((await admin.metadata.checkDeployStatus(id, false)).status).toBe('Succeeded');
    expect(await taskField(rep)).toMatchObject({ externalId: true, unique: true });
  });

  it('a field made External ID but not Unique becomes Unique; with two live tasks sharing a value the deploy fails and rolls back', async () => {
    const defaultOrg = h.sandbox.defaults.orgId;
    // The default org's field is Unique (as the package makes it): re-created here as an admin might have made it by hand.
    expect((await h.admin('DELETE', `/salesforce/orgs/${defaultOrg}/sobjects/Task/fields/${FIELD}`)).status).toBe(204);
    expect(
      (
        await h.admin('POST', `/salesforce/orgs/${defaultOrg}/sobjects/Task/fields`, {
          name: FIELD,
          type: 'string',
          length: 64,
          externalId: true,
        })
      ).status,
    ).toBe(201);
    const sfAdmin = await h.login(h.sandbox.defaults.adminUsername, h.sandbox.defaults.adminPassword);
    await h.admin('POST', `/salesforce/orgs/${defaultOrg}/tasks`, [
      { Subject: 'a', [FIELD]: 'dup-1' },
      { Subject: 'b', [FIELD]: 'DUP-1' },
    ]);
    const failed = await sfAdmin.metadata
      .deploy(zipDir(PACKAGE_DIR), { singlePackage: true, rollbackOnError: true })
      .complete(true);
    expect(failed).toMatchObject({
      status: 'Failed',
      success: false,
      numberComponentErrors: 1,
      numberComponentsDeployed: 0,
    });
    expect([failed.details.componentFailures].flat()[0]).toMatchObject({
      componentType: 'CustomField',
      fullName: `Activity.${FIELD}`,
      problemType: 'Error',
      success: false,
    });
    const repConn = await h.login();
    expect(await taskField(repConn)).toMatchObject({ externalId: true, unique: false });
    // Nothing of the failed deploy stayed: no permission set either.
    expect((await h.admin<unknown[]>('GET', `/salesforce/orgs/${defaultOrg}/permission-sets`)).body).toEqual([]);

    const tasks = (await h.admin<{ Id: string; Subject: string }[]>('GET', `/salesforce/orgs/${defaultOrg}/tasks`))
      .body;
    await repConn.sobject('Task').destroy(tasks.filter((t) => t.Subject === 'b').map((t) => t.Id));
    const done = await sfAdmin.metadata
      .deploy(zipDir(PACKAGE_DIR), { singlePackage: true, rollbackOnError: true })
      .complete(true);
    expect(done).toMatchObject({ status: 'Succeeded' });
    expect([done.details.componentSuccesses].flat().find((m) => m.componentType === 'CustomField')).toMatchObject({
      created: false,
      changed: true,
    });
    // An existing field keeps its field-level security: the default rep still sees it, now Unique.
    expect(await taskField(repConn)).toMatchObject({ externalId: true, unique: true, createable: true });
  });

  it('checkOnly validates without changing the org; a permission set naming a field the org lacks fails', async () => {
    const other = (
      await h.admin<{ id: string }>('POST', '/salesforce/orgs', { name: 'Check Org', salesConnectTaskIdField: false })
    ).body.id;
    await h.admin('POST', `/salesforce/orgs/${other}/users`, { username: 'admin@check.test', modifyAllData: true });
    const conn = await h.login('admin@check.test', 'sandbox');
    const checked = await conn.metadata
      .deploy(zipDir(PACKAGE_DIR), { singlePackage: true, checkOnly: true })
      .complete(true);
    expect(checked).toMatchObject({ status: 'Succeeded', checkOnly: true });
    expect(
      (await h.admin<{ name: string }[]>('GET', `/salesforce/orgs/${other}/sobjects/Task/fields`)).body.map(
        (f) => f.name,
      ),
    ).not.toContain(FIELD);

    const setOnly = readFileSync(path.join(PACKAGE_DIR, 'package.xml'), 'utf8').replace(
      /<types>\s*<members>Activity[^<]*<\/members>\s*<name>CustomField<\/name>\s*<\/types>/,
      '',
    );
    const failed = await conn.metadata
      .deploy(zipDir(PACKAGE_DIR, { 'package.xml': setOnly, 'objects/Activity.object': null }), {
        singlePackage: true,
        rollbackOnError: true,
      })
      .complete(true);
    expect(failed).toMatchObject({ status: 'Failed', success: false });
    expect([failed.details.componentFailures].flat()[0]).toMatchObject({
      componentType: 'PermissionSet',
      problem: `In field: field - no CustomField named Task.${FIELD} found`,
    });
  });

  it('a package.xml member missing from the zip, a zip without package.xml, a user without Modify All Data, an unknown deploy id: as Salesforce answers them', async () => {
    const missing = await admin.metadata
      .deploy(zipDir(PACKAGE_DIR, { 'objects/Activity.object': null }), { singlePackage: true, rollbackOnError: true })
      .complete(true);
    expect([missing.details.componentFailures].flat()[0]).toMatchObject({
      fullName: `Activity.${FIELD}`,
      problem: `An object 'Activity.${FIELD}' of type CustomField was named in package.xml, but was not found in zipped directory`,
    });
    // singlePackage false: package.xml is looked for in a folder of its own (unpackaged/), not at the root.
    const noManifest = await admin.metadata.deploy(zipDir(PACKAGE_DIR), { singlePackage: false }).complete(true);
    expect(noManifest).toMatchObject({ status: 'Failed' });
    expect([noManifest.details.componentFailures].flat()[0]).toMatchObject({ problem: 'No package.xml found' });

    const refused = await errorOf(rep.metadata.deploy(zipDir(PACKAGE_DIR), { singlePackage: true }));
    expect(refused.name).toBe('sf:INSUFFICIENT_ACCESS');
    expect(refused.message).toContain('requires a user with the ModifyAllData or ModifyMetadata permissions');
    expect((await errorOf(admin.metadata.checkDeployStatus('0Af000000000999AAA', true))).name).toBe(
      'sf:INVALID_ID_FIELD',
    );
    // Each Metadata API call is counted, by its operation.
    const { body } = await h.admin<{ calls: { endpoint: string; tenant: string; count: number }[] }>('GET', '/calls');
    expect(
      body.calls
        .filter((c) => c.tenant === orgId && c.endpoint.startsWith('POST Soap/m '))
        .map((c) => c.endpoint)
        .sort(),
    ).toEqual(['POST Soap/m checkDeployStatus', 'POST Soap/m deploy']);
  });
});
