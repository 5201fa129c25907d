// A real redis-server for the tests, in a temporary folder that goes away with it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../server/redis/embedded.ts';

export interface TestRedis extends EmbeddedRedis {
  dir: string;
  /** Stops the server and starts it again on the same port and folder (data kept). */
  restart(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'wallboard-test-redis-'));
  let current = await startEmbeddedRedis({ dir });
  return {
    dir,
    get url() {
      return current.url;
    },
    get port() {
      return current.port;
    },
    async stop() {
      await current.stop();
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await current.stop();
      current = await startEmbeddedRedis({ dir, port: current.port });
    },
  } as TestRedis;
}
