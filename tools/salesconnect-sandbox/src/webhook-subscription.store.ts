import { newId } from './ids';

export interface WebhookSubscription {
  id: string;
  url: string;
  /** Only this user's changes; null = every user's (an app-level subscription, as the ingest uses). */
  userId: string | null;
  /** The user whose token created it: they list and delete it. */
  createdByUserId: string;
  createdAt: string;
}

export class WebhookSubscriptionStore {
  private subscriptions = new Map<string, WebhookSubscription>();

  create(input: { url: string; userId: string | null; createdByUserId: string }, now: Date): WebhookSubscription {
    const subscription: WebhookSubscription = { id: newId('scw'), ...input, createdAt: now.toISOString() };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /** Subscriptions that should receive a change of this user. */
  matching(userId: string): WebhookSubscription[] {
    return this.list().filter((s) => s.userId === null || s.userId === userId);
  }

  list(): WebhookSubscription[] {
    return [...this.subscriptions.values()];
  }

  get(id: string): WebhookSubscription | undefined {
    return this.subscriptions.get(id);
  }

  delete(id: string): boolean {
    return this.subscriptions.delete(id);
  }

  load(subscriptions: WebhookSubscription[]): void {
    this.subscriptions = new Map(subscriptions.map((s) => [s.id, s]));
  }

  clear(): void {
    this.subscriptions.clear();
  }
}
