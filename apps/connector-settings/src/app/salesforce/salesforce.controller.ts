import { BadRequestException, Controller, Get, HttpCode, Inject, Logger, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { SalesforceOAuthClient } from '@task-sync/sfdc-oauth';
import { AuthGuard, type AuthenticatedRequest } from '../auth/auth.guard';
import { SETTINGS_PAGE_URL, type SettingsPageUrl } from './salesforce.tokens';
import { OAuthStateSigner } from './oauth-state';
import { SalesforceConnectService } from './salesforce-connect.service';

/** Connect Salesforce: the OAuth 2.0 web-server flow (Settings → CRM → Salesforce → Connect). */
@Controller('v1/salesforce')
export class SalesforceController {
  private readonly logger = new Logger('salesforce-oauth');

  constructor(
    @Inject(SalesforceOAuthClient) private readonly oauth: SalesforceOAuthClient,
    @Inject(OAuthStateSigner) private readonly states: OAuthStateSigner,
    @Inject(SalesforceConnectService) private readonly connect: SalesforceConnectService,
    @Inject(SETTINGS_PAGE_URL) private readonly settingsPageUrl: SettingsPageUrl,
  ) {}

  /** Starts the flow: the page sends the browser to `authorizeUrl`. */
  @Post('connect')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  start(@Req() req: AuthenticatedRequest): { authorizeUrl: string } {
    return { authorizeUrl: this.oauth.buildAuthorizeUrl(this.states.sign(req.principal)) };
  }

  /**
   * Salesforce sends the browser back here. No Bearer token comes with a redirect: the signed,
   * expiring state says who started the flow. Ends on the settings page, with the outcome.
   */
  @Get('oauth/callback')
  async callback(
    @Query('state') state: string | undefined,
    @Query('code') code: string | undefined,
    @Query('error') error: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const who = typeof state === 'string' ? this.states.verify(state) : null;
    if (!who) throw new BadRequestException({ error: 'INVALID_STATE', message: 'the connect request is invalid or has expired; start again' });
    const back = new URL(this.settingsPageUrl.value);
    if (typeof error === 'string' && error) {
      back.searchParams.set('error', error);
    } else if (typeof code !== 'string' || !code) {
      throw new BadRequestException({ error: 'MISSING_CODE', message: 'Salesforce sent no authorization code' });
    } else {
      try {
        back.searchParams.set('connected', await this.connect.completeConnect(who, code));
      } catch (e) {
        this.logger.warn(`connecting Salesforce failed: ${(e as Error).message}`);
        back.searchParams.set('error', 'connect_failed');
      }
    }
    res.redirect(302, back.toString());
  }
}
