import { createDecipheriv } from 'node:crypto';
import { freePort, ServiceProcess } from '@task-sync/testing-stack';

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
      SALESFORCE_SANDBOX_LOGIN_URL: `${sandbox.url}/hosts/test.salesforce.com`,
      SALESFORCE_MY_DOMAIN_URL_TEMPLATE: `${sandbox.url}/hosts/{host}`,
      OAUTH_REDIRECT_URL: `http://127.0.0.1:${port}/v1/salesforce/oauth/callback`,
      SETTINGS_PAGE_URL: settingsPageUrl,
      ...env,
    },
    port,
  );
  return { service, settingsPageUrl };
}

/** Opens a token connector-settings sealed with `key` (TOKEN_ENCRYPTION_KEYS): kid.iv.tag.body, AES-256-GCM. */
export function openSealedToken(sealed: string, key: Buffer): string {
  const [kid, iv, tag, body] = sealed.split('.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
