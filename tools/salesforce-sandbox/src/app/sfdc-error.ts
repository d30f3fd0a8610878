import type { Response } from 'express';

/** An error the REST API answers as Salesforce does: `[{"message": …, "errorCode": …, "fields"?: […]}]`. */
export class SfdcError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = errorCode;
  }

  toBody(): { message: string; errorCode: string; fields?: string[] }[] {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }

  /** The per-record form sObject Collections use: `statusCode` instead of `errorCode`. */
  toRecordError(): { statusCode: string; message: string; fields: string[] } {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] };
  }

  /** Every error of the record (a save can fail several validation rules at once). */
  toRecordErrors(): { statusCode: string; message: string; fields: string[] }[] {
    return [this.toRecordError()];
  }
}

/** The answer for an error: Salesforce's status and error body; anything else is a 500 UNKNOWN_EXCEPTION. */
export function sfdcErrorAnswer(error: unknown): { status: number; body: unknown } {
  if (error instanceof SfdcError) return { status: error.status, body: error.toBody() };
  return {
    status: 500,
    body: [{ message: `An unexpected error occurred: ${(error as Error).message}`, errorCode: 'UNKNOWN_EXCEPTION' }],
  };
}

export function sendSfdcError(res: Response, error: unknown): void {
  const answer = sfdcErrorAnswer(error);
  res.status(answer.status).json(answer.body);
}

export const notFound = (): SfdcError => new SfdcError(404, 'NOT_FOUND', 'The requested resource does not exist');
export const entityIsDeleted = (): SfdcError => new SfdcError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
