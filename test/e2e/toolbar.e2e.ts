/**
 * The floating toolbar on a CRM page, driven with real input only (the mouse and the keyboard):
 * its place, collapsed and hidden state per site, the agent state switch, the dial pad, call
 * actions and redial, key isolation, two tabs in step. The toolbar is an extension page in a
 * frame (src/toolbar/): the test reaches into that frame as the agent's eyes and hands do.
 * Screenshots of the toolbar go to test-output/toolbar-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlsUnderToolbar } from './support/layout.ts';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import {
  clickToolbar,
  enableSiteWithSelector,
  EXTENSION_ORIGIN,
  eventually,
  type ExtensionBrowser,
  launchWithExtension,
  loginSoftbar,
  openPopup,
  ROOT,
  extensionApis,
  textOf,
  toolbarCallState,
  toolbarFrame,
  toolbarText,
  waitForToast,
  waitForToolbarCallState,
  waitForToolbarAgentState,
  waitForToolbarText,
} from './support/extension.ts';

const EXTENSION = '8001';
const T = (testid: string) => `[data-testid="${testid}"]`;
const OUT = join(ROOT, 'test-output');
const VIEWPORT = { width: 1366, height: 860 };

let sim: SoftbarSimulator;
let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let ext: ExtensionBrowser;
let browser: Browser;
let crm: Page;
let crmUrl: string;

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
  viewportWidth: number;
  viewportHeight: number;
}

/** The toolbar host's box and the viewport it must stay inside. */
async function toolbarRect(page: Page): Promise<Rect> {
  return page.$eval('callbar-toolbar', (host) => {
    const r = host.getBoundingClientRect();
    const root = document.documentElement;
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height, viewportWidth: root.clientWidth, viewportHeight: root.clientHeight };
  });
}

function isInside(r: Rect): boolean {
  return r.left >= 0 && r.top >= 0 && r.right <= r.viewportWidth && r.bottom <= r.viewportHeight;
}

function expectInside(r: Rect): void {
  expect(r.left).toBeGreaterThanOrEqual(0);
  expect(r.top).toBeGreaterThanOrEqual(0);
  expect(r.right).toBeLessThanOrEqual(r.viewportWidth);
  expect(r.bottom).toBeLessThanOrEqual(r.viewportHeight);
}

function expectSamePlace(a: Rect, b: Rect): void {
  for (const side of ['left', 'top', 'right', 'bottom'] as const) expect(Math.abs(a[side] - b[side]), side).toBeLessThanOrEqual(2);
}

async function center(frame: Frame, selector: string): Promise<{ x: number; y: number }> {
  const box = await (await frame.waitForSelector(selector, { visible: true }))!.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The value of a field in the toolbar. */
async function fieldValue(page: Page, selector: string): Promise<string> {
  return (await toolbarFrame(page)).$eval(selector, (i) => (i as HTMLInputElement).value);
}

/** Type into a field of the toolbar as the agent does: click it, then type. */
async function typeInToolbar(page: Page, selector: string, text: string): Promise<void> {
  await clickToolbar(page, selector);
  await page.keyboard.type(text);
}

/** Is `selector` in the toolbar frame right now? */
async function inToolbar(page: Page, selector: string): Promise<boolean> {
  return !!(await (await toolbarFrame(page)).$(selector));
}

/** What is stored under callbar:toolbar (read where the popup would: an extension context). */
async function storedPrefs(): Promise<Record<string, unknown>> {
  const worker = await extensionApis(browser);
  return worker.evaluate(async () => ((await chrome.storage.local.get('callbar:toolbar'))['callbar:toolbar'] ?? {}) as Record<string, unknown>);
}


/** Switch the color scheme and let the buttons' color transitions finish. */
async function scheme(value: 'light' | 'dark'): Promise<void> {
  await crm.emulateMediaFeatures([{ name: 'prefers-color-scheme', value }]);
  await new Promise((r) => setTimeout(r, 300));
}

async function openCrm(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('#customer-table');
  return page;
}

const MOBILE = '#customer-table td.col-mobile';

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  sim = new SoftbarSimulator({ port: 0, extension: EXTENSION, ringDelayMs: 300, answerDelayMs: 600, calleeMode: 'manual' });
  await sim.start();
  fixtures = await startFixtureServer();
  ext = await launchWithExtension();
  browser = ext.browser;
  crmUrl = `${fixtures.url}/crm/index.html`;
  crm = await openCrm(crmUrl);
  const popup = await loginSoftbar(browser, sim.port, EXTENSION);
  expect(await textOf(popup, '[data-testid="popup-agent"]')).toBe(`张三 · ${EXTENSION}`);
  await popup.close();
  (await enableSiteWithSelector(browser, crm, MOBILE)).close();
  await crm.bringToFront();
  await waitForToolbarText(crm, T('toolbar-agent'), `张三${EXTENSION}`); // name over extension
  // The toolbar copies numbers for the agent (复制号码).
  await browser.defaultBrowserContext().overridePermissions(fixtures.url, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
  await browser.defaultBrowserContext().overridePermissions(EXTENSION_ORIGIN, ['clipboard-write', 'clipboard-sanitized-write']);
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
  await sim?.stop();
});

describe('floating toolbar', () => {
  it('switches the agent state from the toolbar: the bar goes online', async () => {
    const frame = await toolbarFrame(crm);
    // Exactly the provider's states, the current one pressed.
    const states = await frame.$$eval('[data-testid="toolbar-agent-states"] button', (b) => b.map((e) => e.textContent));
    expect(states).toEqual(['在线（示闲）', '离线（示忙）']);
    await clickToolbar(crm, T('toolbar-agent-sipOnline'));
    await eventually(() => sim.state.online, 'the bar to go online');
    await waitForToolbarAgentState(crm, '在线');
    await eventually(() => frame.$eval(T('toolbar-agent-sipOnline'), (b) => b.getAttribute('aria-pressed') === 'true'), 'the online button pressed');
  });

  it('is dragged by its header and comes back at the same place after a reload', async () => {
    const before = await toolbarRect(crm);
    // Starts low on the right, 16px from the bottom, where it covers none of the CRM's controls
    // (the 查看 / 编辑 column reaches the bottom of the window: it sits left of it).
    expect(Math.round(before.viewportHeight - before.bottom)).toBe(16);
    expect((await controlsUnderToolbar(crm)).covered).toEqual([]);
    const from = await center(await toolbarFrame(crm), T('toolbar-agent'));
    await crm.mouse.move(from.x, from.y);
    await crm.mouse.down();
    await crm.mouse.move(from.x - 250, from.y - 120, { steps: 8 });
    await crm.mouse.move(from.x - 500, from.y - 300, { steps: 8 });
    await crm.mouse.up();
    const dragged = await toolbarRect(crm);
    expect(Math.abs(dragged.left - (before.left - 500))).toBeLessThanOrEqual(1);
    expect(Math.abs(dragged.top - (before.top - 300))).toBeLessThanOrEqual(1);
    // Stored per origin, as distances from the right and bottom edges.
    const origin = new URL(crmUrl).origin;
    const entry = await eventually(async () => {
      const e = (await storedPrefs())[origin] as { x: number; y: number } | undefined;
      return e && e.x !== 16 ? e : null;
    }, 'the place to be saved');
    expect(entry).toEqual({ x: Math.round(dragged.viewportWidth - dragged.right), y: Math.round(dragged.viewportHeight - dragged.bottom), placed: true, collapsed: false, hidden: false });

    await crm.reload();
    await toolbarFrame(crm);
    await eventually(async () => Math.abs((await toolbarRect(crm)).left - dragged.left) <= 2, 'the toolbar at its saved place');
    expectSamePlace(await toolbarRect(crm), dragged);
  });

  it('moves by 10px per arrow key from its focused handle', async () => {
    const before = await toolbarRect(crm);
    await clickToolbar(crm, T('toolbar-handle'));
    await crm.keyboard.press('ArrowLeft');
    await crm.keyboard.press('ArrowLeft');
    await crm.keyboard.press('ArrowUp');
    const after = await toolbarRect(crm);
    expect(Math.round(before.left - after.left)).toBe(20);
    expect(Math.round(before.top - after.top)).toBe(10);
    // The page did not scroll.
    expect(await crm.evaluate(() => window.scrollY)).toBe(0);
    const origin = new URL(crmUrl).origin;
    await eventually(async () => (await storedPrefs())[origin] && ((await storedPrefs())[origin] as { x: number }).x === Math.round(after.viewportWidth - after.right), 'the nudge saved');
  });

  it('stays fully inside the viewport when the window gets smaller, and returns when it grows', async () => {
    const placed = await toolbarRect(crm);
    await crm.setViewport({ width: 700, height: 480 });
    await eventually(async () => (await toolbarRect(crm)).viewportWidth <= 700, 'the smaller viewport');
    // The page handles the resize event in its own time.
    await eventually(async () => isInside(await toolbarRect(crm)), 'the toolbar pulled in');
    expectInside(await toolbarRect(crm));
    // Even smaller than the toolbar is tall: still entirely on screen, header first.
    await crm.setViewport({ width: 320, height: 200 });
    await eventually(async () => (await toolbarRect(crm)).viewportWidth <= 320, 'the tiny viewport');
    await eventually(async () => isInside(await toolbarRect(crm)), 'the toolbar inside a tiny window');
    expectInside(await toolbarRect(crm));
    // It stays there: nothing pushes it out again.
    await new Promise((r) => setTimeout(r, 300));
    expectInside(await toolbarRect(crm));
    await crm.setViewport(VIEWPORT);
    await eventually(async () => Math.abs((await toolbarRect(crm)).left - placed.left) <= 2, 'the toolbar back at its place');
    expectSamePlace(await toolbarRect(crm), placed);
  });

  it('remembers being collapsed on this site', async () => {
    await clickToolbar(crm, T('toolbar-collapse'));
    await toolbarFrame(crm).then((f) => f.waitForSelector('[data-testid="toolbar"][data-collapsed="true"]', { visible: true }));
    expect(await inToolbar(crm, T('toolbar-dialpad'))).toBe(false);
    await crm.reload();
    await toolbarFrame(crm).then((f) => f.waitForSelector('[data-testid="toolbar"][data-collapsed="true"]', { visible: true }));
    expect(await inToolbar(crm, T('toolbar-dialpad'))).toBe(false);
    await eventually(async () => isInside(await toolbarRect(crm)), 'the collapsed toolbar inside the viewport');
    await clickToolbar(crm, T('toolbar-collapse'));
    await toolbarFrame(crm).then((f) => f.waitForSelector(T('toolbar-dialpad-toggle'), { visible: true }));
    expect(((await storedPrefs())[new URL(crmUrl).origin] as { collapsed: boolean }).collapsed).toBe(false);
  });

  it('dial pad: opens on demand; digit keys append, a pasted number is cleaned, 外呼 dials what it shows', async () => {
    // Compact by default: the pad waits behind its toggle, which then takes the cursor to the field.
    expect(await inToolbar(crm, T('toolbar-dialpad'))).toBe(false);
    await clickToolbar(crm, T('toolbar-dialpad-toggle'));
    await toolbarFrame(crm).then((f) => f.waitForSelector(T('toolbar-dialpad'), { visible: true }));
    expect(await (await toolbarFrame(crm)).$eval(T('toolbar-dialpad-toggle'), (b) => b.getAttribute('aria-expanded'))).toBe('true');
    expect(await (await toolbarFrame(crm)).evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('toolbar-dial-input');
    for (const key of ['1', '3', '8', 'star', 'hash']) await clickToolbar(crm, T(`toolbar-key-${key}`));
    expect(await fieldValue(crm, T('toolbar-dial-input'))).toBe('138*#');
    await waitForToolbarText(crm, T('toolbar-dial-error'), '不是电话号码');
    await clickToolbar(crm, T('toolbar-key-back'));
    expect(await fieldValue(crm, T('toolbar-dial-input'))).toBe('138*');

    // Paste with the keyboard, from the system clipboard.
    await crm.evaluate(() => navigator.clipboard.writeText('+86 139-1234-5678'));
    await clickToolbar(crm, T('toolbar-dial-input'));
    await crm.keyboard.down('Control');
    await crm.keyboard.press('KeyA');
    await crm.keyboard.up('Control'); // select what is there: the paste replaces it
    await crm.keyboard.down('Control');
    await crm.keyboard.press('KeyV', { commands: ['Paste'] });
    await crm.keyboard.up('Control');
    await eventually(async () => (await fieldValue(crm, T('toolbar-dial-input'))) === '13912345678', 'the cleaned number in the field');
    expect(await toolbarText(crm, T('toolbar-dial-preview'))).toBe('将拨打 13912345678');

    sim.clearRequests();
    await clickToolbar(crm, T('toolbar-dial'));
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall at the bar');
    expect(makeCall.body).toMatchObject({ callUri: '13912345678' });
    await waitForToolbarCallState(crm, 'ringing');
    await waitForToolbarText(crm, T('toolbar-call-number'), '13912345678');
    // The agent state is the bar's own during the call, not 在线（示闲）.
    await waitForToolbarAgentState(crm, '呼叫中');
    // While the call is up the dial pad cannot dial (the field stays usable for the next number).
    expect(await (await toolbarFrame(crm)).$eval(T('toolbar-dial'), (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await inToolbar(crm, T('toolbar-key-1'))).toBe(false);
    expect(await fieldValue(crm, T('toolbar-dial-input'))).toBe('');
  });

  it('shows the same call state in two tabs at the same time', async () => {
    const second = await openCrm(crmUrl);
    await waitForToolbarCallState(second, 'ringing');
    expect(await toolbarCallState(crm)).toBe('ringing');
    sim.calleeAnswer();
    await eventually(async () => (await toolbarCallState(crm)) === 'connected' && (await toolbarCallState(second)) === 'connected', 'both tabs connected');
    await waitForToolbarAgentState(crm, '通话中');
    await second.close();
    await crm.bringToFront();
  });

  it('looks right in a call, light and dark (screenshots)', async () => {
    await waitForToolbarCallState(crm, 'connected');
    // The platform's own actions and the transfer field wait behind 更多 and 转接.
    expect(await inToolbar(crm, T('toolbar-extra-switchTransfer'))).toBe(false);
    expect(await inToolbar(crm, T('toolbar-transfer-input'))).toBe(false);
    await clickToolbar(crm, T('toolbar-call-more'));
    for (const id of ['toolbar-extra-switchTransfer', 'toolbar-extra-returnTransfer']) expect(await inToolbar(crm, T(id)), id).toBe(true);
    // One of the two at a time: 转接 closes 更多.
    await clickToolbar(crm, T('toolbar-transfer-open'));
    expect(await inToolbar(crm, T('toolbar-extra-switchTransfer'))).toBe(false);
    await typeInToolbar(crm, T('toolbar-transfer-input'), '8002');
    // Switching to 更多 and back keeps what was typed.
    await clickToolbar(crm, T('toolbar-call-more'));
    expect(await inToolbar(crm, T('toolbar-transfer-input'))).toBe(false);
    await clickToolbar(crm, T('toolbar-transfer-open'));
    expect(await fieldValue(crm, T('toolbar-transfer-input'))).toBe('8002');
    const host = (await crm.$('callbar-toolbar'))!;
    await scheme('light');
    await host.screenshot({ path: join(OUT, 'toolbar-call-light.png') });
    await scheme('dark');
    await host.screenshot({ path: join(OUT, 'toolbar-call-dark.png') });
    const dark = await (await toolbarFrame(crm)).$eval(T('toolbar'), (bar) => getComputedStyle(bar).backgroundColor);
    expect(dark).toBe('rgb(29, 31, 35)');
    await scheme('light');
    expect((await toolbarRect(crm)).width).toBeLessThanOrEqual(280);
    // The connected call offers what the provider declares, from its capabilities.
    for (const id of ['toolbar-mute', 'toolbar-hangup', 'toolbar-call-more', 'toolbar-transfer']) {
      expect(await inToolbar(crm, T(id)), id).toBe(true);
    }
    expect(await inToolbar(crm, T('toolbar-hold'))).toBe(false); // the bar cannot hold
    for (let i = 0; i < 4; i++) await crm.keyboard.press('Backspace');
  });

  it('hangs up; 复制号码 copies the number and 重拨 dials it again', async () => {
    await clickToolbar(crm, T('toolbar-hangup'));
    await eventually(() => sim.requestsTo('hangup').length === 1, 'hangup at the bar');
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarAgentState(crm, '在线（示闲）');
    await crm.evaluate(() => navigator.clipboard.writeText(''));
    await clickToolbar(crm, T('toolbar-copy'));
    await waitForToolbarText(crm, T('toolbar-copy-status'), '已复制');
    expect(await crm.evaluate(() => navigator.clipboard.readText())).toBe('13912345678');
    await scheme('dark');
    await (await crm.$('callbar-toolbar'))!.screenshot({ path: join(OUT, 'toolbar-ended-dark.png') });
    await scheme('light');
    await (await crm.$('callbar-toolbar'))!.screenshot({ path: join(OUT, 'toolbar-ended-light.png') });

    sim.clearRequests();
    await clickToolbar(crm, T('toolbar-redial'));
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall for the redial');
    expect(makeCall.body).toMatchObject({ callUri: '13912345678' });
    await waitForToolbarCallState(crm, 'ringing');
    expect(await inToolbar(crm, T('toolbar-redial'))).toBe(false);
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForToolbarCallState(crm, 'ended');
    await clickToolbar(crm, T('toolbar-dismiss'));
    await eventually(async () => !(await inToolbar(crm, T('toolbar-call'))), 'the call card dismissed');
  });

  it('nothing typed in the toolbar reaches the page: no key, input or beforeinput event, capture phase on window included', async () => {
    await crm.evaluate(() => {
      const w = window as unknown as { pageEvents: string[] };
      w.pageEvents = [];
      for (const target of [window, document, document.body]) {
        for (const capture of [true, false]) {
          for (const type of ['keydown', 'keyup', 'keypress', 'input', 'beforeinput', 'textInput', 'compositionstart', 'paste']) {
            target.addEventListener(type, (e) => w.pageEvents.push(`${type}:${(e as KeyboardEvent).key ?? (e as InputEvent).data ?? ''}`), capture);
          }
        }
      }
    });
    await typeInToolbar(crm, T('toolbar-dial-input'), '95588');
    expect(await fieldValue(crm, T('toolbar-dial-input'))).toBe('95588');
    await waitForToolbarText(crm, T('toolbar-dial-preview'), '将拨打 95588');
    await crm.keyboard.press('Backspace');
    // CallBar's own keys still work: Enter in the dial pad dials.
    sim.clearRequests();
    await crm.keyboard.type('8');
    await crm.keyboard.press('Enter');
    await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall from Enter in the dial pad');
    await waitForToolbarCallState(crm, 'ringing');
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForToolbarCallState(crm, 'ended');
    await clickToolbar(crm, T('toolbar-dismiss'));
    expect(await crm.evaluate(() => (window as unknown as { pageEvents: string[] }).pageEvents)).toEqual([]);
    // The listeners do work: a key typed on the page itself reaches them.
    await crm.click('h1.page-title');
    await crm.keyboard.press('KeyA');
    expect(await crm.evaluate(() => (window as unknown as { pageEvents: string[] }).pageEvents)).toContain('keydown:a');
    await clickToolbar(crm, T('toolbar-dial-input'));
    for (let i = 0; i < 8; i++) await crm.keyboard.press('Backspace');
  });

  it('can be hidden per site: gone after a reload there, still shown on another origin', async () => {
    const otherUrl = `http://localhost:${fixtures.port}/crm/index.html`;
    const other = await openCrm(otherUrl);
    (await enableSiteWithSelector(browser, other, MOBILE)).close();
    await other.bringToFront();
    await toolbarFrame(other);
    await clickToolbar(other, T('toolbar-hide'));
    await eventually(async () => (await other.$('callbar-toolbar')) === null, 'the toolbar to leave the page');
    await waitForToast(other, '隐藏');
    const otherOrigin = new URL(otherUrl).origin;
    await eventually(async () => ((await storedPrefs())[otherOrigin] as { hidden?: boolean } | undefined)?.hidden === true, 'hidden saved');
    await other.reload();
    await other.waitForSelector('#customer-table');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await other.$('callbar-toolbar')).toBeNull();
    // The other origin of the same server still shows it.
    await crm.bringToFront();
    await crm.reload();
    await toolbarFrame(crm);

    // The popup's "在本站显示工具条" switch for that site: off now; ticking it brings the toolbar back at once.
    const worker = await extensionApis(browser);
    const otherTab = await worker.evaluate(async (u: string) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? 0, otherUrl);
    const popup = await openPopup(browser, otherTab);
    await popup.waitForSelector('[data-testid="toolbar-toggle"]');
    expect(await popup.$eval('[data-testid="toolbar-toggle"]', (i) => (i as HTMLInputElement).checked)).toBe(false);
    await popup.click('[data-testid="toolbar-toggle"]');
    await eventually(async () => ((await storedPrefs())[otherOrigin] as { hidden?: boolean }).hidden === false, 'shown saved');
    await popup.close();
    await other.bringToFront();
    await toolbarFrame(other);
    await other.close();
  });
});
