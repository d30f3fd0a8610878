import { paginationQuerySchema, toPage } from './pagination';

describe('paginated lists', () => {
  it('limit defaults to 50 and may not exceed 200; offset defaults to 0', () => {
    expect(paginationQuerySchema.parse({})).toEqual({ offset: 0, limit: 50 });
    expect(paginationQuerySchema.parse({ offset: '10', limit: '200' })).toEqual({ offset: 10, limit: 200 });
    expect(paginationQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
    expect(paginationQuerySchema.safeParse({ offset: '-1' }).success).toBe(false);
  });

  it('nextOffset points after the page while more remain, and is null on the last', () => {
    expect(toPage([1, 2], 5, { offset: 0, limit: 2 })).toEqual({ items: [1, 2], total: 5, nextOffset: 2 });
    expect(toPage([5], 5, { offset: 4, limit: 2 })).toEqual({ items: [5], total: 5, nextOffset: null });
    expect(toPage([], 5, { offset: 10, limit: 2 })).toEqual({ items: [], total: 5, nextOffset: null });
  });
});
