import {
  loginHostOf,
  loginUrlFor,
  parseMyDomainHost,
  toSalesforceLogin,
  type SalesforceLoginUrls,
} from './salesforce-login';

const URLS: SalesforceLoginUrls = {
  production: 'https://login.salesforce.com',
  sandbox: 'https://test.salesforce.com',
  myDomainTemplate: 'https://{host}',
};

describe('a My Domain is only a Salesforce My Domain host (parseMyDomainHost)', () => {
  it.each([
    ['acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['  Acme.My.Salesforce.com ', 'acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['HTTPS://acme.my.salesforce.com/', 'acme.my.salesforce.com'],
    ['acme--uat.sandbox.my.salesforce.com', 'acme--uat.sandbox.my.salesforce.com'],
    ['a1-b2.my.salesforce.com', 'a1-b2.my.salesforce.com'],
  ])('accepts %j as %j', (input, host) => {
    expect(parseMyDomainHost(input)).toEqual({ ok: true, host });
  });

  it.each([
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['http://acme.my.salesforce.com', 'NOT_HTTPS'],
    ['javascript://acme.my.salesforce.com', 'NOT_HTTPS'],
    ['ftp://acme.my.salesforce.com', 'NOT_HTTPS'],
    // An open redirect or a request to a host of the user's choosing, dressed as a My Domain.
    ['https://evil.example/acme.my.salesforce.com', 'NOT_A_HOST'],
    ['https://acme.my.salesforce.com@evil.example', 'NOT_A_HOST'],
    ['https://evil.example#.my.salesforce.com', 'NOT_A_HOST'],
    ['https://evil.example?.my.salesforce.com', 'NOT_A_HOST'],
    ['acme.my.salesforce.com:8443', 'NOT_A_HOST'],
    ['acme.my.salesforce.com/services/oauth2/authorize', 'NOT_A_HOST'],
    ['acme.my.salesforce.com.', 'NOT_A_HOST'],
    ['//evil.example', 'NOT_A_HOST'],
    ['acme my.salesforce.com', 'NOT_A_HOST'],
    ['ácme.my.salesforce.com', 'NOT_A_HOST'],
    ['acme.my.salesforce.com.evil.example', 'NOT_A_MY_DOMAIN'],
    ['my.salesforce.com', 'NOT_A_MY_DOMAIN'],
    ['.my.salesforce.com', 'NOT_A_MY_DOMAIN'],
    ['a.b.my.salesforce.com', 'NOT_A_MY_DOMAIN'],
    ['evil.sandbox.evil.my.salesforce.com', 'NOT_A_MY_DOMAIN'],
    ['-acme.my.salesforce.com', 'NOT_A_MY_DOMAIN'],
    ['acme-.my.salesforce.com', 'NOT_A_MY_DOMAIN'],
    ['acme.my.salesforce.com.cn', 'NOT_A_MY_DOMAIN'],
    ['acme.lightning.force.com', 'NOT_A_MY_DOMAIN'],
    ['login.salesforce.com', 'NOT_A_MY_DOMAIN'],
    ['127.0.0.1', 'NOT_A_MY_DOMAIN'],
    ['localhost', 'NOT_A_MY_DOMAIN'],
    [`${'a'.repeat(64)}.my.salesforce.com`, 'NOT_A_MY_DOMAIN'],
  ])('refuses %j (%s), saying what a My Domain looks like', (input, reason) => {
    const parsed = parseMyDomainHost(input);
    expect(parsed).toMatchObject({ ok: false, reason });
    expect(parsed.ok === false && parsed.message).toMatch(/my\.salesforce\.com|https/);
  });
});

describe('each environment signs in at its own host (loginUrlFor, loginHostOf)', () => {
  it('production at the production URL, a sandbox at the sandbox URL, a My Domain at the template with its host', () => {
    expect(loginUrlFor({ environment: 'production' }, URLS)).toBe('https://login.salesforce.com');
    expect(loginUrlFor({ environment: 'sandbox' }, URLS)).toBe('https://test.salesforce.com');
    expect(loginUrlFor({ environment: 'my-domain', myDomainHost: 'acme.my.salesforce.com' }, URLS)).toBe(
      'https://acme.my.salesforce.com',
    );
    expect(
      loginUrlFor(
        { environment: 'my-domain', myDomainHost: 'acme.my.salesforce.com' },
        { ...URLS, myDomainTemplate: 'http://127.0.0.1:8610/hosts/{host}' },
      ),
    ).toBe('http://127.0.0.1:8610/hosts/acme.my.salesforce.com');
    expect(
      [
        { environment: 'production' as const },
        { environment: 'sandbox' as const },
        { environment: 'my-domain' as const, myDomainHost: 'acme.my.salesforce.com' },
      ].map(loginHostOf),
    ).toEqual(['login.salesforce.com', 'test.salesforce.com', 'acme.my.salesforce.com']);
  });

  it('never fills the template with a host that is not a My Domain, whatever was stored', () => {
    expect(() => loginUrlFor({ environment: 'my-domain', myDomainHost: 'evil.example' }, URLS)).toThrow(
      /not a My Domain/,
    );
  });

  it('reads a stored login back, and refuses one it does not know', () => {
    expect(toSalesforceLogin('sandbox', null)).toEqual({ environment: 'sandbox' });
    expect(toSalesforceLogin('my-domain', 'acme.my.salesforce.com')).toEqual({
      environment: 'my-domain',
      myDomainHost: 'acme.my.salesforce.com',
    });
    expect(() => toSalesforceLogin('my-domain', null)).toThrow();
    expect(() => toSalesforceLogin('staging', null)).toThrow();
  });
});
