/**
 * The CC PaaS simulator's CTI server over a real WebSocket, checked against the document's
 * 电话工具条 rules (seed 768-996) and the wire contract (docs/providers/ccpaas-wire.md): initial /
 * auth, the status methods and their events, callOut and incoming calls with every failedCause,
 * bridge / hold / retrieve, wrap-up and autoReady, number masking, replay, replacement, framing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CcpaasSimulator, DEFAULT_AGENTS, type AgentLegCall, type CcpaasSimulatorOptions } from './ccpaas-simulator.ts';
import { CtiClient, FAST, loggedIn, type Json } from './test-kit.ts';

const CUSTOMER = '13800138000';
const CALL_EVENT_FIELDS = [
  'eventName', 'appSid', 'agentNo', 'agentNumber', 'conversationSid', 'callSid', 'failedCause', 'completedCause', 'callType', 'callSubtype',
  'callState', 'userNumber', 'userNumberType', 'userArea', 'isBridged', 'coAgentNo', 'userData', 'timestamp',
].sort();
const STATUS_EVENT_FIELDS = ['eventName', 'appSid', 'agentNo', 'workStatus', 'pauseCause', 'wrapupTime', 'readyCause', 'timestamp'].sort();

let sim: CcpaasSimulator;
const clients: CtiClient[] = [];

async function startSim(opts: CcpaasSimulatorOptions = {}): Promise<void> {
  await sim?.close();
  sim = new CcpaasSimulator({ ...FAST, ...opts });
  await sim.start();
}

async function open(): Promise<CtiClient> {
  const c = await CtiClient.open(sim.ctiUrl);
  clients.push(c);
  return c;
}

async function agent(agentNo: string, phoneType = 1, extra: Record<string, unknown> = {}): Promise<CtiClient> {
  const c = await loggedIn(sim, agentNo, phoneType, extra);
  clients.push(c);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  await startSim();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim.close();
});

describe('initial (seed 785-814) and the connection', () => {
  it('answers with the binding data, then auth_succ; the agent is 下班 (workStatus 0) before login', async () => {
    const c = await open();
    const result = await c.initial('8001');
    const a = DEFAULT_AGENTS[0]!;
    expect(result).toEqual({
      statusCode: '00000',
      statusMsg: 'success',
      data: { phoneType: 1, workStatus: 0, pstnNumber: a.pstnNumber, sipNumber: a.sipNumber, sipPwd: a.sipPwd, wsAddr: a.wsAddr },
    });
    await c.until(() => (c.connEvents.length > 0 ? true : undefined), 'onConnEvent');
    const replyIndex = c.frames.findIndex((f) => f.method === 'initial');
    const authIndex = c.frames.findIndex((f) => f.callback === 'onConnEvent');
    expect(c.frames[authIndex]).toEqual({ callback: 'onConnEvent', data: 'auth_succ' });
    expect(authIndex).toBeGreaterThan(replyIndex);
  });

  it('refuses a wrong password or unknown agent with 10002 and auth_fail; a missing field with 10003', async () => {
    const c = await open();
    expect(await c.initial('8001', {}, 'wrong')).toEqual({ statusCode: '10002', statusMsg: '坐席号或密码错误' });
    expect(await c.initial('9999')).toMatchObject({ statusCode: '10002' });
    expect(await c.call('initial', { appSid: 'other-app', agentNo: '8001', pwd: '123456' })).toMatchObject({ statusCode: '10002' });
    expect(await c.call('initial', { appSid: DEFAULT_AGENTS[0]!.appSid, pwd: '123456' })).toEqual({ statusCode: '10003', statusMsg: '参数错误: agentNo' });
    await c.until(() => (c.connEvents.length === 4 ? true : undefined), 'four onConnEvent');
    expect(c.connEvents).toEqual(['auth_fail', 'auth_fail', 'auth_fail', 'auth_fail']);
    // still not initialised
    expect(await c.call('login', { phoneType: 1 })).toMatchObject({ statusCode: '10001' });
  });

  it('answers 10001 to every method before a successful initial, heartbeat included', async () => {
    const c = await open();
    for (const method of ['login', 'logout', 'ready', 'heartbeat', 'callOut', 'hangup']) {
      expect(await c.call(method, {})).toEqual({ statusCode: '10001', statusMsg: '未初始化' });
    }
  });

  it('heartbeat is answered 00000 and produces no callback', async () => {
    const c = await agent('8001');
    const before = c.callbacks.length;
    expect(await c.call('heartbeat')).toEqual({ statusCode: '00000', statusMsg: 'success' });
    expect(c.callbacks.length).toBe(before);
  });

  it('unknown method → 10009, id not a positive integer → 10003, params not an object → 10003', async () => {
    const c = await agent('8001');
    expect(await c.call('transfer', {})).toEqual({ statusCode: '10009', statusMsg: '未知方法: transfer' });
    c.sendRaw(JSON.stringify({ id: 'x', method: 'ready' }));
    const reply = await c.until(() => c.frames.find((f) => f.id === 'x'), 'reply to id x');
    expect(reply.result.statusCode).toBe('10003');
    c.sendRaw(JSON.stringify({ id: 99, method: 'pause', params: 'lunch' }));
    expect((await c.until(() => c.frames.find((f) => f.id === 99), 'reply 99')).result).toEqual({ statusCode: '10003', statusMsg: '参数错误: params' });
  });

  it('closes the socket 1003 on a frame that is not a JSON object, 1009 on a frame over 64 KiB', async () => {
    const a = await open();
    a.sendRaw('hello');
    expect((await a.waitClose()).code).toBe(1003);
    const b = await open();
    b.sendRaw(JSON.stringify({ id: 1, method: 'heartbeat', params: { pad: 'x'.repeat(70 * 1024) } }));
    expect((await b.waitClose()).code).toBe(1009);
  });

  it('a second initial for the same agent closes the older socket with 4001 replaced; a failed one does not', async () => {
    const first = await agent('8001');
    const intruder = await open();
    await intruder.initial('8001', {}, 'wrong');
    await sleep(30);
    expect(first.closed).toBeNull();
    const second = await open();
    expect((await second.initial('8001')).statusCode).toBe('00000');
    expect(await first.waitClose()).toEqual({ code: 4001, reason: 'replaced' });
    // the new socket gets the agent's callbacks
    expect(await second.call('ready')).toMatchObject({ statusCode: '00000' });
    await second.next('status:ready');
  });

  it('refuse-connections makes the WebSocket handshake fail (connect_fail) for that long', async () => {
    sim.refuseConnections(150);
    await expect(CtiClient.open(sim.ctiUrl)).rejects.toThrow(/503/);
    await sleep(170);
    const c = await open();
    expect((await c.initial('8001')).statusCode).toBe('00000');
  });

  it('closes a silent socket 1001 when heartbeatTimeoutMs passes without a frame', async () => {
    await startSim({ heartbeatTimeoutMs: 300 });
    const quiet = await open();
    const chatty = await open();
    await chatty.initial('8002');
    const beat = setInterval(() => void chatty.call('heartbeat'), 100);
    try {
      expect((await quiet.waitClose(1500)).code).toBe(1001);
      expect(chatty.closed).toBeNull();
    } finally {
      clearInterval(beat);
    }
  });
});

describe('坐席状态管理 (seed 916-957)', () => {
  it('login with each phoneType: onStatusEvent login, workStatus ready (or pause with workStatus 2); initial then reports them', async () => {
    for (const [agentNo, phoneType] of [['8001', 1], ['8002', 2], ['8003', 3]] as const) {
      const c = await open();
      await c.initial(agentNo);
      expect(await c.call('login', { phoneType, workStatus: phoneType === 2 ? 2 : undefined })).toEqual({ statusCode: '00000', statusMsg: 'success' });
      const ev = await c.next('status:login');
      expect(Object.keys(ev).sort()).toEqual(STATUS_EVENT_FIELDS);
      expect(ev).toMatchObject({ agentNo, workStatus: phoneType === 2 ? 'pause' : 'ready' });
      const again = await open();
      expect((await again.initial(agentNo)).data).toMatchObject({ phoneType, workStatus: phoneType === 2 ? 2 : 1 });
    }
  });

  it('refuses a bad phoneType / workStatus (10003), a second login (10004)', async () => {
    const c = await open();
    await c.initial('8001');
    expect(await c.call('login', {})).toMatchObject({ statusCode: '10003', statusMsg: '参数错误: phoneType (1, 2 或 3)' });
    expect(await c.call('login', { phoneType: 4 })).toMatchObject({ statusCode: '10003' });
    expect(await c.call('login', { phoneType: 1, workStatus: 0 })).toMatchObject({ statusCode: '10003' });
    expect(await c.call('login', { phoneType: '2' })).toMatchObject({ statusCode: '00000' });
    expect(await c.call('login', { phoneType: 1 })).toEqual({ statusCode: '10004', statusMsg: '坐席已登录' });
  });

  it('login with phoneType 2 needs a bound PSTN number', async () => {
    sim.addAgent({ appSid: DEFAULT_AGENTS[0]!.appSid, agentNo: '8009', pwd: 'pw', sipNumber: '68009' });
    const c = await open();
    await c.initial('8009', {}, 'pw');
    expect(await c.call('login', { phoneType: 2 })).toMatchObject({ statusCode: '10003', statusMsg: '参数错误: phoneType (坐席未绑定 PSTN 电话)' });
  });

  it('logout sends no event and makes workStatus 0; status methods then answer 10004 坐席未登录', async () => {
    const c = await agent('8001');
    expect(await c.call('logout')).toMatchObject({ statusCode: '00000' });
    await sleep(20);
    expect(c.names).toEqual(['status:login']);
    // initial again on the same socket (another socket would replace this one)
    expect((await c.initial('8001')).data.workStatus).toBe(0);
    for (const method of ['logout', 'ready']) expect(await c.call(method)).toEqual({ statusCode: '10004', statusMsg: '坐席未登录' });
    expect(await c.call('pause', { pauseCause: 'rest' })).toEqual({ statusCode: '10004', statusMsg: '坐席未登录' });
  });

  it('pause carries its pauseCause, ready clears it; pause without a cause is 10003', async () => {
    const c = await agent('8001');
    expect(await c.call('pause', {})).toEqual({ statusCode: '10003', statusMsg: '参数错误: pauseCause' });
    expect(await c.call('pause', { pauseCause: 'wc' })).toMatchObject({ statusCode: '00000' });
    expect(await c.next('status:pause')).toMatchObject({ workStatus: 'pause', pauseCause: 'wc', readyCause: '' });
    expect(await c.call('ready')).toMatchObject({ statusCode: '00000' });
    expect(await c.next('status:ready')).toMatchObject({ workStatus: 'ready', pauseCause: '' });
  });
});

describe('callOut (seed 961-971) — callType 3 拨号外呼, callSubtype 1 呼叫用户', () => {
  it('rings the agent, then the customer: initiated → ringing → answered → completed, then wrap-up and autoReady', async () => {
    const c = await agent('8001');
    const reply = await c.call('callOut', { userNumber: CUSTOMER, userData: 'order42' });
    expect(reply).toEqual({ statusCode: '00000', statusMsg: 'success' });
    // the reply comes before the callbacks it causes
    expect(c.frames.findIndex((f) => f.callback === 'onCallEvent')).toBeGreaterThan(c.frames.findIndex((f) => f.method === 'callOut'));
    const initiated = await c.next('call:initiated');
    const ringing = await c.next('call:ringing');
    const answered = await c.next('call:answered');
    for (const ev of [initiated, ringing, answered]) {
      expect(Object.keys(ev).sort()).toEqual(CALL_EVENT_FIELDS);
      expect(ev).toMatchObject({
        appSid: DEFAULT_AGENTS[0]!.appSid,
        agentNo: '8001',
        agentNumber: DEFAULT_AGENTS[0]!.sipNumber,
        callType: '3',
        callSubtype: '1',
        userNumber: CUSTOMER,
        userNumberType: '2',
        userArea: '北京',
        userData: 'order42',
        conversationSid: initiated.conversationSid,
        callSid: initiated.callSid,
      });
      expect(ev.timestamp).toMatch(/^\d{14}$/);
    }
    expect(initiated).toMatchObject({ callState: 'ringing', isBridged: '0' });
    expect(answered).toMatchObject({ callState: 'connected', isBridged: '1' });
    expect(await c.call('hangup')).toMatchObject({ statusCode: '00000' });
    expect(await c.next('call:completed')).toMatchObject({ callState: 'idle', completedCause: '', failedCause: '' });
    expect(await c.next('status:completed')).toMatchObject({ workStatus: 'pause', pauseCause: 'wrapup', wrapupTime: '0.1' });
    expect(await c.next('status:autoReady')).toMatchObject({ workStatus: 'ready', readyCause: 'wrapup' });
    expect(c.names).toEqual(['status:login', 'call:initiated', 'call:ringing', 'call:answered', 'call:completed', 'status:completed', 'status:autoReady']);
  });

  it('agentNumber is the bound PSTN number for phoneType 2', async () => {
    const c = await agent('8002', 2);
    await c.call('callOut', { userNumber: '01062236000' });
    expect(await c.next('call:initiated')).toMatchObject({ agentNumber: DEFAULT_AGENTS[1]!.pstnNumber, userNumberType: '1', userArea: '北京' });
  });

  it.each([
    ['no-answer', 'no-answer'],
    ['busy', 'failed'],
    ['reject', 'failed'],
    ['time-out', 'time-out'],
  ] as const)('a customer whose phone does %s fails the call with failedCause %s, and no wrap-up follows', async (mode, cause) => {
    sim.setPartyMode(mode, CUSTOMER);
    const c = await agent('8001');
    await c.call('callOut', { userNumber: CUSTOMER });
    expect(await c.next('call:failed')).toMatchObject({ failedCause: cause, callState: 'idle' });
    await sleep(150);
    expect(c.names.filter((n) => n.startsWith('status:'))).toEqual(['status:login']);
    expect(await c.call('callOut', { userNumber: '13900000000' })).toMatchObject({ statusCode: '00000' });
  });

  it('the agent refusing on its phone fails the call (failed); its phone ringing out is time-out', async () => {
    await startSim({ agentAnswer: 'manual' });
    const c = await agent('8001');
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:initiated');
    sim.agentReject('8001');
    expect(await c.next('call:failed')).toMatchObject({ failedCause: 'failed' });
    await c.call('callOut', { userNumber: CUSTOMER });
    expect(await c.next('call:failed', undefined, 1000)).toMatchObject({ failedCause: 'time-out' });
    expect(c.names).not.toContain('call:ringing');
  });

  it('hangup before the customer answers is canceled', async () => {
    sim.setPartyMode('manual', CUSTOMER);
    const c = await agent('8001');
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:ringing');
    await c.call('hangup');
    expect(await c.next('call:failed')).toMatchObject({ failedCause: 'canceled' });
    expect(sim.state.outsidePhones).toEqual([]);
  });

  it('the customer hanging up ends the call completed; a connected call over the time limit ends completedCause time-limit', async () => {
    const c = await agent('8001');
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:answered');
    sim.customerHangup(CUSTOMER);
    expect(await c.next('call:completed')).toMatchObject({ completedCause: '' });
    await startSim({ callTimeLimitSeconds: 0.05 });
    const d = await agent('8001');
    await d.call('callOut', { userNumber: CUSTOMER });
    await d.next('call:answered');
    expect(await d.next('call:completed')).toMatchObject({ completedCause: 'time-limit' });
  });

  it('refuses callOut when not logged in or in a call (10004), a bad number (10003), a platform refusal (10006)', async () => {
    const c = await open();
    await c.initial('8001');
    expect(await c.call('callOut', { userNumber: CUSTOMER })).toEqual({ statusCode: '10004', statusMsg: '坐席未登录' });
    await c.call('login', { phoneType: 1 });
    expect(await c.call('callOut', {})).toEqual({ statusCode: '10003', statusMsg: '参数错误: userNumber' });
    expect(await c.call('callOut', { userNumber: 'abc' })).toMatchObject({ statusCode: '10003' });
    sim.failCallOut(1, '8001');
    expect(await c.call('callOut', { userNumber: CUSTOMER })).toEqual({ statusCode: '10006', statusMsg: '外呼失败' });
    expect(await c.call('callOut', { userNumber: CUSTOMER })).toMatchObject({ statusCode: '00000' });
    expect(await c.call('callOut', { userNumber: '13900000000' })).toEqual({ statusCode: '10004', statusMsg: '坐席忙' });
    expect(await c.call('logout')).toEqual({ statusCode: '10004', statusMsg: '坐席通话中' });
  });
});

describe('incoming calls — callType 1 拨号呼入, callSubtype 2 呼叫坐席', () => {
  it('rings the agent (ringing with the customer), the agent answers on its phone → answered isBridged 1; bridge is refused', async () => {
    await startSim({ agentAnswer: 'manual' });
    const c = await agent('8001');
    const { conversationSid } = sim.incoming({ agentNo: '8001', userNumber: CUSTOMER, userData: 'ivr7' });
    expect(await c.next('call:ringing')).toMatchObject({ conversationSid, callType: '1', callSubtype: '2', callState: 'ringing', userNumber: CUSTOMER, userData: 'ivr7' });
    expect(await c.call('bridge')).toEqual({ statusCode: '10004', statusMsg: '当前通话无需桥接' });
    sim.agentAnswer('8001');
    expect(await c.next('call:answered')).toMatchObject({ isBridged: '1', callState: 'connected' });
    expect(await c.call('bridge')).toMatchObject({ statusCode: '10004' });
    sim.customerHangup(CUSTOMER);
    await c.next('call:completed');
    await c.next('status:completed');
    expect(c.names).not.toContain('call:initiated');
  });

  it('a phone set to auto-answer: answered isBridged "0" first, the customer is connected by bridge (answered isBridged "1")', async () => {
    sim.addAgent({ ...DEFAULT_AGENTS[0]!, autoAnswer: true });
    const c = await agent('8001');
    sim.incoming({ agentNo: '8001', userNumber: CUSTOMER });
    await c.next('call:ringing');
    const first = await c.next('call:answered');
    expect(first).toMatchObject({ isBridged: '0', callState: 'ringing' });
    expect(await c.call('holdCall')).toEqual({ statusCode: '10004', statusMsg: '当前不在通话中' });
    expect(await c.call('bridge')).toEqual({ statusCode: '00000', statusMsg: 'success' });
    expect(await c.next('call:answered')).toMatchObject({ isBridged: '1', callState: 'connected', conversationSid: first.conversationSid });
    expect(await c.call('bridge')).toMatchObject({ statusCode: '10004' });
  });

  it('the customer hanging up while the agent rings is canceled; the agent not answering is no-answer; refusing is failed', async () => {
    await startSim({ agentAnswer: 'manual' });
    const c = await agent('8001');
    sim.incoming({ agentNo: '8001', userNumber: CUSTOMER });
    await c.next('call:ringing');
    sim.customerHangup(CUSTOMER);
    expect(await c.next('call:failed')).toMatchObject({ failedCause: 'canceled' });
    sim.incoming({ agentNo: '8001', userNumber: CUSTOMER });
    expect(await c.next('call:failed', undefined, 1000)).toMatchObject({ failedCause: 'no-answer' });
    sim.incoming({ agentNo: '8001', userNumber: CUSTOMER });
    await c.next('call:ringing');
    sim.agentReject('8001');
    expect(await c.next('call:failed')).toMatchObject({ failedCause: 'failed' });
    expect(c.names.filter((n) => n.startsWith('status:'))).toEqual(['status:login']);
  });

  it('is offered only to a ready agent: not to a paused, busy or logged-out one (/_sim answers 409)', async () => {
    const c = await agent('8001');
    await c.call('pause', { pauseCause: 'rest' });
    const res = await fetch(`${sim.baseUrl}/_sim/incoming`, { method: 'POST', body: JSON.stringify({ agentNo: '8001', userNumber: CUSTOMER }) });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Json).error).toMatch(/not ready/);
    expect(() => sim.incoming({ agentNo: '8002', userNumber: CUSTOMER })).toThrow(/not logged in/);
  });
});

describe('hold / retrieve (seed 987-996): a reply only, no event', () => {
  it('refuses without a call (10005), toggles on a connected call, refuses holding twice or retrieving an unheld call', async () => {
    const c = await agent('8001');
    for (const method of ['holdCall', 'retrieveCall', 'bridge', 'hangup']) expect(await c.call(method)).toEqual({ statusCode: '10005', statusMsg: '当前没有通话' });
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:answered');
    const before = c.callbacks.length;
    expect(await c.call('retrieveCall')).toEqual({ statusCode: '10004', statusMsg: '通话未保持' });
    expect(await c.call('holdCall')).toMatchObject({ statusCode: '00000' });
    expect((sim.state.agents as Json[]).find((a) => a.agentNo === '8001').call.held).toBe(true);
    expect(await c.call('holdCall')).toEqual({ statusCode: '10004', statusMsg: '通话已保持' });
    expect(await c.call('retrieveCall')).toMatchObject({ statusCode: '00000' });
    expect(c.callbacks.length).toBe(before);
  });
});

describe('wrap-up (seed 886-899)', () => {
  it('an agent paused before the call goes back to its pause after wrap-up, not autoReady', async () => {
    const c = await agent('8001');
    await c.call('pause', { pauseCause: 'lunch' });
    await c.next('status:pause');
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:answered');
    await c.call('hangup');
    expect(await c.next('status:completed')).toMatchObject({ pauseCause: 'wrapup' });
    expect(await c.next('status:pause')).toMatchObject({ workStatus: 'pause', pauseCause: 'lunch' });
    await sleep(50);
    expect(c.names).not.toContain('status:autoReady');
  });

  it('ready during wrap-up ends it at once; no autoReady follows; incoming is offered only after', async () => {
    await startSim({ wrapupSeconds: 0.3 });
    const c = await agent('8001');
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:answered');
    await c.call('hangup');
    await c.next('status:completed');
    expect(() => sim.incoming({ agentNo: '8001', userNumber: CUSTOMER })).toThrow(/not ready/);
    await c.call('ready');
    await c.next('status:ready');
    await sleep(400);
    expect(c.names.slice(-2)).toEqual(['status:completed', 'status:ready']);
  });
});

describe('wrap-up interrupted by a call', () => {
  it('a callOut during wrap-up that fails ends the wrap-up (autoReady at once), not a pause forever', async () => {
    await startSim({ wrapupSeconds: 5 });
    sim.setPartyMode('busy', '13900000000');
    const c = await agent('8001');
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:answered');
    await c.call('hangup');
    await c.next('status:completed');
    expect(await c.call('callOut', { userNumber: '13900000000' })).toMatchObject({ statusCode: '00000' });
    await c.next('call:failed');
    expect(await c.next('status:autoReady', undefined, 500)).toMatchObject({ workStatus: 'ready', readyCause: 'wrapup' });
  });
});

describe('encryptNumber "true" (seed 796)', () => {
  it('masks userNumber in the callbacks of that socket only', async () => {
    const masked = await agent('8001', 1, { encryptNumber: 'true' });
    const plain = await agent('8002', 2);
    await masked.call('callOut', { userNumber: CUSTOMER });
    await plain.call('callOut', { userNumber: CUSTOMER.replace('8000', '8001') });
    expect((await masked.next('call:initiated')).userNumber).toBe('138****8000');
    expect((await plain.next('call:initiated')).userNumber).toBe('13800138001');
    expect((sim.state.agents as Json[]).find((a) => a.agentNo === '8001').call.userNumber).toBe(CUSTOMER);
  });
});

describe('replay with lastSeq (CallBar framing)', () => {
  it('after a dropped socket, initial with lastSeq sends every missed callback once, in order, then the live ones', async () => {
    sim.setPartyMode('manual', CUSTOMER);
    const c = await agent('8001');
    await c.call('callOut', { userNumber: CUSTOMER });
    await c.next('call:ringing');
    const seqs = c.callbacks.map((f) => f.seq);
    expect(seqs).toEqual([1, 2, 3]);
    sim.drop('8001');
    await c.waitClose();
    // meanwhile the call goes on
    sim.customerAnswer(CUSTOMER);
    sim.customerHangup(CUSTOMER);
    const back = await open();
    await back.initial('8001', { lastSeq: 3 });
    await back.next('status:autoReady');
    expect(back.callbacks.map((f) => [f.seq, f.data.eventName])).toEqual([
      [4, 'answered'],
      [5, 'completed'],
      [6, 'completed'],
      [7, 'autoReady'],
    ]);
    expect(back.frames.findIndex((f) => f.data === 'auth_succ')).toBeLessThan(back.frames.findIndex((f) => f.seq === 4));
    await back.call('pause', { pauseCause: 'x' });
    expect((await back.next('status:pause')).eventName).toBe('pause');
    expect(back.callbacks.at(-1).seq).toBe(8);
    // without lastSeq nothing is replayed
    const fresh = await open();
    await fresh.initial('8001');
    await sleep(30);
    expect(fresh.callbacks).toEqual([]);
  });

  it('keeps the last 500 callbacks', async () => {
    const c = await agent('8001');
    for (let i = 0; i < 260; i++) {
      await c.call('pause', { pauseCause: `p${i}` });
      await c.call('ready');
    }
    const back = await open();
    await back.initial('8001', { lastSeq: 0 });
    await back.until(() => (back.callbacks.length === 500 ? true : undefined), '500 replayed callbacks');
    expect(back.callbacks[0].seq).toBe(521 - 500 + 1);
    expect(back.callbacks.at(-1).seq).toBe(521);
  });
});

describe('WebPhone (phoneType 3): the agentLeg hook', () => {
  it('is the agent’s phone: called with the SIP URI and the conversation; resolving goes on, the WebPhone hanging up completes', async () => {
    const legs: AgentLegCall[] = [];
    await startSim({
      agents: DEFAULT_AGENTS.map((a) => ({ ...a, wsAddr: 'ws://127.0.0.1:5066', sipDomain: 'callbar.test' })),
      agentLeg: async (_info, leg) => {
        legs.push(leg);
      },
    });
    const c = await agent('8003', 3);
    await c.call('callOut', { userNumber: CUSTOMER });
    const initiated = await c.next('call:initiated');
    await c.next('call:answered');
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({ sipUri: 'sip:68003@callbar.test', callId: initiated.conversationSid });
    expect(legs[0]!.signal.aborted).toBe(false);
    legs[0]!.hungUp();
    expect(await c.next('call:completed')).toMatchObject({ conversationSid: initiated.conversationSid });
    expect(legs[0]!.signal.aborted).toBe(true);
  });

  it('a refused WebPhone leg fails the call; phoneType 1 on the same simulator never calls the hook', async () => {
    let calls = 0;
    await startSim({
      agentLeg: async () => {
        calls++;
        throw new Error('486 Busy Here');
      },
    });
    const web = await agent('8003', 3);
    await web.call('callOut', { userNumber: CUSTOMER });
    expect(await web.next('call:failed')).toMatchObject({ failedCause: 'failed' });
    const sip = await agent('8001', 1);
    sim.incoming({ agentNo: '8001', userNumber: CUSTOMER });
    await sip.next('call:answered');
    expect(calls).toBe(1);
  });
});
