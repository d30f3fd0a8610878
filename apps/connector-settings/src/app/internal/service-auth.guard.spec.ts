import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { RateLimitedException, RateLimits } from '../http/rate-limits';
import { InternalCallers, ServiceAuthGuard, parseServiceTokens, type ServiceRequest } from './service-auth.guard';

const LIMITS = {
  windowSeconds: 60,
  connectPerUser: 1,
  connectPerAddress: 1,
  callbackPerUser: 1,
  callbackPerAddress: 1,
  authFailuresPerAddress: 1000,
  authFailureBlockSeconds: 60,
};

@InternalCallers(['sfdc-ingest', 'reconciler'])
class SessionsController {
  session(): string {
    return 'a session';
  }
  @InternalCallers(['reconciler', 'salesconnect-ingest'])
  watermark(): string {
    return 'a watermark';
  }
}

const contextWith = (authorization?: string, ip = '10.1.1.1', handler: keyof SessionsController = 'session') => {
  const request = { headers: authorization === undefined ? {} : { authorization }, ip } as ServiceRequest;
  const context = {
    switchToHttp: () => ({ getRequest: () => request }),
    getHandler: () => SessionsController.prototype[handler],
    getClass: () => SessionsController,
  } as unknown as ExecutionContext;
  return { request, context };
};

describe('the internal API service tokens', () => {
  const tokens = parseServiceTokens(
    'sfdc-ingest:token-of-the-sfdc-ingest-000000,reconciler:token-of-the-reconciler-0000000',
  );
  const guard = new ServiceAuthGuard(tokens, new RateLimits(LIMITS));

  it('least privilege: a service is let into the routes that name it only', async () => {
    const all = new ServiceAuthGuard(
      parseServiceTokens(
        'reconciler:token-of-the-reconciler-0000000,salesconnect-ingest:token-of-salesconnect-ingest-00',
      ),
      new RateLimits(LIMITS),
    );
    const salesConnectIngest = 'Bearer token-of-salesconnect-ingest-00';
    await expect(all.canActivate(contextWith(salesConnectIngest, '10.1.1.2', 'session').context)).rejects.toThrow(
      ForbiddenException,
    );
    await expect(all.canActivate(contextWith(salesConnectIngest, '10.1.1.2', 'watermark').context)).resolves.toBe(true);
    const reconciler = 'Bearer token-of-the-reconciler-0000000';
    await expect(all.canActivate(contextWith(reconciler, '10.1.1.2', 'session').context)).resolves.toBe(true);
  });

  it('names the calling service', async () => {
    const { request, context } = contextWith('Bearer token-of-the-reconciler-0000000');
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.callerService).toBe('reconciler');
  });

  it.each([
    undefined,
    '',
    'Bearer ',
    'token-of-the-reconciler-0000000',
    'Bearer token-of-the-reconciler-000000',
    'Basic dG9rZW4=',
  ])('refuses %j', async (header) => {
    await expect(guard.canActivate(contextWith(header).context)).rejects.toThrow(UnauthorizedException);
  });

  it('answers 429 to an address past its failed authentications, even with a good token; other addresses go on', async () => {
    const strict = new ServiceAuthGuard(tokens, new RateLimits({ ...LIMITS, authFailuresPerAddress: 2 }));
    for (let i = 0; i < 2; i++)
      await expect(strict.canActivate(contextWith('Bearer wrong', '10.9.9.9').context)).rejects.toThrow(
        UnauthorizedException,
      );
    await expect(strict.canActivate(contextWith('Bearer wrong', '10.9.9.9').context)).rejects.toThrow(
      RateLimitedException,
    );
    await expect(
      strict.canActivate(contextWith('Bearer token-of-the-reconciler-0000000', '10.9.9.9').context),
    ).rejects.toThrow(RateLimitedException);
    await expect(
      strict.canActivate(contextWith('Bearer token-of-the-reconciler-0000000', '10.9.9.8').context),
    ).resolves.toBe(true);
  });

  it.each(['sfdc-ingest', 'sfdc-ingest:short', ':token-without-a-name-0000000000'])(
    'refuses the setting %j (name:token, 24+ characters)',
    (setting) => {
      expect(() => parseServiceTokens(setting)).toThrow(/name:token/);
    },
  );

  it('never prints a token when refusing the setting', () => {
    expect(() => parseServiceTokens('a-token-without-any-name-000000000')).toThrow(
      'internal service token entry 1 must be name:token',
    );
    expect(() =>
      parseServiceTokens('sfdc-ingest:token-of-the-sfdc-ingest-000000,:token-without-a-name-0000000000'),
    ).toThrow(/entry 2 must/);
  });
});
