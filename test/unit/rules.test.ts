// The automatic-prompt rules (server/domain/rules.ts) as functions: each rule on a RuleContext built from
// plain data, and the engine's tick with an in-memory store. No Redis, no server.
import { describe, expect, it, vi } from 'vitest';
import type { Coaching } from '../../server/domain/coaching.ts';
import { createRuleEngine, RULES, type Firing, type RuleContext } from '../../server/domain/rules.ts';
import type { OpenPart, RuleStore } from '../../server/redis/ruleStore.ts';
import { queueLookup, rulesFor, settingsSchema, type Settings } from '../../server/settings.ts';
import { emptyCounters, withRatios, type AgentLive, type Counters, type Metrics } from '../../shared/figures.ts';
import { promptParams } from '../../client/src/lib/intl.ts';
import { translate } from '../../client/src/lib/i18n/translate.ts';

// ---- Fixtures

const NOW = Date.UTC(2026, 2, 10, 15, 0, 0);
const DAY = '2026-03-10';
const ago = (seconds: number) => NOW - seconds * 1000;

/** A scope's figures today from its counters; the ratios are derived as the metrics service derives them. */
function metrics(scope: string, counters: Partial<Counters> = {}, extra: Partial<Metrics> = {}): Metrics {
  return { scope, day: DAY, tz: 'UTC', intervals: [], asOf: NOW, stale: false, ...withRatios({ ...emptyCounters(), ...counters }), ...extra };
}

const rosterOf = (...agents: string[]): AgentLive[] => agents.map((agent) => ({ agent, state: 'available', since: null }));
const breakCount = (n: number) => ({ available: 0, onCall: 0, wrap: 0, break: n, offline: 0 });

interface Data {
  settings?: unknown;
  /** agent → team id (the team's rules come from settings.teams). */
  teamOf?: Record<string, string>;
  onCall?: OpenPart[];
  onHold?: OpenPart[];
  figures?: Metrics[];
}

function settingsOf(raw: unknown = {}): Settings {
  return settingsSchema.parse(raw);
}

/** A RuleContext over plain data, looking rules up the way the engine does (rulesFor over team and queue overrides). */
function contextOf(data: Data): RuleContext {
  const settings = settingsOf(data.settings);
  const queueOf = queueLookup(settings);
  const byScope = new Map((data.figures ?? []).map((m) => [m.scope, m]));
  return {
    now: NOW,
    settings,
    rulesOfAgent(agent) {
      const team = data.teamOf?.[agent];
      return rulesFor(settings, settings.teams.find((t) => t.id === team)?.rules);
    },
    queue(queue) {
      const q = queueOf(queue);
      return { settings: q, rules: rulesFor(settings, q.rules) };
    },
    openParts: async (which) => (which === 'onCall' ? (data.onCall ?? []) : (data.onHold ?? [])),
    // The agents `all` counts: in this data, those of its roster.
    agentsSeen: async () => (byScope.get('all')?.roster ?? []).map((a) => a.agent),
    read: async (scope) => {
      const m = byScope.get(scope);
      if (!m) throw new Error(`the test did not expect a read of ${scope}`);
      return m;
    },
  };
}

const evaluate = (name: Firing['rule'], data: Data) => RULES.find((r) => r.name === name)!.evaluate(contextOf(data));
const part = (agent: string, callId: string, sinceS: number): OpenPart => ({ agent, part: `${callId}#0#0`, since: ago(sinceS) });

describe('the rule table', () => {
  it('evaluates every rule of the settings, in a fixed order', () => {
    expect(RULES.map((r) => r.name)).toEqual(['ahtOverrun', 'longHold', 'csatBelow', 'fcrBelow', 'qaBelow', 'serviceLevelBelow']);
  });
});

describe('ahtOverrun', () => {
  const settings = { targets: { ahtSeconds: 300 } };

  it('fires for a part running past the AHT target, and not for one at it or under it', async () => {
    const onCall = [part('ann', 'c1', 361), part('bob', 'c2', 300), part('cy', 'c3', 120)];
    expect(await evaluate('ahtOverrun', { settings, onCall })).toEqual<Firing[]>([
      {
        rule: 'ahtOverrun',
        subject: 'ann:c1#0#0',
        to: 'agent:ann',
        priority: 'normal',
        text: 'This call has run 6:01, past the 5:00 handle-time target. Need a hand? Ask your lead.',
        words: { rule: 'ahtOverrun', params: { runMs: 361_000, targetMs: 300_000 } },
      },
    ]);
  });

  it('fires one millisecond past the target', async () => {
    const firings = await evaluate('ahtOverrun', { settings, onCall: [{ agent: 'ann', part: 'c1#0#0', since: NOW - 300_001 }] });
    expect(firings.map((f) => f.subject)).toEqual(['ann:c1#0#0']);
  });

  it('stays quiet for an agent whose team turned it off', async () => {
    const withTeam = { ...settings, teams: [{ id: 'quiet', rules: { ahtOverrun: { enabled: false } } }] };
    const firings = await evaluate('ahtOverrun', { settings: withTeam, teamOf: { ann: 'quiet' }, onCall: [part('ann', 'c1', 400), part('bob', 'c2', 400)] });
    expect(firings.map((f) => f.to)).toEqual(['agent:bob']);
  });
});

describe('longHold', () => {
  const settings = { teams: [{ id: 'fast', rules: { longHold: { seconds: 60 } } }] };
  const teamOf = { bob: 'fast', dee: 'fast' };

  it('uses the default 120 s, and a team’s own threshold for its agents', async () => {
    const onHold = [part('ann', 'a1', 90), part('bob', 'b1', 90), part('cy', 'c1', 121), part('dee', 'd1', 60)];
    expect(await evaluate('longHold', { settings, teamOf, onHold })).toEqual<Firing[]>([
      {
        rule: 'longHold',
        subject: 'bob:b1#0#0',
        to: 'agent:bob',
        priority: 'high',
        text: 'Your caller has been on hold for 1:30. Check back with them.',
        words: { rule: 'longHold', params: { holdMs: 90_000 } },
      },
      {
        rule: 'longHold',
        subject: 'cy:c1#0#0',
        to: 'agent:cy',
        priority: 'high',
        text: 'Your caller has been on hold for 2:01. Check back with them.',
        words: { rule: 'longHold', params: { holdMs: 121_000 } },
      },
    ]);
  });

  it('looks at holds, not at calls', async () => expect(await evaluate('longHold', { settings, teamOf, onCall: [part('ann', 'a1', 1000)] })).toEqual([]));
});

describe('csatBelow', () => {
  const settings = { targets: { csat: 0.8 } };
  const all = metrics('all', {}, { roster: rosterOf('ann', 'bob', 'cy', 'dee') });

  it('fires below target once the agent has minSurveys surveys, and only then', async () => {
    const figures = [
      all,
      metrics('agent:ann', { surveys: 5, satisfied: 3 }), // 60 %, 5 surveys: fires
      metrics('agent:bob', { surveys: 4, satisfied: 0 }), // 0 %, but 4 < 5 surveys
      metrics('agent:cy', { surveys: 10, satisfied: 8 }), // 80 %: at target, not below
      metrics('agent:dee'), // no survey: csat is null
    ];
    expect(await evaluate('csatBelow', { settings, figures })).toEqual<Firing[]>([
      {
        rule: 'csatBelow',
        subject: `ann:${DAY}`,
        to: 'agent:ann',
        priority: 'normal',
        text: 'Your CSAT today is 60% (target 80%). Your lead can help.',
        words: { rule: 'csatBelow', params: { value: 0.6, target: 0.8 } },
      },
    ]);
  });

  it('follows a lower minSurveys set on the settings', async () => {
    const figures = [metrics('all', {}, { roster: rosterOf('bob') }), metrics('agent:bob', { surveys: 4, satisfied: 1 })];
    const firings = await evaluate('csatBelow', { settings: { ...settings, rules: { csatBelow: { minSurveys: 4 } } }, figures });
    expect(firings.map((f) => f.text)).toEqual(['Your CSAT today is 25% (target 80%). Your lead can help.']);
  });
});

describe('fcrBelow', () => {
  const settings = { targets: { fcr: 0.75 } };

  it('fires below target once the agent has minWrapped resolved-or-not wrap-ups, and only then', async () => {
    const figures = [
      metrics('all', {}, { roster: rosterOf('ann', 'bob', 'cy', 'dee') }),
      metrics('agent:ann', { resolved: 3, unresolved: 2 }), // 60 %, 5 wrapped: fires
      metrics('agent:bob', { resolved: 1, unresolved: 3 }), // 25 %, but 4 < 5 wrapped
      metrics('agent:cy', { resolved: 6, unresolved: 2 }), // 75 %: at target
      metrics('agent:dee', { handled: 9 }), // wrapped with no resolution given: fcr is null
    ];
    expect(await evaluate('fcrBelow', { settings, figures })).toEqual<Firing[]>([
      {
        rule: 'fcrBelow',
        subject: `ann:${DAY}`,
        to: 'agent:ann',
        priority: 'normal',
        text: 'Your first-contact resolution today is 60% (target 75%).',
        words: { rule: 'fcrBelow', params: { value: 0.6, target: 0.75 } },
      },
    ]);
  });
});

describe('qaBelow', () => {
  const points = (n: number) => n * 1_000_000;

  it('fires below the quality target (default 90%) once the agent has minEvaluations (default 3) evaluations, and only then', async () => {
    const figures = [
      metrics('all', {}, { roster: rosterOf('ann', 'bob', 'cy', 'dee') }),
      metrics('agent:ann', { evaluations: 3, qaScoreMicros: points(80 + 85 + 90) }), // 85 %, 3 evaluations: fires
      metrics('agent:bob', { evaluations: 2, qaScoreMicros: points(20 + 30) }), // 25 %, but 2 < 3 evaluations
      metrics('agent:cy', { evaluations: 4, qaScoreMicros: points(360) }), // 90 %: at target, not below
      metrics('agent:dee'), // no evaluation: qaScore is null
    ];
    expect(await evaluate('qaBelow', { figures })).toEqual<Firing[]>([
      {
        rule: 'qaBelow',
        subject: `ann:${DAY}`,
        to: 'agent:ann',
        priority: 'normal',
        text: 'Your quality score today is 85% over 3 evaluations (target 90%). Your lead can go through them with you.',
        words: { rule: 'qaBelow', params: { value: 0.85, target: 0.9, count: 3 } },
      },
    ]);
  });

  it('follows the target and minEvaluations of the settings, and a team that turns it off', async () => {
    const settings = { targets: { qa: 0.95 }, rules: { qaBelow: { minEvaluations: 1 } }, teams: [{ id: 'quiet', rules: { qaBelow: { enabled: false } } }] };
    const figures = [
      metrics('all', {}, { roster: rosterOf('bob', 'cy') }),
      metrics('agent:bob', { evaluations: 1, qaScoreMicros: points(92.5) }),
      metrics('agent:cy', { evaluations: 1, qaScoreMicros: points(10) }),
    ];
    const firings = await evaluate('qaBelow', { settings, teamOf: { cy: 'quiet' }, figures });
    expect(firings.map((f) => [f.to, f.text])).toEqual([
      ['agent:bob', 'Your quality score today is 93% over 1 evaluation (target 95%). Your lead can go through it with you.'],
    ]);
  });
});

describe('serviceLevelBelow', () => {
  const settings = {
    queues: [
      { id: 'sales', name: 'Sales line', serviceLevelTarget: 0.8 },
      { id: 'care', serviceLevelTarget: 0.5 },
    ],
  };

  it('fires for a queue below its target with minOffered reached, naming the queue and the agents on break', async () => {
    const figures = [
      metrics('all', {}, { queues: ['sales', 'care', 'tiny'], agents: breakCount(2) }),
      metrics('queue:sales', { offered: 10, answered: 10, answeredInSL: 7 }), // 70 % < 80 %: fires
      metrics('queue:care', { offered: 10, answered: 10, answeredInSL: 6 }), // 60 % ≥ 50 %
      metrics('queue:tiny', { offered: 9, answered: 9, answeredInSL: 0 }), // 0 %, but 9 < 10 offered
    ];
    expect(await evaluate('serviceLevelBelow', { settings, figures })).toEqual<Firing[]>([
      {
        rule: 'serviceLevelBelow',
        subject: `sales:${DAY}`,
        to: 'queue:sales',
        priority: 'high',
        text: 'Service level 70% on Sales line (target 80%), 2 agents on break.',
        words: { rule: 'serviceLevelBelow', params: { value: 0.7, target: 0.8, queue: 'Sales line', count: 2 } },
      },
    ]);
  });

  it('names a queue without a name by its id, on the default 80 % target, and one agent in the singular', async () => {
    const figures = [
      metrics('all', {}, { queues: ['back'], agents: breakCount(1) }),
      metrics('queue:back', { offered: 12, answered: 8, answeredInSL: 6, abandoned: 2 }), // 6 / 10 = 60 %
    ];
    const firings = await evaluate('serviceLevelBelow', { settings, figures });
    expect(firings.map((f) => f.text)).toEqual(['Service level 60% on back (target 80%), 1 agent on break.']);
  });

  it('stays quiet for a queue that turned it off', async () => {
    const off = { queues: [{ id: 'sales', rules: { serviceLevelBelow: { enabled: false } } }] };
    const figures = [metrics('all', {}, { queues: ['sales'], agents: breakCount(0) }), metrics('queue:sales', { offered: 20, answered: 20 })];
    expect(await evaluate('serviceLevelBelow', { settings: off, figures })).toEqual([]);
  });
});

describe('disabled rules', () => {
  it('fire nothing, whatever the figures', async () => {
    const off = { enabled: false };
    const settings = { rules: { ahtOverrun: off, longHold: off, csatBelow: off, fcrBelow: off, qaBelow: off, serviceLevelBelow: off } };
    const data: Data = {
      settings,
      onCall: [part('ann', 'c1', 3600)],
      onHold: [part('ann', 'c1', 3600)],
      figures: [
        metrics('all', {}, { roster: rosterOf('ann'), queues: ['sales'], agents: breakCount(3) }),
        metrics('agent:ann', { surveys: 20, satisfied: 0, resolved: 0, unresolved: 20, evaluations: 5, qaScoreMicros: 250 * 1_000_000 }),
        metrics('queue:sales', { offered: 50, answered: 50 }),
      ],
    };
    for (const rule of RULES) expect(await rule.evaluate(contextOf(data)), rule.name).toEqual([]);
    // The same data with the rules on fires every one of them: the test above can fail.
    const on = { ...data, settings: {} };
    const fired = await Promise.all(RULES.map((rule) => rule.evaluate(contextOf(on))));
    expect(fired.map((f) => f.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

// ---- The engine

describe('createRuleEngine.tick', () => {
  function engine() {
    const cooldowns = new Set<string>();
    const claims: [string, string, number][] = [];
    const state = { lockFree: true };
    const store: RuleStore = {
      lock: async () => state.lockFree,
      claimCooldown: async (rule, subject, ms) => {
        claims.push([rule, subject, ms]);
        const key = `${rule}:${subject}`;
        if (cooldowns.has(key)) return false;
        cooldowns.add(key);
        return true;
      },
      openParts: async (which) => (which === 'onHold' ? [part('bob', 'b1', 90)] : []),
      agentsSeen: async () => ['bob'],
    };
    const figures = new Map([
      ['all', metrics('all', {}, { roster: rosterOf('bob'), queues: ['sales'], agents: breakCount(1) })],
      ['agent:bob', metrics('agent:bob')],
      ['queue:sales', metrics('queue:sales', { offered: 10, answered: 10, answeredInSL: 5 })],
    ]);
    const read = vi.fn(async (scope: string) => figures.get(scope)!);
    const send = vi.fn(async (..._args: Parameters<Coaching['send']>) => ({}) as Awaited<ReturnType<Coaching['send']>>);
    const settings = settingsOf({ teams: [{ id: 'fast', rules: { longHold: { seconds: 60 } } }] });
    const rules = createRuleEngine({
      store,
      settings,
      listTeams: async () => [{ id: 'fast', agents: ['bob'] }],
      coaching: { send },
      read,
      clock: () => NOW,
      log: () => undefined,
    });
    return { tick: rules.tick, send, read, cooldowns, claims, state };
  }

  const system = { name: 'automatic', role: 'system' };
  const holdPrompt = {
    to: 'agent:bob',
    priority: 'high',
    text: 'Your caller has been on hold for 1:30. Check back with them.',
    words: { rule: 'longHold', params: { holdMs: 90_000 } },
  };
  const slPrompt = {
    to: 'queue:sales',
    priority: 'high',
    text: 'Service level 50% on sales (target 80%), 1 agent on break.',
    words: { rule: 'serviceLevelBelow', params: { value: 0.5, target: 0.8, queue: 'sales', count: 1 } },
  };

  it('sends each firing once, with the rule’s cool-down, and again only when the cool-down is over', async () => {
    const { tick, send, cooldowns, claims } = engine();
    const first = await tick();
    expect(first.map((f) => `${f.rule}:${f.subject}`)).toEqual(['longHold:bob:b1#0#0', `serviceLevelBelow:sales:${DAY}`]);
    expect(send.mock.calls).toEqual([
      [holdPrompt, system, true],
      [slPrompt, system, true],
    ]);
    // Cool-downs in ms: longHold 10 min (the team changed only its seconds), serviceLevelBelow 30 min.
    expect(claims).toEqual([
      ['longHold', 'bob:b1#0#0', 600_000],
      ['serviceLevelBelow', `sales:${DAY}`, 1_800_000],
    ]);

    expect(await tick()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(2);

    cooldowns.delete(`longHold:bob:b1#0#0`);
    expect((await tick()).map((f) => f.rule)).toEqual(['longHold']);
    expect(send).toHaveBeenCalledTimes(3);
    expect(send.mock.calls[2]).toEqual([holdPrompt, system, true]);
  });

  it('reads each scope once per tick, however many rules ask', async () => {
    const { tick, read } = engine();
    await tick();
    expect(read.mock.calls.map(([scope]) => scope).sort()).toEqual(['agent:bob', 'all', 'queue:sales']);
  });

  it('does nothing while another instance holds the lock', async () => {
    const { tick, send, read, state } = engine();
    state.lockFree = false;
    expect(await tick()).toEqual([]);
    expect(send).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
  });
});

describe('the words of automatic prompts', () => {
  it('say in the screens’ English catalogue exactly what the server’s text says, from the figures sent with them', async () => {
    const firings = [
      ...(await evaluate('ahtOverrun', { settings: { targets: { ahtSeconds: 300 } }, onCall: [part('ann', 'c1', 3725)] })),
      ...(await evaluate('longHold', { settings: {}, onHold: [part('bob', 'b1', 605)] })),
      ...(await evaluate('csatBelow', {
        settings: { targets: { csat: 0.85 } },
        figures: [metrics('all', {}, { roster: rosterOf('cy') }), metrics('agent:cy', { surveys: 7, satisfied: 4 })],
      })),
      ...(await evaluate('fcrBelow', {
        settings: { targets: { fcr: 0.75 } },
        figures: [metrics('all', {}, { roster: rosterOf('dee') }), metrics('agent:dee', { resolved: 2, unresolved: 4 })],
      })),
      ...(await evaluate('qaBelow', {
        settings: { rules: { qaBelow: { minEvaluations: 1 } } },
        figures: [
          metrics('all', {}, { roster: rosterOf('ed', 'flo') }),
          metrics('agent:ed', { evaluations: 1, qaScoreMicros: 55 * 1_000_000 }),
          metrics('agent:flo', { evaluations: 4, qaScoreMicros: 310 * 1_000_000 }),
        ],
      })),
      ...(await evaluate('serviceLevelBelow', {
        settings: { queues: [{ id: 'q1', name: 'Billing', serviceLevelTarget: 0.8 }] },
        figures: [metrics('all', {}, { queues: ['q1'], agents: breakCount(1) }), metrics('queue:q1', { offered: 12, answered: 12, answeredInSL: 5 })],
      })),
    ];
    expect(firings.map((f) => f.rule)).toEqual(['ahtOverrun', 'longHold', 'csatBelow', 'fcrBelow', 'qaBelow', 'qaBelow', 'serviceLevelBelow']);
    for (const firing of firings) {
      expect(translate('en', `rule.${firing.words.rule}`, promptParams('en', firing.words.params))).toBe(firing.text);
    }
  });
});
