/**
 * Puts the toolbar frame's host element where the agent wants it, kept inside the viewport:
 * on every render, when the window is resized and when the toolbar changes size
 * (collapsed, a call card appears). The agent's chosen offset is kept as is; only what
 * is shown is clamped, so a window made smaller and then larger again gives the toolbar
 * its place back. Drags and arrow-key moves (asked for by the toolbar frame, which sees the
 * agent's pointer and keys) save the new place through `persist`.
 */
import { type Box, clampOffset, draggedOffset, type Offset, sameOffset, type Size } from './position.ts';

/** What an agent clicks or types into on a page: the toolbar's spot must leave these free. */
const CONTROLS = [
  'a[href]', 'button', 'input:not([type="hidden"])', 'select', 'textarea', 'summary', 'label', 'iframe', 'embed', 'object',
  '[role="button"]', '[role="link"]', '[role="checkbox"]', '[role="radio"]', '[role="switch"]', '[role="tab"]',
  '[role="menuitem"]', '[role="combobox"]', '[role="textbox"]', '[role="option"]', '[contenteditable=""]',
  '[contenteditable="true"]', '[tabindex]:not([tabindex="-1"])',
].join(',');
/** A page with more controls than this is not walked further (the first ones are the ones in view, mostly). */
const MAX_CONTROLS = 20_000;

/** The boxes of the page's controls that are in the viewport (CallBar's own elements are not the page's). */
export function pageControls(viewport: Size, ignore: ReadonlySet<Element>): Box[] {
  const boxes: Box[] = [];
  const found = document.querySelectorAll(CONTROLS);
  const count = Math.min(found.length, MAX_CONTROLS);
  for (let i = 0; i < count; i++) {
    const el = found[i]!;
    if (ignore.has(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0 || r.right <= 0 || r.bottom <= 0 || r.left >= viewport.width || r.top >= viewport.height) continue;
    boxes.push({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  }
  return boxes;
}

/** The area fixed elements are placed in (the viewport without its scrollbars). */
export function viewportSize(): Size {
  const root = document.documentElement;
  if (document.compatMode === 'CSS1Compat' && root.clientWidth > 0 && root.clientHeight > 0) {
    return { width: root.clientWidth, height: root.clientHeight };
  }
  return { width: window.innerWidth, height: window.innerHeight };
}

export class Placement {
  private shown: Offset | null = null;
  private dragStart: Offset | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly resizeObserver = new ResizeObserver(() => this.apply());
  private readonly onResize = () => this.apply();

  constructor(
    private readonly host: HTMLElement,
    private desired: Offset,
    private readonly persist: (offset: Offset) => void,
  ) {
    window.addEventListener('resize', this.onResize);
    this.resizeObserver.observe(host);
  }

  dispose(): void {
    window.removeEventListener('resize', this.onResize);
    this.resizeObserver.disconnect();
    if (this.saveTimer !== undefined) {
      clearTimeout(this.saveTimer);
      this.persist(this.desired);
    }
  }

  get dragging(): boolean {
    return this.dragStart !== null;
  }

  /** The agent's place changed elsewhere (another tab, the popup). Ignored mid-drag. */
  setDesired(offset: Offset): void {
    if (this.dragging || sameOffset(offset, this.desired)) return;
    this.desired = offset;
    this.apply();
  }

  /** Show the toolbar at the agent's place, clamped to the viewport. */
  apply(): void {
    if (this.dragging || !this.host.isConnected) return;
    this.show(this.clamped(this.desired));
  }

  beginDrag(): void {
    this.dragStart = this.shown ?? this.clamped(this.desired);
  }

  dragBy(dx: number, dy: number): void {
    if (!this.dragStart) return;
    this.show(this.clamped(draggedOffset(this.dragStart, dx, dy)));
  }

  endDrag(): void {
    const start = this.dragStart;
    this.dragStart = null;
    if (!start || !this.shown || sameOffset(start, this.shown)) return;
    this.desired = this.shown;
    this.persist(this.desired);
  }

  nudge(dx: number, dy: number): void {
    if (this.dragging) return;
    const from = this.shown ?? this.clamped(this.desired);
    this.desired = this.clamped(draggedOffset(from, dx, dy));
    this.show(this.desired);
    // Holding an arrow key repeats: save once it settles.
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.persist(this.desired);
    }, 300);
  }

  private clamped(offset: Offset): Offset {
    const rect = this.host.getBoundingClientRect();
    return clampOffset(offset, { width: rect.width, height: rect.height }, viewportSize());
  }

  private show(offset: Offset): void {
    if (sameOffset(offset, this.shown)) return;
    this.shown = offset;
    this.host.style.setProperty('right', `${offset.x}px`, 'important');
    this.host.style.setProperty('bottom', `${offset.y}px`, 'important');
  }
}
