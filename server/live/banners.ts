// Outage banners: manual ones in Redis (with a history), automatic ones derived from the server's health.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Banner, Severity } from '../../shared/socket.ts';

export interface BannerInput {
  severity: Severity;
  message: string;
  queues?: string[];
  expiresAt?: string;
}

export const AUTO_DELAYED = 'auto:data-delayed';
export const AUTO_STORE_DOWN = 'auto:store-unreachable';

export function createBannerStore(deps: { redis: Redis; prefix: string; now?: () => number }) {
  const { redis } = deps;
  const now = deps.now ?? Date.now;
  const key = { active: `${deps.prefix}banners`, history: `${deps.prefix}banners:history` };
  /** The last manual banners read, for when the store is unreachable. */
  let lastManual: Banner[] = [];
  const auto = new Map<string, Banner>();

  async function raise(input: BannerInput, by: string): Promise<Banner> {
    const banner: Banner = { id: randomUUID(), ...input, createdAt: new Date(now()).toISOString(), source: 'manual', createdBy: by };
    await redis
      .multi()
      .hset(key.active, banner.id, JSON.stringify(banner))
      .xadd(key.history, 'MAXLEN', '~', '10000', '*', 'action', 'raised', 'banner', JSON.stringify(banner))
      .exec();
    return banner;
  }

  async function clear(id: string, by: string): Promise<boolean> {
    const raw = await redis.hget(key.active, id);
    if (!raw) return false;
    await redis.multi().hdel(key.active, id).xadd(key.history, 'MAXLEN', '~', '10000', '*', 'action', 'cleared', 'banner', raw, 'by', by).exec();
    return true;
  }

  /** Manual banners not yet expired (expired ones are cleared on the way), then the automatic ones. */
  async function active(): Promise<Banner[]> {
    try {
      const all = Object.values(await redis.hgetall(key.active)).map((raw) => JSON.parse(raw) as Banner);
      const live: Banner[] = [];
      for (const banner of all) {
        if (banner.expiresAt && Date.parse(banner.expiresAt) <= now()) await clear(banner.id, 'expiry');
        else live.push(banner);
      }
      lastManual = live.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    } catch {
      // Store unreachable: keep showing what we last knew.
    }
    return [...lastManual, ...auto.values()];
  }

  async function history(limit = 200): Promise<{ at: string; action: string; banner: Banner; by?: string }[]> {
    const entries = await redis.xrevrange(key.history, '+', '-', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const map: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) map[fields[i]!] = fields[i + 1]!;
      const at = new Date(Number(id.split('-')[0])).toISOString();
      return { at, action: map.action ?? '', banner: JSON.parse(map.banner ?? '{}') as Banner, ...(map.by ? { by: map.by } : {}) };
    });
  }

  /** Sets or clears an automatic banner; returns whether that changed anything. */
  function setAuto(id: string, banner: Omit<Banner, 'id' | 'source' | 'createdAt'> | null): boolean {
    if (!banner) return auto.delete(id);
    if (auto.has(id)) return false;
    auto.set(id, { id, ...banner, source: 'auto', createdAt: new Date(now()).toISOString() });
    return true;
  }

  return { raise, clear, active, history, setAuto };
}

export type BannerStore = ReturnType<typeof createBannerStore>;
