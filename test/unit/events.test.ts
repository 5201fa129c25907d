// parseEvent, parseIsoInstant and idProblem: CONTRACT.md "Sending events" and the v2 rules on ids and times.
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, idProblem, parseEvent, parseIsoInstant } from '../../shared/events.ts';

const NOW = Date.UTC(2026, 2, 10, 14, 0, 0);
const FIFTEEN_MINUTES = 15 * 60 * 1000;
const options = { now: NOW, maxFutureMs: FIFTEEN_MINUTES };

/** A valid call.answered, with `fields` replacing or adding fields. */
const answered = (fields: Record<string, unknown> = {}) => ({ id: 'e-1', type: 'call.answered', ts: NOW, callId: 'c-1', agent: 'ann', ...fields });

/** What ts must be, as the 400 says it. */
const TS_FORMAT = 'must be epoch milliseconds (an integer) or an ISO-8601 string with an offset';

/** Every field of each event type, optional ones included, with a valid value. */
const VALID_FIELDS: Record<string, Record<string, unknown>> = {
  'call.offered': { callId: 'c', queue: 'q', caller: '+15551230000', callType: 'sales' },
  'call.answered': { callId: 'c', agent: 'a' },
  'call.abandoned': { callId: 'c' },
  'call.timeout': { callId: 'c' },
  'call.held': { callId: 'c' },
  'call.resumed': { callId: 'c' },
  'call.transferred': { callId: 'c', target: 't' },
  'call.ended': { callId: 'c' },
  'call.wrapped': { callId: 'c', resolved: true },
  'call.survey': { callId: 'c', score: 4 },
  'agent.state': { agent: 'a', state: 'available', reason: 'lunch' },
  'qa.evaluation': { callId: 'c', agent: 'a', score: 50, form: 'f', evaluator: 'e' },
};

/** The error message parseEvent gives, or undefined when the event is accepted. */
function problem(raw: unknown): string | undefined {
  const result = parseEvent(raw, 7, options);
  if (result.ok) return undefined;
  expect(result.error.index).toBe(7);
  return result.error.message;
}

/** The instant parseEvent stores for an accepted event; fails the test when it is refused. */
function acceptedAt(raw: unknown): number {
  const result = parseEvent(raw, 0, options);
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  return result.event.at;
}

describe('parseIsoInstant: strict dates and times', () => {
  it('reads an instant with an offset or Z', () => {
    expect(parseIsoInstant('2026-03-10T10:00:00-04:00')).toBe(NOW);
    expect(parseIsoInstant('2026-03-10T14:00:00Z')).toBe(NOW);
    expect(parseIsoInstant('2026-03-10T14:00:00.250Z')).toBe(NOW + 250);
    expect(parseIsoInstant('2026-03-10T15:30+01:30')).toBe(NOW);
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseIsoInstant('2024-02-29T12:00:00+01:00')).toBe(Date.UTC(2024, 1, 29, 11));
  });

  it.each([
    ['30 February', '2026-02-30T10:00:00Z'],
    ['29 February outside a leap year', '2026-02-29T10:00:00Z'],
    ['31 April', '2026-04-31T10:00:00Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['month 0', '2026-00-10T10:00:00Z'],
    ['day 0', '2026-03-00T10:00:00Z'],
    ['hour 24', '2026-03-10T24:00:00Z'],
    ['minute 60', '2026-03-10T10:60:00Z'],
    ['second 60', '2026-03-10T10:00:60Z'],
    ['an offset past 18:00', '2026-03-10T10:00:00+19:00'],
    ['no offset', '2026-03-10T10:00:00'],
    ['a date alone', '2026-03-10'],
    ['not a time at all', 'yesterday'],
  ])('refuses %s', (_what, text) => {
    expect(typeof parseIsoInstant(text)).toBe('string');
    expect(problem(answered({ ts: text }))).toMatch(/^ts: /);
  });
});

describe('parseEvent: the window of accepted instants', () => {
  it('accepts 2000-01-01T00:00:00Z and refuses one millisecond before, naming ts', () => {
    expect(acceptedAt(answered({ ts: '2000-01-01T00:00:00Z' }))).toBe(Date.UTC(2000, 0, 1));
    expect(acceptedAt(answered({ ts: Date.UTC(2000, 0, 1) }))).toBe(Date.UTC(2000, 0, 1));
    expect(problem(answered({ ts: Date.UTC(2000, 0, 1) - 1 }))).toMatch(/^ts: /);
    expect(problem(answered({ ts: '1999-12-31T23:59:59.999Z' }))).toMatch(/^ts: /);
  });

  it('accepts up to 15 minutes past the server’s clock and refuses one millisecond more', () => {
    expect(acceptedAt(answered({ ts: NOW + FIFTEEN_MINUTES }))).toBe(NOW + FIFTEEN_MINUTES);
    expect(acceptedAt(answered({ ts: '2026-03-10T14:15:00Z' }))).toBe(NOW + FIFTEEN_MINUTES);
    expect(problem(answered({ ts: NOW + FIFTEEN_MINUTES + 1 }))).toMatch(/^ts: /);
    expect(problem(answered({ ts: '2026-03-10T14:15:00.001Z' }))).toMatch(/^ts: /);
  });

  it('uses 15 minutes when maxFutureMs is not given, and honours a smaller one', () => {
    expect(parseEvent(answered({ ts: NOW + FIFTEEN_MINUTES }), 0, { now: NOW }).ok).toBe(true);
    expect(parseEvent(answered({ ts: NOW + FIFTEEN_MINUTES + 1 }), 0, { now: NOW }).ok).toBe(false);
    expect(parseEvent(answered({ ts: NOW + 60_001 }), 0, { now: NOW, maxFutureMs: 60_000 }).ok).toBe(false);
  });

  it('refuses a ts that is not whole milliseconds, or neither number nor string', () => {
    expect(problem(answered({ ts: NOW + 0.5 }))).toMatch(/^ts: /);
    expect(problem(answered({ ts: true }))).toMatch(/^ts: /);
  });
});

describe('ids (CONTRACT v2)', () => {
  const accepted: [string, string][] = [
    ['1 character', 'x'],
    ['128 characters', 'x'.repeat(128)],
    ['constructor', 'constructor'],
    ['__proto__', '__proto__'],
    ['toString', 'toString'],
    ['an emoji', '😀'],
    ['the characters : * { }', ':*{}'],
    ['a space and U+00A0 (after the C1 range)', 'a b\u00a0c'],
  ];
  const refused: [string, string][] = [
    ['0 characters', ''],
    ['129 characters', 'x'.repeat(129)],
    ['NUL', 'a\u0000b'],
    ['U+001F', 'a\u001fb'],
    ['DEL', 'a\u007fb'],
    ['C1 U+0085', 'a\u0085b'],
    ['C1 U+009F', 'a\u009fb'],
    ['an unpaired high surrogate', 'c\ud800'],
    ['an unpaired low surrogate', '\udc00c'],
  ];

  it.each(accepted)('idProblem accepts %s', (_what, id) => {
    expect(idProblem(id)).toBeNull();
  });

  it.each(refused)('idProblem refuses %s', (_what, id) => {
    expect(idProblem(id)).toEqual(expect.any(String));
  });

  for (const field of ['id', 'callId', 'agent'] as const) {
    it.each(accepted)(`parseEvent accepts ${field} with %s, unchanged`, (_what, id) => {
      const result = parseEvent(answered({ [field]: id }), 0, options);
      expect(result.ok).toBe(true);
      if (result.ok) expect((result.event as Record<string, unknown>)[field]).toBe(id);
    });

    it.each(refused)(`parseEvent refuses ${field} with %s, naming ${field} first`, (_what, id) => {
      expect(problem(answered({ [field]: id }))).toMatch(new RegExp(`^${field}: `));
    });
  }

  it('names queue and target when they are bad', () => {
    expect(problem({ id: 'e', type: 'call.offered', ts: NOW, callId: 'c', queue: '' })).toMatch(/^queue: /);
    expect(problem({ id: 'e', type: 'call.transferred', ts: NOW, callId: 'c', target: 'x'.repeat(129) })).toMatch(/^target: /);
  });

  it('keeps an event whose own keys look like prototype names as plain data', () => {
    const raw = JSON.parse('{"id":"__proto__","type":"call.offered","ts":1773151200000,"callId":"constructor","queue":"toString"}');
    const result = parseEvent(raw, 0, options);
    expect(result).toEqual({ ok: true, event: { id: '__proto__', type: 'call.offered', ts: NOW, at: NOW, callId: 'constructor', queue: 'toString' } });
  });
});

describe('parseEvent: messages name the field', () => {
  it.each([
    ['a missing required field', { id: 'e', type: 'call.offered', ts: NOW, callId: 'c' }, /^queue: /],
    ['a missing id', { type: 'call.ended', ts: NOW, callId: 'c' }, /^id: /],
    ['a missing ts', { id: 'e', type: 'call.ended', callId: 'c' }, /^ts: /],
    ['an unknown type', { id: 'e', type: 'call.parked', ts: NOW, callId: 'c' }, /^type: /],
    ['a score of 6', { id: 'e', type: 'call.survey', ts: NOW, callId: 'c', score: 6 }, /^score: /],
    ['a score of 0', { id: 'e', type: 'call.survey', ts: NOW, callId: 'c', score: 0 }, /^score: /],
    ['a score of 4.5', { id: 'e', type: 'call.survey', ts: NOW, callId: 'c', score: 4.5 }, /^score: /],
    ['an unknown state', { id: 'e', type: 'agent.state', ts: NOW, agent: 'ann', state: 'lunch' }, /^state: /],
    ['resolved as a string', { id: 'e', type: 'call.wrapped', ts: NOW, callId: 'c', resolved: 'yes' }, /^resolved: /],
    ['a numeric callId', { id: 'e', type: 'call.ended', ts: NOW, callId: 42 }, /^callId: /],
  ])('for %s', (_what, raw, field) => {
    expect(problem(raw)).toMatch(field);
  });

  it('says what is wrong with ts: missing, not a number or a string, not whole milliseconds', () => {
    const { ts: _ts, ...noTs } = answered();
    expect(problem(noTs)).toBe('ts: is required');
    for (const ts of [null, true, {}, [], [NOW]]) expect(problem(answered({ ts })), JSON.stringify(ts)).toBe(`ts: ${TS_FORMAT}`);
    expect(problem(answered({ ts: 1793503263464.5 }))).toBe('ts: must be epoch milliseconds as an integer (no fraction), or an ISO-8601 string');
  });

  it('never answers a bare "Invalid input": every wrong type of every field of every event type says what was wrong', () => {
    const WRONG: [string, unknown][] = [
      ['missing', undefined],
      ['null', null],
      ['true', true],
      ['a fraction', 1793503263464.5],
      ['a number', 7],
      ['a string', 'zz'],
      ['an object', {}],
      ['an array', []],
    ];
    for (const type of EVENT_TYPES) {
      const good = { id: 'e', type, ts: NOW, ...VALID_FIELDS[type] };
      expect(parseEvent(good, 0, options).ok, type).toBe(true);
      for (const field of Object.keys(good)) {
        for (const [what, value] of WRONG) {
          const raw: Record<string, unknown> = { ...good };
          if (value === undefined) delete raw[field];
          else raw[field] = value;
          const message = problem(raw);
          if (message === undefined) continue; // an optional field left out, or a number or string a field takes
          expect(message, `${type} ${field} ${what}`).toMatch(new RegExp(`^${field}: `));
          expect(message, `${type} ${field} ${what}`).not.toMatch(/invalid input/i);
          if (value === undefined) expect(message, `${type} ${field} ${what}`).toMatch(new RegExp(`^${field}: is required`));
        }
      }
    }
  });

  it('takes a null optional field as left out (many JSON writers send one), and still refuses a wrong type there', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'call.offered', callId: 'c', queue: 'q', caller: null, callType: null }, 'caller'],
      [{ type: 'call.wrapped', callId: 'c', resolved: null }, 'resolved'],
      [{ type: 'agent.state', agent: 'a', state: 'break', reason: null }, 'reason'],
      [{ type: 'qa.evaluation', callId: 'c', agent: 'a', score: 80, form: null, evaluator: null }, 'form'],
    ];
    for (const [fields, field] of cases) {
      const parsed = parseEvent({ id: 'e', ts: NOW, ...fields }, 0, options);
      expect(parsed.ok, field).toBe(true);
      if (parsed.ok) expect(Object.hasOwn(parsed.event, field), field).toBe(false);
      expect(problem({ id: 'e', ts: NOW, ...fields, [field]: 7 }), field).toMatch(new RegExp(`^${field}: `));
    }
    // A required field is not optional: null there is still refused.
    expect(problem(answered({ agent: null }))).toMatch(/^agent: /);
  });

  it('refuses what is not an object', () => {
    for (const raw of [null, [], 'call.ended', 3]) expect(problem(raw)).toBe('event must be a JSON object');
  });

  it('accepts each survey score from 1 to 5', () => {
    for (const score of [1, 2, 3, 4, 5])
      expect(parseEvent({ id: 'e', type: 'call.survey', ts: NOW, callId: 'c', score }, 0, options).ok, `score ${score}`).toBe(true);
  });
});

describe('parseEvent: qa.evaluation (CONTRACT v2 "More event types")', () => {
  const evaluation = (fields: Record<string, unknown> = {}) => ({ id: 'q', type: 'qa.evaluation', ts: NOW, callId: 'c', agent: 'ann', score: 87.5, ...fields });

  it('accepts any number from 0 to 100, with or without form and evaluator', () => {
    for (const score of [0, 0.5, 33.333333, 99.99, 100]) expect(problem(evaluation({ score })), `score ${score}`).toBeUndefined();
    expect(problem(evaluation({ form: 'Sales call v2', evaluator: 'Zoë Q.' }))).toBeUndefined();
  });

  it.each([
    ['a score over 100', { score: 100.01 }, /^score: must be from 0 to 100$/],
    ['a negative score', { score: -1 }, /^score: must be from 0 to 100$/],
    ['a score as a string', { score: '90' }, /^score: must be a number from 0 to 100$/],
    ['a null score', { score: null }, /^score: /],
    ['no score', { score: undefined }, /^score: is required$/],
    ['no agent', { agent: undefined }, /^agent: is required$/],
    ['a bad agent id', { agent: '' }, /^agent: /],
    ['no callId', { callId: undefined }, /^callId: is required$/],
    ['a form that is not text', { form: 3 }, /^form: /],
    ['an evaluator that is not text', { evaluator: ['x'] }, /^evaluator: /],
  ])('refuses %s, naming the field', (_what, fields, message) => {
    const raw = JSON.parse(JSON.stringify(evaluation(fields)));
    expect(problem(raw)).toMatch(message);
  });

  it('keeps prototype names as agent and call ids', () => {
    const result = parseEvent(evaluation({ agent: '__proto__', callId: 'constructor' }), 0, options);
    expect(result.ok && result.event).toMatchObject({ agent: '__proto__', callId: 'constructor', score: 87.5 });
  });
});
