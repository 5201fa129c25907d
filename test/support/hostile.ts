// Arbitraries for the fuzz suite: hostile but valid ids, invalid ids and times, call stories, agent states and garbage.
import fc from 'fast-check';
import { EARLIEST } from './contract-model.ts';

export type Item = Record<string, unknown>;

/** The instant the generated times are relative to, whole seconds. */
export const NOW = Math.floor(Date.now() / 1000) * 1000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

// Each of these is a valid id (CONTRACT v2): not a control character among them.
const UNICODE_IDS = ['😀', '👩🏽‍💻 team', 'e\u0301\u0302', 'שלום', 'مرحبا', '\u202eevil', 'a\u200db', '\ufeffbom', 'line\u2028sep', '中文', 'ﬁ'];
const LONG_IDS = ['x'.repeat(128), 'ق:'.repeat(64), '{'.repeat(127) + '}', '%'.repeat(128)];
const ODD_IDS = ['q:1', '*', '{q}', '#', '%', '%20', '?x=1', '[0]', '\\', ' ', ' padded ', 'all', 'queue:x', 'agent:*', '/', 'a/b', '.', '..', 'null', '0'];
const CHARS = [':', '*', '{', '}', '#', '%', '?', '[', ']', '\\', ' ', '/', '&', '=', '+', '"', "'", '😀', 'e\u0301', 'ש', 'ق', '\u202e', 'a', 'Z', '0'];

/** A hostile id that the contract says is ordinary. */
export const validIdArb = fc.oneof(
  { arbitrary: fc.constantFrom(...PROTOTYPE_NAMES), weight: 3 },
  { arbitrary: fc.constantFrom(...UNICODE_IDS, ...ODD_IDS), weight: 3 },
  { arbitrary: fc.constantFrom(...LONG_IDS), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: 16 }), weight: 2 },
);

/** `arb` one time in `oneIn`, else undefined (fc.option's `freq` is the other way round). */
export const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 });

const controlArb = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c));

/** An id the contract refuses, by construction. */
const badIdArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('', 'x'.repeat(129), '{'.repeat(129), 'ש'.repeat(129), '\ud800', 'a\udc00', '\udbff\udbff', 'x\ud83d', '\ude00x'),
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 8 }), controlArb, fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 8 }))
    .map((p) => p.join('')),
  fc.constantFrom<unknown>(0, 42, null, true, {}, ['a'], { toString: 'x' }),
);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** How a time is written: epoch ms, ISO with Z, or ISO with an offset up to ±18:00. */
const formatArb = fc.record({
  kind: fc.constantFrom('epoch', 'epoch', 'Z', 'offset'),
  offsetMinutes: fc.constantFrom(-18 * 60, -10 * 60, -3 * 60 - 30, 0, 5 * 60 + 30, 5 * 60 + 45, 14 * 60, 18 * 60),
  fraction: fc.boolean(),
});
type Format = typeof formatArb extends fc.Arbitrary<infer F> ? F : never;

export function render(at: number, format: Format): number | string {
  if (format.kind === 'epoch') return at;
  const offset = format.kind === 'Z' ? 0 : format.offsetMinutes;
  const local = new Date(at + offset * MINUTE).toISOString();
  const base = format.fraction ? local.slice(0, 23) : local.slice(0, 19);
  if (format.kind === 'Z') return `${base}Z`;
  return `${base}${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

const recent = new Date(NOW - 2 * DAY).toISOString().slice(0, 10);
const lastYear = new Date(NOW).getUTCFullYear() - 1;
const nonLeap = [lastYear, lastYear - 1, lastYear - 2, lastYear - 3].find((y) => y % 4 !== 0)!;

/** A `ts` the contract refuses; most would be in range if the rule that refuses them were ignored. */
const badTsArb: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  0,
  -1,
  -NOW,
  EARLIEST - 1,
  8.64e15,
  1e21,
  NOW + 20 * MINUTE,
  NOW + 365 * DAY,
  NOW - DAY + 0.5,
  'NaN',
  'Infinity',
  '-Infinity',
  '',
  'now',
  String(NOW - DAY),
  null,
  true,
  {},
  [NOW - DAY],
  `${lastYear}-02-30T10:00:00Z`,
  `${nonLeap}-02-29T10:00:00Z`,
  `${lastYear}-04-31T10:00:00Z`,
  `${lastYear}-13-01T10:00:00Z`,
  `${lastYear}-00-10T10:00:00Z`,
  `${recent}T24:00:00Z`,
  `${recent}T23:60:00Z`,
  `${recent}T23:59:60Z`,
  `${recent}T10:00:00`,
  `${recent}T10:00:00.000`,
  recent,
  `${recent}T10:00:00+18:30`,
  `${recent}T10:00:00-18:01`,
  `${recent}T10:00:00+19:00`,
  `${recent}T10:00:00-24:00`,
  `${recent}T10:00:00+05:60`,
  '1999-12-31T23:59:59Z',
  '2000-01-01T00:30:00+01:00',
  '0000-01-01T00:00:00Z',
  '2999-01-01T00:00:00Z',
  new Date(NOW + 20 * MINUTE).toISOString(),
);

const badTypeArb = fc.constantFrom<unknown>(
  'call.unknown',
  'CALL.OFFERED',
  'call.offered ',
  '',
  'call',
  'agent.State',
  ...PROTOTYPE_NAMES,
  42,
  null,
  true,
  ['call.offered'],
  {},
);
const badScoreArb = fc.constantFrom<unknown>(0, 6, -1, 4.5, 100.5, '5', null, true, 1e9, []);
const badStateArb = fc.constantFrom<unknown>('Available', 'away', '', 'onCall', ...PROTOTYPE_NAMES, 1, null);
/** Not a boolean (`null` is not here: an optional field sent as null is the field left out). */
const badResolvedArb = fc.constantFrom<unknown>('true', 1, 0, 'yes');

/** Whole items that are no event at all. */
const garbageArb = fc.constantFrom<unknown>(null, 0, 42.5, -1, 'call.offered', '', true, false, [], [{}], {}, { type: 'call.offered' }, { id: 'x' });

/** Extra fields an event may carry (the contract lets senders add fields); some try to pollute prototypes. */
const extrasArb = fc.constantFrom<Item>(
  { note: 'extra' },
  ownProto({ polluted: true }),
  { constructor: { prototype: { polluted: true } } },
  { toString: 'x', valueOf: null, hasOwnProperty: 1 },
  { callId: 'stray', score: 99, state: 'nope', target: '' },
);

/** An object with an own `__proto__` field, as JSON.parse makes one. */
function ownProto(value: unknown): Item {
  return JSON.parse(`{"__proto__":${JSON.stringify(value)}}`) as Item;
}

const textArb = fc.constantFrom('+1 555 0100', 'Zoë ☎', 'line\nbreak', '😀', '{"json":true}', '\u202ertl');

/** A qa.evaluation score: whole points mostly, sometimes the edges or fractions. */
const qaScoreArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 3 },
  { arbitrary: fc.constantFrom(0, 100, 87.5, 33.333333, 0.1, 99.99, 66.67), weight: 1 },
);

/** One call's story, from offer to survey (or cut short, still live), with its events' times in ts order. */
export const callArb = fc.record({
  ago: fc.integer({ min: 2 * 3600, max: 3 * 86400 }),
  callId: validIdArb,
  queue: validIdArb,
  agent: validIdArb,
  caller: fc.option(textArb, { nil: undefined }),
  wait: fc.integer({ min: 0, max: 90 }),
  outcome: fc.constantFrom('waiting', 'abandoned', 'timeout', 'answered', 'answered', 'answered'),
  holds: fc.integer({ min: 0, max: 2 }),
  transfer: fc.option(fc.record({ toQueue: fc.boolean(), target: validIdArb, agent: validIdArb }), { nil: undefined }),
  talk: fc.integer({ min: 1, max: 900 }),
  wrap: fc.option(fc.record({ seconds: fc.integer({ min: 1, max: 120 }), resolved: fc.option(fc.boolean(), { nil: undefined }) }), { nil: undefined }),
  survey: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  /** qa.evaluation events after the call: of its first agent, its transfer agent or another; a repeat replaces. */
  evaluations: fc.array(fc.record({ after: fc.integer({ min: 1, max: 1800 }), who: fc.nat(3), other: validIdArb, score: qaScoreArb }), {
    maxLength: 3,
  }),
  cut: rarely(fc.integer({ min: 1, max: 10 }), 4),
  ids: fc.array(fc.option(validIdArb, { nil: undefined, freq: 3 }), { minLength: 16, maxLength: 16 }),
  formats: fc.array(formatArb, { minLength: 16, maxLength: 16 }),
  extras: fc.array(rarely(extrasArb, 6), { minLength: 16, maxLength: 16 }),
});
export type CallPlan = typeof callArb extends fc.Arbitrary<infer C> ? C : never;

/** An agent.state, mostly in the last three days, sometimes at the edges: 2000-01-01 exactly, or 14 minutes ahead. */
export const stateArb = fc.record({
  agent: validIdArb,
  at: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 3 * 86400 }).map((s) => NOW - s * 1000), weight: 8 },
    { arbitrary: fc.constant(EARLIEST), weight: 1 },
    { arbitrary: fc.constant(NOW + 14 * MINUTE), weight: 1 },
  ),
  state: fc.constantFrom('available', 'break', 'offline'),
  reason: fc.option(textArb, { nil: undefined }),
  id: fc.option(validIdArb, { nil: undefined }),
  format: formatArb,
  extras: rarely(extrasArb, 6),
});
export type StatePlan = typeof stateArb extends fc.Arbitrary<infer S> ? S : never;

/** What turns a valid event into (mostly) an invalid item. */
export const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom('id', 'callId', 'queue', 'agent', 'target'), value: badIdArb }),
  fc.record({ kind: fc.constant('set' as const), field: fc.constant('ts'), value: badTsArb }),
  fc.record({ kind: fc.constant('set' as const), field: fc.constant('type'), value: badTypeArb }),
  fc.record({ kind: fc.constant('set' as const), field: fc.constant('score'), value: badScoreArb }),
  fc.record({ kind: fc.constant('set' as const), field: fc.constant('state'), value: badStateArb }),
  fc.record({ kind: fc.constant('set' as const), field: fc.constant('resolved'), value: badResolvedArb }),
  fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom('id', 'ts', 'type', 'callId', 'queue', 'agent', 'target', 'score', 'state') }),
  fc.record({ kind: fc.constant('set' as const), field: fc.constantFrom('form', 'evaluator'), value: fc.constantFrom<unknown>(1, ['x'], {}, '\ud800') }),
  fc.record({ kind: fc.constant('garbage' as const), value: garbageArb }),
  fc.record({ kind: fc.constant('line' as const), text: fc.constantFrom('{oops', '[1,', 'nul', '"unterminated', '{"id":"a",}') }),
);
export type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;
