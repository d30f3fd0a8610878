import type { NestExpressApplication } from '@nestjs/platform-express';
import { raw } from 'express';
import { WEBHOOK_PATH } from './salesconnect-webhook.controller';

/**
 * The webhook's body stays raw bytes: the HMAC covers exactly what was sent, and JSON parsed and
 * re-serialised is not that. Registered before Nest's own JSON parser, which then skips the route.
 */
export function configureWebhookBodyParser(app: NestExpressApplication): void {
  app.use(WEBHOOK_PATH, raw({ type: () => true, limit: '1mb' }));
}
