const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The login-and-consent page of the authorization-code flow. The authorize request's parameters
 * travel on as hidden fields; "Allow" redirects back with `code` and `state`, "Deny" with `error=access_denied`.
 */
export function renderLoginPage(params: Record<string, string>, error: string | null): string {
  const hidden = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Login | Salesforce sandbox</title></head>
  <body>
    <h1>Salesforce sandbox</h1>
    <p>Allow access for <strong>${escapeHtml(params.client_id ?? '')}</strong>?</p>
    ${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="authorize">
      ${hidden}
      <label>Username <input name="username" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <button type="submit" name="action" value="allow">Allow</button>
      <button type="submit" name="action" value="deny">Deny</button>
    </form>
  </body>
</html>`;
}
