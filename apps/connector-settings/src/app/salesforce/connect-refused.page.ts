import { REFUSAL_MESSAGES, type CallbackRefusal } from './connect-attempt';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** No script and no style, so the API's strict CSP serves it as it is. */
export function renderConnectRefusedPage(reason: CallbackRefusal, settingsPageUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Salesforce was not connected</title></head>
<body>
<main>
<h1>Salesforce was not connected</h1>
<p id="reason" data-code="${reason}">${escapeHtml(REFUSAL_MESSAGES[reason])}</p>
<p>Nothing was changed. To connect Salesforce, open Settings → CRM → Salesforce and click "Connect Salesforce" again.</p>
<p><a href="${escapeHtml(settingsPageUrl)}">Back to the settings</a></p>
</main>
</body></html>`;
}
