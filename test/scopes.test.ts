// The client's scope groups: what a screen subscribes and unsubscribes when what it shows changes.
import { describe, expect, it } from 'vitest';
import { ScopeGroups } from '../client/src/lib/scopes.ts';

const team = (id: string, agents: string[]) => [`team:${id}`, ...agents.map((a) => `agent:${a}`)];

describe('ScopeGroups', () => {
  it('subscribes a new group and nothing again when it is set to the same scopes', () => {
    const groups = new ScopeGroups();
    expect(groups.set('team', team('red', ['r1', 'r2']))).toEqual({ added: ['team:red', 'agent:r1', 'agent:r2'], removed: [] });
    expect(groups.set('team', team('red', ['r1', 'r2']))).toEqual({ added: [], removed: [] });
  });

  it("unsubscribes the old team and its agents when the group switches team, and subscribes the new one's", () => {
    const groups = new ScopeGroups();
    groups.set('team', team('red', ['r1', 'r2']));
    expect(groups.set('team', team('blue', ['b1']))).toEqual({ added: ['team:blue', 'agent:b1'], removed: ['team:red', 'agent:r1', 'agent:r2'] });
    expect([...groups.wanted()]).toEqual(['team:blue', 'agent:b1']);
  });

  it('keeps an agent in both teams subscribed across the switch', () => {
    const groups = new ScopeGroups();
    groups.set('team', team('red', ['r1', 'shared']));
    expect(groups.set('team', team('blue', ['shared', 'b1']))).toEqual({ added: ['team:blue', 'agent:b1'], removed: ['team:red', 'agent:r1'] });
  });

  it('keeps a scope another group still wants, and drops it when none does', () => {
    const groups = new ScopeGroups();
    groups.set('centre', ['all']);
    groups.set('queues', ['all', 'queue:sales']);
    expect(groups.set('queues', ['queue:support'])).toEqual({ added: ['queue:support'], removed: ['queue:sales'] });
    expect(groups.set('centre', [])).toEqual({ added: [], removed: ['all'] });
    expect([...groups.wanted()]).toEqual(['queue:support']);
    expect(groups.has('queue:support')).toBe(true);
    expect(groups.has('all')).toBe(false);
  });
});
