/**
 * Keeps exactly one call button in every cell the active rules name, on a page that
 * keeps changing (pagination, infinite scroll, re-renders, virtual-scroll recycling,
 * SPA routes, open shadow roots).
 *
 * How it stays fast:
 * - the first pass and every later change go through one queue of elements, processed
 *   in slices of a few milliseconds so the page never freezes;
 * - after the first pass only what a MutationObserver reports is looked at, so the
 *   cost of appending rows does not grow with the size of the page;
 * - `querySelectorAll(rule.selector)` on a changed subtree finds its cells natively.
 *
 * How it stays correct:
 * - each cell has at most one button (WeakMap cell → button); a recycled cell whose
 *   text changed gets its button re-pointed at the new number, never a stale one;
 * - a cell whose number went away loses its button; removed rows take theirs along;
 * - our own insertions are ignored by the observer.
 */
import type { ButtonRule } from '../shared/rules.ts';
import { buttonRule, createCallButton, HOST_TAG, isCallButton, setButtonNumber, styleRoot } from './call-button.ts';

export interface NumberResolver {
  /** The number a cell holds and what to dial for it, or null if it holds none. */
  (text: string): { dial: string | null } | null;
}

type Root = Document | ShadowRoot;

/** Time one slice of work may take before yielding to the page. */
const SLICE_MS = 8;

export class Annotator {
  private rules: readonly ButtonRule[] = [];
  private readonly cellButtons = new WeakMap<Element, HTMLElement>();
  private readonly observers = new Map<Root, MutationObserver>();
  private readonly queue = new Set<Node>();
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
    const changed = rules.length !== this.rules.length || this.rules.some((r) => !active.has(r.id));
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

  /** Resolves once everything queued so far has been processed (tests, benchmarks). */
  idle(): Promise<void> {
    if (!this.scheduled && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  roots(): Root[] {
    return [...this.observers.keys()];
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
    if (!('querySelectorAll' in start)) return;
    const walker = document.createTreeWalker(start, NodeFilter.SHOW_ELEMENT, {
      acceptNode: (el) => ((el as Element).shadowRoot ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP),
    });
    for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
      if (el.shadowRoot) this.addRoot(el.shadowRoot);
    }
  }

  private onMutations(records: MutationRecord[]): void {
    for (const record of records) {
      if (record.type === 'characterData') {
        this.enqueue(record.target);
        continue;
      }
      let ours = record.addedNodes.length > 0 || record.removedNodes.length > 0;
      for (const node of record.addedNodes) {
        if (isCallButton(node)) continue;
        ours = false;
        this.enqueue(node);
        if (node.nodeType === Node.ELEMENT_NODE) this.findShadowRoots(node);
      }
      for (const node of record.removedNodes) if (!isCallButton(node)) ours = false;
      // Children of a cell changed (text replaced, our button wiped by a re-render).
      if (!ours) this.enqueue(record.target);
    }
  }

  private enqueue(node: Node): void {
    this.queue.add(node);
    if (this.scheduled) return;
    this.scheduled = true;
    queueSlice(() => this.work());
  }

  // ── processing ────────────────────────────────────────────────────────────

  private work(): void {
    const deadline = performance.now() + SLICE_MS;
    const changedNodes: Node[] = [];
    for (const node of this.queue) {
      this.queue.delete(node);
      if (!node.isConnected) continue;
      changedNodes.push(node);
      this.processNode(node, deadline);
      if (performance.now() > deadline) break;
    }
    if (this.onNodes && changedNodes.length) this.onNodes(changedNodes);
    if (this.queue.size > 0) {
      queueSlice(() => this.work());
      return;
    }
    this.scheduled = false;
    this.onChange();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
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
    if (existing && existing.isConnected && cell.contains(existing)) {
      if (!resolved) {
        existing.remove();
        this.cellButtons.delete(cell);
      } else setButtonNumber(existing, resolved.dial);
      return;
    }
    if (!resolved) return;
    const host = createCallButton(resolved.dial, rule.id);
    this.cellButtons.set(cell, host);
    insertAfterText(cell, host);
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
