import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  describeIssues,
  salesConnectChangeSchema,
  type SalesConnectChange,
  verifyWebhookSignature,
} from '@task-sync/salesconnect-client';
import { APP_CONFIG, JsonLogger } from '@task-sync/util-nest';
import { ChangeHandler, type HandleResult } from '../changes/change-handler.service';
import { describeError, IngestError } from '../ingest-error';
import { IngestMetrics } from '../ingest.metrics';
import type { SalesconnectIngestConfig } from '../salesconnect-ingest.config';

export interface WebhookDelivery {
  /** The body exactly as received: the signature covers these bytes. */
  rawBody: Buffer;
  timestamp?: string;
  signature?: string;
  deliveryId?: string;
}

export interface WebhookAnswer {
  status: 200 | 400 | 401 | 503;
  body:
    | { status: 'published' | 'own-create' | 'duplicate' | 'skipped' | 'held' | 'superseded' | 'awaiting-settings' }
    | { error: string; message: string };
}

export type ParsedEntry = { ok: true; change: SalesConnectChange } | { ok: false; message: string };

export function parseWebhookEntry(rawBody: Buffer): ParsedEntry {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (e) {
    return { ok: false, message: `not JSON: ${describeError(e)}` };
  }
  const parsed = salesConnectChangeSchema.safeParse(json);
  return parsed.success ? { ok: true, change: parsed.data } : { ok: false, message: describeIssues(parsed.error) };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

type WebhookStatus = Extract<WebhookAnswer['body'], { status: string }>['status'];

/** A one-change webhook's status: the first of these counts the handler set, else skipped. */
const STATUS_BY_COUNT: readonly [keyof HandleResult, WebhookStatus][] = [
  ['published', 'published'],
  ['ownCreates', 'own-create'],
  ['held', 'held'],
  ['superseded', 'superseded'],
  ['duplicates', 'duplicate'],
  ['awaitingSettings', 'awaiting-settings'],
];

function skewOf(timestamp: string | undefined, now: number): number | undefined {
  return timestamp !== undefined && /^\d{1,12}$/.test(timestamp) ? now - Number(timestamp) : undefined;
}

/** 503 makes Sales Connect retry (and the catch-up would deliver the change anyway). */
@Injectable()
export class WebhookReceiver {
  private readonly log: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: SalesconnectIngestConfig,
    @Inject(ChangeHandler) private readonly changes: ChangeHandler,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
    @Inject(JsonLogger) logger: JsonLogger,
  ) {
    this.log = logger.child('webhook');
  }

  async receive(delivery: WebhookDelivery): Promise<WebhookAnswer> {
    const { rawBody, timestamp, signature, deliveryId } = delivery;
    const check = verifyWebhookSignature(
      this.config.SALESCONNECT_WEBHOOK_SECRET,
      timestamp,
      rawBody,
      signature,
      nowSeconds(),
      this.config.SALESCONNECT_WEBHOOK_TOLERANCE_SECONDS,
    );
    if (!check.valid) {
      const reason = check.reason.toLowerCase();
      this.metrics.webhookRejected.inc({ reason });
      this.log.warn(
        { reason, deliveryId, timestamp, skewSeconds: skewOf(timestamp, nowSeconds()) },
        'webhook rejected: signature or timestamp',
      );
      return { status: 401, body: { error: 'INVALID_SIGNATURE', message: `webhook refused: ${reason}` } };
    }
    const entry = parseWebhookEntry(rawBody);
    if (!entry.ok) {
      this.metrics.webhookRejected.inc({ reason: 'invalid_entry' });
      this.log.warn(
        { reason: 'invalid_entry', deliveryId, problem: entry.message },
        'webhook rejected: not a change-feed entry',
      );
      return { status: 400, body: { error: 'INVALID_ENTRY', message: entry.message } };
    }
    const { change } = entry;
    try {
      const result = await this.changes.handle([change], 'webhook');
      const status = STATUS_BY_COUNT.find(([count]) => result[count] > 0)?.[1] ?? 'skipped';
      this.log.debug(
        {
          deliveryId,
          sequence: change.sequence,
          type: change.type,
          taskId: change.taskId,
          status,
          events: result.events,
        },
        'webhook handled',
      );
      return { status: 200, body: { status } };
    } catch (e) {
      const code = e instanceof IngestError ? e.code : 'INTERNAL';
      this.log.error(
        { code, deliveryId, sequence: change.sequence, err: describeError(e) },
        'webhook not handled: Sales Connect will retry and the catch-up will deliver it',
      );
      return { status: 503, body: { error: code, message: 'could not publish the change now; retry later' } };
    }
  }
}
