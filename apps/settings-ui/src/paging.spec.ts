import { appendPage, describeShown, emptyList, nextPageQuery } from './paging';

const key = (i: { id: string }) => i.id;

describe('paging a long list', () => {
  it('asks for the first page, then from the next offset, then stops', () => {
    let list = emptyList<{ id: string }>();
    expect(nextPageQuery(list)).toBe('offset=0&limit=50');
    list = appendPage(list, { items: [{ id: 'a' }, { id: 'b' }], total: 3, nextOffset: 2 }, key);
    expect(nextPageQuery(list, 2)).toBe('offset=2&limit=2');
    list = appendPage(list, { items: [{ id: 'c' }], total: 3, nextOffset: null }, key);
    expect(list.items.map(key)).toEqual(['a', 'b', 'c']);
    expect(nextPageQuery(list)).toBeNull();
  });

  it('keeps a row that moved between two pages once', () => {
    const list = appendPage(
      { items: [{ id: 'a' }, { id: 'b' }], total: 3, nextOffset: 2 },
      { items: [{ id: 'b' }, { id: 'c' }], total: 3, nextOffset: null },
      key,
    );
    expect(list.items.map(key)).toEqual(['a', 'b', 'c']);
  });

  it('says how much is shown', () => {
    expect(describeShown({ items: [1, 2], total: 5, nextOffset: 2 }, 'tasks')).toBe('Showing 2 of 5 tasks.');
    expect(describeShown({ items: [], total: 0, nextOffset: null }, 'conflicts')).toBe('No conflicts.');
  });
});
