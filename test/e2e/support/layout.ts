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
