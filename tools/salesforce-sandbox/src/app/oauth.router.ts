import { createHash, createHmac } from 'node:crypto';
import { Router, urlencoded, type Request, type Response } from 'express';
import type { CallCounter, SandboxClock } from '@task-sync/util-sandbox-kit';
import { renderLoginPage } from './oauth-login-page';
import type { OrgState, OrgStore } from './org.store';
import { instanceUrlOfOrg, salesforceHostOf, signsInAt } from './salesforce-host';
import type { ConnectedApp } from './sandbox-records';
import type { AccessToken, Grant, SessionStore } from './session.store';

export interface OAuthDeps {
  store: OrgStore;
  sessions: SessionStore;
  clock: SandboxClock;
  calls: CallCounter;
}

type OAuthErrorBody = { error: string; error_description: string };

const oauthError = (res: Response, status: number, error: string, description: string): void => {
  res.status(status).json({ error, error_description: description } satisfies OAuthErrorBody);
};

/** The URL of the Salesforce host the request came to (the sandbox's root, or `/hosts/<host>`). */
export const instanceUrlOf = (req: Request): string => salesforceHostOf(req).url;

const sha256Base64Url = (text: string): string => createHash('sha256').update(text).digest('base64url');

/** The fields a Salesforce token answer carries; `signature` is HMAC-SHA256(id + issued_at) with the client secret. */
function tokenResponse(
  req: Request,
  org: OrgState,
  app: ConnectedApp,
  access: AccessToken,
  refreshToken: string | null,
  issuedAtMs: number,
): Record<string, string> {
  const id = `${instanceUrlOf(req)}/id/${access.orgId}/${access.userId}`;
  const issuedAt = String(issuedAtMs);
  const signature = createHmac('sha256', app.clientSecret)
    .update(id + issuedAt)
    .digest('base64');
  return {
    access_token: access.token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature,
    scope: refreshToken ? 'refresh_token api' : 'api',
    // The org's own instance, wherever the user signed in: after a move, the new one.
    instance_url: instanceUrlOfOrg(req, org),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

/** `/services/oauth2/*` as Salesforce answers it: authorize (login page), token (three grants), revoke. */
export function createOAuthRouter(deps: OAuthDeps): Router {
  const { store, sessions, clock, calls } = deps;
  const router = Router();
  router.use(urlencoded({ extended: false }));

  const authorizeParams = (source: Record<string, unknown>): Record<string, string> => {
    const keep = [
      'response_type',
      'client_id',
      'redirect_uri',
      'state',
      'scope',
      'code_challenge',
      'code_challenge_method',
    ];
    return Object.fromEntries(keep.filter((k) => typeof source[k] === 'string').map((k) => [k, source[k] as string]));
  };

  const checkAuthorizeRequest = (params: Record<string, string>): string | null => {
    if (params.response_type !== 'code') return 'unsupported_response_type: response type not supported';
    const app = store.apps.get(params.client_id ?? '');
    if (!app) return 'invalid_client_id: client identifier invalid';
    if (!params.redirect_uri || !URL.canParse(params.redirect_uri))
      return 'redirect_uri_mismatch: redirect_uri must match configuration';
    if (app.redirectUris.length > 0 && !app.redirectUris.includes(params.redirect_uri))
      return 'redirect_uri_mismatch: redirect_uri must match configuration';
    return null;
  };

  router.get('/authorize', (req, res) => {
    calls.record('GET /services/oauth2/authorize');
    const params = authorizeParams(req.query as Record<string, unknown>);
    const problem = checkAuthorizeRequest(params);
    if (problem) {
      res.status(400).type('text/plain').send(problem);
      return;
    }
    res.type('html').send(renderLoginPage(params, null));
  });

  router.post('/authorize', (req, res) => {
    calls.record('POST /services/oauth2/authorize');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const params = authorizeParams(body);
    const problem = checkAuthorizeRequest(params);
    if (problem) {
      res.status(400).type('text/plain').send(problem);
      return;
    }
    const back = new URL(params.redirect_uri);
    if (body.action === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'end-user denied authorization');
    } else {
      const found = store.findUserByUsername(String(body.username ?? ''));
      // A sandbox org's user at login.salesforce.com (or a production one at test.salesforce.com) is unknown there.
      if (!found || found.user.password !== body.password || !signsInAt(found.org, salesforceHostOf(req).name)) {
        res.status(200).type('html').send(renderLoginPage(params, 'Please check your username and password.'));
        return;
      }
      const grant: Grant = { orgId: found.org.id, userId: found.user.fields.Id as string, clientId: params.client_id };
      back.searchParams.set('code', sessions.issueCode(grant, params.redirect_uri, params.code_challenge ?? null).code);
    }
    if (params.state !== undefined) back.searchParams.set('state', params.state);
    res.redirect(302, back.toString());
  });

  router.post('/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    calls.record(`POST /services/oauth2/token ${body.grant_type ?? '-'}`);
    const app = store.apps.get(body.client_id ?? '');
    if (!app) return oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
    const secretOk = body.client_secret === app.clientSecret;

    switch (body.grant_type) {
      case 'password': {
        if (!secretOk) return oauthError(res, 400, 'invalid_client', 'invalid client credentials');
        const found = store.findUserByUsername(body.username ?? '');
        if (!found || found.user.password !== body.password || !signsInAt(found.org, salesforceHostOf(req).name))
          return oauthError(res, 400, 'invalid_grant', 'authentication failure');
        // The password grant gives no refresh token, as in Salesforce.
        const access = sessions.issueAccessToken(
          { orgId: found.org.id, userId: found.user.fields.Id as string, clientId: app.clientId },
          null,
        );
        res.json(tokenResponse(req, found.org, app, access, null, clock.nowMs()));
        return;
      }
      case 'authorization_code': {
        const code = sessions.takeCode(body.code ?? '');
        const codeOrg = code ? store.getOrg(code.orgId) : undefined;
        // Exchanged where it was issued: a code from test.salesforce.com is unknown at login.salesforce.com.
        if (!code || !codeOrg || code.clientId !== app.clientId || !signsInAt(codeOrg, salesforceHostOf(req).name)) {
          return oauthError(res, 400, 'invalid_grant', 'invalid authorization code');
        }
        if (code.redirectUri !== body.redirect_uri)
          return oauthError(res, 400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
        const verifierOk =
          code.codeChallenge !== null &&
          typeof body.code_verifier === 'string' &&
          sha256Base64Url(body.code_verifier) === code.codeChallenge;
        if (code.codeChallenge !== null && !verifierOk)
          return oauthError(res, 400, 'invalid_grant', 'invalid code verifier');
        if (!secretOk && !verifierOk) return oauthError(res, 400, 'invalid_client', 'invalid client credentials');
        const refresh = sessions.issueRefreshToken(code);
        const access = sessions.issueAccessToken(code, refresh.token);
        res.json(tokenResponse(req, codeOrg, app, access, refresh.token, clock.nowMs()));
        return;
      }
      case 'refresh_token': {
        if (body.client_secret !== undefined && !secretOk)
          return oauthError(res, 400, 'invalid_client', 'invalid client credentials');
        const refresh = sessions.findRefreshToken(body.refresh_token ?? '');
        const refreshOrg = refresh ? store.getOrg(refresh.orgId) : undefined;
        // Refreshed where the org's users sign in: a sandbox org's grant is unknown at login.salesforce.com.
        if (
          !refresh ||
          !refreshOrg ||
          refresh.clientId !== app.clientId ||
          !signsInAt(refreshOrg, salesforceHostOf(req).name)
        ) {
          return oauthError(res, 400, 'invalid_grant', 'expired access/refresh token');
        }
        const access = sessions.issueAccessToken(refresh, refresh.token);
        res.json(tokenResponse(req, refreshOrg, app, access, null, clock.nowMs()));
        return;
      }
      default:
        return oauthError(res, 400, 'unsupported_grant_type', 'grant type not supported');
    }
  });

  router.post('/revoke', (req, res) => {
    calls.record('POST /services/oauth2/revoke');
    const token = String((req.body as Record<string, unknown> | undefined)?.token ?? req.query.token ?? '');
    if (!sessions.revoke(token))
      return oauthError(res, 400, 'unsupported_token_type', 'this token type is not supported');
    res.status(200).end();
  });

  return router;
}
