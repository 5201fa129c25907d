// How the wall lays out its queue tiles: which form (full, compact, dense rows), how many columns, and how much
// to scale, from the number of queues and the screen's shape. Every size on the wall is in vh, so a layout that
// fits at 1366×768 fits at 1920×1080 and 3840×2160 (the same shape) and fills 4K instead of stopping at caps.

/** full: every figure; compact: service level, waiting, longest wait, abandonment; dense: those four as table rows. */
export type TileMode = 'full' | 'compact' | 'dense';

export interface WallLayout {
  mode: TileMode;
  /** Columns of tiles (dense: columns of rows). */
  cols: number;
  rows: number;
  /** The tiles' unit: 1vh × this (≥ 1 while the queues fit at the smallest readable size). */
  scale: number;
  /** One tile's size, vh. */
  tileW: number;
  tileH: number;
  /** Height of the tiles' area, vh: the rest of the screen goes to totals and chart, and banners take from the chart. */
  areaVh: number;
}

/** The smallest tile each form needs, in vh at scale 1 (what QueueTile's styles add up to, with some room). */
export const TILE_NEEDS: Record<TileMode, { w: number; h: number }> = {
  full: { w: 64, h: 29.2 },
  compact: { w: 42.5, h: 19 },
  dense: { w: 58, h: 5.7 },
};
/** Height of the tiles' area per form, vh. */
export const AREA_VH: Record<TileMode, number> = { full: 60, compact: 62, dense: 70 };
/** However tall the banners, the tiles keep this much, vh. */
const MIN_AREA_VH = 12;
/** The column-label row above each column of dense rows, vh. */
export const DENSE_HEAD_VH = 3.4;
/** Gap between tiles, vh; the wall's side padding, vh each side. */
export const GAP_VH = 0.8;
export const PAD_VH = 1;
/** Past this the tile only gets emptier: the numbers are large enough from across the room. */
const MAX_SCALE = 2.6;

function best(n: number, widthVh: number, mode: TileMode, areaVh: number): Omit<WallLayout, 'mode' | 'areaVh'> {
  const need = TILE_NEEDS[mode];
  let found = { cols: 1, rows: n, scale: 0, tileW: 0, tileH: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const w = (widthVh - (cols - 1) * GAP_VH) / cols;
    const h = mode === 'dense' ? (areaVh - DENSE_HEAD_VH - (rows * GAP_VH) / 2) / rows : (areaVh - (rows - 1) * GAP_VH) / rows;
    const scale = Math.min(w / need.w, h / need.h);
    if (scale > found.scale) found = { cols, rows, scale, tileW: w, tileH: h };
  }
  return found;
}

/**
 * The layout for `n` queues on a screen `width`×`height` px. `roomVh`: the most height the tiles may take, vh (what
 * the header, banners and totals leave, less the chart's least), so tall banners shrink the tiles instead of pushing
 * them and the totals off the screen.
 */
export function wallLayout(n: number, width: number, height: number, roomVh = Infinity): WallLayout {
  const count = Math.max(1, n);
  const widthVh = (width / height) * 100 - 2 * PAD_VH;
  const area = (mode: TileMode) => Math.max(MIN_AREA_VH, Math.min(AREA_VH[mode], roomVh));
  for (const mode of ['full', 'compact'] as const) {
    const fit = best(count, widthVh, mode, area(mode));
    if (fit.scale >= 1) return { mode, ...fit, scale: Math.min(fit.scale, MAX_SCALE), areaVh: area(mode) };
  }
  // Dense rows shrink below the readable size only past what a wall is for (some 30 queues at 16:9).
  const fit = best(count, widthVh, 'dense', area('dense'));
  return { mode: 'dense', ...fit, scale: Math.min(fit.scale, MAX_SCALE), areaVh: area('dense') };
}

/** Whether a full tile has room for its targets line (some 3 lines more) at the layout's scale. */
export function roomForTargets(layout: WallLayout): boolean {
  return layout.mode === 'full' && layout.tileH >= (TILE_NEEDS.full.h + 8) * layout.scale;
}
