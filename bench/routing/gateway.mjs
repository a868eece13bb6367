// Gateway sessions for the routing driver's threads (driver.mjs for customers, agents.mjs for agents).

import { WebSocket } from 'ws';

/** Milliseconds on the monotonic clock, comparable between the driver's threads. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Opens and authenticates a gateway session; resolves with {ws, handlers, ready}. Answers the server's pings. Each
 * frame is stamped on arrival, before it is parsed, and handed to every handler with that time.
 */
export function openGateway(url, authenticate) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const conn = { ws, handlers: new Set(), ready: null };
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('handshake timeout')); }, 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ op: 'authenticate', id: 'auth', ...authenticate })));
    ws.on('message', (data) => {
      const at = nowMs();
      const f = JSON.parse(data.toString());
      if (f.op === 'ping') { ws.send('{"op":"pong"}'); return; }
      if (f.op === 'ready' && !conn.ready) { clearTimeout(timer); conn.ready = f; resolve(conn); return; }
      if (f.op === 'error' && !conn.ready) { clearTimeout(timer); reject(new Error(`${f.code}: ${f.message}`)); return; }
      for (const h of conn.handlers) h(f, at);
    });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** Sends a command and resolves with its reply (one of {@code ops}, echoing the id); rejects on any other reply. */
export function request(conn, frame, ops) {
  return new Promise((resolve, reject) => {
    const h = (f) => {
      if (f.id !== frame.id) return;
      conn.handlers.delete(h);
      if (ops.includes(f.op)) resolve(f); else reject(new Error(JSON.stringify(f)));
    };
    conn.handlers.add(h);
    conn.ws.send(JSON.stringify(frame));
  });
}
