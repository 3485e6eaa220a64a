/**
 * Call buttons in the cells the site's rules name. One button per cell, ever: a
 * WeakMap remembers each cell's host; when a cell's text changes (re-render,
 * recycled virtual row) the button takes the new number. The number dialled is
 * kept here, in the content script, never read back from the page-visible
 * `data-callbar-number` attribute (that attribute is output for integrators).
 * Only trusted clicks dial.
 */
import { CallbarError } from '../shared/errors.ts';
import { send } from '../shared/messaging.ts';
import { extractNumber } from '../shared/phone-number.ts';
import type { PublicState } from '../shared/session-state.ts';
import type { ButtonRule } from './rules.ts';
import { currentState } from './state-client.ts';
import { createShadowHost } from './shadow-host.ts';
import { showToast } from './toast.ts';

export const HOST_TAG = 'callbar-call';
export const NUMBER_ATTR = 'data-callbar-number';

const CSS = `
:host { all: initial; }
button { all: unset; box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center;
  width: 20px; height: 20px; border-radius: 10px; background: #1677ff; color: #fff; cursor: pointer; }
button:hover { background: #4096ff; }
button:focus-visible { outline: 2px solid #91caff; outline-offset: 1px; }
button[disabled] { background: #bfbfbf; cursor: not-allowed; }
svg { width: 12px; height: 12px; fill: currentColor; }
@media print { :host { display: none !important; } }
`;
const PHONE_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25c1.1.37 2.3.57 3.6.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/></svg>';

interface Entry {
  host: HTMLElement;
  button: HTMLButtonElement;
  number: string;
}

const cells = new WeakMap<Element, Entry>();
const hosts = new Set<HTMLElement>();
const entries = new WeakMap<HTMLElement, Entry>();
let disabled = false;

/** Every element CallBar injects is a `callbar-*` element. */
export function isOurNode(node: Node): boolean {
  return node instanceof Element && node.tagName.startsWith('CALLBAR-');
}

export function buttonCount(): number {
  let n = 0;
  for (const host of hosts) if (host.isConnected) n++;
  return n;
}

/** Put or update a button in every cell matching the rules; drop ones whose cell lost its number. */
export function applyRules(rules: readonly ButtonRule[], root: ParentNode = document): void {
  for (const rule of rules) {
    let matched: NodeListOf<Element>;
    try {
      matched = root.querySelectorAll(rule.selector);
    } catch {
      continue; // checked when the rule was saved; a page cannot make it throw later
    }
    for (const cell of matched) annotate(cell);
  }
  for (const host of hosts) if (!host.isConnected) hosts.delete(host);
}

function annotate(cell: Element): void {
  if (isOurNode(cell) || cell.closest(HOST_TAG)) return;
  const number = extractNumber(cell.textContent ?? '');
  const existing = cells.get(cell);
  if (existing && existing.host.isConnected && existing.host.parentNode === cell) {
    if (!number) return remove(cell, existing);
    if (existing.number !== number) setNumber(existing, number);
    return;
  }
  if (!number) return;
  const entry = createButton(number);
  cells.set(cell, entry);
  cell.appendChild(entry.host);
}

function remove(cell: Element, entry: Entry): void {
  entry.host.remove();
  hosts.delete(entry.host);
  cells.delete(cell);
}

export function removeAllButtons(): number {
  let removed = 0;
  for (const host of hosts) {
    if (host.isConnected) removed++;
    host.remove();
  }
  hosts.clear();
  return removed;
}

function createButton(number: string): Entry {
  const { host, root } = createShadowHost(HOST_TAG, CSS, {
    display: 'inline-block',
    'vertical-align': 'middle',
    'margin-left': '4px',
    'line-height': '0',
  });
  const button = document.createElement('button');
  button.type = 'button';
  button.innerHTML = PHONE_ICON;
  button.disabled = disabled;
  root.append(button);
  const entry: Entry = { host, button, number };
  setNumber(entry, number);
  button.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    if (!event.isTrusted) return; // a page script clicking for the user never dials
    void dial(entry);
  });
  // The cell's own click handlers (row selection, navigation) must not fire for our button.
  host.addEventListener('click', (event) => event.stopPropagation());
  host.addEventListener('mousedown', (event) => event.stopPropagation());
  hosts.add(host);
  entries.set(host, entry);
  return entry;
}

function setNumber(entry: Entry, number: string): void {
  entry.number = number;
  entry.host.setAttribute(NUMBER_ATTR, number);
  entry.button.setAttribute('aria-label', `拨打 ${number}`);
  entry.button.title = `拨打 ${number}`;
}

async function dial(entry: Entry): Promise<void> {
  if (disabled) return;
  setDisabled(true); // no double dial while the request is on its way
  try {
    await send('call/dial', { number: entry.number });
  } catch (error) {
    showToast(error instanceof CallbarError ? error.message : String(error), 'error');
  } finally {
    // The pushed state decides from here on (a failed request pushes nothing).
    updateButtonsFor(currentState());
  }
}

/** Buttons are disabled while a dial is pending or a call is in progress. */
export function updateButtonsFor(state: PublicState): void {
  const active = !!state.call && ['dialing', 'ringing', 'incoming', 'connected', 'held'].includes(state.call.state);
  setDisabled(state.dialing || active);
}

function setDisabled(value: boolean): void {
  disabled = value;
  for (const host of hosts) {
    const entry = entries.get(host);
    if (entry) entry.button.disabled = value;
  }
}
