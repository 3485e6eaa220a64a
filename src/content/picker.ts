/**
 * The element picker (选择元素): hover highlights, a click picks a cell, the column
 * is inferred, the agent sees which cells will get a button (outlined in blue on the page,
 * the column's name and their count in the bar) and confirms. Esc or 取消 cancels. Only trusted input drives it; while it runs the page gets no
 * clicks.
 */
import { columnLabel, inferColumnSelector } from './column.ts';
import { createShadowHost, isolateKeys } from './shadow-host.ts';
import { t } from '../shared/i18n.ts';

/** Stands in for a substitution so the text around it can be split off. */
const SLOT = '\u2063';

const CSS = `
.bar { font: 13px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f1f1f; background: #fff;
  border: 1px solid #91caff; box-shadow: 0 6px 16px rgba(0,0,0,.12); border-radius: 8px; padding: 10px 14px;
  display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; box-sizing: border-box; max-width: 100%; pointer-events: auto; }
.bar b { color: #1677ff; }
.marked { color: #595959; }
button { font: inherit; border: 1px solid #d9d9d9; background: #fff; border-radius: 6px; padding: 3px 12px; cursor: pointer; }
button.primary { background: #1677ff; border-color: #1677ff; color: #fff; }
`;

export interface PickResult {
  selector: string;
  matched: number;
  /** The column's header text, when there is one (e.g. 手机号码). */
  label?: string;
}

/** How many elements `selector` matches here, or null when it is not a valid selector. */
export function countMatches(selector: string): number | null {
  if (!selector || selector.length > 500) return null;
  try {
    return document.querySelectorAll(selector).length;
  } catch {
    return null;
  }
}

function countIn(root: Document | ShadowRoot, selector: string): number {
  try {
    return root.querySelectorAll(selector).length;
  } catch {
    return 0;
  }
}

export function stopPicker(): void {
  active?.();
}

let active: (() => void) | null = null;

export function isPicking(): boolean {
  return active !== null;
}

/** Start picking; resolves with the confirmed column, or null when cancelled. */
export function startPicker(): Promise<PickResult | null> {
  active?.();
  return new Promise((resolve) => {
    const highlight = document.createElement('callbar-highlight');
    for (const [k, v] of Object.entries({
      all: 'initial',
      position: 'fixed',
      'pointer-events': 'none',
      'z-index': '2147483646',
      outline: '2px solid #1677ff',
      background: 'rgba(22,119,255,.12)',
      display: 'none',
    })) {
      highlight.style.setProperty(k, v, 'important');
    }
    const { host, root } = createShadowHost('callbar-picker', CSS, {
      // The width of the window (less a margin), the bar centred in it: a long sentence (English)
      // has the room of the window before it wraps. The empty sides let the page's pointer through.
      position: 'fixed',
      top: '12px',
      left: '12px',
      right: '12px',
      display: 'flex',
      'justify-content': 'center',
      'pointer-events': 'none',
      'z-index': '2147483647',
    });
    isolateKeys(root);
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.dataset.testid = 'picker-bar';
    root.append(bar);
    document.documentElement.append(highlight, host);

    let picked: PickResult | null = null;
    const marks = new CellMarks();
    const showPrompt = () => {
      marks.clear();
      bar.replaceChildren(text(t('pickerPrompt')), button(t('cancel'), 'picker-cancel', () => finish(null)));
    };
    const showConfirm = (result: PickResult) => {
      const message = document.createElement('span');
      message.dataset.testid = 'picker-count';
      // The count is bold: split the sentence around a marker put where $1 goes.
      const [before = '', after = ''] = t('pickerWillInsert', SLOT).split(SLOT);
      message.append(before, Object.assign(document.createElement('b'), { textContent: String(result.matched) }), after);
      const marked = Object.assign(document.createElement('span'), { className: 'marked', textContent: t('pickerMarked') });
      marked.dataset.testid = 'picker-marked';
      const column = result.label ? text(t('pickerColumn', result.label)) : null;
      if (column) column.dataset.testid = 'picker-column';
      const sentence = document.createElement('span');
      sentence.append(...(column ? [column] : []), message, marked);
      bar.replaceChildren(
        sentence,
        button(t('confirm'), 'picker-confirm', () => finish(result), true),
        button(t('pickerRepick'), 'picker-repick', () => ((picked = null), showPrompt())),
        button(t('cancel'), 'picker-cancel', () => finish(null)),
      );
    };

    const onMove = (event: MouseEvent) => {
      if (picked) return;
      const target = event.composedPath()[0] as Element | null;
      if (!(target instanceof Element) || host.contains(target) || target === host) return;
      const rect = target.getBoundingClientRect();
      highlight.style.setProperty('display', 'block', 'important');
      highlight.style.setProperty('left', `${rect.left}px`, 'important');
      highlight.style.setProperty('top', `${rect.top}px`, 'important');
      highlight.style.setProperty('width', `${rect.width}px`, 'important');
      highlight.style.setProperty('height', `${rect.height}px`, 'important');
    };
    const swallow = (event: Event) => {
      if (event.composedPath().includes(host)) return; // our own bar's buttons
      event.preventDefault();
      event.stopPropagation();
    };
    const onClick = (event: MouseEvent) => {
      if (event.composedPath().includes(host)) return;
      swallow(event);
      if (!event.isTrusted || picked) return;
      const target = event.composedPath()[0] as Element;
      const selector = target instanceof Element ? inferColumnSelector(target) : null;
      if (!selector) return showError(t('pickerUnrecognized'));
      const label = columnLabel(target);
      const root = target.getRootNode() as Document | ShadowRoot;
      picked = { selector, matched: countIn(root, selector), ...(label ? { label } : {}) };
      highlight.style.setProperty('display', 'none', 'important');
      marks.show(root, selector);
      showConfirm(picked);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && event.isTrusted) {
        event.preventDefault();
        finish(null);
      }
    };
    const showError = (message: string) => {
      bar.replaceChildren(text(message), button(t('cancel'), 'picker-cancel', () => finish(null)));
      setTimeout(() => !picked && active && showPrompt(), 2000);
    };

    const finish = (result: PickResult | null) => {
      document.removeEventListener('mousemove', onMove, true);
      document.removeEventListener('click', onClick, true);
      document.removeEventListener('mousedown', swallow, true);
      document.removeEventListener('mouseup', swallow, true);
      document.removeEventListener('keydown', onKey, true);
      highlight.remove();
      marks.clear();
      host.remove();
      active = null;
      resolve(result);
    };
    active = () => finish(null);

    document.addEventListener('mousemove', onMove, true);
    document.addEventListener('click', onClick, true);
    document.addEventListener('mousedown', swallow, true);
    document.addEventListener('mouseup', swallow, true);
    document.addEventListener('keydown', onKey, true);
    showPrompt();
  });
}

function text(value: string): HTMLSpanElement {
  return Object.assign(document.createElement('span'), { textContent: value });
}

function button(label: string, testid: string, onClick: () => void, primary = false): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.testid = testid;
  if (primary) b.className = 'primary';
  b.addEventListener('click', (event) => {
    if (event.isTrusted) onClick();
  });
  return b;
}

/**
 * The cells a picked column will use, outlined on the page while the agent decides: the ones in
 * view, redrawn as the page scrolls or resizes (at most MAX_MARKS at a time). Drawn in a layer of
 * CallBar's that takes no pointer events.
 */
class CellMarks {
  private static readonly MAX_MARKS = 400;
  private layer: HTMLElement | null = null;
  private redraw: (() => void) | null = null;
  private frame = 0;

  show(root: Document | ShadowRoot, selector: string): void {
    this.clear();
    const layer = document.createElement('callbar-marks');
    layer.dataset.testid = 'picker-marks';
    for (const [k, v] of Object.entries({ all: 'initial', position: 'fixed', inset: '0', 'pointer-events': 'none', 'z-index': '2147483646', display: 'block' })) {
      layer.style.setProperty(k, v, 'important');
    }
    document.documentElement.append(layer);
    this.layer = layer;
    const draw = () => {
      this.frame = 0;
      let cells: Element[] = [];
      try {
        cells = [...root.querySelectorAll(selector)];
      } catch {
        cells = [];
      }
      const marks: HTMLElement[] = [];
      for (const cell of cells) {
        const r = cell.getBoundingClientRect();
        if (r.width <= 0 || r.height <= 0 || r.bottom < 0 || r.right < 0 || r.top > innerHeight || r.left > innerWidth) continue;
        const mark = document.createElement('callbar-mark');
        for (const [k, v] of Object.entries({
          all: 'initial', position: 'fixed', display: 'block', 'box-sizing': 'border-box', left: `${r.left}px`, top: `${r.top}px`,
          width: `${r.width}px`, height: `${r.height}px`, outline: '2px solid #1677ff', 'outline-offset': '-2px', background: 'rgba(22,119,255,.08)',
        })) {
          mark.style.setProperty(k, v, 'important');
        }
        marks.push(mark);
        if (marks.length >= CellMarks.MAX_MARKS) break;
      }
      layer.replaceChildren(...marks);
    };
    this.redraw = () => {
      if (!this.frame) this.frame = requestAnimationFrame(draw);
    };
    addEventListener('scroll', this.redraw, true);
    addEventListener('resize', this.redraw);
    draw();
  }

  clear(): void {
    if (this.redraw) {
      removeEventListener('scroll', this.redraw, true);
      removeEventListener('resize', this.redraw);
      this.redraw = null;
    }
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.layer?.remove();
    this.layer = null;
  }
}
