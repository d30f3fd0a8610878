import { createHash } from 'node:crypto';
import { buildSettingsPageCsp } from './settings-page.csp';
import { SETTINGS_PAGE_HTML } from './settings-page.html';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the settings page CSP', () => {
  it('allows exactly the inline script and style the page has, by hash, and no unsafe-inline', () => {
    const csp = buildSettingsPageCsp('<style>a{}</style><script>go()</script><script>more()</script>');
    expect(csp).toContain(`script-src ${sha('go()')} ${sha('more()')};`);
    expect(csp).toContain(`style-src ${sha('a{}')};`);
    expect(csp).not.toContain('unsafe');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
  });

  it('covers the real page: one script and one style', () => {
    const csp = buildSettingsPageCsp(SETTINGS_PAGE_HTML);
    expect(csp.match(/'sha256-/g)).toHaveLength(2);
  });
});
