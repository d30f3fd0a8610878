import path from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Logger } from '@nestjs/common';
import { OrgApiCallLedger } from '@task-sync/sfdc-api-budget';
import { JsonLogger, ServiceKitModule } from '@task-sync/util-nest';
import { AdminController } from './admin/admin.controller';
import { AdminRepsRepository } from './admin/admin-reps.repository';
import { AdminService } from './admin/admin.service';
import { ConnectionAccess } from './admin/connection-access';
import { DeleteWindowMetrics } from './delete-window/delete-window.metrics';
import { DeleteWindowRepository } from './delete-window/delete-window.repository';
import { ImportPreviewController } from './import-preview/import-preview.controller';
import { ImportPreviewService } from './import-preview/import-preview.service';
import { ADMIN_ROLE, AdminGuard } from './auth/admin.guard';
import { AuthGuard, ConnectRateLimitGuard } from './auth/auth.guard';
import { JwtVerifier } from './auth/jwt-verifier';
import { ConnectionEntity } from './connections/connection.entity';
import { CONNECTOR_SETTINGS_MIGRATIONS } from './connector-settings.migrations';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService } from './connections/connections.service';
import { SalesforceOAuthClient } from '@task-sync/sfdc-oauth';
import { OAuthStateSigner } from './salesforce/oauth-state';
import { SalesforceConnectService } from './salesforce/salesforce-connect.service';
import { SalesforceController } from './salesforce/salesforce.controller';
import { CONNECT_FLOW } from './salesforce/salesforce.tokens';
import { ConnectAttemptRepository } from './salesforce/connect-attempt.repository';
import { ApiAllocationController } from './api-allocation/api-allocation.controller';
import { OrgApiCallsRepository } from './api-allocation/org-api-calls.repository';
import { API_ALLOCATION_SETTINGS, OrgApiAllocationService } from './api-allocation/org-api-allocation.service';
import { OrgReaderController } from './org-reader/org-reader.controller';
import { OrgReaderRepository } from './org-reader/org-reader.repository';
import { OrgReaderService } from './org-reader/org-reader.service';
import { OrgReaderPreflightService, READER_CHECKS } from './org-reader/org-reader-preflight.service';
import { salesforceChecks } from './preflight-schedule';
import { RateLimits } from './http/rate-limits';
import { ConnectionPreflightRepository } from './connection-preflight/connection-preflight.repository';
import { CONNECTION_CHECKS, ConnectionPreflightService } from './connection-preflight/connection-preflight.service';
import { TokenCipher } from './salesforce/token-cipher';
import { SalesforceGrants } from './salesforce/salesforce-grants';
import { TaskHealthController } from './task-health/task-health.controller';
import { SALESCONNECT_TASK_URL_TEMPLATE, TaskHealthService } from './task-health/task-health.service';
import { RECONCILER_CLIENT, ReconcilerClient } from './task-health/reconciler.client';
import { SettingsPageController } from './settings-page/settings-page.controller';
import { SettingsPageFiles } from './settings-page/settings-page.files';
import { StatusConsumer } from './status/status.consumer';
import type { ConnectorSettingsConfig } from './connector-settings.config';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { DocsController } from './http/docs.controller';
import { OutboxRelayService } from './outbox-relay.service';
import { InternalController } from './internal/internal.controller';
import { SettingsClock } from './connections/settings-clock';
import { SalesforceSessionService } from './internal/salesforce-session.service';
import { SERVICE_TOKENS, ServiceAuthGuard, parseServiceTokens } from './internal/service-auth.guard';

@Module({})
export class AppModule {
  static forRoot(config: ConnectorSettingsConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          config,
          logger,
          database: {
            schema: 'connector_settings',
            // connection is still read and saved through its entity (six services); every other table by typed SQL.
            entities: [ConnectionEntity],
            migrations: CONNECTOR_SETTINGS_MIGRATIONS,
          },
        }),
      ],
      controllers: [
        ConnectionsController,
        TaskHealthController,
        ImportPreviewController,
        AdminController,
        SalesforceController,
        OrgReaderController,
        ApiAllocationController,
        DocsController,
        SettingsPageController,
        StatusConsumer,
        InternalController,
      ],
      providers: [
        // apps/settings-ui's build sits beside main.js (nx build connector-settings copies it there; the image keeps it).
        { provide: SettingsPageFiles, useFactory: () => SettingsPageFiles.load(path.join(__dirname, 'settings-ui')) },
        OutboxRelayService,
        ConnectionsService,
        SettingsClock,
        AuthGuard,
        ConnectRateLimitGuard,
        AdminGuard,
        { provide: ADMIN_ROLE, useValue: config.JWT_ADMIN_ROLE },
        ConnectAttemptRepository,
        OrgReaderRepository,
        OrgReaderService,
        OrgApiCallsRepository,
        OrgApiAllocationService,
        {
          provide: API_ALLOCATION_SETTINGS,
          useValue: {
            defaultShare: config.API_ALLOCATION_DEFAULT_SHARE,
            windowMs: config.API_CALLS_WINDOW_SECONDS * 1000,
            bucketMs: config.API_CALLS_BUCKET_SECONDS * 1000,
          },
        },
        {
          // This process's own Salesforce calls (the import preview) count against the org's allocation in-process.
          provide: OrgApiCallLedger,
          useFactory: (allocations: OrgApiAllocationService) => {
            const logger = new Logger('api-calls');
            return new OrgApiCallLedger(
              { report: (reports) => allocations.report(reports) },
              {
                priority: 'read',
                flushMs: config.API_CALLS_REPORT_MS,
                refreshMs: config.API_ALLOCATION_REFRESH_MS,
                warn: (m) => logger.warn(m),
              },
            );
          },
          inject: [OrgApiAllocationService],
        },
        ConnectionAccess,
        ImportPreviewService,
        AdminRepsRepository,
        AdminService,
        DeleteWindowRepository,
        DeleteWindowMetrics,
        OrgReaderPreflightService,
        ConnectionPreflightRepository,
        ConnectionPreflightService,
        { provide: CONNECTION_CHECKS, useValue: salesforceChecks(config.SALESFORCE_API_VERSION) },
        { provide: READER_CHECKS, useValue: salesforceChecks(config.SALESFORCE_API_VERSION) },
        {
          provide: RateLimits,
          useValue: new RateLimits({
            windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
            connectPerUser: config.CONNECT_LIMIT_PER_USER,
            connectPerAddress: config.CONNECT_LIMIT_PER_ADDRESS,
            callbackPerUser: config.CALLBACK_LIMIT_PER_USER,
            callbackPerAddress: config.CALLBACK_LIMIT_PER_ADDRESS,
            authFailuresPerAddress: config.AUTH_FAILURE_LIMIT_PER_ADDRESS,
            authFailureBlockSeconds: config.AUTH_FAILURE_BLOCK_SECONDS,
          }),
        },
        {
          provide: JwtVerifier,
          useValue: new JwtVerifier({
            secret: config.JWT_SECRET,
            jwksUrl: config.JWT_JWKS_URL,
            issuer: config.JWT_ISSUER,
            audience: config.JWT_AUDIENCE,
            rolesClaim: config.JWT_ROLES_CLAIM,
          }),
        },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        SalesforceConnectService,
        SalesforceSessionService,
        SalesforceGrants,
        { provide: SERVICE_TOKENS, useValue: parseServiceTokens(config.INTERNAL_SERVICE_TOKENS) },
        // The reconciler answers with the token it calls us with: the `reconciler:` one of INTERNAL_SERVICE_TOKENS.
        {
          provide: RECONCILER_CLIENT,
          useValue: new ReconcilerClient(
            config.RECONCILER_URL,
            parseServiceTokens(config.INTERNAL_SERVICE_TOKENS).get('reconciler') ?? '',
          ),
        },
        { provide: SALESCONNECT_TASK_URL_TEMPLATE, useValue: config.SALESCONNECT_APP_TASK_URL_TEMPLATE },
        TaskHealthService,
        ServiceAuthGuard,
        {
          provide: SalesforceOAuthClient,
          useValue: new SalesforceOAuthClient({
            loginUrls: {
              production: config.SALESFORCE_LOGIN_URL,
              sandbox: config.SALESFORCE_SANDBOX_LOGIN_URL,
              myDomainTemplate: config.SALESFORCE_MY_DOMAIN_URL_TEMPLATE,
            },
            clientId: config.SALESFORCE_CLIENT_ID,
            clientSecret: config.SALESFORCE_CLIENT_SECRET,
            redirectUri: config.OAUTH_REDIRECT_URL,
            apiVersion: config.SALESFORCE_API_VERSION,
          }),
        },
        {
          provide: TokenCipher,
          useValue: new TokenCipher(config.TOKEN_ENCRYPTION_KEYS, config.TOKEN_ENCRYPTION_KEY_ID),
        },
        {
          provide: OAuthStateSigner,
          useValue: new OAuthStateSigner(config.OAUTH_STATE_SECRET, config.OAUTH_STATE_TTL_SECONDS),
        },
        {
          provide: CONNECT_FLOW,
          useValue: {
            settingsPageUrl: config.SETTINGS_PAGE_URL,
            callbackUrl: config.OAUTH_REDIRECT_URL,
            ttlSeconds: config.OAUTH_STATE_TTL_SECONDS,
          },
        },
      ],
    };
  }
}
