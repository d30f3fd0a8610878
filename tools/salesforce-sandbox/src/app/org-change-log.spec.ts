import { SandboxClock } from '@task-sync/util-sandbox-kit';
import { MAX_CHANGES, OrgStore } from './org.store';

describe("an org's change log", () => {
  it('stays bounded under a long run of writes, keeping the newest entries in order', () => {
    const store = new OrgStore(new SandboxClock(), 1000);
    const { org, user } = store.seedDefaults();
    const writes = 3 * MAX_CHANGES;
    const lengths = new Set<number>();
    for (let i = 0; i < writes; i++) {
      store.recordChange(org, {
        taskId: `00T${i}`,
        changeType: 'UPDATE',
        changedFields: ['Subject'],
        commitTimestamp: i,
        changeOrigin: null,
        userId: user.fields.Id as string,
      });
      lengths.add(org.changes.length);
    }
    expect(Math.max(...lengths)).toBeLessThanOrEqual(MAX_CHANGES * 1.1);
    expect(org.changes.length).toBeGreaterThanOrEqual(MAX_CHANGES);
    expect(org.changes[org.changes.length - 1].taskId).toBe(`00T${writes - 1}`);
    const stamps = org.changes.map((c) => c.commitTimestamp);
    expect(stamps).toEqual(stamps.map((_, i) => writes - stamps.length + i));
  });
});
