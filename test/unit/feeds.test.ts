// Both feeds are one kind of part (server/adapters/feed.ts): raw units in, contract events with stable ids out.
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../shared/events.ts';
import { asteriskFeed, queueLogToEvents } from '../../server/adapters/asterisk.ts';
import { feedEvents, FeedInputError, type FeedAdapter } from '../../server/adapters/feed.ts';
import { readCallback, twilioFeed } from '../../server/adapters/twilio.ts';
import { tr, type Callback } from '../support/taskrouter.ts';

const T = Date.parse('2026-11-20T09:00:00Z');
const form = (callback: Callback) => new URLSearchParams(callback).toString();
const eventsOf = (callback: Callback, adapter = twilioFeed()) => feedEvents(adapter, [form(callback)]);

describe('the feed adapter interface', () => {
  it('is what both the Asterisk importer and the Twilio route use, and gives the same ids for the same input', () => {
    const adapters: [FeedAdapter<unknown>, string][] = [
      [asteriskFeed() as FeedAdapter<unknown>, '1700000000|1.1|sales|NONE|ENTERQUEUE||5551234|1'],
      [twilioFeed() as FeedAdapter<unknown>, form(tr.entered('A1', 'sales', T))],
    ];
    for (const [adapter, raw] of adapters) {
      const events = feedEvents(adapter, [raw, raw]);
      expect(events.map((e) => e.type)).toEqual(['call.offered', 'call.offered']);
      expect(events[0]!.id).toBe(events[1]!.id);
      expect(events[0]!.id.startsWith(`${adapter.platform}-`)).toBe(true);
      expect(parseEvent(events[0], 0, { now: T + 1 }).ok).toBe(true);
    }
  });

  it('keeps the Asterisk adapter as it was: blank lines and headers read as nothing', () => {
    const text = 'uid,date_time,callid,queue_name,type,event,param1,param2,param3\n\n1700000000|1.1|sales|NONE|ENTERQUEUE||5551234|1\n';
    expect(queueLogToEvents(text)).toEqual(feedEvents(asteriskFeed(), text.split('\n')));
    expect(queueLogToEvents(text)).toHaveLength(1);
  });
});

describe('the TaskRouter adapter', () => {
  it('maps each counted event type to the contract, ids from the event Sid', () => {
    const offer = tr.entered('A2', 'constructor', T);
    expect(eventsOf(offer)).toEqual([
      { id: `twilio-${offer.Sid}`, type: 'call.offered', ts: T, callId: offer.TaskSid, queue: 'constructor', caller: '+15551230000', callType: 'voice' },
    ]);
    const pick = (callback: Callback) => eventsOf(callback).map((e) => [e.type, 'agent' in e ? e.agent : 'target' in e ? e.target : undefined]);
    expect(pick(tr.accepted('A2', 'constructor', '__proto__', T + 1))).toEqual([['call.answered', '__proto__']]);
    expect(pick(tr.canceled('A2', T + 2))).toEqual([['call.abandoned', undefined]]);
    expect(pick(tr.canceled('A2', T + 2, 'Task TTL Exceeded'))).toEqual([['call.timeout', undefined]]);
    expect(pick(tr.queueTimeout('A2', 'q', T + 3))).toEqual([['call.timeout', undefined]]);
    expect(pick(tr.workflowTimeout('A2', T + 3))).toEqual([['call.timeout', undefined]]);
    expect(pick(tr.wrapup('A2', T + 4))).toEqual([['call.ended', undefined]]);
    expect(pick(tr.transfer('A2', 'COLD', 'initiated', 'WQ1', T + 5))).toEqual([['call.transferred', 'WQ1']]);
    expect(pick(tr.transfer('A2', 'WARM', 'initiated', 'WK1', T + 5))).toEqual([['call.transferred', 'WK1']]);
    expect(pick(tr.transfer('A2', 'COLD', 'completed', 'WQ1', T + 6))).toEqual([]);
    expect(pick(tr.transfer('A2', 'WARM', 'completed', 'WK1', T + 6))).toEqual([]);
    const done = tr.completed('A2', T + 7);
    expect(eventsOf(done).map((e) => [e.type, e.id])).toEqual([
      ['call.ended', `twilio-${done.Sid}-end`],
      ['call.wrapped', `twilio-${done.Sid}`],
    ]);
    expect(eventsOf(tr.other('task.created', 'A2', T))).toEqual([]);
  });

  it('maps activities through the defaults and the settings, an unknown one to break, names as data', () => {
    const adapter = twilioFeed({ activities: JSON.parse('[["__proto__","offline"],["Lunch","break"],["Available","offline"]]') });
    const state = (activity: string) => eventsOf(tr.activity('constructor', activity, T), adapter)[0];
    expect(state('__proto__')).toMatchObject({ type: 'agent.state', agent: 'constructor', state: 'offline', reason: '__proto__' });
    expect(state('Lunch')).toMatchObject({ state: 'break' });
    expect(state('Available')).toMatchObject({ state: 'offline' });
    expect(state('Offline')).toMatchObject({ state: 'offline' });
    expect(state('Training')).toMatchObject({ state: 'break', reason: 'Training' });
    expect(state('toString')).toMatchObject({ state: 'break' });
  });

  it('takes the time from TimestampMs, else Timestamp, and the id prefix from the source', () => {
    const { TimestampMs: _ms, ...seconds } = tr.entered('A3', 'q', T);
    expect(eventsOf(seconds)[0]!.ts).toBe(T);
    expect(eventsOf(tr.entered('A3', 'q', T), twilioFeed({ source: 'eu' }))[0]!.id).toMatch(/^eu-EV/);
    expect(readCallback('Sid=a&Sid=b&__proto__=x').get('__proto__')).toBe('x');
  });

  it('throws naming the field it cannot do without, and ignores unreadable attributes', () => {
    const { TaskSid: _sid, ...noTask } = tr.wrapup('A4', T);
    expect(() => eventsOf(noTask)).toThrow(FeedInputError);
    expect(() => eventsOf(noTask)).toThrow(/^TaskSid: is required for task\.wrapup/);
    expect(() => eventsOf({ ...tr.entered('A4', 'q', T), Timestamp: 'soon', TimestampMs: '' })).toThrow(/^Timestamp:/);
    expect(eventsOf({ ...tr.entered('A4', 'q', T), TaskAttributes: '{not json' })[0]).not.toHaveProperty('caller');
  });
});
