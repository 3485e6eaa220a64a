/**
 * Provider vcall, modes (b) `openCall` (/api/agent/open/call) and (c) `callback` (两路回呼
 * /api/sip/makecall) end to end: the built extension in headless Chromium, the demo CRM page and
 * the v-call simulator (in-memory events: these modes have none). Both dial with the company token
 * got from accessKeyId / accessKeySecret: one token for the whole shift, never one per call; an
 * expired one is replaced once. The company-wide keys stay out of the CRM page's reach.
 * Steps run in order and share one browser, as an agent's shift would.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPANY, VcallSimulator } from '../simulators/vcall/vcall-simulator.ts';
import type { RecordedRequest } from '../simulators/vcall/vcall-simulator.ts';
import {
  agentClick,
  clickToolbar,
  type CrmShift,
  EXTENSION_ORIGIN,
  eventually,
  fill,
  startCrmShift,
  testid as T,
  waitForText,
  waitForToolbarCallState,
  waitForToolbarText,
} from './support/extension.ts';

const AGENT = '1001';
/** The agent's own phone in mode callback: the platform rings it first. */
const AGENT_PHONE = '13700001111';
const KEY_ID = DEFAULT_COMPANY.accessKeyId!;
const KEY_SECRET = DEFAULT_COMPANY.accessKeySecret!;
const MOBILE_CELL = (row: number) => `#customer-table > tbody > tr:nth-child(${row}) > td.col-mobile`;
const ATTACKS = readFileSync(new URL('../fixtures/hostile/attacks.js', import.meta.url), 'utf8');
const OPEN_ACCEPTED = `平台已受理呼叫请求，正在先呼叫座席 ${AGENT} 再接通客户；本次通话状态不会实时显示`;
const CALLBACK_ACCEPTED = `平台已受理回呼请求，正在先呼叫 ${AGENT_PHONE} 再接通客户；本次通话状态不会实时显示`;

let sim: VcallSimulator;
let shift: CrmShift;
let crm: Page;
let popup: Page;
/** Logins that got through (each asks for the token once: it checks the keys). */
let logins = 0;

type Body = Record<string, unknown>;
const bodyOf = (r: RecordedRequest) => (typeof r.body === 'object' && r.body !== null ? (r.body as Body) : {});
/** The tokens the platform handed out, in order (a token asked for again early comes back the same). */
const issued = (s: VcallSimulator) =>
  s.requestsTo('token').flatMap((r) => {
    const data = (r.reply as { data?: { token?: string } } | null)?.data;
    return data?.token ? [data.token] : [];
  });
const dials = (s: VcallSimulator) => [...s.requestsTo('openCall'), ...s.requestsTo('makecall')];
const liveCalls = (s: VcallSimulator) => (s.state.calls as unknown[]).length;

beforeAll(async () => {
  sim = new VcallSimulator({ ringDelayMs: 100, answerDelayMs: 300 });
  await sim.start();
  shift = await startCrmShift();
  ({ crm, popup } = shift);
}, 120_000);

afterAll(async () => {
  await shift?.close();
  await sim?.close();
});

/** The popup's settings form for a mode with the company keys, then 登录. */
async function keysForm(platform: VcallSimulator, mode: 'openCall' | 'callback', secret = KEY_SECRET): Promise<void> {
  await popup.bringToFront();
  await popup.select(T('provider-select'), 'vcall');
  await popup.waitForSelector(T('setting-mode'));
  await popup.select(T('setting-mode'), mode);
  await popup.waitForSelector(T('setting-accessKeyId'));
  await fill(popup, T('setting-server'), platform.baseUrl);
  if (mode === 'openCall') await fill(popup, T('setting-agentNumber'), AGENT);
  else await fill(popup, T('setting-callerPhone'), AGENT_PHONE);
  await fill(popup, T('setting-accessKeyId'), KEY_ID);
  await fill(popup, T('setting-accessKeySecret'), secret);
  await popup.click(T('login'));
}

async function logout(): Promise<void> {
  await popup.bringToFront();
  await popup.click(T('logout'));
  await popup.waitForSelector(T('login'));
}

const historyRows = async () => (await popup.$$(T('history-row'))).length;

/**
 * One dial from a CRM button: the card says the platform accepted it, 最近通话 gets one row with
 * the same words, and the platform really calls (the test then ends that call on the platform).
 * Returns the number the button dialled.
 */
async function dialFromCrm(platform: VcallSimulator, row: number, accepted: string): Promise<string> {
  await popup.bringToFront();
  const rowsBefore = await historyRows();
  await crm.bringToFront();
  const number = (await crm.$eval(`${MOBILE_CELL(row)} callbarcall`, (h) => h.getAttribute('data-callbar-number')))!;
  await agentClick(crm, `${MOBILE_CELL(row)} callbarcall`);
  await waitForToolbarCallState(crm, 'ended');
  await waitForToolbarText(crm, T('toolbar-call'), accepted);
  await popup.bringToFront();
  await eventually(async () => (await historyRows()) === rowsBefore + 1, 'one new row in 最近通话');
  await waitForText(popup, `${T('history-row')}:first-child ${T('history-result')}`, accepted);
  await crm.bringToFront();
  await clickToolbar(crm, T('toolbar-dismiss'));
  return number;
}

/** An open/call rings the agent's phone, then the customer: wait for it on the platform and end it there. */
async function endOpenCall(platform: VcallSimulator, number: string): Promise<void> {
  await eventually(() => liveCalls(platform) === 1, 'the platform calling');
  platform.customerHangup(number);
  await eventually(() => liveCalls(platform) === 0, 'the call over on the platform');
}

describe('vcall modes openCall and callback: one token for the whole shift', () => {
  it('the settings form shows the company keys only in the two modes that use them', async () => {
    await popup.bringToFront();
    await popup.select(T('provider-select'), 'vcall');
    await popup.waitForSelector(T('setting-mode'));
    await popup.select(T('setting-mode'), 'agent');
    await popup.waitForSelector(T('setting-companyId'));
    expect(await popup.$(T('setting-accessKeyId'))).toBeNull();
    expect(await popup.$(T('setting-accessKeySecret'))).toBeNull();
    for (const mode of ['openCall', 'callback']) {
      await popup.select(T('setting-mode'), mode);
      await popup.waitForSelector(T('setting-accessKeySecret'));
      expect(await popup.$(T('setting-accessKeyId'))).not.toBeNull();
      // Nothing of the agent session's: no company id, password or event queue.
      expect(await popup.$(T('setting-companyId'))).toBeNull();
      expect(await popup.$(T('setting-password'))).toBeNull();
      expect(await popup.$(T('setting-streamUrl'))).toBeNull();
    }
    expect(await popup.$eval(T('setting-accessKeySecret'), (i) => (i as HTMLInputElement).type)).toBe('password');
  });

  it('a wrong accessKeySecret is refused at login, in words, with no session and no token', async () => {
    await keysForm(sim, 'openCall', 'not-the-secret');
    await waitForText(popup, T('login-error'), '获取平台授权失败，请检查 AccessKey ID 和 AccessKey Secret：accessKeyId或accessKeySecret错误（错误码 -1）');
    expect(await popup.$(T('logout'))).toBeNull();
    expect(sim.requestsTo('token')).toHaveLength(1);
    expect(issued(sim)).toEqual([]);
    expect(dials(sim)).toEqual([]);
  });

  it('logs in with the keys (one token request) and dials twice from CRM buttons with that token', async () => {
    await keysForm(sim, 'openCall');
    await waitForText(popup, T('popup-agent'), AGENT);
    logins++;
    expect(bodyOf(sim.requestsTo('token').at(-1)!)).toEqual({ accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET });
    const first = await dialFromCrm(sim, 2, OPEN_ACCEPTED);
    await endOpenCall(sim, first);
    const second = await dialFromCrm(sim, 3, OPEN_ACCEPTED);
    await endOpenCall(sim, second);
    const bodies = sim.requestsTo('openCall').map(bodyOf);
    expect(bodies).toMatchObject([
      { agentNum: AGENT, called: first, type: 'default' },
      { agentNum: AGENT, called: second, type: 'default' },
    ]);
    expect(sim.requestsTo('openCall').map((r) => (r.reply as { code?: string }).code)).toEqual(['0000', '0000']);
    // The dials asked for no token: the one from the login.
    expect(sim.requestsTo('token')).toHaveLength(1 + logins);
  });

  it('the CRM page cannot read the company keys or the token: the content script gets loggedIn and the dial plan only', async () => {
    const token = issued(sim)[0]!;
    const secrets = [KEY_SECRET, KEY_ID, token];
    // What the content script (next to the page's own scripts) is told: its state port's message.
    const cdp = await crm.createCDPSession();
    const contexts: { id: number; origin: string; auxData?: { type?: string; isDefault?: boolean } }[] = [];
    cdp.on('Runtime.executionContextCreated', (e: { context: (typeof contexts)[number] }) => contexts.push(e.context));
    await cdp.send('Runtime.enable');
    const isolated = await eventually(() => contexts.find((c) => c.origin === EXTENSION_ORIGIN && c.auxData?.type === 'isolated' && !c.auxData.isDefault), 'the content script’s world');
    const { result, exceptionDetails } = (await cdp.send('Runtime.evaluate', {
      contextId: isolated.id,
      awaitPromise: true,
      returnByValue: true,
      expression: `new Promise((resolve, reject) => {
        const port = chrome.runtime.connect({ name: 'callbar/state' });
        const timer = setTimeout(() => reject(new Error('no state message')), 5000);
        port.onMessage.addListener((m) => { clearTimeout(timer); port.disconnect(); resolve(m); });
      })`,
    })) as { result: { value?: { type: string; state: Record<string, unknown> } }; exceptionDetails?: unknown };
    await cdp.detach();
    expect(exceptionDetails).toBeUndefined();
    const message = result.value!;
    expect(message.type).toBe('state');
    expect(Object.keys(message.state).sort()).toEqual(['dialPlan', 'loggedIn']);
    expect(message.state.loggedIn).toBe(true);
    for (const secret of secrets) expect(JSON.stringify(message), 'the content script’s state').not.toContain(secret);
    // The page's own scripts: no extension storage to reach, and nothing of ours to read in the page.
    expect(await crm.evaluate(() => typeof (globalThis as { chrome?: { storage?: unknown } }).chrome?.storage)).toBe('undefined');
    await crm.evaluate(ATTACKS);
    const read = await crm.evaluate(() => (window as unknown as { __attacks: { read(): unknown } }).__attacks.read());
    const everything = JSON.stringify(read);
    for (const secret of secrets) expect(everything, 'what the page can read').not.toContain(secret);
  });

  it('switched to callback (the agent’s phone first): the dial goes to makecall with the same token', async () => {
    await logout();
    await keysForm(sim, 'callback');
    await waitForText(popup, T('popup-agent'), AGENT_PHONE);
    logins++;
    const number = await dialFromCrm(sim, 4, CALLBACK_ACCEPTED);
    expect(sim.requestsTo('makecall').map(bodyOf)).toMatchObject([{ caller: AGENT_PHONE, called: number, type: 'default' }]);
    // The platform rings the agent's phone (A), then the customer (B).
    await eventually(() => sim.callbacks.find((c) => c.telA === AGENT_PHONE && c.telB === number && c.state === 'talking'), 'both legs up');
    sim.customerHangup(number);
    await eventually(() => sim.callbacks.at(-1)?.state === 'ended', 'the callback over on the platform');
  });

  it('the platform issued ONE token for the whole shift, and every dial carried it as the body field token', () => {
    const tokens = issued(sim);
    // One token request per login (it checks the keys; the early ask gives the same token back), none per dial.
    expect(tokens).toHaveLength(logins);
    expect(new Set(tokens).size).toBe(1);
    expect(sim.state.tokens).toBe(1);
    const all = dials(sim);
    expect(all).toHaveLength(3);
    for (const request of all) expect(bodyOf(request).token).toBe(tokens[0]);
    // Never as a header or in the query.
    for (const request of all) expect(request.query).toEqual({});
  });
});

describe('vcall: a token that expired on the platform', () => {
  let expiring: VcallSimulator;

  beforeAll(async () => {
    // A platform of its own: the shift above keeps its one token.
    expiring = new VcallSimulator({ ringDelayMs: 100, answerDelayMs: 300 });
    await expiring.start();
  });

  afterAll(async () => {
    await expiring?.close();
  });

  it('is replaced once (403 no auth → one new token, the dial sent once more), not per call', async () => {
    await logout();
    await keysForm(expiring, 'openCall');
    await waitForText(popup, T('popup-agent'), AGENT);
    await endOpenCall(expiring, await dialFromCrm(expiring, 5, OPEN_ACCEPTED));
    const [before] = issued(expiring);
    expiring.expireTokens();
    // The agent sees an accepted call, not an error: the refused request did nothing on the platform.
    await endOpenCall(expiring, await dialFromCrm(expiring, 6, OPEN_ACCEPTED));
    await endOpenCall(expiring, await dialFromCrm(expiring, 7, OPEN_ACCEPTED));
    const tokens = issued(expiring);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).not.toBe(before);
    const calls = expiring.requestsTo('openCall');
    expect(calls.map((r) => (r.reply as { code?: string }).code)).toEqual(['0000', '403', '0000', '0000']);
    expect(calls.map((r) => bodyOf(r).token)).toEqual([before, before, tokens[1], tokens[1]]);
    // The refused request and its second sending are the same dial.
    expect(bodyOf(calls[1]!).called).toBe(bodyOf(calls[2]!).called);
  });
});
