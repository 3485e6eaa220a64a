/**
 * Provider ccpaas (seed 003) end to end: the built extension in headless Chromium, the demo CRM page
 * and the CC PaaS simulator (its ctc REST API and its CTI WebSocket). REST click-to-call first, then an
 * agent's shift on the PhoneKit toolbar with a SIP phone (the platform's simulated phone picks up by
 * itself). Steps run in order and share one browser. The browser phone (phoneType 3) is in
 * ccpaas-phone.e2e.ts. Screenshots of the states only CC PaaS shows: test-output/ccpaas-<step>.png.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcpaasSimulator, DEFAULT_ACCOUNT, DEFAULT_APP_SID } from '../simulators/ccpaas/ccpaas-simulator.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  eventually,
  fill,
  killServiceWorker,
  ROOT,
  startCrmShift,
  testid as T,
  toolbarFrame,
  toolbarHas,
  waitForText,
  waitForToast,
  waitForToolbarAgentState,
  waitForToolbarCallState,
  waitForToolbarText,
} from './support/extension.ts';

const AGENT = '8001';
const PASSWORD = '123456';
const AGENT_PHONE = '13800138001';
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;

let sim: CcpaasSimulator;
let shift: CrmShift;
let browser: Browser;
let crm: Page;
let popup: Page;

async function shot(name: string, what: 'toolbar' | 'popup'): Promise<void> {
  const path = join(ROOT, 'test-output', `ccpaas-${name}.png`);
  await (what === 'popup' ? popup : crm).bringToFront();
  if (what === 'popup') return void (await popup.screenshot({ path, fullPage: true }));
  const element = await (await toolbarFrame(crm)).frameElement();
  await element?.screenshot({ path });
}

interface PlatformAgent {
  agentNo: string;
  loggedIn: boolean;
  workStatus: 'ready' | 'pause' | 'offline';
  pauseCause: string | null;
  inWrapup: boolean;
  call: { conversationSid: string; held: boolean } | null;
}
type Conversation = { conversationSid: string; state: string; caller: string; callee: string; byeType?: string };
const onPlatform = (agentNo = AGENT) => (sim.state.agents as PlatformAgent[]).find((a) => a.agentNo === agentNo)!;
const conversations = () => sim.state.conversations as Conversation[];
/** The CTI requests CallBar sent, by method (the simulator's frame log). */
const sent = (method: string) =>
  sim.frames.flatMap((f) => {
    const frame = f.frame as { method?: string; params?: Record<string, unknown> } | null;
    return typeof frame === 'object' && frame?.method === method ? [frame.params ?? {}] : [];
  });
const historyRows = async () => (await popup.$$(T('history-row'))).length;

beforeAll(async () => {
  sim = new CcpaasSimulator({ agentAnswerDelayMs: 700, ringDelayMs: 150, answerDelayMs: 500, wrapupSeconds: 2 });
  await sim.start();
  shift = await startCrmShift();
  ({ browser, crm, popup } = shift);
}, 120_000);

afterAll(async () => {
  await shift?.close();
  await sim?.close();
});

async function restForm(token: string): Promise<void> {
  await popup.bringToFront();
  await popup.select(T('provider-select'), 'ccpaas');
  await popup.waitForSelector(T('setting-mode'));
  await popup.select(T('setting-mode'), 'rest');
  await popup.waitForSelector(T('setting-baseUrl'));
  await fill(popup, T('setting-baseUrl'), sim.baseUrl);
  await fill(popup, T('setting-softVersion'), sim.softVersion);
  await fill(popup, T('setting-accountSid'), DEFAULT_ACCOUNT.accountSid);
  await fill(popup, T('setting-accountToken'), token);
  await fill(popup, T('setting-applicationSid'), DEFAULT_APP_SID);
  await fill(popup, T('setting-caller'), AGENT_PHONE);
  await popup.click(T('login'));
}

async function toolbarForm(password: string, options: { autoAnswer?: boolean; encryptNumber?: boolean } = {}): Promise<void> {
  await popup.bringToFront();
  await popup.select(T('provider-select'), 'ccpaas');
  await popup.waitForSelector(T('setting-mode'));
  await popup.select(T('setting-mode'), 'toolbar');
  await popup.waitForSelector(T('setting-ctiUrl'));
  await fill(popup, T('setting-ctiUrl'), sim.ctiUrl);
  await fill(popup, T('setting-appSid'), DEFAULT_APP_SID);
  await fill(popup, T('setting-agentNo'), AGENT);
  await fill(popup, T('setting-password'), password);
  await popup.select(T('setting-phoneType'), '1');
  await fill(popup, T('setting-pauseCauses'), '休息,培训');
  for (const [key, on] of Object.entries({ autoAnswer: !!options.autoAnswer, encryptNumber: !!options.encryptNumber })) {
    const checked = await popup.$eval(T(`setting-${key}`), (i) => (i as HTMLInputElement).checked);
    if (checked !== on) await popup.click(T(`setting-${key}`));
  }
  await popup.click(T('login'));
}

async function logout(): Promise<void> {
  await popup.bringToFront();
  await popup.click(T('logout'));
  await popup.waitForSelector(T('login'));
}

async function dismiss(): Promise<void> {
  await crm.bringToFront();
  if (await toolbarHas(crm, T('toolbar-dismiss'))) await clickToolbar(crm, T('toolbar-dismiss'));
}

describe('ccpaas REST click-to-call (the agent works “offline”)', () => {
  it('a CRM button places a click2call: the card shows the accepted request and its conversationSid; 取消呼叫 ends it on the platform', async () => {
    await restForm(DEFAULT_ACCOUNT.accountToken);
    await waitForText(popup, T('popup-agent'), AGENT_PHONE);
    const rowsBefore = await historyRows();
    await crm.bringToFront();
    const number = (await crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => h.getAttribute('data-callbar-number')))!;
    await agentClick(crm, `${MOBILE_CELL(2)} callbarcall`);
    await waitForToolbarCallState(crm, 'ended');
    const conversation = await eventually(() => conversations().find((c) => c.callee === number), 'the platform’s conversation');
    expect(conversation.caller).toBe(AGENT_PHONE);
    await waitForToolbarText(crm, T('toolbar-call'), '平台已受理：先呼叫您的电话 13800138001');
    await waitForToolbarText(crm, T('toolbar-call'), conversation.conversationSid);
    const request = sim.requests.find((r) => r.path.endsWith('/ctc/Conversations'))!;
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.accountToken}`).toString('base64')}`);
    expect(request.body).toMatchObject({ action: 'click2call', caller: AGENT_PHONE, callee: number });
    await shot('rest-accepted', 'toolbar');
    await clickToolbar(crm, T('toolbar-call-more'));
    await clickToolbar(crm, T('toolbar-extra-cancelCall'));
    await eventually(() => conversations().find((c) => c.conversationSid === conversation.conversationSid)?.state === 'ended', 'the conversation cancelled on the platform');
    await waitForToolbarText(crm, T('toolbar-note'), `平台已取消呼叫 ${conversation.conversationSid}`);
    await popup.bringToFront();
    await eventually(async () => (await historyRows()) === rowsBefore + 1, 'one row in 最近通话');
    // Whether the customer answered is the platform's to know: 已结束, never 未接通.
    await waitForText(popup, `${T('history-row')}:first-child ${T('history-result')}`, /^已结束 · 平台已受理/);
    await dismiss();
  });

  it('the platform’s answer to a click2call never comes: the card says the call may have gone out and 重拨 is not urged; the row stays in 最近通话', async () => {
    const rowsBefore = await historyRows();
    const before = conversations().length;
    // The platform places the call, then its answer is later than CallBar waits (5 s).
    sim.failNext({ kind: 'slow', delayMs: 6500 });
    await crm.bringToFront();
    const number = (await crm.$eval(`${MOBILE_CELL(4)} callbarcall`, (h) => h.getAttribute('data-callbar-number')))!;
    await agentClick(crm, `${MOBILE_CELL(4)} callbarcall`);
    await waitForToolbarText(crm, T('toolbar-call'), '响应超时，平台可能仍在呼叫：请看您的电话 13800138001 是否振铃，不要重复拨打');
    expect(conversations()).toHaveLength(before + 1);
    expect(conversations().at(-1)?.callee).toBe(number);
    expect(await (await toolbarFrame(crm)).$eval(T('toolbar-redial'), (b) => b.classList.contains('primary'))).toBe(false);
    await shot('rest-answer-lost', 'toolbar');
    await popup.bringToFront();
    await eventually(async () => (await historyRows()) === rowsBefore + 1, 'one row in 最近通话');
    await waitForText(popup, `${T('history-row')}:first-child ${T('history-result')}`, /^已结束 · .*可能仍在呼叫/);
    await dismiss();
    // The agent puts the phone down: the platform's conversation ends.
    sim.ctc.cancel(sim.ctc.conversations.get(conversations().at(-1)!.conversationSid)!);
  });

  it('a wrong AccountToken: the dial is refused in words, no conversation on the platform', async () => {
    await logout();
    await restForm('not-the-token');
    await waitForText(popup, T('popup-agent'), AGENT_PHONE);
    const before = conversations().length;
    await crm.bringToFront();
    await agentClick(crm, `${MOBILE_CELL(3)} callbarcall`);
    // A dial from a page's button fails on the page, next to the button.
    await waitForToast(crm, '外呼失败：鉴权失败: AccountSid 或 AccountToken 错误（错误码 10002）');
    expect(conversations()).toHaveLength(before);
    expect(await toolbarHas(crm, T('toolbar-call'))).toBe(false);
    await logout();
  });
});

describe('ccpaas PhoneKit toolbar: an agent’s shift with a SIP phone', () => {
  it('a wrong password (auth_fail) gets a readable error and no session', async () => {
    await toolbarForm('wrong');
    await waitForText(popup, T('login-error'), /^连接 CTI 服务器失败：.+（错误码 10002）$/);
    expect(onPlatform().loggedIn).toBe(false);
  });

  it('logs in (initial, then login with phoneType 1) and is 就绪', async () => {
    await toolbarForm(PASSWORD);
    await waitForText(popup, T('popup-agent'), AGENT);
    expect(sent('initial').at(-1)).toMatchObject({ appSid: DEFAULT_APP_SID, agentNo: AGENT, pwd: PASSWORD });
    expect(sent('login').at(-1)).toEqual({ phoneType: 1, workStatus: 1 });
    await waitForToolbarAgentState(crm, '就绪');
    expect(onPlatform().workStatus).toBe('ready');
    await shot('popup-logged-in', 'popup');
  });

  it('pauses with a reason from the toolbar and is ready again: each reaches the platform and comes back', async () => {
    await crm.bringToFront();
    // 就绪 → 暂停 → 暂停：休息: each step down the list is a choice the platform acts on.
    await clickToolbar(crm, T('toolbar-agent-select'));
    await crm.keyboard.press('Escape');
    await crm.keyboard.press('ArrowDown');
    await waitForToolbarAgentState(crm, '暂停');
    await clickToolbar(crm, T('toolbar-agent-select'));
    await crm.keyboard.press('Escape');
    await crm.keyboard.press('ArrowDown');
    await waitForToolbarAgentState(crm, '暂停：休息');
    expect(onPlatform().pauseCause).toBe('休息');
    expect(sent('pause').map((p) => p.pauseCause)).toEqual(['暂停', '休息']);
    await popup.bringToFront();
    await popup.select(T('agent-state-select'), 'ready');
    await waitForToolbarAgentState(crm, '就绪');
    expect(onPlatform().workStatus).toBe('ready');
  });

  it('dials from a CRM button: ringing, connected, hold, retrieve, hang up, then 整理 counts down and the platform makes the agent 就绪', async () => {
    await crm.bringToFront();
    const number = (await crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => h.getAttribute('data-callbar-number')))!;
    await agentClick(crm, `${MOBILE_CELL(2)} callbarcall`);
    await waitForToolbarCallState(crm, 'ringing');
    expect(sent('callOut').at(-1)).toEqual({ userNumber: number });
    await waitForToolbarCallState(crm, 'connected');
    await clickToolbar(crm, T('toolbar-hold'));
    await waitForToolbarCallState(crm, 'held');
    await eventually(() => onPlatform().call?.held === true, 'held on the platform');
    await clickToolbar(crm, T('toolbar-hold'));
    await waitForToolbarCallState(crm, 'connected');
    expect(sent('retrieveCall')).toHaveLength(1);
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarAgentState(crm, /整理/);
    await shot('wrapup', 'toolbar');
    await waitForToolbarAgentState(crm, '就绪', 10_000);
    await dismiss();
  });

  it.each([
    ['busy', undefined, '呼叫失败'],
    ['manual', 'no-answer', '无人接听'],
    ['manual', 'time-out', '呼叫超时'],
  ] as const)('a call that fails (%s %s) says “%s”', async (mode, cause, text) => {
    await waitForToolbarAgentState(crm, '就绪', 10_000);
    sim.setPartyMode(mode);
    await crm.bringToFront();
    await agentClick(crm, `${MOBILE_CELL(3)} callbarcall`);
    if (cause) {
      await waitForToolbarCallState(crm, 'ringing');
      sim.customerFail(cause);
    }
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarText(crm, T('toolbar-call'), text);
    await dismiss();
  });

  it('hanging up while the customer still rings: 呼叫已取消', async () => {
    sim.setPartyMode('manual');
    await agentClick(crm, `${MOBILE_CELL(4)} callbarcall`);
    await waitForToolbarCallState(crm, 'ringing');
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarText(crm, T('toolbar-call'), '呼叫已取消');
    await shot('failed-cause', 'toolbar');
    await dismiss();
    sim.setPartyMode('answer');
  });

  it('an incoming call rings (answered on the SIP phone, which picks up by itself) and ends when the customer hangs up', async () => {
    await waitForToolbarAgentState(crm, '就绪', 10_000);
    sim.incoming({ userNumber: '13911112222', agentNo: AGENT });
    await waitForToolbarCallState(crm, 'incoming');
    await waitForToolbarText(crm, T('toolbar-call'), '请在话机上接听');
    expect(await toolbarHas(crm, T('toolbar-answer'))).toBe(false);
    await waitForToolbarCallState(crm, 'connected');
    sim.customerHangup('13911112222');
    await waitForToolbarCallState(crm, 'ended');
    await dismiss();
  });

  it('the CTI socket dropped mid-call: 正在重连, the call’s end that came meanwhile arrives once, the banner goes', async () => {
    await waitForToolbarAgentState(crm, '就绪', 10_000);
    await popup.bringToFront();
    const rowsBefore = await historyRows();
    await crm.bringToFront();
    await agentClick(crm, `${MOBILE_CELL(5)} callbarcall`);
    await waitForToolbarCallState(crm, 'connected');
    sim.refuseConnections(3000);
    sim.drop(AGENT);
    await waitForToolbarText(crm, T('toolbar-problem'), /正在重连（第 \d+\/20 次）/);
    await shot('reconnecting', 'toolbar');
    sim.customerHangup();
    await waitForToolbarCallState(crm, 'ended', 20_000);
    await eventually(async () => !(await toolbarHas(crm, T('toolbar-problem'))), 'the banner to go', 15_000);
    expect(sent('initial').at(-1)).toHaveProperty('lastSeq');
    await popup.bringToFront();
    await eventually(async () => (await historyRows()) === rowsBefore + 1, 'one new row in 最近通话');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await historyRows()).toBe(rowsBefore + 1);
    await dismiss();
  }, 60_000);

  it('the service worker killed mid-call: the call is still there, and its end arrives once', async () => {
    await waitForToolbarAgentState(crm, '就绪', 10_000);
    await popup.bringToFront();
    const rowsBefore = await historyRows();
    await crm.bringToFront();
    await agentClick(crm, `${MOBILE_CELL(6)} callbarcall`);
    await waitForToolbarCallState(crm, 'connected');
    await killServiceWorker(browser);
    // The customer hangs up while no worker runs: the CTI server keeps the callbacks for the replay.
    sim.customerHangup();
    await waitForToolbarCallState(crm, 'ended', 20_000);
    await popup.bringToFront();
    await eventually(async () => (await historyRows()) === rowsBefore + 1, 'one new row in 最近通话');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await historyRows()).toBe(rowsBefore + 1);
    await dismiss();
  }, 60_000);
});

describe('ccpaas PhoneKit toolbar: a phone set to auto-answer, numbers encrypted', () => {
  it('an incoming call the phone picked up by itself waits for 接听 (bridge); the number is shown masked', async () => {
    await waitForToolbarAgentState(crm, '就绪', 10_000);
    await logout();
    // The platform heard the logout (after the worker was killed, on a connection of its own).
    await eventually(() => !onPlatform().loggedIn, 'logged out on the platform');
    sim.addAgent({ ...sim.agent(AGENT).config, autoAnswer: true });
    await toolbarForm(PASSWORD, { autoAnswer: true, encryptNumber: true });
    await waitForText(popup, T('popup-agent'), AGENT);
    expect(sent('initial').at(-1)).toMatchObject({ encryptNumber: 'true' });
    await waitForToolbarAgentState(crm, '就绪');
    sim.incoming({ userNumber: '13922223333', agentNo: AGENT });
    await waitForToolbarCallState(crm, 'incoming');
    await waitForToolbarText(crm, T('toolbar-call-number'), /^139\*{4}3333$/);
    // The phone answered by itself (isBridged "0"): the customer is not connected until 接听.
    await eventually(() => onPlatform().call !== null, 'the call on the platform');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await toolbarHas(crm, T('toolbar-answer'))).toBe(true);
    await shot('bridge-pending', 'toolbar');
    await clickToolbar(crm, T('toolbar-answer'));
    await waitForToolbarCallState(crm, 'connected');
    expect(sent('bridge')).toHaveLength(1);
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForToolbarCallState(crm, 'ended');
    await dismiss();
  });

  it('logging out during a call asks first; confirmed, the platform hangs up, then hears the logout', async () => {
    await waitForToolbarAgentState(crm, '就绪', 10_000);
    await agentClick(crm, `${MOBILE_CELL(7)} callbarcall`);
    await waitForToolbarCallState(crm, 'connected');
    await popup.bringToFront();
    await popup.click(T('logout'));
    await waitForText(popup, T('logout-confirm'), '通话中：退出登录会先挂断这通电话');
    expect(onPlatform().loggedIn).toBe(true);
    await popup.click(T('logout-anyway'));
    await popup.waitForSelector(T('login'));
    // The platform hung up first (it refuses a logout during a call), then heard the logout.
    await eventually(() => !onPlatform().loggedIn, 'logged out on the platform');
    expect(sent('hangup').length).toBeGreaterThan(0);
    expect(onPlatform().call).toBeNull();
  });
});
