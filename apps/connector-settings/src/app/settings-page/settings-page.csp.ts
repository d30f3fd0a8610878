/**
 * The settings page's CSP: its own bundled script and stylesheet (served from this origin), calls
 * to this origin only, no inline script or style, no framing, no plugins, no forms posting anywhere.
 */
export function buildSettingsPageCsp(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Checked at boot, so a build that needs 'unsafe-inline' fails loudly. */
export function inlineCodeIn(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi))
    if (!/\bsrc=/i.test(m[1]) || m[2].trim() !== '') found.push('an inline <script>');
  if (/<style\b/i.test(html)) found.push('an inline <style>');
  if (/\sstyle=/i.test(html)) found.push('a style attribute');
  if (/\son[a-z]+=/i.test(html)) found.push('an inline event handler');
  return found;
}
