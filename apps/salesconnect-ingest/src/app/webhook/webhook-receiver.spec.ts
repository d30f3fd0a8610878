import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { signWebhook } from '@task-sync/salesconnect-client';
import { loadConfig } from '@task-sync/util-config';
import { JsonLogger } from '@task-sync/util-nest';
import { NOTHING_HANDLED, type ChangeHandler, type HandleResult } from '../changes/change-handler.service';
import { IngestError } from '../ingest-error';
import { IngestMetrics } from '../ingest.metrics';
import { salesconnectIngestConfigSchema } from '../salesconnect-ingest.config';
import { buildChange } from '../testing/salesconnect-change.fixture';
import { WebhookReceiver } from './webhook-receiver.service';

const SECRET = 'spec-webhook-secret';

function setUp(handle: () => Promise<HandleResult> = async () => ({ ...NOTHING_HANDLED, published: 1, events: 1 })) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(
        ...chunk
          .toString()
          .trim()
          .split('\n')
          .map((l: string) => JSON.parse(l)),
      );
      done();
    },
  });
  const config = loadConfig(salesconnectIngestConfigSchema, {
    SALESCONNECT_WEBHOOK_SECRET: SECRET,
    SALESCONNECT_WEBHOOK_TOLERANCE_SECONDS: '60',
  });
  const registry = new Registry();
  const metrics = new IngestMetrics(registry);
  const handled: unknown[] = [];
  const changes = { handle: (c: unknown) => (handled.push(c), handle()) } as unknown as ChangeHandler;
  const receiver = new WebhookReceiver(config, changes, metrics, new JsonLogger('spec', 'info', sink));
  const rejected = async (reason: string) =>
    (await registry.getSingleMetric('salesconnect_webhook_rejected_total')?.get())?.values.find(
      (v) => v.labels['reason'] === reason,
    )?.value ?? 0;
  return { receiver, handled, lines, rejected };
}

const now = () => Math.floor(Date.now() / 1000);
const signed = (body: string, timestamp = now(), secret = SECRET) => ({
  rawBody: Buffer.from(body),
  timestamp: String(timestamp),
  signature: signWebhook(secret, timestamp, body),
  deliveryId: 'scd_1',
});

describe('WebhookReceiver', () => {
  const body = JSON.stringify(buildChange());

  it('hands a genuine delivery to the change handler and answers 200', async () => {
    const { receiver, handled } = setUp();
    expect(await receiver.receive(signed(body))).toEqual({ status: 200, body: { status: 'published' } });
    expect(handled).toEqual([[expect.objectContaining({ taskId: 'sct_1', type: 'created' })]]);
  });

  it.each([
    ['another secret', () => signed(body, now(), 'not-the-secret'), 'signature_mismatch'],
    [
      'a tampered body',
      () => ({ ...signed(body), rawBody: Buffer.from(body.replace('Call Ana', 'Call Bob')) }),
      'signature_mismatch',
    ],
    ['a timestamp 61 s old (tolerance 60)', () => signed(body, now() - 61), 'timestamp_out_of_tolerance'],
    ['no signature headers', () => ({ rawBody: Buffer.from(body) }), 'malformed'],
  ])('refuses %s with 401, counted and logged, and handles nothing', async (_label, delivery, reason) => {
    const { receiver, handled, lines, rejected } = setUp();
    const answer = await receiver.receive(delivery());
    expect(answer).toEqual({
      status: 401,
      body: { error: 'INVALID_SIGNATURE', message: expect.stringContaining(reason) },
    });
    expect(await rejected(reason)).toBe(1);
    expect(handled).toEqual([]);
    expect(lines.filter((l) => l['msg'] === 'webhook rejected: signature or timestamp')).toEqual([
      expect.objectContaining({ level: 'warn', reason }),
    ]);
  });

  it.each([
    ['not JSON', '{"sequence": 1', /not JSON/],
    ['JSON that is not a change', JSON.stringify({ hello: 'world' }), /sequence/],
    [
      'a change with an impossible due date',
      JSON.stringify({ ...buildChange(), task: { ...buildChange().task, dueDate: '2026-02-30' } }),
      /task\.dueDate/,
    ],
  ])('answers 400 to a well-signed body that is %s, counted as invalid_entry', async (_label, text, problem) => {
    const { receiver, handled, rejected } = setUp();
    const answer = await receiver.receive(signed(text));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'INVALID_ENTRY', message: expect.stringMatching(problem) });
    expect(await rejected('invalid_entry')).toBe(1);
    expect(handled).toEqual([]);
  });

  it('answers 503 when the change could not be published, so Sales Connect retries', async () => {
    const { receiver } = setUp(async () => {
      throw new IngestError('PUBLISH_FAILED', 'Kafka is down');
    });
    expect(await receiver.receive(signed(body))).toEqual({
      status: 503,
      body: { error: 'PUBLISH_FAILED', message: expect.any(String) },
    });
  });

  it.each([
    [{ ...NOTHING_HANDLED, duplicates: 1 }, 'duplicate'],
    [{ ...NOTHING_HANDLED, skipped: 1 }, 'skipped'],
    [{ ...NOTHING_HANDLED, ownCreates: 1 }, 'own-create'],
    [{ ...NOTHING_HANDLED, held: 1 }, 'held'],
    [{ ...NOTHING_HANDLED, superseded: 1 }, 'superseded'],
  ])('says what became of the change: %o → %s', async (result, status) => {
    const { receiver } = setUp(async () => result);
    expect(await receiver.receive(signed(body))).toEqual({ status: 200, body: { status } });
  });
});
