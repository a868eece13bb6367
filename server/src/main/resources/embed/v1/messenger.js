// The customer web messenger for an integrator's site: `import {Messenger} from '<env>/embed/v1/messenger.js'`.
// It opens the customer's guest session itself (POST /api/v2/guest/sessions: the browser's Origin is what the
// deployment's allowed origins are checked against), keeps the resume credential in this page's localStorage, and
// shows the conversation in a panel served by the platform (an iframe; the guest token reaches it by postMessage with
// an exact target origin). Options, events and verified customers: docs/messenger.md.
import {backoffDelay, clip, decodeTokenPayload, envOrigin, refreshDelay} from './core.js';
import {problem} from './codes.js';
import {EVENTS, customerToken, sessionFailure, sessionRequest, storageKey} from './messenger-core.js';
import {callOptions} from './call-core.js';

const CALL_TIMEOUT_MS = 30000;

const WIDGET = 'messenger';
// The launcher's icons are inline SVG paths, not emoji or an icon font: they look the same whatever fonts the
// customer's device has (an emoji showed as an empty glyph box on a machine without an emoji font).
const SVG_NS = 'http://www.w3.org/2000/svg';
const LAUNCHER_OPEN_PATH = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
const LAUNCHER_CLOSE_PATH = 'M6 6l12 12M18 6L6 18';

function launcherIcon(path) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '26');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const shape = document.createElementNS(SVG_NS, 'path');
  shape.setAttribute('d', path);
  const filled = path === LAUNCHER_OPEN_PATH;
  shape.setAttribute('fill', filled ? 'currentColor' : 'none');
  shape.setAttribute('stroke', filled ? 'none' : 'currentColor');
  shape.setAttribute('stroke-width', '2.5');
  shape.setAttribute('stroke-linecap', 'round');
  svg.append(shape);
  return svg;
}

export class Messenger {
  /**
   * @param {object} o
   * @param {string} o.env          the Deskframe deployment's base URL
   * @param {string} o.deployment   the messenger deployment's id
   * @param {HTMLElement} [o.container]  where the panel goes; without it, a launcher button bottom-right opens it
   * @param {{token: string|Function}} [o.customer]  a verified customer: the JWT the integrator's backend signed
   * @param {Function} [o.onEvent]  (type, detail) for every event
   * @param {object} [o.theme]      --df-* custom properties for the panel (and the launcher's --df-accent)
   * @param {object} [o.calls]      {iceTransportPolicy: 'all'|'relay', candidateAddresses?} for voice and video calls
   */
  constructor({env, deployment, container, customer, onEvent, theme, calls} = {}) {
    this._origin = envOrigin(env);
    if (typeof deployment !== 'string' || !deployment.trim()) throw new TypeError('deployment must be the id of a messenger deployment');
    this._deployment = deployment.trim();
    this._customer = customer || null;
    this._onEvent = typeof onEvent === 'function' ? onEvent : null;
    this._theme = theme || null;
    this._calls = callOptions(calls);
    this._callRequests = new Map();
    this._listeners = new Map();
    this._state = 'starting';
    this._conversation = null;
    this._error = null;
    this._attempt = 0;
    this._session = null;
    this._panelReady = false;
    this._queued = [];
    this._key = storageKey(this._origin, this._deployment);
    this.ready = new Promise((resolve, reject) => { this._resolve = resolve; this._reject = reject; });
    this.ready.catch(() => {}); // an unhandled rejection is not the page's problem: 'error' events say it
    this._onMessage = e => this._message(e);
    window.addEventListener('message', this._onMessage);
    this._mount(container);
    this._start({});
  }

  /** {state, conversation?, error?}: state is starting | prechat | connecting | ready | ended | error | destroyed. */
  status() {
    const s = {state: this._state};
    if (this._conversation) s.conversation = this._conversation;
    if (this._error) s.error = this._error;
    return s;
  }

  /** Listens to an event (see EVENTS); returns a function that stops listening. */
  on(type, fn) {
    if (!EVENTS.includes(type)) throw new TypeError(`unknown event '${type}'; events: ${EVENTS.join(', ')}`);
    if (!this._listeners.has(type)) this._listeners.set(type, new Set());
    this._listeners.get(type).add(fn);
    return () => this._listeners.get(type).delete(fn);
  }

  /** Sends a message as the customer (resolves once the platform stored it). */
  send(text) {
    if (typeof text !== 'string' || !text.trim()) return Promise.reject(new TypeError('send takes the message text'));
    return new Promise((resolve, reject) => {
      const id = `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      this._pendingSends = this._pendingSends || new Map();
      this._pendingSends.set(id, {resolve, reject});
      this._post({type: 'send', id, text});
    });
  }

  // calls: run in the panel, on the conversation's gateway session (docs/messenger.md, "Calls")

  /** Calls the conversation's agent (voice, or {video: true}); resolves with the call id once it rings. */
  startCall({video = false} = {}) {
    return this._callCommand({op: 'startCall', video: !!video}).then(r => r.call.id);
  }

  /** Accepts the agent's call (the callIncoming event); without an id, the ringing one. */
  answer(callId) {
    return this._callCommand({op: 'answer', call: callId}).then(r => r.call);
  }

  decline(callId) {
    return this._callCommand({op: 'decline', call: callId}).then(r => r.call);
  }

  /** Hangs up the call (without an id, the current one). */
  hangup(callId) {
    return this._callCommand({op: 'hangup', call: callId}).then(r => r.call);
  }

  mute(on = true, callId) {
    return this._callCommand({op: 'mute', call: callId, on: !!on}).then(r => r.call);
  }

  /** {audio: {bytesReceived, packetsReceived, packetsLost, jitter}, video?, roundTripTime, candidateType, relayed}. */
  callStats(callId) {
    return this._callCommand({op: 'stats', call: callId}).then(r => r.stats);
  }

  _callCommand(frame) {
    if (this._state !== 'ready') {
      return Promise.reject(Object.assign(new Error('The messenger is not connected to a conversation.'),
        {code: 'request.invalid', hint: "Wait for the messenger's 'ready' event."}));
    }
    const id = `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._callRequests.delete(id);
        reject(Object.assign(new Error(`No answer to ${frame.op} within ${CALL_TIMEOUT_MS / 1000} s.`), {code: 'request.invalid'}));
      }, CALL_TIMEOUT_MS);
      this._callRequests.set(id, {resolve, reject, timer});
      this._post({type: 'callCommand', id, frame});
    });
  }
  // calls end

  /** Opens the panel (launcher mode). */
  open() { this._toggle(true); }

  close() { this._toggle(false); }

  destroy() {
    this._state = 'destroyed';
    clearTimeout(this._refreshTimer);
    clearTimeout(this._retryTimer);
    window.removeEventListener('message', this._onMessage);
    if (this._root) this._root.remove();
    this._root = this._frame = this._launcher = null;
  }

  // ---- UI ------------------------------------------------------------------------------------------------------

  _mount(container) {
    const frame = document.createElement('iframe');
    frame.src = `${this._origin}/embed/v1/messenger/${encodeURIComponent(this._deployment)}?parent=${encodeURIComponent(location.origin)}`;
    frame.title = 'Chat with us';
    frame.setAttribute('allow', 'clipboard-write; microphone; camera; autoplay');
    frame.style.cssText = 'border:0;width:100%;height:100%;display:block;background:#fff;';
    this._frame = frame;
    if (container) {
      this._root = frame;
      container.append(frame);
      return;
    }
    const accent = (this._theme && this._theme['--df-accent']) || '#2456d6';
    const root = document.createElement('div');
    root.className = 'deskframe-messenger';
    root.style.cssText = 'position:fixed;right:16px;bottom:16px;z-index:2147483000;font:14px system-ui,sans-serif;';
    const panel = document.createElement('div');
    panel.id = `deskframe-messenger-${Math.random().toString(36).slice(2, 8)}`;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', 'Chat');
    panel.hidden = true;
    panel.style.cssText = 'position:absolute;right:0;bottom:68px;width:min(380px,calc(100vw - 32px));'
      + 'height:min(600px,calc(100vh - 100px));border-radius:12px;overflow:hidden;box-shadow:0 8px 32px rgba(0,0,0,.25);background:#fff;';
    panel.append(frame);
    const launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.className = 'deskframe-messenger-launcher';
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', panel.id);
    launcher.setAttribute('aria-label', 'Open chat');
    launcher.append(launcherIcon(LAUNCHER_OPEN_PATH));
    launcher.style.cssText = `width:56px;height:56px;border-radius:50%;border:0;background:${accent};color:#fff;`
      + 'display:flex;align-items:center;justify-content:center;padding:0;'
      + 'cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25);';
    launcher.addEventListener('click', () => this._toggle(panel.hidden));
    panel.addEventListener('keydown', e => { if (e.key === 'Escape') { this._toggle(false); launcher.focus(); } });
    root.append(panel, launcher);
    document.body.append(root);
    this._root = root;
    this._panel = panel;
    this._launcher = launcher;
  }

  _toggle(open) {
    if (!this._panel) return;
    this._panel.hidden = !open;
    this._launcher.setAttribute('aria-expanded', String(open));
    this._launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    this._launcher.replaceChildren(launcherIcon(open ? LAUNCHER_CLOSE_PATH : LAUNCHER_OPEN_PATH));
    this._post({type: 'visibility', visible: open});
    if (open && this._frame) this._frame.focus();
  }

  // ---- guest session -------------------------------------------------------------------------------------------

  async _start({prechat, restart}) {
    if (this._state === 'destroyed') return;
    let resume = null;
    try { resume = localStorage.getItem(this._key); } catch { /* storage off: every visit is a new conversation */ }
    let token = null;
    try {
      token = await customerToken(this._customer);
    } catch (e) {
      return this._fail(problem('provider.failed', {reason: `(customer.token) failed: ${clip(String(e && e.message || e))}`}));
    }
    if (!resume && !token && !prechat && !restart && await this._asksPrechat()) return;
    let reply;
    try {
      const r = await fetch(`${this._origin}/api/v2/guest/sessions`, {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(sessionRequest({deployment: this._deployment, resume, customerToken: token, prechat, restart})),
        credentials: 'omit', mode: 'cors'});
      reply = {status: r.status, body: await r.json().catch(() => ({})), retryAfter: r.headers.get('Retry-After')};
    } catch (e) {
      reply = {status: 0, body: problem('env.unreachable', {env: this._origin, reason: clip(String(e && e.message || e))})};
    }
    if (this._state === 'destroyed') return;
    if (reply.status === 200 || reply.status === 201) {
      this._attempt = 0;
      this._session = reply.body;
      this._conversation = reply.body.conversation;
      try { localStorage.setItem(this._key, reply.body.resume); } catch { /* see above */ }
      this._setState('connecting');
      this._handOver();
      this._scheduleRefresh(reply.body.token);
      return;
    }
    const p = reply.body && reply.body.code ? reply.body : {code: 'server.internal', message: `The platform answered ${reply.status}.`, hint: 'Retry later.'};
    if (reply.retryAfter && !p.retryAfterSeconds) p.retryAfterSeconds = Number(reply.retryAfter);
    const next = sessionFailure(p);
    if (next.action === 'forget_resume') {
      try { localStorage.removeItem(this._key); } catch { /* see above */ }
      return this._start({prechat, restart});
    }
    if (next.action === 'retry' && this._attempt < 8) {
      const wait = Math.max(next.afterMs, backoffDelay(this._attempt++, {base: 1000}));
      this._emit('status', {state: this._state, retryInMs: wait, error: p});
      this._retryTimer = setTimeout(() => this._start({prechat, restart}), wait);
      return;
    }
    this._fail(p);
  }

  /** A new guest of a deployment with pre-chat fields fills them in the panel first. */
  async _asksPrechat() {
    try {
      const r = await fetch(`${this._origin}/api/v2/guest/deployments/${encodeURIComponent(this._deployment)}`, {credentials: 'omit'});
      if (!r.ok) return false; // the session request names the problem
      const d = await r.json();
      if (!d.prechatFields || d.prechatFields.length === 0) return false;
      this._setState('prechat');
      this._pendingPrechat = d;
      if (this._panelReady) this._post({type: 'prechat', deployment: d});
      return true;
    } catch {
      return false;
    }
  }

  _scheduleRefresh(token) {
    clearTimeout(this._refreshTimer);
    let delay = null;
    try { delay = refreshDelay(decodeTokenPayload(token)); } catch { delay = null; }
    if (delay === null) return;
    this._refreshTimer = setTimeout(() => this._renew(), delay);
  }

  /** A fresh guest token for the same conversation (the resume credential), handed to the live panel in place. */
  async _renew() {
    let resume = null;
    try { resume = localStorage.getItem(this._key); } catch { /* see above */ }
    if (!resume && this._session) resume = this._session.resume;
    try {
      const r = await fetch(`${this._origin}/api/v2/guest/sessions`, {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(sessionRequest({deployment: this._deployment, resume})), credentials: 'omit'});
      const body = await r.json();
      if (!r.ok) throw Object.assign(new Error(body.message), body);
      this._session = body;
      this._post({type: 'token', token: body.token});
      this._scheduleRefresh(body.token);
    } catch (e) {
      this._retryTimer = setTimeout(() => this._renew(), backoffDelay(this._attempt++, {base: 2000}));
    }
  }

  _handOver() {
    if (!this._panelReady || !this._session) return;
    const s = this._session;
    this._post({type: 'session', token: s.token, conversation: s.conversation, customer: s.customer, ended: !!s.ended,
      deployment: s.deployment, earlierConversations: s.earlierConversations, theme: this._theme, calls: this._calls});
  }

  _fail(p) {
    this._error = {code: p.code, message: p.message, hint: p.hint};
    this._setState('error');
    this._emit('error', this._error);
    this._reject(Object.assign(new Error(p.message), this._error));
    if (this._panelReady) this._post({type: 'error', error: this._error});
    else this._pendingError = this._error;
  }

  // ---- the panel's messages ------------------------------------------------------------------------------------

  _post(message) {
    if (this._frame && this._frame.contentWindow) {
      this._frame.contentWindow.postMessage({deskframe: 1, ...message}, this._origin);
    }
  }

  _message(e) {
    if (!this._frame || e.source !== this._frame.contentWindow || e.origin !== this._origin) return;
    const d = e.data;
    if (!d || d.deskframe !== 1 || d.widget !== WIDGET || typeof d.type !== 'string') return;
    switch (d.type) {
      case 'hello':
        this._panelReady = true;
        if (this._theme) this._post({type: 'theme', theme: this._theme});
        if (this._pendingError) this._post({type: 'error', error: this._pendingError});
        else if (this._state === 'prechat' && this._pendingPrechat) this._post({type: 'prechat', deployment: this._pendingPrechat});
        else this._handOver();
        break;
      case 'prechat':
        this._setState('starting');
        this._start({prechat: d.fields || {}});
        break;
      case 'escape':
        if (this._panel && !this._panel.hidden) { this._toggle(false); this._launcher.focus(); }
        break;
      case 'restart':
        this._setState('starting');
        this._start({restart: true});
        break;
      case 'needToken':
        this._renew();
        break;
      case 'callResult': {
        const p = this._callRequests.get(d.id);
        if (p) {
          this._callRequests.delete(d.id);
          clearTimeout(p.timer);
          d.error ? p.reject(Object.assign(new Error(d.error.message), d.error)) : p.resolve(d.reply);
        }
        break;
      }
      case 'sent': {
        const p = this._pendingSends && this._pendingSends.get(d.id);
        if (p) { this._pendingSends.delete(d.id); d.error ? p.reject(Object.assign(new Error(d.error.message), d.error)) : p.resolve(d.ack); }
        break;
      }
      case 'status':
        if (d.state === 'ready') {
          this._error = null;
          if (this._state !== 'ready') {
            this._setState('ready');
            const detail = {conversation: this._conversation, customer: this._session && this._session.customer};
            this._resolve(detail);
            this._emit('ready', detail);
          }
        } else if (d.state === 'error') {
          this._fail(d.error || {code: 'unknown'});
        } else if (d.state && d.state !== this._state) {
          this._setState(d.state);
        }
        break;
      case 'event':
        if (d.name === 'conversationEnded') this._setState('ended');
        if (EVENTS.includes(d.name)) this._emit(d.name, d.detail || {});
        break;
      default:
        break;
    }
  }

  _setState(state) {
    if (this._state === 'destroyed') return;
    this._state = state;
    if (state !== 'error') this._error = state === 'ready' ? null : this._error;
    this._emit('status', this.status());
  }

  _emit(type, detail) {
    for (const fn of this._listeners.get(type) || []) {
      try { fn(detail); } catch (e) { console.error(`Messenger ${type} listener failed`, e); }
    }
    if (this._onEvent) {
      try { this._onEvent(type, detail); } catch (e) { console.error('Messenger onEvent failed', e); }
    }
  }
}

export {EVENTS} from './messenger-core.js';
