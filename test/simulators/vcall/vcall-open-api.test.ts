/**
 * The v-call simulator's token-based APIs (token, agent/open/call, sip/makecall), its scripted
 * faults (failNext) and the ordered outbox, in process with the in-memory publisher; plus the
 * /_sim/ control routes over HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST, Kit } from './test-kit.ts';
import { DEFAULT_COMPANY, MemoryPublisher, VcallSimulator, type VcallSimulatorOptions } from './vcall-simulator.ts';

let sim: VcallSimulator;
let k: Kit;
let publisher: MemoryPublisher;

async function startSim(opts: VcallSimulatorOptions = {}): Promise<void> {
  publisher = new MemoryPublisher();
  sim = new VcallSimulator({ ...FAST, publisher, ...opts });
  await sim.start();
  k = new Kit(sim);
}

beforeEach(async () => {
  await startSim();
});

afterEach(async () => {
  await sim.close();
});

const KEYS = { accessKeyId: DEFAULT_COMPANY.accessKeyId, accessKeySecret: DEFAULT_COMPANY.accessKeySecret };
const HOUR = 3600_000;

describe('token', () => {
  it('gives a token valid 24 h (expireTime in ms); the same token until its last 4 h, then a new one', async () => {
    const first = await k.post('/api/token', KEYS);
    expect(first.json).toEqual({ msg: 'success', code: 0, data: { token: expect.any(String), expireTime: expect.any(Number) } });
    expect(Math.abs(first.json.data.expireTime - (Date.now() + 24 * HOUR))).toBeLessThan(5000);
    sim.advanceTokenClock(19 * HOUR);
    const same = await k.post('/api/token', KEYS);
    expect(same.json.data).toEqual(first.json.data);
    sim.advanceTokenClock(2 * HOUR);
    const fresh = await k.post('/api/token', KEYS);
    expect(fresh.json.data.token).not.toBe(first.json.data.token);
    expect(fresh.json.data.expireTime).toBeGreaterThan(first.json.data.expireTime);
    const old = await k.post('/api/agent/open/call', { token: first.json.data.token, agentNum: '1001', called: '139' });
    expect(old.json).toEqual({ code: '403', msg: 'no auth', data: null });
  });

  it('refuses wrong or missing keys with code -1', async () => {
    expect((await k.post('/api/token', { ...KEYS, accessKeySecret: 'x' })).json).toEqual({ msg: 'accessKeyId或accessKeySecret错误', code: -1, data: null });
    expect((await k.post('/api/token', { accessKeySecret: 'x' })).json.msg).toBe('accessKeyId不能为空');
    expect((await k.post('/api/token', { accessKeyId: 'x' })).json.msg).toBe('accessKeySecret不能为空');
    expect((await k.post('/api/token', 'nonsense', true)).json.code).toBe(-1);
  });

  it('an expired token gets 403 no auth', async () => {
    const token = await k.token();
    sim.expireTokens();
    expect((await k.post('/api/sip/makecall', { token, caller: '138', called: '158' })).json).toEqual({ code: '403', msg: 'no auth', data: null });
  });
});

describe('agent/open/call', () => {
  it('takes the token only as the body field', async () => {
    const token = await k.token();
    const res = await fetch(`${sim.baseUrl}/api/agent/open/call?token=${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', token, Authorization: `Bearer ${token}` },
      body: JSON.stringify({ agentNum: '1001', called: '139' }),
    });
    expect(await res.json()).toEqual({ code: '403', msg: 'no auth', data: null });
  });

  it('validates every field with code "-1" and a reason', async () => {
    const token = await k.token();
    const call = async (body: Record<string, unknown>) => (await k.post('/api/agent/open/call', { token, ...body })).json;
    expect(await call({ called: '139' })).toEqual({ msg: '座席工号不能为空', code: '-1', data: null });
    expect((await call({ agentNum: '1001' })).msg).toBe('被叫号码不能为空');
    expect((await call({ agentNum: '1001', called: '139', type: 'pstn' })).msg).toBe('接听方式type不正确');
    expect((await call({ agentNum: '7777', called: '139' })).msg).toBe('座席不存在');
    expect((await call({ agentNum: '1001', called: '139', callnum: '95555' })).msg).toBe('外显号码未分配');
  });

  it('starts the logged-in agent’s outbound call (code "0000", callId = occCallId, userData carried)', async () => {
    const token = await k.token();
    await k.loginIdle('1001');
    const { json } = await k.post('/api/agent/open/call', { token, agentNum: '1001', called: '13900000001', userData: 'order-9', callnum: '02160000002', type: 'default' });
    expect(json).toEqual({ msg: 'success', code: '0000', data: { callId: expect.any(String) } });
    const conv = await k.waitEvent('1001', 'Conversation');
    expect(conv).toMatchObject({ userData: 'order-9', data: { occCallId: json.data.callId, caller: '02160000002', called: '13900000001', callDirection: 1 } });
    const again = await k.post('/api/agent/open/call', { token, agentNum: '1001', called: '13900000002' });
    expect(again.json).toEqual({ msg: '座席正在通话中', code: '-1', data: null });
  });

  it('rings an agent that is not logged in all the same, without events', async () => {
    const token = await k.token();
    const { json } = await k.post('/api/agent/open/call', { token, agentNum: '1002', called: '13900000001' });
    expect(json.code).toBe('0000');
    await new Promise((r) => setTimeout(r, 60));
    expect(sim.state.calls).toEqual([expect.objectContaining({ occCallId: json.data.callId, origin: 'openCall', customer: { number: '13900000001', state: 'answered' } })]);
    expect(k.events('1002')).toEqual([]);
    sim.customerHangup('13900000001');
    expect(k.stateOf('1002').nowState).toBe('Logout');
  });
});

describe('sip/makecall (双向回呼)', () => {
  it('validates fields and the click type’s approval', async () => {
    const token = await k.token();
    const call = async (body: Record<string, unknown>) => (await k.post('/api/sip/makecall', { token, ...body })).json;
    expect((await call({ called: '158' })).msg).toBe('主叫号码不能为空');
    expect((await call({ caller: '138' })).msg).toBe('被叫号码不能为空');
    expect((await call({ caller: '138', called: '158', type: 'x' })).msg).toBe('双向回呼方式type不正确');
    expect((await call({ caller: '138', called: '158', type: 'click' })).msg).toBe('点击拨号未审核通过');
    expect((await call({ caller: '138', called: '158', callnum: '1' })).msg).toBe('外显号码未分配');
  });

  it('rings the caller, then the called; outcomes per number', async () => {
    const token = await k.token();
    sim.setPartyMode('manual');
    const { json } = await k.post('/api/sip/makecall', { token, caller: '13800000002', called: '15800000002', userData: 'u1' });
    expect(json).toEqual({ msg: 'success', code: '0000', data: { callId: expect.any(String) } });
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.callbacks[0]).toMatchObject({ callId: json.data.callId, telA: '13800000002', telB: '15800000002', state: 'callingA', userData: 'u1' });
    sim.customerAnswer('13800000002');
    expect(sim.callbacks[0]!.state).toBe('callingB');
    await new Promise((r) => setTimeout(r, 20));
    sim.customerAnswer('15800000002');
    expect(sim.callbacks[0]!.state).toBe('talking');
    sim.customerHangup('15800000002');
    expect(sim.callbacks[0]).toMatchObject({ state: 'ended', hangupGcode: 0, hangupGname: '正常结束', hangupDirection: 2 });
    sim.setPartyMode('busy', '13800000003');
    await k.post('/api/sip/makecall', { token, caller: '13800000003', called: '15800000002' });
    await new Promise((r) => setTimeout(r, 60));
    expect(sim.callbacks[1]).toMatchObject({ state: 'ended', hangupGcode: 1902, hangupGname: '双向回呼主叫失败', hangupDirection: 1 });
  });
});

describe('scripted faults', () => {
  it('code: the route’s own -1 reply, then normal again; the request does nothing', async () => {
    sim.failNext({ route: 'control', kind: 'code', msg: '系统繁忙' });
    const reply = await k.control('1001', 'login', { password: '123456', loginType: 1 }, 77);
    expect(reply).toEqual({ code: '-1', data: { sequence: 77 }, msg: '系统繁忙' });
    expect(k.events('1001')).toEqual([]);
    expect(sim.requests[0]!.fault).toBe('code');
    await k.login('1001');
  });

  it('http500, malformed JSON, and count', async () => {
    sim.failNext({ route: 'token', kind: 'http500', count: 2 });
    expect((await k.post('/api/token', KEYS)).status).toBe(500);
    expect((await k.post('/api/token', KEYS)).status).toBe(500);
    expect((await k.post('/api/token', KEYS)).json.code).toBe(0);
    sim.failNext({ kind: 'malformed' });
    const bad = await k.post('/ccs/api/agent/control', { companyId: 'x' });
    expect(bad.status).toBe(200);
    expect(bad.json).toBeNull();
    expect(() => JSON.parse(bad.text)).toThrow();
  });

  it('timeout: the request is never answered', async () => {
    sim.failNext({ route: 'control', kind: 'timeout' });
    const answered = await fetch(`${sim.baseUrl}/ccs/api/agent/control`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(300) }).then(
      () => true,
      () => false,
    );
    expect(answered).toBe(false);
    expect((await k.control('1001', 'heartbeat')).msg).toBe('座席未登录');
  });
});

describe('outbox', () => {
  it('keeps events while the publisher refuses and publishes them in order when it is back', async () => {
    publisher.down = true;
    await k.login('1001');
    await k.ok('1001', 'idle');
    await k.ok('1001', 'busy');
    await new Promise((r) => setTimeout(r, 60));
    expect(publisher.messages).toEqual([]);
    expect(sim.outbox.pending).toBe(3);
    publisher.down = false;
    await sim.drained();
    expect(publisher.messages.map((m) => JSON.parse(m.body).event)).toEqual(['Login', 'Idle', 'Busy']);
    expect(new Set(publisher.messages.map((m) => m.destination))).toEqual(new Set([`/queue/vcall.${DEFAULT_COMPANY.companyId}.1001`]));
  });

  it('publishes to a configured subscribePath; inject sends any object as it is', async () => {
    sim.addAgent({ companyId: DEFAULT_COMPANY.companyId, agentNumber: '1001', password: '123456', subscribePath: '/queue/custom-1001' });
    sim.inject({ type: 'event', event: 'Lock', weird: true }, '1001');
    await sim.drained();
    expect(publisher.messages).toEqual([{ destination: '/queue/custom-1001', body: '{"type":"event","event":"Lock","weird":true}' }]);
  });
});

describe('/_sim/ control routes', () => {
  async function sim_(path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${sim.baseUrl}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  }

  it('state, incoming (409 when no agent is idle), party mode, reset', async () => {
    expect((await sim_('/_sim/state')).json).toMatchObject({ ok: true, state: { agents: expect.any(Array) } });
    expect((await sim_('/_sim/incoming', { caller: '137', agentNumber: '1001' })).status).toBe(409);
    expect((await sim_('/_sim/incoming', {})).status).toBe(400);
    await k.loginIdle('1001');
    const incoming = await sim_('/_sim/incoming', { caller: '13700000001' });
    expect(incoming.json).toMatchObject({ ok: true, agentNumber: '1001', occCallId: expect.any(String) });
    await k.waitEvent('1001', 'Conversation');
    expect((await sim_('/_sim/party-mode', { mode: 'sometimes' })).status).toBe(400);
    expect((await sim_('/_sim/customer/hangup', {})).json.ok).toBe(true);
    await k.waitEvent('1001', 'After');
    expect((await sim_('/_sim/events')).json.events.length).toBeGreaterThan(3);
    expect((await sim_('/_sim/reset', {})).json.state.agents.every((a: any) => a.nowState === 'Logout')).toBe(true);
    expect((await sim_('/_sim/nothing')).status).toBe(404);
  });

  it('kick, make-call-fail, after-cause and fail-next over HTTP', async () => {
    await k.loginIdle('1001');
    await sim_('/_sim/make-call-fail', { cause: '未获取到码号配置', agentNumber: '1001' });
    await k.ok('1001', 'makeCall', { called: '139' });
    expect((await k.waitEvent('1001', 'MakeCallFail')).data.cause).toBe('未获取到码号配置');
    await sim_('/_sim/after-cause', { cause: 1503 });
    await k.talk('1001');
    await sim_('/_sim/customer/hangup', {});
    expect((await k.waitEvent('1001', 'After')).data).toMatchObject({ cause: 1503, data: '强制挂机' });
    await sim_('/_sim/fail-next', { route: 'control', kind: 'code', msg: '服务繁忙' });
    expect((await k.control('1001', 'heartbeat')).msg).toBe('服务繁忙');
    expect((await sim_('/_sim/fail-next', { kind: 'explode' })).status).toBe(400);
    await sim_('/_sim/kick', { agentNumber: '1001' });
    expect((await k.waitEvent('1001', 'Kick')).nowState).toBe('Logout');
  });
});
