// The agent messaging panel: conversation list (most recent activity first) with unread counts, transcript with
// history paging, composer, typing indicator and delivered/read receipts, over one gateway session. Every send carries
// a client message id, is kept until acknowledged, and is sent again after a reconnect (the server deduplicates), so
// nothing typed is lost. Nothing is marked read unless the agent opened its conversation.
import {byLastActivity, earlierPage, linkSegments, othersPositions, participantName, retryTime, sendRetryDelay, transcriptOrder} from '../core.js';
import {Op} from '../ops.js';
import {WidgetBridge} from './bridge.js';
import {applyTheme, errorPanel, h} from './dom.js';
import {attachmentView, uploadAttachment} from './attachments.js';
import {GatewaySession} from './gateway.js';

const PAGE = 50;
const TYPING_SHOW_MS = 4000;
const TYPING_SEND_EVERY_MS = 2000;
const AGENT_SEARCH_DELAY_MS = 200;

const app = document.getElementById('app');
const bridge = new WidgetBridge('messaging', {needsToken: true});

const state = {
  me: null,
  conversations: new Map(),   // id -> conversation view (see upsertConversation)
  selected: null,
  pending: new Map(),         // clientMessageId -> {conversation, text}
  lastTypingSent: 0,
  failed: null,
  listed: false,              // the first list_conversations answered (before it, the list says "Loading…")
  reconnect: null,            // {attempt, retryInMs, retryAt, code} while a lost connection is being re-established
  scopes: [],                 // the session's scopes (from ready): agents:read enables the agent search
  names: new Map(),           // 'kind:id' -> display name, learnt from every participant the server sent
  canned: [],                 // the org's canned responses ({id, title, text})
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
      state.scopes = (s.ready && s.ready.scopes) || [];
      state.failed = null;
      state.reconnect = null;
      renderShell();
      listConversations();
      loadCannedResponses();
      resendPending();
    } else if (s.state === 'error') {
      state.failed = s.error;
      state.reconnect = null;
      renderError(s.error);
    } else if (s.state === 'connecting' && gateway.everReady) {
      // A session that was ready is being re-established: to the page that is 'reconnecting', not a first connect.
      renderConnection('reconnecting');
      reportReconnecting();
      return;
    } else {
      renderConnection(s.state, s.error);
    }
    bridge.status(s.state, {session: s.session, agent: s.agent, error: s.error});
  },
  onDisconnected: d => {
    state.reconnect = {attempt: 0, code: d.code, retryInMs: d.retryInMs,
      retryAt: new Date(Date.now() + d.retryInMs).toISOString()};
    renderConnection('reconnecting');
    bridge.event('disconnected', d);
    reportReconnecting();
  },
  onRetry: r => {
    state.reconnect = {attempt: r.attempt, code: r.code, retryInMs: r.retryInMs,
      retryAt: new Date(Date.now() + r.retryInMs).toISOString()};
    renderConnection('reconnecting');
    reportReconnecting();
  },
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
// routing: EmbeddingClient's agent-desktop commands (setPresence, accept, decline, transfer, close) run on this
// widget's gateway session; the reply (or the catalogue error) goes back with the request's id.
const ROUTING_COMMANDS = new Set([Op.SET_PRESENCE, Op.ACCEPT, Op.DECLINE, Op.TRANSFER, Op.CLOSE]);
bridge.on('command', d => {
  const f = d.frame || {};
  if (!ROUTING_COMMANDS.has(f.op)) {
    bridge.post({type: 'commandResult', requestId: d.requestId, error: {code: 'request.invalid', message: `'${f.op}' is not a desktop command.`}});
    return;
  }
  gateway.command(f).then(
    reply => { onRoutingReply(reply); bridge.post({type: 'commandResult', requestId: d.requestId, reply}); },
    error => bridge.post({type: 'commandResult', requestId: d.requestId,
      error: {code: error.code, message: error.message, hint: error.hint, closeCode: error.closeCode}}));
});
// routing end

function reportReconnecting() {
  bridge.status('reconnecting', {session: gateway.sessionId, agent: state.me, reconnect: state.reconnect || undefined});
}

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
    case Op.CAUGHT_UP: return onCaughtUp(f);
    case Op.NOTE: return onNote(f.note);
    case Op.TOKEN_EXPIRING: return bridge.event('tokenExpiring', {in: f.in, expiresAt: f.expiresAt});
    case Op.REFRESHED: return bridge.event('tokenRefreshed', {expiresAt: f.expiresAt, scopes: f.scopes, session: gateway.sessionId});
    case Op.ERROR: return notice(`${f.message} ${f.hint || ''}`);
    // routing
    case Op.PRESENCE: return onPresence(f);
    case Op.CONVERSATION_OFFERED: return onOffer(f);
    case Op.OFFER_WITHDRAWN: return onOfferGone(f.conversation, f.reason);
    case Op.CONVERSATION_ASSIGNED: onOfferGone(f.conversation, 'accepted'); onAssigned(f);
      return bridge.event('conversationAssigned', {conversation: f.conversation, customer: f.customer, queue: f.queue});
    case Op.CONVERSATION_TRANSFERRED: onTransferred(f);
      return bridge.event('conversationTransferred', {conversation: f.conversation, from: f.from, to: f.to, by: f.by});
    case Op.CONVERSATION_ENDED: onOfferGone(f.conversation, 'closed'); onEnded(f);
      return bridge.event('conversationEnded', {conversation: f.conversation, by: f.by, reason: f.reason, wrapUp: f.wrapUp});
    // routing end
    default: return undefined;
  }
}

async function listConversations() {
  try {
    const r = await gateway.command({op: Op.LIST_CONVERSATIONS});
    for (const c of r.conversations) upsertConversation(c);
    state.listed = true;
    renderList();
    renderTranscript();
    // Nothing is opened for the agent: a conversation is read only once the agent selects it.
  } catch (e) {
    notice(`Could not list conversations: ${e.message}`);
  }
}

function noteActivity(conv, m) {
  if (!m.sentAt) return;
  if (!conv.lastMessageAt || Date.parse(m.sentAt) > Date.parse(conv.lastMessageAt)) conv.lastMessageAt = m.sentAt;
}

function upsertConversation(c) {
  let conv = state.conversations.get(c.id);
  if (!conv) {
    conv = {id: c.id, subject: c.subject, participants: c.participants || [], lastSeq: c.lastSeq || 0,
      received: c.lastSeq || 0, messages: new Map(), oldest: null, loaded: false, unread: c.unread || 0,
      readSent: c.readSeq || 0, deliveredSent: 0, positions: new Map(), typing: new Map(),
      notes: new Map(), notesLoaded: false,
      createdAt: c.createdAt || null, lastMessageAt: null, lastActivityAt: c.lastActivityAt || null};
    state.conversations.set(c.id, conv);
  } else {
    conv.lastSeq = Math.max(conv.lastSeq, c.lastSeq || 0);
    conv.received = Math.max(conv.received, c.lastSeq || 0);
    conv.subject = c.subject ?? conv.subject;
    conv.participants = c.participants || conv.participants;
    conv.createdAt = conv.createdAt || c.createdAt || null;
    if (c.lastActivityAt && (!conv.lastActivityAt || Date.parse(c.lastActivityAt) > Date.parse(conv.lastActivityAt))) {
      conv.lastActivityAt = c.lastActivityAt;
    }
  }
  conv.participants.forEach(learnName);
  applyReceipts(conv, c.receipts);
  return conv;
}

/** Remembers the display name of a participant the server sent, for frames that come without one. */
function learnName(p) {
  if (p && p.displayName) state.names.set(`${p.kind}:${p.id}`, p.displayName);
}

/** Every participant's delivered/read positions (list, caught_up, history replies); positions only ever go up. */
function applyReceipts(conv, receipts) {
  for (const r of receipts || []) setPosition(conv, r.participant, r.delivered, r.read);
}

function setPosition(conv, p, delivered, read) {
  if (!p) return;
  learnName(p);
  const key = `${p.kind}:${p.id}`;
  const cur = conv.positions.get(key) || {participant: p, delivered: 0, read: 0};
  cur.read = Math.max(cur.read, read || 0);
  cur.delivered = Math.max(cur.delivered, delivered || 0, cur.read);
  conv.positions.set(key, cur);
}

function onCaughtUp(f) {
  const conv = state.conversations.get(f.conversation);
  if (!conv || !f.receipts) return;
  applyReceipts(conv, f.receipts);
  if (state.selected === conv.id) renderTranscript();
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
  learnName(m.sender);
  if (conv.messages.has(m.seq)) return;
  conv.messages.set(m.seq, m);
  noteActivity(conv, m);
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
    clientMessageId: m.clientMessageId, own, lost: Boolean(m.lost), ...(m.attachment ? {attachment: m.attachment} : {})});
  renderList();
  if (state.selected === conv.id) renderTranscript();
}

function onTyping(f) {
  const conv = state.conversations.get(f.conversation);
  if (!conv || isMe(f.participant)) return;
  learnName(f.participant);
  conv.typing.set(participantName(f.participant, state.names), Date.now() + TYPING_SHOW_MS);
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
  setPosition(conv, f.participant, f.kind === 'delivered' ? f.seq : 0, f.kind === 'read' ? f.seq : 0);
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
    // Nothing was stored (the platform's database or the server, not the message): the same send again, later.
    const delay = sendRetryDelay(e.code, p.retries || 0);
    if (delay !== null) {
      p.retries = (p.retries || 0) + 1;
      if (p.retries === 1) notice(`Not sent yet: ${e.message} Sending it again at ${retryTime(delay)}.`);
      setTimeout(() => push(clientMessageId), delay);
      return;
    }
    state.pending.delete(clientMessageId);
    notice(`Not sent: ${e.message} ${e.hint || ''}`);
    renderTranscript();
  });
}

/** Sends a file to `conversation`; its message arrives like any other (from the reply or the gateway, whichever is first). */
function sendFile(conversation, file) {
  const status = document.getElementById('df-upload');
  status.removeAttribute('role');
  status.replaceChildren(`Sending ${file.name}…`);
  const clientMessageId = (crypto.randomUUID && crypto.randomUUID()) || `f-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  uploadAttachment(conversation, gateway.token, file, {clientMessageId}).then(r => {
    status.replaceChildren();
    onMessage(r.message);
  }, e => {
    status.setAttribute('role', 'alert');
    status.replaceChildren(h('span', {class: 'df-upload-error'}, `Not sent: ${e.message || 'the file was refused.'} `),
      e.hint ? h('span', {class: 'df-upload-hint'}, e.hint) : null,
      e.code ? h('code', {}, ` ${e.code}`) : null);
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
  (body.participants || []).forEach(learnName);
  applyReceipts(conv, body.receipts);
  for (const m of body.messages) {
    learnName(m.sender);
    if (!conv.messages.has(m.seq)) conv.messages.set(m.seq, {...m, conversation: conv.id});
    noteActivity(conv, m);
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
  renderComposer();
  if (conv && !conv.notesLoaded) loadNotes(conv);
  if (conv && !conv.loaded) loadEarlier(conv).then(() => { markRead(conv); renderList(); });
  else if (conv) { markRead(conv); renderList(); }
  if (focusComposer) document.getElementById('df-composer-text')?.focus();
}

// ---- staples: internal notes, canned responses, agent search --------------------------------------------------

function onNote(n) {
  if (!n) return;
  const conv = state.conversations.get(n.conversation);
  if (!conv) return;
  learnName(n.author);
  conv.notes.set(n.seq, n);
  if (state.selected === conv.id) renderTranscript();
}

async function loadNotes(conv) {
  conv.notesLoaded = true;
  try {
    const r = await fetch(`/api/v2/conversations/${encodeURIComponent(conv.id)}/notes`,
      {headers: {Authorization: `Bearer ${gateway.token}`}, cache: 'no-store'});
    if (!r.ok) { conv.notesLoaded = false; return; }
    for (const n of (await r.json()).notes) onNote(n);
  } catch {
    conv.notesLoaded = false; // tried again the next time the conversation is opened
  }
}

async function addNote(conversation, text) {
  const clientNoteId = (crypto.randomUUID && crypto.randomUUID()) || `n-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  try {
    const r = await gateway.command({op: Op.ADD_NOTE, conversation, clientNoteId, text});
    onNote(r.note);
  } catch (e) {
    notice(`Note not saved: ${e.message} ${e.hint || ''}`);
  }
}

async function loadCannedResponses() {
  try {
    const r = await gateway.command({op: Op.LIST_CANNED_RESPONSES});
    state.canned = r.cannedResponses || [];
  } catch {
    state.canned = [];
  }
  const select = document.getElementById('df-canned');
  if (select) {
    select.replaceChildren(h('option', {value: ''}, 'Canned responses…'),
      ...state.canned.map(c => h('option', {value: c.id}, c.title)));
  }
  renderComposer();
}

/** Puts the chosen canned response into the composer at the caret, for the agent to edit and send. */
function insertCanned(select) {
  const chosen = state.canned.find(c => c.id === select.value);
  select.value = '';
  const box = document.getElementById('df-composer-text');
  if (!chosen || !box || box.disabled) return;
  const at = box.selectionStart ?? box.value.length;
  box.value = box.value.slice(0, at) + chosen.text + box.value.slice(box.selectionEnd ?? at);
  box.focus();
  box.selectionStart = box.selectionEnd = at + chosen.text.length;
}

function canSearchAgents() {
  return state.scopes.includes('agents:read');
}

function searchAgentsSoon(value) {
  clearTimeout(searchAgentsSoon.timer);
  // Names have spaces: what follows the last comma is the name (or id) being typed.
  const query = value.split(',').pop().trim();
  if (!canSearchAgents() || !query) { renderAgentResults([]); return; }
  searchAgentsSoon.timer = setTimeout(async () => {
    try {
      const r = await gateway.command({op: Op.FIND_AGENTS, query});
      renderAgentResults(r.agents || []);
    } catch {
      renderAgentResults([]);
    }
  }, AGENT_SEARCH_DELAY_MS);
}

/** Agents matching what is typed; picking one puts its id in place of the word being typed. */
function renderAgentResults(agents) {
  const ul = document.getElementById('df-agent-results');
  const status = document.getElementById('df-agent-results-status');
  if (!ul) return;
  ul.hidden = agents.length === 0;
  if (status) status.textContent = agents.length ? `${agents.length} matching agent${agents.length > 1 ? 's' : ''}` : '';
  ul.replaceChildren(...agents.map(a => h('li', {},
    h('button', {type: 'button', class: 'df-agent-result', dataset: {agent: a.id}, onclick: () => {
      const input = document.getElementById('df-new-agents');
      const parts = input.value.split(',');
      parts[parts.length - 1] = (parts.length > 1 ? ' ' : '') + a.id;
      input.value = parts.join(',');
      renderAgentResults([]);
      document.getElementById('df-new-subject')?.focus();
    }}, a.displayName || a.username, h('span', {class: 'df-agent-id'}, ` (${a.id})`)))));
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
  const others = conv.participants.filter(p => !isMe(p)).map(p => participantName(p, state.names));
  return others.length ? others.join(', ') : conv.id;
}

/** Who sent a message, for people: display names (the server sends them), the id only when no name is known. */
function senderName(sender) {
  if (isMe(sender)) return state.me.displayName || state.me.username || sender.id;
  return participantName(sender, state.names);
}

function renderShell() {
  app.removeAttribute('aria-busy');
  if (document.getElementById('df-shell')) { renderConnection('ready'); renderComposer(); return; }
  const newForm = h('form', {class: 'df-new', 'aria-label': 'Start a conversation', onsubmit: e => {
    e.preventDefault();
    const agents = e.target.elements.agents.value.split(/[\s,]+/).filter(Boolean);
    if (agents.length) startConversation(agents, e.target.elements.subject.value.trim());
    e.target.reset();
  }},
  h('label', {for: 'df-new-agents'}, 'Agents'),
  h('input', {id: 'df-new-agents', name: 'agents', autocomplete: 'off', required: true,
    placeholder: canSearchAgents() ? 'search by name, or agent ids' : 'agent ids, comma-separated',
    'aria-describedby': 'df-agent-results-status', oninput: e => searchAgentsSoon(e.target.value)}),
  h('p', {id: 'df-agent-results-status', class: 'df-visually-hidden', 'aria-live': 'polite'}),
  h('ul', {id: 'df-agent-results', class: 'df-agent-results', 'aria-label': 'Matching agents', hidden: true}),
  h('label', {for: 'df-new-subject'}, 'Subject'),
  h('input', {id: 'df-new-subject', name: 'subject', placeholder: 'optional', autocomplete: 'off'}),
  h('button', {type: 'submit'}, 'Start'));

  const composer = h('form', {class: 'df-composer', 'aria-label': 'Compose a message', onsubmit: e => {
    e.preventDefault();
    submitComposer();
  }},
  h('label', {for: 'df-composer-text', class: 'df-visually-hidden'}, 'Message'),
  h('textarea', {id: 'df-composer-text', name: 'text', rows: 2, placeholder: 'Type a message — Enter sends, Shift+Enter for a new line',
    'aria-describedby': 'df-composer-reason df-typing', onkeydown: e => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submitComposer(); }
    }, oninput: () => {
      const conv = state.selected;
      if (conv && Date.now() - state.lastTypingSent > TYPING_SEND_EVERY_MS) {
        state.lastTypingSent = Date.now();
        gateway.notify({op: Op.TYPING, conversation: conv});
      }
    }}),
  h('div', {class: 'df-composer-tools'},
    h('label', {for: 'df-canned', class: 'df-visually-hidden'}, 'Insert a canned response'),
    h('select', {id: 'df-canned', class: 'df-canned', hidden: true, onchange: e => insertCanned(e.target)},
      h('option', {value: ''}, 'Canned responses…')),
    h('label', {class: 'df-note-mode'},
      h('input', {id: 'df-note-mode', type: 'checkbox', onchange: () => renderComposer()}),
      ' Internal note (agents only)'),
    // The file input stays hidden; the labelled button opens it.
    h('input', {id: 'df-attach-file', type: 'file', hidden: true, tabindex: '-1', 'aria-hidden': 'true', onchange: e => {
      const file = e.target.files && e.target.files[0];
      e.target.value = '';
      if (file && state.selected) sendFile(state.selected, file);
    }}),
    h('button', {id: 'df-attach', type: 'button', class: 'df-attach', 'aria-label': 'Attach a file', title: 'Attach a file',
      onclick: () => document.getElementById('df-attach-file')?.click()}, 'Attach a file')),
  h('button', {id: 'df-send', type: 'submit', class: 'df-send'}, 'Send'));

  app.replaceChildren(h('div', {id: 'df-shell', class: 'df-shell'},
    h('header', {class: 'df-header'},
      h('h1', {class: 'df-heading'}, 'Messaging',
        state.me ? h('span', {class: 'df-me'}, ` · ${state.me.displayName || state.me.username}`) : null),
      h('p', {id: 'df-connection', class: 'df-connection', role: 'status', 'aria-live': 'polite', dataset: {state: 'ready'}},
        'Connected')),
    h('nav', {class: 'df-sidebar', 'aria-label': 'Conversations'},
      h('ul', {id: 'df-conversations', class: 'df-conversations'}),
      h('p', {id: 'df-conversations-empty', class: 'df-empty'}, 'Loading conversations…'),
      newForm),
    h('section', {class: 'df-main', 'aria-labelledby': 'df-title'},
      h('h2', {id: 'df-title', class: 'df-title'}, 'No conversation selected'),
      h('div', {id: 'df-routing-actions', class: 'df-routing-actions', hidden: true}),
      h('button', {id: 'df-earlier', class: 'df-earlier', type: 'button', hidden: true,
        onclick: () => { const c = state.conversations.get(state.selected); if (c) loadEarlier(c); }}, 'Load earlier messages'),
      // role=log on a wrapper: the <ol> keeps its list semantics, so each message stays a list item for screen readers.
      h('div', {id: 'df-log', class: 'df-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: 0},
        h('p', {id: 'df-transcript-empty', class: 'df-empty'}, 'Select a conversation in the list, or start one.'),
        h('ol', {id: 'df-transcript', class: 'df-transcript'})),
      h('p', {id: 'df-typing', class: 'df-typing', 'aria-live': 'polite'}),
      h('p', {id: 'df-composer-reason', class: 'df-composer-reason'}),
      h('p', {id: 'df-upload', class: 'df-upload', 'aria-live': 'polite'}),
      composer),
    h('p', {id: 'df-notice', class: 'df-notice', role: 'status', 'aria-live': 'polite', hidden: true})));
  renderComposer();
  // Unread messages count as read once the agent looks at the panel again.
  document.addEventListener('visibilitychange', () => {
    const c = state.conversations.get(state.selected);
    if (c && document.visibilityState === 'visible') { markRead(c); renderList(); }
  });
}

/** The composer is usable only with a conversation open; otherwise it is disabled and says why. */
function renderComposer() {
  const box = document.getElementById('df-composer-text');
  const send = document.getElementById('df-send');
  const reason = document.getElementById('df-composer-reason');
  if (!box || !send || !reason) return;
  const conv = state.conversations.get(state.selected);
  const over = conv ? endedNotes.get(conv.id) : null;
  const why = [state.reconnect ? 'Not connected: what you send now is kept and sent when the connection is back.' : '',
    conv ? '' : 'Select or start a conversation to write a message.', over || ''].filter(Boolean).join(' ');
  box.disabled = !conv || !!over;
  send.disabled = !conv || !!over;
  const attach = document.getElementById('df-attach');
  if (attach) attach.disabled = !conv || !!over;
  renderRoutingActions();
  reason.textContent = why;
  reason.hidden = !why;
  const canned = document.getElementById('df-canned');
  if (canned) { canned.disabled = !conv; canned.hidden = state.canned.length === 0; }
  const noteMode = document.getElementById('df-note-mode');
  if (noteMode) {
    noteMode.disabled = !conv;
    send.textContent = noteMode.checked ? 'Add note' : 'Send';
    box.classList.toggle('df-note-draft', noteMode.checked);
  }
}

function submitComposer() {
  const box = document.getElementById('df-composer-text');
  const text = box.value.trim();
  if (!text || !state.selected) return;
  box.value = '';
  if (document.getElementById('df-note-mode')?.checked) {
    addNote(state.selected, text);
    return;
  }
  state.lastTypingSent = 0; // a sent message ends the typing; the next keystroke signals it again
  sendMessage(state.selected, text);
}

function renderList() {
  const ul = document.getElementById('df-conversations');
  if (!ul) return;
  const items = [...state.conversations.values()].sort(byLastActivity);
  // The name is the visible text plus the unread count in words ("Order 1234 (2 unread)"); the badge is decoration.
  ul.replaceChildren(...items.map(c => h('li', {},
    h('button', {type: 'button', class: 'df-conversation', 'aria-current': state.selected === c.id ? 'true' : undefined,
      dataset: {conversation: c.id}, onclick: () => select(c.id, true)},
    h('span', {class: 'df-conversation-title'}, title(c)),
    c.unread ? h('span', {class: 'df-unread', 'aria-hidden': 'true'}, String(c.unread)) : null,
    c.unread ? h('span', {class: 'df-visually-hidden'}, `(${c.unread} unread)`) : null))));
  const empty = document.getElementById('df-conversations-empty');
  empty.hidden = items.length > 0;
  // Beside an open offer, "start one below" would point the agent away from what waits for it.
  empty.textContent = !state.listed ? 'Loading conversations…'
    : offers.size ? 'No conversations yet: accept the offer above to take it.' : 'No conversations yet. Start one below.';
}

function renderTranscript({keepScroll = false} = {}) {
  const ol = document.getElementById('df-transcript');
  const log = document.getElementById('df-log');
  if (!ol || !log) return;
  const conv = state.conversations.get(state.selected);
  document.getElementById('df-title').textContent = conv ? title(conv) : 'No conversation selected';
  document.getElementById('df-earlier').hidden = !conv || conv.oldest === null || conv.oldest <= 1;
  const empty = document.getElementById('df-transcript-empty');
  if (!conv) {
    ol.replaceChildren();
    ol.hidden = true;
    empty.hidden = false;
    empty.textContent = state.conversations.size ? 'Select a conversation in the list, or start one.'
      : 'No conversations yet: start one with the form on the left.';
    return;
  }
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const previousHeight = log.scrollHeight;
  const messages = [...conv.messages.values()].sort((a, b) => a.seq - b.seq);
  const pending = [...state.pending.entries()].filter(([, p]) => p.conversation === conv.id && !conv.messages.has(p.seq));
  const others = othersPositions([...conv.positions.values()], state.me ? {kind: 'agent', id: state.me.id} : null);
  ol.replaceChildren(
    ...transcriptOrder(messages, [...conv.notes.values()]).map(i => i.kind === 'note' ? noteItem(i.item) : messageItem(conv, i.item, others)),
    ...pending.map(([id, p]) => h('li', {class: 'df-message df-own df-pending', dataset: {clientMessageId: id}},
      h('span', {class: 'df-text'}, ...textNodes(p.text)),
      receiptLabel(p.seq ? 'sent' : 'sending'))));
  const nothing = messages.length === 0 && pending.length === 0;
  ol.hidden = nothing;
  empty.hidden = !nothing;
  empty.textContent = conv.loaded || conv.lastSeq === 0 ? 'No messages yet.' : 'Loading messages…';
  if (keepScroll && !atBottom) log.scrollTop = log.scrollHeight - previousHeight + log.scrollTop;
  else log.scrollTop = log.scrollHeight;
  renderTyping();
}

/** A message's text: text nodes, and links for http(s) URLs only, opened in a new tab without opener or referrer. */
function textNodes(text) {
  return linkSegments(text).map(seg => seg.href
    ? h('a', {href: seg.href, target: '_blank', rel: 'noopener noreferrer'}, seg.text)
    : seg.text);
}

/** A receipt as words (the check marks are decoration), so a screen reader reads "read", "delivered", "sent". */
function receiptLabel(receipt, who) {
  const marks = {read: '✓✓', delivered: '✓', sent: '✓', sending: ''}[receipt];
  const words = receipt === 'sending' ? 'sending…' : receipt;
  return h('span', {class: `df-receipt df-${receipt}`, title: who || undefined},
    marks ? h('span', {'aria-hidden': 'true'}, `${marks} `) : null, words);
}

function messageItem(conv, m, others) {
  // A number whose message the platform's storage lost: kept in its place, so nothing else ever takes it.
  if (m.lost) {
    return h('li', {class: 'df-message df-lost', dataset: {seq: m.seq}},
      `Message #${m.seq} was lost by the platform's storage and cannot be shown.`);
  }
  const own = isMe(m.sender);
  const receipt = !own ? null : others.read >= m.seq ? 'read' : others.delivered >= m.seq ? 'delivered' : 'sent';
  const sentAt = new Date(m.sentAt);
  return h('li', {class: `df-message ${own ? 'df-own' : 'df-theirs'}`, dataset: {seq: m.seq}},
    h('span', {class: own ? 'df-sender df-visually-hidden' : 'df-sender'}, own ? 'You' : senderName(m.sender)),
    m.text ? h('span', {class: 'df-text'}, ...textNodes(m.text)) : null,
    m.attachment ? attachmentView(conv.id, m.attachment, () => gateway.token) : null,
    h('time', {class: 'df-time', datetime: m.sentAt}, sentAt.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})),
    receipt ? receiptLabel(receipt, receipt === 'sent' ? null : readersText(others, receipt)) : null);
}

/** "Read by Agent Two", for the tooltip of a receipt. */
function readersText(others, receipt) {
  return `${receipt === 'read' ? 'Read' : 'Delivered'} by ${others.readers.map(r => participantName(r.participant, state.names)).join(', ')}`;
}

/** An internal note, visibly not a message: only agents ever see it. */
function noteItem(n) {
  return h('li', {class: 'df-message df-note', dataset: {note: n.seq}},
    h('span', {class: 'df-sender'}, `Internal note · ${isMe(n.author) ? 'You' : participantName(n.author, state.names)}`),
    h('span', {class: 'df-text'}, ...textNodes(n.text)),
    h('time', {class: 'df-time', datetime: n.createdAt},
      new Date(n.createdAt).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})));
}

function renderTyping() {
  const el = document.getElementById('df-typing');
  const conv = state.conversations.get(state.selected);
  if (!el) return;
  if (!conv) { el.textContent = ''; return; }
  const now = Date.now();
  const who = [...conv.typing.entries()].filter(([, until]) => until > now).map(([name]) => name);
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
  if (s === 'ready') {
    el.textContent = 'Connected';
  } else if (s === 'reconnecting') {
    const r = state.reconnect;
    const next = r && r.retryInMs !== undefined ? ` Next attempt at ${retryTime(Math.max(0, Date.parse(r.retryAt) - Date.now()))}.` : '';
    el.textContent = `Connection lost${r && r.code ? ` (${r.code})` : ''}: reconnecting…${next}`;
  } else {
    el.textContent = s === 'connecting' ? 'Connecting…' : s;
  }
  el.dataset.state = s;
  renderComposer();
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

// ---- routing: presence switcher and offers --------------------------------------------------------------------

const PRESENCE_CHOICES = ['available', 'away', 'busy', 'offline'];
const offers = new Map(); // conversation -> {offer, timer}

function onPresence(f) {
  state.presence = f.status;
  bridge.event('presence', {agent: f.agent, status: f.status, since: f.since});
  renderRouting();
}

function onOffer(f) {
  const detail = {conversation: f.conversation, customer: f.customer, queue: f.queue, expiresAt: f.expiresAt};
  bridge.event('conversationOffered', detail);
  bridge.event('screenPop', {conversation: f.conversation, customer: f.customer, queue: f.queue});
  clearInterval(offers.get(f.conversation)?.timer);
  offers.set(f.conversation, {offer: detail, timer: setInterval(renderRouting, 1000)});
  renderRouting();
  renderList();
}

function onOfferGone(conversation, reason) {
  const o = offers.get(conversation);
  if (!o) return;
  clearInterval(o.timer);
  offers.delete(conversation);
  if (reason !== 'accepted' && reason !== 'closed') bridge.event('offerWithdrawn', {conversation, reason});
  renderRouting();
  renderList();
}

function routingCommand(frame) {
  return gateway.command(frame).then(r => { onRoutingReply(r); return r; },
    e => { notice(`${e.message} ${e.hint || ''}`); throw e; });
}

/**
 * A routing command's reply reaches only the session that sent it (the agent's other sessions get pushes), so it is
 * handled like the push it stands for: an accepted offer leaves the list and its conversation opens.
 */
function onRoutingReply(r) {
  if (!r) return;
  if (r.op === Op.PRESENCE) return onPresence(r);
  if (r.op === Op.CONVERSATION_ASSIGNED || r.op === Op.CONVERSATION_TRANSFERRED || r.op === Op.CONVERSATION_ENDED
      || r.op === Op.OFFER_WITHDRAWN) {
    frame(r);
    if (r.op === Op.CONVERSATION_ASSIGNED) openWhenListed(r.conversation);
  }
}

/** Opens a conversation just assigned to this agent once its conversation frame has listed it. */
function openWhenListed(id, tries = 0) {
  if (state.conversations.has(id)) return select(id, true);
  if (tries === 0) listConversations();
  if (tries < 20) setTimeout(() => openWhenListed(id, tries + 1), 100);
}

// ---- routing: the conversations assigned to this agent, transfer and close ------------------------------------

const assigned = new Set(); // conversations this agent may transfer and close
const endedNotes = new Map(); // conversation -> why this agent can no longer write in it

function onAssigned(f) {
  assigned.add(f.conversation);
  endedNotes.delete(f.conversation);
  renderComposer();
}

function onTransferred(f) {
  if (isMe(f.from) && !isMe(f.to)) {
    assigned.delete(f.conversation);
    endedNotes.set(f.conversation, `You transferred this conversation to ${participantName(f.to, state.names)}.`);
  }
  renderComposer();
}

function onEnded(f) {
  assigned.delete(f.conversation);
  const by = !f.by ? '' : isMe(f.by) ? ' by you' : f.by.kind === 'customer' ? ' by the customer' : f.by.kind === 'system' ? ' by the system'
    : ` by ${participantName(f.by, state.names)}`;
  endedNotes.set(f.conversation, `This conversation has ended${by}${f.wrapUp ? ` (wrap-up: ${f.wrapUp})` : ''}.`);
  renderComposer();
}

/**
 * Transfer and close for an assigned conversation: the transfer target is picked from the org's agents (with their
 * presence and load) and queues, the wrap-up code from the queue's codes, both read from the conversation's
 * routing options when the conversation is selected; typed ids are the fallback when they cannot be read.
 */
function renderRoutingActions() {
  const el = document.getElementById('df-routing-actions');
  if (!el) return;
  const id = state.selected;
  if (!id || !assigned.has(id)) { el.hidden = true; el.replaceChildren(); return; }
  if (el.dataset.conversation === id && !el.hidden) return; // keep what the agent is choosing
  el.dataset.conversation = id;
  el.hidden = false;
  const target = h('select', {id: 'df-transfer-agent', name: 'target', required: true},
    h('option', {value: ''}, 'Loading agents and queues…'));
  const transfer = h('form', {class: 'df-transfer', 'aria-label': 'Transfer the conversation', onsubmit: e => {
    e.preventDefault();
    const to = transferTarget(e.target.elements.target.value.trim());
    if (to) routingCommand({op: Op.TRANSFER, conversation: id, ...to}).catch(() => {});
  }},
  h('label', {for: 'df-transfer-agent'}, 'Transfer to'), target, h('button', {type: 'submit'}, 'Transfer'));
  const wrapUp = h('select', {id: 'df-wrap-up', name: 'wrapUp'}, h('option', {value: ''}, 'No wrap-up code'));
  const close = h('form', {class: 'df-close', 'aria-label': 'Close the conversation', onsubmit: e => {
    e.preventDefault();
    const code = e.target.elements.wrapUp.value.trim();
    routingCommand({op: Op.CLOSE, conversation: id, ...(code ? {wrapUp: code} : {})}).catch(() => {});
  }},
  h('label', {for: 'df-wrap-up'}, 'Wrap-up code'), wrapUp, h('button', {type: 'submit'}, 'Close conversation'));
  el.replaceChildren(transfer, close);
  loadRoutingOptions(id, target, wrapUp);
}

/** "agent:<id>" or "queue:<id>" from the picker; a bare id typed into the fallback field is an agent's. */
function transferTarget(value) {
  if (!value) return null;
  if (value.startsWith('queue:')) return {queue: value.slice(6)};
  return {agent: value.startsWith('agent:') ? value.slice(6) : value};
}

async function loadRoutingOptions(id, target, wrapUp) {
  let body;
  try {
    const r = await fetch(`/api/v2/conversations/${encodeURIComponent(id)}/routing-options`,
      {headers: {Authorization: `Bearer ${gateway.token}`}, cache: 'no-store'});
    body = await r.json();
    if (!r.ok) throw Object.assign(new Error(body.message), {body});
  } catch (e) {
    bridge.log('routing options not read', {conversation: id, code: e.body?.code});
    // Typed ids still work: the server checks them and names what is wrong.
    target.replaceWith(h('input', {id: 'df-transfer-agent', name: 'target', autocomplete: 'off', required: true, placeholder: 'agent id, or queue:<id>'}));
    wrapUp.replaceWith(h('input', {id: 'df-wrap-up', name: 'wrapUp', autocomplete: 'off', placeholder: 'if the queue asks for one'}));
    return;
  }
  if (state.selected !== id) return;
  const load = a => `${a.name || a.id}: ${a.status.replaceAll('_', ' ')}, ${a.load} of ${a.capacity}`;
  target.replaceChildren(
    h('option', {value: ''}, 'Choose an agent or a queue'),
    h('optgroup', {label: 'Agents'}, body.agents.map(a => h('option', {value: `agent:${a.id}`, disabled: a.status === 'offline' || a.load >= a.capacity}, load(a)))),
    h('optgroup', {label: 'Queues'}, body.queues.map(q =>
      h('option', {value: `queue:${q.id}`}, `${q.name} (${q.waiting} waiting)`))));
  wrapUp.replaceChildren(
    h('option', {value: ''}, body.wrapUpRequired ? 'Choose a wrap-up code' : 'No wrap-up code'),
    ...body.wrapUpCodes.map(c => h('option', {value: c.code}, c.label ? `${c.label} (${c.code})` : c.code)));
}

/** The presence switcher and the open offers (accept / decline, with the seconds left), above the conversations. */
function renderRouting() {
  const shell = document.getElementById('df-shell');
  if (!shell) return;
  let bar = document.getElementById('df-routing');
  if (!bar) {
    bar = h('section', {id: 'df-routing', class: 'df-routing', 'aria-label': 'Presence and offers'});
    shell.prepend(bar);
  }
  const select = h('select', {id: 'df-presence', 'aria-label': 'Presence', onchange: e => routingCommand({op: Op.SET_PRESENCE, status: e.target.value}).catch(() => {})},
    ...PRESENCE_CHOICES.map(p => h('option', {value: p, selected: state.presence === p}, p)),
    state.presence === 'after_contact_work' ? h('option', {value: 'after_contact_work', selected: true, disabled: true}, 'after contact work') : null);
  const list = h('ul', {class: 'df-offers', 'aria-live': 'assertive'}, ...[...offers.values()].map(({offer}) => {
    const left = Math.max(0, Math.round((Date.parse(offer.expiresAt) - Date.now()) / 1000));
    const who = offer.customer?.name || offer.customer?.email || offer.customer?.id || 'Customer';
    return h('li', {class: 'df-offer', dataset: {conversation: offer.conversation}},
      h('span', {class: 'df-offer-who'}, `${who} · ${offer.queue}`),
      h('span', {class: 'df-offer-left', role: 'timer'}, `${left}s`),
      h('button', {type: 'button', onclick: () => routingCommand({op: Op.ACCEPT, conversation: offer.conversation}).catch(() => {})}, 'Accept'),
      h('button', {type: 'button', onclick: () => routingCommand({op: Op.DECLINE, conversation: offer.conversation}).catch(() => {})}, 'Decline'));
  }));
  bar.replaceChildren(h('label', {for: 'df-presence'}, 'Presence '), select, list);
}
