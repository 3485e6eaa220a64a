/**
 * Provider dscom (seed 004) end to end: the built extension in headless Chromium, the demo CRM
 * page and the dscom PBX simulator (HTTP API with expiring OAuth tokens + billing websocket).
 * Steps run in order and share one browser, as an agent's shift would.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, DEFAULT_USER, DscomSimulator } from '../simulators/dscom/dscom-simulator.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  eventually,
  fill,
  fillToolbar,
  openPopup,
  extensionApis,
  startCrmShift,
  tabIdOf,
  textOf,
  toolbarHas,
  toolbarText,
  waitForPopupAgentState,
  waitForText,
  waitForToolbarCallState,
  waitForToolbarAgentState,
  waitForToolbarText,
} from './support/extension.ts';

const EXTENSION = '8001';
const T = (id: string) => `[data-testid="${id}"]`;
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;

let sim: DscomSimulator;
let shift: CrmShift;
let browser: Browser;
let crm: Page;
let popup: Page;
let crmUrl: string;

/** The body of the last request the simulator got on a route. */
const lastBody = (route: string) => sim.requestsTo(route).at(-1)?.body as Record<string, unknown> | undefined;
const member = () => sim.state.pbx.queues['200']?.members.find((m) => m.extension === EXTENSION);
/** The callee answers once the PBX is ringing it (after the agent's phone took the originate leg). */
const calleeAnswers = (number: string) =>
  eventually(() => {
    try {
      sim.calleeAnswer(number);
      return true;
    } catch {
      return false;
    }
  }, 'the PBX to ring the callee');
const waitForCallState = (state: string) => waitForToolbarCallState(crm, state);

beforeAll(async () => {
  sim = new DscomSimulator({ agentAnswerDelayMs: 100, ringDelayMs: 200, calleeMode: 'manual', wrapUpSeconds: 6 });
  await sim.start();
  shift = await startCrmShift();
  ({ browser, crm, crmUrl, popup } = shift);
});

afterAll(async () => {
  await shift?.close();
  await sim?.stop();
});

async function loginForm(password: string): Promise<void> {
  await popup.select('[data-testid="provider-select"]', 'dscom');
  await popup.waitForSelector('[data-testid="setting-clientId"]');
  await fill(popup, '[data-testid="setting-baseUrl"]', sim.baseUrl);
  await fill(popup, '[data-testid="setting-billingUrl"]', sim.billingUrl);
  await fill(popup, '[data-testid="setting-clientId"]', String(DEFAULT_CLIENT.id));
  await fill(popup, '[data-testid="setting-clientSecret"]', DEFAULT_CLIENT.secret);
  await fill(popup, '[data-testid="setting-username"]', DEFAULT_USER.username);
  await fill(popup, '[data-testid="setting-password"]', password);
  await fill(popup, '[data-testid="setting-extension"]', EXTENSION);
  await fill(popup, '[data-testid="setting-agentId"]', '1011');
  await fill(popup, '[data-testid="setting-queues"]', '200');
  await fill(popup, '[data-testid="setting-wrapUpSeconds"]', '6');
  await popup.click('[data-testid="login"]');
}

describe('dscom: an agent shift', () => {
  it('a wrong password gets a readable error and no session', async () => {
    await loginForm('wrong');
    await waitForText(popup, '[data-testid="login-error"]', '用户名或密码错误');
    expect(sim.requestsTo('agent/login')).toHaveLength(0);
  });

  it('logs in: OAuth token, the agent signs in to the queue paused, the password stays off disk', async () => {
    await loginForm(DEFAULT_USER.password);
    await waitForText(popup, '[data-testid="popup-agent"]', EXTENSION);
    expect(lastBody('agent/login')).toMatchObject({ agentid: '1011', extension: EXTENSION, queue: '200', paused: 5 });
    expect(member()?.paused).toBe(5);
    await waitForPopupAgentState(popup, '公事暂休');
    await waitForToolbarAgentState(crm, '公事暂休');
    // 记住密码 was not ticked: IndexedDB has the settings without the password; memory has it.
    const worker = await extensionApis(browser);
    const stored = await worker.evaluate(async () => {
      const onDisk = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const open = indexedDB.open('callbar');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('settings').objectStore('settings').get('provider:dscom');
          get.onsuccess = () => resolve(get.result as Record<string, unknown>);
          get.onerror = () => reject(get.error);
        };
      });
      const inMemory = (await chrome.storage.session.get('callbar:credentials:dscom'))['callbar:credentials:dscom'];
      return { onDisk, inMemory };
    });
    expect(stored.onDisk).toMatchObject({ username: DEFAULT_USER.username, extension: EXTENSION, queues: '200' });
    expect(stored.onDisk).not.toHaveProperty('password');
    expect(stored.inMemory).toEqual({ password: DEFAULT_USER.password });
  });

  it('ready, then a pause with its reason: each reaches the PBX and comes back as the state', async () => {
    await popup.select('[data-testid="agent-state-select"]', 'ready');
    await eventually(() => member()?.paused === 0, 'the PBX to have the agent ready');
    expect(lastBody('agent/pause')).toMatchObject({ extension: EXTENSION, queue: '200', paused: 0 });
    await waitForPopupAgentState(popup, '就绪');
    await waitForToolbarAgentState(crm, '就绪');

    await popup.select('[data-testid="agent-state-select"]', 'pause4');
    await eventually(() => member()?.paused === 4, 'the PBX to have the agent on a private break');
    expect(lastBody('agent/pause')).toMatchObject({ paused: 4, reason: 'PrivateBreak' });
    await waitForToolbarAgentState(crm, '私事暂休');
    // The toolbar lists the pause reasons too; back to ready from there.
    // A real choice in the list (keyboard): the toolbar ignores changes a page script makes.
    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-agent-select'));
    await crm.keyboard.press('Escape'); // close the list the click opened; the field keeps the focus
    await crm.keyboard.press('ArrowUp');
    await eventually(() => member()?.paused === 0, 'ready again from the toolbar');
  });

  it('dials from the CRM page: call/dial on the agent’s extension, then connected', async () => {
    await crm.bringToFront();
    const number = await crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => h.getAttribute('data-callbar-number'));
    await agentClick(crm, `${MOBILE_CELL(2)} callbarcall`);
    await eventually(() => sim.requestsTo('call/dial').length === 1, 'call/dial');
    expect(lastBody('call/dial')).toMatchObject({ extension: EXTENSION, dest: number });
    await waitForToolbarText(crm, T('toolbar-call-number'), number!);
    await calleeAnswers(number!);
    await waitForCallState('connected');
  });

  it('hold and unhold reach the PBX and come back', async () => {
    await clickToolbar(crm, T('toolbar-hold'));
    await waitForCallState('held');
    expect(sim.requestsTo('call/hold')).toHaveLength(1);
    await clickToolbar(crm, T('toolbar-hold'));
    await waitForCallState('connected');
    expect(sim.requestsTo('call/unhold')).toHaveLength(1);
  });

  it('blind transfer: the call leaves the agent; its CDR corrects the recent-calls row', async () => {
    await clickToolbar(crm, T('toolbar-transfer-open'));
    await fillToolbar(crm, T('toolbar-transfer-input'), '8002');
    await clickToolbar(crm, T('toolbar-transfer'));
    await eventually(() => sim.requestsTo('call/transfer').length === 1, 'call/transfer');
    expect(lastBody('call/transfer')).toMatchObject({ type: 'blind', extension: EXTENSION, dest: '8002' });
    await waitForCallState('ended');
    expect(await toolbarText(crm, T('toolbar-call-state'))).toContain('已转接');
  });

  it('a second call hung up from the toolbar: the CDR row appears in history with the PBX’s talk time', async () => {
    await clickToolbar(crm, T('toolbar-dismiss'));
    await agentClick(crm, `${MOBILE_CELL(3)} callbarcall`);
    await eventually(() => sim.requestsTo('call/dial').length === 2, 'the second call/dial');
    const dialled = lastBody('call/dial')!.dest as string;
    await calleeAnswers(dialled);
    await waitForCallState('connected');
    await new Promise((r) => setTimeout(r, 2_200));
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForCallState('ended');
    expect(sim.requestsTo('call/hangup')).toHaveLength(1);
    const cdr = await eventually(() => sim.cdrs.find((row) => row.dst === dialled && row.disposition === 'ANSWERED'), 'the CDR of the second call');
    popup = await openPopup(browser, await tabIdOf(browser, crmUrl));
    await waitForText(popup, '[data-testid="history-row"]', dialled);
    const row = (await popup.$$eval('[data-testid="history-row"]', (rows) => rows.map((r) => r.textContent ?? ''))).find((text) => text.includes(dialled))!;
    const mm = String(Math.floor(cdr.billsec / 60)).padStart(2, '0');
    const ss = String(cdr.billsec % 60).padStart(2, '0');
    expect(row).toContain(`${mm}:${ss}`);
    expect(row).toContain('已接通');
  });

  it('after the call: 整理 is shown with a countdown (not offered as a choice), then the platform makes the agent ready again', async () => {
    // The PBX's wrap-up is 6 s, and so is the agent's 整理时长 setting.
    await waitForPopupAgentState(popup, '整理', 8_000);
    const timer = await popup.$eval('[data-testid="agent-state-timer"]', (el) => ({ text: el.textContent, countdown: el.classList.contains('countdown') }));
    expect(timer.countdown).toBe(true);
    expect(timer.text).toMatch(/^整理剩余 00:0[0-6]$/);
    const options = await popup.$$eval('[data-testid="agent-state-select"] option:not([disabled])', (opts) => opts.map((o) => o.textContent));
    expect(options).not.toContain('整理');
    await waitForPopupAgentState(popup, '就绪', 15_000);
    expect(member()?.paused).toBe(0);
  });

  it('an incoming queue call rings on the toolbar without an answer button but with 请在话机上接听; answered on the phone it connects', async () => {
    await crm.bringToFront();
    sim.injectIncoming({ from: '13800001111', queue: '200' });
    await waitForToolbarText(crm, T('toolbar-call-number'), '13800001111', 15_000);
    await waitForCallState('incoming');
    expect(await toolbarHas(crm, T('toolbar-answer'))).toBe(false);
    // …so the card says where to answer.
    await waitForToolbarText(crm, T('toolbar-call-state'), '来电 · 请在话机上接听');
    sim.agentAnswer(EXTENSION);
    await waitForCallState('connected');
    sim.remoteHangup('13800001111');
    await waitForCallState('ended');
  });

  it('token expiry mid-shift: refreshed with the refresh token, the agent notices nothing', async () => {
    const grants = () => sim.requestsTo('oauth/token').map((r) => (r.body as { grant_type?: string }).grant_type);
    const before = grants().length;
    sim.expireTokens();
    await eventually(() => grants().slice(before).includes('refresh_token'), 'a refresh_token grant', 15_000);
    await eventually(() => sim.requestsTo('agent/getAgentStatus').at(-1)?.status === 200, 'polling to go on with the new token', 15_000);
    expect(await popup.$('[data-testid="popup-problem"]')).toBeNull();
    // With a short lifetime, the token is refreshed before it expires (no 401 on the way).
    sim.setTokenTtl(5);
    sim.expireTokens();
    await eventually(() => grants().slice(before).filter((g) => g === 'refresh_token').length >= 2, 'the refresh after the expiry', 15_000);
    const refreshedAt = Date.now();
    await eventually(() => grants().slice(before).filter((g) => g === 'refresh_token').length >= 3, 'a refresh before the 5 s token expires', 15_000);
    const unauthorized = sim.requests.filter((r) => r.at > refreshedAt && r.status === 401);
    expect(unauthorized).toEqual([]);
    sim.setTokenTtl(1800);
  });

  it('refresh token rejected: CallBar signs in again with the password, silently', async () => {
    const grants = () => sim.requestsTo('oauth/token').map((r) => (r.body as { grant_type?: string }).grant_type);
    const before = grants().length;
    sim.revokeRefreshTokens();
    sim.expireTokens();
    await eventually(() => grants().slice(before).includes('password'), 'a password grant after the refused refresh', 20_000);
    expect(grants().slice(before)[0]).toBe('refresh_token');
    await eventually(() => sim.requestsTo('agent/getAgentStatus').at(-1)?.status === 200, 'polling to go on', 15_000);
    expect(await popup.$('[data-testid="popup-problem"]')).toBeNull();
  });

  it('server down: a readable banner; back up: the banner goes and calls work again', async () => {
    await sim.stop();
    await waitForText(popup, '[data-testid="popup-problem"]', '无法连接', 20_000);
    expect(await textOf(popup, '[data-testid="popup-problem"]')).toMatch(/自动重新连接/);
    await sim.start();
    await eventually(async () => (await popup.$('[data-testid="popup-problem"]')) === null, 'the banner to go away', 30_000);
    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-dismiss')).catch(() => undefined);
    await agentClick(crm, `${MOBILE_CELL(4)} callbarcall`);
    await eventually(() => sim.requestsTo('call/dial').length === 3, 'a call after the recovery');
  });
});
