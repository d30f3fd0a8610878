// npm start, development only: the demo org's reader (issue 20), so Salesforce changes stream.
'use strict';

/** The Salesforce sandbox's administrator: View All Data, which Change Data Capture for Task needs. */
const SANDBOX_INTEGRATION_USER = { username: 'admin@sandbox.test', password: 'sandbox' };

/**
 * Connects the sandbox's administrator as the demo tenant's org reader unless the tenant has a
 * connected one (kept in PostgreSQL and the sandbox snapshot between runs), through the round trip
 * an admin's browser makes from the settings page: connect, sign in and Allow, the callback (which
 * runs the preflight). Answers the reader as `GET /v1/salesforce/org-reader` lists it.
 */
async function connectDemoOrgReader({ settingsUrl, adminToken }) {
  const api = (method, path) =>
    fetch(`${settingsUrl}${path}`, { method, headers: { authorization: `Bearer ${adminToken}` }, redirect: 'manual' });
  const connected = async () => {
    const listed = await api('GET', '/v1/salesforce/org-reader');
    if (listed.status !== 200)
      throw new Error(`GET /v1/salesforce/org-reader answered ${listed.status}: ${await listed.text()}`);
    return (await listed.json()).items.find((r) => r.connected);
  };
  const existing = await connected();
  if (existing) return { reader: existing, connectedNow: false };

  const started = await api('POST', '/v1/salesforce/org-reader/connect');
  if (started.status !== 200)
    throw new Error(`POST /v1/salesforce/org-reader/connect answered ${started.status}: ${await started.text()}`);
  // The browser keeps the attempt's cookie and sends it back with Salesforce's redirect.
  const cookie = started.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const authorize = new URL((await started.json()).authorizeUrl);
  const form = new URLSearchParams({
    ...Object.fromEntries(authorize.searchParams),
    ...SANDBOX_INTEGRATION_USER,
    action: 'allow',
  });
  const allowed = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  if (allowed.status !== 302)
    throw new Error(`the sandbox's login form answered ${allowed.status}: ${await allowed.text()}`);
  const callback = await fetch(allowed.headers.get('location'), { headers: { cookie }, redirect: 'manual' });
  if (callback.status !== 302)
    throw new Error(`the OAuth callback answered ${callback.status}: ${(await callback.text()).slice(0, 300)}`);

  const reader = await connected();
  if (!reader) throw new Error('the OAuth round trip ended, but no reader is listed');
  return { reader, connectedNow: true };
}

module.exports = { connectDemoOrgReader, SANDBOX_INTEGRATION_USER };
