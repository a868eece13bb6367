// The customer messenger's panel (the page /embed/v1/messenger/{deployment} that messenger.js frames): the
// conversation's transcript (role log), the composer (role textbox), queue position, the agent's name, typing and
// read state, and every failure with the catalogue's message and hint. It gets its guest token from the customer's
// page by postMessage (WidgetBridge: exact origins both ways) and talks to the gateway like every widget (GatewaySession).
import {WidgetBridge} from './bridge.js';
import {GatewaySession} from './gateway.js';
import {applyTheme, errorPanel, h} from './dom.js';
import {attachmentView, uploadAttachment} from './attachments.js';
import {Op} from '../ops.js';
import {sendRetryDelay} from '../core.js';
import {ROUTING_OPS, composerText, endedText, eventFor, senderLabel, standingKey, waitText} from '../messenger-core.js';
import {messengerCalls} from './messenger-calls.js';

const app = document.getElementById('app');
const bridge = new WidgetBridge('messenger', {needsToken: true});

const state = {conversation: null, me: null, token: null, lastSeq: 0, agents: {}, deploymentName: document.title || 'Support',
  bySeq: new Map(), pending: new Map(), visible: true, typingTimer: null, lastTypingSent: 0, ended: false, gateway: null,
  caughtUp: false, deferred: [], standing: null};

// ---- layout --------------------------------------------------------------------------------------------------------
const title = h('h1', {class: 'df-m-title', id: 'df-m-title'}, state.deploymentName);
const status = h('p', {class: 'df-m-status', role: 'status', 'aria-live': 'polite'}, 'Connecting…');
const endButton = h('button', {type: 'button', class: 'df-m-end', hidden: true, onclick: () => endConversation()}, 'End chat');
const header = h('header', {class: 'df-m-header'}, h('div', {}, title, status), endButton);
const earlier = h('div', {class: 'df-m-earlier'});
// The transcript: a live log region around a list of messages (a list keeps its semantics inside the log).
const list = h('ol', {class: 'df-m-log'});
const log = h('div', {class: 'df-m-transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0'}, list);
const typing = h('p', {class: 'df-m-typing', 'aria-live': 'polite'});
const textarea = h('textarea', {class: 'df-m-input', role: 'textbox', 'aria-multiline': 'true', 'aria-label': 'Message',
  placeholder: 'Write a message…', rows: '2', disabled: true});
const sendButton = h('button', {type: 'submit', class: 'df-send', disabled: true}, 'Send');
// The file input stays hidden; the labelled button opens it, so the keyboard reaches one control with a clear name.
const fileInput = h('input', {type: 'file', class: 'df-m-file', hidden: true, tabindex: '-1', 'aria-hidden': 'true',
  accept: 'image/*,application/pdf,text/plain,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.csv'});
const attachButton = h('button', {type: 'button', class: 'df-m-attach', 'aria-label': 'Attach a file', title: 'Attach a file',
  disabled: true, onclick: () => fileInput.click()}, 'Attach');
const uploadStatus = h('p', {class: 'df-m-upload', 'aria-live': 'polite'});
const composer = h('form', {class: 'df-m-composer', 'aria-label': 'Write a message'}, attachButton, fileInput, textarea, sendButton);
const ended = h('div', {class: 'df-m-ended', hidden: true, role: 'region', 'aria-label': 'Conversation ended'});
const errorBox = h('div', {class: 'df-m-error'});
const body = h('div', {class: 'df-m-body'}, earlier, log, typing);

// calls: the panel's gateway session changes with each conversation; the engine always uses the current one.
const sessionGateway = {
  get state() { return state.gateway ? state.gateway.state : 'idle'; },
  get token() { return state.token; },
  command: f => state.gateway ? state.gateway.command(f) : Promise.reject(Object.assign(new Error('not connected'), {code: 'not_connected'})),
  notify: f => { if (state.gateway) state.gateway.notify(f); },
};
const calls = messengerCalls({bridge, gateway: sessionGateway, me: () => (state.me ? {kind: 'customer', id: state.me} : null),
  onProblem: p => showCallProblem(p)});
const callProblem = h('div', {class: 'df-m-callproblem', role: 'alert'});
header.append(calls.ui.bar);
window.addEventListener('pagehide', () => calls.engine.leave());

function showCallProblem(p) {
  callProblem.replaceChildren();
  if (!p) return;
  callProblem.append(h('div', {class: 'df-error', dataset: {code: p.code || ''}},
    h('p', {class: 'df-error-message'}, p.message || 'The call failed.'),
    p.hint ? h('p', {class: 'df-error-hint'}, h('strong', {}, 'Fix: '), p.hint) : null,
    h('p', {class: 'df-error-code'}, 'Error code: ', h('code', {}, p.code || 'unknown')),
    h('button', {type: 'button', class: 'df-m-dismiss', onclick: () => showCallProblem(null)}, 'Dismiss')));
}

function mount(...children) {
  app.replaceChildren(...children);
  app.removeAttribute('aria-busy');
}
mount(header, errorBox, callProblem, calls.ui.panel, calls.ui.audio, body, ended, uploadStatus, composer);
status.textContent = bridge.embedded ? 'Connecting…' : 'This chat opens on the site that embeds it (new Messenger({...})).';

composer.addEventListener('submit', e => { e.preventDefault(); submit(); });
fileInput.addEventListener('change', () => {
  const file = fileInput.files && fileInput.files[0];
  fileInput.value = '';
  if (file) sendFile(file);
});
// Keys pressed in this frame never reach the customer's page: Escape is passed on (it closes a floating panel).
document.addEventListener('keydown', e => { if (e.key === 'Escape') bridge.post({type: 'escape'}); });
textarea.addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
});
textarea.addEventListener('input', () => {
  const now = Date.now();
  if (state.gateway && state.conversation && now - state.lastTypingSent > 3000 && textarea.value.trim()) {
    state.lastTypingSent = now;
    state.gateway.notify({op: Op.TYPING, conversation: state.conversation});
  }
});

// ---- the customer's page -------------------------------------------------------------------------------------------
bridge.on('theme', d => applyTheme(d.theme));
bridge.on('session', d => startSession(d));
bridge.on('token', d => { state.token = d.token; if (state.gateway) state.gateway.refresh(d.token); });
bridge.on('error', d => showError(d.error));
bridge.on('prechat', d => showPrechat(d.deployment));
bridge.on('visibility', d => {
  state.visible = !!d.visible;
  if (!state.visible) return;
  markRead();
  if (!textarea.disabled) textarea.focus();
});
bridge.on('callCommand', d => {
  calls.command(d.frame || {}).then(reply => bridge.post({type: 'callResult', id: d.id, reply}),
    e => bridge.post({type: 'callResult', id: d.id, error: {code: e.code || 'request.invalid', message: e.message, hint: e.hint}}));
});
bridge.on('send', d => {
  send(d.text).then(ack => bridge.post({type: 'sent', id: d.id, ack}),
    e => bridge.post({type: 'sent', id: d.id, error: {code: e.code, message: e.message, hint: e.hint}}));
});

function startSession(d) {
  applyTheme(d.theme);
  errorBox.replaceChildren();
  if (d.deployment && d.deployment.name) { state.deploymentName = d.deployment.name; title.textContent = d.deployment.name; }
  state.token = d.token;
  if (d.calls) {
    try { calls.engine.setOptions(d.calls); } catch (e) { bridge.log('calls option ignored', {reason: e.message}); }
  }
  bridge.conversation = d.conversation;
  if (state.gateway && state.conversation === d.conversation) { state.gateway.refresh(d.token); return; }
  if (state.gateway) state.gateway.close();
  state.conversation = d.conversation;
  state.me = d.customer && d.customer.id;
  state.lastSeq = 0;
  state.bySeq.clear();
  state.pending.clear();
  // A conversation that ended before this visit (resumed with ended: true) is shown read-only from the start.
  state.ended = !!d.ended;
  state.endedShown = false;
  state.currentAgent = null;
  state.caughtUp = false;
  state.deferred = [];
  list.replaceChildren();
  ended.hidden = true;
  ended.replaceChildren();
  showEarlier(d.earlierConversations || []);
  status.textContent = 'Connecting…';
  state.gateway = new GatewaySession({
    widget: 'messenger', org: undefined, embedOrigin: bridge.parentOrigin,
    log: (step, fields) => bridge.log(step, fields),
    onFrame: f => { if (!calls.engine.onFrame(f)) onFrame(f); },
    onState: s => { onGatewayState(s); calls.render(); },
    onDisconnected: () => { status.textContent = 'Reconnecting…'; setComposer(false); calls.engine.detach(); },
    onReconnected: () => { status.textContent = 'Connected'; calls.engine.reattach(); },
    onRetry: ({retryInMs}) => { status.textContent = `Reconnecting in ${Math.ceil(retryInMs / 1000)} s…`; },
    needToken: () => bridge.post({type: 'needToken'}),
    resumePositions: () => ({[state.conversation]: state.lastSeq}),
  });
  state.gateway.useToken(d.token);
}

function onGatewayState(s) {
  if (s.state === 'ready') {
    status.textContent = 'Connected';
    setComposer(!state.ended);
    endButton.hidden = state.ended;
    // The whole transcript on the first connection (a reload starts at 0); later ones resume by themselves.
    if (state.lastSeq === 0) {
      state.gateway.command({op: Op.RESUME, positions: {[state.conversation]: 0}}).then(onCaughtUp, e => showError(e));
    }
    bridge.status('ready', {conversation: state.conversation});
  } else if (s.state === 'error') {
    setComposer(false);
    showError(s.error);
    bridge.status('error', {error: {code: s.error.code, message: s.error.message, hint: s.error.hint}});
  } else if (s.state === 'connecting' && s.error) {
    status.textContent = `${s.error.message} Retrying…`;
  }
}

// ---- frames --------------------------------------------------------------------------------------------------------
function onFrame(f) {
  if (f.conversation && f.conversation !== state.conversation) return;
  // A message or a standing told again (a reconnect, the server's resync after lost pushes) emits no second event.
  let fresh = true;
  const standing = standingKey(f);
  if (standing !== null) {
    fresh = standing !== state.standing;
    state.standing = standing;
  }
  switch (f.op) {
    case Op.MESSAGE: fresh = addMessage(f); break;
    case Op.CAUGHT_UP: onCaughtUp(f); break;
    case 'receipt': if (f.participant && f.participant.kind !== 'customer') markOwn(f.kind, f.seq); break;
    case Op.TYPING: showTyping(f.participant); break;
    case ROUTING_OPS.QUEUE_POSITION: status.textContent = waitText(f.position, f.estimatedWaitSeconds); break;
    case ROUTING_OPS.AGENT_JOINED:
      if (f.agent) state.agents[f.agent.id] = f.agent.displayName || f.agent.id;
      // Told again on every connection: a notice only for a join that happens while the customer watches.
      if (state.caughtUp && state.currentAgent !== (f.agent && f.agent.id)) notice(`${(f.agent && f.agent.displayName) || 'An agent'} joined the conversation.`);
      state.currentAgent = f.agent && f.agent.id;
      if (!state.ended) status.textContent = `Chatting with ${(f.agent && f.agent.displayName) || 'an agent'}`;
      break;
    case ROUTING_OPS.CONVERSATION_ENDED: endedBy(f); break;
    default: break;
  }
  const ev = fresh ? eventFor(f, state.me) : null;
  if (ev) bridge.event(ev.type, ev.detail);
}

/** The transcript is replayed: what came before it was said goes after it, the newest is in view and read. */
function onCaughtUp(f) {
  if (f && f.conversation && f.conversation !== state.conversation) return;
  state.caughtUp = true;
  for (const text of state.deferred.splice(0)) notice(text);
  const last = list.lastElementChild;
  if (last) last.scrollIntoView({block: 'end'});
  markRead();
}

/** Shows a message; false when it is one already shown (a redelivery). */
function addMessage(m) {
  if (state.bySeq.has(m.seq)) return false;
  state.lastSeq = Math.max(state.lastSeq, m.seq);
  const own = m.sender && m.sender.kind === 'customer' && m.sender.id === state.me;
  const pending = own && m.clientMessageId ? state.pending.get(m.clientMessageId) : null;
  if (pending) {
    state.pending.delete(m.clientMessageId);
    pending.dataset.seq = String(m.seq);
    setReceipt(pending, 'sent');
    state.bySeq.set(m.seq, pending);
    return true;
  }
  const li = entry(m.sender, m.text, m.sentAt, own, m.attachment);
  li.dataset.seq = String(m.seq);
  if (own) setReceipt(li, 'sent');
  state.bySeq.set(m.seq, li);
  list.append(li);
  li.scrollIntoView({block: 'end'});
  if (!own) {
    typing.textContent = '';
    // During the replay one receipt for the whole transcript follows caught_up.
    if (state.caughtUp) receipt(m.seq);
  }
  return true;
}

function entry(sender, text, sentAt, own, attachment, conversation = state.conversation) {
  const who = senderLabel(sender, state.me, {agents: state.agents, deploymentName: state.deploymentName});
  const time = sentAt ? new Date(sentAt) : new Date();
  return h('li', {class: `df-m-msg ${own ? 'df-m-own' : 'df-m-theirs'}`, dataset: {sender: sender ? sender.kind : ''}},
    h('span', {class: 'df-m-who'}, who),
    text ? h('p', {class: 'df-m-text'}, text) : null,
    attachment ? attachmentView(conversation, attachment, () => state.token) : null,
    h('span', {class: 'df-m-meta'}, h('time', {datetime: time.toISOString()}, time.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})),
      own ? h('span', {class: 'df-m-receipt'}) : null));
}

function setReceipt(li, kind) {
  const order = ['sending', 'sent', 'delivered', 'read'];
  const current = li.dataset.receipt || 'sending';
  if (order.indexOf(kind) < order.indexOf(current) && current !== 'failed') return;
  li.dataset.receipt = kind;
  const r = li.querySelector('.df-m-receipt');
  if (r) r.textContent = {sending: ' · Sending…', sent: ' · Sent', delivered: ' · Delivered', read: ' · Read', failed: ' · Not sent'}[kind];
}

function markOwn(kind, seq) {
  for (const [s, li] of state.bySeq) if (s <= seq && li.classList.contains('df-m-own')) setReceipt(li, kind);
}

function receipt(seq) {
  if (!state.gateway) return;
  const kind = state.visible && document.visibilityState === 'visible' ? 'read' : 'delivered';
  state.gateway.command({op: Op.RECEIPT, conversation: state.conversation, kind, seq}).catch(() => {});
}

function markRead() {
  if (state.lastSeq > 0) receipt(state.lastSeq);
}

function showTyping(p) {
  if (!p || p.kind === 'customer') return;
  typing.textContent = `${senderLabel(p, state.me, {agents: state.agents, deploymentName: state.deploymentName})} is typing…`;
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(() => { typing.textContent = ''; }, 4000);
}

function notice(text) {
  if (!state.caughtUp) { state.deferred.push(text); return; }
  const li = h('li', {class: 'df-m-notice'}, text);
  list.append(li);
  li.scrollIntoView({block: 'end'});
}

function endedBy(f) {
  if (state.endedShown) return;
  state.endedShown = true;
  state.ended = true;
  setComposer(false);
  endButton.hidden = true;
  notice(endedText(f.by, state.me, {agents: state.agents}));
  status.textContent = 'Conversation ended';
  ended.replaceChildren(h('p', {}, 'Need anything else?'),
    h('button', {type: 'button', class: 'df-send', onclick: () => { ended.hidden = true; bridge.post({type: 'restart'}); }}, 'Start a new conversation'));
  ended.hidden = false;
}

function endConversation() {
  if (!state.gateway || !state.conversation) return;
  state.gateway.command({op: ROUTING_OPS.CLOSE, conversation: state.conversation}).catch(e => showError(e));
}

// ---- sending -------------------------------------------------------------------------------------------------------
function submit() {
  const text = textarea.value;
  if (!text.trim()) return;
  textarea.value = '';
  send(text).catch(() => {});
  textarea.focus();
}

function send(raw) {
  let text;
  try { text = composerText(raw); } catch (e) { return Promise.reject(Object.assign(e, {code: 'request.invalid'})); }
  if (!text || !state.gateway) return Promise.reject(Object.assign(new Error('The chat is not connected yet.'), {code: 'not_connected'}));
  const clientMessageId = `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const li = entry({kind: 'customer', id: state.me}, text, null, true);
  setReceipt(li, 'sending');
  state.pending.set(clientMessageId, li);
  list.append(li);
  li.scrollIntoView({block: 'end'});
  // Nothing was stored when the platform (not the message) failed it: the same send again, later (sendRetryDelay).
  const attempt = n => state.gateway.command({op: Op.SEND, conversation: state.conversation, clientMessageId, text})
    .catch(e => {
      const delay = sendRetryDelay(e.code, n);
      if (delay === null || !state.gateway) throw e;
      return new Promise(resolve => setTimeout(resolve, delay)).then(() => attempt(n + 1));
    });
  return attempt(0).then(ack => {
    state.pending.delete(clientMessageId);
    if (!state.bySeq.has(ack.seq)) {
      li.dataset.seq = String(ack.seq);
      state.bySeq.set(ack.seq, li);
      state.lastSeq = Math.max(state.lastSeq, ack.seq);
    } else if (state.bySeq.get(ack.seq) !== li) {
      li.remove();
    }
    setReceipt(li, 'sent');
    return {conversation: ack.conversation, seq: ack.seq};
  }, e => {
    setReceipt(li, 'failed');
    li.append(h('span', {class: 'df-m-failed', role: 'alert'}, `${e.message || 'Not sent.'} ${e.hint || ''}`));
    throw e;
  });
}

function setComposer(enabled) {
  bridge.callsAllowed = !!enabled;
  calls.render();
  textarea.disabled = !enabled;
  sendButton.disabled = !enabled;
  attachButton.disabled = !enabled;
}

/** Sends a file; the message that refers to it arrives like any other (from the reply, or the gateway, whichever is first). */
function sendFile(file) {
  if (!state.conversation || !state.token) return;
  uploadStatus.replaceChildren(`Sending ${file.name}…`);
  uploadStatus.removeAttribute('role');
  const clientMessageId = `f-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  uploadAttachment(state.conversation, state.token, file, {clientMessageId}).then(r => {
    uploadStatus.replaceChildren();
    addMessage(r.message);
  }, e => {
    uploadStatus.setAttribute('role', 'alert');
    uploadStatus.replaceChildren(h('span', {class: 'df-m-failed'}, `${e.message || 'The file was not sent.'} `),
      e.hint ? h('span', {class: 'df-m-hint'}, e.hint) : null,
      e.code ? h('code', {class: 'df-m-code'}, ` ${e.code}`) : null,
      h('button', {type: 'button', class: 'df-m-dismiss', onclick: () => { uploadStatus.replaceChildren(); attachButton.focus(); }}, 'Dismiss'));
  });
}

// ---- pre-chat, earlier conversations, errors -----------------------------------------------------------------------
function showPrechat(deployment) {
  if (deployment && deployment.name) title.textContent = deployment.name;
  status.textContent = 'Tell us who you are (optional), then start the chat.';
  const fields = (deployment && deployment.prechatFields) || [];
  const inputs = {};
  const form = h('form', {class: 'df-m-prechat', 'aria-label': 'Before we start'},
    ...fields.map(f => {
      const input = h('input', {id: `df-m-${f}`, name: f, type: f === 'email' ? 'email' : 'text', autocomplete: f});
      inputs[f] = input;
      return h('p', {}, h('label', {for: `df-m-${f}`}, f === 'email' ? 'Email' : 'Name'), input);
    }),
    h('button', {type: 'submit', class: 'df-send'}, 'Start chat'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    bridge.post({type: 'prechat', fields: Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value]))});
    form.remove();
    status.textContent = 'Connecting…';
  });
  body.prepend(form);
  const first = form.querySelector('input, button');
  if (first) first.focus();
}

function showEarlier(ids) {
  earlier.replaceChildren();
  for (const id of ids.slice(0, 10)) {
    const button = h('button', {type: 'button', class: 'df-m-earlier-button'}, 'Show an earlier conversation');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const r = await fetch(`/api/v2/conversations/${encodeURIComponent(id)}/messages?limit=200`,
          {headers: {Authorization: `Bearer ${state.token}`}});
        const page = await r.json();
        if (!r.ok) throw Object.assign(new Error(page.message), page);
        const list = h('ol', {class: 'df-m-log df-m-earlier-log', 'aria-label': 'Earlier conversation'},
          ...page.messages.map(m => entry(m.sender, m.text, m.sentAt, m.sender && m.sender.kind === 'customer' && m.sender.id === state.me,
            m.attachment, id)));
        button.replaceWith(list);
      } catch (e) {
        button.disabled = false;
        showError(e);
      }
    });
    earlier.append(button);
  }
}

function showError(e) {
  const error = {code: e && e.code, message: e && e.message, hint: e && e.hint};
  errorBox.replaceChildren(errorPanel(error, 'The chat is unavailable'));
  status.textContent = error.message || 'The chat is unavailable.';
}
