// The baseline: a bare Socket.IO server (no auth, no Redis reads), with the same Redis adapter as the wallboard when
// REDIS_URL is set. POST /emit [{ room, payload }] emits each payload to its room as `metrics`, at most 4 times a
// second a room (the contract's window: the first at once, the latest at the end of the window), as the wallboard does; `subscribe { scope }`
// joins the room `scope`; GET /api/v1/ops answers as the wallboard's does (memory, event-loop delay).
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const http = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/api/v1/ops') {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (url.searchParams.has('gc') && gc) gc();
    const memory = process.memoryUsage();
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const eventLoopDelayMs = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) };
    res.setHeader('content-type', 'application/json').end(JSON.stringify({ rss: memory.rss, heapUsed: memory.heapUsed, eventLoopDelayMs }));
    if (url.searchParams.has('reset')) loopDelay.reset();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    for (const { room, payload } of JSON.parse(Buffer.concat(chunks).toString()) as { room: string; payload: unknown }[]) throttled(room, payload);
    res.statusCode = 202;
    res.end();
  });
});
const lastSent = new Map<string, number>();
const pending = new Map<string, unknown>();
function throttled(room: string, payload: unknown): void {
  const wait = (lastSent.get(room) ?? -Infinity) + 250 - Date.now();
  if (wait <= 0) {
    lastSent.set(room, Date.now());
    io.to(room).emit('metrics', payload);
    return;
  }
  if (!pending.has(room))
    setTimeout(() => {
      lastSent.set(room, Date.now());
      io.to(room).emit('metrics', pending.get(room));
      pending.delete(room);
    }, wait);
  pending.set(room, payload);
}
const redisUrl = process.env.REDIS_URL;
const io = new Server(http, redisUrl ? { adapter: createAdapter(new Redis(redisUrl), new Redis(redisUrl), { key: 'bare' }) } : {});
io.on('connection', (socket) => {
  socket.on('subscribe', (request: { scope: string }, ack: (a: { ok: boolean }) => void) => {
    void socket.join(request.scope);
    ack({ ok: true });
  });
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`${JSON.stringify({ url: `http://localhost:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
