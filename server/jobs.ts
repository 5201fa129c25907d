// The server's timers: the store's health and the age of the last event (the automatic banners), the
// automatic-prompt rules, escalations whose call ended, the live-call sweep, and a refresh of every screen once a minute.
import type { RedisClient } from './redis/connect.ts';
import { AUTO_DELAYED, AUTO_STORE_DOWN, type BannerBoard } from './domain/banners.ts';
import type { Clock } from './domain/clock.ts';
import type { Ingest } from './domain/ingest.ts';
import type { Log } from './logger.ts';
import type { StoreKeys } from './redis/keys.ts';
import type { LiveHub } from './socket/hub.ts';

interface JobsDeps {
  redis: RedisClient;
  keys: StoreKeys;
  banners: BannerBoard;
  hub: LiveHub;
  ingest: Ingest;
  rules: { tick(): Promise<unknown> };
  escalations: { closeEnded(): Promise<number> };
  publish: (scopes: Set<string>) => void;
  clock: Clock;
  log: Log;
  delayedAfterMs: number;
  /** Periods in ms; 0 turns a timer off. */
  every: { watch: number; rules: number; sweep: number; history: number; escalations: number };
  /** Removes the days past the history (figures and call records); returns how many keys went. */
  pruneHistory: () => Promise<number>;
  /** Archives the call log of days whose records no longer change; returns how many records moved. */
  compactCallLog: () => Promise<number>;
}

export async function startJobs(deps: JobsDeps, isStoreUp: () => boolean): Promise<{ onStoreChange(up: boolean): void; stop(): void }> {
  const { banners, hub, log } = deps;
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, job: () => Promise<unknown>, what: string) => {
    if (ms <= 0) return;
    const timer = setInterval(() => {
      if (isStoreUp()) job().catch((err: Error) => log(`${what} failed`, { error: err.message }));
    }, ms);
    timer.unref();
    timers.push(timer);
  };

  let lastBannerIds = (await banners.active()).map((b) => b.id).join(',');
  every(
    deps.every.watch,
    async () => {
      const last = Number(await deps.redis.get(deps.keys.lastEventAt));
      const delayed = last > 0 && deps.clock() - last > deps.delayedAfterMs;
      const since = new Date(last).toISOString();
      const message = `Live data delayed: no event received since ${since}`;
      const changed = banners.setAuto(AUTO_DELAYED, delayed ? { severity: 'warning', message, since } : null);
      // Manual banners that expired drop out of the active list: tell everyone when it changes.
      const ids = (await banners.active()).map((b) => b.id).join(',');
      if (changed || ids !== lastBannerIds) await hub.broadcastBanners();
      lastBannerIds = ids;
    },
    'the data watch',
  );
  every(deps.every.rules, () => deps.rules.tick(), 'rules');
  // Escalations close when their call is over; one instance at a time (a lock), the rest skip.
  every(deps.every.escalations, () => deps.escalations.closeEnded(), 'closing escalations');
  // Calls whose end never came leave the live figures (CONTRACT v2); safe on every instance (versioned applies).
  every(
    deps.every.sweep,
    async () => {
      const { expired, scopes } = await deps.ingest.sweepLiveCalls();
      if (expired > 0) log('live calls expired', { calls: expired });
      deps.publish(scopes);
      await deps.ingest.pruneIdIndex();
    },
    'the live-call sweep',
  );
  // Days past WALLBOARD_HISTORY_MONTHS, and the call log of settled days compressed: safe on every instance.
  every(
    deps.every.history,
    async () => {
      const dropped = await deps.pruneHistory();
      if (dropped > 0) log('days past the history removed', { keys: dropped });
      const archived = await deps.compactCallLog();
      if (archived > 0) log('call log archived', { records: archived });
    },
    'the history pruning',
  );
  // Day rollover and clock drift: re-send every subscribed scope once a minute.
  const refresher = setInterval(() => hub.refreshAll(), 60_000);
  refresher.unref();
  timers.push(refresher);

  return {
    onStoreChange(up) {
      log(up ? 'metrics store reachable again' : 'metrics store unreachable');
      const message = 'Metrics store unreachable: figures shown are the last known and may be stale';
      banners.setAuto(AUTO_STORE_DOWN, up ? null : { severity: 'critical', message });
      void hub.broadcastBanners();
      // Every screen gets its figures again: the last known marked stale while down, fresh ones once back.
      hub.refreshAll();
    },
    stop: () => timers.forEach(clearInterval),
  };
}
