import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'sandbox-webhook-secret';
  const body = '{"type":"created","taskId":"sct_1"}';
  const ts = 1_795_000_000;

  it('is HMAC-SHA256 over "timestamp.body", hex, prefixed v1=', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signWebhook(secret, ts, body)).toBe(`v1=${expected}`);
  });

  it('signs the raw bytes: a Buffer body and its text give the same signature', () => {
    const bytes = Buffer.from('{"name":"Ação"}', 'utf8');
    expect(signWebhook(secret, ts, bytes)).toBe(signWebhook(secret, ts, bytes.toString('utf8')));
    expect(verifyWebhookSignature(secret, String(ts), bytes, signWebhook(secret, ts, '{"name":"Ação"}'), ts)).toEqual({
      valid: true,
    });
  });

  it('verifies a genuine delivery within the tolerance', () => {
    expect(verifyWebhookSignature(secret, String(ts), body, signWebhook(secret, ts, body), ts + 299)).toEqual({
      valid: true,
    });
  });

  it('accepts any matching value of a comma-separated list (secret rotation)', () => {
    const header = `${signWebhook('old-secret-xx', ts, body)}, ${signWebhook(secret, ts, body)}`;
    expect(verifyWebhookSignature(secret, String(ts), body, header, ts)).toEqual({ valid: true });
  });

  it.each([
    ['a tampered body', String(ts), `${body} `, signWebhook(secret, ts, body), ts, 'SIGNATURE_MISMATCH'],
    ['a tampered timestamp', String(ts + 1), body, signWebhook(secret, ts, body), ts, 'SIGNATURE_MISMATCH'],
    ['another secret', String(ts), body, signWebhook('another-secret', ts, body), ts, 'SIGNATURE_MISMATCH'],
    ['an old timestamp', String(ts), body, signWebhook(secret, ts, body), ts + 301, 'TIMESTAMP_OUT_OF_TOLERANCE'],
    [
      'a timestamp from the future',
      String(ts),
      body,
      signWebhook(secret, ts, body),
      ts - 301,
      'TIMESTAMP_OUT_OF_TOLERANCE',
    ],
    ['no signature', String(ts), body, undefined, ts, 'MALFORMED'],
    ['no timestamp', undefined, body, signWebhook(secret, ts, body), ts, 'MALFORMED'],
    [
      'a tolerance of 60 s, 61 s late',
      String(ts),
      body,
      signWebhook(secret, ts, body),
      ts + 61,
      'TIMESTAMP_OUT_OF_TOLERANCE',
      60,
    ],
    ['a non-numeric timestamp', 'yesterday', body, signWebhook(secret, ts, body), ts, 'MALFORMED'],
  ])('refuses %s', (_label, timestamp, b, signature, now, reason, tolerance = 300) => {
    expect(verifyWebhookSignature(secret, timestamp, b, signature, now, tolerance)).toEqual({ valid: false, reason });
  });
});
