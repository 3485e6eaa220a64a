/**
 * Was this click or key the agent's own, deliberate action on this element? Used by the two
 * places that act on input inside a web page's reach: the call buttons (content script) and the
 * toolbar frame (src/toolbar/). DOM contexts only.
 *
 * A page cannot synthesize trusted events, but it can steer the agent's real ones: make our UI
 * transparent under a decoy, cover it, move it under the cursor just before a click, focus it so
 * the next key lands on it. An action counts only when all of these hold (docs/security.md):
 * - **trusted**: `event.isTrusted` (page scripts' `click()` / `dispatchEvent` are not);
 * - **hit**: the pointer is really on the element (`elementFromPoint`, through shadow roots);
 * - **visible**: IntersectionObserver v2 (`trackVisibility`) said the element was visible — not
 *   transparent, covered, filtered or transformed, in this frame or any frame above it — from the
 *   moment the pointer arrived (or focus did) until now: the browser's own clickjacking signal;
 * - **at rest**: the element has been on the page for `REST_MS`, and the pointer reached it by
 *   moving (not the element arriving under a still pointer, or the frame moving), unless it then
 *   rested there `REST_MS`; it has not moved since the pointer arrived;
 * - **keys**: focus reached the element by the agent's own Tab or pointer, never by a page's
 *   `focus()`.
 * Pointer-arrival tracking starts as soon as the pointer is over an element `isTarget` accepts;
 * IntersectionObserver v2 reports at the earliest `VISIBILITY_DELAY_MS` later, so a verdict on a
 * click that came sooner waits for that first report.
 */

/** How long our UI must have been in place, and a pointer that did not move must have rested on it. */
export const REST_MS = 500;
/** IntersectionObserver v2's minimum delay between visibility reports. */
export const VISIBILITY_DELAY_MS = 100;
/** How long a verdict waits for the first visibility report. */
const FIRST_REPORT_WAIT_MS = 600;
/** Watching that began in the arrival's own event handler counts as "from the arrival". */
const ARRIVAL_SLACK_MS = 20;
/** Position tolerance (CSS px) for "has not moved" (subpixel layout). */
const MOVE_TOLERANCE = 1.5;

/** Why an action was refused; null when it counts. */
export type Refusal = 'untrusted' | 'missed' | 'hidden' | 'moving' | 'unfocused';

interface Track {
  /** When we began watching it (≈ when it appeared, for elements watched from the start). */
  since: number;
  /** Latest IntersectionObserver v2 report, null before the first. */
  visible: boolean | null;
  /** When it last became visible (report time), or +Infinity while hidden / unknown. */
  visibleSince: number;
  /** When a report last changed `visible`. */
  changedAt: number;
  /** The second opinion (`stillVisible`) when the last "not visible" report came. */
  explained: boolean;
  /** Pointer or focus arrival. */
  arrivedAt: number;
  byMotion: boolean;
  /** Where it was (page rect) and where this document was on screen, at arrival. */
  rect: { x: number; y: number; w: number; h: number } | null;
  frameOffset: { x: number; y: number } | null;
  /** Focus came from the agent's Tab or pointer. */
  agentFocus: boolean;
  waiters: Array<() => void>;
}

export interface AgentIntentOptions {
  /** The element an event target belongs to, if it is one of ours (a call button, a toolbar control). */
  isTarget(node: Element): Element | null;
  /**
   * When the element was put where it is (a call button's insertion); by default when we began
   * watching it, which for elements watched from the start (the toolbar's) is the same.
   */
  placedAt?(el: Element): number | undefined;
  /**
   * The element whose visibility stands for `el`'s (default: `el` itself). Call buttons sit in
   * table cells that may clip their edges (overflow: hidden): IntersectionObserver v2 reports a
   * partly clipped element as not visible, so a small probe at the button's centre — where the
   * click is checked to land — is watched instead.
   */
  probe?(el: Element): Element;
  /**
   * Second opinion when IntersectionObserver v2 keeps saying "not visible": some pages put a
   * transparent layer over their tables (vxe-table's row-expand layer, pointer-events: none),
   * which the browser counts as covering. Asked when that report arrives and again at the click,
   * at the click's point: true only if nothing painted covers the element there and nothing above
   * it makes it transparent or transformed (content/occlusion.ts). Never used in frames.
   */
  stillVisible?(el: Element, x: number, y: number): boolean;
  now?: () => number;
}

const rectOf = (el: Element) => {
  const r = el.getBoundingClientRect();
  return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
};
const near = (a: number, b: number) => Math.abs(a - b) <= MOVE_TOLERANCE;

export class AgentIntent {
  private readonly tracks = new WeakMap<Element, Track>();
  /** Observed element (a probe, or the element itself) → the element it stands for. */
  private readonly observed = new WeakMap<Element, Element>();
  private readonly observer: IntersectionObserver | null;
  private readonly now: () => number;
  /** The last pointer position this document saw (screen px), NaN before the first. */
  private lastPointer = { x: Number.NaN, y: Number.NaN };
  /** The element of ours the pointer is over. */
  private hovered: Element | null = null;
  /** A trusted Tab keydown is being handled: the focus change it causes is the agent's. */
  private tabbing = false;
  /** The element a trusted pointer press is on, until the focus change it causes. */
  private pressed: Element | null = null;

  constructor(private readonly options: AgentIntentOptions) {
    this.now = options.now ?? (() => performance.now());
    this.observer =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver((entries) => this.onReports(entries), {
            trackVisibility: true,
            delay: VISIBILITY_DELAY_MS,
          } as IntersectionObserverInit);
  }

  /**
   * Install the listeners (capture phase, before the page's) on the window — and on every shadow
   * root our elements live in: pointer and focus moves between two elements of one shadow root
   * never leave it (their target and related target are the same host outside it).
   */
  listen(win: Window | ShadowRoot = window): void {
    const opts = { capture: true, passive: true };
    const on = <E extends Event>(type: string, handler: (event: E) => void) => win.addEventListener(type, handler as EventListener, opts);
    on<PointerEvent>('pointermove', (e) => this.onPointerMove(e));
    on<PointerEvent>('pointerover', (e) => this.onPointerOver(e));
    on<PointerEvent>('pointerdown', (e) => this.onPointerDown(e));
    on<KeyboardEvent>('keydown', (e) => {
      if (e.isTrusted && e.key === 'Tab') {
        this.tabbing = true;
        setTimeout(() => (this.tabbing = false), 0); // the focus move is this key's default action
      }
    });
    on<FocusEvent>('focusin', (e) => this.onFocusIn(e));
    on<FocusEvent>('focusout', (e) => {
      const el = this.targetOf(e);
      const track = el && this.tracks.get(el);
      if (track) track.agentFocus = false;
    });
  }

  /** Start watching `el` now (elements present from the start, e.g. the toolbar's controls). */
  watch(el: Element): void {
    this.track(el);
  }

  /** Stop watching `el` (it left the page). */
  forget(el: Element): void {
    const target = this.options.probe?.(el) ?? el;
    this.observer?.unobserve(target);
    this.tracks.delete(el);
  }

  /**
   * Whether a pointer activation (click) of `el` counts. Resolves at once when the first
   * visibility report is in, otherwise when it arrives (at most ~0.6 s).
   */
  async pointerVerdict(el: Element, event: MouseEvent): Promise<Refusal | null> {
    if (!event.isTrusted) return 'untrusted';
    if (!this.hits(el, event.clientX, event.clientY)) return 'missed';
    const track = this.tracks.get(el);
    if (!track || track.arrivedAt === Number.NEGATIVE_INFINITY) return 'moving';
    const at = event.timeStamp || this.now();
    if (this.movedSinceArrival(el, track, event)) return 'moving';
    await this.firstReport(track);
    return this.verdict(el, track, at, { x: event.clientX, y: event.clientY });
  }

  /** The same verdict, now: null / a refusal, or 'pending' when no visibility report is in yet. */
  pointerVerdictNow(el: Element, event: MouseEvent): Refusal | null | 'pending' {
    if (!event.isTrusted) return 'untrusted';
    if (!this.hits(el, event.clientX, event.clientY)) return 'missed';
    const track = this.tracks.get(el);
    if (!track || track.arrivedAt === Number.NEGATIVE_INFINITY) return 'moving';
    if (this.movedSinceArrival(el, track, event)) return 'moving';
    if (track.visible === null) return 'pending';
    return this.verdict(el, track, event.timeStamp || this.now(), { x: event.clientX, y: event.clientY });
  }

  /** Whether a key activation (Enter / Space) of the focused `el` counts. */
  async keyVerdict(el: Element, event: KeyboardEvent): Promise<Refusal | null> {
    if (!event.isTrusted) return 'untrusted';
    const track = this.tracks.get(el);
    if (!track?.agentFocus) return 'unfocused';
    if (track.rect && !this.samePlace(track.rect, rectOf(el))) return 'moving';
    await this.firstReport(track);
    return this.verdict(el, track, event.timeStamp || this.now());
  }

  keyVerdictNow(el: Element, event: KeyboardEvent): Refusal | null | 'pending' {
    if (!event.isTrusted) return 'untrusted';
    const track = this.tracks.get(el);
    if (!track?.agentFocus) return 'unfocused';
    if (track.rect && !this.samePlace(track.rect, rectOf(el))) return 'moving';
    if (track.visible === null) return 'pending';
    return this.verdict(el, track, event.timeStamp || this.now());
  }

  /** Did the agent put the focus on `el` (Tab or pointer)? */
  focusedByAgent(el: Element): boolean {
    return !!this.tracks.get(el)?.agentFocus;
  }

  // ── bookkeeping ──────────────────────────────────────────────────────────

  private track(el: Element, at = this.now()): Track {
    let track = this.tracks.get(el);
    if (!track) {
      track = {
        since: at,
        visible: null,
        visibleSince: Number.POSITIVE_INFINITY,
        changedAt: Number.NEGATIVE_INFINITY,
        explained: false,
        arrivedAt: Number.NEGATIVE_INFINITY,
        byMotion: false,
        rect: null,
        frameOffset: null,
        agentFocus: false,
        waiters: [],
      };
      this.tracks.set(el, track);
      const target = this.options.probe?.(el) ?? el;
      this.observed.set(target, el);
      this.observer?.observe(target);
    }
    return track;
  }

  private targetOf(event: Event): Element | null {
    // composedPath() only when the target is a shadow host (it allocates, and runs on every move).
    const target = event.target;
    const node = target instanceof Element && !target.shadowRoot ? target : event.composedPath()[0];
    return node instanceof Element ? this.options.isTarget(node) : null;
  }

  /**
   * The pointer is over `event`'s target now. Arrival on one of our elements is noted from
   * pointerover and from pointermove alike (Chrome does not always send pointerover when the
   * pointer moves onto a child inside a shadow root).
   */
  private onPointerMove(event: PointerEvent): void {
    if (!event.isTrusted) return;
    this.notePointer(event);
  }

  private onPointerOver(event: PointerEvent): void {
    if (!event.isTrusted) return;
    this.notePointer(event);
  }

  private notePointer(event: PointerEvent): void {
    const el = this.targetOf(event);
    if (el !== this.hovered) {
      this.hovered = el;
      if (el) {
        const track = this.track(el, event.timeStamp || this.now());
        // Moved onto it (the position changed), or it came to a still pointer (layout changed).
        const moved =
          event.movementX !== 0 ||
          event.movementY !== 0 ||
          (!Number.isNaN(this.lastPointer.x) && (event.screenX !== this.lastPointer.x || event.screenY !== this.lastPointer.y));
        track.arrivedAt = event.timeStamp || this.now();
        track.byMotion = moved;
        track.rect = rectOf(el);
        track.frameOffset = { x: event.screenX - event.clientX, y: event.screenY - event.clientY };
      }
    }
    this.lastPointer.x = event.screenX;
    this.lastPointer.y = event.screenY;
  }

  private onPointerDown(event: PointerEvent): void {
    if (!event.isTrusted) return;
    const el = this.targetOf(event);
    if (!el) return;
    this.track(el);
    // A press that would not count as a click does not count as choosing the element either.
    if (this.pointerVerdictNow(el, event) !== null) return;
    this.pressed = el; // the focus change this press causes is the agent's
    setTimeout(() => {
      if (this.pressed === el) this.pressed = null;
    }, 0);
    // Already focused (a second click): pressing it is the agent's choice of it.
    if (el.ownerDocument.activeElement === el || el.contains(el.ownerDocument.activeElement)) this.tracks.get(el)!.agentFocus = true;
  }

  private onFocusIn(event: FocusEvent): void {
    const el = this.targetOf(event);
    if (!el) return;
    const track = this.track(el);
    if (this.tabbing) {
      track.agentFocus = true;
      track.arrivedAt = event.timeStamp || this.now();
      track.byMotion = true;
      track.rect = rectOf(el);
    } else {
      // Focus moved here by a press on it, or by script (the page's focus()): keys count only
      // after the agent's own press or Tab.
      track.agentFocus = this.pressed !== null && (this.pressed === el || el.contains(this.pressed));
      if (track.agentFocus) track.rect = rectOf(el);
    }
  }

  private onReports(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const track = this.tracks.get(this.observed.get(entry.target) ?? entry.target);
      if (!track) continue;
      const visible = (entry as IntersectionObserverEntry & { isVisible?: boolean }).isVisible === true;
      if (visible && track.visible !== true) {
        // The first report tells the state since we began watching.
        track.visibleSince = track.visible === null ? track.since : entry.time;
      }
      if (!visible) {
        track.visibleSince = Number.POSITIVE_INFINITY;
        const el = this.observed.get(entry.target) ?? entry.target;
        const box = el.getBoundingClientRect();
        track.explained = !!this.options.stillVisible?.(el, box.left + box.width / 2, box.top + box.height / 2);
      }
      if (track.visible !== null && visible !== track.visible) track.changedAt = entry.time;
      track.visible = visible;
      const waiters = track.waiters;
      track.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  private firstReport(track: Track): Promise<void> {
    if (track.visible !== null || !this.observer) return Promise.resolve();
    return new Promise((resolve) => {
      track.waiters.push(resolve);
      setTimeout(resolve, FIRST_REPORT_WAIT_MS);
    });
  }

  private verdict(el: Element, track: Track, at: number, point?: { x: number; y: number }): Refusal | null {
    if (!this.observer) return 'hidden'; // no way to tell: refuse rather than guess
    // What was watched must still be the element's centre: a page can restyle the element so that
    // its probe is placed by another box, out in the open while the element itself is covered.
    if (!this.probeOnElement(el)) return 'hidden';
    if (track.visible !== true) {
      if (!this.explainedHidden(el, track, point)) return 'hidden';
    } else if (track.visibleSince > track.arrivedAt + ARRIVAL_SLACK_MS && at - track.visibleSince < REST_MS) {
      // Visible from the pointer's (or focus's) arrival on, or for long enough before the action.
      return 'hidden';
    }
    // In place long enough, and reached by the agent's own motion (or rested on).
    if (at - (this.options.placedAt?.(el) ?? track.since) < REST_MS) return 'moving';
    if (!track.byMotion && at - track.arrivedAt < REST_MS) return 'moving';
    return null;
  }

  private probeOnElement(el: Element): boolean {
    if (!this.options.probe) return true;
    const p = this.options.probe(el).getBoundingClientRect();
    const b = el.getBoundingClientRect();
    const x = p.left + p.width / 2;
    const y = p.top + p.height / 2;
    return x >= b.left && x <= b.right && y >= b.top && y <= b.bottom;
  }

  /**
   * Reported "not visible" all along since the pointer (or focus) arrived, and the second opinion
   * says the element is plainly visible — both when that report came and now, at the action.
   */
  private explainedHidden(el: Element, track: Track, point?: { x: number; y: number }): boolean {
    if (track.visible !== false || !track.explained || track.changedAt > track.arrivedAt || !this.options.stillVisible) return false;
    const box = el.getBoundingClientRect();
    const at = point ?? { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    return this.options.stillVisible(el, at.x, at.y);
  }

  private movedSinceArrival(el: Element, track: Track, event: MouseEvent): boolean {
    if (track.rect && !this.sameRect(track.rect, rectOf(el))) return true;
    const offset = { x: event.screenX - event.clientX, y: event.screenY - event.clientY };
    return !!track.frameOffset && (!near(offset.x, track.frameOffset.x) || !near(offset.y, track.frameOffset.y));
  }

  /** Focused fields may change size as the agent types (a clear button appears): only a move counts. */
  private samePlace(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
    return near(a.x, b.x) && near(a.y, b.y);
  }

  private sameRect(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): boolean {
    return near(a.x, b.x) && near(a.y, b.y) && near(a.w, b.w) && near(a.h, b.h);
  }

  /** Is the point really on `el`? Hit-tests down through open shadow roots. */
  private hits(el: Element, x: number, y: number): boolean {
    let root: Document | ShadowRoot = el.ownerDocument;
    let hit: Element | null = root.elementFromPoint(x, y);
    for (let depth = 0; hit?.shadowRoot && depth < 32; depth++) {
      root = hit.shadowRoot;
      const inner: Element | null = root.elementFromPoint(x, y);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    return !!hit && (hit === el || el.contains(hit));
  }
}
