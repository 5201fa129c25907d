// The Socket.IO server on the HTTP server, with the Redis adapter so broadcasts (banners, prompts,
// revocations) reach every instance, and the Origin check for cookie-authenticated sockets.
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { originMatches } from '../auth/origin.ts';
import type { LiveServer } from './hub.ts';

export function createSocketServer(httpServer: HttpServer, adapter: { pub: Redis; sub: Redis; key: string }): LiveServer {
  return new Server(httpServer, { adapter: createAdapter(adapter.pub, adapter.sub, { key: adapter.key }), serveClient: false });
}

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
