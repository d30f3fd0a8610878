import type { ApiAllocationUsage } from '@task-sync/contracts/http';
import type { AllocationSource, UsageBucket } from '@task-sync/sfdc-api-budget';

/** What an admin sees of an org (GET /v1/salesforce/api-allocation). */
export interface ApiAllocationView {
  orgId: string;
  /** The sync's own calls in the org over the rolling 24 hours (reads and writes, every replica). */
  used: number;
  /** What they count against; null until an admin sets it or an answer's Sforce-Limit-Info was read. */
  allocated: number | null;
  source: AllocationSource;
  /** The default share of the org's limit (what `allocated` is without an admin's setting). */
  defaultAllocated: number | null;
  /** The org's whole usage (every integration) as the last answer said. */
  orgUsage: { used: number; limit: number; readAt: string } | null;
}

/** The 24-hour chart (an admin's org, a connection's API usage): used / allocated and the calls of each bucket, oldest first. */
export interface ApiUsageOverWindow extends ApiAllocationUsage {
  orgId: string;
  buckets: UsageBucket[];
}
