import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { signUserToken, waitFor, withPg } from '@task-sync/testing-stack';
import { expectNoSeriousA11yViolations } from './support/accessibility';
import { launchChromium, SCREENSHOTS } from './support/browser';
import { startHealthStack } from './support/health-stack';
import { connectRep, stopSyncStack, type SyncStack } from './support/sync-stack';
import { uniqueId, useKafkaClients } from './support/stack';

const SECRET = 'health-pages-spec-secret-health-pages-0000';
const TENANT = 'tenant-health-pages';

describe('the sync health pages in Chromium', () => {
  const kafka = useKafkaClients();
  let stack: SyncStack;
  const newRep = () => connectRep(stack, TENANT);
  let browser: Browser;

  beforeAll(async () => {
    stack = await startHealthStack(kafka.admin, { jwtSecret: SECRET, database: 'health_pages' });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopSyncStack(stack ?? {});
  });

  const enable = async (rep: Awaited<ReturnType<typeof newRep>>, enabled: boolean) =>
    expect((await rep.enable(enabled)).status).toBe(200);
  const sfdcTaskOf = async (scTaskId: string) =>
    (await stack.admin.tasks(stack.orgId)).find(
      (t) => t.deletedAt === null && t['SalesConnect_Task_Id__c'] === scTaskId,
    );
  const openPage = async (jwt: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    await page.goto(`${stack.pageUrl}#token=${jwt}`);
    return page;
  };

  it('a rep finds the task Salesforce refused, reads why, fixes it and retries from the page; the timeline shows every step', async () => {
    const rep = await newRep();
    await enable(rep, true);
    const task = await rep.sc.create({ name: 'Send Dora the proposal', dueDate: '2026-12-14' });
    await waitFor('the task in Salesforce', () => sfdcTaskOf(task.id));
    await stack.admin.addValidationRule(stack.orgId, {
      name: 'NoShouting',
      field: 'Subject',
      condition: 'equals',
      value: 'URGENT Send Dora the proposal',
      message: 'Subjects may not shout URGENT',
    });
    await rep.sc.patch(task.id, { name: 'URGENT Send Dora the proposal' });

    const page = await openPage(rep.jwt);
    await page.locator('#sf-user', { hasText: rep.sfdcUsername }).waitFor();
    // The tabs work with the keyboard: from Connection, the right arrow opens Health.
    await page.getByRole('tab', { name: 'Connection' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'Problems' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Health' }).getAttribute('aria-selected')).toBe('true');

    // The problem in plain words, with Salesforce's own message and the task by name with both ids.
    const group = page.locator('section.group').filter({ hasText: 'Subjects may not shout URGENT' });
    await waitFor(
      'the problem on the page',
      async () => {
        if ((await group.count()) > 0) return true;
        await page.getByRole('tab', { name: 'Connection' }).click();
        await page.getByRole('tab', { name: 'Health' }).click();
        return undefined;
      },
      30_000,
    );
    await group.getByText('URGENT Send Dora the proposal').waitFor();
    const sfdcTask = await sfdcTaskOf(task.id);
    expect(await group.getByRole('link', { name: task.id }).getAttribute('href')).toBe(
      `${stack.scSandbox.url}/app/tasks/${task.id}`,
    );
    expect(await group.getByRole('link', { name: sfdcTask?.Id as string }).getAttribute('href')).toMatch(
      new RegExp(`/lightning/r/Task/${sfdcTask?.Id}/view$`),
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'health.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Health view with a problem');

    // The rep (or their admin) fixes the rule in Salesforce, then Retry now on the page.
    await stack.admin.deleteValidationRule(stack.orgId, 'NoShouting');
    await page.getByRole('button', { name: 'Retry now: URGENT Send Dora the proposal' }).click();
    await waitFor(
      'the retried write in Salesforce',
      async () => (await sfdcTaskOf(task.id))?.['Subject'] === 'URGENT Send Dora the proposal' || undefined,
      20_000,
    );
    await waitFor(
      'the problem gone from the page',
      async () => {
        await page.getByRole('tab', { name: 'Connection' }).click();
        await page.getByRole('tab', { name: 'Health' }).click();
        return (await page.getByText('No open problems').count()) > 0 || undefined;
      },
      20_000,
    );

    // The timeline: found by a part of its name; the read, the decision, the refusal with its reason, the retry and the write that landed.
    await page.getByRole('tab', { name: 'Task timeline' }).click();
    await page.getByLabel('Find a task by name, Salesforce id or Sales Connect id').fill('dora the');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /URGENT Send Dora the proposal/ }).click();
    const timeline = page.locator('#timeline');
    await timeline.getByText('Subjects may not shout URGENT').first().waitFor();
    const events = await timeline.locator('li > strong').allTextContents();
    expect(events).toEqual(
      expect.arrayContaining(['Change read from Sales Connect', 'Write to Salesforce', 'Retry to Salesforce']),
    );
    expect(events.lastIndexOf('Write to Salesforce')).toBeGreaterThan(events.indexOf('Retry to Salesforce'));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'task-timeline.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Task timeline view');

    // Resync this task reads both sides: they are equal now.
    await page.getByRole('button', { name: 'Resync this task' }).click();
    await page.getByText('Resynced: in-sync.').waitFor();
    await page.close();
  });

  it("an admin sees every rep of the org with open problems, and opens a rep's health", async () => {
    const first = await newRep();
    const second = await newRep();
    const adminJwt = await signUserToken({
      sub: uniqueId('admin'),
      tenant: TENANT,
      secret: SECRET,
      roles: ['task-sync:admin'],
    });
    const page = await openPage(adminJwt);
    await page.getByRole('tab', { name: 'Admin' }).click();
    for (const rep of [first, second])
      await page.getByRole('button', { name: `Health of ${rep.sfdcUsername}` }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Admin view');

    await page.getByRole('button', { name: `Health of ${second.sfdcUsername}` }).click();
    await page.getByRole('heading', { name: 'Problems' }).waitFor();
    await page.getByText('No open problems').waitFor();
    await page.close();

    // A rep without the admin role has no Admin tab.
    const repPage = await openPage(first.jwt);
    await repPage.getByRole('tab', { name: 'Health' }).waitFor();
    expect(await repPage.getByRole('tab', { name: 'Admin' }).count()).toBe(0);
    await repPage.close();
  });

  it('R2, R3, R5: before the first Save the page shows what the enable imports; while sync is off, the date the delete window closes', async () => {
    const rep = await newRep();
    for (const subject of ['Preview one', 'Preview two', 'Preview three'])
      await rep.sfdc.createTask({ Subject: subject, Status: 'Not Started' });
    const page = await openPage(rep.jwt);
    await page.locator('#sf-user', { hasText: rep.sfdcUsername }).waitFor();
    await page.getByLabel('Sync tasks').check();
    await page.locator('#import-preview-count', { hasText: 'Saving imports 3 Salesforce tasks' }).waitFor();
    for (const subject of ['Preview one', 'Preview two', 'Preview three'])
      await page.locator('#import-preview').getByText(subject).waitFor();
    await page
      .locator('#import-preview-r3', { hasText: 'Tasks you already have in Sales Connect are not sent to Salesforce' })
      .waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-preview.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Connection view with the import preview');

    await page.getByRole('button', { name: 'Save' }).click();
    await waitFor('the import', async () => (await rep.sc.listTasks()).length === 3 || undefined, 30_000);
    await page.getByLabel('Sync tasks').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Sync stopped').first().waitFor();
    const { rows } = await withPg(stack.databaseUrl, (c) =>
      c.query(
        `SELECT changed_at FROM connector_settings.task_sync_change WHERE connection_id = $1 AND kind = 'disable'`,
        [rep.connectionId],
      ),
    );
    const closesAt = new Date((rows[0].changed_at as Date).getTime() + 15 * 86_400_000);
    const expected = closesAt.toLocaleDateString('en-US', {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      timeZone: 'UTC',
    });
    await page.reload();
    await page.locator('#delete-window', { hasText: `until ${expected}` }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'delete-window.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'the Connection view while sync is off');
    await page.close();
  });
});
