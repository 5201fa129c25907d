// What a person cannot read on a screen, found in the page: text cut by a box that hides its overflow, text off the
// screen, and text drawn over other text. Queue names clamped to two lines are allowed (the whole name is in their title);
// text hidden on purpose (visibility: hidden, as the wall's chart row when banners take its room) is not looked at.
import type { Page } from '@playwright/test';

/**
 * Everything unreadable under `within` (a CSS selector; default the whole page), as readable problems (none: []).
 * `scrolls`: the page scrolls down, so only text past the sides is off the screen.
 */
export function unreadableText(page: Page, within = 'body', { scrolls = false } = {}): Promise<string[]> {
  return page.evaluate(
    ({ within, scrolls }) => {
      const found: string[] = [];
      const { innerWidth: vw, innerHeight: vh } = window;
      const root = document.querySelector(within);
      if (!root) return [`nothing matches ${within}`];
      interface Piece {
        el: HTMLElement;
        text: string;
        box: DOMRect;
        rects: DOMRect[];
      }
      const pieces: Piece[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || !node.textContent?.trim() || el.closest('.sr-only')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((r) => r.width > 1 && r.height > 1);
        if (!rects.length || getComputedStyle(el).visibility === 'hidden') continue;
        pieces.push({ el, text: node.textContent.trim().slice(0, 50), box: range.getBoundingClientRect(), rects });
      }
      const name = (p: Piece) => `"${p.text}" (${p.el.closest('[data-testid]')?.getAttribute('data-testid') ?? p.el.tagName.toLowerCase()})`;
      for (const p of pieces) {
        const clamped = p.el.closest<HTMLElement>('[data-testid="queue-name"]');
        if (clamped) {
          if (!clamped.title) found.push(`${name(p)} is clamped without its whole text in a title`);
          continue;
        }
        const below = !scrolls && (p.box.bottom > vh + 1 || p.box.top < -1);
        if (p.box.right > vw + 1 || p.box.left < -1 || below) found.push(`${name(p)} is off the screen`);
        for (let box: HTMLElement | null = p.el; box && box !== document.documentElement; box = box.parentElement) {
          const style = getComputedStyle(box);
          if (!/hidden|clip/.test(style.overflowX + style.overflowY)) continue;
          const r = box.getBoundingClientRect();
          if (p.box.left < r.left - 3 || p.box.right > r.right + 3 || p.box.top < r.top - 4 || p.box.bottom > r.bottom + 4) {
            found.push(`${name(p)} is cut by its ${box.tagName.toLowerCase()}.${[...box.classList].filter((c) => !c.startsWith('svelte-')).join('.')}`);
            break;
          }
        }
      }
      for (let i = 0; i < pieces.length; i++) {
        for (let j = i + 1; j < pieces.length; j++) {
          const [a, b] = [pieces[i]!, pieces[j]!];
          if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
          if (a.el.closest('[data-testid="queue-name"]') || b.el.closest('[data-testid="queue-name"]')) continue;
          const over = a.rects.some((x) =>
            b.rects.some((y) => {
              const w = Math.min(x.right, y.right) - Math.max(x.left, y.left);
              const h = Math.min(x.bottom, y.bottom) - Math.max(x.top, y.top);
              return w > 2 && h > Math.max(2, 0.2 * Math.min(x.height, y.height));
            }),
          );
          if (over) found.push(`${name(a)} overlaps ${name(b)}`);
        }
      }
      return found;
    },
    { within, scrolls },
  );
}
