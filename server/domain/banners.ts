// Outage banners: manual ones (kept by the store, dropped when they expire) and automatic ones from the server's health.
import { randomUUID } from 'node:crypto';
import type { Banner, Severity } from '../../shared/socket.ts';
import { DELAYED_BANNER_ID, STORE_DOWN_BANNER_ID } from '../../shared/status.ts';
import type { BannerStore } from '../redis/bannerStore.ts';
import type { Clock } from './clock.ts';
import { withDeadline } from '../redis/errors.ts';
import { DomainError } from './errors.ts';

interface BannerInput {
  severity: Severity;
  message: string;
  queues?: string[];
  expiresAt?: string;
}

/** The automatic banners' ids; the delayed one is shared with the screens, which read the data's age off it. */
export const AUTO_DELAYED = DELAYED_BANNER_ID;
export const AUTO_STORE_DOWN = STORE_DOWN_BANNER_ID;

/** Every socket gets the whole active list on every change: a bounded list keeps that a few hundred kB at most. */
export const MAX_ACTIVE_BANNERS = 50;

export function createBannerBoard(deps: { store: BannerStore; clock: Clock }) {
  const { store, clock } = deps;
  /** The last manual banners read, for when the store is unreachable. */
  let lastManual: Banner[] = [];
  const auto = new Map<string, Banner>();

  async function raise(input: BannerInput, by: string): Promise<Banner> {
    const banner: Banner = { id: randomUUID(), ...input, createdAt: new Date(clock()).toISOString(), source: 'manual', createdBy: by };
    // The limit counts what is stored: only when it is reached are expired ones cleared and the raise tried again.
    let raised = await store.save(banner, MAX_ACTIVE_BANNERS);
    if (!raised) {
      await active();
      raised = await store.save(banner, MAX_ACTIVE_BANNERS);
    }
    if (!raised) {
      throw new DomainError('conflict', `at most ${MAX_ACTIVE_BANNERS} banners may be active at once; clear one before raising another`);
    }
    return banner;
  }

  /** Manual banners not yet expired (expired ones are cleared on the way), then the automatic ones. */
  async function active(): Promise<Banner[]> {
    try {
      const live: Banner[] = [];
      // Bounded: while a Cluster fails over a read can take seconds, and the outage banner must not wait for it.
      for (const banner of await withDeadline(store.list(), 1000, 'banners')) {
        if (banner.expiresAt && Date.parse(banner.expiresAt) <= clock()) await store.remove(banner.id, 'expiry');
        else live.push(banner);
      }
      lastManual = live.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    } catch {
      // Store unreachable: keep showing what we last knew.
    }
    return [...lastManual, ...auto.values()];
  }

  /** Sets or clears an automatic banner; returns whether that changed anything. */
  function setAuto(id: string, banner: Omit<Banner, 'id' | 'source' | 'createdAt'> | null): boolean {
    if (!banner) return auto.delete(id);
    if (auto.has(id)) return false;
    auto.set(id, { id, ...banner, source: 'auto', createdAt: new Date(clock()).toISOString() });
    return true;
  }

  return { raise, clear: store.remove, active, history: store.history, setAuto };
}

export type BannerBoard = ReturnType<typeof createBannerBoard>;
