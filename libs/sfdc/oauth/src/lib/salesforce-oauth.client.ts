import { createHash, randomBytes } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { loginUrlFor, type SalesforceLogin, type SalesforceLoginUrls } from './salesforce-login';

export interface SalesforceOAuthOptions {
  /** The login URL of each environment (the Salesforce sandbox's stand-ins locally). */
  loginUrls: SalesforceLoginUrls;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** jsforce defaults to an old API version; always say which. */
  apiVersion: string;
}

export interface SalesforceGrant {
  refreshToken: string;
  instanceUrl: string;
  orgId: string;
  userId: string;
  username: string;
}

export interface SalesforceAccessToken {
  accessToken: string;
  instanceUrl: string;
}

/** A PKCE (RFC 7636) pair: the verifier stays on our server, the S256 challenge goes in the authorize URL. */
export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** 64 random bytes: an 86-character verifier, inside RFC 7636's 43 to 128. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(64).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The refresh token no longer works (revoked, expired, user deactivated). */
export class SalesforceGrantRevoked extends Error {
  override readonly name = 'SalesforceGrantRevoked';
}

/** Every call names the grant's login: a grant is exchanged, refreshed and revoked where it was made. */
export class SalesforceOAuthClient {
  private readonly byLoginUrl = new Map<string, OAuth2>();

  constructor(private readonly options: SalesforceOAuthOptions) {}

  private oauth2(login: SalesforceLogin): OAuth2 {
    const loginUrl = loginUrlFor(login, this.options.loginUrls);
    let oauth2 = this.byLoginUrl.get(loginUrl);
    if (!oauth2) {
      oauth2 = new OAuth2({
        loginUrl,
        clientId: this.options.clientId,
        clientSecret: this.options.clientSecret,
        redirectUri: this.options.redirectUri,
      });
      this.byLoginUrl.set(loginUrl, oauth2);
    }
    return oauth2;
  }

  /**
   * Where to send the user's browser; Salesforce sends it back to the redirect URI with `code` and
   * `state`. The PKCE challenge is passed here rather than through jsforce's `useVerifier`, which
   * keeps one verifier per OAuth2 object, not one per connect attempt.
   */
  buildAuthorizeUrl(login: SalesforceLogin, state: string, codeChallenge: string): string {
    return this.oauth2(login).getAuthorizationUrl({ state, scope: 'api refresh_token', code_challenge: codeChallenge });
  }

  /** Exchanges the one-time code (with the attempt's PKCE verifier) for tokens and reads who authorised. */
  async exchangeCode(login: SalesforceLogin, code: string, codeVerifier: string): Promise<SalesforceGrant> {
    const connection = new Connection({ oauth2: this.oauth2(login), version: this.options.apiVersion });
    const identity = await connection.authorize(code, { code_verifier: codeVerifier });
    if (!connection.refreshToken)
      throw new Error('Salesforce granted no refresh token (is the refresh_token scope allowed?)');
    if (!/^[a-zA-Z0-9]{15,18}$/.test(identity.id))
      throw new Error(`unexpected Salesforce user id ${JSON.stringify(identity.id)}`);
    const result = await connection.query<{ Username: string }>(
      `SELECT Username FROM User WHERE Id = '${identity.id}'`,
    );
    return {
      refreshToken: connection.refreshToken,
      instanceUrl: connection.instanceUrl,
      orgId: identity.organizationId,
      userId: identity.id,
      username: result.records[0]?.Username ?? identity.id,
    };
  }

  /**
   * A new access token from the refresh token. `invalid_grant` (revoked or expired refresh token)
   * is a SalesforceGrantRevoked: only the user can fix it, by connecting again.
   */
  async refreshAccessToken(login: SalesforceLogin, refreshToken: string): Promise<SalesforceAccessToken> {
    try {
      const answer = await this.oauth2(login).refreshToken(refreshToken);
      return { accessToken: answer.access_token, instanceUrl: answer.instance_url };
    } catch (e) {
      if ((e as Error).name === 'invalid_grant') throw new SalesforceGrantRevoked((e as Error).message);
      throw e;
    }
  }

  async revoke(login: SalesforceLogin, refreshToken: string): Promise<void> {
    await this.oauth2(login).revokeToken(refreshToken);
  }
}
