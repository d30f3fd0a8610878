import { HealthRegistry } from './health.registry';

describe('HealthRegistry', () => {
  it('is ready when every check passes', async () => {
    const health = new HealthRegistry(1_000);
    health.register('postgres', async () => undefined);
    health.register('kafka', async () => undefined);
    expect(await health.report()).toEqual({ ready: true, checks: { postgres: { ok: true }, kafka: { ok: true } } });
  });

  it('is not ready when one check fails, and says why', async () => {
    const health = new HealthRegistry(1_000);
    health.register('postgres', async () => undefined);
    health.register('kafka', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
    });
    const report = await health.report();
    expect(report.ready).toBe(false);
    expect(report.checks['kafka']).toEqual({ ok: false, error: 'connect ECONNREFUSED 127.0.0.1:9092' });
  });

  it('calls a check that does not answer in time down, without waiting for it', async () => {
    const health = new HealthRegistry(50);
    health.register('kafka', () => new Promise<void>(() => undefined));
    const started = Date.now();
    const report = await health.report();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report.checks['kafka']).toEqual({ ok: false, error: 'no answer within 50 ms' });
  });

  it('turns not-ready once shutdown has begun, so traffic drains away', async () => {
    const health = new HealthRegistry(1_000);
    health.register('postgres', async () => undefined);
    health.markShuttingDown();
    const report = await health.report();
    expect(report.ready).toBe(false);
    expect(report.checks['shutdown']).toEqual({ ok: false, error: 'shutting down' });
  });
});
