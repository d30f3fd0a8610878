import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { ServiceAuthGuard, parseServiceTokens, type ServiceRequest } from './service-auth.guard';

const contextWith = (authorization?: string) => {
  const request = { headers: authorization === undefined ? {} : { authorization } } as ServiceRequest;
  return { request, context: { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext };
};

describe('the internal API service tokens', () => {
  const guard = new ServiceAuthGuard(parseServiceTokens('sfdc-ingest:token-of-the-sfdc-ingest-000000,reconciler:token-of-the-reconciler-0000000'));

  it('names the calling service', () => {
    const { request, context } = contextWith('Bearer token-of-the-reconciler-0000000');
    expect(guard.canActivate(context)).toBe(true);
    expect(request.callerService).toBe('reconciler');
  });

  it.each([undefined, '', 'Bearer ', 'token-of-the-reconciler-0000000', 'Bearer token-of-the-reconciler-000000', 'Basic dG9rZW4='])('refuses %j', (header) => {
    expect(() => guard.canActivate(contextWith(header).context)).toThrow(UnauthorizedException);
  });

  it.each(['sfdc-ingest', 'sfdc-ingest:short', ':token-without-a-name-0000000000'])('refuses the setting %j (name:token, 24+ characters)', (setting) => {
    expect(() => parseServiceTokens(setting)).toThrow(/name:token/);
  });
});
