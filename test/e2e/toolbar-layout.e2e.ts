/**
 * The toolbar stays out of the agent's way: on the demo CRM at 1366×768 (a laptop), where the
 * agent has not placed it, it covers none of the page's controls — the 查看 / 编辑 row actions,
 * the call buttons, the checkboxes — in any state it shows: idle, ringing, in a call, after the
 * call, an incoming call. And it is never taller than the state it shows needs (compact: the dial
 * pad and the platform's own actions open on demand).
 * Screenshots: test-output/toolbar-layout-<state>.png.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftbarSimulator } from '../simulators/cmcc-softbar/softbar-simulator.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import {
  agentClick,
  clickToolbar,
  enableSiteWithSelector,
  type ExtensionBrowser,
  launchWithExtension,
  loginSoftbar,
  ROOT,
  tabIdOf,
  testid as T,
  toolbarFrame,
  waitForToolbarCallState,
} from './support/extension.ts';
import { controlsUnderToolbar } from './support/layout.ts';

const EXTENSION = '8001';
const LAPTOP = { width: 1366, height: 768 };
const OUT = join(ROOT, 'test-output');
const MOBILE = '#customer-table td.col-mobile';

let sim: SoftbarSimulator;
let fixtures: FixtureServer;
let ext: ExtensionBrowser;
let browser: Browser;
let crm: Page;

beforeAll(async () => {
  sim = new SoftbarSimulator({ port: 0, extension: EXTENSION, ringDelayMs: 200, answerDelayMs: 300, calleeMode: 'manual' });
  await sim.start();
  fixtures = await startFixtureServer();
  ext = await launchWithExtension({ viewport: LAPTOP });
  browser = ext.browser;
  crm = await browser.newPage();
  await crm.goto(`${fixtures.url}/crm/index.html`);
  await crm.waitForSelector('#customer-table');
  const popup = await loginSoftbar(browser, sim.port, EXTENSION, await tabIdOf(browser, crm.url()));
  await popup.click(T('agent-state-sipOnline'));
  await enableSiteWithSelector(browser, crm, MOBILE, popup);
  await popup.close();
  await crm.bringToFront();
  await toolbarFrame(crm);
});

afterAll(async () => {
  await ext?.close();
  await fixtures?.close();
  await sim?.stop();
});

/** The toolbar's frame has its size for the state it shows (the frame follows the bar, a moment later). */
async function settled(): Promise<{ height: number }> {
  const frame = await toolbarFrame(crm);
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const bar = await frame.$eval(T('toolbar'), (el) => el.getBoundingClientRect().height);
    const host = await crm.$eval('callbar-toolbar', (el) => el.getBoundingClientRect().height);
    if (Math.abs(bar - host) < 1.5 && bar === last) return { height: bar };
    last = bar;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the toolbar frame never took the bar’s size');
}

async function expectOutOfTheWay(state: string, maxHeight: number): Promise<void> {
  const { height } = await settled();
  await crm.screenshot({ path: join(OUT, `toolbar-layout-${state}.png`) });
  const { toolbar, covered } = await controlsUnderToolbar(crm);
  expect(toolbar, `${state}: a toolbar`).not.toBeNull();
  expect(covered.map((c) => c.control), `${state}: the toolbar at ${JSON.stringify(toolbar)} covers page controls`).toEqual([]);
  expect(height, `${state}: taller than the state needs`).toBeLessThanOrEqual(maxHeight);
}

describe('the toolbar at its default spot on the demo CRM, 1366×768', () => {
  it('idle: covers no control, low on the screen, header and state switch only', async () => {
    // The page has controls all the way down at the right (查看 / 编辑 on every row).
    expect(await crm.$$eval('#customer-table a', (links) => links.some((a) => a.getBoundingClientRect().bottom > 700))).toBe(true);
    await expectOutOfTheWay('idle', 100);
    const { toolbar } = await controlsUnderToolbar(crm);
    expect(LAPTOP.height - toolbar!.bottom).toBe(16);
    expect(await (await toolbarFrame(crm)).$(T('toolbar-dialpad'))).toBeNull();
  });

  it('ringing, in a call, after the call: still covers none', async () => {
    await agentClick(crm, `${MOBILE} callbarcall`);
    await waitForToolbarCallState(crm, 'ringing');
    await expectOutOfTheWay('ringing', 210);
    sim.calleeAnswer();
    await waitForToolbarCallState(crm, 'connected');
    await expectOutOfTheWay('connected', 210);
    sim.remoteHangup();
    await waitForToolbarCallState(crm, 'ended');
    await expectOutOfTheWay('ended', 210);
    await clickToolbar(crm, T('toolbar-dismiss'));
  });

  it('an incoming call: covers none', async () => {
    sim.injectIncoming('13500001111');
    await waitForToolbarCallState(crm, 'incoming');
    await expectOutOfTheWay('incoming', 210);
    await clickToolbar(crm, T('toolbar-answer'));
    await waitForToolbarCallState(crm, 'connected');
    await expectOutOfTheWay('incoming-answered', 210);
    sim.remoteHangup();
    await waitForToolbarCallState(crm, 'ended');
  });
});
