import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CallCounter } from './call-counter';
import { FaultInjector } from './fault-injector';
import { SandboxClock } from './sandbox-clock';
import { loadSnapshot, saveSnapshot } from './snapshot-file';
import { sinceParam } from './admin-router';

describe('SandboxClock', () => {
  let real = Date.parse('2026-11-24T12:00:00Z');
  const clock = new SandboxClock(() => real);
  beforeEach(() => clock.reset());

  it('runs with real time after a set, from the new instant', () => {
    clock.set(new Date('2026-11-23T11:00:00Z'));
    real += 5_000;
    expect(clock.now().toISOString()).toBe('2026-11-23T11:00:05.000Z');
  });

  it('stands still when frozen, and moves only when advanced', () => {
    clock.set(new Date('2026-11-01T00:00:00Z'), { frozen: true });
    real += 60_000;
    expect(clock.now().toISOString()).toBe('2026-11-01T00:00:00.000Z');
    clock.advance(16 * 24 * 3600_000);
    expect(clock.now().toISOString()).toBe('2026-11-17T00:00:00.000Z');
  });

  it('rejects an invalid instant', () => {
    expect(() => clock.set(new Date('nope'))).toThrow(RangeError);
  });
});

describe('FaultInjector', () => {
  it('injects nothing until told, everything at share 1, and about the share in between', () => {
    const faults = new FaultInjector();
    expect(faults.shouldInject('http5xx')).toBe(false);
    faults.configure({ shares: { http5xx: 1 } });
    expect(faults.shouldInject('http5xx')).toBe(true);
    faults.configure({ shares: { http5xx: 0.3 }, seed: 42 });
    const hits = Array.from({ length: 10_000 }, () => faults.shouldInject('http5xx')).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2_700);
    expect(hits).toBeLessThan(3_300);
  });

  it('replays the same faults for the same seed', () => {
    const draw = () => {
      const f = new FaultInjector();
      f.configure({ shares: { x: 0.5 }, seed: 7 });
      return Array.from({ length: 50 }, () => f.shouldInject('x'));
    };
    expect(draw()).toEqual(draw());
  });

  it('refuses a share outside [0, 1]', () => {
    expect(() => new FaultInjector().configure({ shares: { x: 1.5 } })).toThrow(RangeError);
  });
});

describe('CallCounter', () => {
  it('counts by endpoint and tenant', () => {
    const calls = new CallCounter();
    calls.record('query', 'org1');
    calls.record('query', 'org1');
    calls.record('composite/sobjects', 'org2');
    expect(calls.total()).toBe(3);
    expect(calls.total({ endpoint: 'query' })).toBe(2);
    expect(calls.total({ tenant: 'org2' })).toBe(1);
  });
});

describe('snapshot file', () => {
  it('round-trips state and answers undefined when there is none', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kit-')), 'state.json');
    expect(loadSnapshot(file)).toBeUndefined();
    saveSnapshot(file, { tasks: [{ id: 'a' }] });
    expect(loadSnapshot(file)).toEqual({ tasks: [{ id: 'a' }] });
  });
});

describe('sinceParam', () => {
  it('reads an ISO date-time, treats absence as "from the start" and anything else as invalid', () => {
    expect(sinceParam('2026-11-24T10:00:00.000Z')).toBe(Date.parse('2026-11-24T10:00:00.000Z'));
    expect(sinceParam(undefined)).toBe(0);
    expect(sinceParam('yesterday')).toBeNaN();
    expect(sinceParam(['2026-11-24T10:00:00Z', '2026-11-25T10:00:00Z'])).toBeNaN();
  });
});
