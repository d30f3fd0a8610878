import { ApiClient } from '@task-sync/salesconnect-sandbox/testing';
import { createUser, startSandbox, useSandbox } from './testing/sandbox-harness';

const APP_TOKEN = 'sc_app_task_sync_dev';

// The task sync is Sales Connect's own integration: one app token that acts for any user. What the
// product's client does with it is tested on the client's side (libs/salesconnect/client).
describe('integration app tokens over HTTP', () => {
  const running = useSandbox();

  it("refuses a user's token that tries to act for someone else, and an unknown app token", async () => {
    const other = await createUser(running, 'Asia/Tokyo');
    const res = await running.api.get('/v1/tasks', { 'x-salesconnect-user': other.id });
    expect(res.status).toBe(400);
    expect(res.body.fields[0].field).toBe('X-SalesConnect-User');
    // Naming oneself is harmless.
    expect((await running.api.get('/v1/tasks', { 'x-salesconnect-user': running.sandbox.defaultUser.id })).status).toBe(
      200,
    );
    const bogus = await new ApiClient(running.url, 'sc_app_not_configured_x').get('/v1/changes');
    expect([bogus.status, bogus.body.error]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('takes its app tokens from the options (SALESCONNECT_SANDBOX_APP_TOKENS)', async () => {
    const custom = await startSandbox({ appTokens: [{ name: 'crm-bridge', token: 'sc_app_crm_bridge_0001' }] });
    try {
      expect((await new ApiClient(custom.url, 'sc_app_crm_bridge_0001').get('/v1/changes')).status).toBe(200);
      expect((await new ApiClient(custom.url, APP_TOKEN).get('/v1/changes')).status).toBe(401);
      expect(custom.sandbox.calls.total({ tenant: 'app:crm-bridge' })).toBe(1);
    } finally {
      await custom.close();
    }
  });
});
