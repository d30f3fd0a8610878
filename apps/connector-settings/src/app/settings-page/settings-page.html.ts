/**
 * Settings → CRM → Salesforce → Configure. Plain HTML and a small script against the v1 API.
 * Reps see their connection and how its changes are read, Reconnect when Salesforce refused its
 * grant, and a start-over confirmation when they signed in as another Salesforce account; admins
 * (JWT_ADMIN_ROLE) also see the org's reader, its preflight, and connect or remove it, and set the
 * API calls allocated to the sync.
 * The user's token arrives in the URL fragment (never sent to a server) and is kept for the tab
 * in sessionStorage, so it survives the OAuth round trip.
 */
export const SETTINGS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Settings · CRM · Salesforce</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
  nav { padding: 12px 24px; background: #243b53; color: #d9e2ec; }
  main { max-width: 640px; margin: 24px auto; background: #fff; padding: 24px 32px; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
  h1 { font-size: 20px; margin-top: 0; }
  button { font: inherit; padding: 6px 14px; border-radius: 4px; border: 1px solid #627d98; background: #fff; cursor: pointer; }
  button.primary { background: #2f80ed; border-color: #2f80ed; color: #fff; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
  dt { color: #627d98; }
  #message { color: #c62828; }
  #saved { color: #2e7d32; margin-left: 8px; }
  #notice { color: #2e7d32; }
  .warning { border-left: 4px solid #c62828; padding: 4px 12px; background: #fdecea; }
  .row { margin: 16px 0; }
  .reader { border-top: 1px solid #d9e2ec; padding-top: 8px; }
  .preflight { list-style: none; padding-left: 0; }
  .preflight .ok::before { content: "✓ "; color: #2e7d32; }
  .preflight .missing::before { content: "✗ "; color: #c62828; }
  .muted { color: #627d98; }
</style>
</head>
<body>
<nav>Settings › CRM › Salesforce › Configure</nav>
<main>
  <h1>Salesforce</h1>
  <p id="message" role="alert"></p>
  <p id="notice" role="status"></p>
  <section id="signed-out" hidden><p>Open this page from Sales Connect: it needs your session.</p></section>
  <section id="not-connected" hidden>
    <p>Salesforce is <strong>not connected</strong>.</p>
    <fieldset class="row">
      <legend>Sign in to</legend>
      <label><input type="radio" name="environment" value="production" checked> Production (login.salesforce.com)</label><br>
      <label><input type="radio" name="environment" value="sandbox"> Sandbox (test.salesforce.com)</label><br>
      <label><input type="radio" name="environment" value="my-domain"> My Domain</label>
      <input id="my-domain" aria-label="My Domain host" placeholder="acme.my.salesforce.com" size="32">
    </fieldset>
    <button id="connect" class="primary">Connect Salesforce</button>
  </section>
  <section id="start-over" class="warning" hidden>
    <p>You signed in to Salesforce as <strong id="offered-as"></strong>, but Sales Connect is connected to <strong id="connected-as"></strong>. You have one Salesforce connection: nothing was changed.</p>
    <p>Starting over with <strong id="offered-as-again"></strong> disconnects <strong id="connected-as-again"></strong>: the links between your tasks go, its sync history with them, and the next "Sync tasks" imports your Salesforce tasks of the last 24 hours as new ones. To keep your links, reconnect as <strong id="connected-as-keep"></strong> instead.</p>
    <button id="start-over-confirm" class="primary">Start over with the other account</button>
    <button id="start-over-cancel">Keep my connection</button>
  </section>
  <section id="connected" hidden>
    <p>Connected as <strong id="sf-user"></strong> <span id="sf-org"></span></p>
    <p>Environment: <span id="sf-environment"></span></p>
    <div id="reconnect-box" class="warning" hidden>
      <p>Salesforce no longer accepts this connection's sign-in (it was revoked or expired): sync is paused. Reconnect as <strong id="reconnect-user"></strong> to go on where it stopped, with the same links and nothing imported again.</p>
      <button id="reconnect" class="primary">Reconnect</button>
    </div>
    <div id="setup-box" class="warning" hidden>
      <p><strong>Paused: <span id="setup-state"></span>.</strong> <span id="setup-advice"></span></p>
      <p class="muted" id="setup-detail"></p>
      <button id="check-again" class="primary">Check again</button> <span id="setup-checked" class="muted"></span>
    </div>
    <div class="row">
      <label><input type="checkbox" id="sync-tasks"> Sync tasks</label>
      <button id="save" class="primary">Save</button><span id="saved" role="status"></span>
    </div>
    <h2>Status</h2>
    <dl>
      <dt>State</dt><dd id="state">–</dd>
      <dt>Import</dt><dd id="import">–</dd>
      <dt>Last sync</dt><dd id="last-sync">–</dd>
      <dt>API calls today</dt><dd id="api-allocation">–</dd>
      <dt>Org API usage</dt><dd id="api-usage">–</dd>
      <dt>Reads</dt><dd id="read-mode">–</dd>
    </dl>
    <ul id="errors"></ul>
    <div class="row"><button id="disconnect">Disconnect</button></div>
  </section>
  <section id="org-reader" hidden>
    <h2>Org reader</h2>
    <p class="muted">One integration user per Salesforce org reads the org's changes (Change Data Capture for Task needs View All Data). Each rep's own connection keeps making that rep's writes.</p>
    <div id="readers"></div>
    <div class="row"><button id="connect-reader">Connect the org reader</button></div>
  </section>
  <section id="api-allocations" hidden>
    <h2>API calls allocated to the sync</h2>
    <p class="muted">The sync's own Salesforce calls (reads and writes) in each org over a rolling 24 hours, as Salesforce counts them. Once they reach the allocation, the org's reads and writes pause and resume by themselves as the window frees calls. Without a setting, the allocation is a share of the org's daily limit.</p>
    <div id="allocations"></div>
  </section>
</main>
<script>
(function () {
  var KEY = 'task-sync.token';
  var hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) { sessionStorage.setItem(KEY, hash.get('token')); history.replaceState(null, '', location.pathname + location.search); }
  var token = sessionStorage.getItem(KEY);
  var $ = function (id) { return document.getElementById(id); };
  var connection = null, poll = null;
  var ENVIRONMENTS = { production: 'Production', sandbox: 'Sandbox', 'my-domain': 'My Domain' };
  var SAVED = { 'first-enable': 'Saved. Sync started: importing your Salesforce tasks of the last 24 hours.', 're-enable': 'Saved. Sync started again.', 'disable': 'Saved. Sync stopped.' };

  function show(id) { ['signed-out', 'not-connected', 'connected'].forEach(function (s) { $(s).hidden = s !== id; }); }
  function say(text) { $('message').textContent = text || ''; }
  function notice(text) { $('notice').textContent = text || ''; }
  function api(method, path, body) {
    return fetch(path, { method: method, headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        if (res.status === 204) return null;
        return res.json().then(function (data) {
          if (!res.ok) { var failure = new Error(data.message || ('error ' + res.status)); failure.status = res.status; throw failure; }
          return data;
        });
      });
  }
  function el(tag, text, className) { var node = document.createElement(tag); if (text) node.textContent = text; if (className) node.className = className; return node; }
  function describeAllocation(a) { return a.used + ' / ' + (a.allocated === null ? 'not allocated yet' : a.allocated + ' allocated') + (a.allocated !== null && a.used >= a.allocated ? ' (reached: paused until the rolling 24 hours free calls)' : ''); }
  function describeReadMode(m) {
    if (m.mode !== 'org-stream') return 'Per-rep polling: ' + m.reason;
    var down = m.stream && (m.stream.state === 'down' || m.stream.state === 'retrying');
    return 'Org stream (reader: ' + m.reader + ')' + (down ? ': ' + m.reason : '');
  }
  function renderStatus(s) {
    $('state').textContent = s.state;
    $('reconnect-box').hidden = s.state !== 'unauthorized';
    renderSetup(s.setup);
    $('import').textContent = s.import ? (s.import.imported + ' of ' + s.import.found + ' imported' + (s.import.failed ? ', ' + s.import.failed + ' failed' : '') + (s.import.done ? ' (done)' : ' (importing…)')) : '–';
    $('last-sync').textContent = s.lastSyncedAt ? new Date(s.lastSyncedAt).toLocaleString() : '–';
    $('api-usage').textContent = s.apiUsage ? s.apiUsage.used + ' of ' + s.apiUsage.limit + ' calls today' : '–';
    $('api-allocation').textContent = describeAllocation(s.apiAllocation);
    $('read-mode').textContent = describeReadMode(s.readMode);
    $('errors').innerHTML = '';
    s.recentErrors.forEach(function (e) { var li = document.createElement('li'); li.textContent = e.code + ' ×' + e.count + ': ' + e.lastMessage; $('errors').appendChild(li); });
  }
  // The connection's preflight: while it pauses the connection, what is wrong and what to do, with Check again.
  function renderSetup(p) {
    $('setup-box').hidden = !(p && p.paused);
    if (!p || !p.paused) return;
    $('setup-state').textContent = p.state;
    $('setup-advice').textContent = p.advice;
    $('setup-detail').textContent = p.detail ? 'Salesforce: ' + p.detail : '';
    $('setup-checked').textContent = 'Checked ' + new Date(p.checkedAt).toLocaleString() + '.';
  }
  function renderReader(r) {
    var box = el('div', '', 'reader');
    var head = el('p');
    head.appendChild(el('strong', r.sfdcUsername));
    head.appendChild(document.createTextNode(' (org ' + r.orgId + ') ' + (r.connected ? '' : '· Salesforce refused its grant: connect the org reader again.')));
    box.appendChild(head);
    if (r.preflight) {
      var list = el('ul', '', 'preflight');
      r.preflight.items.forEach(function (i) { list.appendChild(el('li', i.label + ': ' + i.message, i.state)); });
      box.appendChild(list);
      box.appendChild(el('p', (r.preflight.passed ? 'Ready: this org is read through the org stream.' : 'Not ready: its reps keep polling until every item is ok.') + ' Checked ' + new Date(r.preflight.checkedAt).toLocaleString() + '.', 'muted'));
    } else {
      box.appendChild(el('p', 'Not checked yet.', 'muted'));
    }
    var check = el('button', 'Check again');
    check.onclick = function () { api('POST', '/v1/salesforce/org-reader/' + r.orgId + '/preflight').then(loadReaders).catch(function (e) { say(e.message); }); };
    var remove = el('button', 'Remove the org reader');
    remove.onclick = function () { api('DELETE', '/v1/salesforce/org-reader/' + r.orgId).then(loadReaders).catch(function (e) { say(e.message); }); };
    box.appendChild(check);
    box.appendChild(document.createTextNode(' '));
    box.appendChild(remove);
    return box;
  }
  // Only admins get the readers (others are answered 403): the section stays hidden for them.
  function loadReaders() {
    return api('GET', '/v1/salesforce/org-reader').then(function (data) {
      $('readers').innerHTML = '';
      if (data.items.length === 0) $('readers').appendChild(el('p', 'No org reader yet: reps poll Salesforce with their own sessions.', 'muted'));
      data.items.forEach(function (r) { $('readers').appendChild(renderReader(r)); });
      $('org-reader').hidden = false;
      if (connection) refreshStatus();
    }).catch(function (e) { if (e.status !== 403) say(e.message); });
  }
  function renderAllocation(a) {
    var box = el('div', '', 'reader');
    box.appendChild(el('p', 'Org ' + a.orgId + ': ' + describeAllocation(a) + (a.source === 'admin' ? '' : a.source === 'default' ? ' (the default share)' : '')));
    if (a.orgUsage) box.appendChild(el('p', 'The org has used ' + a.orgUsage.used + ' of its ' + a.orgUsage.limit + ' calls (every integration), at ' + new Date(a.orgUsage.readAt).toLocaleString() + '.', 'muted'));
    var input = el('input');
    input.type = 'number'; input.min = '0'; input.step = '1'; input.value = a.source === 'admin' ? String(a.allocated) : '';
    input.placeholder = a.defaultAllocated === null ? 'calls a day' : 'default ' + a.defaultAllocated;
    input.setAttribute('aria-label', 'API calls allocated in org ' + a.orgId);
    var save = el('button', 'Save');
    save.onclick = function () { api('PUT', '/v1/salesforce/api-allocation/' + a.orgId, { allocated: input.value === '' ? null : Number(input.value) }).then(loadAllocations).catch(function (e) { say(e.message); }); };
    var reset = el('button', 'Use the default');
    reset.onclick = function () { api('PUT', '/v1/salesforce/api-allocation/' + a.orgId, { allocated: null }).then(loadAllocations).catch(function (e) { say(e.message); }); };
    [input, save, reset].forEach(function (n) { box.appendChild(n); box.appendChild(document.createTextNode(' ')); });
    return box;
  }
  // Admins only, like the readers.
  function loadAllocations() {
    return api('GET', '/v1/salesforce/api-allocation').then(function (data) {
      $('allocations').innerHTML = '';
      if (data.items.length === 0) $('allocations').appendChild(el('p', 'No Salesforce org connected yet.', 'muted'));
      data.items.forEach(function (a) { $('allocations').appendChild(renderAllocation(a)); });
      $('api-allocations').hidden = false;
      if (connection) refreshStatus();
    }).catch(function (e) { if (e.status !== 403) say(e.message); });
  }
  function refreshStatus() { if (connection) api('GET', '/v1/connections/' + connection.id + '/status').then(renderStatus).catch(function (e) { say(e.message); }); }
  function load() {
    if (!token) { show('signed-out'); return; }
    loadReaders();
    loadAllocations();
    api('GET', '/v1/connections').then(function (data) {
      connection = data.items[0] || null;
      if (!connection) { show('not-connected'); return; }
      $('sf-user').textContent = connection.salesforce.username;
      $('reconnect-user').textContent = connection.salesforce.username;
      $('sf-org').textContent = '(org ' + connection.salesforce.orgId + ')';
      $('sf-environment').textContent = ENVIRONMENTS[connection.salesforce.environment] + ' (' + connection.salesforce.loginHost + ')';
      $('sync-tasks').checked = connection.taskSync.enabled;
      show('connected');
      refreshStatus();
      if (!poll) poll = setInterval(refreshStatus, 2000);
    }).catch(function (e) { say(e.message); });
  }
  // Connect, Reconnect (the same Salesforce user: in place) and Start over (confirmed) run the same flow.
  function connectSalesforce(body) { return function () { api('POST', '/v1/salesforce/connect', body).then(function (r) { location.assign(r.authorizeUrl); }).catch(function (e) { say(e.message); }); }; }
  // Connect signs in where the user picked; the connection keeps it (a reconnect and a start-over sign in there again).
  function picked() {
    var environment = document.querySelector('input[name="environment"]:checked').value;
    return environment === 'my-domain' ? { environment: environment, myDomain: $('my-domain').value } : { environment: environment };
  }
  function kept() { return connection ? (connection.salesforce.environment === 'my-domain' ? { environment: 'my-domain', myDomain: connection.salesforce.loginHost } : { environment: connection.salesforce.environment }) : picked(); }
  $('connect').onclick = function () { connectSalesforce(picked())(); };
  $('my-domain').onfocus = function () { document.querySelector('input[value="my-domain"]').checked = true; };
  $('reconnect').onclick = function () { connectSalesforce(kept())(); };
  $('start-over-confirm').onclick = function () { var body = kept(); body.startOver = true; connectSalesforce(body)(); };
  $('start-over-cancel').onclick = function () { $('start-over').hidden = true; say(''); };
  $('connect-reader').onclick = function () { api('POST', '/v1/salesforce/org-reader/connect').then(function (r) { location.assign(r.authorizeUrl); }).catch(function (e) { say(e.message); }); };
  $('save').onclick = function () {
    $('saved').textContent = '';
    api('PUT', '/v1/connections/' + connection.id + '/task-sync', { enabled: $('sync-tasks').checked })
      .then(function (r) { $('saved').textContent = r.change ? SAVED[r.change] : 'Saved. Nothing changed.'; refreshStatus(); })
      .catch(function (e) { say(e.message); });
  };
  $('check-again').onclick = function () {
    api('POST', '/v1/connections/' + connection.id + '/preflight')
      .then(function (p) { notice(p.paused ? 'Checked: still ' + p.state + '.' : 'Checked: ready. Sync resumes within a minute.'); refreshStatus(); })
      .catch(function (e) { say(e.message); });
  };
  $('disconnect').onclick = function () { api('DELETE', '/v1/connections/' + connection.id).then(function () { connection = null; load(); }).catch(function (e) { say(e.message); }); };
  var query = new URLSearchParams(location.search);
  if (query.get('error') === 'other_salesforce_account') {
    ['offered-as', 'offered-as-again'].forEach(function (id) { $(id).textContent = query.get('offeredAs'); });
    ['connected-as', 'connected-as-again', 'connected-as-keep'].forEach(function (id) { $(id).textContent = query.get('connectedAs'); });
    $('start-over').hidden = false;
  } else if (query.get('error')) say('Salesforce was not connected: ' + query.get('error').replace(/_/g, ' ') + '.');
  if (query.get('reconnected')) notice('Reconnected. Sync goes on where it stopped: the same links, nothing imported again.');
  if (query.get('orgReader')) notice('The org reader is connected. Its checks are below.');
  load();
})();
</script>
</body>
</html>
`;
