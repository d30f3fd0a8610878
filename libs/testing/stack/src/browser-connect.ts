import { browserCookie } from './http';

/**
 * What a user's browser does to connect Salesforce: the connect call, the sandbox's login page and
 * its form, the redirects back to connector-settings. Returns the new connection's id.
 */
export async function connectSalesforceAsUser(options: Omit<BrowserConnect, 'action'>): Promise<string> {
  const landed = await authorizeInBrowser({ ...options, action: 'allow' });
  const connectionId = landed.searchParams.get('connected');
  if (!connectionId) throw new Error(`the OAuth round trip ended at ${landed.toString()}`);
  return connectionId;
}

/** How a browser goes through "Connect": who it is, where it signs in at Salesforce, and as whom. */
export interface BrowserConnect {
  /** connector-settings (a ServiceProcess, or a stack's URL). */
  connectorSettings: { url: string };
  sandboxUrl: string;
  userToken: string;
  username: string;
  password?: string;
  action: 'allow' | 'deny';
  /** Where "Connect" starts: the user's connection, or `/v1/salesforce/org-reader/connect` for the org's reader. */
  connectPath?: string;
  /** The user confirmed starting over should they sign in as another Salesforce account than their connection's. */
  startOver?: boolean;
  /** Where the user picked to sign in (production when absent), and the My Domain they typed. */
  environment?: 'production' | 'sandbox' | 'my-domain';
  myDomain?: string;
  /** Where the browser is expected to sign in: the sandbox's host for that environment (its root by default). */
  loginUrl?: string;
}

/** The OAuth round trip as a browser makes it; returns where the browser lands in the end (the settings page). */
export async function authorizeInBrowser(options: BrowserConnect): Promise<URL> {
  const toSettings = await deliverCallbackInBrowser(options);
  if (toSettings.status !== 302)
    throw new Error(`the OAuth callback answered ${toSettings.status}: ${await toSettings.text()}`);
  return new URL(toSettings.headers.get('location') ?? '');
}

/** The round trip up to connector-settings' answer to Salesforce's redirect, whatever it is (a redirect, or a page that says why not). */
export async function deliverCallbackInBrowser(options: BrowserConnect): Promise<Response> {
  const connectPath = options.connectPath ?? '/v1/salesforce/connect';
  const loginUrl = options.loginUrl ?? options.sandboxUrl;
  const body = {
    ...(options.startOver ? { startOver: true } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.myDomain !== undefined ? { myDomain: options.myDomain } : {}),
  };
  const hasBody = Object.keys(body).length > 0;
  const started = await fetch(`${options.connectorSettings.url}${connectPath}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.userToken}`,
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    body: hasBody ? JSON.stringify(body) : undefined,
  });
  if (started.status !== 200) throw new Error(`POST ${connectPath}: ${started.status} ${await started.text()}`);
  // The browser keeps the connect cookie and sends it back with Salesforce's redirect.
  const cookie = browserCookie(started);
  const page = new URL(((await started.json()) as { authorizeUrl: string }).authorizeUrl);
  if (page.origin + page.pathname !== `${loginUrl}/services/oauth2/authorize`)
    throw new Error(`unexpected authorize URL ${page.toString()}`);
  const loginPage = await fetch(page);
  if (loginPage.status !== 200) throw new Error(`the login page answered ${loginPage.status}`);
  const form = new URLSearchParams({
    ...Object.fromEntries(page.searchParams),
    username: options.username,
    password: options.password ?? 'sandbox',
    action: options.action,
  });
  const toCallback = await fetch(`${loginUrl}/services/oauth2/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  if (toCallback.status !== 302)
    throw new Error(`the login form answered ${toCallback.status}: ${await toCallback.text()}`);
  const callback = new URL(toCallback.headers.get('location') ?? '');
  if (
    callback.origin !== new URL(options.connectorSettings.url).origin ||
    callback.pathname !== '/v1/salesforce/oauth/callback'
  ) {
    throw new Error(
      `Salesforce sends the browser back to ${callback.toString()}, not connector-settings' callback at ${options.connectorSettings.url}`,
    );
  }
  return fetch(callback, { redirect: 'manual', headers: { cookie } });
}
