/**
 * The CC PaaS simulator's ctc click-to-call REST API (seed 423-619), as an integrator's server
 * calls it: Basic authorization and the path, each parameter rule, the conversation's life (the
 * caller rings first, then the callee; cancelCall, addCall, maxDuration), the 呼叫状态 / 呼叫话单
 * notifications received by a real HTTP server, the scripted faults and the /_sim routes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBody } from '../http-server.ts';
import { CcpaasSimulator, DEFAULT_ACCOUNT, DEFAULT_APP_SID, type CcpaasSimulatorOptions } from './ccpaas-simulator.ts';
import { basic, CtcClient, eventually, FAST, type Json } from './test-kit.ts';

const CALLER = '13800138001';
const CALLEE = '13900139000';

let sim: CcpaasSimulator;
let ctc: CtcClient;

/** The integrator's server receiving statusUrl / cdrUrl POSTs. */
let receiver: Server;
let receiverUrl = '';
const received: Array<{ path: string; contentType: string | undefined; body: Json }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    void readBody(req).then((text) => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(text) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => receiver.close(() => r()));
});

async function startSim(opts: CcpaasSimulatorOptions = {}): Promise<void> {
  await sim?.close();
  sim = new CcpaasSimulator({ ...FAST, ...opts });
  await sim.start();
  ctc = new CtcClient(sim);
}

beforeEach(async () => {
  received.length = 0;
  await startSim();
});

afterEach(async () => {
  await sim.close();
});

function conversation(sid: string): Json {
  return (sim.state.conversations as Json[]).find((c) => c.conversationSid === sid);
}

async function bridged(params: Record<string, unknown> = {}): Promise<string> {
  const { json } = await ctc.click2call({ caller: CALLER, callee: CALLEE, ...params });
  expect(json.statusCode).toBe('00000');
  await eventually(() => conversation(json.conversationSid).state === 'bridged', 'bridged');
  return json.conversationSid;
}

describe('authorization and the path', () => {
  it('accepts Basic base64(AccountSid:AccountToken) and answers conversationSid, statusCode 00000, statusMsg success', async () => {
    const { status, json } = await ctc.click2call({ caller: CALLER, callee: CALLEE });
    expect(status).toBe(200);
    expect(json).toEqual({ conversationSid: expect.stringMatching(/^CV\d{32}$/), statusCode: '00000', statusMsg: 'success' });
    expect(sim.requests.at(-1)).toMatchObject({ authorization: basic(), status: 200 });
  });

  it.each([
    ['no Authorization', { auth: null }, '10001'],
    ['a Bearer token', { auth: 'Bearer abc' }, '10001'],
    ['a wrong token', { auth: basic(DEFAULT_ACCOUNT.accountSid, 'nope') }, '10002'],
    ['no colon', { auth: `Basic ${Buffer.from(DEFAULT_ACCOUNT.accountSid).toString('base64')}` }, '10002'],
  ])('refuses %s (HTTP 200, statusCode %s) and starts no call', async (_what, o, code) => {
    const { status, json } = await ctc.post(ctc.url(), { action: 'click2call', caller: CALLER, callee: CALLEE }, o);
    expect(status).toBe(200);
    expect(json.statusCode).toBe(code);
    expect(json.statusMsg).not.toBe('');
    expect(sim.state.conversations).toEqual([]);
  });

  it('refuses another account in the path (10003), an application not of the account (10004), another SoftVersion (10005)', async () => {
    const body = { action: 'click2call', caller: CALLER, callee: CALLEE };
    expect((await ctc.post(ctc.url(undefined, { account: 'ffffffffffffffffffffffffffffffff' }), body)).json).toEqual({ statusCode: '10003', statusMsg: 'URL 中的 accountSid 与鉴权账号不一致' });
    expect((await ctc.post(ctc.url(undefined, { app: 'nosuchapp' }), body)).json.statusCode).toBe('10004');
    expect((await ctc.post(ctc.url(undefined, { version: '2020-01-01' }), body)).json).toEqual({ statusCode: '10005', statusMsg: '不支持的版本: 2020-01-01' });
  });

  it('answers an unknown path 404 and another method 405', async () => {
    expect((await ctc.post(`${sim.baseUrl}/${sim.softVersion}/Accounts/${DEFAULT_ACCOUNT.accountSid}/VoiceNotices`, {})).status).toBe(404);
    const get = await ctc.post(ctc.url(), null, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.json.statusCode).toBe('10405');
  });

  it('honours a configured SoftVersion', async () => {
    await startSim({ softVersion: '2019-08-14' });
    expect((await ctc.post(ctc.url(undefined, { version: '2019-08-14' }), { action: 'click2call', caller: CALLER, callee: CALLEE })).json.statusCode).toBe('00000');
  });
});

describe('request rules (seed 445-464, 487-488, 508-521)', () => {
  it('a body that is not JSON → 20001; no or unknown action, or an action on the wrong URL → 20002', async () => {
    expect((await ctc.post(ctc.url(), 'caller=1', { raw: true })).json).toEqual({ statusCode: '20001', statusMsg: '请求体不是 JSON 对象' });
    expect((await ctc.post(ctc.url(), [1, 2])).json.statusCode).toBe('20001');
    expect((await ctc.post(ctc.url(), { caller: CALLER })).json).toEqual({ statusCode: '20002', statusMsg: '缺少参数: action' });
    expect((await ctc.post(ctc.url(), { action: 'dial' })).json).toEqual({ statusCode: '20002', statusMsg: '不支持的 action: dial' });
    expect((await ctc.post(ctc.url(), { action: 'cancelCall' })).json.statusCode).toBe('20002');
    expect((await ctc.post(ctc.url('CV1'), { action: 'click2call', caller: CALLER, callee: CALLEE })).json.statusCode).toBe('20002');
  });

  it.each([
    [{ callee: CALLEE }, '20003', '缺少参数: caller'],
    [{ caller: CALLER }, '20003', '缺少参数: callee'],
    [{ caller: '', callee: CALLEE }, '20003', '缺少参数: caller'],
    [{ caller: 'agent-phone', callee: CALLEE }, '20004', '参数错误: caller 应为电话号码 (数字, 3-20 位)'],
    [{ caller: CALLER, callee: 13900139000 }, '20004', '参数错误: callee 应为电话号码 (数字, 3-20 位)'],
    [{ caller: CALLER, callee: CALLEE, callerCli: '010-6223' }, '20004', '参数错误: callerCli 应为电话号码 (数字, 3-20 位)'],
    [{ caller: CALLER, callee: CALLEE, userData: 'order_42' }, '20004', '参数错误: userData 只支持英文字母和数字'],
    [{ caller: CALLER, callee: CALLEE, userData: '订单' }, '20004', '参数错误: userData 只支持英文字母和数字'],
    [{ caller: CALLER, callee: CALLEE, userData: 'a'.repeat(257) }, '20004', '参数错误: userData 长度最大 256 字节'],
    [{ caller: CALLER, callee: CALLEE, record: 3 }, '20004', '参数错误: record 取值 0, 1, 2'],
    [{ caller: CALLER, callee: CALLEE, ringbackMode: 2 }, '20004', '参数错误: ringbackMode 取值 0, 1'],
    [{ caller: CALLER, callee: CALLEE, maxDuration: 0 }, '20004', '参数错误: maxDuration 应为正整数'],
    [{ caller: CALLER, callee: CALLEE, maxDuration: 1.5 }, '20004', '参数错误: maxDuration 应为正整数'],
    [{ caller: CALLER, callee: CALLEE, statusUrl: 'ftp://x' }, '20004', '参数错误: statusUrl 应为 http(s) URL'],
    [{ caller: CALLER, callee: CALLEE, greetVoice: 5 }, '20004', '参数错误: greetVoice 应为字符串'],
  ])('click2call %j → %s %s', async (params, code, msg) => {
    expect((await ctc.click2call(params)).json).toEqual({ statusCode: code, statusMsg: msg });
    expect(sim.state.conversations).toEqual([]);
  });

  it('accepts the limits: userData of 256 letters and digits, numeric strings, an empty maxDuration (不限制)', async () => {
    const { json } = await ctc.click2call({ caller: CALLER, callee: CALLEE, userData: 'A1'.repeat(128), record: '2', ringbackMode: '1', maxDuration: '' });
    expect(json.statusCode).toBe('00000');
    expect(conversation(json.conversationSid)).toMatchObject({ record: 2, maxDuration: null, userData: 'A1'.repeat(128) });
  });

  it('addCall needs callee; timeout must be a positive integer', async () => {
    const sid = await bridged();
    expect((await ctc.addCall(sid, {})).json).toEqual({ statusCode: '20003', statusMsg: '缺少参数: callee' });
    expect((await ctc.addCall(sid, { callee: '13700137000', timeout: -1 })).json.statusCode).toBe('20004');
  });
});

describe('the conversation (seed 429, 466, 523-524)', () => {
  it('rings the caller first, the callee only once the caller answered, then bridges; cancelCall ends it; a second cancelCall is 30002', async () => {
    sim.setPartyMode('manual', CALLER);
    const { json } = await ctc.click2call({ caller: CALLER, callee: CALLEE });
    const sid = json.conversationSid;
    await eventually(() => (sim.state.outsidePhones as Json[]).some((p) => p.number === CALLER && p.state === 'ringing'), 'the caller rings');
    expect(conversation(sid).legs.map((l: Json) => l.to)).toEqual([CALLER]);
    expect(conversation(sid).state).toBe('callerRinging');
    sim.customerAnswer(CALLER);
    await eventually(() => conversation(sid).state === 'bridged', 'bridged');
    expect(conversation(sid).legs.map((l: Json) => [l.role, l.to])).toEqual([
      ['caller', CALLER],
      ['callee', CALLEE],
    ]);
    expect(await ctc.cancelCall(sid)).toMatchObject({ json: { statusCode: '00000', statusMsg: 'success' } });
    expect(conversation(sid)).toMatchObject({ state: 'ended', byeType: '3' });
    expect(conversation(sid).legs.every((l: Json) => l.cause === 'completed')).toBe(true);
    expect((await ctc.cancelCall(sid)).json).toEqual({ statusCode: '30002', statusMsg: '会话已结束' });
    expect((await ctc.cancelCall('CV0000')).json).toEqual({ statusCode: '30001', statusMsg: '会话不存在' });
  });

  it('byeType tells who ended it: caller no answer 0, caller hung up while the callee rang 1, callee no answer 2, callee hung up 4', async () => {
    sim.setPartyMode('no-answer', CALLER);
    const a = (await ctc.click2call({ caller: CALLER, callee: CALLEE })).json.conversationSid;
    await eventually(() => conversation(a).state === 'ended', 'a ended');
    expect(conversation(a)).toMatchObject({ byeType: '0', legs: [{ role: 'caller', cause: 'no-answer' }] });

    sim.setPartyMode('answer', CALLER);
    sim.setPartyMode('manual', CALLEE);
    const b = (await ctc.click2call({ caller: CALLER, callee: CALLEE })).json.conversationSid;
    await eventually(() => (sim.state.outsidePhones as Json[]).some((p) => p.number === CALLEE && p.state === 'ringing'), 'the callee rings');
    sim.customerHangup(CALLER);
    expect(conversation(b)).toMatchObject({ byeType: '1', legs: [{ cause: 'completed' }, { cause: 'failed' }] });

    sim.setPartyMode('busy', CALLEE);
    const c = (await ctc.click2call({ caller: CALLER, callee: CALLEE })).json.conversationSid;
    await eventually(() => conversation(c).state === 'ended', 'c ended');
    expect(conversation(c)).toMatchObject({ byeType: '2', legs: [{ cause: 'completed' }, { cause: 'failed' }] });

    sim.setPartyMode('answer', CALLEE);
    const d = await bridged();
    sim.customerHangup(CALLEE);
    expect(conversation(d)).toMatchObject({ byeType: '4' });
  });

  it('a caller already in a live conversation is 30004; once it ended the caller may dial again', async () => {
    const sid = await bridged();
    expect((await ctc.click2call({ caller: CALLER, callee: '13700137000' })).json).toEqual({ statusCode: '30004', statusMsg: '主叫号码正在通话中' });
    await ctc.cancelCall(sid);
    expect((await ctc.click2call({ caller: CALLER, callee: '13700137000' })).json.statusCode).toBe('00000');
  });

  it('maxDuration ends a bridged call with byeType 5 (with the clock sped up)', async () => {
    sim.setSpeed(100);
    const sid = await bridged({ maxDuration: 3 });
    await eventually(() => conversation(sid).state === 'ended', 'ended by the limit');
    expect(conversation(sid).byeType).toBe('5');
  });

  it('addCall: refused before the bridge (30003); a third party joins; no fourth (30006); the caller leaving keeps the others; the callee leaving ends it', async () => {
    sim.setPartyMode('manual', CALLEE);
    const { json } = await ctc.click2call({ caller: CALLER, callee: CALLEE });
    const sid = json.conversationSid;
    await eventually(() => conversation(sid).state === 'calleeRinging', 'the callee rings');
    expect((await ctc.addCall(sid, { callee: '13700137000' })).json).toEqual({ statusCode: '30003', statusMsg: '通话未接通, 不能加入第三方' });
    sim.customerAnswer(CALLEE);
    await eventually(() => conversation(sid).state === 'bridged', 'bridged');
    expect((await ctc.addCall(sid, { callee: '13700137000' })).json.statusCode).toBe('00000');
    expect((await ctc.addCall(sid, { callee: '13600136000' })).json).toEqual({ statusCode: '30006', statusMsg: '当前已是三方通话' });
    await eventually(() => conversation(sid).legs[2]?.answerTime !== null && conversation(sid).legs.length === 3, 'the third party answers');
    sim.customerHangup(CALLER);
    expect(conversation(sid).state).toBe('bridged');
    sim.customerHangup(CALLEE);
    expect(conversation(sid)).toMatchObject({ state: 'ended', byeType: '4' });
    expect(conversation(sid).legs.map((l: Json) => l.cause)).toEqual(['completed', 'completed', 'completed']);
  });
});

describe('notifications (seed 532-619)', () => {
  it('POSTs 呼叫状态 for each leg step and one 呼叫话单 at the end, with the documented fields', async () => {
    const sid = await bridged({ statusUrl: `${receiverUrl}/status`, cdrUrl: `${receiverUrl}/cdr`, userData: 'crm42', record: 2, callerCli: '01088880000' });
    sim.customerHangup(CALLEE);
    await sim.pushesSettled();
    const statuses = received.filter((r) => r.path === '/status').map((r) => r.body);
    expect(statuses.map((s) => `${s.to}:${s.callStatus}${s.callCause === undefined ? '' : `/${s.callCause}`}`)).toEqual([
      `${CALLER}:initiated`,
      `${CALLER}:ringing`,
      `${CALLER}:answered`,
      `${CALLEE}:initiated`,
      `${CALLEE}:ringing`,
      `${CALLEE}:answered`,
      `${CALLER}:completed/completed`,
      `${CALLEE}:completed/completed`,
    ]);
    const first = statuses[0];
    expect(Object.keys(first).sort()).toEqual(['accountSid', 'apiVersion', 'appSid', 'callSid', 'callStatus', 'conversationSid', 'direction', 'from', 'timestamp', 'to', 'userData'].sort());
    expect(first).toMatchObject({ conversationSid: sid, accountSid: DEFAULT_ACCOUNT.accountSid, appSid: DEFAULT_APP_SID, apiVersion: sim.softVersion, from: '01088880000', direction: 'outbound', userData: 'crm42' });
    expect(first.timestamp).toMatch(/^\d{14}$/);
    expect(statuses[3].from).toBe('01062236000');
    expect(received.every((r) => r.contentType === 'application/json;charset=utf-8')).toBe(true);

    const cdrs = received.filter((r) => r.path === '/cdr').map((r) => r.body);
    expect(cdrs).toHaveLength(1);
    const cdr = cdrs[0];
    expect(cdr).toMatchObject({ conversationSid: sid, accountSid: DEFAULT_ACCOUNT.accountSid, appSid: DEFAULT_APP_SID, userData: 'crm42', byeType: '4' });
    expect(cdr.recordingUrl).toMatch(/^http:\/\/.+\.wav$/);
    expect(cdr.recordingDuration).toMatch(/^\d+$/);
    // newest leg first, as the document's example (seed 594-616)
    expect(cdr.cdrs.map((c: Json) => [c.callSeq, c.to, c.cause])).toEqual([
      ['1', CALLEE, 'completed'],
      ['0', CALLER, 'completed'],
    ]);
    for (const c of cdr.cdrs) {
      expect(Object.keys(c).sort()).toEqual(['answerTime', 'callSeq', 'callSid', 'cause', 'duration', 'from', 'ringTime', 'startTime', 'stopTime', 'to'].sort());
      expect(c.startTime <= c.ringTime && c.ringTime <= c.answerTime && c.answerTime <= c.stopTime).toBe(true);
    }
    expect(sim.state.pushes as Json[]).toHaveLength(9);
    expect((sim.state.pushes as Json[]).every((p) => p.result === 200)).toBe(true);
  });

  it('a callee who does not answer: its completed carries callCause no-answer, the CDR byeType 2 with no answerTime', async () => {
    sim.setPartyMode('no-answer', CALLEE);
    const { json } = await ctc.click2call({ caller: CALLER, callee: CALLEE, statusUrl: `${receiverUrl}/s`, cdrUrl: `${receiverUrl}/c`, record: 1 });
    await eventually(() => conversation(json.conversationSid).state === 'ended', 'ended');
    await sim.pushesSettled();
    const calleeEnd = received.find((r) => r.path === '/s' && r.body.to === CALLEE && r.body.callStatus === 'completed');
    expect(calleeEnd?.body.callCause).toBe('no-answer');
    const cdr = received.find((r) => r.path === '/c')!.body;
    expect(cdr).toMatchObject({ byeType: '2' });
    expect(cdr.cdrs[0]).toMatchObject({ to: CALLEE, answerTime: '', duration: '0', cause: 'no-answer' });
    // record 1 records from the callee's ringing: there is a recording even without an answer
    expect(cdr.recordingUrl).not.toBe('');
  });

  it('records a push that could not be delivered and carries on', async () => {
    const sid = await bridged({ statusUrl: 'http://127.0.0.1:9/status' });
    await ctc.cancelCall(sid);
    await sim.pushesSettled();
    const pushes = sim.state.pushes as Json[];
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.every((p) => typeof p.result === 'string')).toBe(true);
    expect(conversation(sid).state).toBe('ended');
  });
});

describe('faults and /_sim', () => {
  it('http500, malformed, refuse (30005) take effect once each and start no call; slow answers late', async () => {
    sim.failNext({ kind: 'http500' });
    sim.failNext({ kind: 'malformed' });
    sim.failNext({ kind: 'refuse' });
    sim.failNext({ kind: 'slow', delayMs: 150 });
    const body = { caller: CALLER, callee: CALLEE };
    expect((await ctc.click2call(body)).status).toBe(500);
    const malformed = await ctc.click2call(body);
    expect([malformed.status, malformed.json]).toEqual([200, null]);
    expect((await ctc.click2call(body)).json).toEqual({ statusCode: '30005', statusMsg: '发起呼叫失败' });
    expect(sim.state.conversations).toEqual([]);
    const t0 = Date.now();
    expect((await ctc.click2call(body)).json.statusCode).toBe('00000');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('/_sim/state, /_sim/incoming, /_sim/customer-outcome and /_sim/reset over HTTP', async () => {
    const post = async (path: string, body: unknown = {}) => {
      const res = await fetch(`${sim.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as Json };
    };
    expect((await post('/_sim/customer-outcome', { mode: 'busy', number: CALLEE })).json.state.partyModes).toEqual({ [CALLEE]: 'busy' });
    expect((await post('/_sim/customer-outcome', { mode: 'sleep' })).status).toBe(400);
    expect((await post('/_sim/incoming', { agentNo: '8001', userNumber: CALLER })).status).toBe(409);
    await ctc.click2call({ caller: CALLER, callee: CALLEE });
    const state = (await (await fetch(`${sim.baseUrl}/_sim/state`)).json()) as Json;
    expect(state.state.conversations).toHaveLength(1);
    expect(state.state.agents.map((a: Json) => a.agentNo)).toEqual(['8001', '8002', '8003']);
    const reset = await post('/_sim/reset');
    expect(reset.json.state).toMatchObject({ conversations: [], pushes: [], partyModes: {} });
    expect((await fetch(`${sim.baseUrl}/_sim/nothing`, { method: 'POST' })).status).toBe(404);
  });
});
