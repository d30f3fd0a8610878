import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a request body against its schema at the edge; the 400 names every bad field. */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new BadRequestException({
      error: 'VALIDATION_FAILED',
      message: 'the request body is not valid',
      fields: result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
    });
  }
}
