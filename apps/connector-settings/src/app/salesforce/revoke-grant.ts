import type { Logger } from '@nestjs/common';
import type { SalesforceLogin, SalesforceOAuthClient } from '@task-sync/sfdc-oauth';

/**
 * Revokes a refresh token at Salesforce when we let go of it (disconnect, a replaced or refused
 * grant). A failure is logged, never thrown: the token goes from our side regardless, and
 * Salesforce expires unused tokens by policy.
 */
export async function revokeGrant(oauth: SalesforceOAuthClient, login: SalesforceLogin, refreshToken: string, logger: Pick<Logger, 'warn'>): Promise<void> {
  try {
    await oauth.revoke(login, refreshToken);
  } catch (e) {
    logger.warn(`revoking the refresh token failed (${(e as Error).message}); deleting it anyway`);
  }
}
