/**
 * Where the floating toolbar sits and what the agent chose for it on each site — pure
 * functions only (no DOM, no storage), so they can be unit-tested in Node.
 *
 * Stored in chrome.storage.local under `callbar:toolbar`, one entry per page origin:
 *
 *   { "https://crm.example.com": { "x": 16, "y": 16, "collapsed": false, "hidden": false } }
 *
 * `x` / `y` are the distances in CSS pixels from the right / bottom edge of the viewport to
 * the toolbar's right / bottom edge, so it stays anchored where the agent put it when the
 * window changes size. Every field is optional: a missing or invalid one takes its default
 * (so the popup may write `{ hidden: false }` alone).
 */

export { arrowDelta, DEFAULT_PREFS, NUDGE_STEP, sitePrefs, type SitePrefs, type StoredToolbarPrefs, TOOLBAR_KEY, withSitePrefs } from '../shared/toolbar-prefs.ts';

export interface Offset {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

function clampAxis(value: number, box: number, viewport: number): number {
  const max = viewport - box;
  // Larger than the viewport: keep its left / top edge (the header) on screen.
  if (max <= 0) return Math.round(max);
  return Math.round(Math.min(Math.max(value, 0), max));
}

/** The offset that keeps a `box`-sized toolbar fully inside the `viewport` (as close to `offset`
 *  as possible). A toolbar larger than the viewport keeps its top-left corner on screen. */
export function clampOffset(offset: Offset, box: Size, viewport: Size): Offset {
  return { x: clampAxis(offset.x, box.width, viewport.width), y: clampAxis(offset.y, box.height, viewport.height) };
}

/** Where a drag that started at `start` puts the toolbar after the pointer moved by (dx, dy):
 *  moving right or down brings it closer to the right / bottom edge. */
export function draggedOffset(start: Offset, dx: number, dy: number): Offset {
  return { x: Math.round(start.x - dx), y: Math.round(start.y - dy) };
}

export function sameOffset(a: Offset | null, b: Offset | null): boolean {
  return !!a && !!b && a.x === b.x && a.y === b.y;
}

/** A box in viewport coordinates (a DOMRect's edges). */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Where CallBar puts a toolbar the agent has not placed: the offset closest to the bottom-right
 * corner (`margin` from the edges) where a `size` box covers none of `obstacles` (the page's
 * controls). It looks along the bottom edge first, right to left, then in rows further up, no
 * higher than the middle of the viewport: a toolbar belongs low and out of the reading path.
 * Touching a control is not covering it. Null when no such spot exists (the corner then).
 */
export function freeSpot(size: Size, viewport: Size, obstacles: readonly Box[], margin = 16, step = 8): Offset | null {
  const maxX = viewport.width - size.width - margin;
  const maxY = Math.min(viewport.height - size.height - margin, viewport.height / 2);
  for (let y = margin; y <= maxY; y += step) {
    const bottom = viewport.height - y;
    const top = bottom - size.height;
    const row = obstacles.filter((o) => o.bottom > top && o.top < bottom);
    for (let x = margin; x <= maxX; x += step) {
      const right = viewport.width - x;
      const left = right - size.width;
      if (!row.some((o) => o.right > left && o.left < right)) return { x, y };
    }
  }
  return null;
}
