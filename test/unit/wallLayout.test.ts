// The wall's layout as a function: which tile form, how many columns, and a scale that never lets a tile need more
// room than it has (the Playwright layout test checks the same on real screens).
import { describe, expect, it } from 'vitest';
import { AREA_VH, GAP_VH, TILE_NEEDS, wallLayout, type TileMode } from '../../client/src/lib/wallLayout.ts';

const SCREENS: [number, number][] = [
  [1366, 768],
  [1920, 1080],
  [3840, 2160],
];

describe('wallLayout', () => {
  it('gives 1 and 4 queues full tiles, 12 compact tiles in a 4×3 grid, and 30 dense rows on a 16:9 screen', () => {
    expect(wallLayout(1, 1920, 1080)).toMatchObject({ mode: 'full', cols: 1, rows: 1 });
    expect(wallLayout(4, 1920, 1080)).toMatchObject({ mode: 'full' });
    expect(wallLayout(12, 1920, 1080)).toMatchObject({ mode: 'compact', cols: 4, rows: 3 });
    expect(wallLayout(30, 1920, 1080).mode).toBe('dense');
  });

  it('is the same at every 16:9 size (sizes are in vh); 1366×768, nearly 16:9, has the same grid', () => {
    for (const n of [1, 4, 12, 30]) {
      expect(wallLayout(n, 3840, 2160)).toEqual(wallLayout(n, 1920, 1080));
      const { mode, cols, rows } = wallLayout(n, 1920, 1080);
      expect(wallLayout(n, 1366, 768)).toMatchObject({ mode, cols, rows });
    }
  });

  it('never gives a full or compact tile less room than it needs at its scale', () => {
    for (const [w, h] of SCREENS) {
      for (let n = 1; n <= 30; n++) {
        const layout = wallLayout(n, w, h);
        if (layout.mode === 'dense') continue;
        const need = TILE_NEEDS[layout.mode as Exclude<TileMode, 'dense'>];
        expect(layout.tileW, `${n} queues at ${w}×${h}`).toBeGreaterThanOrEqual(need.w * layout.scale - 1e-9);
        expect(layout.tileH, `${n} queues at ${w}×${h}`).toBeGreaterThanOrEqual(need.h * layout.scale - 1e-9);
        expect(layout.scale).toBeGreaterThanOrEqual(1);
        expect(layout.rows * layout.tileH + (layout.rows - 1) * GAP_VH).toBeLessThanOrEqual(AREA_VH[layout.mode] + 1e-9);
      }
    }
  });

  it('places every queue: columns × rows hold them all', () => {
    for (let n = 1; n <= 30; n++) {
      const layout = wallLayout(n, 1920, 1080);
      expect(layout.cols * layout.rows, `${n} queues`).toBeGreaterThanOrEqual(n);
    }
  });

  it('turns compact before full tiles would shrink below their readable size, and dense only after compact', () => {
    const order: TileMode[] = ['full', 'compact', 'dense'];
    let last = 0;
    for (let n = 1; n <= 30; n++) {
      const rank = order.indexOf(wallLayout(n, 1920, 1080).mode);
      expect(rank, `${n} queues`).toBeGreaterThanOrEqual(last);
      last = rank;
    }
  });

  it('gives the tiles no more than the room the banners leave them', () => {
    const roomy = wallLayout(4, 1920, 1080);
    const squeezed = wallLayout(4, 1920, 1080, 40);
    expect(squeezed.areaVh).toBe(40);
    expect(squeezed.rows * squeezed.tileH + (squeezed.rows - 1) * GAP_VH).toBeLessThanOrEqual(40 + 1e-9);
    expect(wallLayout(4, 1920, 1080, 500)).toEqual(roomy);
  });
});
