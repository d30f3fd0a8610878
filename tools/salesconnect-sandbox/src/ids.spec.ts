import { newId } from './ids';

describe('newId', () => {
  it('hands out prefixed 80-bit hex ids, none twice, across many refills of its random block', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => newId(i % 2 ? 'sct' : 'scd'));
    for (const id of ids) expect(id).toMatch(/^sc[td]_[0-9a-f]{20}$/);
    expect(new Set(ids.map((id) => id.slice(4))).size).toBe(ids.length);
  });
});
