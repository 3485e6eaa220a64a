/**
 * A second opinion on a call button's visibility, for when IntersectionObserver v2 keeps saying
 * "not visible" (src/shared/agent-intent.ts `stillVisible`). Some UI libraries lay a transparent
 * layer over their tables — vxe-table's row-expand layer is `position: absolute;
 * pointer-events: none` over the whole body — and the browser counts any layer above as covering.
 * A clickjacking page instead needs something the agent SEES over the button, or the button made
 * transparent, filtered or transformed. So, in the top frame only (a framing page's opacity is out
 * of sight here), this says "visible" when:
 * - nothing from the button up to the document makes it transparent, hidden, filtered, clipped or
 *   transformed beyond a translation;
 * - no element painted above it at the point covers it: every element the point hits above the
 *   button — pointer-events: none ones included — is an empty, transparent box.
 * It is asked only for buttons the browser reported hidden all along since the pointer arrived,
 * once at that report and again at the click; docs/security.md says what it cannot see (paint
 * outside an element's box, such as a neighbour's box-shadow).
 */
import { sheet } from './shadow-host.ts';

const HIT_EVERYTHING = '* { pointer-events: auto !important; }';
const REPLACED = new Set(['IMG', 'CANVAS', 'VIDEO', 'SVG', 'svg', 'IFRAME', 'OBJECT', 'EMBED', 'INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'PICTURE']);

export function visibleDespiteObserver(button: Element, x: number, y: number): boolean {
  if (window.top !== window) return false;
  return clearAncestry(button) && !coveredAt(button, x, y);
}

/** Nothing between the button and the document makes it see-through, filtered, clipped or moved oddly. */
function clearAncestry(button: Element): boolean {
  for (let node: Node | null = button; node; node = node instanceof ShadowRoot ? node.host : node.parentNode) {
    if (!(node instanceof Element)) continue;
    const style = getComputedStyle(node);
    if (Number(style.opacity) < 0.99 || style.filter !== 'none' || style.clipPath !== 'none' || style.mixBlendMode !== 'normal') return false;
    if (style.maskImage && style.maskImage !== 'none') return false;
    if (node === button && style.visibility !== 'visible') return false;
    if (style.transform !== 'none' && !/^matrix\(1, 0, 0, 1, [^,]+, [^,]+\)$/.test(style.transform)) return false;
  }
  return true;
}

/** Is something painted above the button at (x, y)? Elements that let pointer events through count too. */
function coveredAt(button: Element, x: number, y: number): boolean {
  const root = button.getRootNode() as Document | ShadowRoot;
  const roots = root === document ? [document] : [document, root];
  const everything = sheet(HIT_EVERYTHING);
  const before = roots.map((r) => [...r.adoptedStyleSheets]); // a copy: the property is a live array
  let stack: Element[];
  try {
    for (const r of roots) r.adoptedStyleSheets = [...r.adoptedStyleSheets, everything];
    stack = root.elementsFromPoint(x, y);
  } finally {
    roots.forEach((r, i) => (r.adoptedStyleSheets = before[i]!));
  }
  for (const el of stack) {
    if (el === button || button.contains(el)) return false; // reached the button: nothing above it paints
    if (el.contains(button)) continue; // an ancestor (a shadow host): below it
    if (paints(el, x, y)) return true;
  }
  return true; // the button was not at the point at all
}

/** Does `el` draw anything at (x, y) (its own box, not its children)? */
function paints(el: Element, x: number, y: number): boolean {
  if (REPLACED.has(el.tagName)) return true;
  const style = getComputedStyle(el);
  if (style.visibility !== 'visible' || Number(style.opacity) === 0) return false;
  if (!transparent(style.backgroundColor) || style.backgroundImage !== 'none') return true;
  if (style.boxShadow !== 'none' || style.backdropFilter !== 'none' || style.filter !== 'none' || style.mixBlendMode !== 'normal') return true;
  for (const pseudo of ['::before', '::after']) {
    const p = getComputedStyle(el, pseudo);
    if (p.content !== 'none' && p.content !== 'normal' && p.display !== 'none') return true;
  }
  const box = el.getBoundingClientRect();
  const sides = [
    [style.borderTopWidth, style.borderTopColor, y - box.top],
    [style.borderBottomWidth, style.borderBottomColor, box.bottom - y],
    [style.borderLeftWidth, style.borderLeftColor, x - box.left],
    [style.borderRightWidth, style.borderRightColor, box.right - x],
  ] as const;
  for (const [width, color, distance] of sides) if (parseFloat(width) > 0 && !transparent(color) && distance <= parseFloat(width)) return true;
  // Its own text at the point.
  for (const child of el.childNodes) {
    if (child.nodeType !== Node.TEXT_NODE || !child.textContent?.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(child);
    for (const r of range.getClientRects()) if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return true;
  }
  return false;
}

function transparent(color: string): boolean {
  return color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(color);
}
