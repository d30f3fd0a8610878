import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

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

/** Kept-alive connections: a delivery a change, and a new connection each would cost more than the change. */
export function deliveryPoster(maxSockets = 64): ((post: DeliveryPost) => Promise<number>) & { close(): void } {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };
  const send = (post: DeliveryPost) =>
    new Promise<number>((resolve, reject) => {
      const secure = post.url.protocol === 'https:';
      const body = Buffer.from(post.body, 'utf8');
      const req = (secure ? https : http).request(
        post.url,
        {
          method: 'POST',
          agent: secure ? agents.https : agents.http,
          signal: post.signal,
          timeout: post.timeoutMs,
          headers: { ...post.headers, 'content-length': String(body.length) },
        },
        (res) => {
          res.resume(); // the answer's body is not read: only its status counts
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${post.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return Object.assign(send, {
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}
