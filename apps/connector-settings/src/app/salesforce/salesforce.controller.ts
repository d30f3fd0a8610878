import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Logger, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { SalesforceLogin } from '@task-sync/sfdc-oauth';
import type { Request, Response } from 'express';
import { AuthGuard, ConnectRateLimitGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { clientAddress, RateLimits } from '../http/rate-limits';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { chooseConnectLogin, startConnectBodySchema, type StartConnectBody } from '../connections/api.schemas';
import type { CallbackRefusal, ConnectPurpose } from './connect-attempt';
import { browserKeyFor, CONNECT_COOKIE, connectCookieOptions, readBrowserKey } from './connect-browser-cookie';
import { renderConnectRefusedPage } from './connect-refused.page';
import { CONNECT_FLOW, type ConnectFlowSettings } from './salesforce.tokens';
import { OAuthStateSigner } from './oauth-state';
import { SalesforceConnectService } from './salesforce-connect.service';
import { ConnectionPreflightService } from '../connection-preflight/connection-preflight.service';

/** The connect cookie binds the single-use attempt to this browser. */
export async function startConnectFromBrowser(
  connect: SalesforceConnectService,
  flow: ConnectFlowSettings,
  req: AuthenticatedRequest,
  res: Response,
  purpose: ConnectPurpose,
  startOver = false,
  login?: SalesforceLogin,
): Promise<{ authorizeUrl: string }> {
  const browserKey = browserKeyFor(req);
  const authorizeUrl = await connect.startConnect(req.principal, browserKey, flow.ttlSeconds, purpose, startOver, login);
  res.cookie(CONNECT_COOKIE, browserKey, connectCookieOptions(flow.callbackUrl, flow.ttlSeconds));
  return { authorizeUrl };
}

/** Connect Salesforce: the OAuth 2.0 web-server flow with PKCE (Settings → CRM → Salesforce → Connect). */
@Controller('v1/salesforce')
export class SalesforceController {
  private readonly logger = new Logger('salesforce-connect');

  constructor(
    @Inject(OAuthStateSigner) private readonly states: OAuthStateSigner,
    @Inject(SalesforceConnectService) private readonly connect: SalesforceConnectService,
    @Inject(RateLimits) private readonly limits: RateLimits,
    @Inject(CONNECT_FLOW) private readonly flow: ConnectFlowSettings,
    @Inject(ConnectionPreflightService) private readonly preflight: ConnectionPreflightService,
  ) {}

  /** A My Domain that is not one is refused 400 INVALID_MY_DOMAIN before anything is stored. */
  @Post('connect')
  @HttpCode(200)
  @UseGuards(AuthGuard, ConnectRateLimitGuard)
  start(
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
    @Body(new ZodBodyPipe(startConnectBodySchema)) body: StartConnectBody,
  ): Promise<{ authorizeUrl: string }> {
    const chosen = chooseConnectLogin(body);
    if (!chosen.ok) throw new BadRequestException({ error: 'INVALID_MY_DOMAIN', message: `not a Salesforce My Domain: ${chosen.message}`, fields: [{ field: 'myDomain', message: chosen.message }] });
    return startConnectFromBrowser(this.connect, this.flow, req, res, 'connection', body?.startOver ?? false, chosen.login);
  }

  /**
   * No Bearer token comes with a redirect: the signed state names the attempt, which must be unused,
   * unexpired and this browser's.
   */
  @Get('oauth/callback')
  async callback(
    @Query('state') state: string | undefined,
    @Query('code') code: string | undefined,
    @Query('error') error: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.limits.take('callback-by-address', clientAddress(req));
    const claims = typeof state === 'string' ? this.states.verify(state) : null;
    if (!claims) return this.refuse(res, 'INVALID_STATE');
    await this.limits.take('callback-by-user', `${claims.tenantId}/${claims.userId}`);
    const denied = typeof error === 'string' && error !== '';
    if (!denied && (typeof code !== 'string' || code === '')) return this.refuse(res, 'MISSING_CODE');
    const outcome = await this.connect.completeConnect(claims, readBrowserKey(req), denied ? { error } : { code: code as string });
    if (outcome.kind === 'refused') return this.refuse(res, outcome.reason);
    if (outcome.kind === 'reader-held-elsewhere') return this.refuse(res, 'ORG_READER_HELD_ELSEWHERE', 409);
    const back = new URL(this.flow.settingsPageUrl);
    if (outcome.kind === 'connected') {
      // The preflight before the page shows the connection, so a missing field is said before sync is turned on.
      await this.preflight.checkNow(outcome.connectionId).catch((e: unknown) => this.logger.warn(`connection ${outcome.connectionId}: the preflight at connect failed: ${(e as Error).message}`));
      back.searchParams.set('connected', outcome.connectionId);
      if (outcome.how === 'reconnected') back.searchParams.set('reconnected', '1');
    } else if (outcome.kind === 'other-account') {
      // The page asks the user whether to start over with the account they signed in as.
      back.searchParams.set('error', 'other_salesforce_account');
      back.searchParams.set('connectedAs', outcome.connectedAs);
      back.searchParams.set('offeredAs', outcome.offeredAs);
    } else if (outcome.kind === 'reader-connected') back.searchParams.set('orgReader', outcome.orgId);
    else back.searchParams.set('error', outcome.kind === 'denied' ? outcome.error : 'connect_failed');
    res.redirect(302, back.toString());
  }

  private refuse(res: Response, reason: CallbackRefusal, status = 400): void {
    res.status(status).type('html').send(renderConnectRefusedPage(reason, this.flow.settingsPageUrl));
  }
}
