import { z } from 'zod';
import type { Page } from '@task-sync/contracts';

/** `?offset=&limit=` of every list: limit 50 unless told, at most 200. */
export const paginationQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type PaginationQuery = z.output<typeof paginationQuerySchema>;

/** Every list's answer: a page of items, how many there are in all, and where the next page starts (null: none). */
export type { Page };

export function toPage<T>(items: T[], total: number, query: PaginationQuery): Page<T> {
  const next = query.offset + items.length;
  return { items, total, nextOffset: items.length > 0 && next < total ? next : null };
}
