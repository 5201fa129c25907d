// Asterisk queue_log → wallboard events. Reads the native pipe format and the CSV export of the
// queue_log database table; verbs it does not know (outbound dialling, ring-no-answer, system lines) are skipped.
import { createHash } from 'node:crypto';
import type { WallboardEvent } from '../../shared/events.ts';
import { feedEvents, type FeedAdapter } from './feed.ts';

/** One queue_log line, whichever format it came in. */
interface QueueLogLine {
  /** Epoch seconds. */
  time: number;
  callid: string;
  queue: string;
  agent: string;
  verb: string;
  data: string[];
}

export interface AsteriskOptions {
  /** Prefix of every event id, so two PBXs can feed one wallboard. */
  source?: string;
  /** After-call work Asterisk gives agents (`wrapuptime`), in seconds: a call counts as handled this long after it ends. */
  wrapSeconds?: number;
}

/** Parses a native line `time|callid|queue|agent|verb|data1|…`; null for a line that is not one. */
export function parsePipeLine(line: string): QueueLogLine | null {
  const parts = line.trim().split('|');
  if (parts.length < 5 || !/^\d+$/.test(parts[0]!)) return null;
  const [time, callid, queue, agent, verb, ...data] = parts as [string, string, string, string, string, ...string[]];
  return { time: Number(time), callid, queue, agent, verb, data };
}

/** Parses the CSV export (uid,date_time,callid,queue_name,type,event,param1,param2,param3,…). */
function parseCsvLine(line: string): QueueLogLine | null {
  const cells = splitCsv(line);
  if (cells.length < 9 || !/^\d+$/.test(cells[1] ?? '')) return null;
  return { time: Number(cells[1]), callid: cells[2]!, queue: cells[3]!, agent: cells[4]!, verb: cells[5]!, data: cells.slice(6, 9) };
}

/** One line in either format; null for a blank line, a CSV header or anything else that is not a queue_log line. */
function parseQueueLogLine(line: string): QueueLogLine | null {
  if (line.trim() === '') return null;
  return line.includes('|') ? parsePipeLine(line) : parseCsvLine(line);
}

/** `Agent/1127`, `Local/1127@callback-agent`, `PJSIP/1127` → `1127`. */
export function agentId(channel: string): string {
  return channel.replace(/^[A-Za-z]+\//, '').replace(/@.*$/, '');
}

const none = (s: string) => s === '' || s === 'NONE';

/** The wallboard events one queue_log line stands for (often none). */
function toEvents(line: QueueLogLine, opts: AsteriskOptions = {}): WallboardEvent[] {
  const ts = line.time * 1000;
  const key = createHash('sha1')
    .update(`${line.time}|${line.callid}|${line.queue}|${line.agent}|${line.verb}|${line.data.join('|')}`)
    .digest('hex')
    .slice(0, 16);
  const id = (suffix = '') => `${opts.source ?? 'asterisk'}-${key}${suffix}`;
  const callId = line.callid;
  const agent = agentId(line.agent);
  switch (line.verb) {
    case 'ENTERQUEUE': {
      if (none(line.queue) || none(callId)) return [];
      // Native: ENTERQUEUE|url|callerid; the CSV export keeps only the caller id in param1.
      const caller = [line.data[1], line.data[0]].find((d) => d !== undefined && !none(d));
      return [{ id: id(), type: 'call.offered', ts, callId, queue: line.queue, ...(caller ? { caller } : {}) }];
    }
    case 'CONNECT':
      return none(line.agent) ? [] : [{ id: id(), type: 'call.answered', ts, callId, agent }];
    case 'ABANDON':
      return [{ id: id(), type: 'call.abandoned', ts, callId }];
    case 'EXITWITHTIMEOUT':
    case 'EXITEMPTY':
    case 'EXITWITHKEY':
      return [{ id: id(), type: 'call.timeout', ts, callId }];
    case 'HOLD':
      return [{ id: id(), type: 'call.held', ts, callId }];
    case 'UNHOLD':
      return [{ id: id(), type: 'call.resumed', ts, callId }];
    case 'COMPLETEAGENT':
    case 'COMPLETECALLER': {
      const wrapMs = (opts.wrapSeconds ?? 0) * 1000;
      return [
        { id: id(), type: 'call.ended', ts, callId },
        // queue_log has no wrap-up line: the wrap-up ends `wrapuptime` after the call (same instant when 0).
        { id: id('-w'), type: 'call.wrapped', ts: ts + wrapMs, callId },
      ];
    }
    case 'TRANSFER':
    case 'BLINDTRANSFER':
    case 'ATTENDEDTRANSFER': {
      const target = line.data.find((d) => !none(d)) ?? 'external';
      return [{ id: id(), type: 'call.transferred', ts, callId, target }];
    }
    case 'ADDMEMBER':
    case 'AGENTLOGIN':
    case 'AGENTCALLBACKLOGIN':
    case 'UNPAUSE':
    case 'UNPAUSEALL':
      return none(line.agent) ? [] : [{ id: id(), type: 'agent.state', ts, agent, state: 'available' }];
    case 'PAUSE':
    case 'PAUSEALL':
      return none(line.agent) ? [] : [{ id: id(), type: 'agent.state', ts, agent, state: 'break', ...(line.data[0] ? { reason: line.data[0] } : {}) }];
    case 'REMOVEMEMBER':
    case 'AGENTLOGOFF':
    case 'AGENTCALLBACKLOGOFF':
      return none(line.agent) ? [] : [{ id: id(), type: 'agent.state', ts, agent, state: 'offline' }];
    default:
      return [];
  }
}

/** The feed adapter (server/adapters/feed.ts): a unit is one queue_log line; ids are a hash of the line. */
export function asteriskFeed(opts: AsteriskOptions = {}): FeedAdapter<QueueLogLine> {
  return { platform: 'asterisk', read: parseQueueLogLine, toEvents: (line) => toEvents(line, opts) };
}

export function queueLogToEvents(text: string, opts: AsteriskOptions = {}): WallboardEvent[] {
  return feedEvents(asteriskFeed(opts), text.split(/\r?\n/));
}

function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
