/**
 * The screen review's checks, run in a page or frame of CallBar's UI (the popup, the toolbar frame):
 *
 *  - clipped: a visible text element's content is larger than its box (scrollWidth/scrollHeight
 *    over clientWidth/clientHeight by more than 1 px; for an <input> or <select>, its shown text
 *    measured against its content box) — cut off, or running over its neighbours;
 *  - outside: its text runs outside the view (the popup's 360 px width; the toolbar frame's box);
 *  - cut: its text is cut by an ancestor with `overflow: hidden` (or `clip`);
 *  - overlap: two visible text elements' text boxes overlap (an element and its own descendants
 *    excepted);
 *  - cjk: in the English UI, visible text with CJK characters (ideographs, CJK punctuation,
 *    fullwidth forms) that is not platform data — data-bearing elements (customer and agent
 *    numbers, agent names, queue names, state names from the platform's own configuration) carry
 *    `data-platform` and their subtrees are left out.
 *
 * A "text element" is an element with a non-blank text node of its own, or an <input> (its
 * placeholder or value; a value the agent typed may scroll inside its field), <textarea> or
 * <select> (its selected option; in the English UI its other options are checked for CJK too, as
 * the agent reads them when opening the list). Text is measured
 * by its line boxes (a Range over the element's own text nodes), not by the element's box.
 *
 * The check runs as a string in the page (tsx would wrap named functions in `__name()`, which the
 * page does not have).
 */
import type { Frame, Page } from 'puppeteer-core';

export type CheckKind = 'clipped' | 'outside' | 'cut' | 'overlap' | 'cjk';

export interface ScreenFinding {
  check: CheckKind;
  /** A CSS-like path to the element, from its nearest data-testid ancestor. */
  selector: string;
  /** The element's text (trimmed, at most 80 characters). */
  text: string;
  detail: string;
}

export interface CheckOptions {
  /** The English UI: also report CJK text that is not platform data. */
  english: boolean;
  /**
   * The box text must stay inside, in CSS px from the view's top left: the popup is `{ width: 380 }`
   * (it scrolls vertically), the toolbar frame its whole viewport (`{}`: the frame's own size).
   */
  bounds: { width?: number; height?: number | 'none' };
}

const CHECK_SOURCE = String.raw`
(opts) => {
  const TOL = 1;
  const CJK = /[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/;
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TITLE', 'OPTION', 'OPTGROUP', 'HEAD', 'svg']);
  const TEXT_INPUTS = new Set(['text', 'search', 'tel', 'url', 'email', 'password', 'number', '']);
  const root = document.documentElement;
  const viewW = Math.min(opts.bounds.width ?? Infinity, root.clientWidth);
  const viewH = opts.bounds.height === 'none' ? Infinity : Math.min(opts.bounds.height ?? Infinity, root.clientHeight);
  const findings = [];
  const canvas = document.createElement('canvas').getContext('2d');

  const clean = (s) => s.replace(/\s+/g, ' ').trim();
  const short = (s) => { s = clean(s); return s.length > 80 ? s.slice(0, 79) + '…' : s; };
  const part = (el) => {
    let s = el.tagName.toLowerCase();
    const testid = el.getAttribute('data-testid');
    if (testid) return s + '[data-testid="' + testid + '"]';
    if (el.id) return s + '#' + el.id;
    const classes = [...el.classList].slice(0, 2);
    if (classes.length) s += '.' + classes.join('.');
    const parent = el.parentElement;
    if (parent) {
      const same = [...parent.children].filter((c) => c.tagName === el.tagName);
      if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(el) + 1) + ')';
    }
    return s;
  };
  const selectorOf = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && e !== root && parts.length < 5; e = e.parentElement) {
      parts.unshift(part(e));
      if (e.hasAttribute('data-testid') || e.id) break;
    }
    return parts.join(' > ');
  };
  const visible = (el) => {
    if (!el.getClientRects().length) return false;
    // Also false inside a closed <details> (its content keeps boxes under content-visibility: hidden).
    if (el.checkVisibility && !el.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true })) return false;
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible') return false;
    for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).opacity === '0') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const ownText = (el) => [...el.childNodes].filter((n) => n.nodeType === 3 && n.data.trim());
  const isControl = (el) => el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && TEXT_INPUTS.has((el.getAttribute('type') ?? '').toLowerCase()));
  const controlText = (el) => {
    if (el.tagName === 'SELECT') return el.selectedOptions[0]?.textContent ?? '';
    return el.value || el.placeholder || '';
  };

  // Every visible text element with the boxes of its text.
  const items = [];
  const range = document.createRange();
  for (const el of document.body.querySelectorAll('*')) {
    if (SKIP.has(el.tagName) || el.closest('svg, option, select > *')) continue;
    const control = isControl(el);
    const nodes = control ? [] : ownText(el);
    const text = control ? controlText(el) : nodes.map((n) => n.data).join('');
    if (!clean(text) || !visible(el)) continue;
    let rects = [];
    if (control) {
      const r = el.getBoundingClientRect();
      rects = [{ left: r.left, top: r.top, right: r.right, bottom: r.bottom }];
    } else {
      for (const n of nodes) {
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) if (r.width >= 1 && r.height >= 1) rects.push({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
      }
    }
    if (!rects.length) continue;
    // Reported with all its text (its own and its children's), checked for CJK on its own.
    items.push({ el, text: short(control ? text : el.textContent), own: short(text), rects, control, platform: !!el.closest('[data-platform]') });
  }

  const add = (item, check, detail) => findings.push({ check, selector: selectorOf(item.el), text: item.text, detail });
  const px = (n) => Math.round(n * 10) / 10;

  for (const item of items) {
    const { el } = item;
    const cs = getComputedStyle(el);
    // (1) clipped / overflowing its own box.
    // A value the agent typed scrolls inside its field by design; a placeholder or a choice must fit.
    if (item.control && !(el.tagName !== 'SELECT' && el.value)) {
      const shown = controlText(el);
      canvas.font = cs.font;
      const need = canvas.measureText(shown).width + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + (el.tagName === 'SELECT' ? 16 : 0);
      if (need > el.clientWidth + TOL) add(item, 'clipped', 'its text needs ' + px(need) + ' px, the field is ' + el.clientWidth + ' px wide');
    } else if (!item.control && cs.display !== 'inline' && cs.display !== 'contents') {
      const w = el.scrollWidth - el.clientWidth;
      const h = el.scrollHeight - el.clientHeight;
      if (w > TOL || h > TOL) add(item, 'clipped', 'content ' + el.scrollWidth + '×' + el.scrollHeight + ' px in a box of ' + el.clientWidth + '×' + el.clientHeight + ' px (overflow ' + cs.overflowX + '/' + cs.overflowY + (cs.textOverflow === 'ellipsis' ? ', ellipsis' : '') + ')');
    }
    // (1) outside the view.
    const out = [];
    for (const r of item.rects) {
      if (r.left < -TOL) out.push('left ' + px(r.left));
      if (r.right > viewW + TOL) out.push('right ' + px(r.right) + ' > ' + px(viewW));
      if (r.top < -TOL && viewH !== Infinity) out.push('top ' + px(r.top));
      if (r.bottom > viewH + TOL) out.push('bottom ' + px(r.bottom) + ' > ' + px(viewH));
    }
    if (out.length) add(item, 'outside', 'text outside the ' + (viewH === Infinity ? px(viewW) + ' px width' : px(viewW) + '×' + px(viewH) + ' px view') + ': ' + [...new Set(out)].slice(0, 2).join(', '));
    // (1) cut by an ancestor that hides its overflow. What the element itself and any clipping
    // ancestor (scrolling ones too) leave of the text is what (2) compares.
    let shownRects = item.rects;
    let reported = false;
    for (let a = item.control ? el.parentElement : el; a && a !== root; a = a.parentElement) {
      const acs = getComputedStyle(a);
      if (acs.overflowX !== 'visible' || acs.overflowY !== 'visible') {
        const b = a.getBoundingClientRect();
        const l = b.left + a.clientLeft, t = b.top + a.clientTop;
        const cx = acs.overflowX !== 'visible', cy = acs.overflowY !== 'visible';
        shownRects = shownRects
          .map((r) => ({ left: cx ? Math.max(r.left, l) : r.left, right: cx ? Math.min(r.right, l + a.clientWidth) : r.right, top: cy ? Math.max(r.top, t) : r.top, bottom: cy ? Math.min(r.bottom, t + a.clientHeight) : r.bottom }))
          .filter((r) => r.right - r.left > 0 && r.bottom - r.top > 0);
      }
      if (reported || a === el) continue;
      const hx = acs.overflowX === 'hidden' || acs.overflowX === 'clip';
      const hy = acs.overflowY === 'hidden' || acs.overflowY === 'clip';
      if (!hx && !hy) continue;
      const b = a.getBoundingClientRect();
      const box = { left: b.left + a.clientLeft, top: b.top + a.clientTop, right: b.left + a.clientLeft + a.clientWidth, bottom: b.top + a.clientTop + a.clientHeight };
      const cut = item.rects.some((r) => (hx && (r.left < box.left - TOL || r.right > box.right + TOL)) || (hy && (r.top < box.top - TOL || r.bottom > box.bottom + TOL)));
      if (cut) {
        add(item, 'cut', 'cut by ' + selectorOf(a) + ' (overflow ' + acs.overflowX + '/' + acs.overflowY + ', box ' + px(box.right - box.left) + '×' + px(box.bottom - box.top) + ' px)');
        reported = true;
      }
    }
    item.shown = shownRects;
    // (3) CJK in the English UI.
    if (opts.english && !item.platform) {
      if (el.tagName === 'SELECT') for (const o of el.options) if (o !== el.selectedOptions[0] && !o.closest('[data-platform]') && CJK.test(o.textContent)) add(item, 'cjk', 'an option of the list: "' + short(o.textContent) + '"');
      if (CJK.test(item.control ? item.text : item.own)) add(item, 'cjk', 'Chinese text in the English UI');
    }
  }

  // (2) text on text. Not when one of the two is scrolled under an opaque layer that holds only
  // the other (a sticky bar): what is drawn there is the layer, the text under it is hidden.
  function underLayer(x, y, cx, cy) {
    let top = document.elementFromPoint(cx, cy);
    for (; top; top = top.parentElement) {
      const bg = getComputedStyle(top).backgroundColor;
      if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) break;
    }
    return !!top && top.contains(x) !== top.contains(y);
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      let hit = null;
      for (const r of a.shown) {
        for (const s of b.shown) {
          const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
          const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
          if (w > TOL && h > TOL && !underLayer(a.el, b.el, Math.max(r.left, s.left) + w / 2, Math.max(r.top, s.top) + h / 2)) { hit = px(w) + '×' + px(h) + ' px'; break; }
        }
        if (hit) break;
      }
      if (hit) add(a, 'overlap', 'overlaps "' + b.text + '" (' + selectorOf(b.el) + ') by ' + hit);
    }
  }
  return { findings, texts: items.length };
}`;

/** Runs the checks in `target` (a page, or a frame such as the toolbar's). */
export async function checkScreen(target: Page | Frame, options: CheckOptions): Promise<{ findings: ScreenFinding[]; texts: number }> {
  return target.evaluate(`(${CHECK_SOURCE})(${JSON.stringify(options)})`) as Promise<{ findings: ScreenFinding[]; texts: number }>;
}

/** A captured state's findings, labelled. */
export interface LabelledFinding extends ScreenFinding {
  provider: string;
  language: string;
  state: string;
  view: 'popup' | 'toolbar';
}

/**
 * One line per finding, for a test's failure message and the script's log. The same finding in
 * several states (the same element, text and check) is one line listing those states.
 */
export function formatFindings(findings: readonly LabelledFinding[]): string {
  const groups = new Map<string, { first: LabelledFinding; states: string[] }>();
  for (const f of findings) {
    const key = [f.provider, f.language, f.view, f.check, f.selector, f.text, f.check === 'cjk' || f.check === 'overlap' ? f.detail : ''].join('\u0000');
    const group = groups.get(key);
    if (group) {
      if (!group.states.includes(f.state)) group.states.push(f.state);
    } else groups.set(key, { first: f, states: [f.state] });
  }
  return [...groups.values()]
    .map(({ first: f, states }) => `[${f.provider} · ${f.language} · ${f.view}] ${f.check}: "${f.text}" at ${f.selector} — ${f.detail} — in ${states.length === 1 ? '' : `${states.length} states: `}${states.join(' | ')}`)
    .join('\n');
}
