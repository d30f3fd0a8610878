import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSettingsPageCsp, inlineCodeIn } from './settings-page.csp';
import { SettingsPageFiles } from './settings-page.files';

describe('the settings page CSP', () => {
  it("allows script and style from this origin only: no 'unsafe-inline', no eval, no framing", () => {
    const csp = buildSettingsPageCsp().split('; ');
    expect(csp).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'none'",
      ]),
    );
    expect(csp.join(';')).not.toContain('unsafe');
  });

  it.each([
    ['<script type="module" src="/a.js"></script><link rel="stylesheet" href="/a.css">', []],
    ['<script>go()</script>', ['an inline <script>']],
    ['<script src="/a.js">more()</script>', ['an inline <script>']],
    ['<style>a{}</style>', ['an inline <style>']],
    ['<div style="color:red"></div>', ['a style attribute']],
    ['<button onclick="go()">', ['an inline event handler']],
  ])('finds what the CSP would block in %s', (html, found) => {
    expect(inlineCodeIn(html)).toEqual(found);
  });
});

describe('the built settings page', () => {
  const build = (html: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'settings-ui-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), html);
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'assets', 'notes.txt'), 'not served');
    return dir;
  };

  it('serves the built assets by name and nothing else', () => {
    const files = SettingsPageFiles.load(
      build('<script type="module" src="/settings/crm/salesforce/assets/index-abc123.js"></script>'),
    );
    expect(files.asset('index-abc123.js')).toEqual({
      body: Buffer.from('console.log(1)'),
      type: 'text/javascript; charset=utf-8',
    });
    expect(files.asset('notes.txt')).toBeUndefined();
    expect(files.asset('../index.html')).toBeUndefined();
  });

  it('refuses to start with an index.html its CSP would break', () => {
    expect(() => SettingsPageFiles.load(build('<script>inline()</script>'))).toThrow(
      /an inline <script>: its CSP allows none/,
    );
  });

  it('says how to build it when it is missing', () => {
    expect(() => SettingsPageFiles.load(path.join(tmpdir(), 'no-such-settings-ui'))).toThrow(/nx build settings-ui/);
  });
});
