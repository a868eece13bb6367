// Load driver for the Deskframe WebSocket gateway. Run through bench/gateway-bench.sh, which starts the server
// (with the bench echo endpoint on), passes --base and --pid, and stops the server afterwards.
//
//   node driver.mjs handshake --base=http://127.0.0.1:PORT --gateway=ws://127.0.0.1:GWPORT/api/v2/stream [--count=1000 --concurrency=32 --rounds=2 --serial=200 --warmup-handshakes=300]
//   node driver.mjs latency   --base=... [--pairs=10 --rates=200,1000 --seconds=15 --warmup=3 --rounds=1 --prewarm=10]
//                             [--baseline=socketio --socketio=http://127.0.0.1:RELAYPORT --relay-pid=PID]
//   node driver.mjs idle      --base=... --pid=JVM_PID [--levels=10000,19500 --workers=2 --idle-seconds=60 --target=gateway|echo
//                             --concurrency=32 --first-source=2 (workers connect from 127.0.0.<first-source + i>; 0: unbound)
//                             --token-ttl=SECONDS (sets demo-backend's access-token lifetime first, to see refreshes in a short run)
//                             --refresh=false (do not answer token_expiring: sessions then end at their token's expiry)
//                             --last-idle-seconds=N (hold the last level N s instead of --idle-seconds)]
//   node driver.mjs idle      --target=socketio --socketio=http://127.0.0.1:RELAYPORT --pid=RELAY_PID [--levels=... ...]
//   node driver.mjs slowloris --base=... --pid=JVM_PID [--hostile=20000 --workers=2 --seconds=90 --baseline-seconds=15
//                             --dribble-ms=8000 --reconnect-ms=1000]
//
// Every scenario is bounded in count and time and ends by itself; results go to stdout as a table and to --out as JSON.
// Load only ever goes to the --base host, which the script sets to 127.0.0.1.

import { WebSocket } from 'ws';
import { io as socketIo } from 'socket.io-client';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fork, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(process.argv.slice(3).map((a) => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) throw new Error(`bad argument ${a}`);
  return [m[1], m[2] ?? 'true'];
}));
const scenario = process.argv[2];
const BASE = args.base ?? 'http://127.0.0.1:8080';
// The gateway listens on its own port (the 'gateway' field of /embed/v1/env); the bare echo sits on the same port.
const GATEWAY = args.gateway ?? 'ws://127.0.0.1:8090/api/v2/stream';
const ECHO = GATEWAY.replace(/\/api\/v2\/stream$/, '/api/v2/bench/echo');
// The in-memory Socket.IO 4 relay (socketio-relay.mjs), when the script started one.
const SOCKETIO = args.socketio;
const CLIENT = 'demo-backend';
const CLIENT_SECRET = `${CLIENT}-secret-0123456789abcdef`; // demo mode's fixed secret (never in production)
const SCOPES = 'messaging:read messaging:write';
const JAVA_HOME = process.env.JAVA_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// ---------------------------------------------------------------------------------------------------------------
// Tokens and agents (the integrator's side: the jwt-bearer grant, and the admin API for bench agents)

function b64url(obj) {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

function hs256Assertion(subject) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url({ alg: 'HS256', typ: 'JWT' });
  const body = b64url({ iss: CLIENT, sub: subject, aud: `${BASE}/oauth2/token`, iat: now, exp: now + 120, jti: crypto.randomUUID() });
  const sig = crypto.createHmac('sha256', CLIENT_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

async function tokenRequest(clientId, secret, params) {
  const res = await fetch(`${BASE}/oauth2/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams(params),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

function agentToken(username) {
  return tokenRequest(CLIENT, CLIENT_SECRET, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: hs256Assertion(username), scope: SCOPES,
  });
}

/** Creates bench agents bench-00000..N-1 in org demo through the admin API (demo-admin), returns their ids. */
async function createAgents(n) {
  const admin = await tokenRequest('demo-admin', 'demo-admin-secret-0123456789abcdef', { grant_type: 'client_credentials', scope: 'admin' });
  const ids = Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
  await pool(ids, 8, async (id) => {
    const res = await fetch(`${BASE}/api/v2/admin/orgs/demo/agents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ username: id, displayName: `Bench ${id}` }),
    });
    if (res.status !== 201 && res.status !== 409) throw new Error(`creating agent ${id}: ${res.status} ${await res.text()}`);
  });
  return ids;
}

/** The claims of a JWT (unchecked: the driver only reads its own token's expiry). */
function jwtClaims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

/** Sets the access-token lifetime of the driver's client (the admin API's updateClient). */
async function setTokenTtl(seconds) {
  const admin = await tokenRequest('demo-admin', 'demo-admin-secret-0123456789abcdef', { grant_type: 'client_credentials', scope: 'admin' });
  const res = await fetch(`${BASE}/api/v2/admin/orgs/demo/clients/${CLIENT}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` },
    body: JSON.stringify({ accessTokenTtlSeconds: seconds }),
  });
  if (res.status !== 200) throw new Error(`setting the token lifetime: ${res.status} ${await res.text()}`);
}

async function tokensFor(ids) {
  const out = new Array(ids.length);
  await pool(ids.map((id, i) => [id, i]), 8, async ([id, i]) => { out[i] = await agentToken(id); });
  return out;
}

async function pool(items, concurrency, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics

function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summary(samples) {
  const s = Float64Array.from(samples).sort();
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s.length ? s[s.length - 1] : NaN };
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '-');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '-');

function table(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [line(all[0]), `|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`, ...all.slice(1).map(line)].join('\n');
}

function writeOut(result) {
  if (args.out) fs.writeFileSync(args.out, JSON.stringify(result, null, 2));
}

// ---------------------------------------------------------------------------------------------------------------
// a. Handshakes: connect -> first frame -> ready, against the gateway (valid token) and the echo (no checks)

/** One handshake; resolves with the milliseconds from starting the connection to the 'ready' frame. */
function handshakeOnce(url, firstFrame, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    const t0 = nowMs();
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => { ws.terminate(); resolve({ ok: false, why: 'timeout', ms: nowMs() - t0 }); }, timeoutMs);
    ws.on('open', () => ws.send(firstFrame));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      clearTimeout(timer);
      if (f.op === 'ready') {
        const ms = nowMs() - t0;
        ws.close(1000);
        resolve({ ok: true, ms });
      } else {
        ws.terminate();
        resolve({ ok: false, why: f.code ?? f.op, ms: nowMs() - t0 });
      }
    });
    ws.on('error', (e) => { clearTimeout(timer); resolve({ ok: false, why: e.code ?? e.message, ms: nowMs() - t0 }); });
  });
}

async function handshakeRound(label, url, frames, count, concurrency) {
  const lat = [];
  const errors = {};
  let i = 0;
  const pid = Number(args.pid);
  const cpu0 = pid ? procStat(pid).cpuMs : NaN;
  const own0 = process.cpuUsage();
  const t0 = nowMs();
  await pool(Array.from({ length: count }, (_, k) => k), concurrency, async () => {
    const r = await handshakeOnce(url, frames[i++ % frames.length]);
    if (r.ok) lat.push(r.ms); else errors[r.why] = (errors[r.why] ?? 0) + 1;
  });
  const seconds = (nowMs() - t0) / 1000;
  const own = process.cpuUsage(own0);
  const serverCpuUs = pid ? ((procStat(pid).cpuMs - cpu0) * 1000) / count : NaN;
  const driverCpuUs = (own.user + own.system) / count;
  return { label, concurrency, count, seconds, perSecond: lat.length / seconds, errors, serverCpuUs, driverCpuUs, ...summary(lat) };
}

async function handshakeScenario() {
  const count = Number(args.count ?? 1000);
  const concurrency = Number(args.concurrency ?? 32);
  const rounds = Number(args.rounds ?? 2);
  const serial = Number(args.serial ?? 200);
  // 300 leaves the JIT compiling the gateway's code into the measured rounds (the echo has little to compile);
  // a longer warm-up measures the steady state.
  const warmupCount = Number(args['warmup-handshakes'] ?? 300);
  const tokens = [await agentToken('agent1'), await agentToken('agent2')];
  const gatewayFrames = tokens.map((t) => JSON.stringify({ op: 'authenticate', id: 'h1', token: t, widget: 'messaging' }));
  // The echo gets a frame of the same size (a token-shaped string it never looks at).
  const echoFrames = tokens.map((t) => JSON.stringify({ op: 'authenticate', id: 'h1', token: 'x'.repeat(t.length), widget: 'messaging' }));
  // Warm-up: class loading, JIT, pools.
  await handshakeRound('warmup', ECHO, echoFrames, warmupCount, 8);
  await handshakeRound('warmup', GATEWAY, gatewayFrames, warmupCount, 8);
  const results = [];
  for (let r = 0; r < rounds; r++) {
    // Interleaved so both see the same machine load; serial first (latency without queueing), then concurrent.
    results.push(await handshakeRound('echo', ECHO, echoFrames, serial, 1));
    results.push(await handshakeRound('gateway', GATEWAY, gatewayFrames, serial, 1));
    results.push(await handshakeRound('echo', ECHO, echoFrames, count, concurrency));
    results.push(await handshakeRound('gateway', GATEWAY, gatewayFrames, count, concurrency));
  }
  const rows = results.map((x, k) => {
    const base = x.label === 'gateway' ? results[k - 1] : null;
    return [x.label, x.concurrency, x.count, f1(x.perSecond), f1(x.p50), f1(x.p99), f1(x.max),
      base ? ratio(base.perSecond, x.perSecond) : '', base ? ratio(x.p50, base.p50) : '', base ? ratio(x.p99, base.p99) : '',
      x.serverCpuUs.toFixed(0), base ? ratio(x.serverCpuUs, base.serverCpuUs) : '', x.driverCpuUs.toFixed(0),
      Object.entries(x.errors).map(([k2, v]) => `${k2}:${v}`).join(' ') || '0'];
  });
  console.log(table(['endpoint', 'concurrency', 'handshakes', 'per s', 'p50 ms', 'p99 ms', 'max ms',
    'echo/gw rate', 'gw/echo p50', 'gw/echo p99', 'server CPU µs/hs', 'gw/echo CPU', 'driver CPU µs/hs', 'errors'], rows));
  writeOut({ scenario: 'handshake', results });
}

// ---------------------------------------------------------------------------------------------------------------
// b. Message latency at a steady rate: send -> the other agent's 'message' frame, vs. an echo round trip

/** An open, authenticated gateway connection with a frame router. */
function openGateway(token, localAddress) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(GATEWAY, { perMessageDeflate: false, localAddress });
    const conn = { ws, handlers: new Set() };
    conn.sendMessage = (conversation, id) => ws.send(JSON.stringify({ op: 'send', id, conversation, clientMessageId: id, text: TEXT }));
    conn.close = () => ws.close();
    ws.on('open', () => ws.send(JSON.stringify({ op: 'authenticate', id: 'a1', token, widget: 'messaging' })));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.op === 'ping') { ws.send('{"op":"pong"}'); return; }
      if (f.op === 'ready') { resolve(conn); return; }
      if (f.op === 'error' && !conn.ready) reject(new Error(`${f.code}: ${f.message}`));
      for (const h of conn.handlers) h(f);
    });
    ws.on('error', reject);
  });
}

function request(conn, frame, op) {
  return new Promise((resolve, reject) => {
    const h = (f) => {
      if (f.id !== frame.id) return;
      conn.handlers.delete(h);
      if (f.op === op) resolve(f); else reject(new Error(JSON.stringify(f)));
    };
    conn.handlers.add(h);
    conn.ws.send(JSON.stringify(frame));
  });
}

/**
 * A connection to the Socket.IO relay that looks like a gateway one to latencyPairs: its `message` events and the
 * acknowledgement callback of each `send` reach the handlers as the gateway's `message` and `ack` frames would.
 */
function openSocketIo(agent) {
  return new Promise((resolve, reject) => {
    const socket = socketIo(SOCKETIO, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { agent } });
    const conn = { socket, agent, handlers: new Set() };
    const deliver = (f) => { for (const h of conn.handlers) h(f); };
    conn.sendMessage = (conversation, id) => socket.emit('send', { id, conversation, clientMessageId: id, text: TEXT },
      (a) => deliver({ op: 'ack', ...a }));
    conn.close = () => socket.disconnect();
    socket.on('message', (m) => deliver({ op: 'message', ...m }));
    socket.once('connect', () => resolve(conn));
    socket.once('connect_error', reject);
  });
}

function openEcho() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(ECHO, { perMessageDeflate: false });
    const conn = { ws, handlers: new Set() };
    ws.on('open', () => ws.send('{"op":"authenticate"}'));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.op === 'ping') return;
      if (f.op === 'ready') { resolve(conn); return; }
      for (const h of conn.handlers) h(f);
    });
    ws.on('error', reject);
  });
}

/** Calls send(k) at `rate` per second for `seconds`, on a 2 ms tick. */
async function steady(rate, seconds, send) {
  const t0 = nowMs();
  let sent = 0;
  const total = Math.round(rate * seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - t0) / 1000) * rate));
    while (sent < due) send(sent++);
    await sleep(2);
  }
  return (nowMs() - t0) / 1000;
}

const TEXT = 'x'.repeat(100); // a short chat line

let seqNo = 0; // client message ids must be unique across phases: a reused one is (rightly) stored once, as a duplicate

/** Pairs of the gateway or of the Socket.IO relay, both sides sending in turn; `pid` is the server's process. */
async function latencyPairs(label, pid, pairs, rate, seconds, warmup) {
  const sentAt = new Map();
  const lat = [];
  const ackLat = [];
  const received = new Map(); // clientMessageId -> times received by the other side
  let errors = 0;
  let measuring = false;
  let measured = 0;
  let outOfOrder = 0;
  for (const p of pairs) {
    p.lastSeq = { a: 0, b: 0 };
    for (const side of ['a', 'b']) {
      p[side].handlers.clear();
      p[side].handlers.add((f) => {
        if (f.op === 'message' && f.sender.id !== p[side].agent) {
          const t = sentAt.get(f.clientMessageId);
          if (t === undefined) return;
          if (f.seq <= p.lastSeq[side]) outOfOrder++;
          p.lastSeq[side] = f.seq;
          received.set(f.clientMessageId, (received.get(f.clientMessageId) ?? 0) + 1);
          if (t.measured) lat.push(nowMs() - t.at);
        } else if (f.op === 'ack') {
          const t = sentAt.get(f.clientMessageId);
          if (t?.measured) ackLat.push(nowMs() - t.at);
        } else if (f.op === 'error') {
          errors++;
        }
      });
    }
  }
  const sendOne = (k) => {
    const p = pairs[k % pairs.length];
    const from = Math.floor(k / pairs.length) % 2 === 0 ? p.a : p.b;
    const id = `m${seqNo++}`;
    if (measuring) measured++;
    sentAt.set(id, { at: nowMs(), measured: measuring, pair: `${k % pairs.length}${from === p.a ? 'a' : 'b'}` });
    from.sendMessage(p.conversation, id);
  };
  await steady(rate, warmup, sendOne);
  measuring = true;
  const cpu0 = pid ? procStat(pid).cpuMs : NaN;
  const took = await steady(rate, seconds, sendOne);
  const serverCpuUsPerMsg = pid ? ((procStat(pid).cpuMs - cpu0) * 1000) / measured : NaN;
  const deadline = nowMs() + 5000;
  while (nowMs() < deadline && [...sentAt.keys()].some((id) => !received.has(id))) await sleep(50);
  let lost = 0;
  let dup = 0;
  const lostBy = {};
  for (const [id, t] of sentAt) {
    const n = received.get(id) ?? 0;
    if (n === 0) { lost++; lostBy[t.pair] = (lostBy[t.pair] ?? 0) + 1; }
    if (n > 1) dup += n - 1;
  }
  if (lost > 0) console.log(`unreceived by sender: ${JSON.stringify(lostBy)}`);
  return { label, rate, achieved: measured / took, serverCpuUsPerMsg, errors, lost, duplicated: dup, outOfOrder,
    ack: summary(ackLat), ...summary(lat) };
}

async function latencyEcho(conns, rate, seconds, warmup) {
  const lat = [];
  let measuring = false;
  let n = 0;
  const sentAt = new Map();
  for (const c of conns) {
    c.handlers.clear();
    c.handlers.add((f) => {
      const t = sentAt.get(f.clientMessageId);
      if (t === undefined) return;
      sentAt.delete(f.clientMessageId);
      if (t.measured) lat.push(nowMs() - t.at);
    });
  }
  const sendOne = (k) => {
    const c = conns[k % conns.length];
    const id = `e${n++}`;
    sentAt.set(id, { at: nowMs(), measured: measuring });
    c.ws.send(JSON.stringify({ op: 'send', id, conversation: 'c_0123456789', clientMessageId: id, text: TEXT }));
  };
  await steady(rate, warmup, sendOne);
  measuring = true;
  const before = n;
  const cpu0 = args.pid ? procStat(Number(args.pid)).cpuMs : NaN;
  const took = await steady(rate, seconds, sendOne);
  const serverCpuUsPerMsg = args.pid ? ((procStat(Number(args.pid)).cpuMs - cpu0) * 1000) / (n - before) : NaN;
  const deadline = nowMs() + 5000;
  while (nowMs() < deadline && sentAt.size > 0) await sleep(50);
  return { label: 'echo', rate, achieved: (n - before) / took, serverCpuUsPerMsg, errors: 0, lost: sentAt.size, duplicated: 0, outOfOrder: 0, ...summary(lat) };
}

async function latencyScenario() {
  const nPairs = Number(args.pairs ?? 10);
  const rates = (args.rates ?? '200,1000').split(',').map(Number);
  const seconds = Number(args.seconds ?? 15);
  const warmup = Number(args.warmup ?? 3);
  const rounds = Number(args.rounds ?? 1);
  const withSocketIo = args.baseline === 'socketio';
  if (withSocketIo && !(SOCKETIO && args['relay-pid'])) throw new Error('--baseline=socketio needs --socketio=URL and --relay-pid=PID');
  const ids = await createAgents(nPairs * 2);
  const tokens = await tokensFor(ids);
  const pairs = [];
  for (let i = 0; i < nPairs; i++) {
    const a = await openGateway(tokens[2 * i]);
    const b = await openGateway(tokens[2 * i + 1]);
    a.agent = ids[2 * i];
    b.agent = ids[2 * i + 1];
    const c = await request(a, { op: 'start_conversation', id: `c${i}`, agents: [b.agent] }, 'conversation');
    pairs.push({ a, b, conversation: c.conversation.id });
  }
  // The relay's pairs: the same agents' names, one room per conversation that both sides join.
  const relayPairs = [];
  if (withSocketIo) {
    for (let i = 0; i < nPairs; i++) {
      const a = await openSocketIo(ids[2 * i]);
      const b = await openSocketIo(ids[2 * i + 1]);
      const conversation = `c_sio_${i}`;
      await Promise.all([a, b].map((s) => s.socket.emitWithAck('join', conversation)));
      relayPairs.push({ a, b, conversation });
    }
  }
  const echo = [];
  for (let i = 0; i < nPairs * 2; i++) echo.push(await openEcho());
  // JIT and pools first, unmeasured: otherwise the first rate of a run is mostly the JVM's warm-up.
  const prewarm = Number(args.prewarm ?? 10);
  if (prewarm > 0) {
    await latencyEcho(echo, rates[0], prewarm, 0);
    if (withSocketIo) await latencyPairs('socketio', Number(args['relay-pid']), relayPairs, rates[0], prewarm, 0);
    await latencyPairs('gateway', Number(args.pid), pairs, rates[0], prewarm, 0);
  }
  const results = [];
  const add = (r) => {
    results.push(r);
    console.log(`  round ${r.round} ${r.label} ${r.rate}/s: p50 ${f1(r.p50)} p99 ${f1(r.p99)} max ${f1(r.max)} ms, lost ${r.lost}`
      + ` (load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  };
  // Rounds and rates interleave the endpoints so that all see the same machine load.
  for (let round = 1; round <= rounds; round++) {
    for (const rate of rates) {
      add({ round, ...await latencyEcho(echo, rate, seconds, warmup) });
      if (withSocketIo) add({ round, ...await latencyPairs('socketio', Number(args['relay-pid']), relayPairs, rate, seconds, warmup) });
      add({ round, ...await latencyPairs('gateway', Number(args.pid), pairs, rate, seconds, warmup) });
    }
  }
  const rows = results.map((x) => {
    const of = (label) => (x.label === 'gateway' ? results.find((y) => y.round === x.round && y.rate === x.rate && y.label === label) : null);
    const echoRow = of('echo');
    const sio = of('socketio');
    return [x.label, x.round, x.rate, f1(x.achieved), x.n, f1(x.p50), f1(x.p90), f1(x.p99), f1(x.max),
      echoRow ? ratio(x.p50, echoRow.p50) : '', echoRow ? ratio(x.p99, echoRow.p99) : '',
      ...(withSocketIo ? [sio ? ratio(x.p50, sio.p50) : '', sio ? ratio(x.p99, sio.p99) : ''] : []),
      x.ack ? `${f1(x.ack.p50)} / ${f1(x.ack.p99)}` : '', x.serverCpuUsPerMsg.toFixed(0), `${x.lost}/${x.duplicated}/${x.outOfOrder}/${x.errors}`];
  });
  console.log(`${nPairs} pairs of agents, one conversation each, both sides sending in turn; ${seconds} s measured per rate after ${warmup} s warm-up;`
    + ` 100-character text; ${rounds} round(s)`);
  console.log(table(['endpoint', 'round', 'rate /s', 'achieved /s', 'messages', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'gw/echo p50', 'gw/echo p99',
    ...(withSocketIo ? ['gw/sio p50', 'gw/sio p99'] : []), 'ack p50 / p99 ms', 'server CPU µs/msg', 'lost/dup/order/err'], rows));
  for (const p of [...pairs, ...relayPairs]) { p.a.close(); p.b.close(); }
  for (const c of echo) c.ws.close();
  writeOut({ scenario: 'latency', pairs: nPairs, seconds, warmup, rounds, baseline: withSocketIo ? 'socketio' : 'echo', results });
}

// ---------------------------------------------------------------------------------------------------------------
// c. Idle sessions: heap, RSS and CPU per connection at several levels, connections held by worker processes

function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]);
  const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
  return { cpuMs: ticks * 10, rssKb: kb('VmRSS'), threads, fds };
}

function jcmd(pid, ...command) {
  return execFileSync(`${JAVA_HOME}/bin/jcmd`, [String(pid), ...command], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

/** Live heap after a full GC (the class histogram forces one), plus the histogram itself for diffing. */
function heap(pid) {
  jcmd(pid, 'GC.run');
  const hist = jcmd(pid, 'GC.class_histogram');
  const total = /^Total\s+(\d+)\s+(\d+)/m.exec(hist);
  const info = jcmd(pid, 'GC.heap_info');
  const used = /used (\d+)K/.exec(info);
  const committed = /committed (\d+)K/.exec(info);
  const classes = new Map();
  for (const m of hist.matchAll(/^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/gm)) classes.set(m[3], { count: Number(m[1]), bytes: Number(m[2]) });
  return { liveBytes: Number(total[2]), usedKb: Number(used?.[1]), committedKb: Number(committed?.[1]), classes, histogram: hist };
}

/** The relay's live heap after a full GC (it runs with --expose-gc); Node has no class histogram, so none to diff. */
async function relayHeap() {
  const res = await fetch(`${SOCKETIO}/bench/memory`);
  const m = await res.json();
  if (!m.gc) throw new Error('the relay must run with node --expose-gc');
  return { liveBytes: m.heapUsed, usedKb: m.heapUsed / 1024, committedKb: m.heapTotal / 1024, classes: new Map(), histogram: '', external: m.external };
}

function histogramDiff(before, after, n, top = 25) {
  const rows = [];
  for (const [name, a] of after.classes) {
    const b = before.classes.get(name) ?? { count: 0, bytes: 0 };
    rows.push({ name, count: a.count - b.count, bytes: a.bytes - b.bytes });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  return { total, perConnection: total / n, top: rows.slice(0, top).map((r) => ({ ...r, perConnection: r.bytes / n, countPerConnection: r.count / n })) };
}

/** Counts by key, added up (the workers' reports). */
function sumCounts(a, b) {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

class Workers {
  constructor(n, target, tokens, agents, perAgent) {
    this.workers = Array.from({ length: n }, (_, w) => {
      const child = fork(fileURLToPath(import.meta.url), ['worker', `--base=${BASE}`, `--gateway=${GATEWAY}`,
        ...(SOCKETIO ? [`--socketio=${SOCKETIO}`] : [])], { stdio: 'inherit' });
      // Each worker binds a source address of its own (127.0.0.<first-source + w>). --first-source=0 binds none: the
      // kernel then picks 127.0.0.1 and a port per destination. Ports taken by an explicit bind are barred from every
      // other connect() on the machine, so several nodes' worth of bound sockets (gateway-nodes.sh) would leave other
      // loopback clients (tests, other benches) "Cannot assign requested address"; unbound, each node's ~19.5k
      // connections use ports of its own gateway port's range and share them with every other destination.
      const first = Number(args['first-source'] ?? 2);
      child.send({ type: 'init', index: w, of: n, target, tokens, agents, perAgent, refresh: args.refresh !== 'false', localAddress: first > 0 ? `127.0.0.${w + first}` : undefined });
      return child;
    });
  }

  call(type, extra = {}) {
    return Promise.all(this.workers.map((child, w) => new Promise((resolve) => {
      const onMsg = (m) => { if (m.type === `${type}:done`) { child.off('message', onMsg); resolve(m); } };
      child.on('message', onMsg);
      child.send({ type, ...extra, worker: w });
    })));
  }

  /** Opens connections until `total` are held across the workers; returns the summed worker reports. */
  async openTo(total) {
    const reports = await this.call('open', { total });
    return reports.reduce((s, r) => ({ open: s.open + r.open, failed: s.failed + r.failed, errors: sumCounts(s.errors, r.errors),
      handshakeMs: s.handshakeMs.concat(r.handshakeMs) }), { open: 0, failed: 0, errors: {}, handshakeMs: [] });
  }

  async status() {
    const reports = await this.call('status');
    return reports.reduce((s, r) => ({ open: s.open + r.open, closedByServer: s.closedByServer + r.closedByServer, pings: s.pings + r.pings,
      closeCodes: sumCounts(s.closeCodes, r.closeCodes), refreshed: s.refreshed + r.refreshed, refreshFailures: sumCounts(s.refreshFailures, r.refreshFailures),
      tokensFetched: s.tokensFetched + r.tokensFetched }),
    { open: 0, closedByServer: 0, pings: 0, closeCodes: {}, refreshed: 0, refreshFailures: {}, tokensFetched: 0 });
  }

  async stop() {
    await this.call('close');
    for (const w of this.workers) w.kill();
  }
}

async function idleScenario() {
  const pid = Number(args.pid);
  if (!pid) throw new Error('--pid=<server JVM pid> is required');
  const levels = (args.levels ?? '10000,19500').split(',').map(Number);
  const target = args.target ?? 'gateway';
  const workersN = Number(args.workers ?? 2);
  const idleSeconds = Number(args['idle-seconds'] ?? 60);
  // The last level may be held longer (the 10-minute hold after the cost-of-growth levels, in one run).
  const lastIdleSeconds = Number(args['last-idle-seconds'] ?? idleSeconds);
  const perAgent = Number(args['per-agent'] ?? 10);
  const max = Math.max(...levels);
  let tokens = [];
  let ids = [];
  const t0 = nowMs();
  if (target === 'gateway') {
    if (args['token-ttl']) await setTokenTtl(Number(args['token-ttl']));
    ids = await createAgents(Math.ceil(max / perAgent));
    tokens = await tokensFor(ids);
    console.log(`${ids.length} agents and tokens ready in ${((nowMs() - t0) / 1000).toFixed(1)} s (${perAgent} connections per agent)`);
  }
  // The JVM is weighed by its class histogram, the Socket.IO relay by its own heap figures after a GC.
  const weigh = target === 'socketio' ? relayHeap : async (p) => heap(p);
  const workers = new Workers(workersN, target, tokens, ids, perAgent);
  // Warm-up: the same path as the measured connections (class loading, JIT), then closed again.
  await workers.openTo(Math.min(400, max));
  await workers.call('close');
  await sleep(3000);
  const base = { ...procStat(pid), heap: await weigh(pid) };
  const histDir = args.out ? args.out.replace(/\.json$/, '') : null;
  if (histDir) { fs.mkdirSync(histDir, { recursive: true }); fs.writeFileSync(`${histDir}/histogram-0.txt`, base.heap.histogram); }
  console.log(`baseline: live heap ${(base.heap.liveBytes / 1048576).toFixed(1)} MiB (committed ${(base.heap.committedKb / 1024).toFixed(0)} MiB), RSS ${(base.rssKb / 1024).toFixed(1)} MiB, ${base.threads} threads, ${base.fds} fds`);
  const results = [];
  let previous = 0;
  for (const level of levels) {
    const before = procStat(pid);
    const tOpen = nowMs();
    const opened = await workers.openTo(level);
    const openSeconds = (nowMs() - tOpen) / 1000;
    const afterOpen = procStat(pid);
    const accepted = opened.open - previous;
    previous = opened.open;
    await sleep(5000);
    const idleStart = procStat(pid);
    const tIdle = nowMs();
    await sleep((level === levels[levels.length - 1] ? lastIdleSeconds : idleSeconds) * 1000);
    const idleEnd = procStat(pid);
    const idleWall = (nowMs() - tIdle) / 1000;
    const st = await workers.status();
    const h = await weigh(pid);
    const after = procStat(pid);
    const n = opened.open;
    const diff = histogramDiff(base.heap, h, n, 80);
    if (histDir) {
      fs.writeFileSync(`${histDir}/histogram-${n}.txt`, h.histogram);
      fs.writeFileSync(`${histDir}/histogram-diff-${n}.json`, JSON.stringify(diff, null, 2));
    }
    const r = {
      target, requested: level, open: n, failed: opened.failed, errors: opened.errors, stillOpenAfterIdle: st.open, closedByServer: st.closedByServer,
      // since the workers started: the close codes of server-side closes, and the in-place token refreshes
      closeCodes: st.closeCodes, refreshed: st.refreshed, refreshFailures: st.refreshFailures, tokensFetched: st.tokensFetched,
      pingsAnswered: st.pings, openSeconds, connectsPerSecond: accepted / openSeconds,
      // connect -> ready of each connection this level opened (up to --concurrency at a time per worker)
      handshakeMs: summary(opened.handshakeMs),
      heapPerConnBytes: (h.liveBytes - base.heap.liveBytes) / n,
      rssPerConnBytes: ((after.rssKb - base.rssKb) * 1024) / n,
      // RSS outside the Java heap: what the process holds besides the heap G1 chose to commit (direct buffers, etc.).
      nonHeapRssPerConnBytes: ((after.rssKb - base.rssKb - (h.committedKb - base.heap.committedKb)) * 1024) / n,
      committedHeapMiB: h.committedKb / 1024,
      idleCpuUsPerConnPerS: ((idleEnd.cpuMs - idleStart.cpuMs) * 1000) / idleWall / n,
      cpuUsPerAcceptedConn: ((afterOpen.cpuMs - before.cpuMs) * 1000) / accepted,
      liveHeapMiB: h.liveBytes / 1048576, rssMiB: after.rssKb / 1024, threads: after.threads, fds: after.fds, idleSeconds: idleWall,
      topClasses: diff.top.slice(0, 12),
    };
    results.push(r);
    console.log(`${target} ${n} open (${opened.failed} failed, ${st.closedByServer} closed by the server, ${st.open} still open after ${idleWall.toFixed(0)} s idle): `
      + `heap ${(r.heapPerConnBytes / 1024).toFixed(2)} KB/conn, RSS ${(r.rssPerConnBytes / 1024).toFixed(2)} KB/conn `
      + `(outside the heap ${(r.nonHeapRssPerConnBytes / 1024).toFixed(2)}), `
      + `idle CPU ${r.idleCpuUsPerConnPerS.toFixed(2)} µs/s/conn, accept ${r.cpuUsPerAcceptedConn.toFixed(0)} µs CPU/conn, ${r.connectsPerSecond.toFixed(0)} conn/s, `
      + `handshake p50 ${f1(r.handshakeMs.p50)} p99 ${f1(r.handshakeMs.p99)} ms; `
      + `${r.refreshed} tokens refreshed in place (${JSON.stringify(r.refreshFailures)} refused), server close codes ${JSON.stringify(r.closeCodes)}`);
    console.log('  largest heap growth per connection (bytes): ' + diff.top.slice(0, 10)
      .map((c) => `${c.name} ${c.perConnection.toFixed(0)} (${c.countPerConnection.toFixed(2)}×)`).join(', '));
  }
  await workers.stop();
  console.log(table(['stack', 'connections', 'failed', 'heap KB/conn', 'RSS KB/conn', 'RSS outside heap KB/conn', 'idle CPU µs/s/conn',
    'CPU µs/accepted conn', 'conn/s', 'handshake p50 ms', 'handshake p99 ms', 'live heap MiB', 'committed heap MiB', 'RSS MiB'],
  results.map((r) => [target, r.open, r.failed + r.closedByServer, (r.heapPerConnBytes / 1024).toFixed(2), (r.rssPerConnBytes / 1024).toFixed(2),
    (r.nonHeapRssPerConnBytes / 1024).toFixed(2), r.idleCpuUsPerConnPerS.toFixed(2), r.cpuUsPerAcceptedConn.toFixed(0), r.connectsPerSecond.toFixed(0),
    f1(r.handshakeMs.p50), f1(r.handshakeMs.p99),
    r.liveHeapMiB.toFixed(1), r.committedHeapMiB.toFixed(0), r.rssMiB.toFixed(1)])));
  writeOut({ scenario: 'idle', target, baseline: { liveBytes: base.heap.liveBytes, committedKb: base.heap.committedKb, rssKb: base.rssKb, threads: base.threads, fds: base.fds }, results });
}

// A worker process: holds its share of idle connections, answers pings, and refreshes each session's token in place when
// the gateway pushes token_expiring, as the embed client does (a new token from the integrator's side, then `refresh`).
function worker() {
  let cfg;
  const conns = new Set();
  let closedByServer = 0;
  let pings = 0;
  const closeCodes = {};
  let refreshed = 0;
  const refreshFailures = {};
  let tokensFetched = 0;
  // Per agent, its newest token (shared by its connections, as a token broker caches one) and a fetch under way.
  const newest = new Map();
  const fetching = new Map();
  let fetchesRunning = 0;
  const freshToken = async (a, expiringAtMs) => {
    const have = newest.get(a);
    if (have && have.expMs > expiringAtMs) return have.token;
    if (!fetching.has(a)) {
      fetching.set(a, (async () => {
        // a few token requests at a time per worker: the warnings of one agent's sessions come together
        while (fetchesRunning >= 4) await sleep(20);
        fetchesRunning++;
        try {
          const token = await agentToken(cfg.agents[a]);
          tokensFetched++;
          newest.set(a, { token, expMs: jwtClaims(token).exp * 1000 });
          return token;
        } finally { fetchesRunning--; fetching.delete(a); }
      })());
    }
    return fetching.get(a);
  };
  let index = 0; // how many this worker has opened so far (its k-th connection has global number k*of + index)
  // A Socket.IO client: connected is ready (the relay checks nothing); engine.io answers the relay's pings itself.
  const openSocketIo1 = (g) => new Promise((resolve) => {
    const socket = socketIo(SOCKETIO, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000,
      auth: { agent: `idle-${g}` }, localAddress: cfg.localAddress });
    const ws = { closingByUs: false, close: () => socket.disconnect(), terminate: () => socket.disconnect() };
    socket.once('connect', () => {
      conns.add(ws);
      socket.io.engine.on('ping', () => { pings++; });
      resolve('ok');
    });
    socket.once('connect_error', (e) => resolve(e.message));
    socket.on('disconnect', () => { if (conns.delete(ws) && !ws.closingByUs) closedByServer++; });
  });
  const open1 = (g) => (cfg.target === 'socketio' ? openSocketIo1(g) : openWs1(g));
  const openWs1 = (g) => new Promise((resolve) => {
    const url = { gateway: GATEWAY, echo: ECHO }[cfg.target];
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress: cfg.localAddress });
    const timer = setTimeout(() => { ws.terminate(); resolve('timeout'); }, 30_000);
    let ready = false;
    ws.on('open', () => {
      const frame = cfg.target === 'gateway'
        ? { op: 'authenticate', id: 'a1', token: cfg.tokens[Math.floor(g / cfg.perAgent)], widget: 'messaging' }
        : { op: 'authenticate' };
      ws.send(JSON.stringify(frame));
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"op":"ping"')) { pings++; ws.send('{"op":"pong"}'); return; }
      const f = JSON.parse(text);
      if (f.op === 'ready' && !ready) { ready = true; clearTimeout(timer); conns.add(ws); resolve('ok'); }
      else if (f.op === 'error' && !ready) { clearTimeout(timer); ws.terminate(); resolve(f.code); }
      else if (f.op === 'token_expiring' && cfg.refresh) {
        freshToken(Math.floor(g / cfg.perAgent), Date.parse(f.expiresAt))
          .then((token) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ op: 'refresh', id: 'r1', token })); })
          .catch((e) => { refreshFailures[e.message] = (refreshFailures[e.message] ?? 0) + 1; });
      } else if (f.op === 'refreshed') refreshed++;
      else if (f.op === 'error' && f.id === 'r1') refreshFailures[f.code] = (refreshFailures[f.code] ?? 0) + 1;
    });
    ws.on('close', (code) => { if (conns.delete(ws) && !ws.closingByUs) { closedByServer++; closeCodes[code] = (closeCodes[code] ?? 0) + 1; } });
    ws.on('error', (e) => { if (!ready) { clearTimeout(timer); resolve(e.code ?? e.message); } });
  });
  process.on('message', async (m) => {
    if (m.type === 'init') { cfg = m; return; }
    if (m.type === 'open') {
      const share = Math.floor(m.total / cfg.of) + (cfg.index < m.total % cfg.of ? 1 : 0);
      const errors = {};
      let failed = 0;
      const todo = [];
      while (index < share) todo.push(index++ * cfg.of + cfg.index);
      const handshakeMs = [];
      await pool(todo, Number(args.concurrency ?? 32), async (g) => {
        const t = nowMs();
        const r = await open1(g);
        if (r !== 'ok') { failed++; errors[r] = (errors[r] ?? 0) + 1; } else handshakeMs.push(nowMs() - t);
      });
      process.send({ type: 'open:done', open: conns.size, failed, errors, handshakeMs });
    } else if (m.type === 'status') {
      process.send({ type: 'status:done', open: conns.size, closedByServer, pings, closeCodes, refreshed, refreshFailures, tokensFetched });
    } else if (m.type === 'close') {
      for (const ws of conns) { ws.closingByUs = true; ws.close(1000); }
      const deadline = Date.now() + 20_000;
      while (conns.size > 0 && Date.now() < deadline) await sleep(100);
      for (const ws of conns) ws.terminate();
      conns.clear();
      index = 0;
      process.send({ type: 'close:done' });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// d. Slowloris: hostile connections that never finish their upgrade request, from two worker processes with source
// addresses of their own (127.0.0.2, 127.0.0.3), while a normal client from 127.0.0.1 measures /actuator/health (a new
// connection each time, as a load balancer's probe) and a full gateway handshake (connect -> authenticate -> ready).

const UPGRADE_REQUEST = (path) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
  + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Padding: ' + 'x'.repeat(200) + '\r\n\r\n');

/** GET /actuator/health on a connection of its own; resolves with { ok, ms, status | why }. */
function healthOnce(timeoutMs = 10_000) {
  return new Promise((resolve) => {
    const u = new URL(`${BASE}/actuator/health`);
    const t0 = nowMs();
    let done = false;
    const finish = (r) => { if (!done) { done = true; resolve(r); } };
    const req = http.get({ host: u.hostname, port: u.port, path: u.pathname, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode === 200 ? { ok: true, ms: nowMs() - t0 } : { ok: false, why: `HTTP ${res.statusCode}`, ms: nowMs() - t0 }));
    });
    req.on('timeout', () => { req.destroy(); finish({ ok: false, why: 'timeout', ms: nowMs() - t0 }); });
    req.on('error', (e) => finish({ ok: false, why: e.code ?? e.message, ms: nowMs() - t0 }));
  });
}

/** Runs fn() back to back, at most once per `everyMs`, until `until()`; collects ok latencies and failures by reason. */
async function probeLoop(fn, everyMs, until) {
  const lat = [];
  const all = []; // answered or not: the time until the client knew
  const failures = {};
  while (!until()) {
    const t0 = nowMs();
    const r = await fn();
    if (r.ok) lat.push(r.ms); else failures[r.why] = (failures[r.why] ?? 0) + 1;
    all.push(r.ms ?? nowMs() - t0);
    const wait = everyMs - (nowMs() - t0);
    if (wait > 0) await sleep(wait);
  }
  return { ...summary(lat), failures, failed: Object.values(failures).reduce((a, b) => a + b, 0), untilKnown: summary(all) };
}

class HostileWorkers {
  constructor(n, perWorker, opts) {
    this.workers = Array.from({ length: n }, (_, w) => {
      const child = fork(fileURLToPath(import.meta.url), ['hostile', `--base=${BASE}`, `--gateway=${GATEWAY}`], { stdio: 'inherit' });
      child.send({ type: 'init', count: perWorker, localAddress: `127.0.0.${w + 2}`, ...opts });
      return child;
    });
  }

  call(type) {
    return Promise.all(this.workers.map((child) => new Promise((resolve) => {
      const onMsg = (m) => { if (m.type === `${type}:done`) { child.off('message', onMsg); resolve(m); } };
      child.on('message', onMsg);
      child.send({ type });
    })));
  }

  async status() {
    const all = await this.call('status');
    const sum = { open: 0, connecting: 0, connects: 0, answers: {}, closedWithoutAnswer: 0, errors: {} };
    for (const r of all) {
      sum.open += r.open; sum.connecting += r.connecting; sum.connects += r.connects; sum.closedWithoutAnswer += r.closedWithoutAnswer;
      for (const [k, v] of Object.entries(r.answers)) sum.answers[k] = (sum.answers[k] ?? 0) + v;
      for (const [k, v] of Object.entries(r.errors)) sum.errors[k] = (sum.errors[k] ?? 0) + v;
    }
    return sum;
  }

  async stop() {
    await this.call('stop');
    for (const w of this.workers) w.kill();
  }
}

async function slowlorisScenario() {
  const pid = Number(args.pid);
  if (!pid) throw new Error('--pid=<server JVM pid> is required');
  const hostile = Number(args.hostile ?? 20000);
  const workersN = Number(args.workers ?? 2);
  const seconds = Number(args.seconds ?? 90);
  const baselineSeconds = Number(args['baseline-seconds'] ?? 15);
  const opts = { dribbleMs: Number(args['dribble-ms'] ?? 8000), reconnectMs: Number(args['reconnect-ms'] ?? 1000),
    concurrency: Number(args.concurrency ?? 256) };
  const token = await agentToken('agent1');
  const frame = JSON.stringify({ op: 'authenticate', id: 'h1', token, widget: 'messaging' });
  const handshake = () => handshakeOnce(GATEWAY, frame, 10_000);
  // Warm-up: class loading and JIT on both paths.
  for (let i = 0; i < 50; i++) { await healthOnce(); await handshake(); }

  const phase = async (label, phaseSeconds, sampler) => {
    const end = nowMs() + phaseSeconds * 1000;
    const until = () => nowMs() >= end;
    const cpu0 = procStat(pid).cpuMs;
    const samples = [];
    const sampling = (async () => {
      while (!until()) {
        await sleep(5000);
        const st = procStat(pid);
        const s = { t: Math.round(phaseSeconds - (end - nowMs()) / 1000), fds: st.fds, threads: st.threads, ...(sampler ? await sampler() : {}) };
        samples.push(s);
        console.log(`  ${label} +${s.t}s: server fds ${s.fds}` + (s.hostile ? `, hostile open ${s.hostile.open} (connecting ${s.hostile.connecting}),`
          + ` connects ${s.hostile.connects}, answers ${JSON.stringify(s.hostile.answers)}, closed without answer ${s.hostile.closedWithoutAnswer},`
          + ` errors ${JSON.stringify(s.hostile.errors)}` : ''));
      }
    })();
    const [health, hs] = await Promise.all([probeLoop(healthOnce, 200, until), probeLoop(handshake, 500, until), sampling]);
    const cpu = procStat(pid).cpuMs - cpu0;
    return { label, seconds: phaseSeconds, health, handshake: hs, serverCpuPercent: (cpu / (phaseSeconds * 1000)) * 100,
      maxFds: Math.max(procStat(pid).fds, ...samples.map((x) => x.fds)), samples };
  };

  const results = [];
  console.log(`baseline: ${baselineSeconds} s without hostile connections`);
  results.push(await phase('baseline', baselineSeconds));
  console.log(`attack: ${hostile} hostile connections from ${workersN} processes (1 byte of the upgrade request every ${opts.dribbleMs} ms,`
    + ` reconnect ${opts.reconnectMs} ms after the server closes one), measured for ${seconds} s from the start of the ramp`);
  const workers = new HostileWorkers(workersN, Math.ceil(hostile / workersN), opts);
  await workers.call('start');
  results.push(await phase('attack', seconds, async () => ({ hostile: await workers.status() })));
  const last = await workers.status();
  await workers.stop();
  await sleep(3000);
  results.push(await phase('after', Math.min(baselineSeconds, 15)));

  console.log('Answered probes only (p50/p99/max); "failed" probes by reason; "p99 all" includes the failed ones at the time they took to fail.');
  console.log(table(['phase', 'health n', 'health p50 ms', 'health p99 ms', 'health max ms', 'health failed', 'health p99 all',
    'handshake n', 'handshake p50 ms', 'handshake p99 ms', 'handshake max ms', 'handshake failed', 'handshake p99 all',
    'server fds max', 'server CPU %'],
  results.map((r) => [r.label, r.health.n, f1(r.health.p50), f1(r.health.p99), f1(r.health.max),
    `${r.health.failed} ${JSON.stringify(r.health.failures)}`, f1(r.health.untilKnown.p99), r.handshake.n, f1(r.handshake.p50),
    f1(r.handshake.p99), f1(r.handshake.max), `${r.handshake.failed} ${JSON.stringify(r.handshake.failures)}`,
    f1(r.handshake.untilKnown.p99), r.maxFds, r.serverCpuPercent.toFixed(0)])));
  const peakOpen = Math.max(...results[1].samples.map((x) => x.hostile?.open ?? 0));
  console.log(`hostile: ${last.connects} connects, peak ${peakOpen} open at once; server answers ${JSON.stringify(last.answers)};`
    + ` closed without an answer ${last.closedWithoutAnswer}; errors ${JSON.stringify(last.errors)}`);
  writeOut({ scenario: 'slowloris', hostile, workers: workersN, opts, results, hostileTotals: last, peakHostileOpen: peakOpen });
}

// A hostile worker: keeps `count` connections that send their upgrade request one byte every `dribbleMs` and never
// read; when the server closes one, it connects again after `reconnectMs`. Counts what the server answered.
function hostile() {
  let cfg;
  let running = false;
  const sockets = new Set();
  let connecting = 0;
  let connects = 0;
  let closedWithoutAnswer = 0;
  const answers = {};
  const errors = {};
  let request;
  const open1 = () => {
    if (!running) return;
    connecting++;
    connects++;
    const sock = net.connect({ host: new URL(BASE).hostname, port: Number(new URL(GATEWAY).port), localAddress: cfg.localAddress });
    let sent = 0;
    let answer = null;
    let timer = null;
    let connected = false;
    sock.setNoDelay(true);
    sock.on('connect', () => {
      connected = true;
      connecting--;
      sockets.add(sock);
      const drip = () => {
        if (sent < request.length) sock.write(request.subarray(sent, ++sent));
        timer = setTimeout(drip, cfg.dribbleMs);
      };
      drip();
    });
    sock.on('data', (d) => { if (answer === null) answer = d.toString('latin1', 0, 12); });
    sock.on('error', (e) => { errors[e.code ?? e.message] = (errors[e.code ?? e.message] ?? 0) + 1; });
    sock.on('close', () => {
      clearTimeout(timer);
      if (!connected) connecting--;
      sockets.delete(sock);
      if (connected) {
        if (answer === null) closedWithoutAnswer++;
        else { const k = answer.slice(9, 12); answers[k] = (answers[k] ?? 0) + 1; }
      }
      if (running) setTimeout(open1, cfg.reconnectMs * (0.5 + Math.random()));
    });
  };
  process.on('message', async (m) => {
    if (m.type === 'init') { cfg = m; request = UPGRADE_REQUEST('/api/v2/stream'); return; }
    if (m.type === 'start') {
      running = true;
      process.send({ type: 'start:done' });
      // Ramp: at most `concurrency` connects in flight.
      for (let i = 0; i < cfg.count && running; i++) {
        while (connecting >= cfg.concurrency && running) await sleep(5);
        open1();
      }
    } else if (m.type === 'status') {
      process.send({ type: 'status:done', open: sockets.size, connecting, connects, answers, closedWithoutAnswer, errors });
    } else if (m.type === 'stop') {
      running = false;
      for (const s of sockets) s.destroy();
      process.send({ type: 'stop:done' });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------

const scenarios = { handshake: handshakeScenario, latency: latencyScenario, idle: idleScenario, slowloris: slowlorisScenario, worker, hostile };
if (!scenarios[scenario]) {
  console.error(`usage: driver.mjs <${Object.keys(scenarios).filter((s) => s !== 'worker' && s !== 'hostile').join('|')}> --base=URL [options]`);
  process.exit(2);
}
// An idle run holds each level for its idle window on top of the set-up (a 10-minute hold on a loaded machine).
const hardLimit = Number(args['max-seconds'] ?? (1200 + (scenario === 'idle'
  ? Number(args['idle-seconds'] ?? 60) * (args.levels ?? '10000,19500').split(',').length + Number(args['last-idle-seconds'] ?? 0) : 0)));
if (scenario !== 'worker' && scenario !== 'hostile') setTimeout(() => { console.error(`stopped: over ${hardLimit} s`); process.exit(3); }, hardLimit * 1000).unref();
await scenarios[scenario]();
if (scenario !== 'worker' && scenario !== 'hostile') process.exit(0);
