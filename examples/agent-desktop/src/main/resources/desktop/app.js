// The example desktop's page: loads EmbeddingClient from the platform and embeds the widgets. The token provider
// calls this desktop's own backend, which holds the OAuth credentials; the page never sees a secret. Errors are shown
// once: a widget that cannot start shows its panel (message, fix, code) where it would be; the status card names only
// the state and the code; the notice is for what no panel shows (the module not loading, a refresh that failed).
const config = JSON.parse(document.getElementById('desktop-config').textContent);
const debug = new URLSearchParams(location.search).has('debug');
const notice = document.getElementById('notice');

function show(parts, kind) {
  notice.hidden = false;
  notice.className = 'notice' + (kind ? ' ' + kind : '');
  notice.replaceChildren(...parts.map(p => typeof p === 'string' ? document.createTextNode(p) : p));
}

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  e.textContent = text;
  return e;
}

/** An error, once: its message, its fix, its code. */
function describe(error) {
  return [element('span', error.message || String(error)), ' ',
    ...(error.hint ? [element('strong', 'Fix: '), element('span', error.hint), ' '] : []),
    element('code', error.code || 'error')];
}

const LABELS = {loading: 'loading', connecting: 'connecting', ready: 'ready', reconnecting: 'reconnecting',
  not_enabled: 'not enabled', error: 'cannot start'};

function renderStatus(status) {
  for (const [widget, s] of Object.entries(status || {})) {
    const el = document.querySelector(`#widget-status [data-widget="${widget}"] .state`);
    if (!el) continue;
    el.dataset.state = s.state;
    let text = LABELS[s.state] || s.state;
    if (s.state === 'error' && s.error) text += ` (${s.error.code})`;
    if (s.state === 'reconnecting' && s.reconnect?.retryAt) {
      text += `, next attempt ${new Date(s.reconnect.retryAt).toLocaleTimeString()}`;
    }
    el.textContent = text;
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
    // The backend's own answer, code and hint included: EmbeddingClient passes them through as provider.failed's cause.
    throw Object.assign(new Error(`The desktop backend could not get a token: ${body.message || response.status}`),
      {code: body.error || 'token_unavailable', hint: body.hint});
  }
  return body.access_token;
}

let EmbeddingClient;
try {
  ({ EmbeddingClient } = await import(config.embedModule));
  if (typeof EmbeddingClient !== 'function') throw new Error('the module does not export EmbeddingClient');
} catch (e) {
  show([`Could not load EmbeddingClient from ${config.embedModule} (${e.message}). Is the platform running at ` +
       `${config.platform}, and does this deployment serve /embed/v1/deskframe.js? The widgets cannot start without it.`], 'error');
  renderStatus(Object.fromEntries(config.widgets.map(w => [w, { state: 'error', error: { code: 'embed.unavailable' } }])));
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
  // An error that leaves every widget as it was (a token refresh that failed while the sessions go on) has no panel.
  client.on('error', e => {
    if (!e.widget && Object.values(client.status()).some(s => s.state === 'ready')) show(describe(e.error), 'error');
  });
  client.on('tokenRefreshed', () => { notice.hidden = true; });
  // routing: a screen pop for each offer, the way a desktop would open its own CRM record for the customer.
  const pop = document.getElementById('screen-pop');
  client.on('screenPop', e => {
    const c = e.customer || {};
    const rows = [['Name', c.name], ['Email', c.email], ['Customer id', c.id], ['Verified', c.verified ? 'yes' : 'no'],
      ['Queue', e.queue], ...Object.entries(c.attributes || {})].filter(([, v]) => v);
    const dl = document.createElement('dl');
    for (const [k, v] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = String(v);
      dl.append(dt, dd);
    }
    const h = document.createElement('h2');
    h.textContent = 'Incoming customer';
    pop.replaceChildren(h, dl);
    pop.dataset.conversation = e.conversation;
    pop.hidden = false;
  });
  const unpop = e => { if (pop.dataset.conversation === e.conversation && e.type !== 'conversationAssigned') pop.hidden = true; };
  client.on('offerWithdrawn', unpop);
  client.on('conversationEnded', unpop);
  // calls: the desktop dials with clickToDial and follows the call events (the widgets show and control the call).
  const dial = document.getElementById('dial');
  const callStatus = document.getElementById('call-status');
  const callCustomer = document.getElementById('call-customer');
  const say = text => { callStatus.textContent = text; };
  const failed = e => say(`${e.message} Fix: ${e.hint || '-'} (${e.code})`);
  dial.addEventListener('submit', e => {
    e.preventDefault();
    const video = e.submitter && e.submitter.value === 'video';
    const agent = dial.elements.agent.value.trim();
    client.clickToDial({agent, video}).then(id => say(`Calling ${agent}… (${id})`), failed);
  });
  client.on('conversationAssigned', e => { callCustomer.hidden = false; callCustomer.dataset.conversation = e.conversation; });
  client.on('conversationEnded', e => { if (callCustomer.dataset.conversation === e.conversation) callCustomer.hidden = true; });
  callCustomer.addEventListener('click', () => {
    client.clickToDial({conversation: callCustomer.dataset.conversation}).then(id => say(`Calling the customer… (${id})`), failed);
  });
  const party = c => (c && (c.displayName || c.id)) || 'the customer';
  client.on('callIncoming', e => say(`${party(e.call.caller)} is calling: answer in the ${e.widget} widget.`));
  client.on('callConnected', e => say(`In a call with ${party(e.call.caller.id === config.agent ? e.call.callee : e.call.caller)}.`));
  client.on('callHeld', e => say(e.on ? 'The call is on hold.' : 'The call resumed.'));
  client.on('callEnded', e => say(e.message ? `${e.message} Fix: ${e.hint}` : `The call ended (${e.reason}).`));
  client.ready.then(refresh, refresh);
  refresh();
}
