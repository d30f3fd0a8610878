import { chooseConnectLogin, startConnectBodySchema } from './api.schemas';

describe('a connect signs in where the user picked (chooseConnectLogin)', () => {
  const choose = (body: unknown) => chooseConnectLogin(startConnectBodySchema.parse(body));

  it('production by default, a sandbox org at test.salesforce.com, a My Domain at its validated host', () => {
    expect(choose(undefined)).toEqual({ ok: true, login: { environment: 'production' } });
    expect(choose({ startOver: true })).toEqual({ ok: true, login: { environment: 'production' } });
    expect(choose({ environment: 'sandbox' })).toEqual({ ok: true, login: { environment: 'sandbox' } });
    expect(choose({ environment: 'my-domain', myDomain: 'https://Acme.my.salesforce.com/' })).toEqual({
      ok: true,
      login: { environment: 'my-domain', myDomainHost: 'acme.my.salesforce.com' },
    });
  });

  it('refuses a My Domain that is not one, a missing one, and one given for another environment', () => {
    expect(choose({ environment: 'my-domain', myDomain: 'https://evil.example' })).toEqual({
      ok: false,
      message: expect.stringContaining('.my.salesforce.com'),
    });
    expect(choose({ environment: 'my-domain' })).toEqual({ ok: false, message: expect.stringContaining('My Domain') });
    expect(choose({ environment: 'sandbox', myDomain: 'acme.my.salesforce.com' })).toEqual({
      ok: false,
      message: expect.stringContaining('only with environment my-domain'),
    });
  });

  it('knows no other environment', () => {
    expect(startConnectBodySchema.safeParse({ environment: 'staging' }).success).toBe(false);
  });
});
