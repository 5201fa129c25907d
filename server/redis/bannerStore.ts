// Manual banners in Redis: the active ones (a hash) and their history (a capped stream).
import type { RedisClient } from './connect.ts';
import type { Banner } from '../../shared/socket.ts';
import type { BannerHistoryEntry } from '../../shared/wire.ts';
import type { StoreKeys } from './keys.ts';

const HISTORY_LENGTH = '10000';

export function createBannerStore(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis } = deps;
  const { active: activeKey, history: historyKey } = deps.keys.banners;

  /** Stores a new banner unless `maxActive` are active already (lua/raiseBanner.lua); false when it was not stored. */
  async function save(banner: Banner, maxActive: number): Promise<boolean> {
    return (await redis.raiseBanner(activeKey, historyKey, banner.id, JSON.stringify(banner), maxActive, HISTORY_LENGTH)) === 1;
  }

  /** Removes an active banner; false when there was none with that id. */
  async function remove(id: string, by: string): Promise<boolean> {
    const raw = await redis.hget(activeKey, id);
    if (!raw) return false;
    await redis.multi().hdel(activeKey, id).xadd(historyKey, 'MAXLEN', '~', HISTORY_LENGTH, '*', 'action', 'cleared', 'banner', raw, 'by', by).exec();
    return true;
  }

  async function list(): Promise<Banner[]> {
    return Object.values(await redis.hgetall(activeKey)).map((raw) => JSON.parse(raw) as Banner);
  }

  async function history(limit = 200): Promise<BannerHistoryEntry[]> {
    const entries = await redis.xrevrange(historyKey, '+', '-', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
      const at = new Date(Number(id.split('-')[0])).toISOString();
      const by = map.get('by');
      return { at, action: map.get('action') ?? '', banner: JSON.parse(map.get('banner') ?? '{}') as Banner, ...(by ? { by } : {}) };
    });
  }

  return { save, remove, list, history };
}

export type BannerStore = ReturnType<typeof createBannerStore>;
