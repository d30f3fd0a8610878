import { CHAOS_DEFAULTS, chaosCommand, parseChaosOptions } from './options';

describe('npm run chaos options', () => {
  it("has the issue's defaults: 20,000 changes, 20 kills, one broker restart, 10 % faults, a minute's outage, two replicas", () => {
    expect(parseChaosOptions([], '/out')).toEqual({ ...CHAOS_DEFAULTS, outDir: '/out' });
    expect(CHAOS_DEFAULTS).toMatchObject({
      changes: 20_000,
      kills: 20,
      brokerRestarts: 1,
      faultRate: 0.1,
      limitOutageSeconds: 60,
      replicas: 2,
    });
  });

  it('takes every flag, with a value after it or after =, and prints the command that repeats the run', () => {
    const o = parseChaosOptions(
      ['--changes', '300', '--rate=10', '--kills', '3', '--fault-rate', '0.2', '--limit-outage-s', '10', '--out', '/x'],
      '/out',
    );
    expect(o).toMatchObject({ changes: 300, rate: 10, kills: 3, faultRate: 0.2, limitOutageSeconds: 10, outDir: '/x' });
    expect(chaosCommand(o)).toContain(
      '--changes 300 --rate 10 --connections 10 --kills 3 --broker-restarts 1 --fault-rate 0.2 --limit-outage-s 10',
    );
  });

  it('refuses unknown flags and bad values', () => {
    expect(() => parseChaosOptions(['--nope', '1'], '/out')).toThrow(/unknown option/);
    expect(() => parseChaosOptions(['--fault-rate', '2'], '/out')).toThrow(/between 0 and 1/);
    expect(() => parseChaosOptions(['--kills', '-1'], '/out')).toThrow();
    expect(() => parseChaosOptions(['--changes', '0'], '/out')).toThrow(/above 0/);
  });
});
