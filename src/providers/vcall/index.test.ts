/**
 * The v-call sessions with fakeContext, a fake event stream, a fake platform (fetch level) and the
 * fake browser phone: what the agent sees for each thing the platform says or does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { failure, fakeContext } from '../../../test/support/provider-context.ts';
import { FakePhone } from '../../../test/support/fake-phone.ts';
import { CallbarError } from '../../shared/errors.ts';
import { createVcallProvider } from './index.ts';
import { vcallSettingsSchema, type VcallSettings } from './vcall-info.ts';
import type { ProviderSession } from '../provider.ts';
import type { VcallAgentSession } from './vcall-session.ts';
import type { StreamStatus, VcallStreamConfig, VcallStreamHandlers } from './vcall-stomp.ts';

const AGENT = vcallSettingsSchema.parse({
  mode: 'agent',
  server: 'https://cc.v-call.cn',
  companyId: 'co1',
  agentNumber: '1001',
  password: 'pw',
  loginType: '1',
  streamUrl: 'wss://cc.v-call.cn/ws',
  connectAccount: 'mq',
  connectPassword: 'mqpw',
  vhost: 'vh',
  subscribePath: '/exchange/agent/1001',
  phoneWsUrl: 'wss://sip.example.com:7443',
});

type Body = Record<string, unknown>;

/** The platform: records every request, acknowledges it (or not), and may push events in answer. */
class FakePlatform {
  readonly requests: { path: string; body: Body }[] = [];
  /** Replies by request name (control) or path: the next reply for it. */
  readonly replies = new Map<string, Body>();
  /** Called after a request was acknowledged: push the events it causes. */
  onRequest: (body: Body, path: string) => void = () => undefined;
  tokens = 0;
  fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const path = new URL(url).pathname;
    const body = JSON.parse(String(init.body)) as Body;
    this.requests.push({ path, body });
    const key = path === '/ccs/api/agent/control' ? String(body.request) : path;
    let reply = this.replies.get(key);
    this.replies.delete(key);
    if (!reply) {
      if (path === '/ccs/api/agent/control') reply = { code: '0', data: { sequence: body.sequence }, msg: 'success' };
      else if (path === '/api/token') reply = { code: 0, msg: 'success', data: { token: `tk${++this.tokens}`, expireTime: Date.now() + 24 * 3600_000 } };
      else reply = { code: '0000', msg: 'success', data: { callId: `call-${this.requests.length}` } };
    }
    setTimeout(() => this.onRequest(body, path), 0);
    return new Response(JSON.stringify(reply), { status: 200 });
  };
  controls(): string[] {
    return this.requests.filter((r) => r.path === '/ccs/api/agent/control').map((r) => String(r.body.request));
  }
  last(request: string): Body | undefined {
    return this.requests.filter((r) => r.body.request === request).at(-1)?.body;
  }
}

/** The event stream: the test connects it, drops it, and delivers message bodies. */
class FakeStream {
  config: VcallStreamConfig | null = null;
  handlers: VcallStreamHandlers | null = null;
  closed = 0;
  opened = 0;
  open = (config: VcallStreamConfig, handlers: VcallStreamHandlers) => {
    this.config = config;
    this.handlers = handlers;
    this.opened++;
    // Connects at once, as a reachable broker does.
    queueMicrotask(() => handlers.onStatus({ kind: 'connected', reconnected: false }));
    return { close: () => void this.closed++ };
  };
  status(status: StreamStatus): void {
    this.handlers!.onStatus(status);
  }
  deliver(event: Body): Promise<void> {
    return this.handlers!.onMessage(JSON.stringify(event));
  }
  deliverRaw(body: string): Promise<void> {
    return this.handlers!.onMessage(body);
  }
}

const LOGIN = {
  token: 'ccs',
  sipId: '210000000',
  sipPassword: 'sp',
  domain: '120.0.0.1',
  agentType: 0,
  groupIdList: ['g1', 'g2'],
  busyType: '午休,培训',
  agentMakeCall: 1,
  registered: 1,
  webrtcSipId: 'w210000000',
  webrtcSipPassword: 'wp',
  webrtcDomain: 'sip.dimld.com',
  groupInfoList: [
    { id: 'g1', name: '研发部2', isMaster: true },
    { id: 'g2', name: '售后', isMaster: false },
  ],
  ivrList: [{ id: 'ivr1', name: '满意度' }],
};

let clock = 1_700_000_000_000;
function event(name: string, data: Body = {}, extra: Body = {}): Body {
  clock += 1000;
  return { type: 'event', event: name, nowState: name, eventTime: clock, sequence: 0, companyId: 'co1', agentNumber: '1001', data, ...extra };
}

const sessions: ProviderSession[] = [];
const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
  sessions.length = 0;
});

function setup(settings: Partial<VcallSettings> = {}, cursor?: unknown) {
  const platform = new FakePlatform();
  const stream = new FakeStream();
  const phone = new FakePhone();
  const { ctx, state } = fakeContext(cursor, phone);
  const provider = createVcallProvider(stream.open, { fetch: platform.fetch, eventTimeoutMs: 200, heartbeatMs: 60_000 });
  const merged = { ...AGENT, ...settings };
  const session = provider.createSession(merged, ctx) as VcallAgentSession;
  sessions.push(session);
  // The platform answers a login with the Login event carrying the request's sequence.
  platform.onRequest = (body) => {
    if (body.request === 'login') void stream.deliver(event('Login', { ...LOGIN, loginType: body.loginType }, { sequence: body.sequence, nowState: 'Login' }));
  };
  const resume = () => {
    const abort = new AbortController();
    aborts.push(abort);
    session.resume(abort.signal);
    return abort;
  };
  return { platform, stream, phone, ctx, state, session, resume };
}

const OUT = { callDirection: 1, caller: '95000', called: '15800000000', occCallId: 'occ-1' };

describe('v-call agent login', () => {
  it('loginType 1: the stream opens with the queue settings, login goes out, the Login event completes it', async () => {
    const { platform, stream, state, session, phone } = setup();
    const agent = await session.login();
    expect(agent).toEqual({ name: '1001', extension: '1001', maskNumbers: true });
    expect(stream.config).toEqual({ url: 'wss://cc.v-call.cn/ws', login: 'mq', passcode: 'mqpw', vhost: 'vh', destination: '/exchange/agent/1001', heartbeatMs: 10_000, maxReconnect: 10 });
    expect(platform.last('login')).toMatchObject({ companyId: 'co1', agentNumber: '1001', request: 'login', password: 'pw', loginType: '1' });
    expect(state.agentState).toBe('login');
    expect(phone.commands).toEqual([]);
    // The company's busy reasons become agent states; not a supervisor: no supervisor actions.
    const caps = session.loggedInCapabilities();
    expect(caps?.agentStates.map((s) => s.id)).toEqual(expect.arrayContaining(['idle', 'busy', 'busy:午休', 'busy:培训']));
    expect(caps?.extraActions.some((a) => a.id === 'listen')).toBe(false);
    expect(caps?.answer).toBe(false);
  });

  it('loginType 2 (mobile): loginType "2", no browser phone', async () => {
    const { platform, session, phone } = setup({ loginType: '2' });
    await session.login();
    expect(platform.last('login')?.loginType).toBe('2');
    expect(phone.commands).toEqual([]);
  });

  it('loginType 3: the browser phone registers with the Login event’s WebRTC account', async () => {
    const { session, phone } = setup({ loginType: '3' });
    await session.login();
    expect(phone.commands).toEqual([
      { type: 'register', dnd: false, account: { wsUrl: 'wss://sip.example.com:7443', uri: 'sip:w210000000@sip.dimld.com', password: 'wp', iceServers: [], dtmfMode: 'rfc4733' } },
    ]);
    expect(session.loggedInCapabilities()?.answer).toBe(true);
  });

  it('a refused login says why, with the platform’s words after ours, and closes the stream', async () => {
    const { platform, stream, session } = setup();
    platform.replies.set('login', { code: '-1', msg: '密码错误' });
    const error = await failure(session.login());
    expect(error.code).toBe('auth');
    expect(error.message).toBe('登录座席失败：密码错误（错误码 -1）');
    expect(stream.closed).toBe(1);
  });

  it('the previous session’s Logout still in the queue (CallBar closed the stream before logging out) ends nothing', async () => {
    const { platform, stream, state, session } = setup();
    platform.onRequest = (body) => {
      if (body.request !== 'login') return;
      const sequence = Number(body.sequence);
      void (async () => {
        // The durable queue first hands out what waited there: the Logout answering the last logout request…
        await stream.deliver(event('Logout', {}, { sequence: sequence - 60_000, nowState: 'Logout' }));
        // …then this login's answer.
        await stream.deliver(event('Login', { ...LOGIN, loginType: body.loginType }, { sequence, nowState: 'Login' }));
      })();
    };
    await session.login();
    expect(state.ended).toBeNull();
    expect(state.agentState).toBe('login');
    // A Logout the platform pushes now (no request of ours: an administrator, sequence 0) still ends it.
    await stream.deliver(event('Logout', {}, { nowState: 'Logout' }));
    expect(state.ended?.message).toMatch(/./);
  });

  it('no Login event in time: a timeout that names the event settings', async () => {
    const { platform, session } = setup();
    platform.onRequest = () => undefined;
    const error = await failure(session.login());
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('没有推送登录结果');
  });
});

describe('v-call calls', () => {
  it('dial → the platform’s events → hang up → After: the cause and the recording are kept', async () => {
    const { platform, stream, state, session, resume } = setup();
    await session.login();
    resume();
    await session.dial('15800000000');
    expect(platform.last('makeCall')).toMatchObject({ request: 'makeCall', called: '15800000000', callAgentType: 'default' });
    expect(state.call).toMatchObject({ state: 'dialing', number: '15800000000' });
    await stream.deliver(event('AgentRinging', OUT));
    await stream.deliver(event('AgentAnswer', OUT));
    await stream.deliver(event('CalledRinging', { ...OUT, callType: 'normal' }));
    expect(state.call).toMatchObject({ state: 'ringing', vendorCallId: 'occ-1' });
    await stream.deliver(event('CalledAnswer', { ...OUT, callType: 'normal' }));
    await stream.deliver(event('Conversation', { ...OUT, callType: 'normal' }));
    expect(state.call?.state).toBe('connected');
    expect(state.agentState).toBe('inCall');
    await session.hangup();
    expect(platform.controls().at(-1)).toBe('cancelCall');
    await stream.deliver(
      event('After', { ...OUT, cause: 0, data: '正常结束', hangupDirection: 0, beginTime: String(clock - 9000), answerTime: clock - 6000, endTime: clock, recordPath: 'https://rec/occ-1.mp3', agentAutoIdleTime: 20 }),
    );
    expect(state.call).toMatchObject({ state: 'ended', cause: '正常结束（座席挂断）' });
    expect(state.records).toEqual([expect.objectContaining({ vendorCallId: 'occ-1', result: '正常结束（座席挂断）', recording: 'https://rec/occ-1.mp3', talkSeconds: 6 })]);
    expect(state.agentState).toBe('afterCall');
    expect(session.loggedInCapabilities()?.agentStates.find((s) => s.id === 'afterCall')?.countdownSeconds).toBe(20);
  });

  it('an unanswered dial ends with the After cause in both the card and the record', async () => {
    const { stream, state, session, resume } = setup();
    await session.login();
    resume();
    await session.dial('15800000000');
    await stream.deliver(event('CalledRinging', OUT));
    await stream.deliver(event('After', { ...OUT, cause: 1017, data: '用户忙' }));
    expect(state.call?.cause).toBe('用户忙');
    expect(state.records[0]?.result).toBe('用户忙');
  });

  it('MakeCallFail ends the dial with the platform’s reason', async () => {
    const { stream, state, session, resume } = setup();
    await session.login();
    resume();
    await session.dial('15800000000');
    await stream.deliver(event('MakeCallFail', { cause: '外显号码未分配' }));
    expect(state.call).toMatchObject({ state: 'ended', cause: '呼叫失败：外显号码未分配' });
  });

  it('loginType 3: the phone expects the platform’s call before makeCall; 接听 answers on the phone', async () => {
    const { phone, platform, stream, state, session, resume } = setup({ loginType: '3' });
    await session.login();
    resume();
    await session.dial('15800000000');
    expect(phone.types().slice(-1)).toEqual(['expect-call']);
    expect(platform.controls().at(-1)).toBe('makeCall');
    await stream.deliver(event('After', { ...OUT, cause: 1017 }));
    // A customer calls in.
    await stream.deliver(event('AgentRinging', { callDirection: 0, caller: '13900000000', called: '1001', occCallId: 'occ-2' }));
    expect(state.call).toMatchObject({ state: 'incoming', number: '13900000000' });
    phone.status = { ...phone.status, call: { id: 'sip-1', direction: 'inbound', remote: '95000', state: 'incoming', muted: false, startedAt: 1, digits: '' } };
    await session.answer();
    expect(phone.commands.at(-1)).toEqual({ type: 'answer', callId: 'sip-1' });
  });

  it('loginType 3: a dial that fails withdraws the phone’s expectation, so the next customer’s call is not answered by itself', async () => {
    const { phone, platform, stream, state, session, resume } = setup({ loginType: '3' });
    await session.login();
    resume();
    const expectations = () => phone.commands.flatMap((c) => (c.type === 'expect-call' ? [c.withinMs] : []));
    await session.dial('15800000000');
    // In the call: the expectation stands until the platform's call comes.
    await stream.deliver(event('AgentRinging', OUT));
    expect(expectations()).toEqual([60_000]);
    await stream.deliver(event('MakeCallFail', { cause: '座席电话未注册' }));
    expect(state.call?.state).toBe('ended');
    expect(expectations()).toEqual([60_000, 0]);
    // The platform refuses the request itself.
    platform.replies.set('makeCall', { code: '-1', msg: '座席状态不允许' });
    await expect(session.dial('15800000001')).rejects.toThrow('座席状态不允许');
    expect(expectations()).toEqual([60_000, 0, 60_000, 0]);
    // loginType 1 never touches the phone.
    const sip = setup();
    await sip.session.login();
    sip.resume();
    await sip.session.dial('15800000000');
    await sip.stream.deliver(event('MakeCallFail', { cause: 'x' }));
    expect(sip.phone.commands).toEqual([]);
  });

  it('a consultation started while an event is being written is still known to 咨询转接 (no lost cursor update)', async () => {
    const { ctx, stream, platform, session, resume } = setup();
    await session.login();
    resume();
    await stream.deliver(event('AgentRinging', { callDirection: 0, caller: '139', occCallId: 'o3' }));
    await stream.deliver(event('AgentAnswer', { callDirection: 0, caller: '139', occCallId: 'o3' }));
    // The next event's write is slow (storage under load): the consult is accepted meanwhile.
    const emit = ctx.emit.bind(ctx);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    ctx.emit = async (events, options) => {
      await gate;
      return emit(events, options);
    };
    const slow = stream.deliver(event('Mute', {}));
    const consult = session.extraAction('consult', '13800000002', 'number');
    await new Promise((r) => setTimeout(r, 20));
    release();
    await Promise.all([slow, consult]);
    ctx.emit = emit;
    await session.extraAction('transferConsult');
    expect(platform.last('transferCall')).toMatchObject({ transferType: '2', transferId: '13800000002', transferMode: 1 });
  });

  it('hold and unhold: acknowledged requests (the document has no Hold event)', async () => {
    const { platform, stream, state, session, resume } = setup();
    await session.login();
    resume();
    await stream.deliver(event('AgentRinging', { callDirection: 0, caller: '139', occCallId: 'o2' }));
    await stream.deliver(event('AgentAnswer', { callDirection: 0, caller: '139', occCallId: 'o2' }));
    await session.hold();
    expect(state.call?.state).toBe('held');
    await session.unhold();
    expect(state.call?.state).toBe('connected');
    expect(platform.controls().slice(-2)).toEqual(['hold', 'unHold']);
    await session.transfer('13800000000');
    expect(platform.last('transferCall')).toMatchObject({ transferType: '2', transferId: '13800000000', transferMode: 0 });
    // 咨询转接 hands the call to whoever is being consulted: no consultation, nothing to hand over.
    await expect(session.extraAction('transferConsult')).rejects.toThrow('请先咨询');
    await session.extraAction('consult', '1002', 'agent');
    await session.extraAction('transferConsult');
    expect(platform.last('transferCall')).toMatchObject({ transferType: '1', transferId: '1002', transferMode: 1 });
    await session.extraAction('consult', 'g1', 'group');
    expect(platform.last('consultCall')).toMatchObject({ consultType: '3', consultId: 'g1' });
    await expect(session.extraAction('consult', '1002')).rejects.toThrow('请先选择对象类型');
  });

  it('a refused command: our words, then the platform’s message', async () => {
    const { platform, session, resume } = setup();
    await session.login();
    resume();
    platform.replies.set('idle', { code: '-1', msg: '座席状态不允许' });
    const error = await failure(session.setAgentState('idle'));
    expect(error.message).toBe('示闲失败：座席状态不允许（错误码 -1）');
    await session.setAgentState('busy:午休');
    expect(platform.last('busy')).toMatchObject({ busyType: '午休' });
    await expect(session.setAgentState('busy:不存在')).rejects.toBeInstanceOf(CallbarError);
  });
});

describe('v-call events: delivery', () => {
  it('a redelivered message is applied once, also by the session of a restarted service worker', async () => {
    const { stream, state, session, resume } = setup();
    await session.login();
    resume();
    const ringing = event('AgentRinging', { callDirection: 0, caller: '139', occCallId: 'o9' });
    await stream.deliver(ringing);
    const writes = state.writes.length;
    await stream.deliver(ringing);
    expect(state.writes.length).toBe(writes);
    // The worker is killed; a new session from the stored cursor gets the same message again.
    const restarted = setup({}, state.cursor);
    Object.assign(restarted.state, { call: state.call, agentState: state.agentState });
    restarted.resume();
    await new Promise((r) => setTimeout(r, 0));
    const before = restarted.state.writes.length;
    await restarted.stream.deliver(ringing);
    expect(restarted.state.writes.length).toBe(before);
    // It asked the platform to restore its state (it did not log in itself).
    expect(restarted.platform.controls()).toContain('reconnect');
  });

  it('the event and the cursor recording it are written together; a failed write leaves the message for redelivery', async () => {
    const { stream, state, session, resume } = setup();
    await session.login();
    resume();
    const idle = event('Idle');
    state.failEmits = 1;
    await expect(stream.deliver(idle)).rejects.toThrow('storage write failed');
    expect(state.agentState).toBe('login');
    await stream.deliver(idle);
    expect(state.agentState).toBe('idle');
    const last = state.writes.at(-1)!;
    expect((last.cursor as { applied: string[] }).applied.length).toBeGreaterThan(0);
  });

  it('a malformed message is acknowledged, logged and shown, and changes nothing', async () => {
    const { stream, state, session, resume } = setup();
    await session.login();
    resume();
    await expect(stream.deliverRaw('{"no":"event"')).resolves.toBeUndefined();
    expect(state.problem).toMatchObject({ code: 'malformed-reply', message: '收到一条无法识别的平台事件，已忽略' });
    await stream.deliver(event('Idle'));
    expect(state.problem).toBeNull();
  });

  it('reconnect after a drop: the banner counts the attempts, then `reconnect` restores the state', async () => {
    const { platform, stream, state, session, resume } = setup();
    await session.login();
    resume();
    stream.status({ kind: 'retrying', attempt: 1, max: 10, error: 'closed' });
    expect(state.problem?.message).toBe('正在重连（第 1/10 次）');
    stream.status({ kind: 'retrying', attempt: 2, max: 10, error: 'closed' });
    expect(state.problem?.message).toBe('正在重连（第 2/10 次）');
    stream.status({ kind: 'connected', reconnected: true });
    expect(state.problem).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect(platform.last('reconnect')).toMatchObject({ request: 'reconnect', companyId: 'co1', agentNumber: '1001' });
    await stream.deliver(event('Reconnect', LOGIN, { nowState: 'Busy' }));
    expect(state.agentState).toBe('busy');
  });

  it('the stream gives up: a clear banner', async () => {
    const { stream, state, session, resume } = setup();
    await session.login();
    resume();
    stream.status({ kind: 'failed', error: 'refused' });
    expect(state.problem).toMatchObject({ code: 'unreachable', message: '无法连接平台的事件推送，通话和座席状态不会更新' });
  });

  it.each([
    ['Kick', '座席已在别处登录，本次登录被踢出'],
    ['SipError', '话机异常（已取消注册），座席已被平台签出'],
  ])('%s ends the session with the reason', async (name, reason) => {
    const { stream, state, session, resume } = setup();
    await session.login();
    resume();
    await stream.deliver(event(name));
    expect(state.problem).toMatchObject({ code: 'not-logged-in', message: reason });
    expect(state.agentState).toBe('loggedOut');
    expect(stream.closed).toBe(1);
    const error = await failure(session.dial('15800000000'));
    expect(error).toMatchObject({ code: 'not-logged-in', message: reason });
    // A restarted worker keeps it ended and does not reopen the stream.
    const again = setup({}, state.cursor);
    again.resume();
    expect(again.stream.opened).toBe(0);
    expect(again.state.problem?.message).toBe(reason);
  });
});

describe('v-call pick lists and supervisor', () => {
  it('idle agents to consult: one idleAgent per skill group, each answered by its IdleAgent event', async () => {
    const { platform, stream, session, resume } = setup();
    await session.login();
    resume();
    platform.onRequest = (body) => {
      if (body.request !== 'idleAgent') return;
      const agents = body.groupId === 'g1' ? [{ agentNumber: '1002', agentName: '李四' }, { agentNumber: '1001', agentName: '我' }] : [{ agentNumber: '1003', agentName: '王五' }, { agentNumber: '1002', agentName: '李四' }];
      void stream.deliver(event('IdleAgent', { agentList: agents }, { sequence: body.sequence }));
    };
    const options = await session.inputOptions('consult', 'agent');
    expect(options).toEqual([
      { value: '1002', label: '1002 李四' },
      { value: '1003', label: '1003 王五' },
    ]);
    expect(platform.requests.filter((r) => r.body.request === 'idleAgent').map((r) => r.body.groupId)).toEqual(['g1', 'g2']);
    expect(await session.inputOptions('transferBlind', 'group')).toEqual([
      { value: 'g1', label: '研发部2' },
      { value: 'g2', label: '售后' },
    ]);
    expect(await session.inputOptions('consult', 'ivr')).toEqual([{ value: 'ivr1', label: '满意度' }]);
  });

  it('no IdleAgent event: the SDK’s timeout, as an error', async () => {
    const { session, resume } = setup();
    await session.login();
    resume();
    await expect(session.inputOptions('consult', 'agent')).rejects.toMatchObject({ code: 'timeout' });
  });

  it('a supervisor (agentType 1) gets the team and the supervisor actions; others are refused', async () => {
    const { platform, stream, state, session, resume } = setup();
    platform.onRequest = (body) => {
      if (body.request === 'login') void stream.deliver(event('Login', { ...LOGIN, agentType: 1 }, { sequence: body.sequence }));
      if (body.request === 'surveillance') void stream.deliver(event('Surveillance', { agentList: [{ agentNumber: '1002', agentName: '李四', nowState: 'Idle' }] }, { sequence: body.sequence }));
    };
    await session.login();
    resume();
    expect(session.loggedInCapabilities()?.extraActions.map((a) => a.id)).toContain('forceInsert');
    expect(await session.inputOptions('listen')).toEqual([{ value: '1002', label: '1002 李四 · Idle' }]);
    await session.extraAction('forceBusy', '1002');
    expect(platform.last('forceBusy')).toMatchObject({ request: 'forceBusy', beAgentNumber: '1002' });
    expect(state.notes.at(-1)).toBe('已发出“强制示忙”：座席 1002');
    await expect(session.extraAction('listen', '1001')).rejects.toThrow('不能对自己');
    const plain = setup();
    await plain.session.login();
    await expect(plain.session.extraAction('listen', '1002')).rejects.toThrow('只有班长');
  });
});

describe('v-call open call and callback', () => {
  const OPEN = vcallSettingsSchema.parse({ mode: 'openCall', server: 'https://cc.v-call.cn', agentNumber: '0001', accessKeyId: 'ak', accessKeySecret: 'sk', callnum: '95000' });

  function direct(settings: VcallSettings, cursor?: unknown) {
    const platform = new FakePlatform();
    const { ctx, state } = fakeContext(cursor);
    const session = createVcallProvider(undefined, { fetch: platform.fetch }).createSession(settings, ctx);
    return { platform, state, session };
  }

  it('login checks the keys; every dial reuses the token; the card says the platform accepted the call', async () => {
    const { platform, state, session } = direct(OPEN);
    expect(await session.login()).toEqual({ name: '0001', extension: '0001', maskNumbers: true });
    expect(platform.requests[0]).toEqual({ path: '/api/token', body: { accessKeyId: 'ak', accessKeySecret: 'sk' } });
    await session.dial('15800000000');
    await session.dial('15800000001');
    expect(platform.requests.map((r) => r.path)).toEqual(['/api/token', '/api/agent/open/call', '/api/agent/open/call']);
    expect(platform.requests[1]!.body).toEqual({ token: 'tk1', agentNum: '0001', called: '15800000000', callnum: '95000', type: 'default' });
    expect(state.call).toMatchObject({ state: 'ended', number: '15800000001', vendorCallId: 'call-3' });
    expect(state.call?.cause).toContain('平台已受理呼叫请求');
    // A restarted worker uses the saved token.
    const again = direct(OPEN, state.cursor);
    await again.session.dial('15800000002');
    expect(again.platform.requests.map((r) => r.path)).toEqual(['/api/agent/open/call']);
  });

  it('two-leg callback: caller is the agent’s phone', async () => {
    const CB = vcallSettingsSchema.parse({ mode: 'callback', server: 'https://cc.v-call.cn', callerPhone: '13800000000', accessKeyId: 'ak', accessKeySecret: 'sk', callbackType: 'click' });
    const { platform, state, session } = direct(CB);
    await session.login();
    await session.dial('15800000000');
    expect(platform.requests[1]).toEqual({ path: '/api/sip/makecall', body: { token: 'tk1', caller: '13800000000', called: '15800000000', type: 'click' } });
    expect(state.call?.cause).toContain('平台已受理回呼请求');
  });

  it('a token the platform no longer accepts (403 no auth) is replaced once, and the dial goes out once more', async () => {
    const { platform, state, session } = direct(OPEN);
    await session.login();
    platform.replies.set('/api/agent/open/call', { code: '403', msg: 'no auth', data: null });
    await session.dial('15800000000');
    await session.dial('15800000001');
    expect(platform.requests.map((r) => r.path)).toEqual(['/api/token', '/api/agent/open/call', '/api/token', '/api/agent/open/call', '/api/agent/open/call']);
    expect(platform.requests.slice(3).map((r) => r.body.token)).toEqual(['tk2', 'tk2']);
    expect(state.call?.cause).toContain('平台已受理呼叫请求');
    // Refused again with the new token: the agent reads why, and no third token is asked for.
    const again = new FakePlatform();
    let refusals = 2;
    const fetch = async (url: string, init: RequestInit) => {
      if (new URL(url).pathname === '/api/agent/open/call' && refusals-- > 0) again.replies.set('/api/agent/open/call', { code: '403', msg: 'no auth', data: null });
      return again.fetch(url, init);
    };
    const refused = createVcallProvider(undefined, { fetch }).createSession(OPEN, fakeContext().ctx);
    await refused.login();
    expect((await failure(refused.dial('15800000002'))).message).toBe('外呼失败：平台不接受授权（token 已失效），请重新登录；仍然不行请检查 AccessKey（错误码 403）');
    expect(again.requests.map((r) => r.path)).toEqual(['/api/token', '/api/agent/open/call', '/api/token', '/api/agent/open/call']);
  });

  it('a dial whose answer is lost or unreadable is not sent again: shown ended, outcome unknown, with a row; the token request’s own failure placed nothing', async () => {
    const platform = new FakePlatform();
    let fault: 'timeout' | 'cut' | null = null;
    const fetch = async (url: string, init: RequestInit) => {
      const reply = await platform.fetch(url, init);
      if (fault === 'timeout' && new URL(url).pathname !== '/api/token') throw new DOMException('The operation timed out.', 'TimeoutError');
      if (fault === 'cut' && new URL(url).pathname !== '/api/token') return new Response((await reply.text()).slice(0, 9), { status: 200 });
      return reply;
    };
    const { ctx, state } = fakeContext();
    const session = createVcallProvider(undefined, { fetch }).createSession(OPEN, ctx);
    await session.login();
    fault = 'timeout';
    await session.dial('15800000000');
    expect(state.call).toMatchObject({ state: 'ended', number: '15800000000', answerUnknown: true, cause: '外呼请求超时：呼叫可能已经发出，请看话机是否振铃，不要重复拨打' });
    expect(state.call?.vendorCallId).toBeUndefined();
    fault = 'cut';
    await session.dial('15800000001');
    expect(state.call).toMatchObject({ state: 'ended', number: '15800000001', answerUnknown: true, cause: '外呼请求的回复无法识别：呼叫可能已经发出，请看话机是否振铃，不要重复拨打' });
    expect(platform.requests.map((r) => r.path)).toEqual(['/api/token', '/api/agent/open/call', '/api/agent/open/call']);
    // A token request that times out placed nothing: an error, no call shown.
    const { ctx: ctx2, state: state2 } = fakeContext();
    const noToken = createVcallProvider(undefined, { fetch: () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')) }).createSession(OPEN, ctx2);
    expect(await failure(noToken.dial('15800000002'))).toMatchObject({ code: 'timeout' });
    expect(state2.call).toBeNull();
  });

  it('refused keys and refused dials say why', async () => {
    const { platform, session } = direct(OPEN);
    platform.replies.set('/api/token', { code: 1, msg: 'accessKey无效' });
    expect((await failure(session.login())).message).toBe('获取平台授权失败，请检查 AccessKey ID 和 AccessKey Secret：accessKey无效（错误码 1）');
    await session.login();
    platform.replies.set('/api/agent/open/call', { code: '-1', msg: '座席不存在' });
    expect((await failure(session.dial('15800000000'))).message).toBe('外呼失败：座席不存在（错误码 -1）');
  });
});
