import { z } from 'zod';
import { ChangeFeedError, ChangeFeedErrorCode } from './change-feed.error';
import { CHANGE_TYPES, type TaskChangeEvent } from './change-feed.port';

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
/** Salesforce's "empty record id": what an overflow event names instead of records. */
const EMPTY_RECORD_ID = '000000000000000AAA';

const headerSchema = z.object({
  entityName: z.literal('Task'),
  recordIds: z.array(z.string().regex(SALESFORCE_ID, 'not a Salesforce id')),
  changeType: z.enum(CHANGE_TYPES),
  changeOrigin: z.string(),
  transactionKey: z.string(),
  sequenceNumber: z.number().int(),
  commitTimestamp: z.number().int().nonnegative(),
  commitUser: z.string(),
  changedFields: z.array(z.string()).default([]),
  nulledFields: z.array(z.string()).default([]),
});

/** CometD's `data`: `{schema, payload: {ChangeEventHeader, ...fields}, event: {replayId}}`. */
const cometdEventSchema = z.object({
  payload: z.looseObject({ ChangeEventHeader: headerSchema }),
  event: z.object({ replayId: z.number().int() }),
});

/** The `client=` part of `changeOrigin` (`com/salesforce/api/rest/62.0;client=task-sync`). */
export function parseOriginClient(changeOrigin: string): string | null {
  for (const part of changeOrigin.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === 'client' && value.length > 0) return value.join('=') || null;
  }
  return null;
}

/** Whether the event carries the record's fields (gap and delete events carry none worth reading). */
function carriesFields(changeType: TaskChangeEvent['changeType']): boolean {
  return changeType === 'CREATE' || changeType === 'UPDATE' || changeType === 'UNDELETE';
}

export type DecodeResult = { ok: true; event: TaskChangeEvent } | { ok: false; error: ChangeFeedError };

/** Validates one CometD change event and turns it into ours; a malformed one is a MALFORMED_EVENT error, never a throw. */
export function decodeCometdTaskChangeEvent(raw: unknown): DecodeResult {
  const parsed = cometdEventSchema.safeParse(raw);
  if (!parsed.success) {
    const replayId = (raw as { event?: { replayId?: unknown } } | null)?.event?.replayId;
    return {
      ok: false,
      error: new ChangeFeedError(
        ChangeFeedErrorCode.MalformedEvent,
        `malformed Task change event: ${z.prettifyError(parsed.error)}`,
        {
          replayId: typeof replayId === 'number' ? replayId : undefined,
          raw,
        },
      ),
    };
  }
  const { payload, event } = parsed.data;
  const { ChangeEventHeader: header, ...body } = payload;
  const recordIds = header.recordIds.filter((id) => id !== EMPTY_RECORD_ID);
  if (recordIds.length === 0 && header.changeType !== 'GAP_OVERFLOW') {
    return {
      ok: false,
      error: new ChangeFeedError(
        ChangeFeedErrorCode.MalformedEvent,
        `malformed Task change event: a ${header.changeType} event names no record`,
        { replayId: event.replayId, raw },
      ),
    };
  }
  // Gap events come with every field null in Salesforce: that says nothing about the record.
  const fields = carriesFields(header.changeType) ? body : {};
  return {
    ok: true,
    event: {
      replayId: event.replayId,
      changeType: header.changeType,
      recordIds,
      commitTimestamp: header.commitTimestamp,
      commitUser: header.commitUser,
      transactionKey: header.transactionKey,
      sequenceNumber: header.sequenceNumber,
      changeOrigin: header.changeOrigin,
      originClient: parseOriginClient(header.changeOrigin),
      changedFields: header.changedFields,
      nulledFields: header.nulledFields,
      ownerId: typeof fields.OwnerId === 'string' ? fields.OwnerId : null,
      fields,
    },
  };
}
