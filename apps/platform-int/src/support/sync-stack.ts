import type { Admin } from 'kafkajs';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import {
  connectSalesforceAsUser,
  createDatabase,
  createSalesConnectUser,
  freePort,
  SalesforceAdmin,
  SalesforceUser,
  ServiceProcess,
  signUserToken,
  stopInOrder,
} from '@task-sync/testing-stack';
import { saveTaskSync } from './salesforce-stack';
import { startGroupAtLogEnd, testEnv, uniqueId } from './stack';
import { startConnectorSettingsWithSalesforce } from './users';

/** The whole sync as processes: both sandboxes, connector-settings, both ingests and the reconciler, on a database of its own. */
export interface SyncStack {
  databaseUrl: string;
  sfSandbox: ServiceProcess;
  scSandbox: ServiceProcess;
  settings: ServiceProcess;
  /** The settings page (Settings → CRM → Salesforce → Configure). */
  pageUrl: string;
  sfdcIngest: ServiceProcess;
  scIngest: ServiceProcess;
  reconciler: ServiceProcess;
  admin: SalesforceAdmin;
  orgId: string;
  jwtSecret: string;
}

/**
 * Starts the stack with short intervals (polls every 400 ms, writes flushed every 100 ms), each
 * consumer group at the log end so earlier tests' messages are not read; `env` adds to a service's.
 */
export async function startSyncStack(options: {
  databaseSuffix: string;
  jwtSecret: string;
  kafkaAdmin: Admin;
  env?: { settings?: Record<string, string>; sfdcIngest?: Record<string, string>; reconciler?: Record<string, string> };
}): Promise<SyncStack> {
  const databaseUrl = await createDatabase(testEnv.newDatabaseName(options.databaseSuffix));
  const sfSandbox = await ServiceProcess.start('salesforce-sandbox', {});
  const scSandbox = await ServiceProcess.start('salesconnect-sandbox', {});
  const admin = new SalesforceAdmin(sfSandbox.url);
  const orgId = (await admin.defaultOrg()).id;
  const groups = Object.fromEntries(
    ['connector-settings', 'sfdc-ingest', 'salesconnect-ingest', 'reconciler'].map((n) => [n, uniqueId(n)]),
  );
  for (const [name, topic] of [
    ['connector-settings', KAFKA_TOPICS.connectionStatus],
    ['sfdc-ingest', KAFKA_TOPICS.settingsChanges],
    ['salesconnect-ingest', KAFKA_TOPICS.settingsChanges],
    ['reconciler', KAFKA_TOPICS.settingsChanges],
    ['reconciler', KAFKA_TOPICS.sfdcTaskChanges],
    ['reconciler', KAFKA_TOPICS.salesconnectTaskChanges],
  ] as const) {
    await startGroupAtLogEnd(options.kafkaAdmin, groups[name], topic);
  }
  // connector-settings calls the reconciler (a task's timeline, Retry now): its port is chosen first.
  const reconcilerPort = await freePort();
  const { service: settings, settingsPageUrl: pageUrl } = await startConnectorSettingsWithSalesforce(sfSandbox, {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: options.jwtSecret,
    KAFKA_CONSUMER_GROUP: groups['connector-settings'],
    RECONCILER_URL: `http://127.0.0.1:${reconcilerPort}`,
    SALESCONNECT_APP_TASK_URL_TEMPLATE: `${scSandbox.url}/app/tasks/{taskId}`,
    ...options.env?.settings,
  });
  const sfdcIngest = await ServiceProcess.start('sfdc-ingest', {
    DATABASE_URL: databaseUrl,
    KAFKA_CONSUMER_GROUP: groups['sfdc-ingest'],
    CONNECTOR_SETTINGS_URL: settings.url,
    POLL_INTERVAL_MS: '400',
    POLL_IDLE_MAX_INTERVAL_MS: '400',
    POLL_LOOKBACK_MS: '3000',
    SCHEDULER_TICK_MS: '100',
    ...options.env?.sfdcIngest,
  });
  const scIngestPort = await freePort();
  const scIngest = await ServiceProcess.start(
    'salesconnect-ingest',
    {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groups['salesconnect-ingest'],
      SALESCONNECT_API_URL: scSandbox.url,
      SALESCONNECT_WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${scIngestPort}/webhooks/salesconnect`,
      CONNECTOR_SETTINGS_URL: settings.url,
      FEED_POLL_INTERVAL_MS: '1000',
    },
    scIngestPort,
  );
  const reconciler = await ServiceProcess.start(
    'reconciler',
    {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groups['reconciler'],
      CONNECTOR_SETTINGS_URL: settings.url,
      SALESCONNECT_API_URL: scSandbox.url,
      WRITE_FLUSH_INTERVAL_MS: '100',
      WRITE_RETRY_BASE_MS: '100',
      ...options.env?.reconciler,
    },
    reconcilerPort,
  );
  return {
    databaseUrl,
    sfSandbox,
    scSandbox,
    settings,
    pageUrl,
    sfdcIngest,
    scIngest,
    reconciler,
    admin,
    orgId,
    jwtSecret: options.jwtSecret,
  };
}

export function stopSyncStack(stack: Partial<SyncStack>): Promise<void> {
  return stopInOrder(
    stack.reconciler,
    stack.scIngest,
    stack.sfdcIngest,
    stack.settings,
    stack.scSandbox,
    stack.sfSandbox,
  );
}

/** A fresh pair of users (a Sales Connect user and a Salesforce rep), connected; `enable` saves "Sync tasks". */
export async function connectRep(stack: SyncStack, tenant: string) {
  const scUser = await createSalesConnectUser(stack.scSandbox.url, tenant);
  const username = `${uniqueId('rep')}@sandbox.test`;
  await stack.admin.createUser(stack.orgId, username);
  const jwt = await signUserToken({ sub: scUser.id, tenant, secret: stack.jwtSecret, zoneinfo: 'America/Sao_Paulo' });
  const sfdc = await SalesforceUser.login(stack.sfSandbox.url, username);
  const sc = scUser;
  const connectionId = await connectSalesforceAsUser({
    connectorSettings: stack.settings,
    sandboxUrl: stack.sfSandbox.url,
    userToken: jwt,
    username,
  });
  const enable = (enabled: boolean) => saveTaskSync(stack.settings, connectionId, jwt, enabled);
  return { scUser, sfdc, sc, connectionId, jwt, enable, sfdcUsername: username };
}
