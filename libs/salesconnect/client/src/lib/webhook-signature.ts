import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `v1=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): signing the timestamp with the body stops
 * replays of an old delivery. The sandbox signs with this code and the ingest verifies with it.
 */
export const SIGNATURE_HEADER = 'x-salesconnect-signature';
export const TIMESTAMP_HEADER = 'x-salesconnect-timestamp';
export const DELIVERY_ID_HEADER = 'x-salesconnect-delivery-id';

/** `body` as sent on the wire: a receiver passes the raw bytes, never re-serialised JSON. */
export function signWebhook(secret: string, timestamp: number | string, body: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex')}`;
}

export type SignatureRejection = 'MALFORMED' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'SIGNATURE_MISMATCH';

export type SignatureCheck = { valid: true } | { valid: false; reason: SignatureRejection };

/** Any one `v1=` value may match: there are several during a secret rotation. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  body: string | Buffer,
  signature: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): SignatureCheck {
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp))
    return { valid: false, reason: 'MALFORMED' };
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds)
    return { valid: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'utf8');
  const candidates = signature.split(',').map((s) => Buffer.from(s.trim(), 'utf8'));
  // Constant-time compare, so the signature cannot be guessed byte by byte from response times.
  const matches = candidates.some((c) => c.length === expected.length && timingSafeEqual(c, expected));
  return matches ? { valid: true } : { valid: false, reason: 'SIGNATURE_MISMATCH' };
}
