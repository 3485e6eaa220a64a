/**
 * Automatic detection (opt-in per site): phone numbers in the page's text and
 * `tel:` links become dialable without a rule. A button is inserted right after
 * each number (the text node is split there); text inside form fields, editable
 * areas, code, our own UI and cells already covered by a rule is left alone.
 */
import { findPhoneNumbers, type PhoneMatch } from '../shared/phone/index.ts';
import type { Detector } from './annotator.ts';
import { createCallButton, HOST_TAG, isCallButton } from './call-button.ts';

const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'CODE', 'PRE', 'SVG', 'TEMPLATE', 'IFRAME', 'HEAD', 'TITLE']);
/** Text nodes already looked at, with the text they had then. */
const seen = new WeakMap<Text, string>();

export type DialOf = (match: PhoneMatch) => string | null;

function skippable(element: Element | null): boolean {
  for (let el = element; el; el = el.parentElement) {
    if (SKIP_TAGS.has(el.tagName.toUpperCase()) || el.localName.startsWith('callbar')) return true;
    if ((el as HTMLElement).isContentEditable) return true;
    if (el.tagName === 'A' && (el as HTMLAnchorElement).protocol === 'tel:') return true; // handled as a link
  }
  return false;
}

/**
 * Automatic detection as resumable work: changed nodes are queued, and `run` walks their text
 * until a deadline, so a 1 MB page is read in slices like a rule's column (annotator.ts).
 */
export class TextDetector implements Detector {
  private readonly queue: Node[] = [];
  private walker: TreeWalker | null = null;

  constructor(private readonly dialOf: DialOf) {}

  add(nodes: readonly Node[]): void {
    for (const node of nodes) this.queue.push(node);
  }

  busy(): boolean {
    return this.walker !== null || this.queue.length > 0;
  }

  run(deadline: number, budget: number): number {
    let added = 0;
    let n = 0;
    while (added < budget) {
      if (!this.walker) {
        const node = this.queue.shift();
        if (!node) break;
        if (!node.isConnected) continue;
        if (node.nodeType === Node.TEXT_NODE) {
          added += scanText(node as Text, this.dialOf);
          continue;
        }
        if (!('querySelectorAll' in node)) continue;
        const root = node as Element | Document | ShadowRoot;
        if (root instanceof Element && skippable(root)) continue;
        for (const link of root.querySelectorAll<HTMLAnchorElement>('a[href^="tel:" i]')) added += annotateLink(link, this.dialOf);
        this.walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      }
      const text = this.walker.nextNode() as Text | null;
      if (!text) {
        this.walker = null;
        continue;
      }
      if (seen.get(text) !== text.data && /\d/.test(text.data)) {
        // Splitting adds the rest of the text after the button: the walker reaches it next.
        added += scanText(text, this.dialOf);
      }
      if ((++n & 63) === 0 && performance.now() > deadline) break;
    }
    return added;
  }
}

function scanText(text: Text, dialOf: DialOf): number {
  if (seen.get(text) === text.data || !/\d/.test(text.data)) return 0;
  seen.set(text, text.data);
  const parent = text.parentElement;
  if (!parent || skippable(parent)) return 0;
  // A cell a rule already annotated keeps its one button.
  if (parent.querySelector(HOST_TAG) && [...parent.querySelectorAll(HOST_TAG)].some(isCallButton)) return 0;
  const matches = findPhoneNumbers(text.data, { limit: 50 });
  if (!matches.length) return 0;
  // Split from the end so earlier offsets stay valid; every piece is marked seen.
  for (let i = matches.length - 1; i >= 0; i--) {
    const match = matches[i]!;
    const rest = match.end < text.data.length ? text.splitText(match.end) : null;
    if (rest) seen.set(rest, rest.data);
    text.after(createCallButton(dialOf(match), 'auto', text));
  }
  seen.set(text, text.data);
  return matches.length;
}

/**
 * Is the detected button `host` still right after the text (or tel: link) it was made for, and
 * does that text still end with the number `dial` came from?
 */
export function detectedStillValid(host: HTMLElement, source: Node | undefined, dial: string, dialOf: DialOf): boolean {
  if (!source?.isConnected || host.previousSibling !== source) return false;
  if (source instanceof HTMLAnchorElement) {
    const number = decodeURIComponent(source.getAttribute('href')?.replace(/^tel:/i, '') ?? '').split(/[;?]/)[0] ?? '';
    const [match] = findPhoneNumbers(number);
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
  const number = decodeURIComponent(link.getAttribute('href')!.replace(/^tel:/i, '')).split(/[;?]/)[0] ?? '';
  const [match] = findPhoneNumbers(number);
  if (!match) return 0;
  link.after(createCallButton(dialOf(match), 'auto', link));
  return 1;
}
