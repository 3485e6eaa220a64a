/**
 * Provider 800ing (八百呼, seed 002) end to end, in both modes: the built extension in headless
 * Chromium, the demo CRM page and the 八百呼 simulator (cloud API with its water line + the desktop
 * client on its own port). Steps run in order and share one browser, as an agent's shift would.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, DEFAULT_PASSWORD, Ing800Simulator } from '../simulators/800ing/ing800-simulator.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  eventually,
  fill,
  fillToolbar,
  killServiceWorker,
  openPopup,
  serviceWorkerStarted,
  startCrmShift,
  tabIdOf,
  textOf,
  toolbarHas,
  toolbarText,
  waitForText,
  waitForToolbarCallState,
  waitForToolbarText,
} from './support/extension.ts';

const T = (id: string) => `[data-testid="${id}"]`;
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;

let sim: Ing800Simulator;
let shift: CrmShift;
let browser: Browser;
let crm: Page;
let popup: Page;
let crmUrl: string;

const waitForCallState = (state: string) => waitForToolbarCallState(crm, state);
/** The callee answers once the platform is ringing it (after the agent's own phone took the call). */
const calleeAnswers = () =>
  eventually(() => {
    try {
      sim.calleeAnswer();
      return true;
    } catch {
      return false;
    }
  }, 'the callee to be rung');
const lastParams = (name: string) => sim.requestsTo(name).at(-1)?.params as Record<string, string> | undefined;
/** Rows of recent calls in a fresh popup, as text. */
async function historyRows(): Promise<string[]> {
  popup = await openPopup(browser, await tabIdOf(browser, crmUrl));
  await popup.waitForSelector('[data-testid="recent-calls"]');
  return popup.$$eval('[data-testid="history-row"]', (rows) => rows.map((r) => r.textContent ?? ''));
}

beforeAll(async () => {
  sim = new Ing800Simulator({ agentAnswerDelayMs: 100, ringDelayMs: 200, calleeMode: 'manual' });
  await sim.start();
  shift = await startCrmShift();
  ({ browser, crm, crmUrl, popup } = shift);
});

afterAll(async () => {
  await shift?.close();
  await sim?.stop();
});

async function loginForm(mode: 'cloud' | 'desktop', password: string): Promise<void> {
  await popup.select('[data-testid="provider-select"]', '800ing');
  await popup.waitForSelector('[data-testid="setting-mode"]');
  await popup.select('[data-testid="setting-mode"]', mode);
  await fill(popup, '[data-testid="setting-server"]', sim.baseUrl);
  await fill(popup, '[data-testid="setting-account"]', DEFAULT_ACCOUNT);
  await fill(popup, '[data-testid="setting-password"]', password);
  if (mode === 'desktop') {
    await fill(popup, '[data-testid="setting-clientPort"]', String(sim.clientPort));
    const box = await popup.$('[data-testid="setting-disablePop"]');
    if (!(await box!.evaluate((el) => (el as HTMLInputElement).checked))) await box!.click();
  }
  await popup.click('[data-testid="login"]');
}

describe('800ing cloud API: an agent shift', () => {
  it('a wrong password gets a readable error', async () => {
    await loginForm('cloud', 'wrong');
    await waitForText(popup, '[data-testid="login-error"]', /帐号或密码错误/);
  });

  it('logs in with getExtension; only the uppercase MD5 of the password is ever sent', async () => {
    await loginForm('cloud', DEFAULT_PASSWORD);
    await waitForText(popup, '[data-testid="popup-agent"]', '8001');
    expect(await textOf(popup, '[data-testid="popup-agent"]')).toContain('李四');
    const login = sim.requestsTo('getExtension').at(-1)!;
    expect(login.passwordCase).toBe('upper');
    expect(login.params).toMatchObject({ sa_user: DEFAULT_ACCOUNT, sa_password: sim.passwordMd5 });
    for (const request of sim.requests) expect(JSON.stringify([request.query, request.body, request.params])).not.toContain(DEFAULT_PASSWORD);
    // The water line is polled (it is also the heartbeat).
    await eventually(() => sim.lastHeartbeat !== null, 'a getLongWaterLine heartbeat');
  });

  it('dials from the CRM page: callbackPhone with a request id; answered, then hung up from the toolbar; history row', async () => {
    await crm.bringToFront();
    const number = await crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => h.getAttribute('data-callbar-number'));
    await agentClick(crm, `${MOBILE_CELL(2)} callbarcall`);
    await eventually(() => sim.requestsTo('callbackPhone').length === 1, 'callbackPhone');
    const params = lastParams('callbackPhone')!;
    expect(params.descPhone).toBe(number);
    expect(params.paramvalue).toMatch(/\S/);
    await waitForToolbarText(crm, T('toolbar-call-number'), number!);
    await calleeAnswers();
    await waitForCallState('connected');
    await new Promise((r) => setTimeout(r, 1_200));
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForCallState('ended');
    expect(sim.requestsTo('hangupExten')).toHaveLength(1);
    const rows = await historyRows();
    expect(rows.find((r) => r.includes(number!))).toMatch(/已接通/);
  });

  it('an incoming call is answered from the toolbar through sendMsg (kind 6)', async () => {
    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-dismiss'));
    sim.injectIncoming('13500001111');
    await waitForCallState('incoming');
    expect(await toolbarText(crm, T('toolbar-call-number'))).toBe('13500001111');
    await clickToolbar(crm, T('toolbar-answer'));
    await eventually(() => sim.requestsTo('sendMsg').length === 1, 'sendMsg');
    expect(lastParams('sendMsg')).toMatchObject({ phone: '13500001111', kind: '6' });
    await waitForCallState('connected');
    sim.remoteHangup();
    await waitForCallState('ended');
  });

  it('the service worker killed between two polls loses no message and applies none twice', async () => {
    const before = (await historyRows()).filter((r) => r.includes('13600002222')).length;
    expect(before).toBe(0);
    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-dismiss'));
    await killServiceWorker(browser);
    // While the worker is stopped: a call rings and is given up by the caller.
    sim.injectIncoming('13600002222');
    sim.remoteHangup();
    // The toolbar's port reconnects, which wakes the worker; it reads on from the saved water line.
    await waitForToolbarText(crm, T('toolbar-call-number'), '13600002222', 20_000);
    await waitForCallState('ended');
    // Killed again right after: nothing is read twice.
    await killServiceWorker(browser);
    await serviceWorkerStarted(browser);
    await new Promise((r) => setTimeout(r, 4_000));
    const rows = (await historyRows()).filter((r) => r.includes('13600002222'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/未接听/);
  });
});

describe('800ing desktop client', () => {
  it('switches to the desktop client: it is logged in with type 2001 (the MD5, never the password)', async () => {
    popup = await openPopup(browser, await tabIdOf(browser, crmUrl));
    await popup.click('[data-testid="logout"]');
    await popup.waitForSelector('[data-testid="login-form"]');
    sim.clearRequests();
    await loginForm('desktop', DEFAULT_PASSWORD);
    await waitForText(popup, '[data-testid="popup-agent"]', '8001');
    const login = sim.requestsTo('client:2001').at(-1)!;
    expect(login.query).toMatchObject({ user: DEFAULT_ACCOUNT, pass: sim.passwordMd5 });
    expect(JSON.stringify(sim.requests.map((r) => r.query))).not.toContain(DEFAULT_PASSWORD);
  });

  it('dials through the client (type 0, disablePop); events come from the water line; transfer (type 2) ends it for the agent', async () => {
    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-dismiss')).catch(() => undefined);
    const number = await crm.$eval(`${MOBILE_CELL(3)} callbarcall`, (h) => h.getAttribute('data-callbar-number'));
    await agentClick(crm, `${MOBILE_CELL(3)} callbarcall`);
    await eventually(() => sim.requestsTo('client:0').length === 1, 'the client dial');
    expect(sim.requestsTo('client:0')[0]!.query).toMatchObject({ phone: number, type: '0', disablePop: 'true' });
    expect(sim.requestsTo('callbackPhone')).toHaveLength(0);
    await calleeAnswers();
    await waitForCallState('connected');
    await clickToolbar(crm, T('toolbar-transfer-open'));
    await fillToolbar(crm, T('toolbar-transfer-input'), '8002');
    await clickToolbar(crm, T('toolbar-transfer'));
    await eventually(() => sim.requestsTo('client:2').length === 1, 'the client transfer');
    expect(sim.requestsTo('client:2')[0]!.query).toMatchObject({ phone: '8002', type: '2' });
    await waitForCallState('ended');
    const rows = await historyRows();
    expect(rows.find((r) => r.includes(number!))).toMatch(/已接通/);
    await crm.bringToFront();
  });

  it('client not running: a readable error on dial; back up: dialing works again', async () => {
    await clickToolbar(crm, T('toolbar-dismiss')).catch(() => undefined);
    await sim.setClientRunning(false);
    await agentClick(crm, `${MOBILE_CELL(4)} callbarcall`);
    await waitForToolbarText(crm, '[role="alert"]', /八百呼客户端没有运行/);
    await sim.setClientRunning(true);
    await agentClick(crm, `${MOBILE_CELL(4)} callbarcall`);
    await eventually(() => sim.requestsTo('client:0').length === 2, 'a dial after the client is back');
    // …and that call is hung up through the client (type 1).
    await calleeAnswers();
    await waitForCallState('connected');
    await clickToolbar(crm, T('toolbar-hangup'));
    await eventually(() => sim.requestsTo('client:1').length === 1, 'the client hang-up');
    await waitForCallState('ended');
  });
});

describe('800ing with numbers hidden by the company (disablePhoneNum 1)', () => {
  let hidden: Ing800Simulator;
  afterAll(async () => {
    await hidden?.stop();
  });

  it('shows customer numbers masked in the toolbar, the popup and recent calls, and offers no 复制号码', async () => {
    hidden = new Ing800Simulator({ agent: { disablePhoneNum: 1 }, agentAnswerDelayMs: 100 });
    await hidden.start();
    popup = await openPopup(browser, await tabIdOf(browser, crmUrl));
    // The desktop-mode shift above ended with its call hung up.
    await popup.click('[data-testid="logout"]');
    await popup.waitForSelector('[data-testid="login-form"]');
    await popup.select('[data-testid="provider-select"]', '800ing');
    await popup.waitForSelector('[data-testid="setting-mode"]');
    await popup.select('[data-testid="setting-mode"]', 'cloud');
    await fill(popup, '[data-testid="setting-server"]', hidden.baseUrl);
    await fill(popup, '[data-testid="setting-account"]', DEFAULT_ACCOUNT);
    await fill(popup, '[data-testid="setting-password"]', DEFAULT_PASSWORD);
    await popup.click('[data-testid="login"]');
    await waitForText(popup, '[data-testid="popup-agent"]', '8001');

    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-dismiss')).catch(() => undefined);
    hidden.injectIncoming('13912340000');
    await waitForToolbarText(crm, T('toolbar-call-number'), '139****0000');
    await popup.bringToFront();
    await waitForText(popup, '[data-testid="popup-call-number"]', '139****0000');
    hidden.remoteHangup();
    await crm.bringToFront();
    await waitForCallState('ended');
    expect(await toolbarHas(crm, T('toolbar-copy'))).toBe(false);
    expect(await toolbarHas(crm, T('toolbar-redial'))).toBe(true);
    const rows = await historyRows();
    expect(rows.some((r) => r.includes('139****0000'))).toBe(true);
    expect(rows.some((r) => r.includes('13912340000'))).toBe(false);
  });
});
