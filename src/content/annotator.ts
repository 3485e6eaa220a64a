/**
 * Keeps exactly one call button in every cell the active rules name, on a page that
 * keeps changing (pagination, infinite scroll, re-renders, virtual-scroll recycling,
 * SPA routes, open shadow roots), without freezing it at any size.
 *
 * How it stays fast (figures in BENCHMARKS.md):
 * - **every rule's cells are collected first** (`querySelectorAll` per rule and changed
 *   subtree: native and quick), then worked through as (rule, cells, index) items, so a
 *   slice that runs out of time resumes exactly where it stopped and later rules are
 *   never starved;
 * - **one batch per frame, sized by what frames cost**: on a big table any DOM change costs
 *   the page a layout of the whole table (hundreds of ms on a 10k-row auto-layout table,
 *   seconds at 100k). A batch is inserted, the page's next frame lays it out, and that frame
 *   is timed (animation frame → next task); the next batch is sized (batch-sizer.ts) so that
 *   our script plus the frame stay within max(40 ms, 1.15 × the page's own frame);
 * - **the agent's view first**: the first small batch is the cells around the viewport
 *   (found by bisecting the column), the rest follow in later tasks;
 * - **small changes** (rows appended, a page of a table re-rendered) are handled in the
 *   MutationObserver callback itself, before the browser renders the page's own change,
 *   so both share one layout — appending rows stays flat in page size;
 * - buttons are clones of one template and placed by a fast path when the cell holds a
 *   single text node (call-button.ts, placeButton).
 *
 * How it stays correct:
 * - each cell has at most one button (WeakMap cell → button); a recycled cell whose
 *   text changed gets its button re-pointed at the new number, never a stale one;
 * - a cell whose number went away loses its button; removed rows take theirs along;
 * - our own insertions are ignored by the observer.
 */
import type { ButtonRule } from '../shared/rules.ts';
import { BatchSizer } from './batch-sizer.ts';
import { buttonRule, buttonSource, createCallButton, HOST_TAG, isCallButton, placeButton, setButtonNumber, styleRoot } from './call-button.ts';

export interface NumberResolver {
  /** The number a cell holds and what to dial for it, or null if it holds none. */
  (text: string): { dial: string | null } | null;
}

/** Text found by automatic detection, worked through in the same slices as the rules' cells. */
export interface Detector {
  /** Changed nodes to look at (their text and tel: links). */
  add(nodes: readonly Node[]): void;
  /** Work until `deadline` or until about `budget` buttons were added; returns how many were added. */
  run(deadline: number, budget: number): number;
  /** Anything left to do? */
  busy(): boolean;
  /** Numbers found that have no button (yet): they count for the badge as buttons do. */
  count(): number;
  /** Were numbers found or lost since the last call? */
  takeChanged(): boolean;
  /** Switched off: stop, keep nothing. */
  dispose(): void;
}

type Root = Document | ShadowRoot;
const OBSERVED: MutationObserverInit = { childList: true, subtree: true, characterData: true };

/** One rule's cells still to look at: `cells[next…end)`. */
interface CellWork {
  rule: ButtonRule;
  cells: ArrayLike<Element>;
  next: number;
  end: number;
}

/** Script time one slice may take before yielding to the page. */
const SLICE_MS = 12;
/**
 * Work done synchronously in the observer callback (small changes) may take this long: it shares
 * the frame the page's own change costs anyway (seconds on a 100k-row table), so what is left
 * over would each wait for another such frame.
 */
const SYNC_MS = 50;
/** A mutation batch adding at most this many nodes is handled in the callback itself. */
const SYNC_NODES = 3000;
/** Columns shorter than this are processed in document order (no viewport search). */
const BISECT_FROM = 400;
/** The first batch of a pass: this many cells, shared by the rules it starts (headStart). */
const NEW_COLUMN_CELLS = 120;

export class Annotator {
  private rules: readonly ButtonRule[] = [];
  private readonly cellButtons = new WeakMap<Element, HTMLElement>();
  private readonly observers = new Map<Root, MutationObserver>();
  /** Subtrees to look at again (all rules' cells in them). */
  private readonly scopes = new Set<Node>();
  /**
   * Nodes whose own content changed (text edited, children removed or replaced): only the
   * cell they sit in needs a look, never their whole subtree — a row appended to a
   * 100,000-row tbody must not make us re-read the tbody.
   */
  private readonly shallow = new Set<Node>();
  private readonly work: CellWork[] = [];
  /** Buttons made but not inserted yet, with the cell each belongs to. */
  private pendingHosts: HTMLElement[] = [];
  private pendingCells: Element[] = [];
  private readonly sizer = new BatchSizer();
  /** Rules whose first cells went in during this pass (headStart). */
  private readonly begun = new Set<ButtonRule>();
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  /** Automatic detection, when the site has it on (setDetector). */
  private detector: Detector | null = null;

  /**
   * @param onChange our buttons changed (the badge count is due)
   * @param onPageChange the page changed its DOM (not us): one observer for both, so the buttons
   *   we insert make no records for a second one (20k records on a 10k-row, 2-rule grid)
   */
  constructor(
    private resolve: NumberResolver,
    private readonly onChange: () => void,
    private readonly onPageChange: () => void = () => undefined,
  ) {}

  /** Start watching the document (and open shadow roots found in it). */
  start(): void {
    this.addRoot(document);
  }

  setRules(rules: readonly ButtonRule[]): void {
    // Any edit counts (selector, path, numberFrom), not only added or removed rules: the buttons
    // of a rule that is gone or now says something else go, and the page is looked at again.
    const before = new Map(this.rules.map((r) => [r.id, JSON.stringify(r)]));
    const kept = new Set(rules.filter((r) => before.get(r.id) === JSON.stringify(r)).map((r) => r.id));
    if (kept.size === rules.length && rules.length === this.rules.length) return;
    const dropped = this.rules.some((r) => !kept.has(r.id));
    this.rules = rules;
    // (Only rules added: no page walk for buttons to take away.)
    if (dropped) this.removeButtons((host) => buttonRule(host) !== 'auto' && !kept.has(buttonRule(host) ?? ''));
    this.rescan();
  }

  /** The dial plan changed: every button's number is recomputed. */
  setResolver(resolve: NumberResolver): void {
    this.resolve = resolve;
    this.rescan();
  }

  /** Queue every root for a full pass. */
  rescan(): void {
    this.work.length = 0;
    this.begun.clear();
    for (const root of this.observers.keys()) this.scopes.add(root);
    this.schedule();
  }

  /** Is automatic detection on? */
  detecting(): boolean {
    return this.detector !== null;
  }

  /** Look at the whole page for automatic detection (it was switched on). */
  private detectAll(): void {
    this.detector?.add([...this.observers.keys()]);
    this.schedule();
  }

  /** Switch automatic detection on (the whole page is read) or off (its buttons go). */
  setDetector(detector: Detector | null): void {
    if (!detector && !this.detector) return;
    this.detector?.dispose();
    this.detector = detector;
    if (detector) this.detectAll();
    else this.removeButtons((host) => buttonRule(host) === 'auto');
  }

  /** Remove every button (rules cleared). Returns how many were on the page. */
  clear(): number {
    this.rules = [];
    this.work.length = 0;
    return this.removeButtons(() => true);
  }

  /** Buttons on the page (a live collection per root: no walk of ours on a 100k-row page). */
  count(): number {
    let n = this.detector?.count() ?? 0;
    for (const root of this.observers.keys()) n += liveButtons(root).length;
    return n;
  }

  /**
   * Make our own change to the page with our observers off (no page script can run in between):
   * the page's changes still waiting are taken first and handled after, and ours make no records
   * to wade through.
   */
  quietly(change: () => void): void {
    const waiting: MutationRecord[] = [];
    for (const observer of this.observers.values()) {
      for (const record of observer.takeRecords()) waiting.push(record);
      observer.disconnect();
    }
    try {
      change();
    } finally {
      for (const [root, observer] of this.observers) observer.observe(root, OBSERVED);
      this.onChange();
      if (waiting.length) this.onMutations(waiting);
    }
  }

  /** Is there work queued or under way? */
  busy(): boolean {
    return this.scheduled || this.hasWork();
  }

  /** Resolves once everything queued so far has been processed and inserted. */
  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  roots(): Root[] {
    return [...this.observers.keys()];
  }

  /**
   * Is `host` still a rule's button in its cell, and does the cell still show the number that
   * `dial` came from? (Checked again when the agent clicks it: a page may have moved it since.)
   */
  verify(host: HTMLElement, dial: string): boolean {
    const cell = buttonSource(host);
    const rule = this.rules.find((r) => r.id === buttonRule(host));
    if (!rule || !(cell instanceof Element) || !cell.isConnected || !cell.contains(host)) return false;
    if (this.cellButtons.get(cell) !== host) return false;
    let matches = false;
    try {
      matches = cell.matches(rule.selector);
    } catch {
      return false;
    }
    return matches && this.numberOf(cell, rule)?.dial === dial;
  }

  // ── roots and observation ─────────────────────────────────────────────────

  private addRoot(root: Root): void {
    if (this.observers.has(root)) return;
    styleRoot(root);
    const observer = new MutationObserver((records) => this.onMutations(records));
    observer.observe(root, OBSERVED);
    this.observers.set(root, observer);
    this.scopes.add(root);
    this.detector?.add([root]);
    this.schedule();
    this.findShadowRoots(root);
  }

  /** Open shadow roots below `node` (custom elements are where they live). */
  private findShadowRoots(node: Node): void {
    const start = node as Element | Document | ShadowRoot;
    if (start instanceof Element && start.shadowRoot) this.addRoot(start.shadowRoot);
    if (!('querySelectorAll' in start) || !start.firstElementChild) return;
    // No filter callback: calling into JS per element costs more than the check itself.
    const walker = document.createTreeWalker(start, NodeFilter.SHOW_ELEMENT);
    for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
      if (el.shadowRoot) this.addRoot(el.shadowRoot);
    }
  }

  private onMutations(records: MutationRecord[]): void {
    let added = 0;
    let pageChanged = false;
    const changed: Node[] = [];
    const fresh: Node[] = [];
    const shallow: Node[] = [];
    for (const record of records) {
      if (isCallButton(record.target)) continue; // inside one of our buttons (its visibility probe)
      if (record.type === 'characterData') {
        shallow.push(record.target);
        changed.push(record.target);
        pageChanged = true;
        continue;
      }
      let ours = record.addedNodes.length > 0 || record.removedNodes.length > 0;
      for (const node of record.addedNodes) {
        if (isCallButton(node)) continue;
        ours = false;
        added++;
        fresh.push(node);
        changed.push(node);
        if (node.nodeType === Node.ELEMENT_NODE) this.findShadowRoots(node);
      }
      for (const node of record.removedNodes) if (!isCallButton(node)) ours = false;
      // Children of a cell changed (text replaced, our button wiped by a re-render).
      if (!ours) {
        shallow.push(record.target);
        pageChanged = true;
      }
    }
    // Our own insertions (a slice's batch) are not work: the backlog stays for the next slice.
    if (!pageChanged) return;
    this.onPageChange();
    if (changed.length) this.detector?.add(changed);
    if (added <= SYNC_NODES) {
      // A small change is handled now, before the page renders, sharing its layout; what
      // was made is inserted now, and what is left joins the backlog.
      const deadline = performance.now() + SYNC_MS;
      for (const node of shallow) if (node.isConnected) this.processCellOf(node);
      const work: CellWork[] = [];
      this.collectInto(fresh, work, false);
      this.make(work, deadline, Number.POSITIVE_INFINITY);
      this.flush();
      this.work.push(...work);
    } else {
      for (const node of fresh) this.scopes.add(node);
      for (const node of shallow) this.addShallow(node);
    }
    this.schedule();
  }

  private addShallow(node: Node): void {
    if (!this.scopes.has(node)) this.shallow.add(node);
  }

  private hasWork(): boolean {
    return this.scopes.size > 0 || this.shallow.size > 0 || this.work.length > 0 || this.pendingHosts.length > 0 || !!this.detector?.busy();
  }

  private schedule(): void {
    if (this.scheduled || !this.hasWork()) return;
    this.scheduled = true;
    // A whole pass (rules changed, a page loaded) starts in a frame of its own: the first batch
    // and its layout do not add to whatever the page (or our handling of the change) just did.
    if (this.scopes.size > 0 && this.work.length === 0) afterNextFrame(() => this.slice());
    else queueSlice(() => this.slice());
  }

  // ── processing ────────────────────────────────────────────────────────────

  /** One task: make a batch of buttons, insert it, lay it out (timed), and come back if there is more. */
  private slice(): void {
    const started = performance.now();
    const deadline = started + this.sizer.scriptMs(SLICE_MS);
    this.collect(true);
    const batch = this.sizer.next();
    this.headStart();
    this.make(this.work, deadline, batch);
    let inserted = this.flush();
    if (this.detector && inserted < batch && performance.now() < deadline) {
      inserted += this.detector.run(deadline, batch - inserted);
      if (this.detector.takeChanged()) this.onChange(); // the count changed, with no button
    }
    const scriptMs = performance.now() - started;
    if (inserted > 0) {
      // The browser lays the batch out in its next frame; the next batch waits for it, and is
      // sized by what this one cost in all (our script, then the frame's style and layout).
      afterNextFrame((renderMs) => {
        this.scheduled = false;
        if (renderMs > 0) this.sizer.observe(inserted, scriptMs + renderMs);
        this.continue();
      });
      return;
    }
    this.scheduled = false;
    this.continue();
  }

  private continue(): void {
    if (this.hasWork()) {
      this.schedule();
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Turn queued subtrees and changed nodes into work: every rule's cells in them. `bisect`: long
   * columns start at the viewport (not in the observer callback: it would lay the page out twice).
   */
  private collect(bisect: boolean): void {
    for (const node of this.shallow) {
      if (node.isConnected) this.processCellOf(node);
    }
    this.shallow.clear();
    if (this.scopes.size === 0) return;
    const scopes = [...this.scopes];
    this.scopes.clear();
    this.collectInto(scopes, this.work, bisect);
  }

  private collectInto(scopes: readonly Node[], work: CellWork[], bisect: boolean): void {
    for (const rule of this.rules) {
      for (const node of scopes) {
        if (!node.isConnected) continue;
        const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
        const scope = node.nodeType === Node.DOCUMENT_NODE || node.nodeType === Node.DOCUMENT_FRAGMENT_NODE ? (node as Root) : element;
        if (!scope || isCallButton(scope as Node)) continue;
        try {
          if (scope instanceof Element) {
            const own = scope.closest(rule.selector);
            if (own) work.push({ rule, cells: [own], next: 0, end: 1 });
          }
          const cells = scope.querySelectorAll(rule.selector);
          if (cells.length) push(work, rule, cells, bisect);
        } catch {
          // a selector that stopped being valid here (checked when saved): ignored
        }
      }
    }
  }

  /**
   * Every rule new to this pass gets its first cells (the rows in view) into this batch: a
   * column's first buttons widen it, and an auto-layout table then lays itself out again — as
   * costly as the page's own change, but once per frame however many columns widened. Rules
   * taken one after the other would each cost such a frame (and the later ones, in a big batch,
   * more).
   */
  private headStart(): void {
    const fresh = this.work.filter((item) => !this.begun.has(item.rule));
    if (fresh.length === 0) return;
    const rules = new Set(fresh.map((item) => item.rule));
    const per = Math.max(8, Math.floor(NEW_COLUMN_CELLS / rules.size));
    const now = performance.now();
    for (const item of fresh) {
      if (this.begun.has(item.rule)) continue;
      this.begun.add(item.rule);
      for (let i = 0; i < per && item.next < item.end; i++) this.annotate(item.cells[item.next++]!, item.rule, now);
    }
  }

  /** Make buttons for queued cells until `deadline` or `limit` buttons are pending. */
  private make(work: CellWork[], deadline: number, limit: number): void {
    let n = 0;
    const now = performance.now();
    while (work.length > 0) {
      const item = work[0]!;
      while (item.next < item.end) {
        this.annotate(item.cells[item.next++]!, item.rule, now);
        if ((++n & 31) === 0 && (this.pendingHosts.length >= limit || performance.now() > deadline)) return;
      }
      work.shift();
    }
  }

  /** Insert the buttons made so far in one go (quietly); returns how many were inserted. */
  private flush(): number {
    if (this.pendingHosts.length === 0) return 0;
    let inserted = 0;
    const hosts = this.pendingHosts;
    const cells = this.pendingCells;
    this.pendingHosts = [];
    this.pendingCells = [];
    this.quietly(() => {
      for (let i = 0; i < hosts.length; i++) {
        const cell = cells[i]!;
        if (!cell.isConnected) continue; // gone since (a re-render)
        placeButton(cell, hosts[i]!);
        inserted++;
      }
    });
    return inserted;
  }

  /** The cell (of any rule) that `node` sits in, if any, is looked at again. */
  private processCellOf(node: Node): void {
    const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
    if (!element || isCallButton(element)) return;
    for (const rule of this.rules) {
      try {
        const cell = element.closest(rule.selector);
        if (cell) this.annotate(cell, rule);
      } catch {
        // invalid here: ignored, as in collect
      }
    }
  }

  /** (A call button matched by a rule's selector holds no text, so it never gets a button.) */
  private annotate(cell: Element, rule: ButtonRule, now = performance.now()): void {
    const existing = this.cellButtons.get(cell);
    const resolved = this.numberOf(cell, rule);
    // Its button is in it, or made and waiting to go in (rare: the cell changed twice in one task).
    if (existing && (existing.isConnected ? cell.contains(existing) : this.pendingHosts.includes(existing))) {
      if (!resolved) {
        existing.remove();
        this.dropPending((host) => host === existing);
        this.cellButtons.delete(cell);
      } else setButtonNumber(existing, resolved.dial);
      return;
    }
    if (!resolved) return;
    const host = createCallButton(resolved.dial, rule.id, cell, now);
    this.cellButtons.set(cell, host);
    this.pendingHosts.push(host);
    this.pendingCells.push(cell);
  }

  private numberOf(cell: Element, rule: ButtonRule): { dial: string | null } | null {
    const shown = this.resolve(cell.textContent ?? '');
    if (!rule.numberFrom || (shown && shown.dial)) return shown;
    // The cell shows a masked number: the rule says where the real one is.
    const from = rule.numberFrom;
    const row = cell.closest('tr, [role="row"]') ?? cell.parentElement;
    let real: string | null | undefined;
    if ('attribute' in from) real = cell.getAttribute(from.attribute) ?? row?.getAttribute(from.attribute);
    else {
      try {
        real = row?.querySelector(from.rowSelector)?.textContent;
      } catch {
        real = null;
      }
    }
    return real ? (this.resolve(real) ?? shown) : shown;
  }

  /** Buttons made but not inserted yet that must not go in after all (rare: rules changed, a cell emptied). */
  private dropPending(predicate: (host: HTMLElement) => boolean): void {
    const hosts: HTMLElement[] = [];
    const cells: Element[] = [];
    for (let i = 0; i < this.pendingHosts.length; i++) {
      if (predicate(this.pendingHosts[i]!)) continue;
      hosts.push(this.pendingHosts[i]!);
      cells.push(this.pendingCells[i]!);
    }
    this.pendingHosts = hosts;
    this.pendingCells = cells;
  }

  private removeButtons(predicate: (host: HTMLElement) => boolean): number {
    let removed = 0;
    this.dropPending(predicate);
    for (const root of this.observers.keys()) {
      for (const host of root.querySelectorAll<HTMLElement>(HOST_TAG)) {
        if (isCallButton(host) && predicate(host)) {
          host.remove();
          removed++;
        }
      }
    }
    if (removed) this.onChange();
    return removed;
  }
}

const liveLists = new WeakMap<Root, HTMLCollection | NodeListOf<Element>>();
function liveButtons(root: Root): { length: number } {
  let list = liveLists.get(root);
  if (!list) {
    // Shadow roots have no getElementsByTagName: their buttons are counted by a query (they are small).
    list = root instanceof Document ? root.getElementsByTagName(HOST_TAG) : root.querySelectorAll(HOST_TAG);
    if (root instanceof Document) liveLists.set(root, list);
  }
  return list;
}

/**
 * A long column is worked through from the rows the agent sees: the first visible cell is
 * found by bisection (cells of a column come in document order, top to bottom), its
 * neighbourhood goes first, the cells above it last.
 */
function push(work: CellWork[], rule: ButtonRule, cells: NodeListOf<Element>, bisect: boolean): void {
  if (!bisect || cells.length < BISECT_FROM) {
    work.push({ rule, cells, next: 0, end: cells.length });
    return;
  }
  let lo = 0;
  let hi = cells.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cells[mid]!.getBoundingClientRect().bottom < 0) lo = mid + 1;
    else hi = mid;
  }
  const from = Math.max(0, lo - 20);
  work.push({ rule, cells, next: from, end: cells.length });
  if (from > 0) work.push({ rule, cells, next: 0, end: from });
}

/**
 * Calls `done` with how long the browser took to render the next frame (style, layout, paint),
 * measured from its animation-frame callbacks to the first task after it. Nothing is laid out
 * here: the page's own frame does it once for the batch. Hidden tabs get no frames: they go
 * on after 50 ms with no figure (0, which the sizer ignores).
 */
function afterNextFrame(done: (renderMs: number) => void): void {
  let called = false;
  const finish = (ms: number) => {
    if (called) return;
    called = true;
    clearTimeout(safety);
    waitingForFrame.delete(finish);
    done(ms);
  };
  // Hidden tabs get no frames: they go on with no figure (0, which the sizer ignores). A visible
  // page busy with a long frame (seconds on a 100k-row table) is waited for; 10 s at most.
  if (!watchingVisibility) {
    watchingVisibility = true;
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') for (const waiting of [...waitingForFrame]) waiting(0);
    });
  }
  waitingForFrame.add(finish);
  const safety = setTimeout(() => finish(0), document.visibilityState === 'hidden' ? 50 : 10_000);
  requestAnimationFrame(() => {
    const t = performance.now();
    queueSlice(() => finish(performance.now() - t));
  });
}
/** Frames waited for, ended at once when the tab is hidden (one listener for all of them). */
const waitingForFrame = new Set<(ms: number) => void>();
let watchingVisibility = false;

/** Yield to the page between slices (a message-channel task runs sooner than setTimeout). */
const channel = typeof MessageChannel !== 'undefined' ? new MessageChannel() : null;
const sliceQueue: Array<() => void> = [];
if (channel) {
  channel.port1.onmessage = () => sliceQueue.shift()?.();
}
function queueSlice(fn: () => void): void {
  if (!channel) return void setTimeout(fn, 0);
  sliceQueue.push(fn);
  channel.port2.postMessage(null);
}
