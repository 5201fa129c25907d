// The Socket.IO server on the HTTP server, with the Redis adapter so broadcasts (banners, prompts,
// revocations) reach every instance, and the Origin check for cookie-authenticated sockets.
import type { Server as HttpServer } from 'node:http';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { RedisClient } from '../redis/connect.ts';
import { withDeadline } from '../redis/errors.ts';
import { Server } from 'socket.io';
import { originMatches } from '../auth/origin.ts';
import type { LiveServer } from './hub.ts';

/**
 * On a Cluster the adapter uses sharded pub/sub (SPUBLISH): its channels start with the centre's hash tag,
 * so they live in the centre's slot and only that shard carries them, where plain PUBLISH is copied to
 * every node of the cluster.
 */
export function createSocketServer(httpServer: HttpServer, adapter: { pub: RedisClient; sub: RedisClient; key: string }): LiveServer {
  const redisAdapter = adapter.pub.isCluster
    ? createShardedAdapter(boundedPublish(adapter.pub), adapter.sub, { channelPrefix: adapter.key })
    : createAdapter(adapter.pub, adapter.sub, { key: adapter.key });
  return new Server(httpServer, { adapter: redisAdapter, serveClient: false, ...HEARTBEAT });
}

/**
 * A ping every 10 s, answered within 10 s. A screen whose link dies without its browser knowing (no `offline` event:
 * a Wi-Fi or a NAT that drops the connection silently) hears nothing more: its client gives the socket up after
 * pingInterval + pingTimeout, shows "Reconnecting…" and retries. Socket.IO's defaults (25 s + 20 s) left such a wall
 * showing frozen figures as live for up to 45 s; now at most 20 s, and the server lets go of the socket as soon.
 */
export const HEARTBEAT = { pingInterval: 10_000, pingTimeout: 10_000 };

/**
 * The sharded adapter delivers to this instance's own sockets only after its SPUBLISH answers; while the
 * centre's shard fails over that could be seconds, so the publish gets a deadline (the local delivery,
 * the outage banner first of all, goes out at once; other instances miss that one message).
 */
function boundedPublish(pub: RedisClient): RedisClient {
  return new Proxy(pub, {
    get(target, property) {
      if (property === 'spublish')
        return (channel: string, message: string | Buffer) => withDeadline(target.spublish(channel, message), PUBLISH_DEADLINE_MS, 'broadcast');
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const PUBLISH_DEADLINE_MS = 500;

/** Whether a handshake's Origin names this server; behind a trusted proxy the browser's host is in X-Forwarded-Host. */
export function sameOriginCheck(trustProxy: number | string[] | false) {
  return (headers: Record<string, string | string[] | undefined>): boolean => {
    const forwarded =
      trustProxy !== false
        ? String(headers['x-forwarded-host'] ?? '')
            .split(',')[0]
            ?.trim()
        : '';
    return originMatches(headers.origin as string | undefined, forwarded || (headers.host as string | undefined));
  };
}
