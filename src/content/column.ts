/**
 * From one picked element to a selector for its whole column.
 * - In a <table>: a class that only this column's cells carry (col-mobile,
 *   el-table_1_column_5, …) when there is one, else the cell's position in its row.
 * - In a div grid: a column attribute (AG Grid's col-id, data-field, …) when there is
 *   one; else the nearest ancestor that repeats among its siblings is the row and the
 *   cell is addressed by its position inside that row.
 * Selectors are anchored on the nearest ancestor with a unique id, else on stable
 * classes, so they survive re-renders and pagination.
 */
const STATE_CLASS = /(^|[-_])(hover|hovered|active|current|selected|striped|stripe|focus|focused|odd|even|checked|sorted|highlight|is-[a-z]+)$/i;
const COLUMN_ATTRIBUTES = ['col-id', 'data-col', 'data-column', 'data-field', 'data-colid', 'data-column-key', 'colid', 'aria-colindex'];

export function inferColumnSelector(target: Element): string | null {
  const cell = target.closest('td, th');
  const table = cell?.closest('table');
  if (cell && table && cell.parentElement) return tableColumnSelector(cell, table);
  return gridColumnSelector(target);
}

function tableColumnSelector(cell: Element, table: Element): string {
  const row = cell.parentElement!;
  const index = Array.prototype.indexOf.call(row.children, cell) + 1;
  const t = uniqueSelector(table);
  const own = columnClass(cell, row);
  if (own) return `${t} td.${CSS.escape(own)}`;
  return `${t} > tbody > tr > td:nth-child(${index}), ${t} > tr > td:nth-child(${index})`;
}

/** A stable class carried by this cell but by no other cell of its row. */
function columnClass(cell: Element, row: Element): string | null {
  const siblings = Array.from(row.children).filter((c) => c !== cell);
  for (const cls of stableClasses(cell)) {
    if (!siblings.some((s) => s.classList.contains(cls))) return cls;
  }
  return null;
}

function gridColumnSelector(target: Element): string | null {
  // A cell that names its column.
  for (let el: Element | null = target; el && el !== document.body; el = el.parentElement) {
    for (const attr of COLUMN_ATTRIBUTES) {
      const value = el.getAttribute(attr);
      if (value && el.parentElement && Array.from(el.parentElement.children).filter((c) => c.getAttribute(attr) !== null).length >= 2) {
        return `${el.localName}[${attr}="${CSS.escape(value)}"]`;
      }
    }
  }
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
        .map((el) => `${el.localName}:nth-child(${Array.prototype.indexOf.call(el.parentElement!.children, el) + 1})`)
        .join(' > ');
      return `${rowSelector} > ${inner}`;
    }
    path.push(node);
  }
  return null;
}

/** The header text of the picked cell's column, if the table has one. */
export function columnLabel(target: Element): string | undefined {
  const cell = target.closest('td, th');
  const table = cell?.closest('table');
  if (!cell || !table || !cell.parentElement) return undefined;
  const index = Array.prototype.indexOf.call(cell.parentElement.children, cell);
  // Header in the same table, or in a sibling header table (el-table, antd split them).
  const header =
    table.querySelector(`thead tr > :nth-child(${index + 1})`) ??
    table.closest('.el-table, .ant-table, .vxe-table')?.querySelector(`thead tr > :nth-child(${index + 1})`);
  const text = header?.textContent?.trim();
  return text ? text.slice(0, 40) : undefined;
}

function stableClasses(el: Element): string[] {
  return Array.from(el.classList)
    .filter((c) => !STATE_CLASS.test(c) && !/\d{4,}/.test(c) && !c.startsWith('callbar'))
    .sort();
}

function signatureOf(el: Element): string {
  return `${el.localName}.${stableClasses(el).join('.')}`;
}

function signatureSelector(el: Element): string {
  return el.localName + stableClasses(el).map((c) => `.${CSS.escape(c)}`).join('');
}

/** A selector naming `el` within its document or shadow root: id, else stable classes, else position. */
export function uniqueSelector(el: Element): string {
  const root = el.getRootNode() as Document | ShadowRoot;
  const parts: string[] = [];
  let node: Element | null = el;
  while (node && node !== document.documentElement) {
    if (node.id && !/\d{4,}/.test(node.id) && root.querySelectorAll(`#${CSS.escape(node.id)}`).length === 1) {
      parts.unshift(`#${CSS.escape(node.id)}`);
      return parts.join(' > ');
    }
    if (node === document.body) {
      parts.unshift('body');
      return parts.join(' > ');
    }
    const parent: Element | null = node.parentElement;
    const siblings: Element[] = parent ? Array.from(parent.children) : [];
    const bySignature = signatureSelector(node);
    const sameSignature = siblings.filter((c) => signatureSelector(c) === bySignature);
    if (stableClasses(node).length && sameSignature.length === 1) parts.unshift(bySignature);
    else {
      const sameTag = siblings.filter((c) => c.localName === node!.localName);
      parts.unshift(sameTag.length > 1 ? `${node.localName}:nth-of-type(${sameTag.indexOf(node) + 1})` : node.localName);
    }
    node = parent;
  }
  return parts.join(' > ');
}
