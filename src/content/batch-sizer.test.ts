import { describe, expect, it } from 'vitest';
import { BatchSizer } from './batch-sizer.ts';

/** A page whose every frame costs `page` ms, plus `perButton` ms a button, plus `noise(i)`. */
function run(page: number, perButton: number, frames: number, noise: (i: number) => number = () => 0): { sizes: number[]; costs: number[] } {
  const sizer = new BatchSizer();
  const sizes: number[] = [];
  const costs: number[] = [];
  for (let i = 0; i < frames; i++) {
    const n = sizer.next();
    const ms = page + perButton * n + noise(i);
    sizes.push(n);
    costs.push(ms);
    sizer.observe(n, ms);
  }
  return { sizes, costs };
}

/** A repeatable ±amplitude swing (frames here swing by ±25 % from one to the next). */
const swing = (amplitude: number) => (i: number) => amplitude * Math.sin(i * 2.3);

describe('BatchSizer', () => {
  it('starts with two small batches (the rows in view, then a second look at the page)', () => {
    const { sizes } = run(500, 0.03, 3);
    expect(sizes.slice(0, 2)).toEqual([120, 120]);
    expect(sizes[2]).toBeGreaterThan(120);
  });

  it('does not take a first frame that widened the columns (3× the next ones) for the page\'s usual frame', () => {
    const sizer = new BatchSizer();
    sizer.observe(sizer.next(), 600);
    sizer.observe(sizer.next(), 180);
    // Sized for ~180 ms frames: its share at most 15 % of that, not of 600.
    expect(sizer.next() * 0.06).toBeLessThanOrEqual(0.15 * 180 + 1);
  });

  it('on a page whose every change costs 200 ms, keeps batches within 1.15× of it once it knows the page', () => {
    const { costs } = run(200, 0.03, 20);
    for (const ms of costs.slice(2)) expect(ms).toBeLessThanOrEqual(200 * 1.15 + 1);
  });

  it('on a cheap page, takes big batches within the 40 ms budget', () => {
    const { sizes, costs } = run(5, 0.01, 12);
    expect(Math.min(...sizes.filter((n) => n !== 120))).toBeGreaterThan(500);
    for (const ms of costs) expect(ms).toBeLessThanOrEqual(41);
  });

  it('on a div grid (55 ms frames, 80 µs a button, ±20 %), frames stay within 1.25× of the page\'s usual frame', () => {
    const { costs } = run(55, 0.08, 120, swing(11));
    const tail = costs.slice(10).map((ms, i) => ms - swing(11)(i + 10));
    expect(Math.max(...tail)).toBeLessThanOrEqual(55 * 1.25);
  });

  it('on a big table whose frames swing by ±30 % whatever the batch, batches do not shrink to nothing', () => {
    const { sizes } = run(170, 0.03, 60, swing(50));
    const late = sizes.slice(20).filter((n) => n !== 120);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(200);
  });

  it('when buttons cost far more than any page measured, frames stay bounded', () => {
    const { costs } = run(100, 0.5, 40);
    // 0.5 ms a button is 8× the prior and 2× what a button costs on any page measured (a 100k-row
    // grid included): overshoots that big are taken for the page's own swing until four come in a
    // row, and our under-rated share inflates the page's frame meanwhile, so frames reach ~6× the
    // page's before the cost per button catches up — a known limit (the probes that capped it
    // undersized real grids' frames: batch-sizer.ts), bounded.
    const tail = costs.slice(10);
    expect(Math.max(...tail)).toBeLessThanOrEqual(600);
    expect(tail.reduce((a, b) => a + b, 0) / tail.length).toBeLessThanOrEqual(400);
  });

  it('gives a slow page more script time per batch, within the room its frame leaves', () => {
    const sizer = new BatchSizer();
    expect(sizer.scriptMs(12)).toBe(12);
    sizer.observe(120, 2000);
    expect(sizer.scriptMs(12)).toBeGreaterThan(140);
    expect(sizer.scriptMs(12)).toBeLessThan(160);
  });

  it('one slow frame (GC) does not shrink the batches for good', () => {
    const { sizes } = run(200, 0.03, 20, (i) => (i === 5 ? 400 : 0));
    expect(Math.abs(sizes[sizes.length - 1]! - sizes[4]!)).toBeLessThanOrEqual(sizes[4]! * 0.05);
  });
});
