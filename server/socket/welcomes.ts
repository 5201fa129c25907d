// When each socket was sent a scope's figures on subscribing: a scope's push that soon after would reach it less than
// a window after those, so the push leaves it out and the next one (a window later) brings it along.

export function createWelcomes() {
  /** scope → socket id → when it was sent its first figures (the coalescer's clock). */
  const sentAt = new Map<string, Map<string, number>>();

  function add(scope: string, id: string, at: number): void {
    (sentAt.get(scope) ?? sentAt.set(scope, new Map()).get(scope)!).set(id, at);
  }

  function remove(scope: string, id: string): void {
    const sockets = sentAt.get(scope);
    sockets?.delete(id);
    if (sockets?.size === 0) sentAt.delete(scope);
  }

  /** The sockets of `scope` welcomed after `since`; older welcomes no longer hold anything back and are dropped. */
  function since(scope: string, at: number): string[] {
    const recent: string[] = [];
    for (const [id, welcomed] of sentAt.get(scope) ?? []) {
      if (welcomed > at) recent.push(id);
      else remove(scope, id);
    }
    return recent;
  }

  /** Forgets a socket that is going (`scopes`: the scopes it was in). */
  function forget(id: string, scopes: Iterable<string>): void {
    for (const scope of scopes) remove(scope, id);
  }

  return { add, remove, since, forget };
}
