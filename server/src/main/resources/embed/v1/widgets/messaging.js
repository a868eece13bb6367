// The agent messaging panel: conversation list with unread counts, transcript with history paging, composer, typing
// indicator and delivered/read receipts, over one gateway session. Every send carries a client message id, is kept
// until acknowledged, and is sent again after a reconnect (the server deduplicates), so nothing typed is lost.
import {earlierPage} from '../core.js';
import {Op} from '../ops.js';
import {WidgetBridge} from './bridge.js';
import {applyTheme, errorPanel, h} from './dom.js';
import {GatewaySession} from './gateway.js';

const PAGE = 50;
const TYPING_SHOW_MS = 4000;
const TYPING_SEND_EVERY_MS = 2000;

const app = document.getElementById('app');
const bridge = new WidgetBridge('messaging', {needsToken: true});

const state = {
  me: null,
  conversations: new Map(),   // id -> conversation view (see upsertConversation)
  selected: null,
  pending: new Map(),         // clientMessageId -> {conversation, text}
  lastTypingSent: 0,
  failed: null,
};

const gateway = new GatewaySession({
  widget: 'messaging',
  org: bridge.org,
  embedOrigin: null,
  log: (step, fields) => bridge.log(step, fields),
  onFrame: frame,
  onState: s => {
    if (s.session) bridge.session = s.session;
    if (s.state === 'ready') {
      state.me = s.agent;
      state.failed = null;
      renderShell();
      listConversations();
      resendPending();
    } else if (s.state === 'error') {
      state.failed = s.error;
      renderError(s.error);
    } else {
      renderConnection(s.state, s.error);
    }
    bridge.status(s.state, {session: s.session, agent: s.agent, error: s.error});
  },
  onDisconnected: d => { renderConnection('reconnecting'); bridge.event('disconnected', d); },
  onReconnected: d => bridge.event('reconnected', d),
  needToken: reason => bridge.post({type: 'needToken', reason}),
  resumePositions: () => Object.fromEntries([...state.conversations.values()].map(c => [c.id, c.received])),
});

bridge.on('token', (d, origin) => {
  gateway.embedOrigin = origin;
  applyTheme(d.theme);
  if (d.org) gateway.org = d.org;
  bridge.log('token received');
  gateway.useToken(d.token);
});
bridge.on('refresh', d => {
  bridge.log('refreshed token received');
  gateway.refresh(d.token);
});
bridge.on('destroy', () => gateway.close());

if (!bridge.embedded) {
  renderError({code: 'request.invalid', message: 'This widget page is meant to be framed by EmbeddingClient.',
    hint: "Mount it with new EmbeddingClient({...}) from /embed/v1/deskframe.js instead of opening it directly."},
  'Open this widget through EmbeddingClient');
}

// ---- frames from the gateway ---------------------------------------------------------------------------------------

function frame(f) {
  switch (f.op) {
    case Op.MESSAGE: return onMessage(f);
    case Op.CONVERSATION: return onConversation(f.conversation, false);
    case Op.TYPING: return onTyping(f);
    case Op.RECEIPT: return onReceipt(f);
    case Op.TOKEN_EXPIRING: return bridge.event('tokenExpiring', {in: f.in, expiresAt: f.expiresAt});
    case Op.REFRESHED: return bridge.event('tokenRefreshed', {expiresAt: f.expiresAt, scopes: f.scopes, session: gateway.sessionId});
    case Op.ERROR: return notice(`${f.message} ${f.hint || ''}`);
    default: return undefined;
  }
}

async function listConversations() {
  try {
    const r = await gateway.command({op: Op.LIST_CONVERSATIONS});
    for (const c of r.conversations) upsertConversation(c);
    renderList();
    if (!state.selected && r.conversations.length) select(r.conversations[0].id, false);
  } catch (e) {
    notice(`Could not list conversations: ${e.message}`);
  }
}

function upsertConversation(c) {
  let conv = state.conversations.get(c.id);
  if (!conv) {
    conv = {id: c.id, subject: c.subject, participants: c.participants || [], lastSeq: c.lastSeq || 0,
      received: c.lastSeq || 0, messages: new Map(), oldest: null, loaded: false, unread: c.unread || 0,
      readSent: c.readSeq || 0, deliveredSent: 0, theirDelivered: 0, theirRead: 0, typing: new Map()};
    state.conversations.set(c.id, conv);
  } else {
    conv.lastSeq = Math.max(conv.lastSeq, c.lastSeq || 0);
    conv.received = Math.max(conv.received, c.lastSeq || 0);
    conv.subject = c.subject ?? conv.subject;
    conv.participants = c.participants || conv.participants;
  }
  return conv;
}

function onConversation(c, selectIt) {
  upsertConversation(c);
  renderList();
  bridge.event('conversation', {conversation: {id: c.id, subject: c.subject, participants: c.participants}});
  if (selectIt) select(c.id, true);
}

function onMessage(m) {
  let conv = state.conversations.get(m.conversation);
  if (!conv) {
    conv = upsertConversation({id: m.conversation, lastSeq: m.seq - 1, participants: []});
    listConversations();
  }
  const own = isMe(m.sender);
  if (conv.messages.has(m.seq)) return;
  conv.messages.set(m.seq, m);
  if (conv.oldest === null) conv.oldest = m.seq;
  conv.lastSeq = Math.max(conv.lastSeq, m.seq);
  conv.received = Math.max(conv.received, m.seq);
  if (own) state.pending.delete(m.clientMessageId);
  if (!own && !m.lost) {
    conv.typing.delete(m.sender.id);
    if (isVisible(conv)) markRead(conv); else conv.unread++;
    sendReceipt(conv, 'delivered', m.seq);
  }
  bridge.event('message', {conversation: m.conversation, seq: m.seq, sender: m.sender, text: m.text, sentAt: m.sentAt,
    clientMessageId: m.clientMessageId, own, lost: Boolean(m.lost)});
  renderList();
  if (state.selected === conv.id) renderTranscript();
}

function onTyping(f) {
  const conv = state.conversations.get(f.conversation);
  if (!conv || isMe(f.participant)) return;
  conv.typing.set(f.participant.id, Date.now() + TYPING_SHOW_MS);
  if (state.selected === conv.id) renderTyping();
  setTimeout(() => { if (state.selected === conv.id) renderTyping(); }, TYPING_SHOW_MS + 50);
}

function onReceipt(f) {
  const conv = state.conversations.get(f.conversation);
  if (!conv) return;
  if (isMe(f.participant)) {
    // Read on another of this agent's devices.
    if (f.kind === 'read') { conv.readSent = Math.max(conv.readSent, f.seq); conv.unread = 0; renderList(); }
    return;
  }
  if (f.kind === 'read') conv.theirRead = Math.max(conv.theirRead, f.seq);
  conv.theirDelivered = Math.max(conv.theirDelivered, f.seq);
  if (state.selected === conv.id) renderTranscript();
}

// ---- commands --------------------------------------------------------------------------------------------------

function sendReceipt(conv, kind, seq) {
  const field = kind === 'read' ? 'readSent' : 'deliveredSent';
  if (seq <= conv[field]) return;
  conv[field] = seq;
  gateway.command({op: Op.RECEIPT, conversation: conv.id, kind, seq}).catch(() => { conv[field] = 0; });
}

function markRead(conv) {
  conv.unread = 0;
  const lastTheirs = [...conv.messages.values()].filter(m => !isMe(m.sender)).reduce((a, m) => Math.max(a, m.seq), 0);
  if (lastTheirs > 0) sendReceipt(conv, 'read', lastTheirs);
}

function sendMessage(conversation, text) {
  const clientMessageId = (crypto.randomUUID && crypto.randomUUID()) || `m-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  state.pending.set(clientMessageId, {conversation, text});
  renderTranscript();
  push(clientMessageId);
}

function push(clientMessageId) {
  const p = state.pending.get(clientMessageId);
  if (!p || gateway.state !== 'ready') return;
  gateway.command({op: Op.SEND, conversation: p.conversation, clientMessageId, text: p.text}).then(ack => {
    p.seq = ack.seq;
    bridge.log('ack', {conversation: ack.conversation, seq: ack.seq, duplicate: ack.duplicate});
    renderTranscript();
  }, e => {
    if (e.code === 'disconnected' || e.code === 'not_connected') return; // sent again after reconnect
    if (e.code === 'rate.limited') {
      setTimeout(() => push(clientMessageId), (e.retryAfterSeconds || 1) * 1000);
      return;
    }
    state.pending.delete(clientMessageId);
    notice(`Not sent: ${e.message} ${e.hint || ''}`);
    renderTranscript();
  });
}

function resendPending() {
  for (const [id, p] of state.pending) if (!p.seq) push(id);
}

async function startConversation(agents, subject) {
  try {
    const r = await gateway.command({op: Op.START_CONVERSATION, agents, subject: subject || undefined});
    onConversation(r.conversation, true);
  } catch (e) {
    notice(`Could not start the conversation: ${e.message} ${e.hint || ''}`);
  }
}

async function loadEarlier(conv) {
  const page = conv.oldest === null
    ? (conv.lastSeq > 0 ? {after: Math.max(0, conv.lastSeq - PAGE), limit: Math.min(PAGE, conv.lastSeq)} : null)
    : earlierPage(conv.oldest, PAGE);
  if (!page) return;
  const url = `/api/v2/conversations/${encodeURIComponent(conv.id)}/messages?after=${page.after}&limit=${page.limit}`;
  bridge.log('history page', {conversation: conv.id, after: page.after, limit: page.limit});
  const r = await fetch(url, {headers: {Authorization: `Bearer ${gateway.token}`}, cache: 'no-store'});
  const body = await r.json();
  if (!r.ok) {
    notice(`${body.message} ${body.hint || ''}`);
    return;
  }
  for (const m of body.messages) {
    if (!conv.messages.has(m.seq)) conv.messages.set(m.seq, {...m, conversation: conv.id});
    conv.oldest = conv.oldest === null ? m.seq : Math.min(conv.oldest, m.seq);
  }
  if (body.messages.length === 0 && conv.oldest === null) conv.oldest = page.after + 1;
  conv.loaded = true;
  if (state.selected === conv.id) renderTranscript({keepScroll: true});
}

function select(id, focusComposer) {
  state.selected = id;
  const conv = state.conversations.get(id);
  renderList();
  renderTranscript();
  if (conv && !conv.loaded) loadEarlier(conv).then(() => { markRead(conv); renderList(); });
  else if (conv) { markRead(conv); renderList(); }
  if (focusComposer) document.getElementById('df-composer-text')?.focus();
}

// ---- rendering -------------------------------------------------------------------------------------------------

function isMe(p) {
  return !!(p && state.me && p.kind === 'agent' && p.id === state.me.id);
}

function isVisible(conv) {
  return state.selected === conv.id && document.visibilityState === 'visible';
}

function title(conv) {
  if (conv.subject) return conv.subject;
  const others = conv.participants.filter(p => !isMe(p)).map(p => p.id);
  return others.length ? others.join(', ') : conv.id;
}

function renderShell() {
  app.removeAttribute('aria-busy');
  if (document.getElementById('df-shell')) { renderConnection('ready'); return; }
  const newForm = h('form', {class: 'df-new', 'aria-label': 'Start a conversation', onsubmit: e => {
    e.preventDefault();
    const agents = e.target.elements.agents.value.split(/[\s,]+/).filter(Boolean);
    if (agents.length) startConversation(agents, e.target.elements.subject.value.trim());
    e.target.reset();
  }},
  h('label', {for: 'df-new-agents'}, 'Agents'),
  h('input', {id: 'df-new-agents', name: 'agents', placeholder: 'agent ids, comma-separated', autocomplete: 'off', required: true}),
  h('label', {for: 'df-new-subject'}, 'Subject'),
  h('input', {id: 'df-new-subject', name: 'subject', placeholder: 'optional', autocomplete: 'off'}),
  h('button', {type: 'submit'}, 'Start'));

  const composer = h('form', {class: 'df-composer', 'aria-label': 'Compose a message', onsubmit: e => {
    e.preventDefault();
    submitComposer();
  }},
  h('label', {for: 'df-composer-text', class: 'df-visually-hidden'}, 'Message'),
  h('textarea', {id: 'df-composer-text', name: 'text', rows: 2, placeholder: 'Type a message — Enter sends, Shift+Enter for a new line',
    'aria-describedby': 'df-typing', onkeydown: e => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submitComposer(); }
    }, oninput: () => {
      const conv = state.selected;
      if (conv && Date.now() - state.lastTypingSent > TYPING_SEND_EVERY_MS) {
        state.lastTypingSent = Date.now();
        gateway.notify({op: Op.TYPING, conversation: conv});
      }
    }}),
  h('button', {type: 'submit', class: 'df-send'}, 'Send'));

  app.replaceChildren(h('div', {id: 'df-shell', class: 'df-shell'},
    h('header', {class: 'df-header'},
      h('span', {class: 'df-me'}, state.me ? state.me.displayName || state.me.username : ''),
      h('span', {id: 'df-connection', class: 'df-connection', role: 'status', 'aria-live': 'polite'}, 'Connected')),
    h('nav', {class: 'df-sidebar', 'aria-label': 'Conversations'},
      h('ul', {id: 'df-conversations', class: 'df-conversations'}), newForm),
    h('section', {class: 'df-main', 'aria-label': 'Conversation'},
      h('h2', {id: 'df-title', class: 'df-title'}, 'No conversation selected'),
      h('button', {id: 'df-earlier', class: 'df-earlier', type: 'button', hidden: true,
        onclick: () => { const c = state.conversations.get(state.selected); if (c) loadEarlier(c); }}, 'Load earlier messages'),
      h('ol', {id: 'df-transcript', class: 'df-transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: 0}),
      h('p', {id: 'df-typing', class: 'df-typing', 'aria-live': 'polite'}),
      composer),
    h('p', {id: 'df-notice', class: 'df-notice', role: 'status', 'aria-live': 'polite', hidden: true})));
  // Unread messages count as read once the agent looks at the panel again.
  document.addEventListener('visibilitychange', () => {
    const c = state.conversations.get(state.selected);
    if (c && document.visibilityState === 'visible') { markRead(c); renderList(); }
  });
}

function submitComposer() {
  const box = document.getElementById('df-composer-text');
  const text = box.value.trim();
  if (!text || !state.selected) return;
  box.value = '';
  state.lastTypingSent = 0; // a sent message ends the typing; the next keystroke signals it again
  sendMessage(state.selected, text);
}

function renderList() {
  const ul = document.getElementById('df-conversations');
  if (!ul) return;
  const items = [...state.conversations.values()].sort((a, b) => b.lastSeq - a.lastSeq || a.id.localeCompare(b.id));
  ul.replaceChildren(...items.map(c => h('li', {},
    h('button', {type: 'button', class: 'df-conversation', 'aria-current': state.selected === c.id ? 'true' : undefined,
      'aria-label': `${title(c)}${c.unread ? `, ${c.unread} unread` : ''}`, dataset: {conversation: c.id},
      onclick: () => select(c.id, true)},
    h('span', {class: 'df-conversation-title'}, title(c)),
    c.unread ? h('span', {class: 'df-unread', 'aria-hidden': 'true'}, String(c.unread)) : null))));
}

function renderTranscript({keepScroll = false} = {}) {
  const ol = document.getElementById('df-transcript');
  if (!ol) return;
  const conv = state.conversations.get(state.selected);
  document.getElementById('df-title').textContent = conv ? title(conv) : 'No conversation selected';
  document.getElementById('df-earlier').hidden = !conv || conv.oldest === null || conv.oldest <= 1;
  if (!conv) { ol.replaceChildren(); return; }
  const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  const previousHeight = ol.scrollHeight;
  const messages = [...conv.messages.values()].sort((a, b) => a.seq - b.seq);
  const pending = [...state.pending.entries()].filter(([, p]) => p.conversation === conv.id && !conv.messages.has(p.seq));
  ol.replaceChildren(
    ...messages.map(m => messageItem(conv, m)),
    ...pending.map(([id, p]) => h('li', {class: 'df-message df-own df-pending', dataset: {clientMessageId: id}},
      h('span', {class: 'df-text'}, p.text),
      h('span', {class: 'df-receipt', 'aria-label': p.seq ? 'sent' : 'sending'}, p.seq ? '✓ sent' : 'sending…'))));
  if (keepScroll && !atBottom) ol.scrollTop = ol.scrollHeight - previousHeight + ol.scrollTop;
  else ol.scrollTop = ol.scrollHeight;
  renderTyping();
}

function messageItem(conv, m) {
  // A number whose message the platform's storage lost: kept in its place, so nothing else ever takes it.
  if (m.lost) {
    return h('li', {class: 'df-message df-lost', dataset: {seq: m.seq}, role: 'note'},
      `Message #${m.seq} was lost by the platform's storage and cannot be shown.`);
  }
  const own = isMe(m.sender);
  const receipt = !own ? null : conv.theirRead >= m.seq ? 'read' : conv.theirDelivered >= m.seq ? 'delivered' : 'sent';
  return h('li', {class: `df-message ${own ? 'df-own' : 'df-theirs'}`, dataset: {seq: m.seq}},
    own ? null : h('span', {class: 'df-sender'}, m.sender.id),
    h('span', {class: 'df-text'}, m.text),
    h('time', {class: 'df-time', datetime: m.sentAt}, new Date(m.sentAt).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})),
    receipt ? h('span', {class: `df-receipt df-${receipt}`, 'aria-label': receipt},
      receipt === 'read' ? '✓✓ read' : receipt === 'delivered' ? '✓ delivered' : '✓ sent') : null);
}

function renderTyping() {
  const el = document.getElementById('df-typing');
  const conv = state.conversations.get(state.selected);
  if (!el || !conv) return;
  const now = Date.now();
  const who = [...conv.typing.entries()].filter(([, until]) => until > now).map(([id]) => id);
  el.textContent = who.length ? `${who.join(', ')} ${who.length > 1 ? 'are' : 'is'} typing…` : '';
}

function renderConnection(s, error) {
  const el = document.getElementById('df-connection');
  if (!el) {
    if (!state.failed) {
      app.replaceChildren(h('p', {class: 'df-loading', role: 'status'},
        s === 'connecting' && error ? `Connecting… (${error.code}: ${error.message})` : 'Connecting…'));
    }
    return;
  }
  el.textContent = s === 'ready' ? 'Connected' : s === 'reconnecting' || s === 'connecting' ? 'Reconnecting…' : s;
  el.dataset.state = s;
}

function renderError(error, heading) {
  app.removeAttribute('aria-busy');
  app.replaceChildren(errorPanel(error, heading));
}

function notice(text) {
  const el = document.getElementById('df-notice');
  if (!el) return;
  el.hidden = false;
  el.textContent = text;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { el.hidden = true; }, 8000);
}
