import type { Admin } from 'kafkajs';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import {
  authorizeInBrowser,
  connectSalesforceAsUser,
  createDatabase,
  SalesforceAdmin,
  ServiceProcess,
  signUserToken,
  stopInOrder,
} from '@task-sync/testing-stack';
import { groupAtLogEnd, testEnv, uniqueId } from './stack';
import { startConnectorSettingsWithSalesforce } from './users';

export const ORG_READER_CONNECT = '/v1/salesforce/org-reader/connect';
/** The role that makes a user their tenant's admin (in JWT_ROLES_CLAIM's default claim). */
export const ADMIN_ROLE = 'task-sync:admin';

export function saveTaskSync(
  settings: { url: string },
  connectionId: string,
  jwt: string,
  enabled: boolean,
): Promise<Response> {
  return fetch(`${settings.url}/v1/connections/${connectionId}/task-sync`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
    body: JSON.stringify({ enabled }),
  });
}

/** The Salesforce sandbox and connector-settings wired to it for OAuth, on a database of their own. */
export class SalesforceStack {
  private constructor(
    readonly databaseUrl: string,
    readonly sandbox: ServiceProcess,
    readonly sf: SalesforceAdmin,
    /** The sandbox's default org. */
    readonly orgId: string,
    readonly settings: ServiceProcess,
    /** The settings page (Settings → CRM → Salesforce → Configure). */
    readonly settingsPageUrl: string,
    readonly jwtSecret: string,
  ) {}

  /**
   * Starts the sandbox, then connector-settings signing with `jwtSecret`, `env` added to its own. Its
   * status consumer starts at the log end: other suites' reports (the sandboxes share an org id) are
   * not this one's.
   */
  static async start(
    kafkaAdmin: Admin,
    options: { database: string; jwtSecret: string; env?: Record<string, string> },
  ): Promise<SalesforceStack> {
    const databaseUrl = await createDatabase(testEnv.newDatabaseName(options.database));
    const sandbox = await ServiceProcess.start('salesforce-sandbox', {});
    try {
      const sf = new SalesforceAdmin(sandbox.url);
      const orgId = (await sf.defaultOrg()).id;
      const statusGroup = await groupAtLogEnd(kafkaAdmin, 'connector-settings', [KAFKA_TOPICS.connectionStatus]);
      const { service: settings, settingsPageUrl } = await startConnectorSettingsWithSalesforce(sandbox, {
        DATABASE_URL: databaseUrl,
        JWT_SECRET: options.jwtSecret,
        KAFKA_CONSUMER_GROUP: statusGroup,
        ...options.env,
      });
      return new SalesforceStack(databaseUrl, sandbox, sf, orgId, settings, settingsPageUrl, options.jwtSecret);
    } catch (e) {
      await sandbox.stop();
      throw e;
    }
  }

  stop(...first: ({ stop(): Promise<unknown> } | undefined)[]): Promise<void> {
    return stopInOrder(...first, this.settings, this.sandbox);
  }

  /** The default org's administrator (View All Data): the org's integration user in these suites. */
  async adminUserId(): Promise<string> {
    return ((await this.sf.users(this.orgId)).find((u) => u.username === 'admin@sandbox.test') as { id: string }).id;
  }

  /** sfdc-ingest on the stack's database and connector-settings, in consumer group `groupId`; `env` adds to its own. */
  startSfdcIngest(groupId: string, env: Record<string, string>): Promise<ServiceProcess> {
    return ServiceProcess.start('sfdc-ingest', {
      DATABASE_URL: this.databaseUrl,
      CONNECTOR_SETTINGS_URL: this.settings.url,
      KAFKA_CONSUMER_GROUP: groupId,
      ...env,
    });
  }

  /**
   * A new Salesforce user of `orgId` (the default org unless told) and a Sales Connect user of
   * `tenant` in São Paulo, who connected it through the browser's OAuth round trip.
   */
  async connectNewRep(
    tenant: string,
    orgId = this.orgId,
  ): Promise<{ username: string; sfdcUserId: string; connectionId: string; jwt: string }> {
    const username = `${uniqueId('rep')}@sandbox.test`;
    const sfdcUserId = await this.sf.createUser(orgId, username);
    const jwt = await signUserToken({
      sub: uniqueId('sc-user'),
      tenant,
      secret: this.jwtSecret,
      zoneinfo: 'America/Sao_Paulo',
    });
    const connectionId = await connectSalesforceAsUser({
      connectorSettings: this.settings,
      sandboxUrl: this.sandbox.url,
      userToken: jwt,
      username,
    });
    return { username, sfdcUserId, connectionId, jwt };
  }

  saveTaskSync(connectionId: string, jwt: string, enabled: boolean): Promise<Response> {
    return saveTaskSync(this.settings, connectionId, jwt, enabled);
  }

  /**
   * An admin of `tenant` (subject `adminSub`) connects `username` as the org's reader through the
   * browser's OAuth round trip; returns where the browser lands.
   */
  async connectOrgReader(options: { tenant: string; adminSub: string; username: string }): Promise<URL> {
    return authorizeInBrowser({
      connectorSettings: this.settings,
      sandboxUrl: this.sandbox.url,
      userToken: await signUserToken({
        sub: options.adminSub,
        tenant: options.tenant,
        secret: this.jwtSecret,
        roles: [ADMIN_ROLE],
      }),
      username: options.username,
      action: 'allow',
      connectPath: ORG_READER_CONNECT,
    });
  }
}
