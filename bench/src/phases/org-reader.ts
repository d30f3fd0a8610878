import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import {
  authorizeInBrowser,
  DEV_JWT_SECRET,
  SalesforceAdmin,
  signUserToken,
  sleep,
  type Stack,
} from '@task-sync/testing-stack';

/** connector-settings' admin role (JWT_ROLES_CLAIM `roles`): who may connect an org's reader. */
const ADMIN_ROLE = 'task-sync:admin';
/** The tenant SyncUser's reps sign in with: the reader is held by the same tenant. */
const TENANT = 'e2e-tenant';
const LOOK_EVERY_MS = 500;
/** Connecting, the first verdict and the stream's start take seconds; this long means they failed. */
const READ_ONCE_WITHIN_MS = 180_000;

/** The sandbox's admin API, with what the org reads need: the reader's View All Data, CDC deliveries, calls by org. */
export class BenchSalesforceAdmin extends SalesforceAdmin {
  /** CDC events delivered to the org's subscribers today (the sandbox clock's UTC day). */
  async deliveredToday(orgId: string): Promise<number> {
    return (await this.call<{ deliveredToday: number }>('GET', `/salesforce/orgs/${orgId}/change-data-capture`))
      .deliveredToday;
  }

  /** The org's daily CDC event delivery allocation (Salesforce's Enterprise 25,000, more with the add-on). */
  async setEventAllocation(orgId: string, dailyDeliveryAllocation: number): Promise<void> {
    await this.call('PUT', `/salesforce/orgs/${orgId}/change-data-capture`, { dailyDeliveryAllocation });
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

/** An Enterprise org's CDC events a day, and what each CDC add-on licence adds (Salesforce's allocations). */
export const ENTERPRISE_DAILY_EVENTS = 25_000;
export const ADD_ON_DAILY_EVENTS = 100_000;

/**
 * The allocation an org needs to stream `changes` (one event each, a quarter spare): Enterprise's,
 * plus as many add-ons as it takes. Past its allocation Salesforce stops the stream for the day and
 * the 30 s org poll reads instead, so a steady run would measure the poll, not the stream.
 */
export function eventAllocationFor(changes: number): number {
  const short = Math.max(0, Math.ceil(changes * 1.25) - ENTERPRISE_DAILY_EVENTS);
  return ENTERPRISE_DAILY_EVENTS + Math.ceil(short / ADD_ON_DAILY_EVENTS) * ADD_ON_DAILY_EVENTS;
}

/** sfdc-ingest's state of the org's stream (`streaming`, `down`, …; `none` before it has a row). */
export async function streamStateOf(db: Client, orgId: string): Promise<string> {
  const { rows } = await db.query(`SELECT state FROM sfdc_ingest.sfdc_org_stream WHERE org_id = $1`, [orgId]);
  return rows[0]?.state ?? 'none';
}

/** A new integration user of the org with View All Data (what the reader's preflight asks for); answers its username. */
export async function createReaderUser(sf: BenchSalesforceAdmin, orgId: string): Promise<string> {
  const username = `bench-reader-${randomUUID().slice(0, 8)}@sandbox.test`;
  await sf.setViewAllData(orgId, await sf.createUser(orgId, username), true);
  return username;
}

/** An admin's JWT for connector-settings (the demo's signing secret, as the stack runs it). */
function signAdminToken(): Promise<string> {
  return signUserToken({
    sub: `bench-admin-${randomUUID().slice(0, 8)}`,
    tenant: TENANT,
    roles: [ADMIN_ROLE],
    secret: DEV_JWT_SECRET,
    exp: '2h',
  });
}

/** What an admin's browser does on the settings page's "Connect the org's reader" (tools/scripts/lib/demo-org-reader.js). */
async function connectOrgReader(stack: Stack, adminJwt: string, username: string): Promise<void> {
  await authorizeInBrowser({
    connectorSettings: { url: stack.url('connector-settings') },
    sandboxUrl: stack.url('salesforce-sandbox'),
    userToken: adminJwt,
    username,
    action: 'allow',
    connectPath: '/v1/salesforce/org-reader/connect',
  });
}

/**
 * `pollWhileStreaming`: the org poll must have run since the stream streams, so what follows sees the
 * healthy pace only (minutes at the default 300 s poll: the idle orgs need it, the steady run not).
 */
export async function connectReadersAndWait(
  stack: Stack,
  db: Client,
  readers: readonly { orgId: string; readerUsername: string }[],
  pollWhileStreaming: boolean,
): Promise<void> {
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
    if (Date.now() > deadline)
      throw new Error(
        `not every org read once and streaming in ${READ_ONCE_WITHIN_MS / 1000} s: ${JSON.stringify(rows)}`,
      );
    await sleep(LOOK_EVERY_MS);
  }
}

/** The stack's own database on the same PostgreSQL as `adminUrl`. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
