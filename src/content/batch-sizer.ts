/**
 * How many call buttons go into the page per frame (annotator.ts). On a big table any DOM change
 * costs the page a layout of the whole table, so buttons go in by batches, one per frame.
 */
/** A batch, its frame included, aims at this, or at a little over the page's own frame when that is longer. */
const TASK_BUDGET_MS = 40;
const OVER_PAGE_FRAME = 1.15;
/** Our cost per button (script, style, layout) before batches say otherwise. */
const PRIOR_PER_BUTTON_MS = 0.03;
/** The first batch: the cells around the viewport. */
const FIRST_BATCH = 120;
const MIN_BATCH = 60;
const MAX_BATCH = 50_000;

/**
 * Sizes insertion batches so that a batch, its frame included, costs at most max(40 ms,
 * 1.15 × the page's own frame after a change). The page's own frame is the cheapest of the last
 * few batches' frames less our estimated share; our share is a per-button cost (script, style,
 * layout: ~30 µs on a 10k-row auto-layout table, less elsewhere). Frame times here vary by ±25 %
 * from one frame to the next (GC, the page's own work) — more than the margin we aim at — so the
 * per-button cost is not fitted to every frame: it starts from a measured prior, jumps to what a
 * batch that clearly overshot says, and relaxes back towards the prior while batches fit.
 */
export class BatchSizer {
  private readonly frames: number[] = [];
  private perButton = PRIOR_PER_BUTTON_MS;
  /** Batches in a row that fitted, and that overshot. */
  private good = 0;
  private over = 0;

  /**
   * How long making one batch's buttons may take: half of the room the budget leaves over the
   * page's own frame (the other half is for their style and layout), at least `floorMs`.
   */
  scriptMs(floorMs: number): number {
    if (this.frames.length === 0) return floorMs;
    const page = this.pageFrame();
    return Math.max(floorMs, (Math.max(TASK_BUDGET_MS, OVER_PAGE_FRAME * page) - page) / 2);
  }

  next(): number {
    if (this.frames.length === 0) return FIRST_BATCH;
    const page = this.pageFrame();
    const room = Math.max(TASK_BUDGET_MS, OVER_PAGE_FRAME * page) - page;
    return Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.floor(room / this.perButton)));
  }

  /** A batch of `count` buttons took `ms` from the first one's making to the end of its frame. */
  observe(count: number, ms: number): void {
    if (count <= 0) return;
    this.frames.push(Math.max(0, ms - this.perButton * count));
    if (this.frames.length > 5) this.frames.shift();
    const page = this.pageFrame();
    const budget = Math.max(TASK_BUDGET_MS, OVER_PAGE_FRAME * page);
    if (ms > 1.25 * budget) {
      // Overshot twice in a row (once may be a GC pause): what the batch cost beyond the page's
      // own frame was ours.
      this.good = 0;
      // At most doubling: frames of a big page swing by seconds on their own.
      if (++this.over >= 2) this.perButton = Math.min(2 * this.perButton, Math.max(this.perButton, (ms - page) / count));
    } else {
      this.over = 0;
      if (++this.good >= 3 && this.perButton > PRIOR_PER_BUTTON_MS) {
        this.good = 0;
        this.perButton = Math.max(PRIOR_PER_BUTTON_MS, this.perButton * 0.75);
      }
    }
  }

  /** The cheapest recent frame, less our share: one slow frame (GC) does not raise the budget. */
  private pageFrame(): number {
    return Math.min(...this.frames);
  }
}
