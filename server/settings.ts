// The center's settings file: queues with their thresholds and targets, teams, and global targets.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const queue = z.object({
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  /** Answered within this many seconds counts in service level (CONTRACT default 30). */
  serviceLevelSeconds: z.number().positive().default(30),
  /** Service level target, 0..1. */
  serviceLevelTarget: z.number().min(0).max(1).default(0.8),
  /** Abandons quicker than this are short and left out of the abandon rate (default 5). */
  shortAbandonSeconds: z.number().min(0).default(5),
  abandonRateTarget: z.number().min(0).max(1).default(0.05),
  asaTargetSeconds: z.number().positive().default(30),
  ahtTargetSeconds: z.number().positive().default(300),
});

const team = z.object({
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  agents: z.array(z.string().min(1)).default([]),
});

export const settingsSchema = z.object({
  queues: z.array(queue).default([]),
  teams: z.array(team).default([]),
  targets: z
    .object({
      csat: z.number().min(0).max(1).default(0.85),
      fcr: z.number().min(0).max(1).default(0.75),
      ahtSeconds: z.number().positive().default(300),
      asaSeconds: z.number().positive().default(30),
    })
    .prefault({}),
  /** Saved wall boards: `/wall?board=<id>` shows these queues. */
  boards: z.array(z.object({ id: z.string().min(1), name: z.string().min(1).optional(), queues: z.array(z.string().min(1)).min(1) })).default([]),
  /** Raise "live data delayed" when no event has arrived for this long. */
  delayedAfterSeconds: z.number().positive().default(120),
});

export type Settings = z.infer<typeof settingsSchema>;
export type QueueSettings = z.infer<typeof queue>;

export function defaultQueue(id: string): QueueSettings {
  return queue.parse({ id });
}

export function loadSettings(path: string | undefined): Settings {
  if (!path) return settingsSchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`WALLBOARD_CONFIG: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`WALLBOARD_CONFIG ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/** Queue settings by id; an unknown queue gets the defaults. */
export function queueLookup(settings: Settings) {
  const byId = new Map(settings.queues.map((q) => [q.id, q]));
  return (id: string): QueueSettings => byId.get(id) ?? defaultQueue(id);
}
