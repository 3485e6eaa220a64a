/**
 * Keeps exactly one call button in every cell the active rules name, on a page that
 * keeps changing (pagination, infinite scroll, re-renders, virtual-scroll recycling,
 * SPA routes, open shadow roots).
 *
 * How it stays fast:
 * - the first pass and every later change go through one queue of elements, processed
 *   in slices of a few milliseconds so the page stays responsive;
 * - buttons are not inserted as they are computed but in one batch when the queue is
 *   drained: on a big table every DOM change costs a full table layout (seconds at
 *   100k rows), so one insertion batch means one layout instead of dozens;
 * - a small change (rows appended, a page of a table re-rendered) is handled right in
 *   the MutationObserver callback, before the browser renders the page's own change,
 *   so both share a single layout — this is what keeps appending rows flat in page size;
 * - after the first pass only what a MutationObserver reports is looked at, and
 *   `querySelectorAll(rule.selector)` on a changed subtree finds its cells natively.
 *
 * How it stays correct:
 * - each cell has at most one button (WeakMap cell → button); a recycled cell whose
 *   text changed gets its button re-pointed at the new number, never a stale one;
 * - a cell whose number went away loses its button; removed rows take theirs along;
 * - our own insertions are ignored by the observer.
 */
import type { ButtonRule } from '../shared/rules.ts';
import { buttonRule, buttonSource, createCallButton, HOST_TAG, isCallButton, markPlaced, setButtonNumber, styleRoot } from './call-button.ts';

export interface NumberResolver {
  /** The number a cell holds and what to dial for it, or null if it holds none. */
  (text: string): { dial: string | null } | null;
}

type Root = Document | ShadowRoot;

/** Time one slice of work may take before yielding to the page. */
const SLICE_MS = 8;
/** Work done synchronously in the observer callback (small changes) may take this long. */
const SYNC_MS = 50;
/** A mutation batch adding at most this many nodes is handled in the callback itself. */
const SYNC_NODES = 3000;

export class Annotator {
  private rules: readonly ButtonRule[] = [];
  private readonly cellButtons = new WeakMap<Element, HTMLElement>();
  private readonly observers = new Map<Root, MutationObserver>();
  private readonly queue = new Set<Node>();
  /**
   * Nodes whose own content changed (text edited, children removed or replaced): only the
   * cell they sit in needs a look, never their whole subtree — a row appended to a
   * 100,000-row tbody must not make us re-read the tbody.
   */
  private readonly shallow = new WeakSet<Node>();
  /** Buttons computed but not inserted yet, with the cell each belongs to. */
  private readonly pending = new Map<HTMLElement, Element>();
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  /** Extra hook run on every changed node (automatic detection). */
  onNodes: ((nodes: readonly Node[]) => void) | null = null;

  constructor(
    private resolve: NumberResolver,
    private readonly onChange: () => void,
  ) {}

  /** Start watching the document (and open shadow roots found in it). */
  start(): void {
    this.addRoot(document);
  }

  setRules(rules: readonly ButtonRule[]): void {
    const active = new Set(rules.map((r) => r.id));
    // Any edit counts (selector, path, numberFrom), not only added or removed rules.
    const changed = JSON.stringify(rules) !== JSON.stringify(this.rules);
    this.rules = rules;
    if (!changed) return;
    this.removeButtons((host) => buttonRule(host) !== 'auto' && !active.has(buttonRule(host) ?? ''));
    this.rescan();
  }

  /** The dial plan changed: every button's number is recomputed. */
  setResolver(resolve: NumberResolver): void {
    this.resolve = resolve;
    this.rescan();
  }

  /** Queue every root for a full pass. */
  rescan(): void {
    for (const root of this.observers.keys()) this.enqueue(root);
  }

  /** Remove the buttons automatic detection added (it was switched off). */
  clearDetected(): number {
    return this.removeButtons((host) => buttonRule(host) === 'auto');
  }

  /** Remove every button (rules cleared). Returns how many were on the page. */
  clear(): number {
    this.rules = [];
    return this.removeButtons(() => true);
  }

  count(): number {
    let n = 0;
    for (const root of this.observers.keys()) {
      for (const host of root.querySelectorAll(HOST_TAG)) if (isCallButton(host) && host.isConnected) n++;
    }
    return n;
  }

  /** Resolves once everything queued so far has been processed and inserted. */
  idle(): Promise<void> {
    if (!this.scheduled && this.queue.size === 0 && this.pending.size === 0) return Promise.resolve();
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
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    this.observers.set(root, observer);
    this.enqueue(root);
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
    for (const record of records) {
      if (isCallButton(record.target)) continue; // inside one of our buttons (its visibility probe)
      if (record.type === 'characterData') {
        this.enqueueShallow(record.target);
        continue;
      }
      let ours = record.addedNodes.length > 0 || record.removedNodes.length > 0;
      for (const node of record.addedNodes) {
        if (isCallButton(node)) continue;
        ours = false;
        added++;
        this.enqueue(node);
        if (node.nodeType === Node.ELEMENT_NODE) this.findShadowRoots(node);
      }
      for (const node of record.removedNodes) if (!isCallButton(node)) ours = false;
      // Children of a cell changed (text replaced, our button wiped by a re-render).
      if (!ours) this.enqueueShallow(record.target);
    }
    // A small change is handled now, before the page renders, sharing its layout; what
    // was computed is inserted now even if some work is left for later slices.
    if (added <= SYNC_NODES && this.queue.size > 0) {
      this.drain(performance.now() + SYNC_MS);
      this.flush();
    }
  }

  private enqueueShallow(node: Node): void {
    if (this.queue.has(node)) return; // already queued for a full look
    this.shallow.add(node);
    this.enqueue(node);
  }

  private enqueue(node: Node): void {
    this.queue.add(node);
    if (this.scheduled) return;
    this.scheduled = true;
    queueSlice(() => this.work());
  }

  // ── processing ────────────────────────────────────────────────────────────

  private work(): void {
    this.drain(performance.now() + SLICE_MS);
    if (this.queue.size > 0) {
      queueSlice(() => this.work());
      return;
    }
    this.scheduled = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Process queued nodes until `deadline`; insert the buttons if the queue ran dry. */
  private drain(deadline: number): void {
    const changedNodes: Node[] = [];
    for (const node of this.queue) {
      this.queue.delete(node);
      if (!node.isConnected) continue;
      changedNodes.push(node);
      if (this.shallow.has(node)) {
        this.shallow.delete(node);
        this.processCellOf(node);
      } else this.processNode(node, deadline);
      if (performance.now() > deadline) break;
    }
    if (this.onNodes && changedNodes.length) this.onNodes(changedNodes);
    if (this.queue.size === 0) this.flush();
  }

  /** Insert every computed button in one go: one layout for the whole batch. */
  private flush(): void {
    if (this.pending.size === 0) return;
    for (const [host, cell] of this.pending) {
      if (!cell.isConnected) continue;
      insertAfterText(cell, host);
      markPlaced(host);
    }
    this.pending.clear();
    this.onChange();
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
        // invalid here: ignored, as in processNode
      }
    }
  }

  private processNode(node: Node, deadline: number): void {
    const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
    const scope = node.nodeType === Node.DOCUMENT_NODE || node.nodeType === Node.DOCUMENT_FRAGMENT_NODE ? (node as Root) : element;
    if (!scope || isCallButton(scope as Node)) return;
    for (const rule of this.rules) {
      let cells: Element[];
      try {
        cells = [];
        if (scope instanceof Element) {
          const own = scope.closest(rule.selector);
          if (own) cells.push(own);
        }
        // Large scopes (a whole page) are split: remaining cells are re-queued.
        for (const cell of scope.querySelectorAll(rule.selector)) cells.push(cell);
      } catch {
        continue; // a selector that stopped being valid here (checked when saved)
      }
      for (let i = 0; i < cells.length; i++) {
        this.annotate(cells[i]!, rule);
        if ((i & 63) === 63 && performance.now() > deadline) {
          for (let j = i + 1; j < cells.length; j++) this.queue.add(cells[j]!);
          return;
        }
      }
    }
  }

  private annotate(cell: Element, rule: ButtonRule): void {
    if (isCallButton(cell)) return;
    const existing = this.cellButtons.get(cell);
    const resolved = this.numberOf(cell, rule);
    if (existing && (this.pending.has(existing) || (existing.isConnected && cell.contains(existing)))) {
      if (!resolved) {
        existing.remove();
        this.pending.delete(existing);
        this.cellButtons.delete(cell);
      } else setButtonNumber(existing, resolved.dial);
      return;
    }
    if (!resolved) return;
    const host = createCallButton(resolved.dial, rule.id, cell);
    this.cellButtons.set(cell, host);
    this.pending.set(host, cell);
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

  private removeButtons(predicate: (host: HTMLElement) => boolean): number {
    let removed = 0;
    for (const host of this.pending.keys()) if (predicate(host)) this.pending.delete(host);
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

/**
 * Put the button right after the number's text, inside the element that holds it
 * (e.g. el-table's `td > div.cell`), so it sits inline with the number instead of on
 * a line of its own.
 */
function insertAfterText(cell: Element, host: HTMLElement): void {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  let last: Text | null = null;
  for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
    if (/\d/.test(t.data)) last = t;
  }
  if (last && last.parentNode) last.parentNode.insertBefore(host, last.nextSibling);
  else cell.append(host);
}

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
