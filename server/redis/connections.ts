// The Redis connections besides the commands one, and closing any of them politely.
import type { Redis } from 'ioredis';

/**
 * Connections for the Socket.IO adapter (publish and subscribe) and the change feed. These queue while
 * Redis is away (no retry limit), so a broadcast during an outage waits instead of failing.
 */
export function backgroundConnections(redis: Redis): { adapterPub: Redis; adapterSub: Redis; changes: Redis; all: Redis[] } {
  const options = { enableOfflineQueue: true, maxRetriesPerRequest: null };
  const adapterPub = redis.duplicate(options);
  const adapterSub = redis.duplicate(options);
  const changes = redis.duplicate(options);
  const all = [adapterPub, adapterSub, changes];
  for (const conn of all) conn.on('error', () => undefined);
  return { adapterPub, adapterSub, changes, all };
}

/** Closes a connection politely (QUIT), or cuts it after a second when the store does not answer. */
export async function closeConnection(conn: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([conn.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
  clearTimeout(timer);
  conn.disconnect();
}
