import { IDEMPOTENCY_TTL_MS, IdempotencyStore } from './idempotency.store';
import type { Task } from './task.model';

const task = (id: string) => ({ id, name: id }) as Task;
const T0 = Date.parse('2026-11-24T10:00:00Z');

describe('IdempotencyStore', () => {
  it('replays a key with the same body within the TTL, refuses it with another body, and forgets it after the TTL', () => {
    const store = new IdempotencyStore();
    store.remember('scu_1', 'k1', { name: 'a', due: '2026-11-25' }, task('sct_1'), T0);
    expect(store.lookup('scu_1', 'k1', { due: '2026-11-25', name: 'a' }, T0 + 1_000)).toEqual({
      kind: 'replay',
      task: task('sct_1'),
    });
    expect(store.lookup('scu_1', 'k1', { name: 'b' }, T0 + 1_000)).toEqual({ kind: 'reused' });
    expect(store.lookup('scu_2', 'k1', { name: 'a', due: '2026-11-25' }, T0 + 1_000)).toEqual({ kind: 'new' });
    expect(store.lookup('scu_1', 'k1', { name: 'a', due: '2026-11-25' }, T0 + IDEMPOTENCY_TTL_MS)).toEqual({
      kind: 'new',
    });
    expect(store.list()).toEqual([]);
  });

  it('prunes from the oldest key and keeps the live ones', () => {
    const store = new IdempotencyStore();
    for (let i = 0; i < 5; i++) store.remember('scu_1', `k${i}`, {}, task(`sct_${i}`), T0 + i * 60_000);
    store.lookup('scu_1', 'none', {}, T0 + IDEMPOTENCY_TTL_MS + 2 * 60_000);
    expect(store.list().map((r) => r.key)).toEqual(['k3', 'k4']);
  });

  it('treats an expired key as new even when a later-remembered key (clock moved back) stops the pruning before it', () => {
    const store = new IdempotencyStore();
    store.remember('scu_1', 'live', {}, task('sct_live'), T0 + IDEMPOTENCY_TTL_MS);
    store.remember('scu_1', 'old', {}, task('sct_old'), T0);
    expect(store.lookup('scu_1', 'old', {}, T0 + IDEMPOTENCY_TTL_MS + 1)).toEqual({ kind: 'new' });
    expect(store.lookup('scu_1', 'live', {}, T0 + IDEMPOTENCY_TTL_MS + 1)).toEqual({
      kind: 'replay',
      task: task('sct_live'),
    });
  });
});
