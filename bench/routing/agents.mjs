// The agents' side of the routing driver (driver.mjs): their gateway sessions, offers, accepts and closes. It runs in
// a worker thread of its own by default, so that the offer frame's arrival is stamped by an event loop that only
// serves the 50 agents, not one also busy with a thousand customers' HTTP requests and handshakes. Every time is
// process.hrtime (CLOCK_MONOTONIC), the same clock in every thread, so the customer thread can subtract its own.
//
// Messages from the driver: {op:'connect', ids, tokens:[[id, token]...]} -> {op:'connected'};
// {op:'lag-start'} / {op:'lag-stop'} -> {op:'lag', p50, p99, max}; {op:'close-all'} -> {op:'closing', closes};
// {op:'stop'}. To the driver: {op:'offer', conversation, at, agent}, {op:'accept', conversation, at}, {op:'error', code}.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openGateway, request, nowMs } from './gateway.mjs';

/** Serves the agents over {@code port} (a worker's parentPort, or one end of a MessageChannel in the driver's thread). */
export function serveAgents(port, { gateway, deskOrigin, acceptDelayMs }) {
  const agents = [];
  const assigned = new Map(); // agent -> Set(conversation)
  const offered = new Set();
  let lag = null;

  async function connect(ids, tokens) {
    for (const id of ids) {
      const conn = await openGateway(gateway, { token: tokens.get(id), widget: 'messaging', embedOrigin: deskOrigin });
      conn.agent = id;
      assigned.set(id, new Set());
      conn.handlers.add((f, at) => {
        if (f.op === 'conversation_offered') {
          if (!offered.has(f.conversation)) {
            offered.add(f.conversation);
            port.postMessage({ op: 'offer', conversation: f.conversation, at, agent: id });
          }
          setTimeout(() => {
            port.postMessage({ op: 'accept', conversation: f.conversation, at: nowMs() });
            conn.ws.send(JSON.stringify({ op: 'accept', id: `acc-${f.conversation}`, conversation: f.conversation }));
          }, acceptDelayMs);
        } else if (f.op === 'conversation_assigned' && f.id) {
          assigned.get(id).add(f.conversation);
        } else if (f.op === 'error') {
          port.postMessage({ op: 'error', code: f.code });
        }
      });
      await request(conn, { op: 'set_presence', id: 'p1', status: 'available' }, ['presence']);
      agents.push(conn);
    }
  }

  function closeAll() {
    let closes = 0;
    for (const a of agents) {
      for (const conversation of assigned.get(a.agent)) {
        a.ws.send(JSON.stringify({ op: 'close', id: `x-${conversation}`, conversation }));
        closes++;
      }
      assigned.get(a.agent).clear();
    }
    return closes;
  }

  port.on('message', async (m) => {
    switch (m.op) {
      case 'connect':
        await connect(m.ids, new Map(m.tokens));
        port.postMessage({ op: 'connected' });
        break;
      case 'lag-start':
        lag = monitorEventLoopDelay({ resolution: 5 });
        lag.enable();
        break;
      case 'lag-stop':
        lag.disable();
        port.postMessage({ op: 'lag', p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 });
        break;
      case 'close-all':
        port.postMessage({ op: 'closing', closes: closeAll() });
        break;
      case 'stop':
        for (const a of agents) a.ws.close(1000);
        port.close?.();
        break;
      default:
        throw new Error(`unknown message ${m.op}`);
    }
  });
}

if (!isMainThread && workerData?.role === 'agents') serveAgents(parentPort, workerData.config);
