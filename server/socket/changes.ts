// The change feed: which scopes' figures changed, published once per change on Redis so that every
// instance pushes to its own subscribers. One typed message, checked when it arrives. On a Cluster the
// channel is sharded (SPUBLISH/SSUBSCRIBE, Redis 7): it carries the centre's hash tag, so only the shard
// holding the centre's keys relays it, and the feed fails over with that shard.
import type { RedisClient } from '../redis/connect.ts';
import type { Log } from '../logger.ts';

/** What travels on the channel (version 1). */
export interface ChangeMessage {
  v: 1;
  /** Scopes (`all`, `queue:…`, `agent:…`) whose figures changed. */
  scopes: string[];
}

export function createChangeFeed(deps: {
  publisher: RedisClient;
  subscriber: RedisClient;
  channel: string;
  onChange: (scopes: string[]) => Promise<void>;
  log: Log;
}) {
  const { publisher, subscriber, channel, onChange, log } = deps;

  async function start(): Promise<void> {
    const sharded = subscriber.isCluster;
    await (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel));
    subscriber.on(sharded ? 'smessage' : 'message', (from: string, raw: string) => {
      if (from !== channel) return;
      const message = parse(raw);
      if (!message) return log('change message ignored: not a change feed message');
      onChange(message.scopes).catch((err: Error) => log('fan-out failed', { error: err.message }));
    });
  }

  /** Tells every instance; straight to this instance's subscribers when Redis refuses. */
  function publish(scopes: Set<string>): void {
    if (scopes.size === 0) return;
    const message: ChangeMessage = { v: 1, scopes: [...scopes] };
    const sent = publisher.isCluster ? publisher.spublish(channel, JSON.stringify(message)) : publisher.publish(channel, JSON.stringify(message));
    sent.catch(() => onChange(message.scopes).catch(() => undefined));
  }

  return { start, publish };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;

function parse(raw: string): ChangeMessage | null {
  try {
    const message = JSON.parse(raw) as Partial<ChangeMessage>;
    if (message.v !== 1 || !Array.isArray(message.scopes) || !message.scopes.every((s) => typeof s === 'string')) return null;
    return message as ChangeMessage;
  } catch {
    return null;
  }
}
