/**
 * The v-call simulator's 座席控制 API and agent state machine, in process with the in-memory
 * publisher: every documented request, the reply shapes and refusals, Login/Reconnect, the call
 * events of outbound, inbound and phone-dialled calls, After causes and the automatic Idle.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPANY, FAST, Kit, type Json } from './test-kit.ts';
import { type AgentLegCall, DEFAULT_COMPANY, MSG, VcallSimulator, type VcallSimulatorOptions } from './vcall-simulator.ts';

let sim: VcallSimulator;
let k: Kit;

async function startSim(opts: VcallSimulatorOptions = {}): Promise<void> {
  sim = new VcallSimulator({ ...FAST, ...opts });
  await sim.start();
  k = new Kit(sim);
}

beforeEach(async () => {
  await startSim();
});

afterEach(async () => {
  await sim.close();
});

describe('HTTP surface', () => {
  it('answers unknown paths 404 and other methods 405, as JSON', async () => {
    const missing = await k.post('/ccs/api/agent/nothing', {});
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status: 404, error: 'Not Found', path: '/ccs/api/agent/nothing' });
    const get = await fetch(`${sim.baseUrl}/ccs/api/agent/control`);
    expect(get.status).toBe(405);
  });

  it('refuses a body that is not a JSON object', async () => {
    const { json } = await k.post('/ccs/api/agent/control', '{not json', true);
    expect(json).toEqual({ code: '-1', data: null, msg: MSG.badJson });
    const array = await k.post('/ccs/api/agent/control', [1, 2]);
    expect(array.json.msg).toBe(MSG.badJson);
  });

  it('needs companyId, agentNumber and request, and echoes sequence in refusals', async () => {
    for (const key of ['companyId', 'agentNumber', 'request']) {
      const body: Record<string, unknown> = { companyId: COMPANY, agentNumber: '1001', request: 'heartbeat', sequence: 42 };
      delete body[key];
      const { json } = await k.post('/ccs/api/agent/control', body);
      expect(json).toEqual({ code: '-1', data: { sequence: 42 }, msg: MSG.missing(key) });
    }
  });

  it('knows request names case-sensitively', async () => {
    await k.refused('1001', 'Login', { password: '123456', loginType: 1 }, MSG.unknownRequest('Login'));
    await k.refused('1001', 'unhold', {}, MSG.unknownRequest('unhold'));
    await k.refused('1001', 'hangup', {}, MSG.unknownRequest('hangup'));
  });

  it('refuses an unknown company or agent', async () => {
    const { json } = await k.post('/ccs/api/agent/control', { companyId: 'nope', agentNumber: '1001', request: 'heartbeat' });
    expect(json.msg).toBe(MSG.noCompany);
    await k.refused('9999', 'login', { password: '123456', loginType: 1 }, MSG.noAgent);
  });

  it('checks each request’s required fields', async () => {
    await k.refused('1001', 'login', { loginType: 1 }, MSG.missing('password'));
    await k.refused('1001', 'login', { password: '123456' }, MSG.missing('loginType'));
    await k.loginIdle('1001');
    await k.refused('1001', 'makeCall', {}, MSG.missing('called'));
    await k.refused('1001', 'consultCall', { consultType: 1 }, MSG.missing('consultId'));
    await k.refused('1001', 'transferCall', { transferId: '1002' }, MSG.missing('transferType'));
    await k.refused('1001', 'transferCall', { transferType: 1 }, MSG.missing('transferId'));
    await k.refused('1001', 'idleAgent', {}, MSG.missing('groupId'));
    await k.refused('1001', 'forceIdle', {}, MSG.missing('beAgentNumber'));
    await k.refused('1001', 'listen', { beAgentNumber: '' }, MSG.missing('beAgentNumber'));
  });

  it('refuses every request but login before login', async () => {
    for (const request of ['logout', 'reconnect', 'idle', 'busy', 'cancelCall', 'hold', 'mute', 'heartbeat', 'tripartiteTalk']) {
      await k.refused('1001', request, {}, MSG.notLoggedIn);
    }
    expect(k.events('1001')).toEqual([]);
  });
});

describe('login, reconnect, logout', () => {
  it('refuses a wrong password and an unknown loginType', async () => {
    await k.refused('1001', 'login', { password: 'wrong', loginType: 1 }, MSG.wrongPassword);
    await k.refused('1001', 'login', { password: '123456', loginType: 4 }, MSG.badValue('loginType'));
    await k.refused('1001', 'login', { password: '123456', loginType: 'sip' }, MSG.badValue('loginType'));
    expect(k.events('1001')).toEqual([]);
  });

  it('publishes Login with the document’s fields to the agent’s queue, echoing sequence', async () => {
    const sequence = await k.ok('1001', 'login', { password: '123456', loginType: '1' });
    const login = await k.waitEvent('1001', 'Login');
    expect(sim.events[0]!.destination).toBe(`/queue/vcall.${COMPANY}.1001`);
    expect(login).toMatchObject({ type: 'event', event: 'Login', nowState: 'Login', sequence, companyId: COMPANY, agentNumber: '1001' });
    expect(typeof login.eventTime).toBe('number');
    expect(typeof login.agentId).toBe('string');
    const d = login.data;
    expect(Object.keys(d).sort()).toEqual(
      ['token', 'sipId', 'sipPassword', 'domain', 'agentType', 'groupIdList', 'ivrList', 'busyType', 'agentMakeCall', 'registered', 'loginType', 'webrtcSipId', 'webrtcSipPassword', 'webrtcDomain', 'currentBusyType', 'groupInfoList'].sort(),
    );
    expect(d).toMatchObject({ agentType: 0, busyType: '小休,培训,用餐', agentMakeCall: 1, registered: 1, loginType: '1', currentBusyType: '' });
    expect(d.groupInfoList[0]).toEqual({ id: DEFAULT_COMPANY.groups![0]!.id, name: '研发部2', isMaster: true });
    expect(d.groupInfoList[1].isMaster).toBe(false);
    expect(d.ivrList).toEqual([{ id: 'bbee5eb920e49685be4595ec16a30742', name: '使用录音转人工坐席测试' }]);
    expect(d.webrtcSipId).toMatch(/^w/);
  });

  it('accepts loginType as a number (WebRTC 3) and says so in Login', async () => {
    const login = await k.login('1002', 3);
    expect(login.data.loginType).toBe('3');
    expect(k.stateOf('1002').loginType).toBe(3);
  });

  it('gives Reconnect (current state) for a second login or reconnect while the session is cached, Login again after logout', async () => {
    await k.loginIdle('1001');
    const token = k.events('1001')[0].data.token;
    const sequence = await k.ok('1001', 'login', { password: '123456', loginType: 1 });
    const again = await k.waitEvent('1001', 'Reconnect');
    expect(again).toMatchObject({ sequence, nowState: 'Idle' });
    expect(again.data.token).toBe(token);
    const seq2 = await k.ok('1001', 'reconnect');
    expect(await k.waitEvent('1001', 'Reconnect')).toMatchObject({ sequence: seq2, nowState: 'Idle' });
    const out = await k.ok('1001', 'logout');
    expect(await k.waitEvent('1001', 'Logout')).toMatchObject({ sequence: out, nowState: 'Logout', data: null });
    await k.refused('1001', 'reconnect', {}, MSG.notLoggedIn);
    expect((await k.login('1001')).event).toBe('Login');
  });

  it('still checks the password when the session is cached', async () => {
    await k.login('1001');
    await k.refused('1001', 'login', { password: 'bad', loginType: 1 }, MSG.wrongPassword);
  });

  it('refuses logout during a call', async () => {
    await k.loginIdle('1001');
    await k.talk('1001');
    await k.refused('1001', 'logout', {}, MSG.inCall);
  });

  it('Kick and SipError end the session; the next login is a Login', async () => {
    await k.loginIdle('1001');
    sim.kick('1001');
    const kick = await k.waitEvent('1001', 'Kick');
    expect(kick.nowState).toBe('Logout');
    expect('data' in kick).toBe(false);
    await k.refused('1001', 'idle', {}, MSG.notLoggedIn);
    expect((await k.login('1001')).event).toBe('Login');
    sim.sipError('1001');
    expect(await k.waitEvent('1001', 'SipError')).toMatchObject({ nowState: 'Logout', data: null });
    expect((await k.login('1001')).data.registered).toBe(0);
  });

  it('expires a session without requests (heartbeat keeps it)', async () => {
    await sim.close();
    await startSim({ sessionIdleTimeoutMs: 1500 });
    await k.login('1001');
    await k.login('1002');
    for (let i = 0; i < 4; i += 1) {
      await new Promise((r) => setTimeout(r, 500));
      await k.ok('1002', 'heartbeat');
    }
    await k.waitEvent('1001', 'Logout', 2000);
    expect(k.stateOf('1002').loggedIn).toBe(true);
    expect(k.names('1002')).not.toContain('Logout');
  }, 10_000);
});

describe('idle and busy', () => {
  it('Idle carries loginType, Busy the busy type; unknown busy types are refused', async () => {
    await k.login('1001', 2);
    const s = await k.ok('1001', 'idle');
    expect(await k.waitEvent('1001', 'Idle')).toMatchObject({ sequence: s, nowState: 'Idle', data: { loginType: '2' } });
    await k.refused('1001', 'busy', { busyType: '睡觉' }, MSG.busyTypeUnknown);
    await k.ok('1001', 'busy', { busyType: '培训' });
    expect(await k.waitEvent('1001', 'Busy')).toMatchObject({ nowState: 'Busy', data: { currentBusyType: '培训' } });
    await k.ok('1001', 'busy');
    expect((await k.waitEvent('1001', 'Busy')).data).toEqual({ currentBusyType: '' });
  });

  it('refuses idle and busy during a call', async () => {
    await k.loginIdle('1001');
    await k.talk('1001');
    await k.refused('1001', 'idle', {}, MSG.inCall);
    await k.refused('1001', 'busy', {}, MSG.inCall);
  });

  it('gives every event a strictly increasing eventTime', async () => {
    await k.loginIdle('1001');
    for (let i = 0; i < 5; i += 1) await k.ok('1001', i % 2 === 0 ? 'busy' : 'idle');
    const times = k.events('1001').map((e) => e.eventTime as number);
    for (let i = 1; i < times.length; i += 1) expect(times[i]).toBeGreaterThan(times[i - 1]!);
  });
});

describe('outbound call (makeCall)', () => {
  it('runs MakeCall → AgentRinging → AgentAnswer → CalledRinging → CalledAnswer → Conversation', async () => {
    await k.loginIdle('1001');
    const sequence = await k.ok('1001', 'makeCall', { called: '13900000001', callId: 'crm-42' });
    const conv = await k.waitEvent('1001', 'Conversation');
    const names = k.names('1001');
    expect(names.slice(names.indexOf('MakeCall'))).toEqual(['MakeCall', 'AgentRinging', 'AgentAnswer', 'CalledRinging', 'CalledAnswer', 'Conversation']);
    const make = k.events('1001').find((e) => e.event === 'MakeCall');
    expect(make).toMatchObject({ sequence, nowState: 'MakeCall', data: null });
    expect(conv).toMatchObject({ nowState: 'Conversation', sequence: 0, ivrParam: '' });
    expect(conv.data).toMatchObject({ callDirection: 1, caller: '02160000001', called: '13900000001', occCallId: 'crm-42', callType: 'normal', isPredictive: 0 });
    const ringing = k.events('1001').find((e) => e.event === 'AgentRinging');
    expect(ringing.data.callType).toBeUndefined();
  });

  it('passes caller through and refuses a second call, a bad callAgentType and an agent without outbound rights', async () => {
    sim.addAgent({ companyId: COMPANY, agentNumber: '1004', password: '123456', agentMakeCall: 0 });
    await k.loginIdle('1004');
    await k.refused('1004', 'makeCall', { called: '139' }, MSG.noMakeCall);
    await k.loginIdle('1001');
    await k.refused('1001', 'makeCall', { called: '139', callAgentType: 'pstn' }, MSG.badValue('callAgentType'));
    await k.ok('1001', 'makeCall', { called: '13900000001', caller: '02188888888' });
    await k.refused('1001', 'makeCall', { called: '13900000002' }, MSG.inCall);
    const conv = await k.waitEvent('1001', 'Conversation');
    expect(conv.data.caller).toBe('02188888888');
  });

  it('cancelCall in a conversation: CancelCall, After (cause 0, hangupDirection 0, recordPath), then Idle by itself', async () => {
    await k.loginIdle('1001');
    await k.talk('1001');
    const sequence = await k.ok('1001', 'cancelCall');
    expect(await k.waitEvent('1001', 'CancelCall')).toMatchObject({ sequence, data: null });
    const after = await k.waitEvent('1001', 'After');
    expect(after.nowState).toBe('After');
    expect(after.data).toMatchObject({ cause: 0, data: '正常结束', hangupDirection: 0, callDirection: 1, callType: 'normal', agentAutoIdleTime: 0.05, agentAutoIdle: 1 });
    expect(after.data.recordPath).toMatch(/\/obc\/api\/file\/download\//);
    for (const key of ['beginTime', 'ringTime', 'answerTime', 'endTime']) expect(after.data[key]).toMatch(/^\d{13}$/);
    const idle = await k.waitEvent('1001', 'Idle');
    expect(idle).toMatchObject({ sequence: 0, nowState: 'Idle' });
  });

  it('cancelCall while the customer rings: After 1487 呼叫取消, no recording', async () => {
    await k.loginIdle('1001');
    sim.setPartyMode('manual');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    await k.waitEvent('1001', 'CalledRinging');
    await k.ok('1001', 'cancelCall');
    const after = await k.waitEvent('1001', 'After');
    expect(after.data).toMatchObject({ cause: 1487, data: '呼叫取消', recordPath: '', answerTime: expect.stringMatching(/^\d+$/) });
  });

  it('the customer busy / not answering / hanging up gives After with the cause, hangupDirection 1', async () => {
    await k.loginIdle('1001');
    sim.setPartyMode('busy', '13900000002');
    await k.ok('1001', 'makeCall', { called: '13900000002' });
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1017, data: '用户忙', hangupDirection: 1 });
    await k.waitEvent('1001', 'Idle');
    sim.setPartyMode('manual');
    await k.ok('1001', 'makeCall', { called: '13900000003' });
    await k.waitEvent('1001', 'CalledRinging');
    sim.customerNoAnswer('13900000003');
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1019, data: '久叫不应' });
    await k.waitEvent('1001', 'Idle');
    await k.ok('1001', 'makeCall', { called: '13900000004' });
    await k.waitEvent('1001', 'CalledRinging');
    sim.customerAnswer();
    await k.waitEvent('1001', 'Conversation');
    sim.customerHangup();
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 0, hangupDirection: 1 });
  });

  it('a no-answer mode rings out by itself (1019)', async () => {
    await k.loginIdle('1001');
    sim.setPartyMode('noAnswer');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    expect((await k.waitEvent('1001', 'After')).data.cause).toBe(1019);
  });

  it('the agent’s phone: answered by a control step, refused → MakeCallFail 拒绝应答, ringing out → 振铃超时', async () => {
    await sim.close();
    await startSim({ agentAutoAnswer: false });
    await k.loginIdle('1001');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    await k.waitEvent('1001', 'AgentRinging');
    expect(k.stateOf('1001').call.phone).toBe('sip');
    sim.agentAnswer('1001');
    await k.waitEvent('1001', 'Conversation');
    await k.ok('1001', 'cancelCall');
    await k.waitEvent('1001', 'Idle');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    await k.waitEvent('1001', 'AgentRinging');
    sim.agentReject('1001');
    const fail = await k.waitEvent('1001', 'MakeCallFail');
    expect(fail).toMatchObject({ nowState: 'Idle', data: { cause: '拒绝应答' } });
    await k.ok('1001', 'busy');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    expect(await k.waitEvent('1001', 'MakeCallFail')).toMatchObject({ nowState: 'Busy', data: { cause: '振铃超时' } });
  });

  it('an unregistered SIP phone: callAgentType sip fails (话机未注册), default falls back to the mobile', async () => {
    await k.loginIdle('1001');
    sim.setRegistered(false, '1001');
    await k.ok('1001', 'makeCall', { called: '13900000001', callAgentType: 'sip' });
    expect((await k.waitEvent('1001', 'MakeCallFail')).data.cause).toBe('话机未注册');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    await k.waitEvent('1001', 'AgentRinging');
    expect(k.stateOf('1001').call.phone).toBe('mobile');
  });

  it('scripted MakeCallFail carries the given text and restores the state', async () => {
    await k.loginIdle('1001');
    sim.failNextMakeCall('外显号码池为空', '1001');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    expect(await k.waitEvent('1001', 'MakeCallFail')).toMatchObject({ nowState: 'Idle', data: { cause: '外显号码池为空' } });
    expect(k.stateOf('1001').call).toBeNull();
  });

  it('a forced After cause replaces the natural one', async () => {
    await k.loginIdle('1001');
    await k.talk('1001');
    sim.forceAfterCause(2114, '1001');
    sim.customerHangup();
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 2114, data: '空号' });
  });

  it('agentAutoIdleTime -1 keeps the agent in After until it asks for idle or busy', async () => {
    sim.addAgent({ companyId: COMPANY, agentNumber: '1001', password: '123456', autoIdleSeconds: -1 });
    await k.loginIdle('1001');
    await k.talk('1001');
    await k.ok('1001', 'cancelCall');
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ agentAutoIdleTime: -1, agentAutoIdle: 0 });
    await new Promise((r) => setTimeout(r, 150));
    expect(k.stateOf('1001').nowState).toBe('After');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    await k.waitEvent('1001', 'Conversation');
    await k.ok('1001', 'cancelCall');
    await k.waitEvent('1001', 'After');
    await k.ok('1001', 'idle');
    expect(await k.waitEvent('1001', 'Idle')).toMatchObject({ nowState: 'Idle' });
  });

  it('Reconnect during a call restores the state and repeats the call’s latest event', async () => {
    await k.loginIdle('1001');
    const conv = await k.talk('1001');
    await k.ok('1001', 'reconnect');
    expect((await k.waitEvent('1001', 'Reconnect')).nowState).toBe('Conversation');
    const replay = await k.waitEvent('1001', 'Conversation');
    expect(replay.data.occCallId).toBe(conv.data.occCallId);
  });
});

describe('agent-to-agent call (called = an agent number)', () => {
  it('rings the other agent (callDirection 0 for it); both talk; one hanging up gives both After', async () => {
    await k.loginIdle('1001');
    await k.loginIdle('1002');
    await k.ok('1001', 'makeCall', { called: '1002' });
    const conv1 = await k.waitEvent('1001', 'Conversation');
    const conv2 = await k.waitEvent('1002', 'Conversation');
    expect(k.names('1002').slice(-3)).toEqual(['AgentRinging', 'AgentAnswer', 'Conversation']);
    expect(conv1.data).toMatchObject({ callDirection: 1, called: '1002' });
    expect(conv2.data).toMatchObject({ callDirection: 0, called: '1002', occCallId: conv1.data.occCallId });
    await k.ok('1002', 'cancelCall');
    expect((await k.waitEvent('1002', 'After')).data).toMatchObject({ hangupDirection: 0, callDirection: 0 });
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ hangupDirection: 1, cause: 0 });
  });

  it('a callee not logged in ends the call with 2137 座席未登录, a busy one with 1017', async () => {
    await k.loginIdle('1001');
    await k.ok('1001', 'makeCall', { called: '1003' });
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 2137, data: '座席未登录' });
    await k.waitEvent('1001', 'Idle');
    await k.login('1003');
    await k.ok('1001', 'makeCall', { called: '1003' });
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1017, data: '用户忙' });
    expect(k.names('1003')).toEqual(['Login']);
  });

  it('the callee refusing with cancelCall gives both After 1021', async () => {
    sim.addAgent({ companyId: COMPANY, agentNumber: '1002', password: '123456', autoAnswer: false });
    await k.loginIdle('1001');
    await k.loginIdle('1002');
    await k.ok('1001', 'makeCall', { called: '1002' });
    await k.waitEvent('1002', 'AgentRinging');
    await k.ok('1002', 'cancelCall');
    expect((await k.waitEvent('1001', 'After')).data.cause).toBe(1021);
    expect((await k.waitEvent('1002', 'After')).data.cause).toBe(1021);
  });
});

describe('hold and mute', () => {
  it('refuses hold / unHold / mute / unmute without a call, and before the conversation', async () => {
    await k.loginIdle('1001');
    for (const r of ['hold', 'unHold', 'mute', 'unmute', 'cancelCall']) await k.refused('1001', r, {}, MSG.notInCall);
    sim.setPartyMode('manual');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    await k.waitEvent('1001', 'CalledRinging');
    await k.refused('1001', 'hold', {}, MSG.notTalking);
    await k.refused('1001', 'mute', {}, MSG.notTalking);
  });

  it('hold has no event and changes no nowState; the state rules are enforced', async () => {
    await k.loginIdle('1001');
    await k.talk('1001');
    const before = k.events('1001').length;
    await k.refused('1001', 'unHold', {}, MSG.notHeld);
    await k.ok('1001', 'hold');
    expect(k.stateOf('1001').call.held).toBe(true);
    await k.refused('1001', 'hold', {}, MSG.alreadyHeld);
    await k.ok('1001', 'unHold');
    expect(k.stateOf('1001').call.held).toBe(false);
    expect(k.events('1001').length).toBe(before);
    expect(k.stateOf('1001').nowState).toBe('Conversation');
  });

  it('Mute and Unmute events (Unmute carries callType)', async () => {
    await k.loginIdle('1001');
    await k.talk('1001');
    await k.refused('1001', 'unmute', {}, MSG.notMuted);
    const s = await k.ok('1001', 'mute');
    expect(await k.waitEvent('1001', 'Mute')).toMatchObject({ sequence: s, data: null, nowState: 'Conversation' });
    await k.refused('1001', 'mute', {}, MSG.alreadyMuted);
    await k.ok('1001', 'unmute');
    expect((await k.waitEvent('1001', 'Unmute')).data).toEqual({ callType: 'normal' });
  });
});

describe('inbound calls and the agent’s own phone', () => {
  it('delivers an incoming call: AgentRinging (callDirection 0) → AgentAnswer → Conversation', async () => {
    await k.loginIdle('1001');
    const { occCallId } = sim.incoming({ caller: '13700000001', agentNumber: '1001', userData: 'order-7' });
    const conv = await k.waitEvent('1001', 'Conversation');
    expect(k.names('1001').slice(-3)).toEqual(['AgentRinging', 'AgentAnswer', 'Conversation']);
    expect(conv).toMatchObject({ userData: 'order-7', data: { callDirection: 0, caller: '13700000001', called: '02160000001', occCallId, userData: 'order-7' } });
    expect(typeof conv.data.inQueueTime).toBe('number');
    sim.customerHangup('13700000001');
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ callDirection: 0, cause: 0, hangupDirection: 1 });
  });

  it('only to an Idle, logged-in agent; a group picks its longest-idle agent', async () => {
    expect(() => sim.incoming({ caller: '137', agentNumber: '1001' })).toThrow(/not logged in/);
    await k.login('1001');
    expect(() => sim.incoming({ caller: '137', agentNumber: '1001' })).toThrow(/not Idle/);
    await k.ok('1001', 'idle');
    await k.loginIdle('1002');
    const { agentNumber } = sim.incoming({ caller: '137', groupId: DEFAULT_COMPANY.groups![0]!.id });
    expect(agentNumber).toBe('1001');
  });

  it('an incoming call the agent rejects or lets ring out ends in After (1021 / 1607)', async () => {
    await sim.close();
    await startSim({ agentAutoAnswer: false });
    await k.loginIdle('1001');
    sim.incoming({ caller: '13700000001', agentNumber: '1001' });
    await k.waitEvent('1001', 'AgentRinging');
    await k.ok('1001', 'cancelCall');
    expect((await k.waitEvent('1001', 'After')).data.cause).toBe(1021);
    await k.waitEvent('1001', 'Idle');
    sim.incoming({ caller: '13700000001', agentNumber: '1001' });
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1607, data: '振铃超时' });
  });

  it('a call dialled on the agent’s phone starts with AgentOriginate', async () => {
    await k.loginIdle('1001');
    sim.agentDial('13900000009', '1001');
    await k.waitEvent('1001', 'Conversation');
    const names = k.names('1001');
    expect(names.slice(names.indexOf('AgentOriginate'))).toEqual(['AgentOriginate', 'CalledRinging', 'CalledAnswer', 'Conversation']);
    sim.agentHangup('1001');
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ hangupDirection: 0, cause: 0 });
    expect(k.names('1001')).not.toContain('CancelCall');
  });

  it('WebRTC (loginType 3): the agentLeg hook is the agent’s phone; rejecting it fails the call', async () => {
    const legs: AgentLegCall[] = [];
    let refuse = false;
    await sim.close();
    await startSim({
      agentLeg: async (agent, leg) => {
        legs.push(leg);
        expect(agent.agentNumber).toBe('1001');
        await new Promise((r) => setTimeout(r, 30));
        if (refuse) throw new Error('486 Busy Here');
      },
    });
    const login = await k.login('1001', 3);
    await k.ok('1001', 'idle');
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    await k.waitEvent('1001', 'AgentRinging');
    expect(k.stateOf('1001').call.phone).toBe('webrtc');
    const conv = await k.waitEvent('1001', 'Conversation');
    expect(legs[0]).toMatchObject({ sipUri: `sip:${login.data.webrtcSipId}@${login.data.webrtcDomain}`, callId: conv.data.occCallId });
    expect(legs[0]!.signal.aborted).toBe(false);
    await k.ok('1001', 'cancelCall');
    // The platform is done with the leg: its SIP call to the browser phone is to be hung up.
    expect(legs[0]!.signal.aborted).toBe(true);
    await k.waitEvent('1001', 'Idle');
    refuse = true;
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    expect((await k.waitEvent('1001', 'MakeCallFail')).data.cause).toBe('拒绝应答');
  });

  it('WebRTC: the browser phone hanging up ends the agent’s leg (After, no CancelCall); a customer hanging up ends the SIP leg', async () => {
    const legs: AgentLegCall[] = [];
    await sim.close();
    await startSim({ agentLeg: async (_agent, leg) => void legs.push(leg) });
    await k.loginIdle('1001', 3);
    await k.talk('1001');
    sim.clearEvents();
    legs[0]!.hungUp();
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ hangupDirection: 0 });
    expect(k.names('1001')).not.toContain('CancelCall');
    expect(legs[0]!.signal.aborted).toBe(true);
    // A late BYE of a leg already over changes nothing.
    legs[0]!.hungUp();
    await k.waitEvent('1001', 'Idle');
    await k.talk('1001');
    sim.customerHangup();
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ hangupDirection: 1 });
    expect(legs[1]!.signal.aborted).toBe(true);
  });

  it('WebRTC: a browser phone that never answers is hung up when the ring times out', async () => {
    const legs: AgentLegCall[] = [];
    await sim.close();
    await startSim({ agentRingTimeoutMs: 100, agentLeg: (_agent, leg) => (legs.push(leg), new Promise<void>(() => undefined)) });
    await k.loginIdle('1001', 3);
    await k.ok('1001', 'makeCall', { called: '13900000001' });
    expect((await k.waitEvent('1001', 'MakeCallFail')).data.cause).toBeTruthy();
    expect(legs[0]!.signal.aborted).toBe(true);
  });

  it('loginType 1 does not use the WebRTC hook', async () => {
    let called = 0;
    await sim.close();
    await startSim({ agentLeg: async () => void (called += 1) });
    await k.loginIdle('1001', 1);
    await k.talk('1001');
    expect(called).toBe(0);
  });
});

describe('idleAgent', () => {
  it('lists the group’s idle agents; an unknown group is refused', async () => {
    const g1 = DEFAULT_COMPANY.groups![0]!.id;
    await k.loginIdle('1001');
    await k.loginIdle('1002');
    await k.login('1009');
    await k.ok('1002', 'busy');
    const s = await k.ok('1001', 'idleAgent', { groupId: g1 });
    const ev: Json = await k.waitEvent('1001', 'IdleAgent');
    expect(ev.sequence).toBe(s);
    expect(ev.data.agentList).toEqual([{ agentId: expect.any(String), agentNumber: '1001', agentName: '座席1001' }]);
    await k.refused('1001', 'idleAgent', { groupId: 'nope' }, MSG.noGroup);
  });
});
