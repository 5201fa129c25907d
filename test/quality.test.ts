// Evaluation forms and evaluations through the real API, Redis and Socket.IO: every role's path, versions, release into
// the quality figures (a re-release replaces), comments and acknowledgements live, self-assessments, CSV, bad input.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EvaluationRecord, EvaluationUpdate } from '../shared/qa.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { metrics } from './support/events.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = '2026-03-10';
let clock = NOW;
let app: TestApp;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { clock: () => clock });
  const put = (id: string, agents: string[]) => app.request('PUT', `/api/v1/teams/${id}`, { token: app.apiToken, body: { name: id, agents } });
  await put('red', ['r1', '__proto__']);
  await put('blue', ['b1']);
  const mint = async (role: string, subject?: string) =>
    (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, ...(subject ? { subject } : {}), name: `${role}-${subject ?? 'x'}` } }))
      .body.token as string;
  // An admin token comes from an admin: a signed-in one mints it.
  await app.application.directory.createUser({ username: 'qa-root', password: 'qa-root-password', role: 'admin' });
  const session = await app.request('POST', '/api/v1/session', { body: { username: 'qa-root', password: 'qa-root-password' } });
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
  const admin = await app.request('POST', '/api/v1/tokens', { cookie, body: { role: 'admin', name: 'qa-admin' } });
  Object.assign(tokens, {
    sup: app.apiToken,
    admin: admin.body.token as string,
    display: await mint('display'),
    lead: await mint('lead', 'red'),
    lead2: await mint('lead', 'red'),
    otherLead: await mint('lead', 'blue'),
    r1: await mint('agent', 'r1'),
    proto: await mint('agent', '__proto__'),
    b1: await mint('agent', 'b1'),
  });
});
afterAll(() => app.close());

const call = (method: string, path: string, token: string, body?: unknown, accept?: string) => app.request(method, path, { token, body, accept });
const form = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  sections: [
    {
      title: 'Opening',
      questions: [
        { id: 'greet', text: 'Greets by name', kind: 'yesno', weight: 1 },
        { id: 'dpa', text: 'Checks identity', kind: 'yesno', weight: 2, critical: true },
      ],
    },
    { title: 'Manner', questions: [{ id: 'tone', text: 'Tone', kind: 'scale', weight: 1 }] },
  ],
  ...extra,
});

async function publishedForm(id: string): Promise<void> {
  expect((await call('POST', '/api/v1/qa/forms', tokens.sup!, form(`Form ${id}`, { id }))).status).toBe(201);
  expect((await call('POST', `/api/v1/qa/forms/${encodeURIComponent(id)}/publish`, tokens.sup!)).status).toBe(200);
}

const answers = (greet: string, dpa: string, tone: number | string) => [
  { question: 'greet', value: greet },
  { question: 'dpa', value: dpa },
  { question: 'tone', value: tone },
];
const qaOf = async (scope: string) => {
  const m = await metrics(app, scope, DAY);
  return { evaluations: m.evaluations, qaScore: m.qaScore };
};

describe('forms', () => {
  it('are designed as a draft, changed while draft, published as version 1, and edited into version 2 without touching 1', async () => {
    const made = await call('POST', '/api/v1/qa/forms', tokens.sup!, form('Inbound', { id: 'constructor' }));
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: 'constructor', published: 0, draft: true, draftVersion: { version: 1, status: 'draft' } });
    expect((await call('PUT', '/api/v1/qa/forms/constructor', tokens.sup!, form('Inbound calls'))).body.draftVersion.name).toBe('Inbound calls');
    const v1 = await call('POST', '/api/v1/qa/forms/constructor/publish', tokens.sup!);
    expect(v1.body).toMatchObject({ published: 1, draft: false, versions: [1], latest: { version: 1, status: 'published', name: 'Inbound calls' } });
    const edited = form('Inbound calls', { sections: [{ title: 'All', questions: [{ id: 'greet', text: 'Greets', kind: 'yesno', weight: 5 }] }] });
    expect((await call('PUT', '/api/v1/qa/forms/constructor', tokens.sup!, edited)).body).toMatchObject({ published: 1, draftVersion: { version: 2 } });
    const first = await call('GET', '/api/v1/qa/forms/constructor/versions/1', tokens.lead!);
    expect(first.body.sections).toEqual(v1.body.latest.sections);
    expect((await call('POST', '/api/v1/qa/forms/constructor/publish', tokens.sup!)).body).toMatchObject({ published: 2, versions: [1, 2] });
    expect((await call('GET', '/api/v1/qa/forms/constructor/versions/1', tokens.r1!)).body).toEqual(first.body);
    expect((await call('POST', '/api/v1/qa/forms/constructor/publish', tokens.sup!)).status).toBe(409);
  });

  it('are designed by supervisors, admins and team leads; agents read published ones only', async () => {
    expect((await call('POST', '/api/v1/qa/forms', tokens.lead!, form('Lead form', { id: 'by-lead' }))).status).toBe(201);
    expect((await call('POST', '/api/v1/qa/forms/by-lead/publish', tokens.lead!)).body).toMatchObject({ published: 1 });
    expect((await call('POST', '/api/v1/qa/forms', tokens.r1!, form('Agent form'))).status).toBe(403);
    await call('POST', '/api/v1/qa/forms', tokens.sup!, form('Unpublished', { id: 'hidden' }));
    expect((await call('PUT', '/api/v1/qa/forms/hidden', tokens.r1!, form('x'))).status).toBe(403);
    expect((await call('POST', '/api/v1/qa/forms/hidden/publish', tokens.r1!)).status).toBe(403);
    expect((await call('GET', '/api/v1/qa/forms/hidden', tokens.r1!)).status).toBe(404);
    const ids = (token: string) => call('GET', '/api/v1/qa/forms', token).then((r) => r.body.forms.map((f: { id: string }) => f.id));
    expect(await ids(tokens.sup!)).toContain('hidden');
    expect(await ids(tokens.lead!)).toContain('hidden');
    expect(await ids(tokens.r1!)).not.toContain('hidden');
    expect(await ids(tokens.r1!)).toContain('by-lead');
  });

  it('are published once when two supervisors publish the same draft at once', async () => {
    await call('POST', '/api/v1/qa/forms', tokens.sup!, form('Race', { id: 'race' }));
    const [a, b] = await Promise.all([
      call('POST', '/api/v1/qa/forms/race/publish', tokens.sup!),
      call('POST', '/api/v1/qa/forms/race/publish', tokens.admin!),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((await call('GET', '/api/v1/qa/forms/race', tokens.sup!)).body).toMatchObject({ published: 1, versions: [1], draft: false });
  });

  it('are closed to display and ingest tokens and to nobody signed in', async () => {
    expect((await call('GET', '/api/v1/qa/forms', tokens.display!)).status).toBe(403);
    expect((await call('GET', '/api/v1/qa/forms', app.ingestToken)).status).toBe(403);
    expect((await app.request('GET', '/api/v1/qa/forms')).status).toBe(401);
    expect((await call('POST', '/api/v1/qa/forms', tokens.admin!, form('By an admin'))).status).toBe(201);
  });

  it('refuse bad input with 400 naming the field, and nothing changes', async () => {
    await publishedForm('__proto__');
    const before = (await call('GET', '/api/v1/qa/forms/__proto__', tokens.sup!)).body;
    const bad = form('Broken', { sections: [{ title: 'S', questions: [{ id: 'q', text: 'Q', kind: 'stars', weight: 1 }] }] });
    const res = await call('PUT', '/api/v1/qa/forms/__proto__', tokens.sup!, bad);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^sections\.0\.questions\.0\.kind: /);
    expect((await call('PUT', '/api/v1/qa/forms/__proto__', tokens.sup!, { ...form('W'), sections: [] })).body.message).toMatch(/^sections: /);
    expect((await call('GET', '/api/v1/qa/forms/__proto__', tokens.sup!)).body).toEqual(before);
    expect((await call('POST', '/api/v1/qa/forms', tokens.sup!, form('Again', { id: '__proto__' }))).status).toBe(409);
  });
});

describe('evaluations', () => {
  beforeAll(() => publishedForm('inbound'));
  const draft = (token: string, agent: string | undefined, extra: Record<string, unknown> = {}) =>
    call('POST', '/api/v1/qa/evaluations', token, { callId: `call-${agent}`, agent, formId: 'inbound', version: 1, answers: [], ...extra });

  it('go by role: a lead its teams’ agents, a supervisor anyone, an agent only itself and only as a self-assessment', async () => {
    expect((await draft(tokens.lead!, 'r1')).status).toBe(201);
    expect((await draft(tokens.lead!, 'b1')).status).toBe(403);
    expect((await draft(tokens.otherLead!, 'r1')).status).toBe(403);
    expect((await draft(tokens.sup!, 'b1')).status).toBe(201);
    expect((await draft(tokens.r1!, 'r1')).status).toBe(403);
    expect((await draft(tokens.r1!, 'b1', { kind: 'self' })).status).toBe(403);
    expect((await draft(tokens.lead!, 'r1', { kind: 'self' })).status).toBe(400);
    expect((await draft(tokens.lead!, 'r1', { version: 9 })).status).toBe(404);
    const wrong = await draft(tokens.lead!, 'r1', { answers: [{ question: 'tone', value: 'yes' }] });
    expect([wrong.status, wrong.body.message]).toEqual([400, 'answers.0.value: "tone" takes 1 to 5 or na']);
    expect((await draft(tokens.lead!, 'r1', { callId: '' })).body.message).toMatch(/^callId: /);
  });

  it('are drafts the agent cannot see; released, they feed the figures; a re-release replaces its score', async () => {
    const made = await draft(tokens.lead!, '__proto__', { callId: 'c-proto', answers: answers('yes', 'yes', 3) });
    const id = made.body.id as string;
    expect(made.body).toMatchObject({ status: 'draft', score: 87.5, agent: '__proto__', formName: 'Form inbound' });
    expect((await call('GET', `/api/v1/qa/evaluations/${id}`, tokens.proto!)).status).toBe(404);
    expect((await call('GET', '/api/v1/qa/evaluations?agent=me', tokens.proto!)).body.evaluations).toEqual([]);
    expect(await qaOf('agent:__proto__')).toEqual({ evaluations: 0, qaScore: null });
    const update = await call('PUT', `/api/v1/qa/evaluations/${id}`, tokens.lead!, { answers: answers('no', 'yes', 5) });
    expect(update.body.score).toBe(75);
    expect((await call('PUT', `/api/v1/qa/evaluations/${id}`, tokens.otherLead!, { answers: [] })).status).toBe(404);
    expect((await call('POST', `/api/v1/qa/evaluations/${id}/release`, tokens.lead!)).body).toMatchObject({ status: 'released', revision: 1 });
    expect(await qaOf('agent:__proto__')).toEqual({ evaluations: 1, qaScore: 0.75 });
    expect((await qaOf('team:red')).evaluations).toBe(1);
    expect((await call('PUT', `/api/v1/qa/evaluations/${id}`, tokens.lead!, { answers: [] })).status).toBe(409);
    expect((await call('GET', '/api/v1/qa/evaluations?agent=me', tokens.proto!)).body.evaluations.map((e: EvaluationRecord) => e.id)).toEqual([id]);
    clock += 60_000;
    await call('POST', `/api/v1/qa/evaluations/${id}/reopen`, tokens.lead!);
    await call('PUT', `/api/v1/qa/evaluations/${id}`, tokens.lead!, { answers: answers('yes', 'no', 5) });
    expect((await call('POST', `/api/v1/qa/evaluations/${id}/release`, tokens.lead!)).body).toMatchObject({ score: 0, criticalFailed: true, revision: 2 });
    expect(await qaOf('agent:__proto__')).toEqual({ evaluations: 1, qaScore: 0 });
  });

  it('are changed only by their evaluator or a supervisor; bad answers change nothing', async () => {
    const made = await draft(tokens.lead!, 'r1', { callId: 'c-owner', answers: answers('yes', 'yes', 5) });
    const path = `/api/v1/qa/evaluations/${made.body.id}`;
    expect((await call('GET', path, tokens.lead2!)).body.score).toBe(100);
    expect((await call('PUT', path, tokens.lead2!, { answers: [] })).status).toBe(403);
    expect((await call('POST', `${path}/release`, tokens.lead2!)).status).toBe(403);
    const bad = await call('PUT', path, tokens.lead!, { answers: [{ question: 'greet', value: 7 }] });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringMatching(/^answers\.0\.value: /)]);
    const unknown = await call('PUT', path, tokens.lead!, { answers: [{ question: 'constructor', value: 'yes' }] });
    expect(unknown.body.message).toBe('answers.0.question: no question "constructor" on this form version');
    expect((await call('GET', path, tokens.lead!)).body).toEqual(made.body);
    expect((await call('PUT', path, tokens.admin!, { answers: answers('no', 'yes', 5) })).body.score).toBe(75);
    expect((await call('GET', '/api/v1/qa/evaluations/constructor', tokens.sup!)).status).toBe(404);
  });

  it('tell the agent when a released one is taken back to draft', async () => {
    const agent = app.socket(tokens.r1);
    await nextEvent(agent, 'clock:synced');
    const made = await draft(tokens.sup!, 'r1', { callId: 'c-withdrawn', answers: answers('yes', 'yes', 1) });
    await call('POST', `/api/v1/qa/evaluations/${made.body.id}/release`, tokens.sup!);
    const withdrawn = nextEvent<EvaluationUpdate>(agent, 'qa:evaluation', (u) => 'withdrawn' in u);
    await call('POST', `/api/v1/qa/evaluations/${made.body.id}/reopen`, tokens.sup!);
    expect(await withdrawn).toEqual({ id: made.body.id, withdrawn: true });
    expect((await call('GET', `/api/v1/qa/evaluations/${made.body.id}`, tokens.r1!)).status).toBe(404);
  });

  it('are released only when every question has an answer', async () => {
    const made = await draft(tokens.sup!, 'r1', { callId: 'partial', answers: [{ question: 'greet', value: 'yes' }] });
    const res = await call('POST', `/api/v1/qa/evaluations/${made.body.id}/release`, tokens.sup!);
    expect([res.status, res.body.message]).toEqual([400, expect.stringMatching(/^answers: 2 question/)]);
  });

  it('reach the evaluator live when the agent comments and acknowledges', async () => {
    const lead = app.socket(tokens.lead);
    const agent = app.socket(tokens.r1);
    await Promise.all([nextEvent(lead, 'clock:synced'), nextEvent(agent, 'clock:synced')]);
    const made = await draft(tokens.lead!, 'r1', { callId: 'c-live', answers: answers('yes', 'yes', 5) });
    const id = made.body.id as string;
    const seen = nextEvent<EvaluationUpdate>(agent, 'qa:evaluation', (u) => 'evaluation' in u && u.evaluation.id === id);
    await call('POST', `/api/v1/qa/evaluations/${id}/release`, tokens.lead!);
    expect(await seen).toMatchObject({ evaluation: { status: 'released', score: 100 } });
    const commented = nextEvent<EvaluationUpdate>(lead, 'qa:evaluation', (u) => 'evaluation' in u && u.evaluation.comment !== undefined);
    expect((await call('POST', `/api/v1/qa/evaluations/${id}/comment`, tokens.r1!, { text: '=HYPERLINK("x")' })).status).toBe(200);
    expect(await commented).toMatchObject({ evaluation: { id, comment: { text: '=HYPERLINK("x")' } } });
    const acked = nextEvent<EvaluationUpdate>(lead, 'qa:evaluation', (u) => 'evaluation' in u && u.evaluation.acknowledgedAt !== undefined);
    await call('POST', `/api/v1/qa/evaluations/${id}/acknowledge`, tokens.r1!);
    expect(await acked).toMatchObject({ evaluation: { id, acknowledgedAt: new Date(clock).toISOString() } });
    expect((await call('POST', `/api/v1/qa/evaluations/${id}/comment`, tokens.proto!, { text: 'not mine' })).status).toBe(404);
    expect((await call('POST', `/api/v1/qa/evaluations/${id}/comment`, tokens.r1!, { text: '  ' })).body.message).toMatch(/^text: /);
    expect((await call('POST', `/api/v1/qa/evaluations/${id}/acknowledge`, tokens.lead!)).status).toBe(403);
  });

  it('take an agent’s self-assessment beside the evaluator’s, never in the figures', async () => {
    const before = await qaOf('agent:b1');
    const self = await draft(tokens.b1!, undefined, { kind: 'self', callId: 'c-b1', answers: answers('yes', 'yes', 5) });
    expect(self.body).toMatchObject({ kind: 'self', agent: 'b1', status: 'draft' });
    expect((await call('GET', `/api/v1/qa/evaluations/${self.body.id}`, tokens.sup!)).status).toBe(404);
    expect((await call('POST', `/api/v1/qa/evaluations/${self.body.id}/release`, tokens.b1!)).body.status).toBe('released');
    expect(await qaOf('agent:b1')).toEqual(before);
    const forCall = await call('GET', '/api/v1/qa/evaluations?callId=c-b1', tokens.otherLead!);
    expect(forCall.body.evaluations.map((e: EvaluationRecord) => e.kind)).toEqual(['self']);
    expect((await call('POST', `/api/v1/qa/evaluations/${self.body.id}/reopen`, tokens.sup!)).status).toBe(403);
  });

  it('export as CSV with timestamps, to supervisors and leads only, cells guarded', async () => {
    const res = await app.request('GET', `/api/v1/qa/evaluations?from=${DAY}&to=${DAY}`, { token: tokens.lead!, accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.split('\r\n');
    // text() would drop a BOM: the bytes show the header comes first (the screens' download adds a BOM for spreadsheets).
    const raw = await fetch(`${app.url}/api/v1/qa/evaluations`, { headers: { authorization: `Bearer ${tokens.sup}`, accept: 'text/csv' } });
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(await raw.arrayBuffer()).slice(0, 4))).toBe('"id"');
    expect(lines[0]).toBe(
      '"id","kind","callId","agent","formId","formName","version","evaluator","status","score","criticalFailed","createdAt","updatedAt","releasedAt","revision","comment","commentedAt","acknowledgedAt","answers"',
    );
    const live = lines.find((l) => l.includes('"c-live"'))!;
    expect(live).toContain(`"'=HYPERLINK(""x"")"`);
    expect(live).toContain('"greet=yes; dpa=yes; tone=5"');
    // The lead's export holds its teams only.
    expect(lines.some((l) => l.includes('"b1"'))).toBe(false);
    expect((await app.request('GET', '/api/v1/qa/evaluations', { token: tokens.r1!, accept: 'text/csv' })).status).toBe(403);
    expect((await call('GET', '/api/v1/qa/evaluations?agent=b1', tokens.lead!)).status).toBe(403);
    expect((await call('GET', '/api/v1/qa/evaluations?agent=b1', tokens.r1!)).status).toBe(403);
  });

  it('are kept with no expiry', async () => {
    const keys = await app.redis.keys(`${app.prefix}qa:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await app.redis.pttl(key)).toBe(-1);
  });
});
