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
 * the page's own handlers). Only trusted input dials: a page calling `.click()` or
 * dispatching events gets nothing. The number is kept in a WeakMap here; the
 * `data-callbar-number` attribute is output only (the documented integrator contract).
 */
export const HOST_TAG = 'callbar-call';
export const NUMBER_ATTR = 'data-callbar-number';

interface Entry {
  /** What will be dialled; null when the number is masked. */
  dial: string | null;
  /** Which rule put it here ('auto' for automatic detection). */
  ruleId: string;
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
callbar-call:focus-visible { outline: 2px solid #91caff !important; outline-offset: 1px !important; }
callbar-call[data-callbar-masked] { background: #d9d9d9 !important; color: #8c8c8c !important; cursor: not-allowed !important; }
@media print { callbar-call { display: none !important; } }
`;
const BUSY_CSS = `callbar-call, callbar-call:hover { background: #bfbfbf !important; cursor: not-allowed !important; }`;

let baseSheet: CSSStyleSheet | null = null;
let busySheet: CSSStyleSheet | null = null;
let busy = false;
const styledRoots = new Set<Document | ShadowRoot>();

function sheets(): { base: CSSStyleSheet; busy: CSSStyleSheet } {
  baseSheet ??= makeSheet(BASE_CSS);
  busySheet ??= makeSheet(BUSY_CSS);
  return { base: baseSheet, busy: busySheet };
}

function makeSheet(css: string): CSSStyleSheet {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
}

/** Make buttons render inside `root` (the document, or an open shadow root we annotate). */
export function styleRoot(root: Document | ShadowRoot): void {
  if (styledRoots.has(root)) return;
  styledRoots.add(root);
  const { base, busy: busyOne } = sheets();
  const own = [base, ...(busy ? [busyOne] : [])];
  root.adoptedStyleSheets = [...root.adoptedStyleSheets.filter((s) => s !== base && s !== busyOne), ...own];
}

export function isCallButton(node: Node | null | undefined): node is HTMLElement {
  return !!node && (node as Element).localName === HOST_TAG && entries.has(node as Element);
}

/** Create a button for `dial` (null = masked: shown disabled). `display` is what the label says. */
export function createCallButton(dial: string | null, ruleId: string): HTMLElement {
  const host = document.createElement(HOST_TAG);
  entries.set(host, { dial, ruleId });
  host.tabIndex = 0;
  host.setAttribute('role', 'button');
  writeNumber(host, dial);
  if (busy) host.setAttribute('aria-disabled', 'true');
  return host;
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
  writeNumber(host, dial);
}

function writeNumber(host: HTMLElement, dial: string | null): void {
  if (dial) {
    host.setAttribute(NUMBER_ATTR, dial);
    host.removeAttribute('data-callbar-masked');
    host.setAttribute('aria-label', `拨打 ${dial}`);
    host.title = `拨打 ${dial}`;
  } else {
    host.removeAttribute(NUMBER_ATTR);
    host.setAttribute('data-callbar-masked', '');
    host.setAttribute('aria-label', '号码已隐藏，无法拨打');
    host.setAttribute('aria-disabled', 'true');
    host.title = '号码已隐藏，无法拨打';
  }
}

/** While a call is being placed or is up, every button is disabled (no double dial). */
export function setButtonsBusy(value: boolean): void {
  if (busy === value) return;
  busy = value;
  const { busy: sheet } = sheets();
  for (const root of styledRoots) {
    const others = root.adoptedStyleSheets.filter((s) => s !== sheet);
    root.adoptedStyleSheets = value ? [...others, sheet] : others;
    for (const host of root.querySelectorAll(HOST_TAG)) {
      if (!entries.has(host)) continue;
      if (value || !entries.get(host)!.dial) host.setAttribute('aria-disabled', 'true');
      else host.removeAttribute('aria-disabled');
    }
  }
}

type DialHandler = (dial: string, host: HTMLElement) => void;

/**
 * One set of listeners per document, in the capture phase at the window so they run
 * before the page's: a click on a button never reaches the CRM's row handlers.
 */
export function listenForClicks(onDial: DialHandler, onRefused: (message: string) => void): void {
  const hostOf = (event: Event): HTMLElement | null => {
    const target = event.composedPath()[0];
    return isCallButton(target as Node) ? (target as HTMLElement) : null;
  };
  const swallow = (event: Event) => {
    const host = hostOf(event);
    if (host) event.stopPropagation();
    return host;
  };
  const activate = (event: Event, host: HTMLElement) => {
    event.preventDefault();
    if (!event.isTrusted) return; // a page script clicking for the agent never dials
    const dial = buttonNumber(host);
    if (!dial) return onRefused('号码已隐藏，无法拨打');
    if (busy) return onRefused('正在通话或呼叫中，请稍候');
    onDial(dial, host);
  };
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick']) {
    window.addEventListener(type, (event) => void swallow(event), true);
  }
  window.addEventListener(
    'click',
    (event) => {
      const host = swallow(event);
      if (host) activate(event, host);
    },
    true,
  );
  window.addEventListener(
    'keydown',
    (event) => {
      const host = hostOf(event);
      if (!host || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.stopPropagation();
      activate(event, host);
    },
    true,
  );
}
