import { type ApiUsage, SalesforceError, SalesforceErrorCode } from '@task-sync/sfdc-client';

interface OrgBudget {
  usage: ApiUsage;
  /** While set and in the future, no call is made for this org. */
  pausedUntil: number | null;
}

/** Reads stop at `share` of the daily limit: the rest is for the reconciler's writes and other integrations. */
export class ApiBudget {
  private readonly orgs = new Map<string, OrgBudget>();

  constructor(
    private readonly share: number,
    private readonly recheckMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  record(orgId: string, usage: ApiUsage): void {
    const org = this.orgs.get(orgId) ?? { usage, pausedUntil: null };
    org.usage = usage;
    if (!this.isSpent(usage)) org.pausedUntil = null;
    else if (org.pausedUntil === null || org.pausedUntil <= this.now()) org.pausedUntil = this.now() + this.recheckMs;
    this.orgs.set(orgId, org);
  }

  /**
   * Before a call: throws ApiBudgetReached while the org is paused; once the pause is over, answers
   * 'probe' (make one cheap call to read the usage, and ask again) instead of doing the work.
   */
  check(orgId: string): 'go' | 'probe' {
    const org = this.orgs.get(orgId);
    if (!org || org.pausedUntil === null) return 'go';
    if (org.pausedUntil <= this.now()) return 'probe';
    throw new SalesforceError(
      SalesforceErrorCode.ApiBudgetReached,
      `org ${orgId} has used ${org.usage.used} of ${org.usage.limit} API requests today; reads stop at ${Math.round(this.share * 100)} %`,
    );
  }

  /** REQUEST_LIMIT_EXCEEDED: the org is out, whatever the last figure said. */
  exhausted(orgId: string): void {
    const org = this.orgs.get(orgId) ?? { usage: { used: 0, limit: 1 }, pausedUntil: null };
    org.usage = { used: Math.max(org.usage.used, org.usage.limit), limit: org.usage.limit };
    org.pausedUntil = this.now() + this.recheckMs;
    this.orgs.set(orgId, org);
  }

  usageOf(orgId: string): ApiUsage | undefined {
    return this.orgs.get(orgId)?.usage;
  }

  pausedUntil(orgId: string): number | null {
    return this.orgs.get(orgId)?.pausedUntil ?? null;
  }

  private isSpent(usage: ApiUsage): boolean {
    return usage.used >= usage.limit * this.share;
  }
}
