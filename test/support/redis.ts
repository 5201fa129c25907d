// A real redis-server for the tests, in a temporary folder that goes away with it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../server/redis/embedded.ts';

export interface TestRedis {
  url: string;
  dir: string;
  /** Stops the server (it flushes its append-only file) and keeps the folder. */
  halt(): Promise<void>;
  /** Starts it again on the same port and folder. */
  resume(): Promise<void>;
  /** Kills it outright (SIGKILL), as a crash would, and keeps the folder. */
  crash(): Promise<void>;
  /** Stops the process (SIGSTOP): connections stay open and nothing answers, as on a hung host. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT): it runs what queued up meanwhile. */
  thaw(): void;
  /** Stops it for good and removes the folder. */
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'wallboard-test-redis-'));
  let current: EmbeddedRedis | undefined = await startEmbeddedRedis({ dir });
  const port = current.port;
  return {
    url: current.url,
    dir,
    async halt() {
      await current?.stop();
      current = undefined;
    },
    async crash() {
      await current?.crash();
      current = undefined;
    },
    async resume() {
      current = await startEmbeddedRedis({ dir, port });
    },
    freeze: () => current?.freeze(),
    thaw: () => current?.thaw(),
    async stop() {
      await current?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
