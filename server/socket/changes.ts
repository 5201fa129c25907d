// The change feed: which scopes' figures changed, published once per change on Redis so that every
// instance pushes to its own subscribers; the instance that made the change tells its own at once (no round
// trip through Redis) and skips its echo. One typed message, checked when it arrives. On a Cluster the
// channel is sharded (SPUBLISH/SSUBSCRIBE, Redis 7): it carries the centre's hash tag, so only the shard
// holding the centre's keys relays it, and the feed fails over with that shard.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/connect.ts';
import type { Log } from '../logger.ts';

/** What travels on the channel (version 1). */
export interface ChangeMessage {
  v: 1;
  /** Scopes (`all`, `queue:…`, `agent:…`, and `team:…` when a team's agents or queues changed) whose figures changed. */
  scopes: string[];
  /** The publishing instance (it has told its own subscribers already); absent from older instances. */
  from?: string;
}

export function createChangeFeed(deps: {
  publisher: RedisClient;
  subscriber: RedisClient;
  channel: string;
  onChange: (scopes: string[]) => Promise<void>;
  log: Log;
}) {
  const { publisher, subscriber, channel, onChange, log } = deps;
  const instance = randomUUID();
  const fanOut = (scopes: string[]) => onChange(scopes).catch((err: Error) => log('fan-out failed', { error: err.message }));

  async function start(): Promise<void> {
    const sharded = subscriber.isCluster;
    await (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel));
    subscriber.on(sharded ? 'smessage' : 'message', (from: string, raw: string) => {
      if (from !== channel) return;
      const message = parse(raw);
      if (!message) return log('change message ignored: not a change feed message');
      if (message.from !== instance) void fanOut(message.scopes);
    });
  }

  /** Tells this instance's subscribers at once, and the other instances through Redis (they miss it if Redis refuses). */
  function publish(scopes: Set<string>): void {
    if (scopes.size === 0) return;
    const message: ChangeMessage = { v: 1, scopes: [...scopes], from: instance };
    void fanOut(message.scopes);
    const raw = JSON.stringify(message);
    (publisher.isCluster ? publisher.spublish(channel, raw) : publisher.publish(channel, raw)).catch(() => undefined);
  }

  return { start, publish };
}

function parse(raw: string): ChangeMessage | null {
  try {
    const message = JSON.parse(raw) as Partial<ChangeMessage>;
    if (message.v !== 1 || !Array.isArray(message.scopes) || !message.scopes.every((s) => typeof s === 'string')) return null;
    if (message.from !== undefined && typeof message.from !== 'string') return null;
    return message as ChangeMessage;
  } catch {
    return null;
  }
}
