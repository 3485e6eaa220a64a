/**
 * The floating toolbar on a CRM page, driven with real input only (page.mouse, page.type,
 * page.click): its place, collapsed and hidden state per site, the agent state switch,
 * the dial pad, call actions and redial, key isolation, two tabs in step.
 * Screenshots of the toolbar go to test-output/toolbar-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import { eventually, type ExtensionBrowser, launchWithExtension, loginSoftbar, openPopup, ROOT, serviceWorker, textOf, waitForText } from './support/extension.ts';

const EXTENSION = '8001';
const TOOLBAR = 'callbar-toolbar >>>';
const T = (testid: string) => `${TOOLBAR} [data-testid="${testid}"]`;
/** Puppeteer's default mutation polling does not see shadow-DOM changes: poll per frame. */
const SHADOW = { visible: true } as const;
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

async function center(handle: ElementHandle): Promise<{ x: number; y: number }> {
  const box = await handle.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** What is stored under callbar:toolbar (read where the popup would: an extension context). */
async function storedPrefs(): Promise<Record<string, unknown>> {
  const worker = await serviceWorker(browser);
  return worker.evaluate(async () => ((await chrome.storage.local.get('callbar:toolbar'))['callbar:toolbar'] ?? {}) as Record<string, unknown>);
}

async function callState(page: Page): Promise<string | null> {
  const el = await page.$(T('toolbar-call-state'));
  return el ? el.evaluate((e) => e.getAttribute('data-state')) : null;
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
  await crm.bringToFront();
  await waitForText(crm, T('toolbar-agent'), `张三 · ${EXTENSION}`);
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
  await sim?.stop();
});

describe('floating toolbar', () => {
  it('switches the agent state from the toolbar: the bar goes online', async () => {
    const online = await crm.waitForSelector(T('toolbar-agent-sipOnline'), SHADOW);
    // Exactly the provider's states, the current one pressed.
    const states = await crm.$$eval(`${TOOLBAR} [data-testid="toolbar-agent-states"] button`, (b) => b.map((e) => e.textContent));
    expect(states).toEqual(['在线（示闲）', '离线（示忙）']);
    await online!.click();
    await eventually(() => sim.state.online, 'the bar to go online');
    await waitForText(crm, T('toolbar-agent-state'), '在线');
    await eventually(() => online!.evaluate((b) => b.getAttribute('aria-pressed') === 'true'), 'the online button pressed');
  });

  it('is dragged by its header and comes back at the same place after a reload', async () => {
    const before = await toolbarRect(crm);
    // Starts bottom right, 16px from the edges.
    expect(Math.round(before.viewportWidth - before.right)).toBe(16);
    expect(Math.round(before.viewportHeight - before.bottom)).toBe(16);
    const from = await center((await crm.waitForSelector(T('toolbar-agent'), SHADOW))!);
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
    expect(entry).toEqual({ x: Math.round(dragged.viewportWidth - dragged.right), y: Math.round(dragged.viewportHeight - dragged.bottom), collapsed: false, hidden: false });

    await crm.reload();
    await crm.waitForSelector(T('toolbar'), SHADOW);
    await eventually(async () => Math.abs((await toolbarRect(crm)).left - dragged.left) <= 2, 'the toolbar at its saved place');
    expectSamePlace(await toolbarRect(crm), dragged);
  });

  it('moves by 10px per arrow key from its focused handle', async () => {
    const before = await toolbarRect(crm);
    await crm.click(T('toolbar-handle'));
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
    await crm.click(T('toolbar-collapse'));
    await crm.waitForSelector(`${TOOLBAR} [data-testid="toolbar"][data-collapsed="true"]`, SHADOW);
    expect(await crm.$(T('toolbar-dialpad'))).toBeNull();
    await crm.reload();
    await crm.waitForSelector(`${TOOLBAR} [data-testid="toolbar"][data-collapsed="true"]`, SHADOW);
    expect(await crm.$(T('toolbar-dialpad'))).toBeNull();
    expectInside(await toolbarRect(crm));
    await crm.click(T('toolbar-collapse'));
    await crm.waitForSelector(T('toolbar-dialpad'), SHADOW);
    expect(((await storedPrefs())[new URL(crmUrl).origin] as { collapsed: boolean }).collapsed).toBe(false);
  });

  it('dial pad: digit keys append, a pasted number is cleaned, 外呼 dials what it shows', async () => {
    for (const key of ['1', '3', '8', 'star', 'hash']) await crm.click(T(`toolbar-key-${key}`));
    expect(await crm.$eval(T('toolbar-dial-input'), (i) => (i as HTMLInputElement).value)).toBe('138*#');
    await waitForText(crm, T('toolbar-dial-error'), '不是电话号码');
    await crm.click(T('toolbar-key-back'));
    expect(await crm.$eval(T('toolbar-dial-input'), (i) => (i as HTMLInputElement).value)).toBe('138*');

    // Paste with the keyboard, from the system clipboard.
    await browser.defaultBrowserContext().overridePermissions(fixtures.url, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    await crm.evaluate(() => navigator.clipboard.writeText('+86 139-1234-5678'));
    await crm.click(T('toolbar-dial-input'), { count: 3 }); // select what is there: the paste replaces it
    await crm.keyboard.down('Control');
    await crm.keyboard.press('KeyV', { commands: ['Paste'] });
    await crm.keyboard.up('Control');
    await eventually(async () => (await crm.$eval(T('toolbar-dial-input'), (i) => (i as HTMLInputElement).value)) === '13912345678', 'the cleaned number in the field');
    expect(await textOf(crm, T('toolbar-dial-preview'))).toBe('将拨打 13912345678');

    sim.clearRequests();
    await crm.click(T('toolbar-dial'));
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall at the bar');
    expect(makeCall.body).toMatchObject({ callUri: '13912345678' });
    await crm.waitForSelector(`${T('toolbar-call-state')}[data-state="ringing"]`, SHADOW);
    await waitForText(crm, T('toolbar-call-number'), '13912345678');
    // While the call is up the dial pad cannot dial (the field stays usable for the next number).
    expect(await crm.$eval(T('toolbar-dial'), (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await crm.$(T('toolbar-key-1'))).toBeNull();
    expect(await crm.$eval(T('toolbar-dial-input'), (i) => (i as HTMLInputElement).value)).toBe('');
  });

  it('shows the same call state in two tabs at the same time', async () => {
    const second = await openCrm(crmUrl);
    await second.waitForSelector(`${T('toolbar-call-state')}[data-state="ringing"]`, SHADOW);
    expect(await callState(crm)).toBe('ringing');
    sim.calleeAnswer();
    await eventually(async () => (await callState(crm)) === 'connected' && (await callState(second)) === 'connected', 'both tabs connected');
    await second.close();
    await crm.bringToFront();
  });

  it('looks right in a call, light and dark (screenshots)', async () => {
    await crm.waitForSelector(`${T('toolbar-call-state')}[data-state="connected"]`, SHADOW);
    await crm.type(T('toolbar-transfer-input'), '8002');
    const host = (await crm.$('callbar-toolbar'))!;
    await scheme('light');
    await host.screenshot({ path: join(OUT, 'toolbar-call-light.png') });
    await scheme('dark');
    await host.screenshot({ path: join(OUT, 'toolbar-call-dark.png') });
    const dark = await crm.$eval(T('toolbar'), (bar) => getComputedStyle(bar).backgroundColor);
    expect(dark).toBe('rgb(29, 31, 35)');
    await scheme('light');
    expect((await toolbarRect(crm)).width).toBeLessThanOrEqual(280);
    // The connected call offers what the provider declares, from its capabilities.
    for (const id of ['toolbar-mute', 'toolbar-hangup', 'toolbar-extra-switchTransfer', 'toolbar-extra-returnTransfer', 'toolbar-transfer']) {
      expect(await crm.$(T(id)), id).not.toBeNull();
    }
    expect(await crm.$(T('toolbar-hold'))).toBeNull(); // the bar cannot hold
    await crm.click(T('toolbar-transfer-input'), { count: 3 });
    await crm.keyboard.press('Backspace');
  });

  it('hangs up; 复制号码 copies the number and 重拨 dials it again', async () => {
    await crm.click(T('toolbar-hangup'));
    await eventually(() => sim.requestsTo('hangup').length === 1, 'hangup at the bar');
    await crm.waitForSelector(`${T('toolbar-call-state')}[data-state="ended"]`, SHADOW);
    await crm.evaluate(() => navigator.clipboard.writeText(''));
    await crm.click(T('toolbar-copy'));
    await waitForText(crm, T('toolbar-copy-status'), '已复制');
    expect(await crm.evaluate(() => navigator.clipboard.readText())).toBe('13912345678');
    await scheme('dark');
    await (await crm.$('callbar-toolbar'))!.screenshot({ path: join(OUT, 'toolbar-ended-dark.png') });
    await scheme('light');
    await (await crm.$('callbar-toolbar'))!.screenshot({ path: join(OUT, 'toolbar-ended-light.png') });

    sim.clearRequests();
    await crm.click(T('toolbar-redial'));
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall for the redial');
    expect(makeCall.body).toMatchObject({ callUri: '13912345678' });
    await crm.waitForSelector(`${T('toolbar-call-state')}[data-state="ringing"]`, SHADOW);
    expect(await crm.$(T('toolbar-redial'))).toBeNull();
    await crm.click(T('toolbar-hangup'));
    await crm.waitForSelector(`${T('toolbar-call-state')}[data-state="ended"]`, SHADOW);
    await crm.click(T('toolbar-dismiss'));
    await eventually(async () => (await crm.$(T('toolbar-call'))) === null, 'the call card dismissed');
  });

  it('typing in the toolbar never reaches the page’s own key listeners, capture-phase ones on window included', async () => {
    await crm.evaluate(() => {
      const w = window as unknown as { pageKeys: string[] };
      w.pageKeys = [];
      for (const target of [window, document, document.body]) {
        for (const capture of [true, false]) {
          for (const type of ['keydown', 'keyup', 'keypress']) target.addEventListener(type, (e) => w.pageKeys.push(`${type}:${(e as KeyboardEvent).key}`), capture);
        }
      }
    });
    await crm.type(T('toolbar-dial-input'), '95588');
    expect(await crm.$eval(T('toolbar-dial-input'), (i) => (i as HTMLInputElement).value)).toBe('95588');
    await waitForText(crm, T('toolbar-dial-preview'), '将拨打 95588');
    await crm.keyboard.press('Backspace');
    // CallBar's own keys still work: Enter in the dial pad dials.
    sim.clearRequests();
    await crm.type(T('toolbar-dial-input'), '8');
    await crm.keyboard.press('Enter');
    await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall from Enter in the dial pad');
    await crm.waitForSelector(`${T('toolbar-call-state')}[data-state="ringing"]`, SHADOW);
    await crm.click(T('toolbar-hangup'));
    await crm.waitForSelector(`${T('toolbar-call-state')}[data-state="ended"]`, SHADOW);
    await crm.click(T('toolbar-dismiss'));
    expect(await crm.evaluate(() => (window as unknown as { pageKeys: string[] }).pageKeys)).toEqual([]);
    // The listeners do work: a key typed on the page itself reaches them.
    await crm.click('h1.page-title');
    await crm.keyboard.press('KeyA');
    expect(await crm.evaluate(() => (window as unknown as { pageKeys: string[] }).pageKeys)).toContain('keydown:a');
    await crm.click(T('toolbar-dial-input'), { count: 3 });
    await crm.keyboard.press('Backspace');
  });

  it('can be hidden per site: gone after a reload there, still shown on another origin', async () => {
    const otherUrl = `http://localhost:${fixtures.port}/crm/index.html`;
    const other = await openCrm(otherUrl);
    await other.waitForSelector(T('toolbar'), SHADOW);
    await other.click(T('toolbar-hide'));
    await eventually(async () => (await other.$('callbar-toolbar')) === null, 'the toolbar to leave the page');
    await waitForText(other, 'callbar-toast >>> [data-testid="callbar-toast"]', '隐藏');
    const otherOrigin = new URL(otherUrl).origin;
    await eventually(async () => ((await storedPrefs())[otherOrigin] as { hidden?: boolean } | undefined)?.hidden === true, 'hidden saved');
    await other.reload();
    await other.waitForSelector('#customer-table');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await other.$('callbar-toolbar')).toBeNull();
    // The other origin of the same server still shows it.
    await crm.bringToFront();
    await crm.reload();
    await crm.waitForSelector(T('toolbar'), SHADOW);

    // The popup's "在本站显示工具条" switch for that site: off now; ticking it brings the toolbar back at once.
    const worker = await serviceWorker(browser);
    const otherTab = await worker.evaluate(async (u: string) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? 0, otherUrl);
    const popup = await openPopup(browser, otherTab);
    await popup.waitForSelector('[data-testid="toolbar-toggle"]');
    expect(await popup.$eval('[data-testid="toolbar-toggle"]', (i) => (i as HTMLInputElement).checked)).toBe(false);
    await popup.click('[data-testid="toolbar-toggle"]');
    await eventually(async () => ((await storedPrefs())[otherOrigin] as { hidden?: boolean }).hidden === false, 'shown saved');
    await popup.close();
    await other.bringToFront();
    await other.waitForSelector(T('toolbar'), SHADOW);
    await other.close();
  });
});
