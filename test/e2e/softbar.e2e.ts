/**
 * The foundation's user journey, end to end: the built extension in headless
 * Chromium, the demo CRM page, and the 移动云 softphone-bar simulator.
 * Steps run in order and share one browser, as an agent's shift would.
 */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import {
  agentClick,
  clickInShadow,
  clickToolbar,
  enableSiteWithSelector,
  eventually,
  type ExtensionBrowser,
  fill,
  inShadow,
  killServiceWorker,
  launchWithExtension,
  openPopup,
  serviceWorker,
  shadowText,
  tabIdOf,
  textOf,
  toolbarText,
  waitForPopupAgentState,
  waitForText,
  waitForToast,
  waitForToolbarCallState,
  waitForToolbarAgentState,
  waitForToolbarText,
} from './support/extension.ts';

const EXTENSION = '8001';
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;

let sim: SoftbarSimulator;
let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let ext: ExtensionBrowser;
let browser: Browser;
let crm: Page;
let popup: Page;
let crmUrl: string;

beforeAll(async () => {
  sim = new SoftbarSimulator({ port: 0, extension: EXTENSION, ringDelayMs: 300, answerDelayMs: 600, calleeMode: 'manual' });
  await sim.start();
  fixtures = await startFixtureServer();
  ext = await launchWithExtension();
  browser = ext.browser;
  crmUrl = `${fixtures.url}/crm/index.html`;
  crm = await browser.newPage();
  await crm.goto(crmUrl);
  await crm.waitForSelector(MOBILE_CELL(1));
  popup = await openPopup(browser, await tabIdOf(browser, crmUrl));
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
  await sim?.stop();
});

describe('cmcc-softbar: an agent shift', () => {
  it('rejects invalid settings in the form with a specific message', async () => {
    await fill(popup, '[data-testid="setting-baseUrl"]', 'http://10.0.0.5:8008');
    await fill(popup, '[data-testid="setting-extension"]', '80a1');
    await popup.click('[data-testid="login"]');
    expect(await textOf(popup, '[data-testid="error-baseUrl"]')).toContain('本机 http 地址');
    expect(await textOf(popup, '[data-testid="error-extension"]')).toContain('数字');
    expect(sim.requestsTo('getUserInfo')).toHaveLength(0);
  });

  it('logs in through the popup: the bar confirms the 800 number', async () => {
    await fill(popup, '[data-testid="setting-baseUrl"]', `http://127.0.0.1:${sim.port}`);
    await fill(popup, '[data-testid="setting-extension"]', EXTENSION);
    await popup.click('[data-testid="login"]');
    await waitForText(popup, '[data-testid="popup-agent"]', `张三 · ${EXTENSION}`);
    expect(sim.requestsTo('getUserInfo').length).toBeGreaterThan(0);
    // CallBar is not enabled on the CRM yet: nothing of it is on the page.
    await new Promise((r) => setTimeout(r, 500));
    expect(await crm.$('callbar-toolbar')).toBeNull();
    expect(await popup.$eval('[data-testid="site-status"]', (e) => e.textContent)).toContain('还没有在');
  });

  it('switches to ready (sipOnline) and shows the state the bar reports back', async () => {
    await popup.click('[data-testid="agent-state-sipOnline"]');
    await eventually(() => sim.state.online, 'the bar to go online');
    await waitForPopupAgentState(popup, '在线');
  });

  it('picks the phone column: one call button in every cell, with the number it dials', async () => {
    await popup.click('[data-testid="start-picker"]');
    await crm.bringToFront();
    await inShadow(crm, 'callbar-picker', '[data-testid="picker-bar"]');
    await crm.hover(MOBILE_CELL(3));
    await crm.click(MOBILE_CELL(3));
    expect(await shadowText(crm, 'callbar-picker', '[data-testid="picker-count"]')).toBe('将在 20 个单元格插入拨号按钮');
    await clickInShadow(crm, 'callbar-picker', '[data-testid="picker-confirm"]');
    const numbers = await eventually(async () => {
      const list = await crm.$$eval('#customer-table td.col-mobile callbarcall', (hosts) => hosts.map((h) => h.getAttribute('data-callbar-number')));
      return list.length === 20 ? list : null;
    }, '20 call buttons');
    expect(numbers.slice(0, 3)).toEqual(['13800138000', '13912345678', '13700001234']);
    // No button landed outside the picked column.
    expect(await crm.$$eval('callbarcall', (hosts) => hosts.length)).toBe(20);
    // The button is labelled for assistive technology: a short name next to the number, and the
    // number itself in the name once focus reaches it (what a screen reader reads on Tab).
    const label = await crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => [h.getAttribute('role'), h.getAttribute('aria-label'), (h as HTMLElement).tabIndex]);
    expect(label).toEqual(['button', '拨打此号码', 0]);
    await crm.bringToFront(); // focus events reach a page only when its window has focus
    await crm.focus(`${MOBILE_CELL(2)} callbarcall`);
    expect(await crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => h.getAttribute('aria-label'))).toBe('拨打 13912345678');
    // Picking the column enabled the site: the popup says so, and the toolbar is on the page.
    await waitForText(popup, '[data-testid="site-status"]', '已在');
    await waitForToolbarText(crm, '[data-testid="toolbar-agent"]', `张三${EXTENSION}`);
    await waitForToolbarAgentState(crm, '在线');
  });

  it('keeps one button per cell when the page re-renders (pagination)', async () => {
    await crm.click('#pager-pages button.pager-next');
    await eventually(
      async () => (await crm.$$eval('#customer-table td.col-mobile callbarcall', (h) => h.length)) === 20,
      'buttons on page 2',
    );
    const first = await crm.$eval(`${MOBILE_CELL(1)}`, (cell) => ({
      text: cell.textContent,
      number: cell.querySelector('callbarcall')?.getAttribute('data-callbar-number'),
      buttons: cell.querySelectorAll('callbarcall').length,
    }));
    expect(first.buttons).toBe(1);
    expect(first.text!.replace(/\D/g, '').endsWith(first.number!)).toBe(true);
    await crm.click('#pager-pages button.pager-prev');
    await waitForText(crm, MOBILE_CELL(1), '13800138000');
  });

  it('dials with a real click: the bar receives makeCall with the callUri and secret', async () => {
    sim.clearRequests();
    await agentClick(crm, `${MOBILE_CELL(2)} callbarcall`);
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall at the bar');
    // secret = MD5 of the 800 number, computed here independently of the extension's code.
    expect(makeCall.body).toEqual({ callUri: '13912345678', secret: createHash('md5').update(EXTENSION).digest('hex') });
    await waitForToolbarText(crm, '[data-testid="toolbar-call-number"]', '13912345678');
    await waitForToolbarCallState(crm, 'ringing');
    // The agent state is the bar's own during the call (外呼), not the line's 在线.
    await waitForPopupAgentState(popup, '呼叫中');
    // The buttons look the same whatever the call state (a page must not learn it from them);
    // a second dial while the call is up is refused by CallBar, not sent to the bar.
    expect(await crm.$eval(`${MOBILE_CELL(1)} callbarcall`, (h) => h.getAttribute('aria-disabled'))).toBeNull();
    await agentClick(crm, `${MOBILE_CELL(1)} callbarcall`);
    await waitForToast(crm, '当前已有通话');
    expect(sim.requestsTo('makeCall')).toHaveLength(1);
  });

  it('shows connected with a running timer when the callee answers', async () => {
    sim.calleeAnswer();
    await waitForToolbarCallState(crm, 'connected');
    const t1 = await toolbarText(crm, '[data-testid="toolbar-timer"]');
    await new Promise((r) => setTimeout(r, 2100));
    const t2 = await toolbarText(crm, '[data-testid="toolbar-timer"]');
    expect(t1).toMatch(/^\d\d:\d\d$/);
    expect(t2 > t1).toBe(true);
    await waitForText(popup, '[data-testid="popup-call-state"]', '通话中');
    await waitForPopupAgentState(popup, '通话中');
  });

  it('hangs up from the toolbar: the bar sees hangup and the call ends', async () => {
    await clickToolbar(crm, '[data-testid="toolbar-hangup"]');
    await eventually(() => sim.requestsTo('hangup').length === 1, 'hangup at the bar');
    await waitForToolbarCallState(crm, 'ended');
    expect(await toolbarText(crm, '[data-testid="toolbar-call-state"]')).toContain('坐席挂断');
    // After the call the agent state is the line's again.
    await waitForPopupAgentState(popup, '在线（示闲）');
  });

  it('shows an incoming call in toolbar and popup, and answers it from the popup', async () => {
    sim.injectIncoming('13500001111');
    await waitForToolbarText(crm, '[data-testid="toolbar-call-number"]', '13500001111');
    await waitForToolbarCallState(crm, 'incoming');
    await waitForText(popup, '[data-testid="popup-call-state"]', '来电');
    await waitForPopupAgentState(popup, '来电');
    await popup.bringToFront(); // input goes to the visible tab, as for a person
    await popup.click('[data-testid="popup-answer"]');
    await crm.bringToFront();
    await eventually(() => sim.requestsTo('answer').length === 1, 'answer at the bar');
    await waitForToolbarCallState(crm, 'connected');
  });

  it('survives the service worker being killed mid-call: still shown, still controllable', async () => {
    const before = await serviceWorker(browser);
    await before.evaluate(() => ((globalThis as { marker?: number }).marker = 1));
    await killServiceWorker(browser, before);
    // The caller's side changes state while the worker is gone or restarting.
    await clickToolbar(crm, '[data-testid="toolbar-mute"]');
    await eventually(() => sim.state.muted, 'mute at the bar');
    await waitForToolbarText(crm, '[data-testid="toolbar-call-state"]', '已静音');
    // A fresh worker answers with the persisted call.
    const worker = await serviceWorker(browser);
    // It really is a new worker: the old one's globals are gone.
    expect(await worker.evaluate(() => (globalThis as { marker?: number }).marker)).toBeUndefined();
    const stored = await worker.evaluate(async () => (await chrome.storage.session.get('callbar:session'))['callbar:session']);
    expect(stored).toMatchObject({ status: 'loggedIn', call: { number: '13500001111', state: 'connected', muted: true } });
    await waitForText(popup, '[data-testid="popup-call-number"]', '13500001111');
    await clickToolbar(crm, '[data-testid="toolbar-hangup"]');
    await eventually(() => sim.requestsTo('hangup').length === 2, 'second hangup at the bar');
    await waitForToolbarCallState(crm, 'ended');
    // The new worker still knew the line state to return to (the provider's cursor).
    await waitForPopupAgentState(popup, '在线（示闲）');
  });

  it('says when the bar is not running, and recovers when it comes back', async () => {
    await sim.stop();
    await waitForText(popup, '[data-testid="popup-problem"]', `无法连接本机电话条 127.0.0.1:${sim.port}`);
    await waitForToolbarText(crm, '[data-testid="toolbar-problem"]', '无法连接本机电话条');
    await sim.start();
    await eventually(async () => (await popup.$('[data-testid="popup-problem"]')) === null, 'the problem banner to clear', 15_000);
    // Calls work again after recovery.
    sim.clearRequests();
    await clickToolbar(crm, '[data-testid="toolbar-dismiss"]');
    await agentClick(crm, `${MOBILE_CELL(1)} callbarcall`);
    await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall after recovery');
    sim.calleeBusy();
    await waitForToolbarText(crm, '[data-testid="toolbar-call-state"]', '对方忙');
  });

  it('refuses locally what the bar document forbids, with a clear message', async () => {
    sim.clearRequests();
    await popup.bringToFront();
    await popup.click('[data-testid="agent-state-sipOffline"]');
    await eventually(() => !sim.state.online, 'the bar to go offline');
    await waitForPopupAgentState(popup, '离线');
    await crm.bringToFront();
    await agentClick(crm, `${MOBILE_CELL(1)} callbarcall`);
    await waitForToast(crm, '离线');
    expect(sim.requestsTo('makeCall')).toHaveLength(0);
    await popup.bringToFront();
    await popup.click('[data-testid="agent-state-sipOnline"]');
    await eventually(() => sim.state.online, 'the bar to go online again');
    await waitForPopupAgentState(popup, '在线（示闲）');
  });

  it('transfers a connected call from the popup: the bar gets dialDtmf and the agent leg ends', async () => {
    await crm.bringToFront();
    await clickToolbar(crm, '[data-testid="toolbar-dismiss"]');
    sim.clearRequests();
    await agentClick(crm, `${MOBILE_CELL(3)} callbarcall`);
    await eventually(() => sim.requestsTo('makeCall')[0], 'makeCall');
    await waitForToolbarCallState(crm, 'ringing');
    sim.calleeAnswer();
    await waitForToolbarCallState(crm, 'connected');
    await popup.bringToFront();
    // The platform's own actions are folded under 平台功能（N）.
    expect(await popup.$eval('[data-testid="popup-extras"]', (d) => (d as HTMLDetailsElement).open)).toBe(false);
    await popup.click('[data-testid="popup-extras"] summary');
    await popup.waitForSelector('[data-testid="popup-extra-switchTransfer"]', { visible: true });
    await popup.click('[data-testid="popup-extra-switchTransfer"]');
    await eventually(() => sim.requestsTo('switchTransfer').length === 1, 'switchTransfer at the bar');
    await fill(popup, '[data-testid="transfer-input"]', '8002');
    await popup.click('[data-testid="transfer"]');
    const transfer = await eventually(() => sim.requestsTo('transfer')[0], 'transfer at the bar');
    expect(transfer.body).toMatchObject({ dialDtmf: '8002' });
    // The end says where the call went, as with dscom and 八百呼; the agent is back on the line's state.
    await waitForText(popup, '[data-testid="popup-call-state"]', '已转接到 8002');
    await waitForPopupAgentState(popup, '在线（示闲）');
  });

  it('a page script synthesizing clicks on call buttons cannot dial', async () => {
    const hostile = await browser.newPage();
    const url = `${fixtures.url}/crm/synthetic-click.html`;
    await hostile.goto(url);
    const tools = await enableSiteWithSelector(browser, hostile, 'td.phone');
    expect(await tools.$eval('[data-testid="page-tools-info"]', (e) => e.textContent)).toContain('匹配 3 个元素');
    await tools.close();
    await hostile.bringToFront();
    await eventually(async () => (await hostile.$$('[data-callbar-number]')).length === 3, '3 buttons on the hostile page');
    sim.clearRequests();
    const clicked = await hostile.evaluate(() => (window as unknown as { clickAllCallButtons(): number }).clickAllCallButtons());
    expect(clicked).toBe(3);
    // Even tampering with the page-visible attribute changes nothing about what a real click dials.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim.requestsTo('makeCall')).toHaveLength(0);
    await hostile.close();
  });

  it('logs out', async () => {
    await popup.bringToFront();
    await popup.click('[data-testid="logout"]');
    await popup.waitForSelector('[data-testid="login-form"]');
    await eventually(async () => (await crm.$('callbar-toolbar')) === null, 'the toolbar to leave the page');
  });
});
