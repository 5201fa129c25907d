// The last figures read per scope and day, served marked stale while the metrics store is unreachable.
import type { Metrics } from '../../shared/figures.ts';
import type { MetricsReader } from './metrics.ts';
import { isStoreDown, withDeadline } from '../redis/errors.ts';

export function createSnapshotCache(reader: MetricsReader, opts: { isStoreUp: () => boolean; maxEntries?: number; deadlineMs?: number }) {
  const last = new Map<string, Metrics>();
  const maxEntries = opts.maxEntries ?? 5000;

  async function read(scope: string, day?: string): Promise<Metrics> {
    const key = `${scope}\u0000${day ?? ''}`;
    if (!opts.isStoreUp()) {
      const cached = last.get(key);
      if (cached) return { ...cached, stale: true };
    }
    try {
      const metrics = await withDeadline(reader.read(scope, day), opts.deadlineMs ?? 6000, 'figures');
      if (last.size >= maxEntries) last.delete(last.keys().next().value!);
      last.set(key, metrics);
      return metrics;
    } catch (err) {
      const cached = last.get(key);
      if (cached && isStoreDown(err)) return { ...cached, stale: true };
      throw err;
    }
  }

  return { read };
}

export type SnapshotCache = ReturnType<typeof createSnapshotCache>;
