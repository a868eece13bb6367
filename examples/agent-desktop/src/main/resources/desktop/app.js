// The example desktop's page: loads EmbeddingClient from the platform and embeds the widgets. The token provider
// calls this desktop's own backend, which holds the OAuth credentials; the page never sees a secret.
const config = JSON.parse(document.getElementById('desktop-config').textContent);
const debug = new URLSearchParams(location.search).has('debug');
const notice = document.getElementById('notice');

function show(message, kind) {
  notice.hidden = false;
  notice.className = 'notice' + (kind ? ' ' + kind : '');
  notice.textContent = message;
}

function renderStatus(status) {
  for (const [widget, s] of Object.entries(status || {})) {
    const el = document.querySelector(`#widget-status [data-widget="${widget}"] .state`);
    if (!el) continue;
    el.dataset.state = s.state;
    el.textContent = s.state + (s.error ? ` - ${s.error.code}: ${s.error.message} ${s.error.hint || ''}` : '');
  }
}

/** Asks this desktop's backend for the signed-in agent's Deskframe token (session cookie + CSRF header). */
async function getAccessToken() {
  const response = await fetch('/api/access-token', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'X-CSRF-Token': config.csrfToken },
  });
  if (response.status === 401) {
    location.assign('/login');
    throw new Error('The desktop session ended; sign in again.');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(`The desktop backend could not get a token (${body.error || response.status}): ${body.message || ''} ${body.hint || ''}`.trim());
  }
  return body.access_token;
}

let EmbeddingClient;
try {
  ({ EmbeddingClient } = await import(config.embedModule));
  if (typeof EmbeddingClient !== 'function') throw new Error('the module does not export EmbeddingClient');
} catch (e) {
  show(`Could not load EmbeddingClient from ${config.embedModule} (${e.message}). Is the platform running at ` +
       `${config.platform}, and does this deployment serve /embed/v1/deskframe.js? The widgets cannot start without it.`, 'error');
  renderStatus(Object.fromEntries(config.widgets.map(w => [w, { state: 'error', error: { code: 'embed.unavailable',
    message: 'EmbeddingClient could not be loaded', hint: `Start the platform at ${config.platform}.` } }])));
}

if (EmbeddingClient) {
  let client;
  const refresh = () => client && renderStatus(client.status?.());
  client = new EmbeddingClient({
    orgId: config.org,
    env: config.platform,
    getAccessToken,
    container: document.getElementById('widgets'),
    widgets: config.widgets,
    debug,
    onEvent: refresh, // may fire before the constructor returns: hence the guard in refresh
  });
  window.deskframe = client; // for the browser tests and for poking around in the console
  for (const name of ['ready', 'error', 'tokenRefreshed', 'disconnected', 'reconnected']) {
    client.on?.(name, refresh);
  }
  client.ready.then(refresh, err => {
    refresh();
    show(`A widget could not start: ${err?.code ? err.code + ': ' : ''}${err?.message || err} ${err?.hint || ''}`, 'error');
  });
  refresh();
}
