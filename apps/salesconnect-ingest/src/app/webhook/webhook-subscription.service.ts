import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { SalesConnectClient } from '@task-sync/salesconnect-client';
import { APP_CONFIG, JsonLogger } from '@task-sync/util-nest';
import type { SalesconnectIngestConfig } from '../salesconnect-ingest.config';

/** Keeps our app-level webhook subscription (every user's changes) registered at our public URL. */
@Injectable()
export class WebhookSubscriptionService {
  private readonly log: Logger;
  private confirmed = false;

  constructor(
    @Inject(SalesConnectClient) private readonly client: SalesConnectClient,
    @Inject(APP_CONFIG) private readonly config: SalesconnectIngestConfig,
    @Inject(JsonLogger) logger: JsonLogger,
  ) {
    this.log = logger.child('webhook-subscription');
  }

  /** One GET when it exists; creates it when it does not (deleted by someone, or never made). */
  async ensureSubscribed(): Promise<void> {
    const url = this.config.SALESCONNECT_WEBHOOK_PUBLIC_URL;
    const existing = (await this.client.listWebhookSubscriptions()).find((s) => s.url === url && s.userId === null);
    if (existing !== undefined) {
      if (!this.confirmed) this.log.info({ subscriptionId: existing.id, url }, 'webhook subscription in place');
      this.confirmed = true;
      return;
    }
    const created = await this.client.createWebhookSubscription({ url });
    this.confirmed = true;
    this.log.info({ subscriptionId: created.id, url }, 'webhook subscription created');
  }
}
