// Deskframe EmbeddingClient: mounts Deskframe widgets (messaging, voice, video) in iframes served by the platform and
// hands them the integrator's access token by postMessage with an exact target origin. No build step: import it from
// the platform, e.g. import {EmbeddingClient} from 'https://deskframe.example.com/embed/v1/deskframe.js'.
// The postMessage contract, events and status shapes are documented in docs/embedding.md.
import {CODES, actionForCode, problem} from './codes.js';
import {WIDGETS, backoffDelay, clip, debugLine, decodeTokenPayload, envOrigin, precheck, providerFailure, refreshDelay,
  retryTime, tokenFrom, widgetUrl} from './core.js';
import {renderPanel} from './panel.js';
import {callOptions} from './call-core.js';

export {CODES, actionForClose, actionForCode} from './codes.js';

const EVENTS = ['ready', 'error', 'tokenRefreshed', 'tokenExpiring', 'message', 'conversation', 'presence',
  'disconnected', 'reconnecting', 'reconnected',
  // routing
  'conversationOffered', 'conversationAssigned', 'conversationTransferred', 'conversationEnded', 'offerWithdrawn', 'screenPop',
  // calls
  'callIncoming', 'callConnected', 'callHeld', 'callEnded'];
const CALL_EVENTS = new Set(['callIncoming', 'callConnected', 'callHeld', 'callEnded']);
const COMMAND_TIMEOUT_MS = 15000;
const SETTLED = new Set(['ready', 'not_enabled']);
const HELLO_TIMEOUT_MS = 15000;

/**
 * An Error that carries a catalogue problem: `message` is the problem's message alone; `code`, `hint`, `widget` and
 * the whole `problem` ({code, message, hint, closeCode, action, widget?, cause?, ...}) sit beside it, so a page that
 * shows them does not repeat itself. A provider.failed with a cause has it as `cause` too.
 */
export class DeskframeError extends Error {
  constructor(p) {
    super(p.message, p.cause ? {cause: p.cause} : undefined);
    this.name = 'DeskframeError';
    Object.assign(this, {code: p.code, hint: p.hint, widget: p.widget, problem: p});
  }
}

export class EmbeddingClient {
  /**
   * @param {object} options
   * @param {string} options.orgId        the organisation the agent belongs to (checked against the token's org)
   * @param {string} options.env          the deployment's base URL (or host)
   * @param {string} [options.token]      a fixed access token (no refresh possible), or:
   * @param {Function} [options.getAccessToken] returns (a promise of) an access token; called at start and before expiry
   * @param {Element|string|object} options.container  element or selector holding the widgets, or {widget: element}
   * @param {string[]} [options.widgets]  which widgets to mount (default ['messaging'])
   * @param {boolean} [options.debug]     log every step to the console (never a token)
   * @param {Function} [options.onEvent]  called with every event ({type, widget?, ...})
   * @param {object} [options.theme]      CSS custom properties for the widgets, e.g. {'--df-accent': '#b00020'}
   * @param {object} [options.calls]      the voice and video widgets' calls: {iceTransportPolicy: 'all'|'relay',
   *                                      candidateAddresses?: ['127.0.0.1']} ('relay' sends media through TURN only)
   */
  constructor(options = {}) {
    const {orgId, env, token, getAccessToken, container, widgets = ['messaging'], debug = false, onEvent, theme, calls} = options;
    if (!orgId) throw new TypeError('orgId is required');
    if (!token && typeof getAccessToken !== 'function') throw new TypeError('token or getAccessToken is required');
    for (const w of widgets) if (!WIDGETS.includes(w)) throw new TypeError(`unknown widget '${w}' (known: ${WIDGETS.join(', ')})`);
    this._orgId = orgId;
    this._env = env;
    this._origin = envOrigin(env);
    this._fixedToken = token || null;
    this._provider = getAccessToken || null;
    this._container = container;
    this._widgets = [...new Set(widgets)];
    this._debug = !!debug;
    this._theme = theme && typeof theme === 'object' ? {...theme} : undefined;
    this._calls = callOptions(calls);
    this._callWidgets = new Map();   // call id -> the widget that carries it (voice or video)
    this._onEvent = typeof onEvent === 'function' ? onEvent : null;
    this._listeners = new Map(EVENTS.map(e => [e, new Set()]));
    this._frames = new Map();        // widget -> {iframe, wrapper, needsToken, session, helloTimer}
    this._panels = new Map();        // container element -> panel host (a pre-check failure, before any iframe)
    this._status = Object.fromEntries(this._widgets.map(w => [w, {state: 'loading'}]));
    this._token = null;
    this._payload = null;
    this._refreshTimer = null;
    this._refreshing = null;
    this._destroyed = false;
    this._requests = 0;              // routing: desktop commands sent to the messaging widget
    this._pending = new Map();       // requestId -> {resolve, reject, timer}
    this._onMessage = e => this._receive(e);
    this.ready = new Promise((resolve, reject) => { this._resolveReady = resolve; this._rejectReady = reject; });
    this.ready.catch(() => {}); // a rejection is also an 'error' event; do not make it an unhandled one
    this._log('create', {widgets: this._widgets.join(','), env: this._origin, org: orgId,
      provider: this._provider ? 'getAccessToken' : 'fixed token'});
    this._start();
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on(type, listener) {
    if (!this._listeners.has(type)) throw new TypeError(`unknown event '${type}' (known: ${EVENTS.join(', ')})`);
    this._listeners.get(type).add(listener);
    return () => this._listeners.get(type).delete(listener);
  }

  off(type, listener) {
    this._listeners.get(type)?.delete(listener);
  }

  /** Per widget: {state: 'loading'|'connecting'|'ready'|'reconnecting'|'not_enabled'|'error', error?, session?, agent?, reconnect?}. */
  status() {
    return JSON.parse(JSON.stringify(this._status));
  }

  /** Obtains a new token from getAccessToken and refreshes every live widget session in place (no reconnect). */
  refreshToken() {
    return this._refresh('requested');
  }

  // routing: the agent-desktop API. Each runs on the messaging widget's gateway session and resolves with the
  // server's reply frame, or rejects with a DeskframeError carrying the catalogue code (presence.invalid,
  // offer.expired, conversation.not_assigned, wrapup.required, ...).

  /** Sets the agent's presence: 'available', 'away', 'busy' or 'offline'. */
  setPresence(status) {
    return this._command({op: 'set_presence', status});
  }

  /** Accepts the conversation offered (the conversationOffered event). */
  accept(conversationId) {
    return this._command({op: 'accept', conversation: conversationId});
  }

  /** Declines an offer: it goes to the next agent. */
  decline(conversationId) {
    return this._command({op: 'decline', conversation: conversationId});
  }

  /** Transfers an assigned conversation: {agent: id} or {queue: id}. */
  transfer(conversationId, target = {}) {
    return this._command({op: 'transfer', conversation: conversationId, agent: target.agent, queue: target.queue});
  }

  /** Closes an assigned conversation, with a wrap-up code when its queue asks for one. */
  close(conversationId, {wrapUp} = {}) {
    return this._command({op: 'close', conversation: conversationId, wrapUp});
  }

  // calls: each runs in the voice widget (the video widget for video calls, and for a call it carries) and
  // rejects with a DeskframeError carrying the catalogue code (call.callee_offline, media.permission_denied, ...).

  /**
   * Calls an agent ({agent}) or the customer of a conversation ({conversation}); {video: true} for a video call.
   * Resolves with the call's id once it rings (callConnected follows when it is answered).
   */
  async clickToDial({agent, conversation, video = false} = {}) {
    if (!agent === !conversation) throw new TypeError('clickToDial needs exactly one of {agent} and {conversation}');
    const widget = video ? 'video' : 'voice';
    const reply = await this._command({op: 'dial', agent, conversation, media: video ? 'video' : 'audio'}, widget);
    this._callWidgets.set(reply.call.id, widget);
    return reply.call.id;
  }

  /** Answers a ringing call (the callIncoming event's call.id). */
  answer(callId) {
    return this._callCommand(callId, {op: 'answer', call: callId}).then(r => r.call);
  }

  decline(callId) {
    return this._callCommand(callId, {op: 'decline', call: callId}).then(r => r.call);
  }

  hangup(callId) {
    return this._callCommand(callId, {op: 'hangup', call: callId}).then(r => r.call);
  }

  /** Holds (on: true) or resumes (false) a connected call: both sides stop sending media while it is held. */
  hold(callId, on = true) {
    return this._callCommand(callId, {op: 'hold', call: callId, on: !!on}).then(r => r.call);
  }

  mute(callId, on = true) {
    return this._callCommand(callId, {op: 'mute', call: callId, on: !!on}).then(r => r.call);
  }

  /**
   * This side's media of a call: {audio: {bytesReceived, packetsReceived, packetsLost, jitter}, video?: {bytesReceived,
   * framesDecoded}, roundTripTime, candidateType, relayed}, from RTCPeerConnection.getStats() (the last one once ended).
   */
  callStats(callId) {
    // Read in the widget itself: it answers while its gateway session reconnects (media does not depend on it).
    return this._callCommand(callId, {op: 'stats', call: callId}, {offline: true}).then(r => r.stats);
  }

  _callCommand(callId, frame, options) {
    const widget = this._callWidgets.get(callId) || (this._frames.has('voice') ? 'voice' : 'video');
    return this._command(frame, widget, options);
  }
  // calls end

  _command(frame, widget = 'messaging', {offline = false} = {}) {
    const f = this._frames.get(widget);
    const state = this._status[widget]?.state;
    if (!f || (state !== 'ready' && !(offline && (state === 'reconnecting' || state === 'connecting')))) {
      const what = widget === 'messaging' ? 'the agent-desktop commands' : `${widget === 'video' ? 'video' : 'voice'} calls`;
      return Promise.reject(new DeskframeError({code: 'request.invalid',
        message: `The ${widget} widget is not connected, and it carries ${what}.`,
        hint: `Mount the '${widget}' widget and wait for its 'ready' event.`}));
    }
    const requestId = `r${++this._requests}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(requestId);
        reject(new DeskframeError({code: 'request.invalid', message: `No answer to ${frame.op} within ${COMMAND_TIMEOUT_MS / 1000} s.`,
          hint: 'Check the connection (status()) and try again.'}));
      }, COMMAND_TIMEOUT_MS);
      this._pending.set(requestId, {resolve, reject, timer});
      this._post(widget, {type: 'command', requestId, frame: JSON.parse(JSON.stringify(frame))});
    });
  }

  _commandResult(data) {
    const p = this._pending.get(data.requestId);
    if (!p) return;
    this._pending.delete(data.requestId);
    clearTimeout(p.timer);
    if (data.error) p.reject(new DeskframeError(errorView(withAction(data.error))));
    else p.resolve(data.reply);
  }
  // routing end

  /** Unmounts the widgets, closes their sessions and stops every timer. */
  destroy() {
    if (this._destroyed) return;
    this._destroyed = true;
    clearTimeout(this._refreshTimer);
    clearTimeout(this._envTimer);
    window.removeEventListener('message', this._onMessage);
    for (const [widget, f] of this._frames) {
      clearTimeout(f.helloTimer);
      this._post(widget, {type: 'destroy'});
      f.wrapper.remove();
    }
    this._frames.clear();
    this._clearPanels();
    this._log('destroyed');
  }

  // ---- start-up -------------------------------------------------------------------------------------------------

  async _start() {
    const t0 = performance.now();
    let token;
    try {
      token = await this._obtainToken('start');
    } catch (p) {
      return this._failAll(p);
    }
    let payload;
    try {
      payload = decodeTokenPayload(token);
    } catch (p) {
      return this._failAll(p);
    }
    this._token = token;
    this._payload = payload;
    const env = await this._discover(payload.client_id);
    if (!env || this._destroyed) return;
    const mismatch = precheck(payload, env, this._orgId, this._origin);
    if (mismatch) return this._failAll(mismatch);
    if (env.embed && env.embed.problems.length) return this._failAll(withAction(env.embed.problems[0]));
    this._log('pre-checks passed', {issuer: env.issuer, region: env.region, client: payload.client_id,
      ms: Math.round(performance.now() - t0)});
    this._clearPanels();
    window.addEventListener('message', this._onMessage);
    for (const widget of this._widgets) this._mount(widget, payload.client_id);
    this._scheduleRefresh();
  }

  async _discover(clientId, attempt = 0) {
    const url = new URL('/embed/v1/env', this._origin);
    if (clientId) url.searchParams.set('client', clientId);
    url.searchParams.set('origin', location.origin);
    try {
      const r = await fetch(url, {mode: 'cors', credentials: 'omit', cache: 'no-store'});
      if (!r.ok) throw new Error(`HTTP ${r.status} from ${url.pathname}`);
      const env = await r.json();
      if (!env || typeof env.issuer !== 'string') throw new Error('the answer is not a Deskframe embed discovery');
      this._log('env reachable', {issuer: env.issuer, region: env.region});
      if (attempt > 0) {
        this._setAll({state: 'loading'});
        this._clearPanels();
      }
      return env;
    } catch (e) {
      if (this._destroyed) return null;
      const delay = backoffDelay(attempt);
      const p = problem('env.unreachable', {env: this._origin, reason: clip(String(e && e.message || e), 300)});
      const error = {...errorView(p), retryInMs: delay, retryAt: new Date(Date.now() + delay).toISOString()};
      this._log('env unreachable', {reason: p.reason, retryInMs: delay, attempt});
      this._setAll({state: 'error', error});
      this._showPanels(error, `Cannot reach ${this._origin}, retrying at ${retryTime(delay)}.`);
      if (attempt === 0) this._emit('error', {error});
      return new Promise(resolve => {
        this._envTimer = setTimeout(() => resolve(this._discover(clientId, attempt + 1)), delay);
      });
    }
  }

  _mount(widget, clientId) {
    const wrapper = document.createElement('div');
    wrapper.className = `deskframe-widget deskframe-${widget}`;
    wrapper.dataset.widget = widget;
    const iframe = document.createElement('iframe');
    iframe.title = `Deskframe ${widget}`;
    iframe.src = widgetUrl(this._origin, widget, {client: clientId, org: this._orgId, parentOrigin: location.origin,
      debug: this._debug});
    iframe.allow = widget === 'voice' || widget === 'video' ? 'microphone; camera; autoplay' : '';
    iframe.referrerPolicy = 'no-referrer';
    iframe.style.cssText = 'border:0;width:100%;height:100%;display:block';
    iframe.addEventListener('load', () => this._log('iframe loaded', {widget}));
    wrapper.append(iframe);
    this._parentFor(widget).append(wrapper);
    const helloTimer = setTimeout(() => {
      if (this._status[widget].state === 'loading') {
        this._log('widget page did not answer', {widget, afterMs: HELLO_TIMEOUT_MS,
          note: 'blocked by frame-ancestors, a network error or a content blocker?'});
      }
    }, HELLO_TIMEOUT_MS);
    this._frames.set(widget, {iframe, wrapper, needsToken: false, session: null, helloTimer});
    this._log('iframe mounted', {widget, src: iframe.src});
  }

  /**
   * Shows `error` where the widgets would be, before (or instead of) their iframes: one panel per container, naming
   * the widgets it stands for when one container holds several.
   */
  _showPanels(error, retry) {
    const byContainer = new Map();
    for (const widget of this._widgets) {
      let parent;
      try { parent = this._parentFor(widget); } catch { continue; }
      if (!byContainer.has(parent)) byContainer.set(parent, []);
      byContainer.get(parent).push(widget);
    }
    for (const [parent, widgets] of byContainer) {
      let host = this._panels.get(parent);
      if (!host) {
        host = document.createElement('div');
        host.className = 'deskframe-widget deskframe-error-panel';
        parent.append(host);
        this._panels.set(parent, host);
      }
      host.dataset.widget = widgets.join(' ');
      renderPanel(host, {...error, retry}, {widgets, theme: this._theme});
    }
  }

  _clearPanels() {
    for (const host of this._panels.values()) host.remove();
    this._panels.clear();
  }

  _parentFor(widget) {
    const c = this._container;
    const resolve = x => typeof x === 'string' ? document.querySelector(x) : x;
    if (c && !(c instanceof Element) && typeof c === 'object' && c[widget]) return resolve(c[widget]);
    const el = resolve(c);
    if (!(el instanceof Element)) throw new TypeError('container must be an element, a selector, or {widget: element}');
    return el;
  }

  // ---- postMessage ----------------------------------------------------------------------------------------------

  _receive(event) {
    if (event.origin !== this._origin) return;
    const entry = [...this._frames].find(([, f]) => f.iframe.contentWindow === event.source);
    const data = event.data;
    if (!entry || !data || data.deskframe !== 1) return;
    const [widget, frame] = entry;
    switch (data.type) {
      case 'hello':
        clearTimeout(frame.helloTimer);
        frame.needsToken = !!data.needsToken;
        this._log('widget page ready', {widget, needsToken: frame.needsToken});
        if (frame.needsToken) {
          this._post(widget, {type: 'token', token: this._token, org: this._orgId, debug: this._debug, theme: this._theme,
            calls: this._calls});
          this._log('token handed over', {widget, tokenExpiresIn: this._expiresIn()});
        }
        break;
      case 'status':
        this._updateStatus(widget, data);
        break;
      case 'needToken':
        this._log('widget needs a new token', {widget, reason: data.reason});
        this._refresh(data.reason || 'new_token', {reconnecting: widget});
        break;
      case 'event':
        this._widgetEvent(widget, frame, data);
        break;
      case 'commandResult': // routing, calls
        this._commandResult(data);
        break;
      case 'log':
        if (this._debug) console.debug(debugLine(data.step, {widget, session: data.session, ...data.fields}));
        break;
    }
  }

  _post(widget, message) {
    const f = this._frames.get(widget);
    // The exact origin of the platform: the browser delivers it only if the iframe still shows the platform's page.
    if (f && f.iframe.contentWindow) f.iframe.contentWindow.postMessage({deskframe: 1, ...message}, this._origin);
  }

  _updateStatus(widget, data) {
    const previous = this._status[widget];
    const next = {state: data.state};
    if (data.error) next.error = errorView(data.error);
    if (data.session) next.session = data.session;
    if (data.agent) next.agent = data.agent;
    if (data.notice) next.notice = data.notice;
    this._status[widget] = next;
    const f = this._frames.get(widget);
    if (f && data.session) f.session = data.session;
    if (data.state === 'ready' && previous.state !== 'ready') {
      this._log('ready', {widget, session: data.session});
      // 'ready' once per widget; coming back after a drop is 'reconnected' (sent by the widget).
      if (f && !f.everReady) {
        f.everReady = true;
        this._emit('ready', {widget, session: data.session, agent: data.agent});
      }
    } else if (data.state === 'error') {
      this._log('error', {widget, session: data.session, code: data.error?.code, action: data.error?.action});
      this._emit('error', {widget, error: next.error});
    } else if (data.state === 'reconnecting') {
      if (data.reconnect) next.reconnect = data.reconnect;
      // Once when the connection is lost, then again before each further attempt (with its time).
      if (previous.state !== 'reconnecting' || previous.reconnect?.retryAt !== data.reconnect?.retryAt) {
        this._log('reconnecting', {widget, session: data.session, ...(data.reconnect || {})});
        this._emit('reconnecting', {widget, session: data.session, ...(data.reconnect || {})});
      }
    } else if (data.state !== previous.state) {
      this._log(`state ${data.state}`, {widget, session: data.session});
    }
    this._settle();
  }

  _widgetEvent(widget, frame, data) {
    const detail = {widget, ...(data.detail || {})};
    switch (data.name) {
      case 'tokenExpiring':
        this._log('token expiring', {widget, session: frame.session, in: detail.in});
        this._emit('tokenExpiring', detail);
        this._refresh('expiring');
        break;
      case 'tokenRefreshed':
        this._log('token refreshed in place', {widget, session: frame.session, expiresAt: detail.expiresAt});
        this._emit('tokenRefreshed', detail);
        break;
      case 'disconnected':
        this._log('disconnected', {widget, session: frame.session, code: detail.code, action: detail.action,
          retryInMs: detail.retryInMs});
        this._emit('disconnected', detail);
        break;
      case 'reconnected':
        this._log('reconnected', {widget, session: detail.session, attempts: detail.attempts});
        this._emit('reconnected', detail);
        break;
      default:
        if (CALL_EVENTS.has(data.name) && detail.call) {
          this._callWidgets.set(detail.call.id, widget);
          this._log(data.name, {widget, call: detail.call.id, state: detail.call.state, reason: detail.reason});
        }
        if (EVENTS.includes(data.name)) this._emit(data.name, detail);
    }
  }

  // ---- tokens ---------------------------------------------------------------------------------------------------

  async _obtainToken(reason) {
    if (this._fixedToken) return this._fixedToken;
    const t0 = performance.now();
    this._log('calling getAccessToken', {reason});
    let value;
    try {
      value = await this._provider({reason});
    } catch (e) {
      const p = providerFailure(e);
      this._log('getAccessToken failed', {code: p.code, reason: p.reason, cause: p.cause && p.cause.code});
      throw p;
    }
    const token = tokenFrom(value);
    if (!token) {
      const p = problem('provider.failed', {reason: `returned ${value === '' ? 'an empty string' : value === undefined ? 'nothing' : 'no token (' + typeof value + ')'}`});
      this._log('getAccessToken failed', {code: p.code, reason: p.reason});
      throw p;
    }
    this._log('token obtained', {reason, ms: Math.round(performance.now() - t0), tokenExpiresIn: expiresIn(token)});
    return token;
  }

  /** Single flight: concurrent triggers (timer, token_expiring from each widget, refreshToken()) share one refresh. */
  _refresh(reason, {reconnecting} = {}) {
    if (this._destroyed) return Promise.resolve();
    if (this._refreshing) {
      if (reconnecting) this._refreshing.then(() => this._handTokenForReconnect(reconnecting), () => {});
      return this._refreshing;
    }
    this._refreshing = (async () => {
      clearTimeout(this._refreshTimer);
      if (!this._provider) {
        this._log('cannot refresh a fixed token', {reason});
        if (reconnecting) this._handTokenForReconnect(reconnecting);
        return;
      }
      let token;
      try {
        token = await this._obtainToken(reason);
      } catch (p) {
        this._emit('error', {error: errorView(p)});
        this._scheduleRefresh(Math.min(backoffDelay(this._refreshFailures = (this._refreshFailures || 0) + 1), 10000));
        if (reconnecting) this._handTokenForReconnect(reconnecting);
        return;
      }
      this._refreshFailures = 0;
      let payload;
      try {
        payload = decodeTokenPayload(token);
      } catch (p) {
        this._emit('error', {error: errorView(p)});
        return;
      }
      if (token === this._token) {
        // The provider still hands out the same token (its cache has not refreshed yet): ask again shortly.
        this._log('provider returned the current token; asking again soon', {reason});
        this._scheduleRefresh(Math.max(1000, Math.min(5000, refreshDelay(payload) / 4 || 1000)));
        if (reconnecting) this._handTokenForReconnect(reconnecting);
        return;
      }
      this._token = token;
      this._payload = payload;
      for (const [widget, f] of this._frames) {
        if (!f.needsToken) continue;
        if (widget === reconnecting) {
          this._handTokenForReconnect(widget);
        } else {
          this._post(widget, {type: 'refresh', token});
          this._log('refresh sent', {widget, session: f.session, tokenExpiresIn: this._expiresIn()});
        }
      }
      this._scheduleRefresh();
    })().finally(() => { this._refreshing = null; });
    return this._refreshing;
  }

  _handTokenForReconnect(widget) {
    this._post(widget, {type: 'token', token: this._token, org: this._orgId, debug: this._debug, theme: this._theme,
      calls: this._calls});
    this._log('token handed over for reconnect', {widget, tokenExpiresIn: this._expiresIn()});
  }

  _scheduleRefresh(delay) {
    clearTimeout(this._refreshTimer);
    if (this._destroyed || !this._provider || !this._payload) return;
    const ms = delay ?? refreshDelay(this._payload);
    if (ms === null) return;
    this._log('refresh scheduled', {inMs: ms});
    this._refreshTimer = setTimeout(() => this._refresh('scheduled'), ms);
  }

  _expiresIn() {
    return this._payload && typeof this._payload.exp === 'number'
      ? `${Math.round(this._payload.exp - Date.now() / 1000)}s` : undefined;
  }

  // ---- state ----------------------------------------------------------------------------------------------------

  _failAll(p) {
    const error = errorView(p);
    this._log('error', {code: error.code, action: error.action});
    this._setAll({state: 'error', error});
    this._showPanels(error);
    this._emit('error', {error});
    this._settle();
  }

  _setAll(s) {
    for (const w of this._widgets) this._status[w] = {...s};
  }

  _settle() {
    const states = Object.values(this._status);
    if (states.every(s => SETTLED.has(s.state))) {
      this._resolveReady(this.status());
      return;
    }
    const stop = Object.entries(this._status).find(([, s]) => s.state === 'error' && s.error && s.error.action === 'stop');
    if (stop) {
      const [widget, s] = stop;
      this._rejectReady(new DeskframeError({...s.error, widget}));
    }
  }

  _emit(type, detail) {
    const event = {type, at: new Date().toISOString(), ...detail};
    for (const l of this._listeners.get(type) || []) {
      try { l(event); } catch (e) { console.error('deskframe: an event listener threw', e); }
    }
    if (this._onEvent) {
      try { this._onEvent(event); } catch (e) { console.error('deskframe: onEvent threw', e); }
    }
  }

  _log(step, fields = {}) {
    if (this._debug) console.debug(debugLine(step, fields));
  }
}

/** The error as status() and events show it. */
function errorView(p) {
  const {code, message, hint} = p;
  const view = {code, message, hint, action: p.action || actionForCode(code)};
  for (const k of ['closeCode', 'missing', 'required', 'granted', 'notAllowed', 'client', 'origin', 'allowed', 'reason',
    'cause', 'env', 'expectedIssuer', 'retryInMs', 'retryAt']) {
    if (p[k] !== undefined) view[k] = p[k];
  }
  return view;
}

function withAction(p) {
  const entry = CODES[p.code];
  return {...p, closeCode: entry ? entry.close : undefined, action: actionForCode(p.code)};
}

function expiresIn(token) {
  try {
    const p = decodeTokenPayload(token);
    return typeof p.exp === 'number' ? `${Math.round(p.exp - Date.now() / 1000)}s` : undefined;
  } catch {
    return undefined;
  }
}
