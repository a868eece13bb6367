// The pure logic of EmbeddingClient and the widgets, with no DOM: token payload decoding, pre-checks, backoff with
// jitter, refresh timing, URLs and debug lines. Unit-tested with `node --test` (server/src/test/js).
import {problem} from './codes.js';

export const WIDGETS = Object.freeze(['messaging', 'voice', 'video', 'supervisor']);

/** The origin of an env option: 'https://x.example', 'x.example' (https assumed), 'http://127.0.0.1:8080/'. */
export function envOrigin(env) {
  if (typeof env !== 'string' || !env.trim()) throw new TypeError("env must be the deployment's base URL, e.g. 'https://deskframe.example.com'");
  let s = env.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    s = (/^(localhost|127\.0\.0\.1)(:|$)/.test(s) ? 'http://' : 'https://') + s;
  }
  const u = new URL(s);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`env must be an http(s) URL, not ${u.protocol}`);
  return u.origin;
}

function base64UrlDecode(part) {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4);
  const binary = atob(b64);
  const bytes = Uint8Array.from(binary, c => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * The payload of a JWT, decoded but NOT verified (the server verifies; the client only reads iss, org, client_id, exp
 * to check the obvious early). Throws a token.malformed problem for anything that is not a three-part JWT.
 */
export function decodeTokenPayload(token) {
  if (typeof token !== 'string' || !token) throw problem('token.malformed', {reason: 'the token is empty'});
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw problem('token.malformed', {reason: `expected three dot-separated parts, found ${parts.length}`});
  }
  let payload;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    throw problem('token.malformed', {reason: 'the payload is not base64url-encoded JSON'});
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw problem('token.malformed', {reason: 'the payload is not a JSON object'});
  }
  return payload;
}

/**
 * The env rule, the same in EmbeddingClient and `deskframe doctor`: env must be one of the names the deployment
 * answers under, as its embed discovery lists them (`origins`: its issuer and, on a loopback host, the same with
 * localhost and 127.0.0.1 swapped). Anything else is env.issuer_mismatch. Returns a problem or null.
 */
export function envMismatch(origin, env) {
  const listed = Array.isArray(env.origins) && env.origins.length ? env.origins : [env.issuer];
  const names = listed.map(n => { try { return new URL(n).origin; } catch { return n; } });
  if (names.includes(origin)) return null;
  return problem('env.issuer_mismatch', {env: origin, expectedIssuer: env.issuer});
}

/**
 * What the client checks before connecting, given the decoded payload and the env's embed discovery
 * ({issuer, region, origins}): the name env used, the issuer (region), then the organisation. Returns a problem or null.
 */
export function precheck(payload, env, orgId, origin) {
  if (origin) {
    const mismatch = envMismatch(origin, env);
    if (mismatch) return mismatch;
  }
  if (payload.iss !== env.issuer) {
    return problem('token.wrong_region', {tokenIssuer: String(payload.iss), region: env.region, expectedIssuer: env.issuer});
  }
  if (orgId && payload.org !== orgId) {
    return problem('token.wrong_org', {tokenOrg: String(payload.org), expectedOrg: orgId});
  }
  return null;
}

/**
 * Delay before reconnect attempt n (0-based): exponential from base to max, with "equal jitter" (between half and
 * all of it) so that many widgets dropped at once do not come back at once.
 */
export function backoffDelay(attempt, {base = 500, max = 30000, random = Math.random} = {}) {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/**
 * Milliseconds from now until the token should be refreshed: a quarter of its lifetime before expiry, at least 2 s
 * and at most 60 s before (the gateway warns 60 s before by default). Null when the token has no exp.
 */
export function refreshDelay(payload, nowMs = Date.now()) {
  if (typeof payload.exp !== 'number') return null;
  const expMs = payload.exp * 1000;
  const lifetime = typeof payload.iat === 'number' ? expMs - payload.iat * 1000 : 15 * 60 * 1000;
  const margin = Math.min(60000, Math.max(2000, lifetime / 4));
  return Math.max(0, Math.round(expMs - margin - nowMs));
}

/** The URL of a widget page. It carries the client id, org and the embedding page's origin, never a token. */
export function widgetUrl(origin, widget, {client, org, parentOrigin, debug}) {
  const u = new URL(`/embed/v1/widgets/${encodeURIComponent(widget)}`, origin);
  u.searchParams.set('client', client);
  if (org) u.searchParams.set('org', org);
  u.searchParams.set('parent', parentOrigin);
  if (debug) u.searchParams.set('debug', '1');
  return u.toString();
}

/** What getAccessToken may return: a token string, or a token response object. Anything else is null. */
export function tokenFrom(value) {
  if (typeof value === 'string') return value.trim() || null;
  if (value && typeof value === 'object') {
    const t = value.access_token ?? value.accessToken ?? value.token;
    return typeof t === 'string' && t.trim() ? t.trim() : null;
  }
  return null;
}

/** Field names whose values are credentials (a debug line writes '(redacted)' instead). */
const SECRET_KEYS = /^(token|access_?token|refresh_?token|id_?token|assertion|(client_?)?secret|password|authorization)$/i;

/**
 * One debug line: '[deskframe 2026-11-27T10:00:00.123Z messaging session=s-1] step key=value ...'. Fields whose name
 * looks secret are written as '(redacted)', so a token can never reach the console through a log call.
 */
export function debugLine(step, {widget, session, ...fields} = {}, now = new Date()) {
  const where = [widget, session ? `session=${session}` : null].filter(Boolean).join(' ');
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${SECRET_KEYS.test(k) ? '(redacted)' : format(v)}`)
    .join(' ');
  return `[deskframe ${now.toISOString()}${where ? ' ' + where : ''}] ${step}${rest ? ' ' + rest : ''}`;
}

function format(v) {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** Unread messages of a conversation: those after what this agent has read, not counting its own or lost ones. */
export function unreadCount(messages, readSeq, me) {
  return messages.filter(m => m.seq > readSeq && !m.lost && !(m.sender && m.sender.kind === 'agent' && m.sender.id === me)).length;
}

/** The page of history before the oldest loaded message: {after, limit} for GET .../messages, or null at the start. */
export function earlierPage(oldestSeq, pageSize = 50) {
  if (oldestSeq <= 1) return null;
  const after = Math.max(0, oldestSeq - 1 - pageSize);
  return {after, limit: oldestSeq - 1 - after};
}

/**
 * The gateway's WebSocket URL, as the platform wrote it into the widget page (the gateway has a port of its own, or a
 * public URL behind a proxy). Every widget page carries it; a page without it was not served by a Deskframe platform.
 */
export function streamUrl(announced) {
  if (!announced) throw new TypeError('the widget page announces no gateway URL (meta deskframe-gateway)');
  const url = new URL(announced);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new TypeError(`not a WebSocket URL: ${announced}`);
  return url;
}

/**
 * Text for a message or a cause, at most `max` characters: whitespace runs become one space, and a longer text is cut
 * at a space (never inside a URL or a word) and marked with an ellipsis.
 */
export function clip(text, max = 1000) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  if (s.length <= max) return s;
  const cut = s.lastIndexOf(' ', max);
  return `${s.slice(0, cut > 0 ? cut : max)} …`;
}

const CAUSE_CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/**
 * The catalogue-shaped cause of what getAccessToken threw, if it carries one: an error (or its `cause`) with a
 * string `code` such as 'assertion.invalid' or 'invalid_grant', a message and maybe a hint (what the integrator's
 * backend answered). Null for a plain error.
 */
export function causeOf(thrown) {
  const candidates = [thrown, thrown && thrown.cause];
  for (const c of candidates) {
    if (c && typeof c === 'object' && typeof c.code === 'string' && CAUSE_CODE.test(c.code)) {
      const cause = {code: c.code, message: clip(c.message || '')};
      if (typeof c.hint === 'string' && c.hint.trim()) cause.hint = clip(c.hint);
      return cause;
    }
  }
  return null;
}

/**
 * provider.failed for what getAccessToken threw. The cause is passed through: its code and message in the message,
 * as `cause`, and its hint (which names the fix the backend knows, such as the platform's right URL) as the hint.
 */
export function providerFailure(thrown) {
  const cause = causeOf(thrown);
  const text = cause ? `${cause.code}: ${cause.message}` : String(thrown && thrown.message || thrown);
  const p = problem('provider.failed', {reason: `threw: ${clip(text).replace(/[.\s]+$/, '')}`});
  if (cause) {
    p.cause = cause;
    if (cause.hint) p.hint = cause.hint;
  }
  return p;
}

/** How many times a widget sends a message again after the platform (not the message) failed it. */
export const SEND_RETRIES = 8;

/**
 * The wait before sending a refused message again, as it was (same client message id, which the platform stores
 * once), or null when the refusal is about the message and sending it again cannot help. `storage.unavailable` (the
 * database did not answer) and `server.restarting` say nothing was stored: 1 s, doubling, at most 30 s, for
 * SEND_RETRIES attempts (~2.5 min in all).
 */
export function sendRetryDelay(code, attempt) {
  if (code !== 'storage.unavailable' && code !== 'server.restarting') return null;
  if (!(attempt >= 0) || attempt >= SEND_RETRIES) return null;
  return Math.min(30000, 1000 * 2 ** attempt);
}

/** "22:41:13 (in 4 s)": when a retry `inMs` from `now` happens, for people. */
export function retryTime(inMs, now = Date.now()) {
  const at = new Date(now + inMs);
  const clock = at.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
  return `${clock} (in ${Math.max(1, Math.round(inMs / 1000))} s)`;
}

/**
 * A message's text as segments for the DOM: plain text, and links for http(s) URLs only ({text, href}). A URL is
 * whatever whitespace-separated word starts with http:// or https:// and parses as such a URL (trailing punctuation
 * stays text); other schemes (javascript:, data:, ...) stay text. The caller renders text as text nodes.
 */
export function linkSegments(text) {
  const out = [];
  const push = t => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && !last.href) last.text += t; else out.push({text: t});
  };
  for (const part of String(text ?? '').split(/(\s+)/)) {
    const m = /^(.*?)(https?:\/\/\S+)$/i.exec(part);
    if (!m || /[a-z0-9]$/i.test(m[1])) { push(part); continue; }
    let candidate = m[2];
    let tail = '';
    while (/[.,;:!?'"\]>]$/.test(candidate) || (candidate.endsWith(')') && !candidate.includes('('))) {
      tail = candidate.slice(-1) + tail;
      candidate = candidate.slice(0, -1);
    }
    let url = null;
    try { url = new URL(candidate); } catch { url = null; }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) { push(part); continue; }
    push(m[1]);
    out.push({text: candidate, href: url.href});
    push(tail);
  }
  return out;
}

/**
 * When a conversation last changed, in ms since the epoch: its newest known message, the server's lastActivityAt (the
 * same, from the list reply), else when it started.
 */
export function lastActivity(conv) {
  const times = [conv.lastMessageAt, conv.lastActivityAt, conv.createdAt].map(t => (t ? Date.parse(t) : NaN)).filter(t => !Number.isNaN(t));
  return times.length ? Math.max(...times) : 0;
}

/** The conversation list's order: most recent activity first; ties by id, so the order is stable. */
export function byLastActivity(a, b) {
  return lastActivity(b) - lastActivity(a) || String(a.id).localeCompare(String(b.id));
}

/**
 * Where the others stand in a conversation, from every participant's positions ({participant, delivered, read}): a
 * message of mine is read once every other participant read it, delivered once every other has it. `me` is
 * {kind, id}. Queues and the platform itself are not readers.
 */
export function othersPositions(positions, me) {
  const others = positions.filter(p => p.participant && (p.participant.kind === 'agent' || p.participant.kind === 'customer')
    && !(me && p.participant.kind === me.kind && p.participant.id === me.id));
  if (!others.length) return {delivered: 0, read: 0, readers: []};
  return {
    delivered: Math.min(...others.map(p => Math.max(p.delivered || 0, p.read || 0))),
    read: Math.min(...others.map(p => p.read || 0)),
    readers: others,
  };
}

/** A participant's name for people: its displayName, a name learnt earlier (names: key -> name), else its id. */
export function participantName(p, names = new Map()) {
  if (!p) return '';
  return p.displayName || names.get(`${p.kind}:${p.id}`) || p.id;
}

/** The transcript's order: messages by seq, each note right after the message it followed (afterSeq), notes by seq. */
export function transcriptOrder(messages, notes) {
  const items = [...messages.map(m => ({kind: 'message', at: m.seq, n: 0, item: m})),
    ...notes.map(n => ({kind: 'note', at: n.afterSeq, n: n.seq, item: n}))];
  return items.sort((a, b) => a.at - b.at || (a.kind === b.kind ? a.n - b.n : a.kind === 'message' ? -1 : 1));
}
