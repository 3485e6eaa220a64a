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

describe('BatchSizer', () => {
  it('starts with a small batch (the rows in view)', () => {
    expect(new BatchSizer().next()).toBe(120);
  });

  it('on a page whose every change costs 200 ms, keeps batches within 1.15× of it once it knows the page', () => {
    const { costs } = run(200, 0.03, 20);
    for (const ms of costs.slice(2)) expect(ms).toBeLessThanOrEqual(200 * 1.15 + 1);
  });

  it('on a cheap page, takes big batches within the 40 ms budget', () => {
    const { sizes, costs } = run(5, 0.01, 10);
    expect(Math.min(...sizes.slice(1))).toBeGreaterThan(1000);
    for (const ms of costs.slice(1)) expect(ms).toBeLessThanOrEqual(41);
  });

  it('when buttons cost far more than its prior, it backs off: batches stop overshooting', () => {
    const { costs } = run(100, 0.5, 30);
    // The prior (30 µs) is 16× too low: two batches overshoot (490 ms, 4.9× the page), then it
    // backs off, doubling its cost per button at most once per two frames (real frames swing by
    // seconds on their own), and hovers over its budget: under 3.5× the page's own frame, about
    // 2.5× on average. A known limit: with a prior this wrong it does not settle within 1.15×.
    const tail = costs.slice(4);
    expect(Math.max(...tail)).toBeLessThanOrEqual(350);
    expect(tail.reduce((a, b) => a + b, 0) / tail.length).toBeLessThanOrEqual(260);
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
    expect(sizes[sizes.length - 1]).toBe(sizes[4]);
  });

});
