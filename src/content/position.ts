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
