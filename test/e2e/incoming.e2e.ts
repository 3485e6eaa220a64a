/**
 * Incoming calls and what follows them: the system notification, the screen pop,
 * answering, hanging up, and the recent-calls row with its talk time and result.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { startFixtureServer } from '../support/fixture-server.ts';
import {
  clickToolbar,
  enableSiteWithSelector,
  eventually,
  type ExtensionBrowser,
  fill,
  killServiceWorker,
  launchWithExtension,
  loginSoftbar,
  extensionApis,
  serviceWorker,
  tabIdOf,
  textOf,
  toolbarCallState,
  waitForPopupAgentState,
  waitForText,
  waitForToolbarCallState,
} from './support/extension.ts';

let sim: SoftbarSimulator;
let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let ext: ExtensionBrowser;
let browser: Browser;
let popup: Page;
let crm: Page;

/**
 * The ringtone's state as the offscreen document reports it ('none' when there is no document).
 * Asked from the service worker: the offscreen document answers no one else.
 */
async function ringState(): Promise<string> {
  const worker = await serviceWorker(browser);
  return worker.evaluate(async () => {
    const docs = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] });
    if (docs.length === 0) return 'none';
    const reply = (await chrome.runtime.sendMessage({ channel: 'callbar-offscreen', type: 'ring/state' })) as { state: string };
    return reply.state;
  });
}

async function notifications(): Promise<Record<string, unknown>> {
  const worker = await extensionApis(browser);
  return worker.evaluate(() => chrome.notifications.getAll());
}

beforeAll(async () => {
  sim = new SoftbarSimulator({ port: 0, extension: '8001', ringDelayMs: 200, answerDelayMs: 300, calleeMode: 'manual' });
  await sim.start();
  fixtures = await startFixtureServer();
  ext = await launchWithExtension();
  browser = ext.browser;
  crm = await browser.newPage();
  await crm.goto(`${fixtures.url}/crm/index.html`);
  popup = await loginSoftbar(browser, sim.port, '8001', await tabIdOf(browser, crm.url()));
  // The CRM is enabled (its phone column), so the toolbar is shown there.
  await enableSiteWithSelector(browser, crm, '#customer-table td.col-mobile', popup);
  await popup.click('[data-testid="agent-state-sipOnline"]');
  await waitForPopupAgentState(popup, '在线');
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
  await sim?.stop();
});

describe('incoming call', () => {
  it('screen pop is validated before it is saved', async () => {
    await popup.click('[data-testid="screen-pop"] summary');
    await popup.select('[data-testid="screen-pop-when"]', 'ring');
    await fill(popup, '[data-testid="screen-pop-url"]', `${fixtures.url}/crm/index.html?phone=`);
    await popup.click('[data-testid="screen-pop-save"]');
    await waitForText(popup, '[data-testid="screen-pop-message"]', '{number}');
    await fill(popup, '[data-testid="screen-pop-url"]', `${fixtures.url}/crm/index.html?phone={number}`);
    await popup.click('[data-testid="screen-pop-save"]');
    await waitForText(popup, '[data-testid="screen-pop-message"]', '已保存');
  });

  it('rings: a notification with the number and 接听/拒接, the toolbar, and one screen pop with the number', async () => {
    const popped = browser.waitForTarget((t) => t.url() === `${fixtures.url}/crm/index.html?phone=13500001111`, { timeout: 10_000 });
    sim.injectIncoming('13500001111');
    await crm.bringToFront();
    await waitForToolbarCallState(crm, 'incoming');
    const shown = await eventually(async () => {
      const all = await notifications();
      return Object.keys(all).find((id) => id.startsWith('callbar-incoming:'));
    }, 'the incoming-call notification');
    // It is the notification of this call (its id carries the call's id), not a leftover.
    const worker = await extensionApis(browser);
    const stored = (await worker.evaluate(async () => (await chrome.storage.session.get('callbar:session'))['callbar:session'])) as { call: { id: string; number: string } };
    expect(stored.call.number).toBe('13500001111');
    expect(shown).toBe(`callbar-incoming:${stored.call.id}`);
    // The ringtone plays (an offscreen document with a running audio context).
    await eventually(async () => (await ringState()) === 'running', 'the ringtone');
    await popped;
    await new Promise((r) => setTimeout(r, 800));
    const pops = (await browser.pages()).filter((p) => p.url().includes('phone=13500001111'));
    expect(pops).toHaveLength(1);
  });

  it('answered: the notification goes away; hung up after ~2 s: a history row with duration and result', async () => {
    await crm.bringToFront();
    await clickToolbar(crm, '[data-testid="toolbar-answer"]');
    await waitForToolbarCallState(crm, 'connected');
    await eventually(async () => Object.keys(await notifications()).length === 0, 'the notification to be cleared');
    await eventually(async () => (await ringState()) === 'none', 'the ringtone to stop');
    await new Promise((r) => setTimeout(r, 2200));
    sim.remoteHangup();
    await waitForToolbarCallState(crm, 'ended');
    await popup.bringToFront();
    await popup.waitForSelector('[data-testid="history-row"]', { visible: true });
    expect(await textOf(popup, '[data-testid="history-number"]')).toBe('13500001111');
    expect(await textOf(popup, '[data-testid="history-result"]')).toBe('已接通 · 对方挂断');
    expect(await textOf(popup, '[data-testid="history-duration"]')).toMatch(/^00:0[234]$/);
  });

  it('the service worker killed while a call rings loses nothing: it is answered and recorded once', async () => {
    await popup.bringToFront();
    await popup.select('[data-testid="screen-pop-when"]', 'off');
    await popup.click('[data-testid="ringtone-toggle"]'); // ringtone off for this call
    await popup.click('[data-testid="screen-pop-save"]');
    await waitForText(popup, '[data-testid="screen-pop-message"]', '已保存');
    const rowsBefore = (await popup.$$('[data-testid="history-row"]')).length;
    sim.injectIncoming('13700003333');
    await crm.bringToFront();
    await eventually(async () => (await toolbarCallState(crm)) === 'incoming', 'the incoming call');
    expect(await ringState()).toBe('none');
    // ringState() attached to the worker: stop it through that session.
    await killServiceWorker(browser, await serviceWorker(browser));
    // The toolbar still offers 接听; a real click wakes a new worker, which answers from stored state.
    await clickToolbar(crm, '[data-testid="toolbar-answer"]');
    await eventually(() => sim.requestsTo('answer').some((r) => r.at > Date.now() - 10_000), 'answer at the bar');
    await eventually(async () => (await toolbarCallState(crm)) === 'connected', 'connected after the restart');
    await clickToolbar(crm, '[data-testid="toolbar-hangup"]');
    await eventually(async () => (await toolbarCallState(crm)) === 'ended', 'ended');
    await popup.bringToFront();
    await waitForText(popup, '[data-testid="history-row"]', '13700003333');
    expect((await popup.$$('[data-testid="history-row"]')).length).toBe(rowsBefore + 1);
    expect(await textOf(popup, '[data-testid="history-result"]')).toMatch(/^已接通/);
  });

  it('a missed call is recorded as 未接听 and a click on the row redials it', async () => {
    await popup.bringToFront();
    await popup.select('[data-testid="screen-pop-when"]', 'ring');
    await popup.click('[data-testid="screen-pop-save"]');
    sim.injectIncoming('13600002222');
    // The screen pop reuses its tab for the new number and brings it to the front.
    await eventually(async () => (await browser.pages()).some((p) => p.url().endsWith('phone=13600002222')), 'the screen pop for the second call');
    await crm.bringToFront();
    await eventually(() => toolbarCallState(crm), 'the toolbar to show the call');
    sim.remoteHangup();
    await eventually(async () => (await toolbarCallState(crm)) === 'ended', 'the missed call to end');
    await popup.bringToFront();
    await waitForText(popup, '[data-testid="history-row"]', '13600002222');
    expect(await textOf(popup, '[data-testid="history-result"]')).toBe('未接听 · 对方挂断');
    sim.clearRequests();
    await popup.click('[data-testid="history-row"] button');
    const makeCall = await eventually(() => sim.requestsTo('makeCall')[0], 'the redial');
    expect(makeCall.body).toMatchObject({ callUri: '13600002222' });
  });
});
