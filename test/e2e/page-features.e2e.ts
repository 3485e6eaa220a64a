/**
 * Call buttons on real UI-library pages (test/fixtures/ui, built from element-plus,
 * antd and vxe-table): one correct button per visible phone cell after picking,
 * paginating, virtual scrolling, SPA navigation and reload; selector rules; clear
 * all; automatic detection; strict CSP; iframes; shadow roots.
 */
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ButtonRule } from '../../src/shared/rules.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import {
  agentClick,
  clickInShadow,
  eventually,
  HOVER_MS,
  type ExtensionBrowser,
  inShadow,
  launchWithExtension,
  openPopup,
  pageCount,
  ROOT,
  seedRules,
  extensionApis,
  shadowText,
  tabIdOf,
  textOf,
  waitForText,
  waitForToast,
} from './support/extension.ts';
import { expectNoTextUnderButtons } from './support/layout.ts';

let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let ext: ExtensionBrowser;
let browser: Browser;
const ui = (page: string) => `${fixtures.url}/ui/dist/${page}`;

beforeAll(async () => {
  fixtures = await startFixtureServer();
  ext = await launchWithExtension();
  browser = ext.browser;
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
});

/** Seed rules the way the popup stores them (setup for tests of dynamic behaviour); the site is enabled by them. */
async function setRules(rules: Array<Partial<ButtonRule> & { selector: string; origin?: string }>): Promise<void> {
  const full = rules.map((r, i) => ({ id: `t${i}`, origin: fixtures.url, pathPattern: '/*', source: 'selector', createdAt: 0, ...r }));
  await seedRules(browser, full);
}

/** Automatic detection on this site (an enabled site with no rules). */
async function setAutoDetect(on: boolean): Promise<void> {
  const worker = await extensionApis(browser);
  await worker.evaluate(async (origin, value) => {
    const sites = ((await chrome.storage.local.get('callbar:sites'))['callbar:sites'] ?? {}) as Record<string, object>;
    await chrome.storage.local.set({ 'callbar:sites': { ...sites, [origin]: { ...sites[origin], autoDetect: value, enabled: true } } });
  }, fixtures.url, on);
}

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  return page;
}

/**
 * For every cell matching `selector` (in the frame, or in the shadow root of `shadowHost`):
 * exactly one button, carrying the cell's own number. Returns the numbers in order.
 */
async function buttonsPerCell(frame: Page | Frame, selector: string, shadowHost?: string): Promise<{ numbers: string[]; problems: string[] }> {
  return frame.evaluate(
    (sel, hostSel) => {
      const root: ParentNode = hostSel ? document.querySelector(hostSel)!.shadowRoot! : document;
      const problems: string[] = [];
      const numbers: string[] = [];
      root.querySelectorAll(sel).forEach((cell, i) => {
        const hosts = cell.querySelectorAll('callbarcall');
        const digits = (cell.textContent ?? '').replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
        if (hosts.length !== 1) problems.push(`cell ${i} "${cell.textContent}" has ${hosts.length} buttons`);
        const number = hosts[0]?.getAttribute('data-callbar-number') ?? '';
        if (hosts.length && number !== digits) problems.push(`cell ${i} "${cell.textContent}" dials ${number}`);
        numbers.push(number);
      });
      return { numbers, problems };
    },
    selector,
    shadowHost ?? null,
  );
}

async function expectOneButtonPerCell(frame: Page | Frame, selector: string, count: number, shadowHost?: string): Promise<string[]> {
  let last: { numbers: string[]; problems: string[] } = { numbers: [], problems: [] };
  try {
    return await eventually(async () => {
      last = await buttonsPerCell(frame, selector, shadowHost);
      return last.numbers.length === count && last.problems.length === 0 ? last.numbers : null;
    }, `one button in each of ${count} cells "${selector}"`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; found ${last.numbers.length}: ${last.problems.slice(0, 5).join('; ')}`);
  }
}

async function expectNumbers(page: Page, selector: string, numbers: string[]): Promise<void> {
  await eventually(async () => JSON.stringify(await page.$$eval(selector, (h) => h.map((x) => x.getAttribute('data-callbar-number')))) === JSON.stringify(numbers), `${selector} to dial ${numbers.join(', ')}`);
}

describe('element-plus table', () => {
  let page: Page;
  const CELLS = '#customer-table .el-table__body td.col-mobile';

  it('picks the phone column with the popup picker: preview count, then one button per row', async () => {
    await setRules([]);
    page = await openPage(ui('element-plus.html'));
    const popup = await openPopup(browser, await tabIdOf(browser, ui('element-plus.html')));
    await popup.click('[data-testid="start-picker"]');
    await waitForText(popup, '[data-testid="page-tools-info"]', '请在页面上点击'); // the site is enabled and the picker started
    await page.bringToFront();
    await inShadow(page, 'callbar-picker', '[data-testid="picker-bar"]');
    await page.hover(`${CELLS}:not(:empty)`);
    await page.click(`${CELLS}`);
    expect(await shadowText(page, 'callbar-picker', '[data-testid="picker-count"]')).toBe('将在 20 个单元格插入拨号按钮');
    expect(await shadowText(page, 'callbar-picker', '[data-testid="picker-column"]')).toBe('「手机号码」列：');
    // Which cells: each one in view is outlined, exactly where it is.
    const marked = await page.evaluate((cells: string) => {
      const inView = [...document.querySelectorAll(cells)].map((c) => c.getBoundingClientRect()).filter((r) => r.bottom > 0 && r.top < innerHeight);
      const marks = [...document.querySelectorAll('callbar-marks callbar-mark')].map((m) => m.getBoundingClientRect());
      const same = (a: DOMRect, b: DOMRect) => Math.abs(a.left - b.left) < 1 && Math.abs(a.top - b.top) < 1 && Math.abs(a.width - b.width) < 1;
      return { inView: inView.length, marks: marks.length, matched: inView.filter((r) => marks.some((m) => same(m, r))).length };
    }, CELLS);
    expect(marked.inView).toBeGreaterThan(5);
    expect(marked).toEqual({ inView: marked.inView, marks: marked.inView, matched: marked.inView });
    await clickInShadow(page, 'callbar-picker', '[data-testid="picker-confirm"]');
    expect(await page.$('callbar-marks')).toBeNull();
    // The confirmation toast says what happened, then leaves by itself.
    await waitForToast(page, /已在 \d+ 个单元格放置拨号按钮/);
    await eventually(async () => (await page.$('callbar-toast')) === null, 'the toast to leave', 8_000);
    // The popup (open in its tab) no longer asks to click the page: it says what came of it.
    await waitForText(popup, '[data-testid="page-tools-info"]', /已在 \d+ 个单元格放置拨号按钮/);
    await popup.close();
    const numbers = await expectOneButtonPerCell(page, CELLS, 20);
    expect(numbers[0]).toBe('13800138000');
    await expectNoTextUnderButtons(page, 'el-table');
    // Only the phone column got buttons (not the order numbers, not the header).
    expect(await page.$$eval('callbarcall', (h) => h.length)).toBe(20);
  });

  it('after paginating, every row of the new page has its own number (rows are reused by Vue)', async () => {
    await page.click('.el-pagination .btn-next');
    await page.waitForFunction(() => (window as unknown as { fixture: { page: number } }).fixture.page === 2);
    const numbers = await expectOneButtonPerCell(page, CELLS, 20);
    expect(new Set(numbers).size).toBe(20);
    expect(numbers).not.toContain('13800138000');
  });

  it('after a page-size change and a reload, still exactly one button per row', async () => {
    await page.evaluate(() => (window as unknown as { fixture: { setPageSize(n: number): Promise<void> } }).fixture.setPageSize(50));
    await expectOneButtonPerCell(page, CELLS, 50);
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    await expectOneButtonPerCell(page, CELLS, 20);
    await page.close();
  });
});

describe('div grid (no table)', () => {
  it('the picker infers the column from the repeated rows, and new rows get buttons', async () => {
    await setRules([]);
    const url = `${fixtures.url}/crm/grid.html`;
    const page = await openPage(url);
    const popup = await openPopup(browser, await tabIdOf(browser, url));
    await popup.click('[data-testid="start-picker"]');
    await popup.waitForSelector('[data-testid="page-tools-info"]'); // the site is enabled and the picker started
    await popup.close();
    await page.bringToFront();
    await inShadow(page, 'callbar-picker', '[data-testid="picker-bar"]');
    await page.click('#grid .grid-body .grid-row:nth-child(3) .grid-cell:nth-child(2)');
    expect(await shadowText(page, 'callbar-picker', '[data-testid="picker-count"]')).toBe('将在 12 个单元格插入拨号按钮');
    await clickInShadow(page, 'callbar-picker', '[data-testid="picker-confirm"]');
    await expectOneButtonPerCell(page, '#grid .grid-body .grid-row > .grid-cell:nth-child(2)', 12);
    // Only the phone column: not the order numbers in the third column.
    expect(await page.$$('#grid .grid-cell:nth-child(3) callbarcall')).toHaveLength(0);
    await page.click('#more');
    await expectOneButtonPerCell(page, '#grid .grid-body .grid-row > .grid-cell:nth-child(2)', 24);
    await expectNoTextUnderButtons(page, 'div grid');
    await page.close();
  });
});

describe('antd table', () => {
  it('a selector rule puts one button per row, and page changes keep it right', async () => {
    await setRules([]);
    const page = await openPage(ui('antd.html'));
    const popup = await openPopup(browser, await tabIdOf(browser, ui('antd.html')));
    await popup.click('[data-testid="selector-input"]');
    await popup.type('[data-testid="selector-input"]', '#customer-table td.col-mobile');
    await popup.click('[data-testid="add-selector"]');
    await waitForText(popup, '[data-testid="page-tools-info"]', '匹配 20 个元素');
    await popup.close();
    const cells = '#customer-table .ant-table-tbody td.col-mobile';
    const first = await expectOneButtonPerCell(page, cells, 20);
    await page.evaluate(() => (window as unknown as { fixture: { goToPage(n: number): Promise<void> } }).fixture.goToPage(3));
    const third = await expectOneButtonPerCell(page, cells, 20);
    expect(third.filter((n) => first.includes(n))).toEqual([]);
    await expectNoTextUnderButtons(page, 'antd');
    await page.close();
  });
});

describe('vxe-table virtual scrolling (recycled rows)', () => {
  it('recycled rows get the new number, never a stale one', async () => {
    await setRules([{ selector: '#customer-grid td.col-mobile' }]);
    const page = await openPage(ui('vxe-virtual.html'));
    const cells = '#customer-grid .vxe-table--body-wrapper td.col-mobile';
    const rendered = async () => page.$$eval(cells, (c) => c.length);
    await expectOneButtonPerCell(page, cells, await rendered());
    for (const row of [500, 5000, 9990, 20]) {
      await page.evaluate((i) => (window as unknown as { fixture: { scrollToRow(i: number): Promise<void> } }).fixture.scrollToRow(i), row);
      await expectOneButtonPerCell(page, cells, await rendered());
    }
    await expectNoTextUnderButtons(page, 'vxe-table');
    await page.close();
  });
});

describe('SPA routes', () => {
  it('rules follow route changes: buttons on the customers route, a different rule on orders, none left behind', async () => {
    await setRules([
      { selector: '#spa-customers td.col-mobile', pathPattern: '*route=/customers' },
      { selector: '#spa-orders td.col-contact-phone', pathPattern: '*route=/orders' },
    ]);
    const page = await openPage(`${ui('spa.html')}?route=/customers`);
    const count = await page.$$eval('#spa-customers td.col-mobile', (c) => c.length);
    await expectOneButtonPerCell(page, '#spa-customers td.col-mobile', count);
    await page.click('a.nav-link[data-route="/orders"]');
    await page.waitForSelector('body[data-route="/orders"]');
    const orders = await page.$$eval('#spa-orders td.col-contact-phone', (c) => c.length);
    await expectOneButtonPerCell(page, '#spa-orders td.col-contact-phone', orders);
    await page.goBack();
    await page.waitForSelector('body[data-route="/customers"]');
    await expectOneButtonPerCell(page, '#spa-customers td.col-mobile', count);
    await page.close();
  });
});

describe('infinite scroll', () => {
  it('appended rows get their buttons', async () => {
    await setRules([{ selector: '#infinite-list td.col-mobile' }]);
    const page = await openPage(ui('infinite.html'));
    await expectOneButtonPerCell(page, '#infinite-list td.col-mobile', 30);
    await page.evaluate(() => (window as unknown as { fixture: { loadMore(): Promise<void> } }).fixture.loadMore());
    await page.evaluate(() => (window as unknown as { fixture: { loadMore(): Promise<void> } }).fixture.loadMore());
    await expectOneButtonPerCell(page, '#infinite-list td.col-mobile', 90);
    await expectNoTextUnderButtons(page, 'infinite list');
    await page.close();
  });
});

describe('frames and shadow roots', () => {
  it('a column picked inside an iframe gets its buttons there', async () => {
    await setRules([]);
    const page = await openPage(ui('iframe.html'));
    const frame = await eventually(async () => {
      const f = page.frames().find((fr) => fr.url().endsWith('/element-plus.html'));
      return f && (await f.$('body[data-ready="1"]')) ? f : null;
    }, 'the CRM frame');
    const popup = await openPopup(browser, await tabIdOf(browser, ui('iframe.html')));
    await popup.click('[data-testid="start-picker"]');
    await popup.waitForSelector('[data-testid="page-tools-info"]'); // the site is enabled and the picker started
    await popup.close();
    await page.bringToFront();
    await inShadow(frame, 'callbar-picker', '[data-testid="picker-bar"]');
    const cells = '#customer-table .el-table__body td.col-mobile';
    await frame.click(cells);
    await clickInShadow(frame, 'callbar-picker', '[data-testid="picker-confirm"]');
    await expectOneButtonPerCell(frame, cells, 20);
    await expectNoTextUnderButtons(frame, 'el-table in a frame');
    // The top page's picker was stopped when the frame picked.
    await eventually(async () => (await page.$('callbar-picker')) === null, 'the top frame picker to close');
    await page.close();
  });

  it('cells inside an open shadow root get buttons, and keep them across its pages', async () => {
    await setRules([{ selector: 'td.col-mobile' }]);
    const page = await openPage(ui('shadow.html'));
    await expectOneButtonPerCell(page, 'td.col-mobile', 20, 'crm-list');
    await page.evaluate(() => (document.querySelector('crm-list') as unknown as { goToPage(n: number): void }).goToPage(2));
    await expectOneButtonPerCell(page, 'td.col-mobile', 20, 'crm-list');
    await expectNoTextUnderButtons(page, 'shadow DOM');
    await page.close();
  });
});

describe('automatic detection', () => {
  /** The middle of the first box of each text's next occurrence on the page (scrolled into view first). */
  async function spotOf(page: Page, text: string, used: string[]): Promise<{ x: number; y: number } | null> {
    return page.evaluate(
      (wanted, skip) => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        let seen = 0;
        for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
          for (let at = node.data.indexOf(wanted); at >= 0; at = node.data.indexOf(wanted, at + 1)) {
            if (seen++ < skip) continue;
            node.parentElement!.scrollIntoView({ block: 'center' });
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + wanted.length);
            const box = range.getClientRects()[0];
            return box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : null;
          }
        }
        return null;
      },
      text,
      used.filter((u) => u === text).length,
    );
  }

  it('is off by default; switched on, it finds exactly the real numbers, and each gets its button when the pointer rests on it', async () => {
    await setRules([]);
    const all = (await (await fetch(ui('autodetect-expected.json'))).json()) as Array<{ number: string; kind: string; text: string; detected?: boolean }>;
    const expected = all.filter((e) => e.detected !== false);
    const page = await openPage(ui('autodetect.html'));
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.$$('callbarcall')).toHaveLength(0);
    // Switched on in the popup: that enables CallBar on the site in the same click.
    const popup = await openPopup(browser, await tabIdOf(browser, ui('autodetect.html')));
    await popup.click('[data-testid="autodetect-enable"]');
    await waitForText(popup, '[data-testid="site-status"]', '已在');
    await popup.waitForSelector('[data-testid="autodetect-toggle"]:checked');
    await popup.close();
    // Every real number is counted at once; only tel: links get their buttons straight away.
    await eventually(async () => (await pageCount(browser, ui('autodetect.html'))) === expected.length, `a count of ${expected.length}`);
    const links = await page.$$eval('a[href^="tel:"]', (as) => as.length);
    expect(await page.$$('callbarcall')).toHaveLength(links);
    // A page's own synthetic pointer events reveal nothing.
    const first = (await spotOf(page, expected[0]!.text, []))!;
    await page.evaluate((p) => document.elementFromPoint(p.x, p.y)!.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: p.x, clientY: p.y })), first);
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.$$('callbarcall')).toHaveLength(links);
    // The agent points at every number, and at the ones that must not be read as numbers.
    const used: string[] = [];
    for (const entry of all) {
      const spot = await spotOf(page, entry.text, used);
      used.push(entry.text);
      expect(spot, entry.text).not.toBeNull();
      await page.mouse.move(spot!.x, spot!.y, { steps: 2 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    }
    const found = await eventually(async () => {
      const list = await page.$$eval('callbarcall', (hosts) => hosts.map((h) => h.getAttribute('data-callbar-number') ?? `masked:${h.getAttribute('aria-label')}`));
      return list.length >= expected.length ? list : null;
    }, 'a button on every number pointed at');
    const dialable = expected.filter((e) => e.kind !== 'masked');
    const masked = expected.filter((e) => e.kind === 'masked');
    // What is dialled follows the default dial plan: international numbers as 00 + country code.
    const dialled = (n: string) => n.replace(/^\+/, '00');
    expect(found.filter((n) => !n.startsWith('masked:')).sort()).toEqual(dialable.map((e) => dialled(e.number)).sort());
    expect(found.filter((n) => n.startsWith('masked:')).length).toBe(masked.length);
    // Pointing again adds nothing; the count is the same with the buttons in.
    const again = (await spotOf(page, expected[0]!.text, []))!;
    await page.mouse.move(again.x, again.y, { steps: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.$$('callbarcall')).toHaveLength(expected.length);
    expect(await pageCount(browser, ui('autodetect.html'))).toBe(expected.length);
    await expectNoTextUnderButtons(page, 'automatic detection in running text');
    await page.screenshot({ path: join(ROOT, 'test-output', 'autodetect-hovered.png'), fullPage: true });
    // The page shows another number later (a re-render): it is counted, with no button until pointed at.
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<p id="later">稍后补充：13911112222</p>'));
    await eventually(async () => (await pageCount(browser, ui('autodetect.html'))) === expected.length + 1, 'the new number counted');
    expect(await page.$$('callbarcall')).toHaveLength(expected.length);
    // Switched off again: the detected buttons go, and pointing brings none back.
    await setAutoDetect(false);
    await eventually(async () => (await page.$$('callbarcall')).length === 0, 'detected buttons removed');
    const spot = (await spotOf(page, expected[1]!.text, []))!;
    await page.mouse.move(spot.x, spot.y, { steps: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.$$('callbarcall')).toHaveLength(0);
    await page.close();
  });
});

describe('rules in the popup', () => {
  it('lists the site\'s rules; editing the path takes the buttons away, deleting removes the rule', async () => {
    await setRules([{ selector: '#customer-table td.col-mobile', label: '手机号码' }]);
    const url = `${fixtures.url}/crm/index.html`;
    const page = await browser.newPage();
    await page.goto(url);
    await expectOneButtonPerCell(page, '#customer-table td.col-mobile', 20);
    const popup = await openPopup(browser, await tabIdOf(browser, url));
    await popup.waitForSelector('[data-testid="rule-row"]');
    expect(await popup.$eval('[data-testid="rule-selector"]', (i) => (i as HTMLInputElement).value)).toBe('#customer-table td.col-mobile');
    expect(await textOf(popup, '[data-testid="rule-row"]')).toContain('本页生效');
    // A path the page is not under: the rule stops applying and the buttons go.
    await popup.click('[data-testid="rule-path"]', { count: 3 });
    await popup.keyboard.press('Backspace');
    await popup.type('[data-testid="rule-path"]', '/orders/*');
    await popup.click('[data-testid="rule-save"]');
    await waitForText(popup, '[data-testid="rules-message"]', '规则已保存');
    await eventually(async () => (await page.$$('callbarcall')).length === 0, 'buttons gone after the path edit');
    // An invalid selector is refused with a message and not saved.
    await popup.click('[data-testid="rule-selector"]', { count: 3 });
    await popup.type('[data-testid="rule-selector"]', 'td[');
    await popup.click('[data-testid="rule-save"]');
    await waitForText(popup, '[data-testid="rules-message"]', '不是有效的 CSS 选择器');
    await popup.click('[data-testid="rule-delete"]');
    // It was the site's last rule: CallBar is no longer enabled there (docs/security.md).
    await waitForText(popup, '[data-testid="site-status"]', '还没有在');
    const worker = await extensionApis(browser);
    expect(await worker.evaluate(async () => (await chrome.storage.local.get('callbar:rules'))['callbar:rules'])).toEqual([]);
    await popup.close();
    await page.close();
  });
});

describe('what gets dialled', () => {
  it('masked numbers are shown as not dialable, unless the rule names where the real number is', async () => {
    await setRules([{ selector: '#masked-table td.m' }]);
    const page = await browser.newPage();
    await page.goto(`${fixtures.url}/crm/masked.html`);
    const masked = await eventually(async () => {
      const list = await page.$$eval('#masked-table td.m callbarcall', (h) => h.map((x) => [x.getAttribute('data-callbar-number'), x.getAttribute('aria-label'), x.getAttribute('aria-disabled')]));
      return list.length === 3 ? list : null;
    }, 'three masked buttons');
    expect(masked).toEqual(Array(3).fill([null, '号码已隐藏，无法拨打', 'true']));
    await setRules([{ selector: '#masked-table td.m', numberFrom: { attribute: 'data-phone' } }]);
    await expectNumbers(page, '#masked-table td.m callbarcall', ['13800138000', '13912345678', '13700001234']);
    await expectNoTextUnderButtons(page, 'masked numbers');
    // With focus on it, a button's name says the number it dials (what a screen reader reads on Tab).
    await page.bringToFront(); // focus events reach a page only when its window has focus
    await page.focus('#masked-table td.m callbarcall');
    expect(await page.$eval('#masked-table td.m callbarcall', (h) => h.getAttribute('aria-label'))).toBe('拨打 13800138000');
    await page.close();
  });

  it('the dial plan decides the number on every button: outside-line prefix and extensions', async () => {
    await setRules([{ selector: '#masked-table td.l' }]);
    const page = await browser.newPage();
    await page.goto(`${fixtures.url}/crm/masked.html`);
    await expectNumbers(page, '#masked-table td.l callbarcall', ['01062345678', '02150501234', '075586001234']);
    const popup = await openPopup(browser);
    await popup.click('[data-testid="dial-plan"] summary');
    await popup.type('[data-testid="dial-plan-prefix"]', '9');
    await popup.select('[data-testid="dial-plan-extension"]', 'dtmf');
    await popup.click('[data-testid="dial-plan-save"]');
    await expectNumbers(page, '#masked-table td.l callbarcall', ['901062345678', '902150501234,808', '9075586001234']);
    // Back to the default plan for the other tests.
    await popup.click('[data-testid="dial-plan-prefix"]', { count: 3 });
    await popup.keyboard.press('Backspace');
    await popup.select('[data-testid="dial-plan-extension"]', 'drop');
    await popup.click('[data-testid="dial-plan-save"]');
    await expectNumbers(page, '#masked-table td.l callbarcall', ['01062345678', '02150501234', '075586001234']);
    await popup.close();
    await page.close();
  });
});

describe('injected UI', () => {
  it('buttons take their own room next to the number: no text covered, rows as tall as before, columns at most a button wider', async () => {
    // CallBar runs on the site (enabled, no rule yet).
    await seedRules(browser, [], { [fixtures.url]: { autoDetect: false, enabled: true } });
    const page = await browser.newPage();
    await page.goto(`${fixtures.url}/crm/index.html`);
    await page.waitForSelector('#customer-table td.col-mobile');
    const geometry = () =>
      page.evaluate(() => {
        const rows = [...document.querySelectorAll('#customer-table tbody tr')].map((r) => Math.round(r.getBoundingClientRect().height));
        const cols = [...document.querySelectorAll('#customer-table thead th')].map((c) => Math.round(c.getBoundingClientRect().width));
        return { rows, cols };
      });
    const before = await geometry();
    await setRules([{ selector: '#customer-table td.col-mobile' }, { selector: '#customer-table td.col-landline' }]);
    await expectOneButtonPerCell(page, '#customer-table td.col-mobile', 20);
    const landlines = await page.$$eval('#customer-table td.col-landline:not(.is-empty)', (c) => c.length);
    await eventually(async () => (await page.$$('#customer-table td.col-landline callbarcall')).length === landlines, `${landlines} landline buttons`);
    // "(0755)86001234" and "0571-…" were half covered when buttons overlapped the cell's edge.
    await expectNoTextUnderButtons(page, 'demo CRM');
    const after = await geometry();
    expect(after.rows).toEqual(before.rows);
    const button = await page.$eval('#customer-table td.col-mobile callbarcall', (h) => h.getBoundingClientRect().width);
    after.cols.forEach((width, i) => expect(width - before.cols[i]!).toBeLessThanOrEqual(Math.ceil(button) + 6));
    // The toolbar badge counts the tab's dialable numbers.
    const worker = await extensionApis(browser);
    const tabId = await tabIdOf(browser, `${fixtures.url}/crm/index.html`);
    const buttons = await page.$$eval('callbarcall', (h) => h.length);
    await eventually(async () => (await worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId)) === String(buttons), `badge ${buttons}`);
    // Buttons are hidden when printing.
    await page.emulateMediaType('print');
    expect(await page.$eval('callbarcall', (h) => getComputedStyle(h).display)).toBe('none');
    await page.emulateMediaType('screen');
    // Keyboard: the agent clicks into the cell, Tab reaches its button, Enter activates it
    // (here: not logged in, so the answer is a clear message).
    await new Promise((r) => setTimeout(r, HOVER_MS)); // buttons that just appeared do not act at once
    await page.click('#customer-table tbody tr:nth-child(1) td.col-mobile');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-callbar-number'))).toBe('13800138000');
    await page.keyboard.press('Enter');
    await waitForToast(page, '尚未登录');
    await page.close();
  });

  it('no button covers text at any zoom from 80 to 200 %, in right-to-left text, or in a narrow column', async () => {
    await setRules([{ selector: '#customer-table td.col-mobile' }, { selector: '#customer-table td.col-landline' }, { selector: '#customer-table .el-table__body td.col-mobile' }]);
    for (const url of [`${fixtures.url}/crm/index.html`, ui('element-plus.html')]) {
      const page = await browser.newPage();
      await page.goto(url);
      await eventually(async () => (await page.$$('callbarcall')).length >= 20, `buttons on ${url}`);
      for (const zoom of ['0.8', '1.25', '1.5', '2']) {
        await page.evaluate((z) => void (document.documentElement.style.zoom = z), zoom);
        await expectNoTextUnderButtons(page, `${url} at ${Number(zoom) * 100} %`);
      }
      await page.evaluate(() => {
        document.documentElement.style.zoom = '';
        document.documentElement.dir = 'rtl';
      });
      await expectNoTextUnderButtons(page, `${url} right to left`);
      // A column squeezed to less than the number's width: the number wraps, the button goes with it.
      await page.evaluate(() => {
        document.documentElement.dir = '';
        for (const cell of document.querySelectorAll<HTMLElement>('td.col-mobile')) cell.style.width = '60px';
      });
      await expectNoTextUnderButtons(page, `${url} narrow column`);
      await page.close();
    }
  });

  it('Esc cancels the picker and adds nothing', async () => {
    await setRules([]);
    const page = await browser.newPage();
    await page.goto(`${fixtures.url}/crm/index.html`);
    const popup = await openPopup(browser, await tabIdOf(browser, `${fixtures.url}/crm/index.html`));
    await popup.click('[data-testid="start-picker"]');
    await popup.waitForSelector('[data-testid="page-tools-info"]'); // the site is enabled and the picker started
    await popup.close();
    await page.bringToFront();
    await inShadow(page, 'callbar-picker', '[data-testid="picker-bar"]');
    await page.keyboard.press('Escape');
    await eventually(async () => (await page.$('callbar-picker')) === null, 'the picker to close');
    // The page's own click handlers work again, and nothing was added.
    await page.click('#customer-table tbody tr:nth-child(1) td.col-mobile');
    expect(await page.$$('callbarcall')).toHaveLength(0);
    const worker = await extensionApis(browser);
    expect(await worker.evaluate(async () => (await chrome.storage.local.get('callbar:rules'))['callbar:rules'])).toEqual([]);
    await page.close();
  });
});

describe('hostile pages', () => {
  it('buttons render and dial requests go out under a strict CSP', async () => {
    await setRules([{ selector: '#customer-table td.col-mobile' }]);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${fixtures.url}/crm/index.html?csp=strict`);
    await expectOneButtonPerCell(page, '#customer-table td.col-mobile', 20);
    // Styled by the adopted sheet despite style-src 'self': the button has its size and colour.
    const style = await page.$eval('#customer-table td.col-mobile callbarcall', (h) => {
      const s = getComputedStyle(h);
      return { width: Math.round(h.getBoundingClientRect().width), background: s.backgroundColor, icon: s.backgroundImage.startsWith('radial-gradient') };
    });
    expect(style).toMatchObject({ background: 'rgb(22, 119, 255)', icon: true });
    expect(style.width).toBeGreaterThanOrEqual(12);
    expect(style.width).toBeLessThanOrEqual(20);
    // Not logged in: a real click reaches the background, which answers with a clear message.
    await agentClick(page, '#customer-table tbody tr:nth-child(1) td.col-mobile callbarcall');
    await waitForToast(page, '尚未登录');
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await page.close();
  });

  it('clear all removes every button and rule of the site', async () => {
    await setRules([{ selector: '#customer-table td.col-mobile' }]);
    const page = await browser.newPage();
    await page.goto(`${fixtures.url}/crm/index.html`);
    await expectOneButtonPerCell(page, '#customer-table td.col-mobile', 20);
    const popup = await openPopup(browser, await tabIdOf(browser, `${fixtures.url}/crm/index.html`));
    await popup.click('[data-testid="clear-rules"]');
    await waitForText(popup, '[data-testid="page-tools-info"]', '已清除 20 个拨号按钮');
    await popup.close();
    expect(await page.$$('callbarcall')).toHaveLength(0);
    const worker = await extensionApis(browser);
    expect(await worker.evaluate(async () => (await chrome.storage.local.get('callbar:rules'))['callbar:rules'])).toEqual([]);
    await page.reload();
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.$$('callbarcall')).toHaveLength(0);
    await page.close();
  });
});
