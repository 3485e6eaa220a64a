/**
 * The call button put into a page: one light-DOM element `<callbar-call>` per number.
 *
 * Why not a shadow root per button: on a 10,000-row table, 10,000 shadow roots cost
 * several times the layout time of plain elements. Instead every button is a plain
 * element styled by ONE constructed stylesheet adopted by the document (and by each
 * open shadow root we annotate):
 * - `all: initial` on the host, so page styles are not inherited;
 * - no layout shift: the 18×18 icon has negative margins equal to its size, so it
 *   takes no room on its line (column widths, wrapping and line height are unchanged);
 *   it is drawn just after the number, overlapping the cell's padding;
 * - constructed sheets are outside the page's CSP style-src, and the icon is a text
 *   glyph on a CSS background, so strict-CSP pages (img-src 'self') show it too;
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

export const HOST_TAG = 'callbar-call';
/** A dot at a button's centre whose visibility is watched for the button (agent-intent.ts). */
const PROBE_TAG = 'callbar-probe';
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
callbar-call {
  all: initial !important; display: inline-block !important; box-sizing: border-box !important;
  width: 18px !important; height: 18px !important; margin: -18px -18px 0 0 !important;
  position: relative !important; left: 4px !important; top: 0.1em !important; vertical-align: baseline !important;
  border-radius: 9px !important; background: #1677ff !important; color: #fff !important;
  font: 12px/18px "Segoe UI Symbol", "DejaVu Sans", "Noto Sans Symbols", sans-serif !important;
  text-align: center !important; cursor: pointer !important; box-shadow: 0 1px 2px rgba(0, 0, 0, .25) !important;
  user-select: none !important; z-index: 1 !important;
}
callbar-call::before { content: "\\260E\\FE0E"; }
callbar-call:hover { background: #4096ff !important; }
callbar-probe { all: initial !important; display: block !important; position: absolute !important; left: 50% !important; top: 50% !important;
  width: 2px !important; height: 2px !important; margin: -1px 0 0 -1px !important; pointer-events: none !important; }
callbar-call:focus-visible { outline: 2px solid #91caff !important; outline-offset: 1px !important; }
callbar-call[data-callbar-masked] { background: #d9d9d9 !important; color: #8c8c8c !important; cursor: not-allowed !important; }
@media print { callbar-call { display: none !important; } }
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

/** Create a button for `dial` (null = masked: shown disabled), belonging to `source` (its cell, or the detected text). */
export function createCallButton(dial: string | null, ruleId: string, source: Node): HTMLElement {
  const host = document.createElement(HOST_TAG);
  entries.set(host, { dial, ruleId, source, placedAt: performance.now() });
  host.tabIndex = 0;
  host.setAttribute('role', 'button');
  writeNumber(host, dial);
  return host;
}

/** The button was (re)inserted now: it must sit still a moment before it dials. */
export function markPlaced(host: Element): void {
  const entry = entries.get(host);
  if (entry) entry.placedAt = performance.now();
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

function writeNumber(host: HTMLElement, dial: string | null): void {
  if (dial) {
    host.setAttribute(NUMBER_ATTR, dial);
    host.removeAttribute('data-callbar-masked');
    host.removeAttribute('aria-disabled');
    host.setAttribute('aria-label', t('buttonDial', dial));
    host.title = t('buttonDial', dial);
  } else {
    host.removeAttribute(NUMBER_ATTR);
    host.setAttribute('data-callbar-masked', '');
    host.setAttribute('aria-label', t('buttonMasked'));
    host.setAttribute('aria-disabled', 'true');
    host.title = t('buttonMasked');
  }
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
    const target = event.composedPath()[0];
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
