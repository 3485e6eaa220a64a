import { describe, expect, it } from 'vitest';
import { arrowDelta, clampOffset, DEFAULT_PREFS, draggedOffset, freeSpot, NUDGE_STEP, sameOffset, sitePrefs, TOOLBAR_KEY, withSitePrefs } from './position.ts';

const A = 'https://crm.example.com';
const B = 'http://127.0.0.1:8080';
const box = { width: 264, height: 300 };
const viewport = { width: 1366, height: 860 };

describe('storage shape', () => {
  it('is one key holding origin → { x, y, collapsed, hidden }', () => {
    expect(TOOLBAR_KEY).toBe('callbar:toolbar');
    expect(withSitePrefs(undefined, A, { x: 40, y: 120 })).toEqual({ [A]: { x: 40, y: 120, placed: true, collapsed: false, hidden: false } });
  });

  it('reads defaults for a site with no entry, or nothing stored', () => {
    expect(sitePrefs(undefined, A)).toEqual(DEFAULT_PREFS);
    expect(sitePrefs({}, A)).toEqual({ x: 16, y: 16, placed: false, collapsed: false, hidden: false });
    expect(sitePrefs({ [B]: { hidden: true } }, A)).toEqual(DEFAULT_PREFS);
  });

  it('takes a partial entry (what the popup toggle may write) field by field', () => {
    expect(sitePrefs({ [A]: { hidden: true } }, A)).toEqual({ ...DEFAULT_PREFS, hidden: true });
    expect(sitePrefs({ [A]: { collapsed: true, x: 200 } }, A)).toEqual({ ...DEFAULT_PREFS, collapsed: true, x: 200, placed: true });
  });

  it('replaces invalid fields with defaults and rounds offsets', () => {
    const stored = { [A]: { x: 'left', y: Number.NaN, collapsed: 'yes', hidden: 1 } };
    expect(sitePrefs(stored, A)).toEqual(DEFAULT_PREFS);
    expect(sitePrefs({ [A]: { x: 1e9, y: Infinity } }, A)).toEqual(DEFAULT_PREFS);
    expect(sitePrefs({ [A]: { x: 10.6, y: -3.2 } }, A)).toMatchObject({ x: 11, y: -3 });
    expect(sitePrefs({ [A]: null }, A)).toEqual(DEFAULT_PREFS);
    expect(sitePrefs([1, 2], A)).toEqual(DEFAULT_PREFS);
    expect(sitePrefs('garbage', A)).toEqual(DEFAULT_PREFS);
  });

  it('does not read inherited properties as an origin', () => {
    expect(sitePrefs({}, '__proto__')).toEqual(DEFAULT_PREFS);
    expect(sitePrefs({}, 'constructor')).toEqual(DEFAULT_PREFS);
  });

  it('patches one origin and keeps the others as stored', () => {
    const stored = { [A]: { x: 30, y: 40, collapsed: true, hidden: false }, [B]: { hidden: true }, bad: 3 };
    expect(withSitePrefs(stored, A, { hidden: true })).toEqual({
      [A]: { x: 30, y: 40, placed: true, collapsed: true, hidden: true },
      [B]: { hidden: true },
    });
    expect(withSitePrefs(stored, B, { x: 5 })).toEqual({
      [A]: { x: 30, y: 40, collapsed: true, hidden: false },
      [B]: { x: 5, y: 16, placed: true, collapsed: false, hidden: true },
    });
    // The input is not changed.
    expect(stored[A]).toEqual({ x: 30, y: 40, collapsed: true, hidden: false });
  });

  it('knows whether the agent placed it: said so, or (older entries) an offset other than the default', () => {
    expect(sitePrefs({ [A]: { x: 16, y: 16, placed: true } }, A).placed).toBe(true);
    expect(sitePrefs({ [A]: { x: 300, y: 40, placed: false } }, A).placed).toBe(false);
    expect(sitePrefs({ [A]: { x: 16, y: 16, collapsed: true } }, A).placed).toBe(false);
    expect(sitePrefs({ [A]: { x: 300, y: 16 } }, A).placed).toBe(true);
    // Collapsing an unplaced toolbar keeps it unplaced.
    expect(sitePrefs(withSitePrefs({}, A, { collapsed: true }), A).placed).toBe(false);
  });

  it('validates what it writes', () => {
    expect(withSitePrefs({}, A, { x: Number.NaN, collapsed: 'no' as unknown as boolean })).toEqual({ [A]: DEFAULT_PREFS });
  });
});

describe('clampOffset', () => {
  it('keeps an offset that is already inside', () => {
    expect(clampOffset({ x: 16, y: 16 }, box, viewport)).toEqual({ x: 16, y: 16 });
    expect(clampOffset({ x: 0, y: 0 }, box, viewport)).toEqual({ x: 0, y: 0 });
    expect(clampOffset({ x: 1366 - 264, y: 860 - 300 }, box, viewport)).toEqual({ x: 1102, y: 560 });
  });

  it('pulls it back past the right/bottom edge', () => {
    expect(clampOffset({ x: -50, y: -1 }, box, viewport)).toEqual({ x: 0, y: 0 });
  });

  it('pulls it back past the left/top edge', () => {
    expect(clampOffset({ x: 5000, y: 900 }, box, viewport)).toEqual({ x: 1102, y: 560 });
  });

  it('follows a smaller window (resize) and gives the place back in a larger one', () => {
    const wanted = { x: 1000, y: 500 };
    const small = clampOffset(wanted, box, { width: 800, height: 600 });
    expect(small).toEqual({ x: 536, y: 300 });
    expect(clampOffset(wanted, box, viewport)).toEqual(wanted);
  });

  it('keeps the top-left corner (the header) on screen when the toolbar is larger than the window', () => {
    // left = width - x - box.width = 0, top = height - y - box.height = 0
    expect(clampOffset({ x: 16, y: 16 }, box, { width: 200, height: 250 })).toEqual({ x: -64, y: -50 });
    expect(clampOffset({ x: 999, y: -999 }, box, { width: 264, height: 300 })).toEqual({ x: 0, y: 0 });
  });

  it('returns whole pixels', () => {
    expect(clampOffset({ x: 10.4, y: 20.6 }, { width: 264.5, height: 100.2 }, viewport)).toEqual({ x: 10, y: 21 });
  });
});

describe('moving', () => {
  it('a drag right/down brings the toolbar closer to the right/bottom edge', () => {
    expect(draggedOffset({ x: 100, y: 100 }, 30, 40)).toEqual({ x: 70, y: 60 });
    expect(draggedOffset({ x: 100, y: 100 }, -30, -40)).toEqual({ x: 130, y: 140 });
  });

  it('arrow keys move by 10px on screen', () => {
    expect(NUDGE_STEP).toBe(10);
    expect(arrowDelta('ArrowLeft')).toEqual({ dx: -10, dy: 0 });
    expect(arrowDelta('ArrowRight')).toEqual({ dx: 10, dy: 0 });
    expect(arrowDelta('ArrowUp')).toEqual({ dx: 0, dy: -10 });
    expect(arrowDelta('ArrowDown')).toEqual({ dx: 0, dy: 10 });
    expect(arrowDelta('Enter')).toBeNull();
    // ArrowLeft: further from the right edge.
    const d = arrowDelta('ArrowLeft')!;
    expect(draggedOffset({ x: 16, y: 16 }, d.dx, d.dy)).toEqual({ x: 26, y: 16 });
  });

  it('compares offsets', () => {
    expect(sameOffset({ x: 1, y: 2 }, { x: 1, y: 2 })).toBe(true);
    expect(sameOffset({ x: 1, y: 2 }, { x: 1, y: 3 })).toBe(false);
    expect(sameOffset(null, { x: 1, y: 2 })).toBe(false);
  });
});

describe('freeSpot', () => {
  const size = { width: 264, height: 200 };
  const at = (left: number, top: number, width = 40, height = 20) => ({ left, top, right: left + width, bottom: top + height });

  it('is the bottom-right corner when nothing is there', () => {
    expect(freeSpot(size, viewport, [at(10, 10), at(600, 820)])).toEqual({ x: 16, y: 16 });
  });

  it('moves left along the bottom edge past a column of row actions (a CRM table)', () => {
    // 查看 / 编辑 links at the right edge on every row, call buttons in the phone column.
    const rows = Array.from({ length: 20 }, (_, i) => 240 + i * 36);
    const obstacles = rows.flatMap((top) => [at(1270, top, 70, 18), at(690, top, 18, 18), at(218, top, 14, 14)]);
    const spot = freeSpot(size, viewport, obstacles)!;
    expect(spot.y).toBe(16);
    const right = viewport.width - spot.x;
    expect(right).toBeLessThanOrEqual(1270);
    expect(right - size.width).toBeGreaterThanOrEqual(708);
    expect(right).toBeGreaterThan(1270 - 8); // as far right as that allows
  });

  it('goes up a row when the whole bottom edge is taken, never above the middle', () => {
    const bar = { left: 0, top: 800, right: 1366, bottom: 830 };
    const spot = freeSpot(size, viewport, [bar])!;
    expect(viewport.height - spot.y).toBeLessThanOrEqual(800);
    expect(spot.x).toBe(16);
    const wall = { left: 0, top: 0, right: 1366, bottom: 860 };
    expect(freeSpot(size, viewport, [wall])).toBeNull();
  });

  it('touching a control is not covering it', () => {
    const right = viewport.width - 16;
    expect(freeSpot(size, viewport, [{ left: right, top: 600, right: right + 10, bottom: 700 }])).toEqual({ x: 16, y: 16 });
  });
});
