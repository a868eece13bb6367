// One widget's session on the gateway WebSocket (/api/v2/stream, docs/protocol.md): authenticates in the first frame,
// answers pings, refreshes the token in place, and after a drop reconnects with backoff and jitter and resumes each
// conversation from the last sequence it saw. What to do after a close comes from the catalogue's close-code ranges.
import {actionForClose, actionForCode} from '../codes.js';
import {backoffDelay, streamUrl} from '../core.js';
import {Op} from '../ops.js';

export class GatewaySession {
  /**
   * @param {object} o
   * @param {string} o.widget
   * @param {string} o.org
   * @param {string} o.embedOrigin          the embedding page's origin, as the browser reported it
   * @param {Function} o.log                (step, fields) debug log
   * @param {Function} o.onFrame            every server frame except ping
   * @param {Function} o.onState            ({state, error?, session?, agent?, ready?})
   * @param {Function} o.onDisconnected     ({code, reason, action, retryInMs})
   * @param {Function} o.onReconnected      ({session, attempts})
   * @param {Function} [o.onRetry]          ({attempt, retryInMs, code}) before each scheduled reconnect of a session
   *                                        that was ready once (the widget shows when the next attempt is)
   * @param {Function} o.needToken          (reason) asks the embedding page for a new token
   * @param {Function} o.resumePositions    () => {conversationId: lastSeq}
   */
  constructor(o) {
    Object.assign(this, o);
    this.token = null;
    this.ws = null;
    this.state = 'idle';          // idle | connecting | ready | waiting_token | backoff | stopped
    this.sessionId = null;
    this.attempt = 0;
    this.everReady = false;
    this.seq = 0;
    this.pending = new Map();     // command id -> {resolve, reject}
    this.lastError = null;
  }

  /** A token from the embedding page: connects if not connected, otherwise keeps it for the next connection. */
  useToken(token) {
    this.token = token;
    if (this.state === 'idle' || this.state === 'waiting_token') this.connect();
  }

  /** A refreshed token: sent in place on a live session (no reconnect). */
  refresh(token) {
    this.token = token;
    if (this.state === 'ready') {
      this.log('refresh sent');
      this.command({op: Op.REFRESH, token}).then(
        f => this.onFrame(f),
        e => this.log('refresh refused', {code: e.code}));
    } else if (this.state === 'waiting_token') {
      this.connect();
    }
  }

  connect() {
    if (this.state === 'stopped') return;
    clearTimeout(this.retryTimer);
    this.state = 'connecting';
    this.lastError = null;
    this.onState({state: 'connecting'});
    const url = streamUrl(document.querySelector('meta[name="deskframe-gateway"]')?.content);
    this.log('connecting', {url: url.toString(), attempt: this.attempt});
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      const resume = this.everReady ? this.resumePositions() : {};
      this.log('authenticate sent', {resume: Object.keys(resume).length});
      ws.send(JSON.stringify({op: Op.AUTHENTICATE, id: 'auth', token: this.token, widget: this.widget,
        embedOrigin: this.embedOrigin, org: this.org, resume}));
    };
    ws.onmessage = e => this._frame(ws, e.data);
    ws.onclose = e => this._closed(ws, e);
  }

  /** Sends a command with an id; resolves with the reply that echoes it, rejects with an error frame. */
  command(frame) {
    const id = `c${++this.seq}`;
    return new Promise((resolve, reject) => {
      if (this.state !== 'ready' || !this.ws) {
        reject(Object.assign(new Error('not connected'), {code: 'not_connected'}));
        return;
      }
      this.pending.set(id, {resolve, reject});
      this.ws.send(JSON.stringify({...frame, id}));
    });
  }

  /** Sends a frame that has no reply (typing); dropped when not connected. */
  notify(frame) {
    if (this.state === 'ready' && this.ws) this.ws.send(JSON.stringify(frame));
  }

  close() {
    this.state = 'stopped';
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close(1000, 'widget closed');
  }

  _frame(ws, text) {
    if (ws !== this.ws) return;
    let f;
    try { f = JSON.parse(text); } catch { return; }
    if (f.op === Op.PING) {
      ws.send(JSON.stringify({op: Op.PONG}));
      return;
    }
    if (f.op === Op.READY) {
      const attempts = this.attempt;
      this.state = 'ready';
      this.sessionId = f.session;
      this.attempt = 0;
      this.log('ready', {session: f.session, agent: f.agent && f.agent.id, expiresAt: f.expiresAt});
      this.onState({state: 'ready', session: f.session, agent: f.agent, ready: f});
      if (this.everReady) this.onReconnected({session: f.session, attempts});
      this.everReady = true;
      return;
    }
    if (f.op === Op.ERROR && f.closeCode) {
      // The server closes right after this frame; the close handler decides what to do.
      this.lastError = f;
      this.log('error', {code: f.code, closeCode: f.closeCode, action: f.action});
    }
    if (f.id && this.pending.has(f.id)) {
      // A reply to a command: it settles that command's promise only.
      const {resolve, reject} = this.pending.get(f.id);
      this.pending.delete(f.id);
      if (f.op === Op.ERROR) reject(Object.assign(new Error(f.message), f));
      else resolve(f);
      return;
    }
    if (f.op === Op.ERROR && f.closeCode) return;
    this.onFrame(f);
  }

  _closed(ws, e) {
    if (ws !== this.ws) return;
    this.ws = null;
    for (const {reject} of this.pending.values()) reject(Object.assign(new Error('disconnected'), {code: 'disconnected'}));
    this.pending.clear();
    if (this.state === 'stopped') return;
    const wasReady = this.state === 'ready';
    const error = this.lastError;
    const code = error ? error.code : null;
    const action = error ? (error.action || actionForCode(code)) : actionForClose(e.code);
    this.log('closed', {closeCode: e.code, reason: e.reason, code, action});
    if (action === 'stop') {
      this.state = 'stopped';
      this.onState({state: 'error', error: error || {code: e.reason || 'closed', message: `The connection closed (${e.code}).`,
        hint: 'See the server log for this session.', action}});
      return;
    }
    const retryInMs = action === 'new_token' ? 0 : backoffDelay(this.attempt, {
      base: error && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 500});
    if (wasReady || this.attempt === 0) {
      this.onDisconnected({code: code || String(e.code), closeCode: e.code, action, retryInMs});
    }
    if (!this.everReady && error) this.onState({state: 'connecting', error});
    this.attempt++;
    if (action === 'new_token') {
      this.state = 'waiting_token';
      this.needToken(code || 'new_token');
      // If the page cannot give a new token quickly, still try again later with what we have.
      this.retryTimer = setTimeout(() => { if (this.state === 'waiting_token') this.connect(); },
        backoffDelay(this.attempt, {base: 1000}));
    } else {
      this.state = 'backoff';
      this.log('reconnect scheduled', {inMs: retryInMs, attempt: this.attempt});
      if (this.everReady && this.onRetry) this.onRetry({attempt: this.attempt, retryInMs, code: code || String(e.code)});
      this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    }
  }
}
