import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { bearerTokenCheck } from './bearer-token';

const withAuthorization = (authorization?: string) =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }),
  }) as unknown as ExecutionContext;

describe('bearerTokenCheck: the reconciler internal routes', () => {
  const check = bearerTokenCheck('s3cret-token', 'needs the token');

  it('lets the expected Bearer token through', () => {
    expect(check(withAuthorization('Bearer s3cret-token'))).toBe(true);
  });

  it.each([[undefined], ['Bearer wrong'], ['s3cret-token'], ['Bearer s3cret-token-longer'], ['Basic s3cret-token']])(
    'refuses %p with 401 and the reason',
    (header) => {
      expect(() => check(withAuthorization(header))).toThrow(UnauthorizedException);
      expect(() => check(withAuthorization(header))).toThrow('needs the token');
    },
  );
});
