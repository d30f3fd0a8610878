import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { RateLimitedException } from './rate-limits';

/**
 * Body-parser's errors other than malformed JSON (too large, bad encoding or charset) reach the
 * filter as they are, with a status and a type. Malformed JSON does not: Nest turns body-parser's
 * SyntaxError into a BadRequestException carrying only its message (mapExternalException).
 */
interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
}

const BODY_ERRORS: Record<string, { error: string; message: string }> = {
  'entity.too.large': { error: 'BODY_TOO_LARGE', message: 'the request body is too large' },
  'encoding.unsupported': { error: 'UNSUPPORTED_ENCODING', message: 'the request body encoding is not supported' },
  'charset.unsupported': { error: 'UNSUPPORTED_CHARSET', message: 'the request body charset is not supported' },
};

/**
 * One error shape for the whole API: `{ error: CODE, message, fields? }`. Bad input is always a
 * 4xx with a message; only our own faults are 5xx, and those say nothing about internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(exception: unknown, host: ArgumentsHost): void {
    // Global filters also see the Kafka handlers' errors: those belong to the consumer (retry, restart).
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof RateLimitedException) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json(shapeHttpException(exception));
      return;
    }
    const parser = exception as BodyParserError;
    const status = parser?.status ?? parser?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const known = BODY_ERRORS[parser.type ?? ''];
      res.status(status).json(known ?? { error: codeFor(status), message: parser.message ?? 'bad request' });
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(500).json({ error: 'INTERNAL', message: 'something went wrong on our side' });
  }
}

/** Our own errors already carry `{ error: CODE, message }`; Nest's defaults are reshaped. */
function shapeHttpException(exception: HttpException): object {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const fields = typeof body === 'object' && body !== null ? (body as { error?: unknown; message?: unknown }) : {};
  if (typeof fields.error === 'string' && /^[A-Z][A-Z_]+$/.test(fields.error) && typeof fields.message === 'string')
    return body as object;
  const message =
    typeof body === 'string' ? body : typeof fields.message === 'string' ? fields.message : exception.message;
  // Nest reports body-parser's JSON syntax errors as a plain 400 with the parser's message.
  if (status === 400 && /JSON/.test(message)) {
    return { error: 'MALFORMED_JSON', message: `the request body is not valid JSON (${message})` };
  }
  return { error: codeFor(status), message: Array.isArray(fields.message) ? fields.message.join('; ') : message };
}

function codeFor(status: number): string {
  return (
    {
      400: 'BAD_REQUEST',
      401: 'UNAUTHORIZED',
      403: 'FORBIDDEN',
      404: 'NOT_FOUND',
      405: 'METHOD_NOT_ALLOWED',
      413: 'BODY_TOO_LARGE',
      415: 'UNSUPPORTED_MEDIA_TYPE',
      429: 'RATE_LIMITED',
    }[status] ?? `HTTP_${status}`
  );
}
