// Scopes (CONTRACT "Reading figures"): `all`, `queue:<id>`, `team:<id>` or `agent:<id>`, the id following the id rules.
import { idProblem } from './events.ts';
import type { Scope } from './figures.ts';

type ScopeKind = 'all' | 'queue' | 'team' | 'agent';

export const SCOPE_FORMAT = 'scope must be all, queue:<id>, team:<id> or agent:<id>';

/** The kind and id of a scope, or null when it is not one. */
export function parseScope(scope: string): { kind: ScopeKind; id: string; scope: Scope } | null {
  if (scope === 'all') return { kind: 'all', id: '', scope: 'all' };
  const match = /^(queue|team|agent):([\s\S]*)$/.exec(scope);
  if (!match || idProblem(match[2]!) !== null) return null;
  return { kind: match[1] as Exclude<ScopeKind, 'all'>, id: match[2]!, scope: scope as Scope };
}
