/** Why a message could not be decoded. Never thrown past the edge: the consumer dead-letters it. */
export type DecodeErrorCode = 'NOT_JSON' | 'UNKNOWN_EVENT_TYPE' | 'UNEXPECTED_EVENT_TYPE' | 'INVALID_EVENT';

export class MessageDecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    readonly details: string,
  ) {
    super(`${code}: ${details}`);
    this.name = 'MessageDecodeError';
  }
}
