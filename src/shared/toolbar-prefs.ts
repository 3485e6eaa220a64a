/**
 * What the agent chose for the floating toolbar on each site — shared by the toolbar frame,
 * the content script that places it and the popup's "在本站显示工具条" switch. Pure: no DOM,
 * no storage.
 *
 * Stored in chrome.storage.local under `callbar:toolbar`, one entry per page origin:
 *
 *   { "https://crm.example.com": { "x": 16, "y": 16, "placed": true, "collapsed": false, "hidden": false } }
 *
 * `x` / `y` are the distances in CSS pixels from the right / bottom edge of the viewport to
 * the toolbar's right / bottom edge, so it stays anchored where the agent put it when the
 * window changes size. `placed` says the agent put it there (dragged or moved it with the
 * keys); until then CallBar picks a spot that covers none of the page's controls
 * (content/position.ts `freeSpot`), on each page. Every field is optional: a missing or invalid one takes its default
 * (so the popup may write `{ hidden: false }` alone).
 */

export const TOOLBAR_KEY = 'callbar:toolbar';

export interface SitePrefs {
  /** Distance from the viewport's right edge to the toolbar's right edge (px). */
  x: number;
  /** Distance from the viewport's bottom edge to the toolbar's bottom edge (px). */
  y: number;
  /** The agent chose x / y (a drag, arrow keys); otherwise CallBar finds a free spot. */
  placed: boolean;
  collapsed: boolean;
  /** Show nothing on this site. */
  hidden: boolean;
}

/** The whole stored value: origin → (partial) prefs. */
export type StoredToolbarPrefs = Record<string, Partial<SitePrefs>>;

export const DEFAULT_PREFS: Readonly<SitePrefs> = { x: 16, y: 16, placed: false, collapsed: false, hidden: false };

/** Stored offsets beyond this are nonsense (no screen is that large). */
const MAX_OFFSET = 100_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function offsetOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_OFFSET ? Math.round(value) : fallback;
}

/** The prefs of one origin from whatever is stored (anything invalid takes the default). */
export function sitePrefs(stored: unknown, origin: string): SitePrefs {
  const entry = isRecord(stored) && Object.hasOwn(stored, origin) ? stored[origin] : undefined;
  if (!isRecord(entry)) return { ...DEFAULT_PREFS };
  const x = offsetOr(entry.x, DEFAULT_PREFS.x);
  const y = offsetOr(entry.y, DEFAULT_PREFS.y);
  return {
    x,
    y,
    // Entries from before `placed` existed: an offset other than the default was the agent's drag.
    placed: typeof entry.placed === 'boolean' ? entry.placed : x !== DEFAULT_PREFS.x || y !== DEFAULT_PREFS.y,
    collapsed: typeof entry.collapsed === 'boolean' ? entry.collapsed : DEFAULT_PREFS.collapsed,
    hidden: typeof entry.hidden === 'boolean' ? entry.hidden : DEFAULT_PREFS.hidden,
  };
}

/** The stored value with `patch` applied to `origin` (its entry written out in full); other
 *  origins' entries are kept as they are, entries that are not objects are dropped. */
export function withSitePrefs(stored: unknown, origin: string, patch: Partial<SitePrefs>): StoredToolbarPrefs {
  const next: StoredToolbarPrefs = {};
  if (isRecord(stored)) {
    for (const [key, value] of Object.entries(stored)) if (isRecord(value)) next[key] = value as Partial<SitePrefs>;
  }
  // Writing an offset is placing the toolbar (unless the patch says otherwise).
  const placing = patch.placed === undefined && (Number.isFinite(patch.x) || Number.isFinite(patch.y)) ? { placed: true } : {};
  next[origin] = sitePrefs({ [origin]: { ...sitePrefs(stored, origin), ...patch, ...placing } }, origin);
  return next;
}


/** Arrow keys move the toolbar by this many pixels. */
export const NUDGE_STEP = 10;

/** The move an arrow key asks for (screen direction, px), or null for any other key. */
export function arrowDelta(key: string, step = NUDGE_STEP): { dx: number; dy: number } | null {
  switch (key) {
    case 'ArrowLeft':
      return { dx: -step, dy: 0 };
    case 'ArrowRight':
      return { dx: step, dy: 0 };
    case 'ArrowUp':
      return { dx: 0, dy: -step };
    case 'ArrowDown':
      return { dx: 0, dy: step };
    default:
      return null;
  }
}
