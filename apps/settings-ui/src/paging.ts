import type { Page } from './api/types';

/** A list the API answers page by page (`offset`/`limit`), as "Load more" grows it. */
export interface PagedList<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}

export const PAGE_SIZE = 50;

export const emptyList = <T>(): PagedList<T> => ({ items: [], total: 0, nextOffset: 0 });

/** The query of the next page; null when the list is complete. */
export function nextPageQuery(list: PagedList<unknown>, limit = PAGE_SIZE): string | null {
  return list.nextOffset === null ? null : `offset=${list.nextOffset}&limit=${limit}`;
}

/**
 * Adds a page to the list. Rows the list has already (a row that moved between two pages while
 * the user read them) are kept once, at their first place.
 */
export function appendPage<T>(list: PagedList<T>, page: Page<T>, keyOf: (item: T) => string): PagedList<T> {
  const seen = new Set(list.items.map(keyOf));
  return {
    items: [...list.items, ...page.items.filter((i) => !seen.has(keyOf(i)))],
    total: page.total,
    nextOffset: page.nextOffset,
  };
}

/** "Showing 50 of 120" for the live region under a list. */
export const describeShown = (list: PagedList<unknown>, noun: string): string =>
  list.total === 0 ? `No ${noun}.` : `Showing ${list.items.length} of ${list.total} ${noun}.`;
