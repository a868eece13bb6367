// The supervisor view: the org's queues (waiting, longest wait, offered, assigned, members by presence with their
// load) in one table, kept live by watch_queues over one gateway session. Changes are announced in a polite live
// region, so a screen reader hears "2 waiting in Support" without re-reading the table.
import {Op} from '../ops.js';
import {WidgetBridge} from './bridge.js';
import {applyTheme, errorPanel, h} from './dom.js';
import {GatewaySession} from './gateway.js';

const PRESENCE = ['available', 'busy', 'away', 'after_contact_work', 'offline'];
const PRESENCE_LABEL = {available: 'available', busy: 'busy', away: 'away', after_contact_work: 'after-contact work', offline: 'offline'};

const app = document.getElementById('app');
const bridge = new WidgetBridge('supervisor', {needsToken: true});
const state = {queues: null, at: null, failed: null, waiting: new Map()};

const gateway = new GatewaySession({
  widget: 'supervisor',
  org: bridge.org,
  embedOrigin: null,
  log: (step, fields) => bridge.log(step, fields),
  onFrame: f => {
    if (f.op === Op.QUEUES) show(f);
    else if (f.op === Op.TOKEN_EXPIRING) bridge.event('tokenExpiring', {in: f.in, expiresAt: f.expiresAt});
    else if (f.op === Op.REFRESHED) bridge.event('tokenRefreshed', {expiresAt: f.expiresAt, scopes: f.scopes, session: gateway.sessionId});
  },
  onState: s => {
    if (s.session) bridge.session = s.session;
    if (s.state === 'ready') {
      state.failed = null;
      watch();
    } else if (s.state === 'error') {
      state.failed = s.error;
      app.removeAttribute('aria-busy');
      app.replaceChildren(errorPanel(s.error));
    } else if (!state.queues && !state.failed) {
      app.replaceChildren(h('p', {class: 'df-loading', role: 'status'}, 'Connecting…'));
    } else {
      status(s.state === 'connecting' ? 'Reconnecting…' : s.state);
    }
    bridge.status(s.state, {session: s.session, agent: s.agent, error: s.error});
  },
  onDisconnected: d => { status('Reconnecting…'); bridge.event('disconnected', d); },
  onRetry: () => status('Reconnecting…'),
  onReconnected: d => bridge.event('reconnected', d),
  needToken: reason => bridge.post({type: 'needToken', reason}),
  resumePositions: () => ({}),
});

bridge.on('token', (d, origin) => {
  gateway.embedOrigin = origin;
  applyTheme(d.theme);
  if (d.org) gateway.org = d.org;
  bridge.log('token received');
  gateway.useToken(d.token);
});
bridge.on('refresh', d => gateway.refresh(d.token));
bridge.on('destroy', () => gateway.close());

if (!bridge.embedded) {
  app.removeAttribute('aria-busy');
  app.replaceChildren(errorPanel({code: 'request.invalid', message: 'This widget page is meant to be framed by EmbeddingClient.',
    hint: "Mount it with new EmbeddingClient({...}) from /embed/v1/deskframe.js instead of opening it directly."},
  'Open this widget through EmbeddingClient'));
}

// Every (re)connect watches again: a new session starts with the current view.
function watch() {
  gateway.command({op: Op.WATCH_QUEUES}).then(show, error => {
    app.removeAttribute('aria-busy');
    app.replaceChildren(errorPanel(error));
    bridge.status('error', {error});
  });
}

function show(f) {
  const first = state.queues === null;
  state.queues = f.queues || [];
  state.at = f.at;
  if (first) renderShell();
  renderTable();
  announce(first);
  status('Live');
  bridge.event('queues', {at: f.at, queues: state.queues});
}

function renderShell() {
  app.removeAttribute('aria-busy');
  app.replaceChildren(h('section', {class: 'df-supervisor', 'aria-labelledby': 'df-supervisor-title'},
    h('header', {class: 'df-header'},
      h('h1', {id: 'df-supervisor-title'}, 'Queues'),
      h('span', {id: 'df-connection', class: 'df-muted', role: 'status'}, 'Live')),
    h('div', {id: 'df-queues'}),
    h('p', {id: 'df-updated', class: 'df-muted'}),
    h('div', {id: 'df-announce', class: 'df-visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true'})));
}

function renderTable() {
  const box = document.getElementById('df-queues');
  if (state.queues.length === 0) {
    box.replaceChildren(h('p', {}, 'This organisation has no queues yet.'));
    return;
  }
  box.replaceChildren(h('table', {class: 'df-queue-table'},
    h('caption', {}, 'Queues of your organisation, updated live'),
    h('thead', {}, h('tr', {},
      h('th', {scope: 'col'}, 'Queue'),
      h('th', {scope: 'col'}, 'Waiting'),
      h('th', {scope: 'col'}, 'Longest wait'),
      h('th', {scope: 'col'}, 'Offered'),
      h('th', {scope: 'col'}, 'Assigned'),
      h('th', {scope: 'col'}, 'Agents by presence'),
      h('th', {scope: 'col'}, 'Agents (load / capacity)'))),
    h('tbody', {}, state.queues.map(q => h('tr', {dataset: {queue: q.id}},
      h('th', {scope: 'row'}, q.name || q.id),
      h('td', {class: 'df-waiting'}, String(q.waiting)),
      h('td', {class: 'df-longest'}, q.waiting ? h('time', {datetime: q.oldestWaitingSince}, duration(q.longestWaitSeconds)) : '—'),
      h('td', {class: 'df-offered'}, String(q.offered)),
      h('td', {class: 'df-assigned'}, String(q.assigned)),
      h('td', {class: 'df-presence'}, PRESENCE.filter(p => q.agentsByPresence[p]).map(p => `${q.agentsByPresence[p]} ${PRESENCE_LABEL[p]}`).join(', ') || 'no members'),
      h('td', {class: 'df-members'}, q.agents.length === 0 ? 'no members' : h('ul', {},
        q.agents.map(a => h('li', {dataset: {agent: a.id}}, `${a.name} (${PRESENCE_LABEL[a.status] || a.status}): ${a.load} / ${a.capacity}`)))))))));
  document.getElementById('df-updated').textContent = `Updated ${new Date(state.at).toLocaleTimeString()}`;
}

// Only what changed in the waiting counts is read out; the first view is summarised once.
function announce(first) {
  const lines = [];
  for (const q of state.queues) {
    if (first ? q.waiting > 0 : state.waiting.get(q.id) !== q.waiting) lines.push(`${q.waiting} waiting in ${q.name || q.id}`);
    state.waiting.set(q.id, q.waiting);
  }
  if (lines.length) document.getElementById('df-announce').textContent = lines.join('. ') + '.';
}

function status(text) {
  const el = document.getElementById('df-connection');
  if (el) el.textContent = text;
}

function duration(seconds) {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${seconds % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
