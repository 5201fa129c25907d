// Automatic coaching prompts from live data, each with a cool-down per rule and subject so nobody is spammed.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Metrics } from '../../shared/figures.ts';
import type { Directory } from '../auth/directory.ts';
import { figureKeys, type StoreKeys } from '../redis/keys.ts';
import type { Log } from '../logger.ts';
import { queueLookup, rulesFor, type Rules, type Settings } from '../settings.ts';
import type { Coaching } from '../domain/coaching.ts';

export interface RuleEngineDeps {
  redis: Redis;
  keys: StoreKeys;
  settings: Settings;
  directory: Directory;
  prompts: Coaching;
  read: (scope: string) => Promise<Metrics>;
  log: Log;
  now?: () => number;
}

type Firing = { rule: keyof Rules; subject: string; to: string; text: string; priority: 'normal' | 'high' };

export function createRuleEngine(deps: RuleEngineDeps) {
  const { redis, keys, settings } = deps;
  const now = deps.now ?? Date.now;
  const instance = randomUUID();
  const queueOf = queueLookup(settings);
  const sender = { name: 'automatic', role: 'system' };
  const minutes = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

  /** One evaluation; only one instance evaluates at a time (a short Redis lock). Returns what fired. */
  async function tick(): Promise<Firing[]> {
    const locked = await redis.set(keys.rules.lock, instance, 'PX', 5000, 'NX');
    if (!locked) return [];
    // Lookups by id go through Maps: an agent or team may be called `constructor`.
    const teamOfAgent = new Map<string, string>();
    for (const team of await deps.directory.listTeams()) for (const agent of team.agents) if (!teamOfAgent.has(agent)) teamOfAgent.set(agent, team.id);
    const teamSettings = new Map(settings.teams.map((t) => [t.id, t]));
    const agentRules = (agent: string) => {
      const team = teamOfAgent.get(agent);
      return rulesFor(settings, team === undefined ? undefined : teamSettings.get(team)?.rules);
    };
    const candidates: Firing[] = [];

    const open = await redis.zrange(keys.figure(figureKeys.onCall), 0, '-1', 'WITHSCORES');
    const holds = await redis.zrange(keys.figure(figureKeys.onHold), 0, '-1', 'WITHSCORES');
    const ahtMs = settings.targets.ahtSeconds * 1000;
    for (let i = 0; i < open.length; i += 2) {
      const [agent, part] = open[i]!.split('\u0000') as [string, string];
      const running = now() - Number(open[i + 1]);
      const rules = agentRules(agent);
      if (rules.ahtOverrun.enabled && running > ahtMs) {
        candidates.push({
          rule: 'ahtOverrun',
          subject: `${agent}:${part}`,
          to: `agent:${agent}`,
          priority: 'normal',
          text: `This call has run ${minutes(running)}, past the ${minutes(ahtMs)} handle-time target. Need a hand? Ask your lead.`,
        });
      }
    }
    for (let i = 0; i < holds.length; i += 2) {
      const [agent, part] = holds[i]!.split('\u0000') as [string, string];
      const held = now() - Number(holds[i + 1]);
      const rules = agentRules(agent);
      if (rules.longHold.enabled && held > rules.longHold.seconds * 1000) {
        candidates.push({
          rule: 'longHold',
          subject: `${agent}:${part}`,
          to: `agent:${agent}`,
          priority: 'high',
          text: `Your caller has been on hold for ${minutes(held)}. Check back with them.`,
        });
      }
    }

    const all = await deps.read('all');
    for (const { agent } of all.roster ?? []) {
      const rules = agentRules(agent);
      if (!rules.csatBelow.enabled && !rules.fcrBelow.enabled) continue;
      const m = await deps.read(`agent:${agent}`);
      if (rules.csatBelow.enabled && m.csat !== null && m.surveys >= rules.csatBelow.minSurveys && m.csat < settings.targets.csat) {
        candidates.push({
          rule: 'csatBelow',
          subject: `${agent}:${m.day}`,
          to: `agent:${agent}`,
          priority: 'normal',
          text: `Your CSAT today is ${Math.round(m.csat * 100)}% (target ${Math.round(settings.targets.csat * 100)}%). Your lead can help.`,
        });
      }
      const wrapped = m.resolved + m.unresolved;
      if (rules.fcrBelow.enabled && m.fcr !== null && wrapped >= rules.fcrBelow.minWrapped && m.fcr < settings.targets.fcr) {
        candidates.push({
          rule: 'fcrBelow',
          subject: `${agent}:${m.day}`,
          to: `agent:${agent}`,
          priority: 'normal',
          text: `Your first-contact resolution today is ${Math.round(m.fcr * 100)}% (target ${Math.round(settings.targets.fcr * 100)}%).`,
        });
      }
    }

    const onBreak = all.agents?.break ?? 0;
    for (const queue of all.queues ?? []) {
      const q = queueOf(queue);
      const rules = rulesFor(settings, q.rules);
      if (!rules.serviceLevelBelow.enabled) continue;
      const m = await deps.read(`queue:${queue}`);
      if (m.serviceLevel !== null && m.offered >= rules.serviceLevelBelow.minOffered && m.serviceLevel < q.serviceLevelTarget) {
        candidates.push({
          rule: 'serviceLevelBelow',
          subject: `${queue}:${m.day}`,
          to: `queue:${queue}`,
          priority: 'high',
          text: `Service level ${Math.round(m.serviceLevel * 100)}% on ${q.name ?? queue} (target ${Math.round(q.serviceLevelTarget * 100)}%), ${onBreak} agent${onBreak === 1 ? '' : 's'} on break.`,
        });
      }
    }

    const fired: Firing[] = [];
    for (const firing of candidates) {
      const cooldown = (firing.to.startsWith('queue:') ? rulesFor(settings, queueOf(firing.to.slice(6)).rules) : agentRules(firing.to.slice(6)))[firing.rule]
        .cooldownMinutes;
      // The cool-down is per rule and subject (a call, an agent's day, a queue's day), and shared by every instance.
      const fresh = await redis.set(keys.rules.cooldown(firing.rule, firing.subject), '1', 'PX', Math.round(cooldown * 60_000), 'NX');
      if (!fresh) continue;
      await deps.prompts.send({ to: firing.to, text: firing.text, priority: firing.priority }, sender, true);
      fired.push(firing);
    }
    if (fired.length > 0) deps.log('automatic prompts', { fired: fired.map((f) => `${f.rule} → ${f.to}`) });
    return fired;
  }

  return { tick };
}
