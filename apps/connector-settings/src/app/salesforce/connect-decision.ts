import { sameSalesforceId } from '@task-sync/task-domain';

/** The Salesforce user a grant, or a connection, belongs to. */
export interface SalesforceIdentity {
  orgId: string;
  userId: string;
}

/**
 * What a user's connect callback does, given the connection they already have (one per user and tenant):
 * - `create`: they had none;
 * - `reconnect`: the same Salesforce user of the same org: the grant is replaced in place, and the
 *   connection keeps its id, links, setting history and sync state (no enable, no import);
 * - `start-over`: another Salesforce user or org, and they confirmed starting over: the old connection
 *   goes as Disconnect takes it, and a new one starts fresh;
 * - `refuse-other-account`: another Salesforce user or org, not confirmed: nothing changes.
 */
export type ConnectDecision = 'create' | 'reconnect' | 'start-over' | 'refuse-other-account';

/**
 * Issue 22, one connection per user: a reconnect of the same Salesforce user never duplicates; another
 * account replaces it only when the user said so. `startOver` changes nothing for the same user.
 * Ids compare by their 15-character form (the 18-character one adds only a case checksum).
 */
export function decideConnect(existing: SalesforceIdentity | null, granted: SalesforceIdentity, startOver: boolean): ConnectDecision {
  if (!existing) return 'create';
  if (sameSalesforceId(existing.orgId, granted.orgId) && sameSalesforceId(existing.userId, granted.userId)) return 'reconnect';
  return startOver ? 'start-over' : 'refuse-other-account';
}
