/**
 * The calls the sync itself made in one Salesforce org over the rolling window (24 h, as Salesforce
 * counts), every replica of every service, and the allocation they count against.
 */
export interface OrgApiAllowance {
  orgId: string;
  used: number;
  /** null: no admin setting and no `Sforce-Limit-Info` read yet, so there is nothing to hold calls against. */
  allocated: number | null;
  /** Where `allocated` comes from: set by an admin, the default share of the org's limit, or neither yet. */
  source: AllocationSource;
}

export type AllocationSource = 'admin' | 'default' | 'none';

/** The org's limit as a `Sforce-Limit-Info: api-usage=used/limit` header last said (the org's whole usage, all integrations). */
export interface OrgApiUsage {
  used: number;
  limit: number;
}

/**
 * An admin's allocation wins; without one, the default is a share of the org's daily limit as last
 * read from `Sforce-Limit-Info` (Salesforce grows the limit with licences, so it is read, not configured).
 */
export function resolveAllocation(input: {
  adminAllocated: number | null;
  orgLimit: number | null;
  defaultShare: number;
}): { allocated: number | null; source: AllocationSource } {
  if (input.adminAllocated !== null) return { allocated: input.adminAllocated, source: 'admin' };
  if (input.orgLimit !== null) return { allocated: Math.floor(input.orgLimit * input.defaultShare), source: 'default' };
  return { allocated: null, source: 'none' };
}

/** Whose call it is: a read can wait and read the same changes later in one call; a write carries changes already read. */
export type ApiCallPriority = 'read' | 'write';

/** Reads stop this share short of the allocation, so near it polls cannot starve writes. */
export const WRITE_RESERVE_SHARE = 0.05;

/**
 * And never fewer calls than one write flush makes with nothing cached (after a restart or a pause):
 * the rep's record types, the org's statuses, a read before the writes, the contacts' ids, the
 * Composite. With less, polls that keep the reads at their limit leave the flush one call short every
 * round, and it never goes.
 */
export const WRITE_RESERVE_MIN_CALLS = 5;

/** The count at which calls of this priority are held: the allocation for writes, less the writes' reserve for reads. */
export function admissionLimit(allocated: number, priority: ApiCallPriority): number {
  if (priority === 'write') return allocated;
  return Math.max(0, allocated - Math.max(WRITE_RESERVE_MIN_CALLS, Math.ceil(allocated * WRITE_RESERVE_SHARE)));
}

/**
 * Counts this process's unreported calls too. An org with no allocation known is not held here: its
 * whole limit is still guarded by `Sforce-Limit-Info` and REQUEST_LIMIT_EXCEEDED.
 */
export function decideCallAdmission(
  allowance: Pick<OrgApiAllowance, 'used' | 'allocated'> | undefined,
  unreportedCalls: number,
  priority: ApiCallPriority,
): 'go' | 'refuse' {
  if (!allowance || allowance.allocated === null) return 'go';
  return allowance.used + unreportedCalls >= admissionLimit(allowance.allocated, priority) ? 'refuse' : 'go';
}

export function bucketStartOf(atMs: number, bucketMs: number): number {
  return Math.floor(atMs / bucketMs) * bucketMs;
}

/** A bucket straddling the window's start counts whole, so the figure errs towards holding calls. */
export function firstCountedBucket(atMs: number, windowMs: number, bucketMs: number): number {
  return bucketStartOf(atMs - windowMs, bucketMs);
}
