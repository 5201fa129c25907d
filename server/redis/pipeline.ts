// A pipeline's replies, in order, or the first command's error: one place instead of a check in every reader.
import type { ChainableCommander } from 'ioredis';

export async function repliesOf(pipe: ChainableCommander): Promise<unknown[]> {
  return ((await pipe.exec()) ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
