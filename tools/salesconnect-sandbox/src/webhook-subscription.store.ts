import { newId } from './ids';

export interface WebhookSubscription {
  id: string;
  url: string;
  /** Only this user's changes; null = every user's (an app-level subscription, as the ingest uses). */
  userId: string | null;
  /** The user who created it (their token, or an app token acting for them): they list and delete it. */
  createdByUserId: string | null;
  /** The integration app that created it acting as itself (no user); absent in older snapshots. */
  createdByApp?: string | null;
  createdAt: string;
}

export class WebhookSubscriptionStore {
  private subscriptions = new Map<string, WebhookSubscription>();

  create(
    input: { url: string; userId: string | null; createdByUserId: string | null; createdByApp: string | null },
    now: Date,
  ): WebhookSubscription {
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

  /** What one owner (a user, or an app acting as itself) created. */
  ownedBy(owner: { userId: string | null; app: string | null }): WebhookSubscription[] {
    return this.list().filter((s) =>
      owner.userId !== null
        ? s.createdByUserId === owner.userId && !s.createdByApp
        : s.createdByUserId === null && s.createdByApp === owner.app,
    );
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
