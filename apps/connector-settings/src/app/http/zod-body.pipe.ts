import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a request body (or, named so, its query) against its schema at the edge; the 400 names every bad field. */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: 'request body' | 'query' = 'request body',
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new BadRequestException({
      error: 'VALIDATION_FAILED',
      message: `the ${this.what} is not valid`,
      fields: result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
    });
  }
}
