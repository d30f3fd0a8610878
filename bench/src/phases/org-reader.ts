import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Client } from 'pg';
import { browserCookie, DEV_JWT_SECRET, SalesforceAdmin, sleep, type Stack } from '@task-sync/testing-stack';

/** connector-settings' admin role (JWT_ROLES_CLAIM `roles`): who may connect an org's reader. */
const ADMIN_ROLE = 'task-sync:admin';
/** The tenant SyncUser's reps sign in with: the reader is held by the same tenant. */
const TENANT = 'e2e-tenant';
const LOOK_EVERY_MS = 500;
/** Connecting, the first verdict and the stream's start take seconds; this long means they failed. */
const READ_ONCE_WITHIN_MS = 180_000;

/** The sandbox's admin API, with what the org reads need: the reader's View All Data, CDC deliveries, calls by org. */
export class BenchSalesforceAdmin extends SalesforceAdmin {
  setViewAllData(orgId: string, userId: string): Promise<unknown> {
    return this.call('PUT', `/salesforce/orgs/${orgId}/users/${userId}/permissions`, { viewAllData: true });
  }

  /** CDC events delivered to the org's subscribers today (the sandbox clock's UTC day). */
  async deliveredToday(orgId: string): Promise<number> {
    return (await this.call<{ deliveredToday: number }>('GET', `/salesforce/orgs/${orgId}/change-data-capture`)).deliveredToday;
  }

  /** Each org's REST calls so far by endpoint (the OAuth endpoints are not API calls; the sandbox names no org for them anyway). */
  async callsByOrg(): Promise<Map<string, Map<string, number>>> {
    const byOrg = new Map<string, Map<string, number>>();
    for (const c of await this.calls()) {
      if (c.endpoint.includes('/services/oauth2/')) continue;
      const calls = byOrg.get(c.tenant) ?? new Map<string, number>();
      calls.set(c.endpoint, (calls.get(c.endpoint) ?? 0) + c.count);
      byOrg.set(c.tenant, calls);
    }
    return byOrg;
  }
}

/** A new integration user of the org with View All Data (what the reader's preflight asks for); answers its username. */
export async function createReaderUser(sf: BenchSalesforceAdmin, orgId: string): Promise<string> {
  const username = `bench-reader-${randomUUID().slice(0, 8)}@sandbox.test`;
  await sf.setViewAllData(orgId, await sf.createUser(orgId, username));
  return username;
}

/** An admin's JWT for connector-settings (the demo's signing secret, as the stack runs it). */
function signAdminToken(): Promise<string> {
  return new SignJWT({ tenant_id: TENANT, roles: [ADMIN_ROLE] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`bench-admin-${randomUUID().slice(0, 8)}`)
    .setIssuer('task-sync-dev')
    .setAudience('task-sync')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(DEV_JWT_SECRET));
}

/** What an admin's browser does on the settings page's "Connect the org's reader" (tools/scripts/lib/demo-org-reader.js). */
async function connectOrgReader(stack: Stack, adminJwt: string, username: string): Promise<void> {
  const settings = stack.url('connector-settings');
  const started = await fetch(`${settings}/v1/salesforce/org-reader/connect`, { method: 'POST', headers: { authorization: `Bearer ${adminJwt}` } });
  if (started.status !== 200) throw new Error(`POST /v1/salesforce/org-reader/connect: ${started.status} ${await started.text()}`);
  const cookie = browserCookie(started);
  const authorize = new URL(((await started.json()) as { authorizeUrl: string }).authorizeUrl);
  const form = new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), username, password: 'sandbox', action: 'allow' });
  const allowed = await fetch(`${authorize.origin}${authorize.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
  if (allowed.status !== 302) throw new Error(`the sandbox's login form answered ${allowed.status}: ${await allowed.text()}`);
  const callback = await fetch(allowed.headers.get('location') ?? '', { headers: { cookie }, redirect: 'manual' });
  if (callback.status !== 302) throw new Error(`the reader's OAuth callback answered ${callback.status}: ${(await callback.text()).slice(0, 300)}`);
}

/**
 * An admin (JWT role `task-sync:admin`) connects each org's reader through the OAuth pages; resolves
 * once every org is read once, its stream streams and its org poll has run (getDeleted with it).
 * With `pollWhileStreaming`, that poll must have run since the stream streams, so what follows sees
 * the healthy pace only (at the default 300 s org poll that can take minutes: the idle orgs' short
 * intervals need it, the steady run does not). `db` is the stack's database.
 */
export async function connectReadersAndWait(stack: Stack, db: Client, readers: readonly { orgId: string; readerUsername: string }[], pollWhileStreaming: boolean): Promise<void> {
  const adminJwt = await signAdminToken();
  for (const reader of readers) await connectOrgReader(stack, adminJwt, reader.readerUsername);
  const ids = readers.map((r) => r.orgId);
  const streamingSince = new Map<string, Date>();
  const deadline = Date.now() + READ_ONCE_WITHIN_MS;
  for (;;) {
    const { rows } = await db.query(
      `SELECT p.org_id, p.reads, p.reads_reason, p.last_polled_at, p.audited_at, s.state
         FROM sfdc_ingest.sfdc_org_poll p LEFT JOIN sfdc_ingest.sfdc_org_stream s ON s.org_id = p.org_id
        WHERE p.org_id = ANY($1)`,
      [ids],
    );
    const ready = rows.filter((r) => {
      if (r.reads !== 'org' || r.state !== 'streaming') return false;
      const since = streamingSince.get(r.org_id) ?? new Date();
      streamingSince.set(r.org_id, since);
      return r.last_polled_at !== null && (!pollWhileStreaming || r.last_polled_at > since) && r.audited_at !== null;
    });
    if (ready.length === ids.length) return;
    if (Date.now() > deadline) throw new Error(`not every org read once and streaming in ${READ_ONCE_WITHIN_MS / 1000} s: ${JSON.stringify(rows)}`);
    await sleep(LOOK_EVERY_MS);
  }
}

/** The stack's own database on the same PostgreSQL as `adminUrl`. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
