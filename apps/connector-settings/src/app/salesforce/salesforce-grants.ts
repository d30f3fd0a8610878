import { Inject, Injectable, type Logger } from '@nestjs/common';
import {
  SalesforceOAuthClient,
  type SalesforceAccessToken,
  type SalesforceGrant,
  type SalesforceLogin,
} from '@task-sync/sfdc-oauth';
import { TokenCipher } from './token-cipher';

/** What we keep is sealed, and opened only to be sent to Salesforce. */
@Injectable()
export class SalesforceGrants {
  constructor(
    @Inject(SalesforceOAuthClient) private readonly oauth: SalesforceOAuthClient,
    @Inject(TokenCipher) private readonly cipher: TokenCipher,
  ) {}

  seal(plaintext: string): string {
    return this.cipher.seal(plaintext);
  }

  open(sealed: string): string {
    return this.cipher.open(sealed);
  }

  buildAuthorizeUrl(login: SalesforceLogin, state: string, codeChallenge: string): string {
    return this.oauth.buildAuthorizeUrl(login, state, codeChallenge);
  }

  async exchangeCode(login: SalesforceLogin, code: string, codeVerifierSealed: string): Promise<SalesforceGrant> {
    return this.oauth.exchangeCode(login, code, this.cipher.open(codeVerifierSealed));
  }

  async refreshAccessToken(login: SalesforceLogin, refreshTokenSealed: string): Promise<SalesforceAccessToken> {
    return this.oauth.refreshAccessToken(login, this.cipher.open(refreshTokenSealed));
  }

  /** Never throws: the token goes from our side regardless, and Salesforce expires unused tokens by policy. */
  async revoke(login: SalesforceLogin, refreshToken: string, logger: Pick<Logger, 'warn'>): Promise<void> {
    try {
      await this.oauth.revoke(login, refreshToken);
    } catch (e) {
      logger.warn(`revoking the refresh token failed (${(e as Error).message}); deleting it anyway`);
    }
  }

  async revokeSealed(login: SalesforceLogin, refreshTokenSealed: string, logger: Pick<Logger, 'warn'>): Promise<void> {
    await this.revoke(login, this.cipher.open(refreshTokenSealed), logger);
  }
}
