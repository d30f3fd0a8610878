import type { Response } from 'express';
import type { FieldError } from './task.validation';

/** Error codes of the API; every error body is `{ error: CODE, message, ...details }`. */
export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'VALIDATION_FAILED'
  | 'TASK_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_CURSOR'
  | 'CURSOR_EXPIRED'
  | 'SERVICE_UNAVAILABLE';

const STATUS: Record<ApiErrorCode, number> = {
  UNAUTHORIZED: 401,
  VALIDATION_FAILED: 400,
  TASK_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  INVALID_CURSOR: 400,
  CURSOR_EXPIRED: 410,
  SERVICE_UNAVAILABLE: 503,
};

export function sendError(
  res: Response,
  code: ApiErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): void {
  res.status(STATUS[code]).json({ error: code, message, ...details });
}

export function sendValidationError(res: Response, fields: FieldError[]): void {
  sendError(res, 'VALIDATION_FAILED', `invalid ${fields.map((f) => f.field).join(', ')}`, { fields });
}
