// Subscribers that asked for `delta: true`: what each was last sent per scope, so a push sends it only the changes
// (`metrics:delta`, shared/delta.ts). The bases are the pushed objects themselves, shared by every socket sent the
// same one: a socket costs a map entry, not a copy.
import { metricsDelta, type MetricsDelta } from '../../shared/delta.ts';
import type { Metrics } from '../../shared/figures.ts';

interface DeltaGroup {
  ids: string[];
  /** The changes from their common base, or null when they need the whole object (another day). */
  delta: MetricsDelta | null;
}

export function createDeltaSubscribers() {
  /** scope → socket id → the figures it was last sent. */
  const bases = new Map<string, Map<string, Metrics>>();
  /** socket id → its delta scopes, to forget it on disconnect. */
  const scopesOf = new Map<string, Set<string>>();

  function add(scope: string, id: string, sent: Metrics): void {
    (bases.get(scope) ?? bases.set(scope, new Map()).get(scope)!).set(id, sent);
    (scopesOf.get(id) ?? scopesOf.set(id, new Set()).get(id)!).add(scope);
  }

  function remove(scope: string, id: string): void {
    const sockets = bases.get(scope);
    sockets?.delete(id);
    if (sockets?.size === 0) bases.delete(scope);
    scopesOf.get(id)?.delete(scope);
    if (scopesOf.get(id)?.size === 0) scopesOf.delete(id);
  }

  function forget(id: string): void {
    for (const scope of [...(scopesOf.get(id) ?? [])]) remove(scope, id);
  }

  /** The delta subscribers of a scope. */
  function ids(scope: string): string[] {
    return [...(bases.get(scope)?.keys() ?? [])];
  }

  /** The messages that bring every delta subscriber of `scope` but those `held` back to `next` (one per distinct base); they now have it. */
  function advance(scope: string, next: Metrics, held: string[] = []): DeltaGroup[] {
    const sockets = bases.get(scope);
    if (!sockets) return [];
    const byBase = new Map<Metrics, string[]>();
    const skip = new Set(held);
    for (const [id, base] of sockets) {
      if (skip.has(id)) continue;
      if (base !== next) (byBase.get(base) ?? byBase.set(base, []).get(base)!).push(id);
      sockets.set(id, next);
    }
    return [...byBase].map(([base, group]) => ({ ids: group, delta: metricsDelta(base, next) }));
  }

  return { add, remove, forget, ids, advance };
}
