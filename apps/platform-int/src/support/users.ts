import { SignJWT } from 'jose';
import { freePort, ServiceProcess } from './service-process';

/** A user's Bearer JWT as connector-settings expects it (issuer and audience are its defaults). */
export function signUserToken(options: { sub: string; tenant: string; secret: string; zoneinfo?: string; exp?: number | string; key?: string }): Promise<string> {
  return new SignJWT({ tenant_id: options.tenant, ...(options.zoneinfo ? { zoneinfo: options.zoneinfo } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub)
    .setIssuer('task-sync-dev')
    .setAudience('task-sync')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '10m')
    .sign(new TextEncoder().encode(options.key ?? options.secret));
}

/**
 * connector-settings wired to a running Salesforce sandbox for OAuth: its port is chosen first,
 * because the redirect URL the sandbox sends the browser back to must name it.
 */
export async function startConnectorSettingsWithSalesforce(
  sandbox: ServiceProcess,
  env: Record<string, string>,
  settingsPagePath = '/settings/crm/salesforce',
): Promise<{ service: ServiceProcess; settingsPageUrl: string }> {
  const port = await freePort();
  const settingsPageUrl = env['SETTINGS_PAGE_URL'] ?? `http://127.0.0.1:${port}${settingsPagePath}`;
  const service = await ServiceProcess.start(
    'connector-settings',
    {
      SALESFORCE_LOGIN_URL: sandbox.url,
      OAUTH_REDIRECT_URL: `http://127.0.0.1:${port}/v1/salesforce/oauth/callback`,
      SETTINGS_PAGE_URL: settingsPageUrl,
      ...env,
    },
    port,
  );
  return { service, settingsPageUrl };
}
