/**
 * Automatic detection (opt-in per site): phone numbers in the page's text and `tel:` links
 * become dialable without a rule.
 *
 * Numbers in text are found in slices (like a rule's column, annotator.ts) and kept as offsets
 * per text node: nothing is inserted for them. A number gets its call button when the agent's
 * pointer comes to rest on it (a trusted pointer move over the number's own glyphs): the text
 * is split after the number and the button goes right there, as a rule's does, and stays. So a
 * page with 30,000 numbers pays for reading its text, not for 30,000 elements and the layouts
 * they cause (BENCHMARKS.md: automatic detection vs RingCentral's library, which works the same
 * way). `tel:` links (few per page) get their button at once. Text inside form fields, editable
 * areas, code, our own UI and cells already covered by a rule is left alone.
 */
import { findPhoneNumbers, type PhoneMatch } from '../shared/phone/index.ts';
import type { Detector } from './annotator.ts';
import { buttonRule, createCallButton, HOST_TAG, isCallButton } from './call-button.ts';

const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'CODE', 'PRE', 'SVG', 'TEMPLATE', 'IFRAME', 'HEAD', 'TITLE']);
/** Text nodes already read, with the text they had then. */
const seen = new WeakMap<Text, string>();
/** How far (px) outside a number's own boxes the pointer may be and still be on it. */
const SLACK_PX = 2;

export type DialOf = (match: PhoneMatch) => string | null;

/** Our own change to the page, made with the annotator's observers off (Annotator.quietly). */
export type Quietly = (change: () => void) => void;

/** The numbers found in one text node, while it still holds `data`. */
interface Found {
  data: string;
  matches: PhoneMatch[];
}

function skippable(element: Element | null): boolean {
  for (let el = element; el; el = el.parentElement) {
    if (SKIP_TAGS.has(el.tagName.toUpperCase()) || el.localName.startsWith('callbar')) return true;
    if ((el as HTMLElement).isContentEditable) return true;
    if (el.tagName === 'A' && (el as HTMLAnchorElement).protocol === 'tel:') return true; // handled as a link
  }
  return false;
}

/** A cell a rule already annotated keeps its one button (detected buttons next to other numbers do not count). */
function inRuleCell(parent: Element): boolean {
  if (!parent.querySelector(HOST_TAG)) return false;
  for (const el of parent.querySelectorAll(HOST_TAG)) if (isCallButton(el) && buttonRule(el) !== 'auto') return true;
  return false;
}

/**
 * Automatic detection as resumable work: changed nodes are queued, and `run` walks their text
 * until a deadline; `pointAt` gives the number under the agent's pointer its button.
 */
export class TextDetector implements Detector {
  private readonly queue: Node[] = [];
  private walker: TreeWalker | null = null;
  /** Text nodes with numbers in them (pruned of those gone from the page when counted). */
  private readonly found = new Map<Text, Found>();
  private readonly range = document.createRange();
  private pointer: { x: number; y: number } | null = null;
  private changed = false;
  private frame = 0;
  private readonly onPointer = (event: PointerEvent) => {
    // Only the agent's own pointer: a page's synthetic events do not reveal buttons.
    if (!event.isTrusted) return;
    this.pointer = { x: event.clientX, y: event.clientY };
    // One look per frame, however many moves it had.
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      if (this.pointer) this.pointAt(this.pointer.x, this.pointer.y);
    });
  };

  constructor(
    private readonly dialOf: DialOf,
    private readonly quietly: Quietly,
    private readonly shadowRoots: () => ShadowRoot[] = () => [],
  ) {
    document.addEventListener('pointermove', this.onPointer, { capture: true, passive: true });
  }

  /** Switched off: no more buttons on hover, nothing kept. (The buttons made are removed by the annotator.) */
  dispose(): void {
    document.removeEventListener('pointermove', this.onPointer, { capture: true });
    cancelAnimationFrame(this.frame);
    this.found.clear();
    this.queue.length = 0;
    this.walker = null;
  }

  add(nodes: readonly Node[]): void {
    for (const node of nodes) this.queue.push(node);
  }

  busy(): boolean {
    return this.walker !== null || this.queue.length > 0;
  }

  /** Numbers found on the page that have no button yet (those with one are counted as buttons). */
  count(): number {
    let n = 0;
    for (const [text, found] of this.found) {
      if (!text.isConnected) {
        this.found.delete(text);
        continue;
      }
      n += found.matches.length;
      if (hasButton(text, found)) n--;
    }
    return n;
  }

  /** Read queued text until `deadline`; returns how many buttons were inserted (for tel: links). */
  run(deadline: number, budget: number): number {
    let added = 0;
    let n = 0;
    while (added < budget) {
      if (!this.walker) {
        const node = this.queue.shift();
        if (!node) break;
        if (!node.isConnected) continue;
        if (node.nodeType === Node.TEXT_NODE) {
          this.scan(node as Text);
          continue;
        }
        if (!('querySelectorAll' in node)) continue;
        const root = node as Element | Document | ShadowRoot;
        if (root instanceof Element && skippable(root)) continue;
        const links = root.querySelectorAll<HTMLAnchorElement>('a[href^="tel:" i]');
        if (links.length) this.quietly(() => { for (const link of links) added += annotateLink(link, this.dialOf); });
        this.walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      }
      const text = this.walker.nextNode() as Text | null;
      if (!text) {
        this.walker = null;
        continue;
      }
      this.scan(text);
      if ((++n & 63) === 0 && performance.now() > deadline) break;
    }
    return added;
  }

  private scan(text: Text): void {
    const data = text.data;
    if (seen.get(text) === data) return;
    seen.set(text, data);
    const parent = text.parentElement;
    const matches = /\d/.test(data) && parent && !skippable(parent) && !inRuleCell(parent) ? findPhoneNumbers(data, { limit: 50 }) : [];
    if (matches.length) {
      this.found.set(text, { data, matches });
      this.changed = true;
    } else if (this.found.delete(text)) this.changed = true;
  }

  /** Were numbers found or lost since the last call (the page's count is due)? */
  takeChanged(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }

  /**
   * The agent's pointer is at (x, y): if it is on a found number that has no button yet, the
   * number gets one right after it. Returns the button (new or already there), or null.
   */
  pointAt(x: number, y: number): HTMLElement | null {
    const position = document.caretPositionFromPoint?.(x, y, { shadowRoots: this.shadowRoots() });
    const text = position?.offsetNode;
    if (!text || text.nodeType !== Node.TEXT_NODE) return null;
    const found = this.found.get(text as Text);
    // Changed since it was read: the annotator's observer has queued it to be read again.
    if (!found || found.data !== (text as Text).data) return null;
    const offset = position.offset;
    const match = found.matches.find((m) => m.start <= offset && offset <= m.end);
    if (!match || !this.over(text as Text, match, x, y)) return null;
    if (match.end === found.data.length && hasButton(text as Text, found)) return (text as Text).nextSibling as HTMLElement;
    const parent = text.parentElement;
    if (!parent || inRuleCell(parent)) return null;
    return this.insert(text as Text, found, match);
  }

  /** Is (x, y) on the number's own text (caretPositionFromPoint also answers beside a line)? */
  private over(text: Text, match: PhoneMatch, x: number, y: number): boolean {
    this.range.setStart(text, match.start);
    this.range.setEnd(text, match.end);
    const rects = this.range.getClientRects();
    // Parked at the document's start: a live range inside the text would cost its every change.
    this.range.setStart(document, 0);
    this.range.collapse(true);
    for (const r of rects) {
      if (x >= r.left - SLACK_PX && x <= r.right + SLACK_PX && y >= r.top - SLACK_PX && y <= r.bottom + SLACK_PX) return true;
    }
    return false;
  }

  /** Split the text after the number and put its button there; the two pieces keep what was found in them. */
  private insert(text: Text, found: Found, match: PhoneMatch): HTMLElement {
    const host = createCallButton(this.dialOf(match), 'auto', text);
    this.quietly(() => {
      if (match.end < found.data.length) {
        const rest = text.splitText(match.end);
        const later = found.matches.filter((m) => m.start >= match.end).map((m) => ({ ...m, start: m.start - match.end, end: m.end - match.end }));
        seen.set(rest, rest.data);
        if (later.length) this.found.set(rest, { data: rest.data, matches: later });
      }
      text.after(host);
    });
    seen.set(text, text.data);
    this.found.set(text, { data: text.data, matches: found.matches.filter((m) => m.end <= match.end) });
    return host;
  }
}

/** Does the last number of `text` have its button (right after the text)? */
function hasButton(text: Text, found: Found): boolean {
  const last = found.matches[found.matches.length - 1];
  return !!last && last.end === found.data.length && isCallButton(text.nextSibling);
}

/**
 * Is the detected button `host` still right after the text (or tel: link) it was made for, and
 * does that text still end with the number `dial` came from?
 */
export function detectedStillValid(host: HTMLElement, source: Node | undefined, dial: string, dialOf: DialOf): boolean {
  if (!source?.isConnected || host.previousSibling !== source) return false;
  if (source instanceof HTMLAnchorElement) {
    const [match] = findPhoneNumbers(telNumber(source));
    return !!match && dialOf(match) === dial;
  }
  const text = source.textContent ?? '';
  const matches = findPhoneNumbers(text, { limit: 50 });
  const last = matches[matches.length - 1];
  return !!last && last.end === text.length && dialOf(last) === dial;
}

function annotateLink(link: HTMLAnchorElement, dialOf: DialOf): number {
  const next = link.nextSibling;
  if (next && isCallButton(next)) return 0;
  const [match] = findPhoneNumbers(telNumber(link));
  if (!match) return 0;
  link.after(createCallButton(dialOf(match), 'auto', link));
  return 1;
}

/** The number a `tel:` link names ('' when its escapes are malformed: a page's href is not ours to trust). */
function telNumber(link: HTMLAnchorElement): string {
  const raw = (link.getAttribute('href') ?? '').replace(/^tel:/i, '').split(/[;?]/)[0] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return '';
  }
}
