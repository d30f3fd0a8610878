/** The API's `{ error: CODE }` codes, plus three of ours for answers that never had such a body. */
export const SalesConnectErrorCode = {
  Unauthorized: 'UNAUTHORIZED',
  ValidationFailed: 'VALIDATION_FAILED',
  TaskNotFound: 'TASK_NOT_FOUND',
  UserNotFound: 'USER_NOT_FOUND',
  NotFound: 'NOT_FOUND',
  VersionConflict: 'VERSION_CONFLICT',
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  InvalidCursor: 'INVALID_CURSOR',
  CursorExpired: 'CURSOR_EXPIRED',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  /** Ours: refused, reset, DNS, or no answer within the timeout. */
  NetworkError: 'NETWORK_ERROR',
  /** Ours: a 2xx whose body does not match the documented shape. */
  InvalidResponse: 'INVALID_RESPONSE',
  /** Ours: an error status without a recognisable `{ error }` body. */
  UnexpectedStatus: 'UNEXPECTED_STATUS',
} as const;

export type SalesConnectErrorCode = (typeof SalesConnectErrorCode)[keyof typeof SalesConnectErrorCode];

const KNOWN_CODES = new Set<string>(Object.values(SalesConnectErrorCode));

export function toSalesConnectErrorCode(value: unknown): SalesConnectErrorCode | undefined {
  return typeof value === 'string' && KNOWN_CODES.has(value) ? (value as SalesConnectErrorCode) : undefined;
}

/** A failed Sales Connect call: the API's code and HTTP status (null when no answer came back). */
export class SalesConnectApiError extends Error {
  override readonly name = 'SalesConnectApiError';

  constructor(
    readonly code: SalesConnectErrorCode,
    readonly status: number | null,
    message: string,
    /** The rest of the error body, e.g. `currentVersion` of a VERSION_CONFLICT. */
    readonly details: Record<string, unknown> = {},
    /** From `Retry-After`, when the API sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${code}${status === null ? '' : ` (${status})`}: ${message}`);
  }

  /** Worth trying again later as is: the service was unavailable or the request did not complete. */
  get retryable(): boolean {
    return (
      this.code === SalesConnectErrorCode.NetworkError ||
      this.status === 429 ||
      (this.status !== null && this.status >= 500)
    );
  }
}
