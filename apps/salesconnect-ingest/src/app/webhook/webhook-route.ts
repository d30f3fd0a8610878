import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import getRawBody from 'raw-body';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@task-sync/salesconnect-client';
import { securityHeaders } from '@task-sync/util-nest';
import { WebhookReceiver, type WebhookAnswer } from './webhook-receiver.service';

export const WEBHOOK_PATH = '/webhooks/salesconnect';

/** Far above a change-feed entry (a task's 64,000-character details included). */
const BODY_LIMIT = '1mb';

/**
 * Sales Connect posts one webhook a change, and an import's creates each come back as one. So the
 * webhook is answered on the HTTP server's own request event, before express and Nest: their routing,
 * body parsing and `res.json` cost about 0.15 ms of the 0.2 ms a request took in a micro-benchmark
 * (issue 24's note). Every other request goes to them as before; this answer carries the same
 * security headers. The body stays raw bytes: the HMAC covers exactly what was sent.
 */
export function configureWebhookRoute(app: NestExpressApplication): void {
  const receiver = app.get(WebhookReceiver);
  const headers = securityHeaders();
  const server: Server = app.getHttpServer();
  const framework = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== WEBHOOK_PATH) {
      for (const listener of framework) listener(req, res);
      return;
    }
    headers(req, res, (err) => {
      if (err) send(res, 500, { error: 'INTERNAL', message: 'could not answer the webhook' });
      else void answer(receiver, req, res);
    });
  });
}

async function answer(receiver: WebhookReceiver, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let rawBody: Buffer;
  try {
    rawBody = await getRawBody(req, { limit: BODY_LIMIT, length: req.headers['content-length'] });
  } catch (e) {
    // raw-body says what to answer: 413 for a body over the limit, 400 for one cut short.
    const status = (e as { status?: number }).status ?? 400;
    return send(res, status, {
      error: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
      message: (e as Error).message,
    });
  }
  const header = (name: string) => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  let reply: WebhookAnswer;
  try {
    reply = await receiver.receive({
      rawBody,
      timestamp: header(TIMESTAMP_HEADER),
      signature: header(SIGNATURE_HEADER),
      deliveryId: header(DELIVERY_ID_HEADER),
    });
  } catch {
    // The receiver answers every outcome itself; this is a bug's answer, and Sales Connect retries it.
    reply = { status: 503, body: { error: 'INTERNAL', message: 'could not handle the change now; retry later' } };
  }
  send(res, reply.status, reply.body, reply.status === 503 ? { 'Retry-After': '5' } : {});
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    ...extra,
  });
  res.end(json);
}
