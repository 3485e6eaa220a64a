/**
 * The layout check: on a page with call buttons, no button's box may intersect the box of any of
 * the page's text (a button over "0755-…" makes the agent read "755-…"). Every text node of the
 * document (and of its open shadow roots) is measured with a Range: its line boxes, not its
 * element's box, so text and a button side by side in one cell are told apart. Where boxes do
 * intersect, the button counts as covering the text only if it is the one drawn on top there.
 */
import type { Frame, Page } from 'puppeteer-core';

export interface Overlap {
  text: string;
  button: string | null;
}

/** Buttons that cover text in `frame`; [] when the page is right. Also fails if there are no buttons to check. */
export async function textUnderButtons(frame: Page | Frame): Promise<{ buttons: number; overlaps: Overlap[] }> {
  return frame.evaluate(() => {
    const roots: Array<Document | ShadowRoot> = [document];
    for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    const buttons: Element[] = [];
    for (const root of roots) buttons.push(...root.querySelectorAll('callbarcall'));
    const boxes = buttons.map((b) => ({ b, r: b.getBoundingClientRect() }));
    const range = document.createRange();
    const overlaps: Array<{ text: string; button: string | null }> = [];
    for (const root of roots) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        if (!t.data.trim() || t.parentElement?.closest('script, style, noscript, template, title')) continue;
        range.selectNodeContents(t);
        for (const r of range.getClientRects()) {
          if (r.width < 1 || r.height < 1) continue;
          for (const { b, r: box } of boxes) {
            const x = Math.min(box.right, r.right) - Math.max(box.left, r.left);
            const y = Math.min(box.bottom, r.bottom) - Math.max(box.top, r.top);
            if (x <= 0.5 || y <= 0.5) continue;
            // Drawn over the text, or under it (a sticky header scrolled over the rows hides the
            // button, which then covers nothing)? What is on top at the middle of the overlap says.
            const cx = (Math.max(box.left, r.left) + Math.min(box.right, r.right)) / 2;
            const cy = (Math.max(box.top, r.top) + Math.min(box.bottom, r.bottom)) / 2;
            const top = (b.getRootNode() as Document | ShadowRoot).elementFromPoint(cx, cy);
            if (top && (top === b || b.contains(top))) overlaps.push({ text: t.data.trim().slice(0, 30), button: b.getAttribute('data-callbar-number') });
          }
        }
      }
    }
    return { buttons: buttons.length, overlaps: overlaps.slice(0, 10) };
  });
}

/** Asserts the layout check on `frame` (with at least one button on it). */
export async function expectNoTextUnderButtons(frame: Page | Frame, where = ''): Promise<void> {
  const { buttons, overlaps } = await textUnderButtons(frame);
  if (buttons === 0) throw new Error(`layout check${where ? ` (${where})` : ''}: no call buttons to check`);
  if (overlaps.length) {
    throw new Error(`layout check${where ? ` (${where})` : ''}: ${overlaps.length} text box(es) under call buttons: ${overlaps.map((o) => `"${o.text}" under ${o.button}`).join('; ')}`);
  }
}

export interface CoveredControl {
  control: string;
  box: { left: number; top: number; right: number; bottom: number };
}

/**
 * The page's controls (links, buttons, fields, checkboxes, CallBar's call buttons — anything an
 * agent clicks or types into) that CallBar's toolbar frame covers on `page`, with the toolbar's
 * box. A control counts when its box and the toolbar's intersect by more than half a pixel.
 */
export async function controlsUnderToolbar(page: Page): Promise<{ toolbar: CoveredControl['box'] | null; covered: CoveredControl[] }> {
  return page.evaluate(() => {
    const host = document.querySelector('callbar-toolbar');
    if (!host) return { toolbar: null, covered: [] };
    const t = host.getBoundingClientRect();
    const toolbar = { left: t.left, top: t.top, right: t.right, bottom: t.bottom };
    const roles = ['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'combobox', 'textbox', 'option', 'slider'];
    const selector = ['a', 'button', 'input', 'select', 'textarea', 'label', '[tabindex]', '[onclick]', '[contenteditable]', 'callbarcall', ...roles.map((r) => `[role="${r}"]`)].join(',');
    const covered: Array<{ control: string; box: typeof toolbar }> = [];
    for (const el of document.querySelectorAll(selector)) {
      if (el === host || (el as HTMLInputElement).type === 'hidden') continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      const x = Math.min(r.right, t.right) - Math.max(r.left, t.left);
      const y = Math.min(r.bottom, t.bottom) - Math.max(r.top, t.top);
      if (x <= 0.5 || y <= 0.5) continue;
      const name = `${el.localName}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 20) || el.getAttribute('aria-label') || ''}"`;
      covered.push({ control: name, box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom } });
    }
    return { toolbar, covered };
  });
}
