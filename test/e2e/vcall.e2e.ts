/**
 * Provider vcall (seed 001) end to end: the built extension in headless Chromium, the demo CRM page,
 * the v-call simulator (HTTP APIs + agent control) and a real RabbitMQ carrying the agent's events
 * over STOMP. Steps run in order and share one browser, as an agent's shift would.
 * Screenshots of the states only v-call shows: test-output/vcall-<step>.png.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRabbit, type Rabbit } from '../support/rabbitmq.ts';
import { DEFAULT_COMPANY, VcallSimulator } from '../simulators/vcall/vcall-simulator.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  eventually,
  fill,
  fillToolbar,
  killServiceWorker,
  startCrmShift,
  testid as T,
  toolbarHas,
  toolbarText,
  waitForPopupAgentState,
  waitForText,
  waitForToolbarAgentState,
  waitForToolbarCallState,
  waitForToolbarText,
  ROOT,
  toolbarFrame,
} from './support/extension.ts';

const AGENT = '1001';
const PASSWORD = '123456';
/** The broker's default virtual host: what an empty 虚拟主机 setting means. */
const VHOST = '/';
const MQ = { login: 'vcall-agent', passcode: 'vcall-agent-pw' };
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;

/** The toolbar (its frame on the CRM page) or the popup, as the agent sees it now. */
async function shot(name: string, what: 'toolbar' | 'popup'): Promise<void> {
  const path = join(ROOT, 'test-output', `vcall-${name}.png`);
  // A tab in the background draws nothing: a screenshot of it would wait forever.
  await (what === 'popup' ? popup : crm).bringToFront();
  if (what === 'popup') return void (await popup.screenshot({ path, fullPage: true }));
  const frame = await toolbarFrame(crm);
  const element = await frame.frameElement();
  await element?.screenshot({ path });
}

let mq: Rabbit;
let sim: VcallSimulator;
let shift: CrmShift;
let browser: Browser;
let crm: Page;
let popup: Page;

interface PlatformAgent {
  agentNumber: string;
  nowState: string;
  loggedIn: boolean;
  currentBusyType: string | null;
  call: { held: boolean; muted: boolean; consult: { state: string; target: string } | null } | null;
}
const agentOnPlatform = (number = AGENT) =>
  (sim.state.agents as PlatformAgent[]).find(
    (a) => a.agentNumber === number,
  )!;
const controlBodies = (request: string) =>
  sim.requestsTo('control').flatMap((r) => (typeof r.body === 'object' && r.body && (r.body as { request?: string }).request === request ? [r.body as Record<string, unknown>] : []));

beforeAll(async () => {
  mq = await startRabbit();
  await mq.addUser(VHOST, MQ.login, MQ.passcode);
  sim = new VcallSimulator({
    stomp: { url: mq.platformUrl, login: mq.admin.login, passcode: mq.admin.passcode, vhost: VHOST },
    // The agent's SIP phone answers by itself after 0.8 s (an incoming call rings that long).
    agentAnswerDelayMs: 800,
    ringDelayMs: 150,
    answerDelayMs: 400,
    autoIdleSeconds: 2,
  });
  await sim.start();
  shift = await startCrmShift();
  ({ browser, crm, popup } = shift);
}, 120_000);

afterAll(async () => {
  await shift?.close();
  await sim?.close();
  await mq?.stop();
});

async function agentForm(password: string, loginType = '1'): Promise<void> {
  await popup.bringToFront();
  await popup.select(T('provider-select'), 'vcall');
  await popup.waitForSelector(T('setting-mode'));
  await popup.select(T('setting-mode'), 'agent');
  await fill(popup, T('setting-server'), sim.baseUrl);
  await fill(popup, T('setting-companyId'), DEFAULT_COMPANY.companyId);
  await fill(popup, T('setting-agentNumber'), AGENT);
  await fill(popup, T('setting-password'), password);
  await popup.select(T('setting-loginType'), loginType);
  await fill(popup, T('setting-streamUrl'), mq.stompUrl);
  await fill(popup, T('setting-connectAccount'), MQ.login);
  await fill(popup, T('setting-connectPassword'), MQ.passcode);
  await fill(popup, T('setting-subscribePath'), `/queue/vcall.${DEFAULT_COMPANY.companyId}.${AGENT}`);
  await popup.click(T('login'));
}

describe('vcall: an agent shift (agent session, SIP phone)', () => {
  it('a wrong password gets a readable error and no session', async () => {
    await agentForm('wrong');
    await waitForText(popup, T('login-error'), '登录座席失败：座席密码错误（错误码 -1）');
    expect(agentOnPlatform().loggedIn).toBe(false);
  });

  it('logs in over HTTP, hears its Login event over STOMP, and shows the company’s busy reasons', async () => {
    await agentForm(PASSWORD);
    await waitForText(popup, T('popup-agent'), AGENT);
    expect(controlBodies('login').at(-1)).toMatchObject({ companyId: DEFAULT_COMPANY.companyId, agentNumber: AGENT, request: 'login', password: PASSWORD, loginType: '1' });
    expect(agentOnPlatform().loggedIn).toBe(true);
    const options = await popup.$$eval(`${T('agent-state-select')} option`, (os) => os.map((o) => o.textContent));
    for (const reason of DEFAULT_COMPANY.busyTypes!) expect(options.join('|')).toContain(reason);
    await shot('popup-logged-in', 'popup');
  });

  it('idle, then busy with a reason from the toolbar: each reaches the platform and comes back as an event', async () => {
    await popup.select(T('agent-state-select'), 'idle');
    await eventually(() => agentOnPlatform().nowState === 'Idle', 'the platform to have the agent idle');
    await waitForToolbarAgentState(crm, '示闲');
    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-agent-select'));
    await crm.keyboard.press('Escape');
    // 示闲 → 示忙 → 示忙：小休 …: each step down the list is a choice the platform acts on.
    await crm.keyboard.press('ArrowDown');
    await eventually(() => agentOnPlatform().nowState === 'Busy', 'busy on the platform');
    await waitForToolbarAgentState(crm, '示忙');
    // The list was disabled while the platform answered: the agent clicks it again for the next choice.
    await clickToolbar(crm, T('toolbar-agent-select'));
    await crm.keyboard.press('Escape');
    await crm.keyboard.press('ArrowDown');
    await eventually(() => agentOnPlatform().nowState === 'Busy' && agentOnPlatform().currentBusyType === '小休', 'busy 小休 on the platform');
    await waitForToolbarAgentState(crm, /小休/);
    expect(controlBodies('busy').at(-1)).toMatchObject({ request: 'busy', busyType: '小休' });
  });

  it('dials from a CRM button: ringing, connected, hold, unhold, mute, hang up, and the After cause in words', async () => {
    await popup.select(T('agent-state-select'), 'idle');
    await eventually(() => agentOnPlatform().nowState === 'Idle', 'idle again');
    await crm.bringToFront();
    const number = await crm.$eval(`${MOBILE_CELL(2)} callbarcall`, (h) => h.getAttribute('data-callbar-number'));
    await agentClick(crm, `${MOBILE_CELL(2)} callbarcall`);
    await waitForToolbarCallState(crm, 'ringing');
    expect(controlBodies('makeCall').at(-1)).toMatchObject({ request: 'makeCall', called: number });
    await waitForToolbarCallState(crm, 'connected');
    await clickToolbar(crm, T('toolbar-hold'));
    await waitForToolbarCallState(crm, 'held');
    await eventually(() => agentOnPlatform().call?.held === true, 'held on the platform');
    await clickToolbar(crm, T('toolbar-hold'));
    await waitForToolbarCallState(crm, 'connected');
    expect(controlBodies('unHold')).toHaveLength(1);
    await clickToolbar(crm, T('toolbar-mute'));
    await waitForToolbarText(crm, T('toolbar-mute'), '取消静音');
    await eventually(() => agentOnPlatform().call?.muted === true, 'muted on the platform');
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForToolbarCallState(crm, 'ended');
    expect(controlBodies('cancelCall')).toHaveLength(1);
    // The After event's cause, in words, on the card and in 最近通话 — then the countdown to idle.
    await waitForToolbarText(crm, T('toolbar-call'), '正常结束（座席挂断）');
    await shot('after-cause', 'toolbar');
    await waitForToolbarAgentState(crm, /话后/);
    await popup.bringToFront();
    await waitForText(popup, `${T('history-row')}:first-child ${T('history-result')}`, '正常结束（座席挂断）');
    await waitForToolbarAgentState(crm, '示闲', 10_000);
  });

  it('a dial the platform refuses (MakeCallFail) says why, in words', async () => {
    sim.failNextMakeCall('座席电话未注册');
    await crm.bringToFront();
    await agentClick(crm, `${MOBILE_CELL(3)} callbarcall`);
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarText(crm, T('toolbar-call'), /座席电话未注册/);
    await clickToolbar(crm, T('toolbar-dismiss'));
  });

  it('an incoming call rings, is answered on the agent’s own phone, and ends when the customer hangs up', async () => {
    await waitForToolbarAgentState(crm, '示闲', 10_000);
    sim.incoming({ caller: '13911112222', agentNumber: AGENT });
    await waitForToolbarCallState(crm, 'incoming');
    await waitForToolbarText(crm, T('toolbar-call-number'), /^139\*{4}2222$/); // the platform masks numbers by default (phoneEncryption)
    await waitForToolbarCallState(crm, 'connected');
    sim.customerHangup('13911112222');
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarText(crm, T('toolbar-call'), /挂机|挂断/);
  });

  it('the service worker killed mid-call: the call is still there, and its end arrives once', async () => {
    await waitForToolbarAgentState(crm, '示闲', 10_000);
    await popup.bringToFront();
    const rowsBefore = (await popup.$$(T('history-row'))).length;
    await crm.bringToFront();
    await agentClick(crm, `${MOBILE_CELL(4)} callbarcall`);
    await waitForToolbarCallState(crm, 'connected');
    await killServiceWorker(browser);
    // The customer hangs up while no worker runs: CancelCall/After wait in the agent's queue.
    sim.customerHangup();
    await waitForToolbarCallState(crm, 'ended', 20_000);
    await waitForToolbarText(crm, T('toolbar-call'), /对方挂机|挂断/);
    await popup.bringToFront();
    await eventually(async () => (await popup.$$(T('history-row'))).length === rowsBefore + 1, 'one new row in 最近通话');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await popup.$$(T('history-row'))).length).toBe(rowsBefore + 1);
  });
});

/** A platform action from the call card's 更多: the kind of target, the target, then the action's button. */
async function callAction(actionId: string, kind?: string, target?: string): Promise<void> {
  if (!(await toolbarHas(crm, T(`toolbar-extra-${actionId}`)))) await clickToolbar(crm, T('toolbar-call-more'));
  await clickToolbar(crm, T(`toolbar-extra-${actionId}`));
  if (kind && target) {
    await clickToolbar(crm, T(`toolbar-extra-kind-${kind}`));
    await fillToolbar(crm, T('toolbar-extra-input'), target);
    await shot(`${actionId}-form`, 'toolbar');
    await clickToolbar(crm, T('toolbar-extra-submit'));
  }
}

async function dialCustomer(row: number): Promise<void> {
  await waitForToolbarAgentState(crm, '示闲', 10_000);
  await crm.bringToFront();
  await agentClick(crm, `${MOBILE_CELL(row)} callbarcall`);
  await waitForToolbarCallState(crm, 'connected');
}

const CONSULTED = '13800000002';

/** Waits for the platform to reach a state; on failure says what the platform and the toolbar show. */
async function onPlatform(check: () => boolean, what: string, timeout = 10_000): Promise<void> {
  try {
    await eventually(check, what, timeout);
  } catch (error) {
    const requests = sim.requestsTo('control').slice(-3).map((r) => ({ body: r.body, reply: r.reply }));
    const shown = (await toolbarHas(crm, T('toolbar-error'))) ? await toolbarText(crm, T('toolbar-error')) : '';
    throw new Error(`${String(error)}\nplatform: ${JSON.stringify(agentOnPlatform())}\nrequests: ${JSON.stringify(requests)}\ntoolbar error: ${shown}`);
  }
}

describe('vcall: consult, transfer and three-way from the toolbar', () => {
  it('consults an outside number and cancels: the customer is back with the agent', async () => {
    await dialCustomer(5);
    await callAction('consult', 'number', CONSULTED);
    await onPlatform(() => agentOnPlatform().call?.consult?.state === 'up', 'the consultation to be up');
    expect(controlBodies('consultCall').at(-1)).toMatchObject({ request: 'consultCall', consultType: '2', consultId: CONSULTED });
    await waitForToolbarText(crm, T('toolbar-note'), '咨询中');
    await shot('consulting', 'toolbar');
    await callAction('consultCancel');
    await eventually(() => agentOnPlatform().call?.consult === null, 'the consultation to end');
    await waitForToolbarText(crm, T('toolbar-note'), '已取消咨询');
    await waitForToolbarCallState(crm, 'connected');
  });

  it('consults again and makes it a three-way call', async () => {
    await callAction('consult', 'number', CONSULTED);
    await onPlatform(() => agentOnPlatform().call?.consult?.state === 'up', 'the consultation to be up');
    await callAction('tripartiteTalk');
    await waitForToolbarText(crm, T('toolbar-note'), '三方通话中');
    expect(controlBodies('tripartiteTalk')).toHaveLength(1);
    await clickToolbar(crm, T('toolbar-hangup'));
    await waitForToolbarCallState(crm, 'ended');
    await clickToolbar(crm, T('toolbar-dismiss'));
  });

  it('a blind transfer hands the customer over: the agent’s call ends with 盲转', async () => {
    await dialCustomer(6);
    await callAction('transferBlind', 'number', CONSULTED);
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarText(crm, T('toolbar-call'), '盲转');
    expect(controlBodies('transferCall').at(-1)).toMatchObject({ transferType: '2', transferId: CONSULTED, transferMode: 0 });
    await clickToolbar(crm, T('toolbar-dismiss'));
  });

  it('a consultative transfer: consult first, then hand over — the call ends with 咨询转', async () => {
    await dialCustomer(7);
    await callAction('consult', 'number', CONSULTED);
    await onPlatform(() => agentOnPlatform().call?.consult?.state === 'up', 'the consultation to be up');
    await callAction('transferConsult'); // to whoever is being consulted: nothing to type again
    await waitForToolbarCallState(crm, 'ended');
    await waitForToolbarText(crm, T('toolbar-call'), '咨询转');
    expect(controlBodies('transferCall').at(-1)).toMatchObject({ transferMode: 1 });
    await clickToolbar(crm, T('toolbar-dismiss'));
  });
});

describe('vcall: the broker restarts mid-shift', () => {
  it('shows the reconnect count, sends reconnect, and a call that came meanwhile appears exactly once', async () => {
    await waitForToolbarAgentState(crm, '示闲', 10_000);
    await popup.bringToFront();
    const rowsBefore = (await popup.$$(T('history-row'))).length;
    const reconnectsBefore = controlBodies('reconnect').length;
    const restarting = mq.restart();
    await waitForToolbarText(crm, T('toolbar-problem'), /正在重连（第 \d+\/10 次）/, 15_000);
    await shot('reconnecting', 'toolbar');
    // While the broker is down the platform keeps working: a customer calls and hangs up unanswered.
    sim.incoming({ caller: '13922223333', agentNumber: AGENT });
    await restarting;
    await eventually(() => controlBodies('reconnect').length > reconnectsBefore, 'CallBar to send reconnect', 40_000);
    await eventually(async () => !(await toolbarHas(crm, T('toolbar-problem'))), 'the banner to go', 15_000);
    await waitForToolbarCallState(crm, 'connected', 15_000);
    sim.customerHangup('13922223333');
    await waitForToolbarCallState(crm, 'ended');
    await popup.bringToFront();
    await eventually(async () => (await popup.$$(T('history-row'))).length === rowsBefore + 1, 'one new row in 最近通话');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await popup.$$(T('history-row'))).length).toBe(rowsBefore + 1);
    await crm.bringToFront();
    await clickToolbar(crm, T('toolbar-dismiss'));
  }, 90_000);
});

describe('vcall: a supervisor (班长)', () => {
  const SUPERVISOR = '1009';
  /** Agent 1002 logs in at the platform from its own desk (its own toolbar, not this browser). */
  async function otherAgentLogsIn(): Promise<void> {
    const reply = await fetch(`${sim.baseUrl}/ccs/api/agent/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyId: DEFAULT_COMPANY.companyId, agentNumber: '1002', request: 'login', sequence: Date.now(), password: PASSWORD, loginType: '1' }),
    });
    expect(await reply.json()).toMatchObject({ code: '0' });
  }

  it('sees the group live and forces an agent idle with two deliberate clicks', async () => {
    await otherAgentLogsIn();
    await popup.bringToFront();
    await popup.click(T('logout'));
    await popup.waitForSelector(T('login-form'));
    await popup.select(T('provider-select'), 'vcall');
    await fill(popup, T('setting-agentNumber'), SUPERVISOR);
    await fill(popup, T('setting-password'), PASSWORD);
    await fill(popup, T('setting-subscribePath'), `/queue/vcall.${DEFAULT_COMPANY.companyId}.${SUPERVISOR}`);
    await popup.click(T('login'));
    await waitForText(popup, T('popup-agent'), SUPERVISOR);
    const row = `${T('team-member')}[data-member="1002"]`;
    await popup.waitForSelector(row, { timeout: 15_000 });
    await waitForText(popup, `${row} ${T('team-member-state')}`, '已签入');
    await popup.click(`${row} button.member`);
    await shot('team', 'popup');
    await popup.click(`${row} ${T('team-action-forceIdle')}`);
    await waitForText(popup, T('team-message'), /强制示闲/);
    await eventually(() => agentOnPlatform('1002').nowState === 'Idle', 'agent 1002 idle on the platform');
    expect(controlBodies('forceIdle').at(-1)).toMatchObject({ agentNumber: SUPERVISOR, beAgentNumber: '1002' });
    await waitForText(popup, `${row} ${T('team-member-state')}`, '示闲', 15_000);
  }, 60_000);
});

void waitForPopupAgentState;
