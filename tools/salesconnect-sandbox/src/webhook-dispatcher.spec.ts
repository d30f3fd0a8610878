import { FaultInjector, SandboxClock } from '@task-sync/util-sandbox-kit';
import type { Change } from './change.model';
import { DELIVERY_LOG_LIMIT, WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSubscriptionStore } from './webhook-subscription.store';

describe('WebhookDispatcher delivery log', () => {
  it(`keeps the newest ${DELIVERY_LOG_LIMIT} settled deliveries, and every pending one`, () => {
    const clock = new SandboxClock();
    const subscriptions = new WebhookSubscriptionStore();
    subscriptions.create(
      { url: 'http://127.0.0.1:9/hooks', userId: null, createdByUserId: null, createdByApp: 'task-sync' },
      clock.now(),
    );
    const faults = new FaultInjector();
    const dispatcher = new WebhookDispatcher(subscriptions, clock, faults, {
      secret: 's',
      retryBaseMs: 60_000,
      retryMaxMs: 60_000,
      maxAttempts: 8,
      timeoutMs: 1_000,
    });
    const change = (sequence: number) =>
      ({
        cursor: `c${sequence}`,
        sequence,
        type: 'created',
        taskId: `sct_${sequence}`,
        userId: 'scu_1',
        occurredAt: clock.now().toISOString(),
        origin: 'salesconnect-ui',
        task: {},
      }) as unknown as Change;
    try {
      // The first one stays pending (its attempt is in flight against a port nobody listens on); the rest are dropped at once, settled.
      dispatcher.dispatch(change(0));
      faults.configure({ shares: { dropWebhook: 1 } });
      const total = DELIVERY_LOG_LIMIT + 2_000;
      for (let i = 1; i <= total; i++) dispatcher.dispatch(change(i));
      const log = dispatcher.list();
      expect(log.length).toBe(DELIVERY_LOG_LIMIT + 1);
      expect(log.find((d) => d.changeCursor === 'c0')?.status).toBe('pending');
      expect(log.some((d) => d.changeCursor === 'c1')).toBe(false);
      expect(log[log.length - 1].changeCursor).toBe(`c${total}`);
    } finally {
      dispatcher.stop();
    }
  });
});
