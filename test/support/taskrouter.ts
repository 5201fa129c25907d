// TaskRouter event callbacks as the Events reference documents them (the common parameters and each event's
// field data: Task, TaskQueue, Worker, Reservation), signed with twilio's own helper and posted to the feed.
import { createHash } from 'node:crypto';
import twilio from 'twilio';
import type { TestApp } from './app.ts';

export const AUTH_TOKEN = 'tr-test-auth-token-0123456789abcdef';
export const PUBLIC_URL = 'https://wallboard.example.com/api/v1/feeds/twilio';
const ACCOUNT = 'AC' + 'a'.repeat(32);
const WORKSPACE = 'WS' + 'b'.repeat(32);

/** A Twilio-looking sid (two letters and 32 hex digits) that is the same for the same key. */
const sid = (prefix: string, key: string) => prefix + createHash('md5').update(key).digest('hex');

export type Callback = Record<string, string>;

/** The parameters every callback carries; `key` makes the event's own Sid, so the same key is a redelivery. */
function common(type: string, at: number, key: string, resource: [string, string]): Callback {
  return {
    AccountSid: ACCOUNT,
    WorkspaceSid: WORKSPACE,
    WorkspaceName: 'Wallboard test',
    EventType: type,
    EventDescription: `${type} for ${resource[1]}`,
    ResourceType: resource[0],
    ResourceSid: resource[1],
    Sid: sid('EV', key),
    Timestamp: String(Math.floor(at / 1000)),
    TimestampMs: String(at),
  };
}

function task(taskSid: string, status: string, at: number): Callback {
  return {
    TaskSid: taskSid,
    TaskAttributes: JSON.stringify({ from: '+15551230000', call_sid: sid('CA', taskSid), direction: 'inbound' }),
    TaskAge: '0',
    TaskPriority: '0',
    TaskAssignmentStatus: status,
    TaskChannelSid: sid('TC', 'voice'),
    TaskChannelUniqueName: 'voice',
    TaskDateCreated: String(Math.floor(at / 1000)),
    WorkflowSid: sid('WW', 'default'),
    WorkflowName: 'Default',
  };
}

const taskQueue = (name: string): Callback => ({
  TaskQueueSid: sid('WQ', name),
  TaskQueueName: name,
  TaskQueueTargetExpression: '1==1',
});

const worker = (name: string, activity = 'Available'): Callback => ({
  WorkerSid: sid('WK', name),
  WorkerName: name,
  WorkerAttributes: '{}',
  WorkerActivitySid: sid('WA', activity),
  WorkerActivityName: activity,
});

/** Builders for the events the feed maps; `task` is the TaskSid's key (the call). */
export const tr = {
  entered: (t: string, queue: string, at: number): Callback => ({
    ...common('task-queue.entered', at, `${t}:entered:${queue}:${at}`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'pending', at),
    ...taskQueue(queue),
  }),
  accepted: (t: string, queue: string, agent: string, at: number): Callback => ({
    ...common('reservation.accepted', at, `${t}:accepted:${agent}`, ['Reservation', sid('WR', `${t}:${agent}`)]),
    ...task(sid('WT', t), 'assigned', at),
    ...worker(agent, 'Busy'),
    TaskQueueSid: sid('WQ', queue),
    ReservationSid: sid('WR', `${t}:${agent}`),
    WorkflowSid: sid('WW', 'default'),
  }),
  canceled: (t: string, at: number, reason = 'hangup'): Callback => ({
    ...common('task.canceled', at, `${t}:canceled`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'canceled', at),
    TaskCanceledReason: reason,
  }),
  queueTimeout: (t: string, queue: string, at: number): Callback => ({
    ...common('task-queue.timeout', at, `${t}:qtimeout:${queue}`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'pending', at),
    ...taskQueue(queue),
  }),
  workflowTimeout: (t: string, at: number): Callback => ({
    ...common('workflow.timeout', at, `${t}:wtimeout`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'pending', at),
  }),
  transfer: (t: string, mode: 'COLD' | 'WARM', stage: 'initiated' | 'completed', to: string, at: number): Callback => ({
    ...common(`task.transfer-${stage}`, at, `${t}:transfer-${stage}`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'assigned', at),
    TransferMode: mode,
    TransferType: 'QUEUE',
    TransferTo: to,
  }),
  wrapup: (t: string, at: number): Callback => ({
    ...common('task.wrapup', at, `${t}:wrapup`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'wrapping', at),
  }),
  completed: (t: string, at: number): Callback => ({
    ...common('task.completed', at, `${t}:completed`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'completed', at),
    TaskCompletedReason: 'Task completed',
  }),
  activity: (agent: string, activity: string, at: number): Callback => ({
    ...common('worker.activity.update', at, `${agent}:activity:${at}`, ['Worker', sid('WK', agent)]),
    ...worker(agent, activity),
    WorkerTimeInPreviousActivity: '60',
    WorkerTimeInPreviousActivityMs: '60000',
    WorkerPreviousActivitySid: sid('WA', 'previous'),
    WorkerPreviousActivityName: 'previous',
  }),
  /** An event the wallboard does not count. */
  other: (type: string, t: string, at: number): Callback => ({
    ...common(type, at, `${t}:${type}`, ['Task', sid('WT', t)]),
    ...task(sid('WT', t), 'pending', at),
  }),
};

/** Posts a callback as TaskRouter does: form-encoded, signed over the URL and every parameter. */
export function deliver(app: TestApp, params: Callback, opts: { token?: string; url?: string; signature?: string | null; path?: string } = {}) {
  const signature = opts.signature === undefined ? twilio.getExpectedTwilioSignature(opts.token ?? AUTH_TOKEN, opts.url ?? PUBLIC_URL, params) : opts.signature;
  return app.request('POST', opts.path ?? '/api/v1/feeds/twilio', {
    raw: new URLSearchParams(params).toString(),
    contentType: 'application/x-www-form-urlencoded',
    headers: signature === null ? {} : { 'X-Twilio-Signature': signature },
  });
}
