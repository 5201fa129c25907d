// The change feed on a fake Redis: the publishing instance tells its own subscribers at once (not after a round
// trip through Redis), skips its own echo, and still hears every other instance (older ones send no `from`).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RedisClient } from '../../server/redis/connect.ts';
import { createChangeFeed, type ChangeMessage } from '../../server/socket/changes.ts';

const CHANNEL = 'wb:{c}:changes';

/** A publisher that holds each message until `deliver` (or refuses it), and a subscriber that hears what is delivered. */
function fakeRedis(opts: { refuse?: boolean } = {}) {
  const subscriber = Object.assign(new EventEmitter(), { isCluster: false, subscribe: async () => 1 });
  const held: string[] = [];
  const publisher = {
    isCluster: false,
    publish: async (_channel: string, raw: string) => {
      if (opts.refuse) throw new Error('connection is closed');
      held.push(raw);
      return 1;
    },
  };
  const deliver = (raw: string) => subscriber.emit('message', CHANNEL, raw);
  return { publisher: publisher as unknown as RedisClient, subscriber: subscriber as unknown as RedisClient, held, deliver };
}

async function startFeed(redis: ReturnType<typeof fakeRedis>) {
  const heard: string[][] = [];
  const feed = createChangeFeed({
    publisher: redis.publisher,
    subscriber: redis.subscriber,
    channel: CHANNEL,
    onChange: async (scopes) => void heard.push(scopes),
    log: () => undefined,
  });
  await feed.start();
  return { feed, heard };
}

describe('createChangeFeed', () => {
  it('tells this instance at once, before Redis relays the message, and ignores its own echo', async () => {
    const redis = fakeRedis();
    const { feed, heard } = await startFeed(redis);
    feed.publish(new Set(['all', 'queue:sales']));
    expect(heard).toEqual([['all', 'queue:sales']]);
    expect(redis.held).toHaveLength(1);
    redis.deliver(redis.held[0]!);
    expect(heard).toHaveLength(1);
  });

  it('hears the other instances, including ones that send no `from`', async () => {
    const redis = fakeRedis();
    const { heard } = await startFeed(redis);
    const other: ChangeMessage = { v: 1, scopes: ['agent:a1'], from: 'another-instance' };
    redis.deliver(JSON.stringify(other));
    redis.deliver(JSON.stringify({ v: 1, scopes: ['queue:support'] }));
    expect(heard).toEqual([['agent:a1'], ['queue:support']]);
  });

  it('still tells this instance when Redis refuses the message', async () => {
    const redis = fakeRedis({ refuse: true });
    const { feed, heard } = await startFeed(redis);
    feed.publish(new Set(['queue:billing']));
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([['queue:billing']]);
  });

  it('ignores a message that is not a change message', async () => {
    const redis = fakeRedis();
    const { heard } = await startFeed(redis);
    redis.deliver('{"v":1,"scopes":["all"],"from":7}');
    redis.deliver('not json');
    expect(heard).toEqual([]);
  });
});
