import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * A request's `Authorization: Bearer` token checked against the expected one in constant time (both
 * hashed first, so their lengths say nothing); else 401 with `refusal`.
 */
export function bearerTokenCheck(expectedToken: string, refusal: string): (context: ExecutionContext) => true {
  const expected = digest(expectedToken);
  return (context) => {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    if (timingSafeEqual(expected, digest(header.startsWith('Bearer ') ? header.slice(7) : ''))) return true;
    throw new UnauthorizedException({ error: 'UNAUTHORIZED', message: refusal });
  };
}
