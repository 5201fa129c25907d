// Fault test (npm run test:faults): two server processes on one Redis behind a load balancer (a small TCP proxy
// that sends each new connection to the first instance that answers). One instance is killed (SIGKILL) while
// screens are connected: they reconnect through the balancer, land on the other, and read exact figures.
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBenchServer, type BenchServer } from '../../bench/server.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';

/** A balancer that tries each backend in turn for every new connection, as a health-checking proxy would. */
function balancer(ports: number[]): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    const attempt = (i: number) => {
      if (i >= ports.length) return void client.destroy();
      const upstream: TcpSocket = connect(ports[i]!, '127.0.0.1');
      upstream.once('error', () => attempt(i + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        const close = () => (client.destroy(), upstream.destroy());
        upstream.on('error', close).on('close', close);
        client.on('error', close).on('close', close);
        client.pipe(upstream).pipe(client);
      });
    };
    attempt(0);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

async function post(server: BenchServer, events: unknown[]): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  return res.status;
}

describe('one of two instances killed while screens are connected', () => {
  let redis: TestRedis;
  let first: BenchServer;
  let second: BenchServer;
  let lb: { server: Server; port: number };
  const screens: Socket[] = [];
  beforeAll(async () => {
    redis = await startTestRedis();
    first = await startBenchServer({ redisUrl: redis.url });
    second = await startBenchServer({ redisUrl: redis.url });
    lb = await balancer([Number(new URL(first.url).port), Number(new URL(second.url).port)]);
  });
  afterAll(async () => {
    for (const screen of screens) screen.disconnect();
    lb?.server.close();
    await second?.stop();
    await first?.stop().catch(() => undefined);
    await redis?.stop();
  });

  it('the screens land on the other instance and read exact figures', async () => {
    const queue = 'lb-queue';
    const offered = (n: number) => Array.from({ length: n }, (_, i) => i);
    // Twenty screens through the balancer: all on the first instance, each subscribing again on every (re)connect.
    const latest = new Map<number, number>();
    // Resolved from the screens' own pushes: when every screen has read `n` offered.
    const waiting: { n: number; done: () => void }[] = [];
    const settle = () => {
      for (const w of [...waiting]) {
        if (!screens.every((_, i) => latest.get(i) === w.n)) continue;
        waiting.splice(waiting.indexOf(w), 1);
        w.done();
      }
    };
    for (const i of offered(20)) {
      const screen = io(`http://127.0.0.1:${lb.port}`, { auth: { token: first.apiToken }, transports: ['websocket'], reconnectionDelayMax: 500 });
      screen.on('connect', () => screen.emit('subscribe', { scope: `queue:${queue}` }, () => undefined));
      screen.on('metrics', (m: { scope: string; offered: number }) => {
        if (m.scope !== `queue:${queue}`) return;
        latest.set(i, m.offered);
        settle();
      });
      screens.push(screen);
    }
    const allAt = (n: number) =>
      new Promise<void>((done) => {
        waiting.push({ n, done });
        settle();
      });
    const call = (k: number) => ({ id: `lb-${k}`, type: 'call.offered', ts: Date.now() - 1000, callId: `lb-call-${k}`, queue });
    expect(await post(second, offered(5).map(call))).toBe(202);
    await allAt(5);

    process.kill(first.pid, 'SIGKILL');
    const killedAt = Date.now();
    // Events keep coming to the survivor while the screens find it.
    expect(
      await post(
        second,
        offered(5).map((k) => call(k + 5)),
      ),
    ).toBe(202);
    await allAt(10);
    console.log(`all 20 screens exact on the other instance ${Date.now() - killedAt} ms after the kill`);
    expect(
      await (await fetch(`${second.url}/api/v1/metrics?scope=queue:${queue}`, { headers: { authorization: `Bearer ${second.apiToken}` } })).json(),
    ).toMatchObject({
      offered: 10,
    });
  });
});
