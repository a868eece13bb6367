// Load driver for Deskframe's routing: customers through the real guest-session path, agents through the gateway.
// Run through bench/routing-bench.sh, which starts the server, passes --base/--gateway/--pid and the bootstrap admin
// client's credentials, and stops the server afterwards.
//
//   node driver.mjs --base=http://127.0.0.1:PORT --gateway=ws://127.0.0.1:GWPORT/api/v2/stream --pid=JVM_PID
//                   --admin-id=ID --admin-secret=SECRET
//                   [--agents=50 --capacity=20 --customers=1000 --rates=10,50,100 --accept-delay-ms=1000
//                    --warmup=200 --timeout-ms=30000 --agents-thread=worker --idle-seconds=0]
//
// Setup, all through the admin API as an operator would: organisation `bench`, queue `bench-q`, N agents with
// capacity C who are members of it, an OAuth client for the agents' tokens (jwt-bearer), a messenger deployment on
// the customers' origin. The agents connect (messaging widget), set themselves available and accept every offer after
// --accept-delay-ms (a person's reaction, so the customer's socket is open by then). Then, per rate: --customers new
// customers at a fixed arrival rate, each POST /api/v2/guest/sessions (Origin: the deployment's origin), then the
// gateway (messenger widget), then its first message. Measured per customer:
//   offer:  the session request sent -> conversation_offered at an agent (the conversation enters the queue with the
//           session request: no message is needed for routing to start)
//   joined: the agent's accept sent -> agent_joined at the customer
//   session: the session request's round trip; first message: send -> ack (durable)
// A customer whose offer (or agent_joined) did not come within --timeout-ms counts as lost. Between rates the agents
// close every conversation, so each rate starts with every agent's capacity free. Bounded in count and time.
//
// Threads (--agents-thread=worker, the default): the agents run in a worker thread of their own (agents.mjs), so the
// offer is stamped when it reaches an event loop that serves only agents; with --agents-thread=main they share the
// customers' loop (as before 2026-12-07), and a frame waits there behind the customers' work. Each thread's loop lag
// is reported, and so is how late the customers' requests went out against their schedule ("start delay"): an offer
// is timed from the request actually sent, so a late start would hide time; the delay shows whether it did.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import { openGateway as open, request, nowMs } from './gateway.mjs';
import { serveAgents } from './agents.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) throw new Error(`bad argument ${a}`);
  return [m[1], m[2] ?? 'true'];
}));
const BASE = args.base ?? 'http://127.0.0.1:8080';
const GATEWAY = args.gateway ?? 'ws://127.0.0.1:8090/api/v2/stream';
const ADMIN_ID = args['admin-id'];
const ADMIN_SECRET = args['admin-secret'];
const N_AGENTS = Number(args.agents ?? 50);
const CAPACITY = Number(args.capacity ?? 20);
const N_CUSTOMERS = Number(args.customers ?? 1000);
const RATES = (args.rates ?? '10,50,100').split(',').map(Number);
const ACCEPT_DELAY_MS = Number(args['accept-delay-ms'] ?? 1000);
const WARMUP = Number(args.warmup ?? 200);
const TIMEOUT_MS = Number(args['timeout-ms'] ?? 30_000);
const PID = args.pid ? Number(args.pid) : null;
const AGENTS_THREAD = args['agents-thread'] ?? 'worker';
const IDLE_SECONDS = Number(args['idle-seconds'] ?? 0);
if (!['worker', 'main'].includes(AGENTS_THREAD)) throw new Error(`--agents-thread is worker or main, not ${AGENTS_THREAD}`);

const ORG = 'bench';
const QUEUE = 'bench-q';
const DEPLOYMENT = 'bench-web';
const CUSTOMER_ORIGIN = 'http://customers.bench.example';
const DESK_ORIGIN = 'http://desk.bench.example';
const CLIENT = 'bench-backend';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const openGateway = (authenticate) => open(GATEWAY, authenticate);

// ---------------------------------------------------------------------------------------------------------------
// HTTP: admin API and tokens

async function call(method, path, token, body, expect = [200, 201, 204]) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
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

function hs256Assertion(secret, subject) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ iss: CLIENT, sub: subject, aud: `${BASE}/oauth2/token`, iat: now, exp: now + 120, jti: crypto.randomUUID() });
  return `${head}.${body}.${crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** The organisation, queue, agents, OAuth client and messenger deployment; returns the agents' ids and their tokens. */
async function setUp() {
  const admin = await tokenRequest(ADMIN_ID, ADMIN_SECRET, { grant_type: 'client_credentials', scope: 'admin' });
  await call('POST', '/api/v2/admin/orgs', admin, { id: ORG, name: 'Routing bench' });
  await call('POST', `/api/v2/admin/orgs/${ORG}/queues`, admin, { id: QUEUE, name: 'Bench queue' });
  const ids = Array.from({ length: N_AGENTS }, (_, i) => `bench-a${String(i).padStart(3, '0')}`);
  await pool(ids, 4, async (id) => {
    await call('POST', `/api/v2/admin/orgs/${ORG}/agents`, admin, { username: id, displayName: `Agent ${id}` });
    await call('PUT', `/api/v2/admin/orgs/${ORG}/agents/${id}/routing`, admin, { capacity: CAPACITY });
    await call('PUT', `/api/v2/admin/orgs/${ORG}/queues/${QUEUE}/members/${id}`, admin);
  });
  const client = await call('POST', `/api/v2/admin/orgs/${ORG}/clients`, admin, {
    clientId: CLIENT, grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
    allowedScopes: ['messaging:read', 'messaging:write', 'presence'], allowedEmbeddingOrigins: [DESK_ORIGIN],
    capabilities: ['embed'], accessTokenTtlSeconds: 3600, forAssertions: true,
  });
  await call('POST', `/api/v2/admin/orgs/${ORG}/messenger-deployments`, admin, {
    id: DEPLOYMENT, name: 'Bench messenger', allowedOrigins: [CUSTOMER_ORIGIN], queue: QUEUE, greeting: 'Hi! How can we help?',
  });
  const tokens = new Map();
  await pool(ids, 4, async (id) => {
    tokens.set(id, await tokenRequest(CLIENT, client.clientSecret, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: hs256Assertion(client.clientSecret, id),
      scope: 'messaging:read messaging:write presence',
    }));
  });
  return { ids, tokens };
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics

function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(samples) {
  const s = Float64Array.from(samples).sort();
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s.length ? s[s.length - 1] : NaN };
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '-');

function table(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [line(all[0]), `|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`, ...all.slice(1).map(line)].join('\n');
}

function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
}

const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

// ---------------------------------------------------------------------------------------------------------------
// The run

/** conversation -> what happened to it; offers can arrive before the session request's answer names the conversation. */
const offers = new Map(); // conversation -> {at, agent}
const joined = new Map(); // conversation -> at (agent_joined at the customer)
const accepts = new Map(); // conversation -> at (accept sent)
let errorFrames = 0;
const errorCodes = {};

/**
 * The agents' side (agents.mjs) in a worker thread or in this one; returns a port to it and a way to wait for its next
 * reply of one kind. Offers, accepts and errors it reports are filed as they come.
 */
function startAgents() {
  const config = { gateway: GATEWAY, deskOrigin: DESK_ORIGIN, acceptDelayMs: ACCEPT_DELAY_MS };
  let port;
  let worker = null;
  if (AGENTS_THREAD === 'worker') {
    worker = new Worker(new URL('./agents.mjs', import.meta.url), { workerData: { role: 'agents', config } });
    worker.on('error', (e) => { console.error('agents thread failed:', e); process.exit(1); });
    port = worker;
  } else {
    const channel = new MessageChannel();
    serveAgents(channel.port2, config);
    port = channel.port1;
  }
  const waiting = new Map(); // op -> resolve
  port.on('message', (m) => {
    if (m.op === 'offer') { if (!offers.has(m.conversation)) offers.set(m.conversation, { at: m.at, agent: m.agent }); }
    else if (m.op === 'accept') accepts.set(m.conversation, m.at);
    else if (m.op === 'error') { errorFrames++; errorCodes[m.code] = (errorCodes[m.code] ?? 0) + 1; }
    else { waiting.get(m.op)?.(m); waiting.delete(m.op); }
  });
  const ask = (message, replyOp) => new Promise((resolve) => {
    if (replyOp) waiting.set(replyOp, resolve);
    port.postMessage(message);
    if (!replyOp) resolve();
  });
  const stop = async () => {
    await ask({ op: 'stop' });
    if (worker) { await sleep(200); await worker.terminate(); } else { port.close(); }
  };
  return { ask, stop };
}

/** One customer: session, gateway, first message. Resolves with its own figures; never throws. */
async function customer(k, label, scheduledAt) {
  const c = { k, label, startedAt: nowMs() };
  c.startDelayMs = c.startedAt - scheduledAt;
  try {
    const res = await fetch(`${BASE}/api/v2/guest/sessions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Origin: CUSTOMER_ORIGIN },
      body: JSON.stringify({ deployment: DEPLOYMENT }),
    });
    const body = await res.json();
    c.sessionMs = nowMs() - c.startedAt;
    if (res.status !== 201) { c.failed = `session ${res.status} ${body.code ?? ''}`; return c; }
    c.conversation = body.conversation;
    const conn = await openGateway({ token: body.token, widget: 'messenger', embedOrigin: CUSTOMER_ORIGIN });
    c.conn = conn;
    c.readyAt = nowMs();
    conn.handlers.add((f, at) => {
      if (f.op === 'agent_joined' && !joined.has(f.conversation)) joined.set(f.conversation, at);
      else if (f.op === 'error') { errorFrames++; errorCodes[f.code] = (errorCodes[f.code] ?? 0) + 1; }
    });
    const sentAt = nowMs();
    await request(conn, { op: 'send', id: 's1', conversation: c.conversation, clientMessageId: `first-${label}-${k}`, text: 'Hello, I need help with my order.' }, ['ack']);
    c.ackMs = nowMs() - sentAt;
  } catch (e) {
    c.failed = e.message;
  }
  return c;
}

async function runRate(agents, rate, count, label) {
  const cpu0 = PID ? cpuMs(PID) : NaN;
  const load0 = loadAverage();
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  if (AGENTS_THREAD === 'worker') await agents.ask({ op: 'lag-start' });
  const t0 = nowMs();
  const pending = [];
  let started = 0;
  while (started < count) {
    const due = Math.min(count, Math.floor(((nowMs() - t0) / 1000) * rate) + 1);
    while (started < due) { pending.push(customer(started, label, t0 + (started * 1000) / rate)); started++; }
    await sleep(2);
  }
  const arrivalSeconds = (nowMs() - t0) / 1000;
  const customers = await Promise.all(pending);
  // Offers and agent_joined frames still on their way.
  const deadline = nowMs() + TIMEOUT_MS;
  const done = () => customers.every((c) => c.failed || (offers.has(c.conversation) && joined.has(c.conversation)));
  while (nowMs() < deadline && !done()) await sleep(50);
  lag.disable();
  // With the agents in this thread, its lag is theirs too.
  const agentsLag = AGENTS_THREAD === 'worker' ? await agents.ask({ op: 'lag-stop' }, 'lag') : null;
  const cpu = PID ? cpuMs(PID) - cpu0 : NaN;
  const load1 = loadAverage();
  const offer = [];
  const join = [];
  let lostOffers = 0;
  let lostJoins = 0;
  let joinedBeforeReady = 0;
  const failed = {};
  for (const c of customers) {
    if (c.failed) { failed[c.failed] = (failed[c.failed] ?? 0) + 1; continue; }
    const o = offers.get(c.conversation);
    if (o) offer.push(o.at - c.startedAt); else lostOffers++;
    const j = joined.get(c.conversation);
    const a = accepts.get(c.conversation);
    if (j !== undefined && a !== undefined) join.push(j - a);
    else if (a !== undefined) { lostJoins++; if (a < c.readyAt) joinedBeforeReady++; }
  }
  const perAgent = new Map();
  for (const c of customers) {
    const o = offers.get(c.conversation);
    if (o) perAgent.set(o.agent, (perAgent.get(o.agent) ?? 0) + 1);
  }
  const spread = [...perAgent.values()];
  return {
    label, rate, customers: count, achievedRate: count / arrivalSeconds, failed, lostOffers, lostJoins, joinedBeforeReady,
    offer: summary(offer), joined: summary(join),
    session: summary(customers.filter((c) => c.sessionMs !== undefined).map((c) => c.sessionMs)),
    firstMessageAck: summary(customers.filter((c) => c.ackMs !== undefined).map((c) => c.ackMs)),
    offersPerAgent: { agents: spread.length, min: Math.min(...spread), max: Math.max(...spread) },
    serverCpuMsPerCustomer: cpu / count, loadAverageBefore: load0, loadAverageAfter: load1,
    agentsThread: AGENTS_THREAD,
    startDelay: summary(customers.map((c) => c.startDelayMs)),
    driverLoopDelayMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    agentsLoopDelayMs: agentsLag && { p50: agentsLag.p50, p99: agentsLag.p99, max: agentsLag.max },
    errorFrames, errorCodes: { ...errorCodes },
    _customers: customers,
  };
}

/** Every agent closes what it was assigned; waits until the customers were told, so the next rate starts from zero load. */
async function closeAll(agents, customers) {
  const ended = new Set();
  for (const c of customers) {
    c.conn?.handlers.add((f) => { if (f.op === 'conversation_ended') ended.add(f.conversation); });
  }
  const { closes } = await agents.ask({ op: 'close-all' }, 'closing');
  const deadline = nowMs() + 60_000;
  while (nowMs() < deadline && ended.size < closes) await sleep(50);
  for (const c of customers) c.conn?.ws.close(1000);
  return { closes, ended: ended.size };
}

async function main() {
  if (!ADMIN_ID || !ADMIN_SECRET) throw new Error('--admin-id and --admin-secret are required (routing-bench.sh passes them)');
  const { ids, tokens } = await setUp();
  const agents = startAgents();
  await agents.ask({ op: 'connect', ids, tokens: [...tokens] }, 'connected');
  console.log(`${N_AGENTS} agents connected and available (capacity ${CAPACITY} each, in the ${AGENTS_THREAD} thread), `
    + `accepting after ${ACCEPT_DELAY_MS} ms`);
  const results = [];
  let idle = null;
  if (IDLE_SECONDS > 0 && PID) {
    // What the server costs with its agents connected and nothing arriving: a cost per deployment, not per customer.
    const cpu0 = cpuMs(PID);
    const load0 = loadAverage();
    await sleep(IDLE_SECONDS * 1000);
    idle = { seconds: IDLE_SECONDS, serverCpuMsPerSecond: (cpuMs(PID) - cpu0) / IDLE_SECONDS, loadAverageBefore: load0, loadAverageAfter: loadAverage() };
    console.log(`idle: ${N_AGENTS} agents connected, nothing arriving, ${IDLE_SECONDS} s: server CPU ${f1(idle.serverCpuMsPerSecond)} ms per second`
      + ` (load ${load0[0]} -> ${idle.loadAverageAfter[0]})`);
  }
  if (WARMUP > 0) {
    const w = await runRate(agents, 50, WARMUP, 'warmup');
    console.log(`warm-up: ${WARMUP} customers at 50/s, offer p50 ${f1(w.offer.p50)} ms, p99 ${f1(w.offer.p99)} ms`);
    await closeAll(agents, w._customers);
  }
  for (const rate of RATES) {
    const r = await runRate(agents, rate, N_CUSTOMERS, `r${rate}`);
    const closed = await closeAll(agents, r._customers);
    delete r._customers;
    r.closed = closed;
    results.push(r);
    console.log(`rate ${rate}/s done: offer p99 ${f1(r.offer.p99)} ms, lost ${r.lostOffers}, closed ${closed.ended}/${closed.closes}`);
  }
  const rows = results.map((r) => [r.rate, f1(r.achievedRate), r.offer.n, f1(r.offer.p50), f1(r.offer.p90), f1(r.offer.p99), f1(r.offer.max),
    `${r.lostOffers}`, `${f1(r.joined.p50)} / ${f1(r.joined.p99)}`, `${r.lostJoins}`, `${f1(r.session.p50)} / ${f1(r.session.p99)}`,
    `${f1(r.firstMessageAck.p50)} / ${f1(r.firstMessageAck.p99)}`, `${r.offersPerAgent.min}-${r.offersPerAgent.max}`,
    f1(r.serverCpuMsPerCustomer), `${r.loadAverageBefore[0]} → ${r.loadAverageAfter[0]}`,
    `${f1(r.driverLoopDelayMs.p99)} / ${r.agentsLoopDelayMs ? f1(r.agentsLoopDelayMs.p99) : 'same'}`, f1(r.startDelay.p99),
    Object.entries(r.failed).map(([k, v]) => `${k}:${v}`).join(' ') || '0']);
  console.log(`${N_CUSTOMERS} customers per rate, ${N_AGENTS} agents; offer = session request sent -> conversation_offered at the agent`);
  console.log(table(['rate /s', 'achieved /s', 'offers', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'lost', 'joined p50 / p99 ms', 'lost joined',
    'session p50 / p99 ms', '1st msg ack p50 / p99 ms', 'offers per agent', 'server CPU ms/customer', 'load 1m',
    'lag p99 ms customers / agents', 'start delay p99 ms', 'failed'], rows));
  await agents.stop();
  if (args.out) fs.writeFileSync(args.out, JSON.stringify({ agents: N_AGENTS, capacity: CAPACITY, customers: N_CUSTOMERS, acceptDelayMs: ACCEPT_DELAY_MS, agentsThread: AGENTS_THREAD, idle, results }, null, 2));
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
