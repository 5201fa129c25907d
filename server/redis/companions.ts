// The commands client's companions, each with the batch scripts defined on it.
import { anotherCommandsClient, type RedisClient } from './connect.ts';
import { defineScripts } from './scripts.ts';

/**
 * Beside the commands client: a writer for durability=replica (each batch's script, then WAIT, on one connection), and
 * the health probe's own connection (Redis answering is what it asks, not how many batches wait on the commands one).
 */
export async function companionConnections(redis: RedisClient, durability: 'primary' | 'replica' | undefined) {
  const writer = durability === 'replica' ? await anotherCommandsClient(redis) : undefined;
  const prober = await anotherCommandsClient(redis);
  for (const conn of [redis, writer, prober]) if (conn) defineScripts(conn);
  return { writer, prober };
}
