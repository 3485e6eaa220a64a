/**
 * How many call buttons go into the page per frame (annotator.ts). On a big table any DOM change
 * costs the page a layout of the whole table, so buttons go in by batches, one per frame.
 */
/** A batch, its frame included, aims at this, or at a little over the page's own frame when that is longer. */
const TASK_BUDGET_MS = 40;
const OVER_PAGE_FRAME = 1.15;
/**
 * Our cost per button (script, style, layout) before batches say otherwise: a div grid's
 * (~60 µs; a 10k-row table's is about half). Under-rated, it makes the sizer take its own
 * buttons' cost for the page's frame and settle at frames twice the page's.
 */
const PRIOR_PER_BUTTON_MS = 0.06;
/** No page measured here costs more a button (div grid ~0.1 ms, 100k-row grid included): beyond it, a slow frame is the page's. */
const MAX_PER_BUTTON_MS = 0.25;
/** The first batch (the cells around the viewport), and every probe: so few buttons that the frame is the page's own. */
const FIRST_BATCH = 120;
/** A probe every this many batches: the page's own frame changes (a column widened, rows loaded). */
const PROBE_EVERY = 8;
const MIN_BATCH = 60;
const MAX_BATCH = 50_000;

/**
 * Sizes insertion batches so that a batch, its frame included, costs at most max(40 ms,
 * 1.15 × the page's own frame after a change). The page's own frame is the middle of the last
 * few batches' frames less our estimated share (a small probe batch now and then lets it fall
 * when the page gets cheaper); our share is a per-button cost (script, style, layout: ~30 µs on a
 * 10k-row auto-layout table, ~60 µs on a div grid). Frame times here vary by ±25 %
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
  private batches = 0;

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
    // Two probes first: the first frame of a pass is rarely the page's usual one (on an auto-layout
    // table it widens the columns: 3–4× the frames after it).
    if (this.frames.length < 2 || this.batches % PROBE_EVERY === PROBE_EVERY - 1) return FIRST_BATCH;
    const page = this.pageFrame();
    const room = Math.max(TASK_BUDGET_MS, OVER_PAGE_FRAME * page) - page;
    return Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.floor(room / this.perButton)));
  }

  /** A batch of `count` buttons took `ms` from the first one's making to the end of its frame. */
  observe(count: number, ms: number): void {
    if (count <= 0) return;
    this.batches++;
    const sample = Math.max(0, ms - this.perButton * count);
    this.frames.push(sample);
    if (this.frames.length > 5) this.frames.shift();
    const page = this.pageFrame();
    const budget = Math.max(TASK_BUDGET_MS, OVER_PAGE_FRAME * page);
    if (ms > 1.25 * budget) {
      this.good = 0;
      const ours = (ms - page) / count;
      // Overshot twice in a row (once may be a GC pause): what the batch cost beyond the page's
      // own frame was ours, at most doubling. More than any page measured here costs a button
      // (MAX_PER_BUTTON_MS) is more likely the page's own frame swinging (a 10k-row table's frames
      // cost 110–250 ms whatever the batch): that takes four in a row.
      if (++this.over >= (ours > MAX_PER_BUTTON_MS ? 4 : 2)) {
        this.over = 0;
        this.perButton = Math.min(2 * this.perButton, Math.max(this.perButton, ours));
      }
    } else {
      this.over = 0;
      if (++this.good >= 3 && this.perButton > PRIOR_PER_BUTTON_MS) {
        this.good = 0;
        this.perButton = Math.max(PRIOR_PER_BUTTON_MS, this.perButton * 0.75);
      }
    }
  }

  /**
   * The middle of the last few frames, less our share (the lower middle of an even count): one
   * slow frame (GC) does not raise the budget, nor one quick frame lower it — the cheapest of five
   * frames that swing by ±25 % sits well under a page's usual frame, and made every usual frame
   * look like our overshoot.
   */
  private pageFrame(): number {
    // Tried: the probes' frames (few buttons, so the page's own) as the page's frame when lower.
    // They undersized it on the 10k-row grids and the batches after them overshot: longest frame
    // 1.36–1.43× the page's own worst in four runs, against 0.71–1.02× (one run 1.65×) without.
    // The cost: a page whose buttons cost far more than any measured is sized late
    // (batch-sizer.test.ts, "far more than any page measured").
    return middle(this.frames);
  }
}

/** The lower middle of some figures. */
function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}
