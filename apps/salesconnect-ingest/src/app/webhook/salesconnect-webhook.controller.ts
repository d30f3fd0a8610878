import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@task-sync/salesconnect-client';
import { WebhookReceiver } from './webhook-receiver.service';

export const WEBHOOK_PATH = '/webhooks/salesconnect';

@Controller()
export class SalesConnectWebhookController {
  constructor(@Inject(WebhookReceiver) private readonly receiver: WebhookReceiver) {}

  @Post(WEBHOOK_PATH)
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.receiver.receive({
      // Kept raw by configureWebhookBodyParser; an empty delivery has no body at all.
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      timestamp: req.get(TIMESTAMP_HEADER),
      signature: req.get(SIGNATURE_HEADER),
      deliveryId: req.get(DELIVERY_ID_HEADER),
    });
    if (answer.status === 503) res.set('Retry-After', '5');
    res.status(answer.status).json(answer.body);
  }
}
