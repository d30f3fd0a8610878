import path from 'node:path';
import type { Browser } from 'playwright-core';
import { CONNECTION_STATUS_CHANGED, ConnectionStatusChanged, encodeEvent, KAFKA_TOPICS } from '@task-sync/contracts';
import { SalesforceAdmin, ServiceProcess, signUserToken, withPg } from '@task-sync/testing-stack';
import { expectNoSeriousA11yViolations } from './support/accessibility';
import { launchChromium, SCREENSHOTS } from './support/browser';
import { SalesforceStack } from './support/salesforce-stack';
import { statusChanged, uniqueId, useKafkaClients } from './support/stack';

const SECRET = 'page-spec-secret-page-spec-secret-page-000';

// The settings page in a real Chromium: connect through the Salesforce sandbox's OAuth pages,
// tick "Sync tasks", Save, watch the status, disconnect.
describe('the settings page (Settings → CRM → Salesforce → Configure) in Chromium', () => {
  const kafka = useKafkaClients();
  let stack: SalesforceStack;
  let sandbox: ServiceProcess;
  let browser: Browser;
  let databaseUrl: string;
  let pageUrl: string;

  beforeAll(async () => {
    stack = await SalesforceStack.start(kafka.admin, {
      database: 'page',
      jwtSecret: SECRET,
      env: { OUTBOX_POLL_INTERVAL_MS: '50' },
    });
    ({ databaseUrl, sandbox, settingsPageUrl: pageUrl } = stack);
    browser = await launchChromium();
  });

  /** A status report as sfdc-ingest publishes it, on the real topic. */
  const reportStatus = async (
    connectionId: string,
    fields: Pick<ConnectionStatusChanged, 'state'> & Partial<ConnectionStatusChanged>,
  ) => {
    const report = statusChanged(connectionId, fields);
    await kafka.producer.send({
      topic: KAFKA_TOPICS.connectionStatus,
      messages: [{ key: connectionId, value: encodeEvent(CONNECTION_STATUS_CHANGED, report) }],
    });
  };

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('R1: connect, tick Sync tasks, Save: sync starts at once and its progress shows', async () => {
    const token = await signUserToken({
      sub: 'rep',
      tenant: uniqueId('tenant'),
      secret: SECRET,
      zoneinfo: 'America/Los_Angeles',
    });
    const page = await browser.newPage();
    // The page's CSP allows its own script and style only: Chromium reports anything it blocks.
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${pageUrl}#token=${token}`);
    await page.getByText('not connected').waitFor();
    await expectNoSeriousA11yViolations(page, 'the Connection view, not connected');

    // Connect: the browser goes to Salesforce's login page and comes back.
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(`${sandbox.url}/services/oauth2/authorize**`);
    await page.getByLabel('Username').fill('rep@sandbox.test');
    await page.getByLabel('Password').fill('sandbox');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${pageUrl}?connected=*`);
    await page.locator('#sf-user', { hasText: 'rep@sandbox.test' }).waitFor();
    await page.locator('#sf-environment', { hasText: 'Production (login.salesforce.com)' }).waitFor();

    // Tick "Sync tasks" and Save.
    await page.getByLabel('Sync tasks').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Sync started: importing your Salesforce tasks of the last 24 hours.').waitFor();
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(
        `SELECT c.id, c.task_sync_enabled, h.kind FROM connector_settings.connection c JOIN connector_settings.task_sync_change h ON h.connection_id = c.id`,
      ),
    );
    expect(rows).toEqual([expect.objectContaining({ task_sync_enabled: true, kind: 'first-enable' })]);

    // The import's progress, as sfdc-ingest reports it, appears without a reload.
    await reportStatus(rows[0].id as string, {
      state: 'importing',
      import: { enableAt: new Date().toISOString(), found: 120, imported: 45, failed: 0, done: false },
    });
    await page.locator('#import', { hasText: '45 of 120 imported (importing…)' }).waitFor({ timeout: 15_000 });
    await page.locator('#state', { hasText: 'importing' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page-importing.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Connection view, connected and importing');

    // Disconnect.
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('not connected').waitFor();
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it('issue 22, environments: a My Domain that is not one is refused on the page; Sandbox signs in at test.salesforce.com and the connection shows it', async () => {
    const admin = new SalesforceAdmin(sandbox.url);
    const uat = await admin.createOrg(uniqueId('page-uat'), undefined, { isSandbox: true });
    const username = `${uniqueId('rep')}@page.test.uat`;
    await admin.createUser(uat, username);
    const token = await signUserToken({ sub: uniqueId('rep-env'), tenant: uniqueId('tenant'), secret: SECRET });
    const page = await browser.newPage();
    await page.goto(`${pageUrl}#token=${token}`);
    await page.getByText('not connected').waitFor();

    await page.getByLabel('My Domain host').fill('https://evil.example/acme.my.salesforce.com');
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.locator('#message', { hasText: 'not a Salesforce My Domain' }).waitFor();
    expect(page.url()).toContain(pageUrl);

    await page.getByLabel('Sandbox (test.salesforce.com)').check();
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(`${sandbox.url}/hosts/test.salesforce.com/services/oauth2/authorize**`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('sandbox');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${pageUrl}?connected=*`);
    await page.locator('#sf-environment', { hasText: 'Sandbox (test.salesforce.com)' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page-sandbox-environment.png'), fullPage: true });
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('not connected').waitFor();
    await page.close();
  });

  it('issue 22: an org without the external-id field shows what to do at connect; once the field is there, Check again clears it', async () => {
    const admin = new SalesforceAdmin(sandbox.url);
    const org = await admin.createOrg(uniqueId('page-nofield'), undefined, { salesConnectTaskIdField: false });
    const username = `${uniqueId('rep')}@page-nofield.test`;
    await admin.createUser(org, username);
    const token = await signUserToken({ sub: uniqueId('rep-setup'), tenant: uniqueId('tenant'), secret: SECRET });
    const page = await browser.newPage();
    await page.goto(`${pageUrl}#token=${token}`);
    await page.getByText('not connected').waitFor();
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(`${sandbox.url}/services/oauth2/authorize**`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('sandbox');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${pageUrl}?connected=*`);

    // The check ran at connect: the page names the state and what to do.
    await page.locator('#setup-state', { hasText: 'missing-external-id-field' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'the Connection view, paused by its setup');
    expect(await page.locator('#setup-advice').textContent()).toContain('npm run sfdc:deploy');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page-setup-missing-field.png'), fullPage: true });

    // An administrator adds the field (Setup → Object Manager), External ID and Unique, visible to the rep; the rep clicks Check again.
    await admin.addTaskField(org, {
      name: 'SalesConnect_Task_Id__c',
      type: 'string',
      length: 64,
      externalId: true,
      unique: true,
    });
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.locator('#setup-box').waitFor({ state: 'hidden' });
    const { rows } = await withPg(databaseUrl, (c) =>
      c.query(
        `SELECT state FROM connector_settings.connection_preflight p JOIN connector_settings.connection c ON c.id = p.connection_id WHERE c.sfdc_username = $1`,
        [username],
      ),
    );
    expect(rows).toEqual([{ state: 'ready' }]);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('not connected').waitFor();
    await page.close();
  });

  it('issue 22: a connection Salesforce refused shows Reconnect, which keeps it in place; another account asks before starting over', async () => {
    const other = `${uniqueId('other')}@sandbox.test`;
    const admin = new SalesforceAdmin(sandbox.url);
    await admin.createUser((await admin.defaultOrg()).id, other);
    const token = await signUserToken({ sub: 'rep3', tenant: uniqueId('tenant'), secret: SECRET });
    const page = await browser.newPage();
    const signInAtSalesforce = async (username: string) => {
      await page.waitForURL(`${sandbox.url}/services/oauth2/authorize**`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill('sandbox');
      await page.getByRole('button', { name: 'Allow' }).click();
    };
    await page.goto(`${pageUrl}#token=${token}`);
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await signInAtSalesforce('rep@sandbox.test');
    await page.waitForURL(`${pageUrl}?connected=*`);
    const connectionId = new URL(page.url()).searchParams.get('connected') as string;
    await page.locator('#sf-user', { hasText: 'rep@sandbox.test' }).waitFor();
    expect(await page.getByRole('button', { name: 'Reconnect' }).isVisible()).toBe(false);

    // Salesforce refused the grant: the services report the connection unauthorized.
    const refused = async () => {
      await reportStatus(connectionId, {
        state: 'unauthorized',
        error: { code: 'SALESFORCE_UNAUTHORIZED', message: 'expired access/refresh token' },
      });
      await page.getByRole('button', { name: 'Reconnect' }).waitFor({ timeout: 15_000 });
    };
    await refused();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page-reconnect.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Connection view, Reconnect');

    // Reconnect as the same Salesforce user: the same connection, in place.
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await signInAtSalesforce('rep@sandbox.test');
    await page.waitForURL(`${pageUrl}?connected=${connectionId}&reconnected=1`);
    await page.getByText('Reconnected. Sync goes on where it stopped').waitFor();
    // The refusal is over: the state is the services' again (sync is off here: idle), and Reconnect goes.
    await page.locator('#state', { hasText: 'idle' }).waitFor();
    expect(await page.getByRole('button', { name: 'Reconnect' }).isVisible()).toBe(false);
    const connections = () =>
      withPg(
        databaseUrl,
        async (c) =>
          (await c.query(`SELECT id, sfdc_username FROM connector_settings.connection WHERE user_id = 'rep3'`)).rows,
      );
    expect(await connections()).toEqual([{ id: connectionId, sfdc_username: 'rep@sandbox.test' }]);

    // Refused again, the user signs in as another Salesforce user: nothing changes until they confirm starting over.
    await refused();
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await signInAtSalesforce(other);
    await page
      .locator('#start-over', {
        hasText: `You signed in to Salesforce as ${other}, but Sales Connect is connected to rep@sandbox.test`,
      })
      .waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page-start-over.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Connection view, start over');
    expect(await connections()).toEqual([{ id: connectionId, sfdc_username: 'rep@sandbox.test' }]);
    await page.getByRole('button', { name: 'Keep my connection' }).click();
    expect(await page.locator('#start-over').isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Reconnect' }).click();
    await signInAtSalesforce(other);
    await page.getByRole('button', { name: 'Start over with the other account' }).click();
    await signInAtSalesforce(other);
    await page.waitForURL(`${pageUrl}?connected=*`);
    await page.locator('#sf-user', { hasText: other }).waitFor();
    const [fresh] = await connections();
    expect(fresh).toEqual({ id: new URL(page.url()).searchParams.get('connected'), sfdc_username: other });
    expect(fresh.id).not.toBe(connectionId);
    await page.close();
  });

  it('the accessibility check is real: a form field without a label and unreadable text fail it', async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<html lang="en"><title>t</title><main><input type="text"><p style="color:#eee;background:#fff">faint</p></main></html>',
    );
    const failure = await expectNoSeriousA11yViolations(page, 'a broken page').then(
      () => null,
      (e: Error) => e.message,
    );
    expect(failure).toMatch(/critical label: .*\(input\)/);
    expect(failure).toMatch(/serious color-contrast: .*\(p\)/);
    await page.close();
  });

  it('tells the user when they denied access at Salesforce', async () => {
    const token = await signUserToken({ sub: 'rep2', tenant: uniqueId('tenant'), secret: SECRET });
    const page = await browser.newPage();
    await page.goto(`${pageUrl}#token=${token}`);
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(`${sandbox.url}/services/oauth2/authorize**`);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByText('Salesforce was not connected: access denied.').waitFor();
    await page.close();
  });
});
