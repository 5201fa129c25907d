// A TCP link to a loopback port that a test can break: cut it (every connection dropped, new ones refused until
// mended), as a network blip does, or stall it (nothing the target sends is passed on), as a client that stops
// reading does: the target's writes then fill the kernel's buffers and stay with it.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Link {
  port: number;
  cut(): void;
  mend(): void;
  /** Stops passing on what the target sends, on every connection open now (the other way keeps going). */
  stall(): void;
  /** Passes on again what the target sends, what it sent while stalled first. */
  unstall(): void;
  /** Resolves once something sent to the target matches `pattern` (a command on its way). */
  sent(pattern: RegExp): Promise<void>;
  close(): void;
}

export function breakableLink(target: number): Promise<Link> {
  const open = new Set<Socket>();
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const watchers = new Set<{ pattern: RegExp; seen: () => void }>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(target, '127.0.0.1');
    const pair = { client, upstream };
    const close = () => (pairs.delete(pair), client.destroy(), upstream.destroy());
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', close).on('close', () => (open.delete(s), close()));
    }
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    client.on('data', (chunk: Buffer) => {
      for (const watcher of watchers) if (watcher.pattern.test(chunk.toString('latin1'))) watcher.seen();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        cut() {
          down = true;
          for (const s of open) s.destroy();
        },
        mend() {
          down = false;
        },
        stall() {
          for (const { client, upstream } of pairs) {
            upstream.unpipe(client);
            upstream.pause();
          }
        },
        unstall() {
          for (const { client, upstream } of pairs) {
            upstream.pipe(client);
            upstream.resume();
          }
        },
        sent(pattern) {
          return new Promise((resolve) => {
            const watcher = { pattern, seen: () => (watchers.delete(watcher), resolve()) };
            watchers.add(watcher);
          });
        },
        close() {
          for (const s of open) s.destroy();
          server.close();
        },
      }),
    ),
  );
}
