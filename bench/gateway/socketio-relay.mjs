// An in-memory Socket.IO 4 relay: the baseline the gateway's message latency and idle memory are compared with
// (issue 13). Started and stopped by bench/gateway-bench.sh (by its process id), driven by driver.mjs like the gateway.
//
//   node --expose-gc socketio-relay.mjs --port=PORT [--host=127.0.0.1 --max-seconds=3600]
//
// It authenticates nothing (the client names itself in the handshake's `auth.agent`), keeps one room per conversation,
// relays a `send` to the room's other members as a `message` with a per-conversation sequence, then acks the sender
// (Socket.IO's own acknowledgement callback). WebSocket transport only, no compression, nothing stored: the floor a
// durable gateway is measured against. GET /bench/memory runs a full GC and answers the process's memory figures, so
// the idle scenario can weigh the live heap as it does for the JVM.

import http from 'node:http';
import { Server } from 'socket.io';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) throw new Error(`bad argument ${a}`);
  return [m[1], m[2] ?? 'true'];
}));
const port = Number(args.port ?? 0);
const host = args.host ?? '127.0.0.1';

const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/bench/memory') {
    if (global.gc) global.gc();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ gc: Boolean(global.gc), connections: io.engine.clientsCount, ...process.memoryUsage() }));
    return;
  }
  res.writeHead(404).end();
});

// Heartbeat as the gateway's (a ping every 25 s); the upgrade-only transport skips the HTTP long-polling handshake.
const io = new Server(httpServer, { transports: ['websocket'], perMessageDeflate: false, serveClient: false, pingInterval: 25_000 });
const sequences = new Map(); // conversation -> last sequence number

io.on('connection', (socket) => {
  const agent = String(socket.handshake.auth?.agent ?? socket.id);
  socket.on('join', (conversation, ack) => {
    socket.join(conversation);
    if (typeof ack === 'function') ack({ conversation });
  });
  socket.on('send', (m, ack) => {
    const seq = (sequences.get(m.conversation) ?? 0) + 1;
    sequences.set(m.conversation, seq);
    socket.to(m.conversation).emit('message', {
      conversation: m.conversation, seq, sender: { id: agent }, clientMessageId: m.clientMessageId, text: m.text,
    });
    if (typeof ack === 'function') ack({ conversation: m.conversation, seq, clientMessageId: m.clientMessageId });
  });
});

httpServer.listen(port, host, () => console.log(`socket.io relay on ${host}:${httpServer.address().port}, pid ${process.pid}`));
// Bounded even if the script that started it does not stop it.
setTimeout(() => { console.error('relay: stopped after --max-seconds'); process.exit(3); }, Number(args['max-seconds'] ?? 3600) * 1000).unref();
process.on('SIGTERM', () => { io.close(); httpServer.close(); process.exit(0); });
