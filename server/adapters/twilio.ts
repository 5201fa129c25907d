// Twilio TaskRouter event callbacks (the workspace's EventCallbackUrl, form-encoded) → wallboard events.
// A Task is a call (callId = TaskSid), a TaskQueue's name is the queue, a Worker's name is the agent.
import type { AgentStateEvent, WallboardEvent } from '../../shared/events.ts';
import { FeedInputError, type FeedAdapter } from './feed.ts';

/** One callback's parameters, by name (the first value of each); a Map, so any name is data. */
type TaskRouterCallback = ReadonlyMap<string, string>;

type AgentState = AgentStateEvent['state'];

interface TwilioOptions {
  /** Prefix of every event id (default `twilio`), so two workspaces can feed one wallboard. */
  source?: string;
  /** Worker activity name → agent state, laid over DEFAULT_ACTIVITIES; an activity named nowhere counts as `break`. */
  activities?: Iterable<readonly [string, AgentState]>;
}

/** The activities a new TaskRouter workspace comes with. */
const DEFAULT_ACTIVITIES: Readonly<Record<string, AgentState>> = { Available: 'available', Unavailable: 'break', Break: 'break', Offline: 'offline' };

/** Parses a form-encoded callback body; a name sent twice keeps its first value. */
export function readCallback(body: string): TaskRouterCallback {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) if (!params.has(name)) params.set(name, value);
  return params;
}

/** Where each event field comes from in a callback. */
const SOURCE_FIELDS = new Map([
  ['id', 'Sid'],
  ['ts', 'TimestampMs'],
  ['callId', 'TaskSid'],
  ['queue', 'TaskQueueName'],
  ['agent', 'WorkerName'],
  ['target', 'TransferTo'],
  ['callType', 'TaskChannelUniqueName'],
  ['reason', 'WorkerActivityName'],
]);

export function twilioFeed(opts: TwilioOptions = {}): FeedAdapter<TaskRouterCallback> {
  const activities = new Map<string, AgentState>([...Object.entries(DEFAULT_ACTIVITIES), ...(opts.activities ?? [])]);
  return {
    platform: 'twilio',
    read: readCallback,
    toEvents: (callback) => callbackEvents(callback, opts.source ?? 'twilio', activities),
    sourceField: (field) => SOURCE_FIELDS.get(field),
  };
}

function callbackEvents(callback: TaskRouterCallback, source: string, activities: ReadonlyMap<string, AgentState>): WallboardEvent[] {
  const field = (name: string) => required(callback, name);
  const type = field('EventType');
  const rule = RULES.get(type);
  if (!rule) return [];
  // The event's own sid: a redelivered callback carries the same one, so its events are duplicates.
  const sid = callback.get('Sid') || callback.get('EventSid');
  if (!sid) throw new FeedInputError('Sid', "is required: the event's own sid");
  const base = `${source}-${sid}`;
  const ts = timestampOf(callback);
  return rule({ callback, field, ts, id: (suffix = '') => base + suffix, activities });
}

interface RuleContext {
  callback: TaskRouterCallback;
  field: (name: string) => string;
  ts: number;
  id: (suffix?: string) => string;
  activities: ReadonlyMap<string, AgentState>;
}

const timeout = ({ field, ts, id }: RuleContext): WallboardEvent[] => [{ id: id(), type: 'call.timeout', ts, callId: field('TaskSid') }];
// TransferTo is the sid of the Worker or TaskQueue the call goes to.
const transfer = ({ callback, field, ts, id }: RuleContext): WallboardEvent[] => [
  { id: id(), type: 'call.transferred', ts, callId: field('TaskSid'), target: callback.get('TransferTo') || 'unknown' },
];

const RULES = new Map<string, (ctx: RuleContext) => WallboardEvent[]>([
  ['task-queue.entered', offered],
  ['reservation.accepted', ({ field, ts, id }) => [{ id: id(), type: 'call.answered', ts, callId: field('TaskSid'), agent: field('WorkerName') }]],
  [
    'task.canceled',
    // A task canceled by its time to live left the queue unanswered; any other cancel is the caller hanging up.
    ({ callback, field, ts, id }) => [
      { id: id(), type: /\bTTL\b/i.test(callback.get('TaskCanceledReason') ?? '') ? 'call.timeout' : 'call.abandoned', ts, callId: field('TaskSid') },
    ],
  ],
  ['task-queue.timeout', timeout],
  ['workflow.timeout', timeout],
  // The transferring agent's part ends when the transfer starts, warm or cold: a part ends the call's last open one,
  // and the target's answer (a new part) can come before a warm transfer completes.
  ['task.transfer-initiated', transfer],
  ['task.wrapup', ({ field, ts, id }) => [{ id: id(), type: 'call.ended', ts, callId: field('TaskSid') }]],
  [
    'task.completed',
    // A task completed straight from assigned has no wrap-up: its end is now. After a task.wrapup this end finds no open part and counts for nothing.
    ({ field, ts, id }) => [
      { id: id('-end'), type: 'call.ended', ts, callId: field('TaskSid') },
      { id: id(), type: 'call.wrapped', ts, callId: field('TaskSid') },
    ],
  ],
  ['worker.activity.update', agentState],
]);

function offered({ callback, field, ts, id }: RuleContext): WallboardEvent[] {
  const attributes = attributesOf(callback.get('TaskAttributes'));
  const caller = [attributes.get('caller'), attributes.get('from')].find((v): v is string => typeof v === 'string' && v !== '' && v.length <= 256);
  const channel = callback.get('TaskChannelUniqueName');
  return [
    {
      id: id(),
      type: 'call.offered',
      ts,
      callId: field('TaskSid'),
      queue: field('TaskQueueName'),
      ...(caller ? { caller } : {}),
      ...(channel && channel.length <= 256 ? { callType: channel } : {}),
    },
  ];
}

function agentState({ field, ts, id, activities }: RuleContext): WallboardEvent[] {
  const activity = field('WorkerActivityName');
  return [{ id: id(), type: 'agent.state', ts, agent: field('WorkerName'), state: activities.get(activity) ?? 'break', reason: activity.slice(0, 256) }];
}

function required(callback: TaskRouterCallback, name: string): string {
  const value = callback.get(name);
  if (value === undefined || value === '') throw new FeedInputError(name, `is required${callback.has('EventType') ? ` for ${callback.get('EventType')}` : ''}`);
  return value;
}

/** When the event happened: TimestampMs (epoch ms), else Timestamp (epoch seconds, or ISO-8601). */
function timestampOf(callback: TaskRouterCallback): number {
  const ms = callback.get('TimestampMs');
  if (ms !== undefined && ms !== '') {
    if (!/^\d{1,16}$/.test(ms)) throw new FeedInputError('TimestampMs', 'must be epoch milliseconds');
    return Number(ms);
  }
  const raw = required(callback, 'Timestamp');
  if (/^\d{1,13}$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || !Number.isFinite(at)) throw new FeedInputError('Timestamp', 'must be epoch seconds or ISO-8601');
  return at;
}

/** TaskAttributes is the task's own JSON; anything unreadable is no attributes (they only add the caller). */
function attributesOf(raw: string | undefined): Map<string, unknown> {
  if (!raw) return new Map();
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? new Map(Object.entries(parsed)) : new Map();
  } catch {
    return new Map();
  }
}
