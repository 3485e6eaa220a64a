/**
 * The call button put into a page: one light-DOM element `<callbarcall>` per number.
 *
 * Why not a shadow root per button: on a 10,000-row table, 10,000 shadow roots cost
 * several times the layout time of plain elements. Instead every button is a plain
 * element styled by ONE constructed stylesheet adopted by the document (and by each
 * open shadow root we annotate):
 * - `all: initial` on the host, so page styles are not inherited, then the text's own font;
 * - **it never covers text**: an inline box (not inline-block) in line with the number,
 *   taking its own room (its padding), as tall as the text's own line, so a line's height
 *   never changes; with no break opportunity between the number and the button they wrap
 *   together. Cells that cut their text on one line get it before the number (placeButton);
 * - **light**: an inline box has no layout box or fragment of its own and no pseudo-element
 *   (the handset is drawn with CSS gradients), and buttons are clones of one template:
 *   about 0.8 KB of DOM and JS memory each (BENCHMARKS.md), against 2.7 KB for an inline-block
 *   with a glyph;
 * - constructed sheets are outside the page's CSP style-src, and gradients load nothing,
 *   so strict-CSP pages (img-src 'self') show it too;
 * - hidden when printing.
 * Events are handled by one delegated listener per document (capture phase, before
 * the page's own handlers). A button dials only on the agent's own deliberate action
 * (src/shared/agent-intent.ts: trusted, really on the button, visible and at rest, focus
 * reached by the agent) and only while it is still in its cell and the cell still shows
 * that number. The number is kept in a WeakMap here; the `data-callbar-number` attribute
 * is output only (the documented integrator contract). Buttons look the same whatever
 * the agent's call state: a page must not learn it from them.
 */
import { AgentIntent, type Refusal } from '../shared/agent-intent.ts';
import { t } from '../shared/i18n.ts';
import { visibleDespiteObserver } from './occlusion.ts';

/**
 * No hyphen on purpose: a hyphenated name is a custom element's, and Blink tracks every undefined
 * custom element on the page as an upgrade candidate (inserting 20k buttons cost 1.2× more, 1.8×
 * once the page has used customElements). An unknown element costs what a span does.
 */
export const HOST_TAG = 'callbarcall';
/** A dot at a button's centre whose visibility is watched for the button (agent-intent.ts). */
const PROBE_TAG = 'callbarprobe';
/** Set on a button once it holds its probe: only then is it positioned (a paint layer). */
const PROBED_ATTR = 'data-callbar-probed';
export const NUMBER_ATTR = 'data-callbar-number';

interface Entry {
  /** What will be dialled; null when the number is masked. */
  dial: string | null;
  /** Which rule put it here ('auto' for automatic detection). */
  ruleId: string;
  /** The cell (rule buttons) or the text node / tel: link (automatic detection) it belongs to. */
  source: Node;
  /** When it was put on the page (performance.now()). */
  placedAt: number;
}
const entries = new WeakMap<Element, Entry>();

const BASE_CSS = `
callbarcall {
  all: initial !important; display: inline !important; font: inherit !important;
  padding: 0 .55em !important; margin: 0 0 0 .3em !important; border-radius: .6em !important;
  cursor: pointer !important; user-select: none !important; box-shadow: 0 1px 2px rgba(0, 0, 0, .25) !important;
  background: radial-gradient(circle at 30% 29%, #fff 0 15%, transparent 17%), radial-gradient(circle at 71% 70%, #fff 0 15%, transparent 17%),
    radial-gradient(circle at 90% 10%, transparent 0 46%, #fff 48% 63%, transparent 65%), #1677ff !important;
}
/* Positioned (a paint layer each) only once it holds its visibility probe: 10k layers cost the page's frames. */
callbarcall[data-callbar-probed] { position: relative !important; }
callbarcall[data-callbar-first] { margin: 0 .3em 0 0 !important; }
callbarcall:hover { background-color: #4096ff !important; }
callbarprobe { all: initial !important; display: block !important; position: absolute !important; left: 50% !important; top: 50% !important;
  width: 2px !important; height: 2px !important; margin: -1px 0 0 -1px !important; pointer-events: none !important; }
callbarcall:focus-visible { outline: 2px solid #91caff !important; outline-offset: 1px !important; }
callbarcall[data-callbar-masked] { background-color: #bfbfbf !important; cursor: not-allowed !important; }
@media print { callbarcall { display: none !important; } }
`;

let baseSheet: CSSStyleSheet | null = null;
const styledRoots = new WeakSet<Document | ShadowRoot>();
/** The one intent checker of this frame (listenForClicks), told about every shadow root with buttons. */
let intent: AgentIntent | null = null;

/** Make buttons render (and their clicks be checked) inside `root`: the document, or an open shadow root we annotate. */
export function styleRoot(root: Document | ShadowRoot): void {
  if (styledRoots.has(root)) return;
  styledRoots.add(root);
  if (root instanceof ShadowRoot) intent?.listen(root);
  if (!baseSheet) {
    baseSheet = new CSSStyleSheet();
    baseSheet.replaceSync(BASE_CSS);
  }
  root.adoptedStyleSheets = [...root.adoptedStyleSheets.filter((s) => s !== baseSheet), baseSheet];
}

export function isCallButton(node: Node | null | undefined): node is HTMLElement {
  return !!node && (node as Element).localName === HOST_TAG && entries.has(node as Element);
}

/**
 * Every button is a clone of this one: cheaper than building each, and its fixed attributes
 * (tabindex, role, a short accessible name: the number is the text right before it, and joins
 * the name when the button gets focus) are shared.
 */
let template: HTMLElement | null = null;

/** Create a button for `dial` (null = masked: shown disabled), belonging to `source` (its cell, or the detected text). */
export function createCallButton(dial: string | null, ruleId: string, source: Node, now = performance.now()): HTMLElement {
  if (!template) {
    template = document.createElement(HOST_TAG);
    template.setAttribute('tabindex', '0');
    template.setAttribute('role', 'button');
    template.setAttribute('aria-label', t('buttonDialShort'));
  }
  const host = template.cloneNode(false) as HTMLElement;
  // Made in the task that inserts it: its making is its placing (it must then sit still a moment).
  entries.set(host, { dial, ruleId, source, placedAt: now });
  if (dial) host.setAttribute(NUMBER_ATTR, dial);
  else writeNumber(host, dial);
  return host;
}

/** Whether elements cut their text on one line (ellipsis, overflow hidden), by class, then tag. */
const clipsText = new Map<string, Map<string, boolean>>();

/**
 * Put the button in line with the number, inside the element that holds it (e.g. el-table's
 * `td > div.cell`), taking its own room: it never covers text, and in a cell that has room it
 * changes nothing else. After the number as a rule; before it where the cell cuts its text
 * on one line (ellipsis, overflow hidden), or the button would be the part cut off.
 */
export function placeButton(cell: Element, host: HTMLElement): void {
  // Fastest path: the cell holds one text node (most tables).
  const first = cell.firstChild;
  if (first !== null && first.nodeType === Node.TEXT_NODE && first.nextSibling === null) {
    if (clips(cell, cell)) {
      host.setAttribute('data-callbar-first', '');
      cell.insertBefore(host, first);
    } else cell.appendChild(host);
    return;
  }
  let holder: Node = cell;
  let text: Node | null = null;
  // Fast path: a chain of single elements down to one text node (el-table's td > div.cell).
  for (let node: Node | null = cell; node; node = node.firstChild) {
    if (node.firstChild !== node.lastChild) break;
    if (node.nodeType === Node.TEXT_NODE) {
      text = node;
      holder = node.parentNode!;
      break;
    }
    holder = node;
  }
  if (!text) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
      if (/\d/.test(t.data)) text = t;
    }
    holder = text?.parentNode ?? cell;
  }
  if (holder instanceof Element && clips(holder, cell)) {
    host.setAttribute('data-callbar-first', '');
    holder.insertBefore(host, holder.firstChild);
  } else if (text) holder.insertBefore(host, text.nextSibling);
  else cell.append(host);
}

/** Does `from` or an element above it, up to the cell, cut text on one line? */
function clips(from: Element, cell: Element): boolean {
  for (let el: Element | null = from; el; el = el === cell ? null : el.parentElement) {
    let byTag = clipsText.get(el.className);
    if (!byTag) {
      if (clipsText.size > 500) clipsText.clear();
      byTag = new Map();
      clipsText.set(el.className, byTag);
    }
    let known = byTag.get(el.localName);
    if (known === undefined) {
      const style = getComputedStyle(el);
      known = style.textOverflow === 'ellipsis' || (style.whiteSpace === 'nowrap' && style.overflowX !== 'visible');
      byTag.set(el.localName, known);
    }
    if (known) return true;
  }
  return false;
}

export function buttonSource(host: Element): Node | undefined {
  return entries.get(host)?.source;
}

export function buttonNumber(host: Element): string | null | undefined {
  return entries.get(host)?.dial;
}

export function buttonRule(host: Element): string | undefined {
  return entries.get(host)?.ruleId;
}

/** A recycled cell shows another number: the same button now dials that one. */
export function setButtonNumber(host: HTMLElement, dial: string | null): void {
  const entry = entries.get(host);
  if (!entry || entry.dial === dial) return;
  entry.dial = dial;
  entry.placedAt = performance.now(); // another number now: not clickable at once
  writeNumber(host, dial);
}

/** The tooltip's text around the number, read once (chrome.i18n per button costs more than the button). */
let dialLabel: [string, string] | null = null;
/** What the button's tooltip says: "拨打 13800138000", or that the number is hidden. */
export function tooltipFor(dial: string | null | undefined): string {
  if (!dial) return t('buttonMasked');
  if (!dialLabel) {
    const [before = '', after = ''] = t('buttonDial', '\u0001').split('\u0001');
    dialLabel = [before, after];
  }
  return dialLabel[0] + dial + dialLabel[1];
}

function writeNumber(host: HTMLElement, dial: string | null): void {
  if (dial) {
    host.setAttribute(NUMBER_ATTR, dial);
    if (host.hasAttribute('data-callbar-masked')) {
      host.removeAttribute('data-callbar-masked');
      host.removeAttribute('aria-disabled');
    }
    // A name with a number in it (set on focus) must follow the number.
    const name = host.matches(':focus') ? tooltipFor(dial) : t('buttonDialShort');
    if (host.getAttribute('aria-label') !== name) host.setAttribute('aria-label', name);
  } else {
    host.removeAttribute(NUMBER_ATTR);
    host.setAttribute('data-callbar-masked', '');
    host.setAttribute('aria-label', t('buttonMasked'));
    host.setAttribute('aria-disabled', 'true');
  }
  if (host.hasAttribute('title')) host.title = tooltipFor(dial);
}

/** A button is at most this large (CSS px): page CSS that blew one up over the page is caught. */
const MAX_BUTTON_PX = 40;
/** How far from its cell (or detected number) a button may sit. */
const PLACE_SLACK_PX = 24;

/**
 * The button is where CallBar put it: button-sized, and next to the cell (or text) it belongs to
 * — not moved or stretched by the page's CSS over something else.
 */
function inPlace(host: HTMLElement): boolean {
  const source = entries.get(host)?.source;
  const anchor = source instanceof Element ? source : source?.parentElement;
  if (!anchor?.isConnected) return false;
  const b = host.getBoundingClientRect();
  if (b.width > MAX_BUTTON_PX || b.height > MAX_BUTTON_PX || b.width < 4 || b.height < 4) return false;
  const c = anchor.getBoundingClientRect();
  const x = b.left + b.width / 2;
  const y = b.top + b.height / 2;
  return x >= c.left - PLACE_SLACK_PX && x <= c.right + PLACE_SLACK_PX && y >= c.top - PLACE_SLACK_PX && y <= c.bottom + PLACE_SLACK_PX;
}

type DialHandler = (dial: string, host: HTMLElement) => Promise<void> | void;

export interface ClickOptions {
  onDial: DialHandler;
  /** Tell the agent why a click of theirs did not dial (never called for page scripts' events). */
  onRefused: (message: string) => void;
  /** The button is still in its cell and the cell still shows the number it will dial. */
  stillValid: (host: HTMLElement, dial: string) => boolean;
}

const REFUSALS: Record<Exclude<Refusal, 'untrusted'>, Parameters<typeof t>[0]> = {
  missed: 'buttonRefusedMissed',
  hidden: 'buttonRefusedHidden',
  moving: 'buttonRefusedMoving',
  unfocused: 'buttonRefusedUnfocused',
};

/**
 * One set of listeners per document, in the capture phase at the window so they run
 * before the page's: a click on a button never reaches the CRM's row handlers.
 */
export function listenForClicks({ onDial, onRefused, stillValid }: ClickOptions): void {
  const checker = new AgentIntent({
    isTarget: (node) => (isCallButton(node) ? node : null),
    placedAt: (el) => entries.get(el)?.placedAt,
    // Watched at its centre: cells with overflow: hidden may clip a button's edge.
    probe: (el) => {
      // (The marker that positions the button around its probe is set again each time: a page
      // may have taken it away, and the click is refused while the probe is off the button.)
      if (!el.hasAttribute(PROBED_ATTR)) el.setAttribute(PROBED_ATTR, '');
      let probe = el.querySelector(PROBE_TAG);
      if (!probe) {
        probe = document.createElement(PROBE_TAG);
        el.append(probe);
      }
      return probe;
    },
    stillVisible: visibleDespiteObserver,
  });
  checker.listen(window);
  intent = checker;
  /** A dial request is on its way from this page: a second click does nothing. */
  let sending = false;
  const hostOf = (event: Event): HTMLElement | null => {
    // Most events are not on a button: settle that without composedPath (an array per event,
    // and pointerover fires for every element the pointer crosses). Inside a shadow root the
    // target is retargeted to its host, so only then is the path needed.
    const direct = event.target as Element | null;
    const target = direct && !direct.shadowRoot ? direct : event.composedPath()[0];
    return isCallButton(target as Node) ? (target as HTMLElement) : null;
  };
  const swallow = (event: Event) => {
    const host = hostOf(event);
    if (host) event.stopPropagation();
    return host;
  };
  const decide = async (host: HTMLElement, verdict: Promise<Refusal | null>) => {
    const refusal = await verdict;
    if (refusal === 'untrusted') return; // a page script acting for the agent: nothing at all
    if (refusal) return onRefused(t(REFUSALS[refusal]));
    const dial = buttonNumber(host);
    if (!dial) return onRefused(t('buttonMasked'));
    if (!inPlace(host)) return onRefused(t('buttonRefusedMisplaced'));
    if (!host.isConnected || !stillValid(host, dial)) return onRefused(t('buttonRefusedChanged'));
    if (sending) return;
    sending = true;
    try {
      await onDial(dial, host);
    } finally {
      sending = false;
    }
  };
  // The tooltip is written when the pointer first reaches a button, and the number joins its
  // accessible name when focus reaches it (a screen reader then says "拨打 13800138000"): not for
  // every button made, which on a 100k-row page is most of what a button would cost.
  window.addEventListener(
    'pointerover',
    (event) => {
      const host = hostOf(event);
      if (!host) return;
      if (!host.hasAttribute('title')) host.title = tooltipFor(buttonNumber(host));
      // Positioned around its probe again before the pointer's arrival is judged (a page may have
      // taken the marker away since; see PROBED_ATTR).
      if (!host.hasAttribute(PROBED_ATTR) && host.querySelector(PROBE_TAG)) host.setAttribute(PROBED_ATTR, '');
    },
    true,
  );
  window.addEventListener(
    'focusin',
    (event) => {
      const host = hostOf(event);
      const dial = host && buttonNumber(host);
      if (dial) host.setAttribute('aria-label', tooltipFor(dial));
    },
    true,
  );
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick', 'auxclick', 'contextmenu']) {
    window.addEventListener(type, (event) => void swallow(event), true);
  }
  window.addEventListener(
    'click',
    (event) => {
      const host = swallow(event);
      if (!host) return;
      event.preventDefault();
      void decide(host, checker.pointerVerdict(host, event));
    },
    true,
  );
  window.addEventListener(
    'keydown',
    (event) => {
      const host = hostOf(event);
      if (!host || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.stopPropagation();
      event.preventDefault();
      if (event.repeat) return;
      void decide(host, checker.keyVerdict(host, event));
    },
    true,
  );
}
