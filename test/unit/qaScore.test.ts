// The evaluation score (shared/qa.ts): weights, n/a, the 1–5 scale, critical questions, and answers checked against a form version.
import { describe, expect, it } from 'vitest';
import { answersProblem, formBody, scoreOf, type Answer, type Question } from '../../shared/qa.ts';

const q = (id: string, kind: 'yesno' | 'scale', weight: number, critical = false): Question => ({ id, text: `Q ${id}`, kind, weight, critical });
const form = (...questions: Question[]) => ({
  sections: [
    { title: 'One', questions: questions.slice(0, 2) },
    { title: 'Two', questions: questions.slice(2) },
  ],
});
const a = (question: string, value: Answer['value']): Answer => ({ question, value });

describe('the score by weights', () => {
  const f = form(q('greet', 'yesno', 1), q('verify', 'yesno', 3), q('tone', 'scale', 2), q('close', 'yesno', 4));

  it('is Σ(weight × points) / Σ(weight) as a percentage, yes 1 and no 0', () => {
    // greet yes (1×1), verify no (3×0), tone 4 → 3/4 (2×0.75), close yes (4×1): (1 + 0 + 1.5 + 4) / 10.
    const answers = [a('greet', 'yes'), a('verify', 'no'), a('tone', 4), a('close', 'yes')];
    expect(scoreOf(f, answers)).toEqual({ score: 65, criticalFailed: false, unanswered: 0 });
  });

  it('puts a scale answer v at (v − 1) / 4: 1 is nothing, 5 is everything', () => {
    const only = form(q('tone', 'scale', 2));
    expect([1, 2, 3, 4, 5].map((v) => scoreOf(only, [a('tone', v as Answer['value'])]).score)).toEqual([0, 25, 50, 75, 100]);
  });

  it('leaves n/a questions out of both sums', () => {
    // verify n/a: (1 + 2×0.5) / (1 + 2 + 4) with close no.
    const answers = [a('greet', 'yes'), a('verify', 'na'), a('tone', 3), a('close', 'no')];
    expect(scoreOf(f, answers).score).toBeCloseTo(200 / 7, 10);
    expect(scoreOf(f, [a('greet', 'no'), a('verify', 'na'), a('tone', 'na'), a('close', 'na')]).score).toBe(0);
  });

  it('counts only answered questions, and says how many are left', () => {
    expect(scoreOf(f, [a('verify', 'yes')])).toEqual({ score: 100, criticalFailed: false, unanswered: 3 });
  });

  it('has no score when everything is n/a or nothing is answered (null, not 0 nor 100)', () => {
    expect(scoreOf(f, [a('greet', 'na'), a('verify', 'na'), a('tone', 'na'), a('close', 'na')]).score).toBeNull();
    expect(scoreOf(f, []).score).toBeNull();
  });
});

describe('critical questions', () => {
  const f = form(q('greet', 'yesno', 1), q('dpa', 'yesno', 1, true), q('tone', 'scale', 5, true));

  it('zero the score when a yes/no one is answered no, whatever the rest', () => {
    expect(scoreOf(f, [a('greet', 'yes'), a('dpa', 'no'), a('tone', 5)])).toEqual({ score: 0, criticalFailed: true, unanswered: 0 });
  });

  it('zero the score when a scale one is at 1, and not at 2', () => {
    expect(scoreOf(f, [a('greet', 'yes'), a('dpa', 'yes'), a('tone', 1)]).score).toBe(0);
    expect(scoreOf(f, [a('greet', 'yes'), a('dpa', 'yes'), a('tone', 2)]).score).toBeCloseTo(((1 + 1 + 5 * 0.25) / 7) * 100, 10);
  });

  it('do not fail when answered n/a', () => {
    expect(scoreOf(f, [a('greet', 'yes'), a('dpa', 'na'), a('tone', 5)])).toMatchObject({ score: 100, criticalFailed: false });
  });
});

describe('answers against a form version', () => {
  const v1 = form(q('greet', 'yesno', 1), q('tone', 'scale', 1));
  const v2 = form(q('greet', 'yesno', 1), q('hold', 'yesno', 3));

  it('scores the same answers by the version they were made with', () => {
    const answers = [a('greet', 'yes'), a('tone', 1)];
    expect(scoreOf(v1, answers).score).toBe(50);
    // On v2 `tone` is no question at all: refused, not silently dropped.
    expect(answersProblem(v2, answers)).toBe('answers.1.question: no question "tone" on this form version');
    expect(scoreOf(v2, [a('greet', 'yes'), a('hold', 'no')]).score).toBe(25);
  });

  it('refuses a value of the wrong kind or a question answered twice, naming the field', () => {
    expect(answersProblem(v1, [a('greet', 3)])).toBe('answers.0.value: "greet" takes yes, no or na');
    expect(answersProblem(v1, [a('tone', 'yes')])).toBe('answers.0.value: "tone" takes 1 to 5 or na');
    expect(answersProblem(v1, [a('greet', 'yes'), a('greet', 'no')])).toBe('answers.1.question: "greet" is answered twice');
    expect(answersProblem(v1, [a('greet', 'na'), a('tone', 'na')])).toBeNull();
  });

  it('keeps prototype names as question ids', () => {
    const f = form(q('__proto__', 'yesno', 1), q('constructor', 'scale', 1));
    expect(answersProblem(f, [a('constructor', 5), a('__proto__', 'no')])).toBeNull();
    expect(scoreOf(f, [a('constructor', 5), a('__proto__', 'no')]).score).toBe(50);
    expect(answersProblem(f, [a('toString', 'yes')])).toMatch(/no question "toString"/);
  });
});

describe('the form schema', () => {
  const good = { name: 'Inbound', sections: [{ title: 'Open', questions: [{ id: 'g', text: 'Greets', kind: 'yesno', weight: 1 }] }] };

  it('takes a good form and defaults critical to false', () => {
    expect(formBody.parse(good).sections[0]!.questions[0]!.critical).toBe(false);
  });

  it.each([
    ['a weight of 0', { weight: 0 }, 'sections.0.questions.0.weight'],
    ['an unknown kind', { kind: 'stars' }, 'sections.0.questions.0.kind'],
    ['an empty text', { text: ' ' }, 'sections.0.questions.0.text'],
  ])('refuses %s naming the field', (_what, change, path) => {
    const bad = { ...good, sections: [{ title: 'Open', questions: [{ ...good.sections[0]!.questions[0]!, ...change }] }] };
    const result = formBody.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });

  it('refuses a question id used twice', () => {
    const twice = { ...good, sections: [good.sections[0], good.sections[0]] };
    expect(formBody.safeParse(twice).error!.issues[0]!.message).toBe('"g" is used twice');
  });
});
