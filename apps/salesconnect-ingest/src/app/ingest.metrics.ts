import { Counter, Gauge, type Registry } from 'prom-client';

export class IngestMetrics {
  /** reason: malformed, timestamp_out_of_tolerance, signature_mismatch (401) or invalid_entry (400). */
  readonly webhookRejected: Counter<'reason'>;
  /** source: webhook or feed; outcome: published, duplicate, skipped (no enabled connection, R7). */
  readonly changes: Counter<'source' | 'outcome'>;
  /** outcome: ok, failed, waiting_for_settings. */
  readonly catchUpRounds: Counter<'outcome'>;
  readonly caughtUpAt: Gauge;

  constructor(registry: Registry) {
    this.webhookRejected = new Counter({
      name: 'salesconnect_webhook_rejected_total',
      help: 'Webhook deliveries refused: a bad signature or timestamp (401) or a body that is not a change (400).',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.changes = new Counter({
      name: 'salesconnect_changes_total',
      help: 'Sales Connect changes handled, by how they arrived and what became of them.',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    });
    this.catchUpRounds = new Counter({
      name: 'salesconnect_catchup_rounds_total',
      help: 'Change-feed catch-up rounds, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.caughtUpAt = new Gauge({
      name: 'salesconnect_feed_caught_up_timestamp_seconds',
      help: 'When a catch-up round last reached the end of the change feed (unix seconds).',
      registers: [registry],
    });
  }
}
