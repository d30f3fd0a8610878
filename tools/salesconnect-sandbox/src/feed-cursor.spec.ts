import fc from 'fast-check';
import { decodeCursor, encodeCursor } from './feed-cursor';

describe('feed cursors', () => {
  it('round-trip any sequence number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).filter((n) => String(n).length <= 15),
        (n) => {
          expect(decodeCursor('changes', encodeCursor('changes', n))).toBe(n);
        },
      ),
    );
  });

  it('are opaque: no plain number shows', () => {
    expect(encodeCursor('changes', 42)).not.toContain('42');
  });

  it('do not mix kinds and refuse garbage', () => {
    expect(decodeCursor('changes', encodeCursor('tasks', 3))).toBeNull();
    expect(decodeCursor('tasks', encodeCursor('changes', 3))).toBeNull();
    expect(decodeCursor('changes', '3')).toBeNull();
    expect(decodeCursor('changes', 'not a cursor!')).toBeNull();
    expect(decodeCursor('changes', Buffer.from('c1:-1').toString('base64url'))).toBeNull();
  });

  it('refuse a negative sequence', () => {
    expect(() => encodeCursor('changes', -1)).toThrow(RangeError);
  });
});
