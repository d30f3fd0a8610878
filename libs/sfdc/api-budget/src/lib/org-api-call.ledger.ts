import { type ApiCallPriority, decideCallAdmission, type OrgApiAllowance, type OrgApiUsage } from './api-allowance';

/** Calls made in one org since the last report, with the org's usage as the last answer said. */
export interface ApiCallReport {
  orgId: string;
  calls: number;
  orgUsage?: OrgApiUsage;
}

/** Where calls are counted for good (connector-settings, in PostgreSQL); answers each reported org's allowance. */
export interface ApiCallsPort {
  report(reports: ApiCallReport[]): Promise<OrgApiAllowance[]>;
}

/** Thrown instead of making a call; `errorCode` is what our Salesforce error classifiers read. */
export class ApiAllocationReachedError extends Error {
  override readonly name = 'ApiAllocationReachedError';
  readonly errorCode = 'API_ALLOCATION_REACHED';

  constructor(
    readonly orgId: string,
    readonly used: number,
    readonly allocated: number,
  ) {
    super(
      `org ${orgId}: the sync has made ${used} of the ${allocated} API calls allocated to it in the last 24 hours; its calls wait until the window frees some`,
    );
  }
}

export interface OrgApiCallLedgerOptions {
  /** This process's calls: sfdc-ingest's and the import preview's are reads, the reconciler's writes (see `admissionLimit`). */
  priority: ApiCallPriority;
  /** Counted calls are reported this often (and at stop). */
  flushMs: number;
  /** An org's allowance is asked for again this often even without new calls: how a paused org learns it may go on. */
  refreshMs: number;
  now?: () => number;
  warn?: (message: string) => void;
}

interface OrgEntry {
  allowance?: OrgApiAllowance;
  fetchedAt: number;
  /** The last report that named it, answered or not: while connector-settings is away, a call waits for it once a refreshMs. */
  askedAt: number;
  /** Counted, not sent yet. */
  pending: number;
  /** In the report in flight: its answer includes them. */
  sending: number;
  usage?: OrgApiUsage;
}

/**
 * Counted in memory and reported every `flushMs`, so no call waits on a database round trip; the price:
 * replicas may overshoot by one interval's calls, and a killed process loses one interval's count.
 */
export class OrgApiCallLedger {
  private readonly orgs = new Map<string, OrgEntry>();
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly port: ApiCallsPort,
    private readonly options: OrgApiCallLedgerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Before each HTTP call to the org: counts it, or throws ApiAllocationReachedError (the call is not made, nor counted). */
  admit(orgId: string): void {
    const org = this.entry(orgId);
    const unreported = org.pending + org.sending;
    if (decideCallAdmission(org.allowance, unreported, this.options.priority) === 'refuse') {
      throw new ApiAllocationReachedError(
        orgId,
        (org.allowance?.used ?? 0) + unreported,
        org.allowance?.allocated ?? 0,
      );
    }
    org.pending += 1;
  }

  /**
   * So a new replica (or a reconciler whose first write comes during a pause) does not call blind.
   * Fails open: if connector-settings does not answer, the call goes.
   */
  async whenKnown(orgId: string): Promise<void> {
    const org = this.entry(orgId);
    if (org.allowance || this.now() - org.askedAt < this.options.refreshMs) return;
    await this.flushing;
    if (!org.allowance) await this.flush();
  }

  /** Every answer's `Sforce-Limit-Info`: its limit is what the default allocation is a share of. */
  observeUsage(orgId: string, usage: OrgApiUsage): void {
    this.entry(orgId).usage = usage;
  }

  /** Our calls in the window (reported, plus this process's not reported yet) and the allocation, as last known. */
  allowanceOf(orgId: string): OrgApiAllowance | undefined {
    const org = this.orgs.get(orgId);
    if (!org?.allowance) return undefined;
    return { ...org.allowance, used: org.allowance.used + org.pending + org.sending };
  }

  /** Reports what was counted, and asks again for allowances older than `refreshMs`. One report at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.report().finally(() => (this.flushing = null));
    return this.flushing;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  /** Nest's lifecycle hooks, by name (this lib imports no framework): reporting starts at boot. */
  onApplicationBootstrap(): void {
    this.start();
  }

  /** After every `beforeApplicationShutdown` (the steps in flight have made their calls): the last report. */
  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private async report(): Promise<void> {
    const now = this.now();
    const due = [...this.orgs].filter(([, org]) => org.pending > 0 || now - org.fetchedAt >= this.options.refreshMs);
    if (due.length === 0) return;
    const reports = due.map(([orgId, org]) => {
      org.askedAt = now;
      org.sending = org.pending;
      org.pending = 0;
      return { orgId, calls: org.sending, ...(org.usage ? { orgUsage: org.usage } : {}) };
    });
    let answers: OrgApiAllowance[];
    try {
      answers = await this.port.report(reports);
    } catch (e) {
      // Kept for the next report: nothing counted is dropped while connector-settings is away.
      for (const [, org] of due) [org.pending, org.sending] = [org.pending + org.sending, 0];
      this.options.warn?.(
        `Salesforce API calls not reported to connector-settings (${(e as Error).message}); reporting them with the next batch`,
      );
      return;
    }
    const byOrg = new Map(answers.map((a) => [a.orgId, a]));
    for (const [orgId, org] of due) {
      org.sending = 0;
      const answer = byOrg.get(orgId);
      if (answer) Object.assign(org, { allowance: answer, fetchedAt: this.now() });
    }
  }

  private entry(orgId: string): OrgEntry {
    let org = this.orgs.get(orgId);
    if (!org) {
      org = { fetchedAt: Number.NEGATIVE_INFINITY, askedAt: Number.NEGATIVE_INFINITY, pending: 0, sending: 0 };
      this.orgs.set(orgId, org);
    }
    return org;
  }
}
