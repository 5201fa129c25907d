// Automatic coaching prompts from live data: a table of rules, each fired at most once per cool-down and
// subject (a call, an agent's day, a queue's day), so nobody is spammed.
import { randomUUID } from 'node:crypto';
import type { Metrics } from '../../shared/figures.ts';
import type { PromptWords } from '../../shared/socket.ts';
import { ageText } from '../../shared/status.ts';
import type { OpenPart, RuleStore } from '../redis/ruleStore.ts';
import { queueLookup, rulesFor, type QueueSettings, type Rules, type Settings } from '../settings.ts';
import type { Clock } from './clock.ts';
import type { Coaching } from './coaching.ts';

export interface Firing {
  rule: keyof Rules;
  subject: string;
  to: string;
  text: string;
  /** The same in data, for screens that speak another language. */
  words: PromptWords;
  priority: 'normal' | 'high';
}

/** What a rule may look at; each input is read once per evaluation, when a rule first asks. */
export interface RuleContext {
  now: number;
  settings: Settings;
  rulesOfAgent(agent: string): Rules;
  queue(queue: string): { settings: QueueSettings; rules: Rules };
  openParts(which: 'onCall' | 'onHold'): Promise<OpenPart[]>;
  /** Every agent `all` counts by state. */
  agentsSeen(): Promise<string[]>;
  read(scope: string): Promise<Metrics>;
}

interface Rule {
  name: keyof Rules;
  evaluate(ctx: RuleContext): Promise<Firing[]>;
}

/** m:ss, or h:mm:ss past an hour: the screens' own way of writing a duration. */
const clockText = ageText;
const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** The rules, in the order they are evaluated. */
export const RULES: Rule[] = [
  {
    name: 'ahtOverrun',
    async evaluate(ctx) {
      const aht = ctx.settings.targets.ahtSeconds * 1000;
      return (await ctx.openParts('onCall'))
        .filter(({ agent, since }) => ctx.rulesOfAgent(agent).ahtOverrun.enabled && ctx.now - since > aht)
        .map(({ agent, part, since }) => ({
          rule: 'ahtOverrun',
          subject: `${agent}:${part}`,
          to: `agent:${agent}`,
          priority: 'normal',
          text: `This call has run ${clockText(ctx.now - since)}, past the ${clockText(aht)} handle-time target. Need a hand? Ask your lead.`,
          words: { rule: 'ahtOverrun', params: { runMs: ctx.now - since, targetMs: aht } },
        }));
    },
  },
  {
    name: 'longHold',
    async evaluate(ctx) {
      return (await ctx.openParts('onHold'))
        .filter(({ agent, since }) => {
          const rule = ctx.rulesOfAgent(agent).longHold;
          return rule.enabled && ctx.now - since > rule.seconds * 1000;
        })
        .map(({ agent, part, since }) => ({
          rule: 'longHold',
          subject: `${agent}:${part}`,
          to: `agent:${agent}`,
          priority: 'high',
          text: `Your caller has been on hold for ${clockText(ctx.now - since)}. Check back with them.`,
          words: { rule: 'longHold', params: { holdMs: ctx.now - since } },
        }));
    },
  },
  agentTargetRule('csatBelow', (m, rules, targets) =>
    m.csat !== null && m.surveys >= rules.csatBelow.minSurveys && m.csat < targets.csat
      ? `Your CSAT today is ${percent(m.csat)} (target ${percent(targets.csat)}). Your lead can help.`
      : null,
  ),
  agentTargetRule('fcrBelow', (m, rules, targets) =>
    m.fcr !== null && m.resolved + m.unresolved >= rules.fcrBelow.minWrapped && m.fcr < targets.fcr
      ? `Your first-contact resolution today is ${percent(m.fcr)} (target ${percent(targets.fcr)}).`
      : null,
  ),
  agentTargetRule('qaBelow', (m, rules, targets) =>
    m.qaScore !== null && m.evaluations >= rules.qaBelow.minEvaluations && m.qaScore < targets.qa
      ? `Your quality score today is ${percent(m.qaScore)} over ${m.evaluations} evaluation${m.evaluations === 1 ? '' : 's'} (target ${percent(targets.qa)}). Your lead can go through ${m.evaluations === 1 ? 'it' : 'them'} with you.`
      : null,
  ),
  {
    name: 'serviceLevelBelow',
    async evaluate(ctx) {
      const all = await ctx.read('all');
      const onBreak = all.agents?.break ?? 0;
      const firings: Firing[] = [];
      for (const queue of all.queues ?? []) {
        const { settings: q, rules } = ctx.queue(queue);
        if (!rules.serviceLevelBelow.enabled) continue;
        const m = await ctx.read(`queue:${queue}`);
        if (m.serviceLevel === null || m.offered < rules.serviceLevelBelow.minOffered || m.serviceLevel >= q.serviceLevelTarget) continue;
        firings.push({
          rule: 'serviceLevelBelow',
          subject: `${queue}:${m.day}`,
          to: `queue:${queue}`,
          priority: 'high',
          text: `Service level ${percent(m.serviceLevel)} on ${q.name ?? queue} (target ${percent(q.serviceLevelTarget)}), ${onBreak} agent${onBreak === 1 ? '' : 's'} on break.`,
          words: { rule: 'serviceLevelBelow', params: { value: m.serviceLevel, target: q.serviceLevelTarget, queue: q.name ?? queue, count: onBreak } },
        });
      }
      return firings;
    },
  },
];

/** An agent-target rule's figures, for screens that say its prompt in their own language. */
function wordsOf(name: 'csatBelow' | 'fcrBelow' | 'qaBelow', m: Metrics, targets: Settings['targets']): PromptWords {
  if (name === 'qaBelow') return { rule: name, params: { value: m.qaScore ?? 0, target: targets.qa, count: m.evaluations } };
  const csat = name === 'csatBelow';
  return { rule: name, params: { value: (csat ? m.csat : m.fcr) ?? 0, target: targets[csat ? 'csat' : 'fcr'] } };
}

/** A rule on an agent's figures today against the centre's targets: `message` says what to send, or null. */
function agentTargetRule(name: 'csatBelow' | 'fcrBelow' | 'qaBelow', message: (m: Metrics, rules: Rules, targets: Settings['targets']) => string | null): Rule {
  return {
    name,
    async evaluate(ctx) {
      const firings: Firing[] = [];
      for (const agent of (await ctx.agentsSeen()).sort()) {
        const rules = ctx.rulesOfAgent(agent);
        if (!rules[name].enabled) continue;
        const m = await ctx.read(`agent:${agent}`);
        const text = message(m, rules, ctx.settings.targets);
        if (text)
          firings.push({
            rule: name,
            subject: `${agent}:${m.day}`,
            to: `agent:${agent}`,
            priority: 'normal',
            text,
            words: wordsOf(name, m, ctx.settings.targets),
          });
      }
      return firings;
    },
  };
}

interface RuleEngineDeps {
  store: RuleStore;
  settings: Settings;
  listTeams(): Promise<{ id: string; agents: string[] }[]>;
  coaching: Pick<Coaching, 'send'>;
  read(scope: string): Promise<Metrics>;
  clock: Clock;
  log(msg: string, extra?: Record<string, unknown>): void;
}

export function createRuleEngine(deps: RuleEngineDeps) {
  const { settings, store } = deps;
  const instance = randomUUID();
  const queueOf = queueLookup(settings);
  const sender = { name: 'automatic', role: 'system' };

  /** One evaluation; only one instance evaluates at a time. Returns what fired. */
  async function tick(): Promise<Firing[]> {
    if (!(await store.lock(instance, 5000))) return [];
    const ctx = await contextNow();
    const fired: Firing[] = [];
    for (const rule of RULES) {
      for (const firing of await rule.evaluate(ctx)) {
        const rules = firing.to.startsWith('queue:') ? ctx.queue(firing.to.slice(6)).rules : ctx.rulesOfAgent(firing.to.slice(6));
        if (!(await store.claimCooldown(firing.rule, firing.subject, rules[firing.rule].cooldownMinutes * 60_000))) continue;
        await deps.coaching.send({ to: firing.to, text: firing.text, priority: firing.priority, words: firing.words }, sender, true);
        fired.push(firing);
      }
    }
    if (fired.length > 0) deps.log('automatic prompts', { fired: fired.map((f) => `${f.rule} → ${f.to}`) });
    return fired;
  }

  async function contextNow(): Promise<RuleContext> {
    // Lookups by id go through Maps: an agent or team may be called `constructor`.
    const teamOfAgent = new Map<string, string>();
    for (const team of await deps.listTeams()) for (const agent of team.agents) if (!teamOfAgent.has(agent)) teamOfAgent.set(agent, team.id);
    const teamSettings = new Map(settings.teams.map((t) => [t.id, t]));
    const reads = new Map<string, Promise<Metrics>>();
    const parts = new Map<string, Promise<OpenPart[]>>();
    let seen: Promise<string[]> | undefined;
    return {
      now: deps.clock(),
      settings,
      rulesOfAgent(agent) {
        const team = teamOfAgent.get(agent);
        return rulesFor(settings, team === undefined ? undefined : teamSettings.get(team)?.rules);
      },
      queue(queue) {
        const q = queueOf(queue);
        return { settings: q, rules: rulesFor(settings, q.rules) };
      },
      openParts: (which) => cached(parts, which, () => store.openParts(which)),
      agentsSeen: () => (seen ??= store.agentsSeen()),
      read: (scope) => cached(reads, scope, () => deps.read(scope)),
    };
  }

  return { tick };
}

function cached<T>(into: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let hit = into.get(key);
  if (!hit) into.set(key, (hit = load()));
  return hit;
}
