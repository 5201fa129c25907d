// Status without colour, in real Chromium: a met, a near and a missed queue on the wall carry different shapes and
// words, and their colours stay apart for deuteranopes and protanopes (Machado et al. 2009, severity 1, on linear
// RGB; CIEDE2000 ≥ 20 between every pair), with AA contrast of the badge text. Figures that are not live go grey.
import { keepScreenshot, test, expect } from './fixtures.ts';

type RGB = [number, number, number];
type Lab = [number, number, number];

/** Machado, Oliveira & Fernandes 2009, severity 1.0, applied to linear RGB. */
const MACHADO = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
} as const;

function parseCss(colour: string): RGB {
  const m = /^rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(colour);
  if (!m) throw new Error(`not an rgb() colour: ${colour}`);
  return [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255];
}
const hex = (h: string): RGB => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as RGB;
const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const linear = (rgb: RGB): RGB => rgb.map(toLinear) as RGB;

function simulate(lin: RGB, m: readonly (readonly number[])[]): RGB {
  return m.map((row) => Math.min(1, Math.max(0, row[0]! * lin[0] + row[1]! * lin[1] + row[2]! * lin[2]))) as RGB;
}

/** Linear sRGB → CIELAB (D65). */
function lab([r, g, b]: RGB): Lab {
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIEDE2000 (Sharma, Wu & Dalal 2005). */
function deltaE2000([L1, a1, b1]: Lab, [L2, a2, b2]: Lab): number {
  const rad = Math.PI / 180;
  const Cbar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cbar ** 7 / (Cbar ** 7 + 25 ** 7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1);
  const C2p = Math.hypot(a2p, b2);
  const hue = (b: number, a: number) => (a === 0 && b === 0 ? 0 : (Math.atan2(b, a) / rad + 360) % 360);
  const h1p = hue(b1, a1p);
  const h2p = hue(b2, a2p);
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dLp = L2 - L1;
  const dCp = C2p - C1p;
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin((dhp * rad) / 2);
  const Lbarp = (L1 + L2) / 2;
  const Cbarp = (C1p + C2p) / 2;
  let hbarp = h1p + h2p;
  if (C1p * C2p !== 0) hbarp = Math.abs(h1p - h2p) > 180 ? (hbarp < 360 ? hbarp + 360 : hbarp - 360) / 2 : hbarp / 2;
  const T =
    1 -
    0.17 * Math.cos((hbarp - 30) * rad) +
    0.24 * Math.cos(2 * hbarp * rad) +
    0.32 * Math.cos((3 * hbarp + 6) * rad) -
    0.2 * Math.cos((4 * hbarp - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hbarp - 275) / 25) ** 2));
  const RC = 2 * Math.sqrt(Cbarp ** 7 / (Cbarp ** 7 + 25 ** 7));
  const SL = 1 + (0.015 * (Lbarp - 50) ** 2) / Math.sqrt(20 + (Lbarp - 50) ** 2);
  const SC = 1 + 0.045 * Cbarp;
  const SH = 1 + 0.015 * Cbarp * T;
  const RT = -Math.sin(2 * dTheta * rad) * RC;
  return Math.sqrt((dLp / SL) ** 2 + (dCp / SC) ** 2 + (dHp / SH) ** 2 + RT * (dCp / SC) * (dHp / SH));
}

/** WCAG 2 contrast ratio. */
function contrast(a: RGB, b: RGB): number {
  const lum = (c: RGB) => {
    const [r, g, bl] = linear(c);
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const seen = (rgb: RGB, vision: 'normal' | keyof typeof MACHADO): Lab => lab(vision === 'normal' ? linear(rgb) : simulate(linear(rgb), MACHADO[vision]));

test('the colour maths reproduces the complaint: the old green and amber merge for a deuteranope', () => {
  // Sharma et al.'s test pair 1 (ΔE00 = 2.0425) checks the formula itself.
  expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4);
  const [green, amber, red] = ['#2fd67b', '#ffbf3c', '#ff4d5e'].map(hex) as [RGB, RGB, RGB];
  expect(deltaE2000(seen(green, 'normal'), seen(amber, 'normal'))).toBeGreaterThan(20);
  expect(deltaE2000(seen(green, 'deuteranopia'), seen(amber, 'deuteranopia'))).toBeLessThan(20);
  expect(deltaE2000(seen(amber, 'deuteranopia'), seen(red, 'deuteranopia'))).toBeLessThan(20);
});

let seq = 0;
const id = () => `c${Date.now()}-${seq++}`;

test.describe('status on the wall without colour', () => {
  test('met, near and missed differ in shape, word and, for red-green colour-blind eyes, colour', async ({ page, server }, testInfo) => {
    const run = Date.now();
    const queues = { met: `met${run}`, near: `near${run}`, missed: `missed${run}` };
    // Two minutes ago, but today (UTC, the server's zone) even in the first two minutes of the day: the tiles show today.
    const start = Math.max(Date.now() - 120_000, Math.floor(Date.now() / 86_400_000) * 86_400_000);
    const calls = (queue: string, waits: number[]) =>
      waits.flatMap((wait, i) => [
        { id: id(), type: 'call.offered', ts: start + i, callId: `${queue}-${i}`, queue },
        { id: id(), type: 'call.answered', ts: start + i + wait, callId: `${queue}-${i}`, agent: `${queue}-a${i}` },
      ]);
    // Service level target 80%: 100% met; 75% is at the near band's edge; 50% is missed by 30 points.
    await server.send([...calls(queues.met, [5_000, 10_000]), ...calls(queues.near, [5_000, 6_000, 7_000, 45_000]), ...calls(queues.missed, [5_000, 50_000])]);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=${Object.values(queues).join(',')}`);

    const expected = { met: ['●', 'met', '100%'], near: ['▲', 'near', '75%'], missed: ['▼', '−30 pts', '50%'] } as const;
    const read = {} as Record<keyof typeof queues, { background: RGB; text: RGB; shape: string; word: string }>;
    for (const status of ['met', 'near', 'missed'] as const) {
      const tile = page.getByTestId(`queue-tile-${queues[status]}`);
      const [shape, word, sl] = expected[status];
      await expect(tile.getByTestId('sl')).toHaveText(sl);
      const badge = tile.getByTestId('sl-status');
      await expect(badge).toHaveAttribute('data-status', status);
      await expect(badge.locator('.shape')).toHaveText(shape);
      await expect(badge.locator('.word')).toHaveText(word);
      // Screen readers get the word, not the symbol.
      await expect(badge.locator('.shape')).toHaveAttribute('aria-hidden', 'true');
      await expect(badge.locator('.sr-only')).toContainText(
        status === 'met' ? 'target met' : status === 'near' ? 'near target' : 'target missed, 30 points under',
      );
      const colours = await badge.evaluate((el) => {
        const style = getComputedStyle(el);
        return { background: style.backgroundColor, text: style.color };
      });
      read[status] = {
        background: parseCss(colours.background),
        text: parseCss(colours.text),
        shape: (await badge.locator('.shape').textContent()) ?? '',
        word: (await badge.locator('.word').textContent()) ?? '',
      };
    }

    await keepScreenshot(page, testInfo, 'wall-status');
    const pairs = [
      ['met', 'near'],
      ['met', 'missed'],
      ['near', 'missed'],
    ] as const;
    for (const [a, b] of pairs) {
      expect(read[a].shape, `${a} and ${b} have different shapes`).not.toBe(read[b].shape);
      expect(read[a].word, `${a} and ${b} have different words`).not.toBe(read[b].word);
      for (const vision of ['normal', 'deuteranopia', 'protanopia'] as const) {
        const dE = deltaE2000(seen(read[a].background, vision), seen(read[b].background, vision));
        expect(dE, `${a} vs ${b} as seen with ${vision}: ΔE00 ${dE.toFixed(1)}`).toBeGreaterThanOrEqual(20);
      }
    }
    for (const status of ['met', 'near', 'missed'] as const) {
      const ratio = contrast(read[status].background, read[status].text);
      expect(ratio, `${status} badge text contrast ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
    }
  });

  test('says "live" only while the figures are live; otherwise greys them and gives their age', async ({ page, server }, testInfo) => {
    const queue = `fresh${Date.now()}`;
    // Half a minute ago, but today (UTC) even in the day's first half minute: the tile shows today's service level.
    const at = Math.max(Date.now() - 30_000, Math.floor(Date.now() / 86_400_000) * 86_400_000);
    await server.send([
      { id: id(), type: 'call.offered', ts: at, callId: `${queue}-1`, queue },
      { id: id(), type: 'call.answered', ts: at + 5_000, callId: `${queue}-1`, agent: `${queue}-a1` },
    ]);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=${queue}`);
    const freshness = page.getByTestId('freshness');
    const badge = page.getByTestId(`queue-tile-${queue}`).getByTestId('sl-status');
    await expect(badge).toHaveAttribute('data-status', 'met');
    await expect(freshness).toHaveText('live');
    await expect(freshness).toHaveAttribute('data-live', 'true');
    const liveBackground = await badge.evaluate((el) => getComputedStyle(el).backgroundColor);

    await server.kill();
    await expect(freshness).toHaveAttribute('data-live', 'false', { timeout: 5000 });
    await expect(freshness).toHaveText(/^offline · as of \d+:\d\d ago$/);
    await expect(page.getByTestId('wall')).toHaveClass(/not-live/);
    // Greyed, but still saying which status it was.
    await expect.poll(() => badge.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(liveBackground);
    const grey = parseCss(await badge.evaluate((el) => getComputedStyle(el).backgroundColor));
    expect(Math.max(...grey) - Math.min(...grey)).toBeLessThan(0.15);
    await expect(badge.locator('.word')).toHaveText('met');
    await keepScreenshot(page, testInfo, 'wall-not-live');

    await server.start();
    await expect(freshness).toHaveText('live', { timeout: 15_000 });
    await expect(page.getByTestId('wall')).not.toHaveClass(/not-live/);
  });
});
