/**
 * From one picked element to a selector for its whole column.
 * - In a <table>: the cell's column index under the same table.
 * - In a div grid: the nearest ancestor that repeats among its siblings is the row;
 *   the picked cell is addressed by its position inside that row.
 */
const STATE_CLASS = /(^|-)(hover|hovered|active|current|selected|striped|focus|focused|odd|even|checked)$/i;

export function inferColumnSelector(target: Element): string | null {
  const cell = target.closest('td, th');
  const table = cell?.closest('table');
  if (cell && table && cell.parentElement) {
    const index = Array.prototype.indexOf.call(cell.parentElement.children, cell) + 1;
    const t = uniqueSelector(table);
    return `${t} > tbody > tr > td:nth-child(${index}), ${t} > tr > td:nth-child(${index})`;
  }
  return gridColumnSelector(target);
}

function gridColumnSelector(target: Element): string | null {
  let node: Element | null = target;
  const path: Element[] = [];
  for (let depth = 0; node && node.parentElement && depth < 10; depth++, node = node.parentElement) {
    const parent: Element = node.parentElement;
    const signature = signatureOf(node);
    const similar = Array.from(parent.children).filter((c) => signatureOf(c) === signature).length;
    if (similar >= 3 && path.length > 0) {
      const rowSelector = `${uniqueSelector(parent)} > ${signatureSelector(node)}`;
      const inner = path
        .reverse()
        .map((el) => `${el.tagName.toLowerCase()}:nth-child(${Array.prototype.indexOf.call(el.parentElement!.children, el) + 1})`)
        .join(' > ');
      return `${rowSelector} > ${inner}`;
    }
    path.push(node);
  }
  return null;
}

function stableClasses(el: Element): string[] {
  return Array.from(el.classList)
    .filter((c) => !STATE_CLASS.test(c) && !/\d{3,}/.test(c))
    .sort();
}

function signatureOf(el: Element): string {
  return `${el.tagName}.${stableClasses(el).join('.')}`;
}

function signatureSelector(el: Element): string {
  return el.tagName.toLowerCase() + stableClasses(el).map((c) => `.${CSS.escape(c)}`).join('');
}

/** A selector that names `el` in its document: by id where it has a unique one, else by path. */
export function uniqueSelector(el: Element): string {
  const parts: string[] = [];
  let node: Element | null = el;
  while (node && node !== document.documentElement) {
    if (node.id && document.querySelectorAll(`#${CSS.escape(node.id)}`).length === 1) {
      parts.unshift(`#${CSS.escape(node.id)}`);
      return parts.join(' > ');
    }
    if (node === document.body) {
      parts.unshift('body');
      return parts.join(' > ');
    }
    const parent: Element | null = node.parentElement;
    const sameTag = parent ? Array.from(parent.children).filter((c) => c.tagName === node!.tagName) : [];
    const tag = node.tagName.toLowerCase();
    parts.unshift(sameTag.length > 1 ? `${tag}:nth-of-type(${sameTag.indexOf(node) + 1})` : tag);
    node = parent;
  }
  return parts.join(' > ');
}
