// Which live scopes a screen wants, in named groups, and what to (un)subscribe when a group changes.

interface ScopeChange {
  /** Scopes no group wanted before and one does now: subscribe. */
  added: string[];
  /** Scopes a group wanted before and none does now: unsubscribe. */
  removed: string[];
}

/** A scope wanted by two groups (an agent in two teams, say) stays subscribed until neither wants it. */
export class ScopeGroups {
  readonly #groups = new Map<string, ReadonlySet<string>>();

  /** Every scope some group wants, in the order the groups first named them. */
  wanted(): Set<string> {
    const all = new Set<string>();
    for (const scopes of this.#groups.values()) for (const scope of scopes) all.add(scope);
    return all;
  }

  has(scope: string): boolean {
    for (const scopes of this.#groups.values()) if (scopes.has(scope)) return true;
    return false;
  }

  /** Replaces a group's scopes (none: the group is dropped). */
  set(group: string, scopes: Iterable<string>): ScopeChange {
    const before = this.wanted();
    const next = new Set(scopes);
    if (next.size) this.#groups.set(group, next);
    else this.#groups.delete(group);
    const after = this.wanted();
    return { added: [...after].filter((s) => !before.has(s)), removed: [...before].filter((s) => !after.has(s)) };
  }
}
