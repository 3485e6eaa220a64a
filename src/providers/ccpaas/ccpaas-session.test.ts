import { afterEach, describe, expect, it } from 'vitest';
import { FakePhone } from '../../../test/support/fake-phone.ts';
import { failure, fakeContext } from '../../../test/support/provider-context.ts';
import { useLocale } from '../../../test/support/locale.ts';
import { ccpaasSettingsSchema } from './ccpaas-info.ts';
import { CcpaasToolbarSession, readCursor } from './ccpaas-session.ts';
import type { CtiCallback, CtiMethod, CtiResult, CtiWire, CtiWireConfig, CtiWireHandlers, OpenCtiWire } from './ccpaas-wire.ts';

afterEach(() => useLocale('zh_CN'));

const OK: CtiResult = { statusCode: '00000', statusMsg: 'success' };
const INITIAL_DATA = { phoneType: 3, workStatus: 1, pstnNumber: '13800000001', sipNumber: '8001', sipPwd: 'sp-8001', wsAddr: 'ws://127.0.0.1:5066' };

type Handler = (params: Record<string, unknown> | undefined) => CtiResult | Promise<CtiResult>;

/**
 * A CTI server behind the wire interface: scripted replies per method, callbacks pushed with seq,
 * drops and replacement. Every request is recorded (method + params) as the real wire would send it.
 */
class FakeCti {
  readonly requests: { method: CtiMethod; params?: Record<string, unknown> }[] = [];
  readonly handlers = new Map<CtiMethod, Handler>([['initial', () => ({ ...OK, data: INITIAL_DATA })]]);
  wires: { config: CtiWireConfig; handlers: CtiWireHandlers; open: boolean; closed: boolean }[] = [];
  seq = 0;
  /** Open automatically (false: the test drives the statuses). */
  autoOpen = true;

  readonly open: OpenCtiWire = (config, handlers) => {
    const entry = { config, handlers, open: false, closed: false };
    this.wires.push(entry);
    const wire: CtiWire = {
      request: async (method, params) => {
        if (!entry.open) throw new Error('socket not open');
        this.requests.push({ method, ...(params ? { params } : {}) });
        const handler = this.handlers.get(method);
        return handler ? handler(params) : OK;
      },
      get open() {
        return entry.open;
      },
      close: () => {
        entry.open = false;
        entry.closed = true;
      },
    };
    if (this.autoOpen)
      queueMicrotask(() => {
        entry.open = true;
        handlers.onStatus({ kind: 'connected', reconnected: false });
      });
    return wire;
  };

  get current() {
    const w = this.wires.at(-1);
    if (!w) throw new Error('no wire');
    return w;
  }

  methods(): string[] {
    return this.requests.map((r) => r.method);
  }

  push(callback: 'onCallEvent' | 'onStatusEvent', data: Record<string, unknown>, seq = ++this.seq): void {
    this.current.handlers.onCallback({ callback, seq, data } as CtiCallback);
  }

  drop(): void {
    this.current.open = false;
    this.current.handlers.onStatus({ kind: 'retrying', attempt: 1, max: 10, error: 'closed 1006' });
  }

  reopen(): void {
    this.current.open = true;
    this.current.handlers.onStatus({ kind: 'connected', reconnected: true });
  }
}

const BASE = { mode: 'toolbar', ctiUrl: 'ws://127.0.0.1:8096/cti', appSid: 'app1', agentNo: '8001', password: 'pw', phoneType: '1', pauseCauses: '休息,培训' };
const settled = () => new Promise((r) => setTimeout(r, 0));

function session(settings: Record<string, unknown> = {}, cursor?: unknown, phone = new FakePhone()) {
  const cti = new FakeCti();
  const { ctx, state } = fakeContext(cursor, phone);
  const s = new CcpaasToolbarSession(ccpaasSettingsSchema.parse({ ...BASE, ...settings }), ctx, { openWire: cti.open, requestTimeoutMs: 200 });
  return { s, cti, state, phone, ctx };
}

async function loggedIn(settings: Record<string, unknown> = {}) {
  const t = session(settings);
  await t.s.login();
  t.s.resume(new AbortController().signal);
  await settled();
  return t;
}

const callEvent = (eventName: string, extra: Record<string, unknown> = {}) => ({ eventName, agentNo: '8001', conversationSid: 'CV1', callSid: 'CA1', callType: '3', callSubtype: '1', userNumber: '13800138000', ...extra });

describe('login', () => {
  it('initial with the agent’s credentials, then login with the phone type and state; the agent is who logged in', async () => {
    const { s, cti } = session({ workStatus: '2', encryptNumber: true });
    const info = await s.login();
    expect(cti.requests).toEqual([
      { method: 'initial', params: { appSid: 'app1', agentNo: '8001', pwd: 'pw', encryptNumber: 'true' } },
      { method: 'login', params: { phoneType: 1, workStatus: 2 } },
    ]);
    expect(info).toEqual({ name: '8001', extension: '8001', maskNumbers: true });
  });
  it('a wrong password (10002) is an auth error with the platform’s words; nothing else is sent', async () => {
    const { s, cti } = session();
    cti.handlers.set('initial', () => ({ statusCode: '10002', statusMsg: '坐席号或密码错误' }));
    const e = await failure(s.login());
    expect(e.code).toBe('auth');
    expect(e.message).toBe('连接 CTI 服务器失败：坐席号或密码错误（错误码 10002）');
    expect(cti.methods()).toEqual(['initial']);
    expect(cti.current.closed).toBe(true);
  });
  it('a refused login says why', async () => {
    const { s, cti } = session();
    cti.handlers.set('login', () => ({ statusCode: '10004', statusMsg: '坐席已登录' }));
    const e = await failure(s.login());
    expect(e.message).toBe('座席登录失败：坐席已登录（错误码 10004）');
  });
  it('a CTI server that cannot be reached fails the login at once, not after ten attempts', async () => {
    const { s, cti } = session();
    cti.autoOpen = false;
    const login = s.login();
    await settled();
    cti.current.handlers.onStatus({ kind: 'retrying', attempt: 1, max: 10, error: 'ECONNREFUSED' });
    const e = await failure(login);
    expect(e).toMatchObject({ code: 'unreachable', message: '无法连接 CTI 服务器 ws://127.0.0.1:8096/cti，请检查地址和网络' });
  });
  it('WebPhone: the browser phone registers with initial’s account (domain from wsAddr)', async () => {
    const phone = new FakePhone();
    const { s } = session({ phoneType: '3' }, undefined, phone);
    await s.login();
    expect(phone.commands[0]).toEqual({ type: 'register', account: { wsUrl: 'ws://127.0.0.1:5066', uri: 'sip:8001@127.0.0.1', password: 'sp-8001', iceServers: [], dtmfMode: 'rfc4733' }, dnd: false });
  });
  it('WebPhone without an account from the platform: a clear refusal', async () => {
    const { s, cti } = session({ phoneType: '3' });
    cti.handlers.set('initial', () => ({ ...OK, data: { phoneType: 3, workStatus: 1 } }));
    expect((await failure(s.login())).message).toContain('平台没有下发浏览器话机账号');
  });
});

describe('agent state', () => {
  it('ready / pause / a company reason send the documented functions; the callbacks set the state', async () => {
    const { s, cti, state } = await loggedIn();
    cti.push('onStatusEvent', { eventName: 'login', agentNo: '8001', workStatus: 'ready' });
    await settled();
    expect(state.agentState).toBe('ready');
    await s.setAgentState('pause:休息');
    await s.setAgentState('pause');
    await s.setAgentState('ready');
    expect(cti.requests.slice(-3)).toEqual([{ method: 'pause', params: { pauseCause: '休息' } }, { method: 'pause', params: { pauseCause: '暂停' } }, { method: 'ready' }]);
    cti.push('onStatusEvent', { eventName: 'pause', agentNo: '8001', workStatus: 'pause', pauseCause: '休息' });
    await settled();
    expect(state.agentState).toBe('pause:休息');
    expect((await failure(s.setAgentState('pause:午睡'))).code).toBe('invalid-input');
  });
  it('wrap-up: completed → 整理 with its countdown in the capabilities, then autoReady → 就绪', async () => {
    const { s, cti, state } = await loggedIn();
    cti.push('onStatusEvent', { eventName: 'completed', agentNo: '8001', workStatus: 'pause', pauseCause: 'wrapup', wrapupTime: '15' });
    await settled();
    expect(state.agentState).toBe('wrapup');
    expect(s.loggedInCapabilities()?.agentStates.find((a) => a.id === 'wrapup')?.countdownSeconds).toBe(15);
    cti.push('onStatusEvent', { eventName: 'autoReady', agentNo: '8001', workStatus: 'ready', readyCause: 'wrapup' });
    await settled();
    expect(state.agentState).toBe('ready');
  });
});

describe('calls', () => {
  it('dial → callOut with userData; the callbacks carry it to connected and ended', async () => {
    const { s, cti, state } = await loggedIn({ userData: 'crm42' });
    await s.dial('13800138000');
    expect(cti.requests.at(-1)).toEqual({ method: 'callOut', params: { userNumber: '13800138000', userData: 'crm42' } });
    expect(state.call).toMatchObject({ state: 'dialing', number: '13800138000' });
    cti.push('onCallEvent', callEvent('initiated'));
    cti.push('onCallEvent', callEvent('ringing'));
    await settled();
    expect(state.call).toMatchObject({ state: 'ringing', vendorCallId: 'CV1' });
    cti.push('onCallEvent', callEvent('answered', { isBridged: '1' }));
    await settled();
    expect(state.call?.state).toBe('connected');
    await s.hold();
    expect(state.call?.state).toBe('held');
    await s.unhold();
    expect(state.call?.state).toBe('connected');
    await s.hangup();
    cti.push('onCallEvent', callEvent('completed'));
    await settled();
    expect(state.call?.state).toBe('ended');
    expect(cti.methods().slice(-3)).toEqual(['holdCall', 'retrieveCall', 'hangup']);
  });
  it('a refused callOut is shown and leaves no call', async () => {
    const { s, cti, state } = await loggedIn();
    cti.handlers.set('callOut', () => ({ statusCode: '10006', statusMsg: '外呼失败' }));
    expect((await failure(s.dial('13800138000'))).message).toBe('外呼失败：外呼失败（错误码 10006）');
    expect(state.call).toBeNull();
  });
  it('dialing refuses a bad number and a second call before any request', async () => {
    const { s, cti } = await loggedIn();
    expect((await failure(s.dial('138-0013'))).code).toBe('invalid-input');
    await s.dial('13800138000');
    expect((await failure(s.dial('13900000000'))).code).toBe('precondition');
    expect(cti.methods().filter((m) => m === 'callOut')).toHaveLength(1);
  });
  it('hang-up the platform no longer knows (10005): the call ends here — the agent is never stuck', async () => {
    const { s, cti, state } = await loggedIn();
    cti.push('onCallEvent', callEvent('answered', { callType: '1', callSubtype: '2' }));
    await settled();
    expect(state.call?.state).toBe('connected');
    cti.handlers.set('hangup', () => ({ statusCode: '10005', statusMsg: '当前没有通话' }));
    await s.hangup();
    expect(state.call).toMatchObject({ state: 'ended', cause: '平台上已没有这通电话，已结束' });
  });
  it('incoming with an auto-answer phone: isBridged "0" keeps 来电 and 接听 sends bridge', async () => {
    const { s, cti, state } = await loggedIn({ autoAnswer: true });
    const inbound = { callType: '1', callSubtype: '2', userNumber: '13900000000' };
    cti.push('onCallEvent', callEvent('ringing', inbound));
    cti.push('onCallEvent', callEvent('answered', { ...inbound, isBridged: '0' }));
    await settled();
    expect(state.call).toMatchObject({ state: 'incoming', number: '13900000000' });
    await s.answer();
    expect(cti.methods().at(-1)).toBe('bridge');
    cti.push('onCallEvent', callEvent('answered', { ...inbound, isBridged: '1' }));
    await settled();
    expect(state.call?.state).toBe('connected');
  });
  it('a plain SIP phone is answered on the device', async () => {
    const { s, cti } = await loggedIn();
    cti.push('onCallEvent', callEvent('ringing', { callType: '1', callSubtype: '2' }));
    await settled();
    expect((await failure(s.answer())).code).toBe('unsupported');
  });
  it('WebPhone: the dial makes the phone expect the platform’s call; a refused dial withdraws it', async () => {
    const phone = new FakePhone();
    const { s, cti } = session({ phoneType: '3' }, undefined, phone);
    await s.login();
    cti.handlers.set('callOut', () => ({ statusCode: '10006', statusMsg: '外呼失败' }));
    await failure(s.dial('13800138000'));
    expect(phone.commands.filter((c) => c.type === 'expect-call')).toEqual([
      { type: 'expect-call', withinMs: 60_000 },
      { type: 'expect-call', withinMs: 0 },
    ]);
  });
});

describe('no callback lost or applied twice', () => {
  it('each callback is written with its seq; a replayed seq is dropped', async () => {
    const { cti, state } = await loggedIn();
    cti.push('onCallEvent', callEvent('initiated'), 5);
    cti.push('onCallEvent', callEvent('initiated'), 5);
    cti.push('onCallEvent', callEvent('ringing'), 6);
    await settled();
    expect(state.writes.filter((w) => w.events.some((e) => e.type.startsWith('call.'))).map((w) => (w.cursor as { seq: number }).seq)).toEqual([5, 6]);
    expect(readCursor(state.cursor).seq).toBe(6);
  });
  it('after a drop the socket authenticates again asking for what came after the last applied seq', async () => {
    const { cti, state } = await loggedIn();
    cti.push('onStatusEvent', { eventName: 'ready', agentNo: '8001', workStatus: 'ready' }, 7);
    await settled();
    cti.drop();
    expect(state.problem?.message).toBe('与 CTI 服务器的连接已断开，正在重连（第 1/10 次）');
    cti.reopen();
    await settled();
    expect(cti.requests.at(-1)).toEqual({ method: 'initial', params: { appSid: 'app1', agentNo: '8001', pwd: 'pw', lastSeq: 7 } });
    expect(state.problem).toBeNull();
  });
  it('a worker restarted mid-call resumes from the saved cursor: replay asked, the call goes on', async () => {
    const first = await loggedIn();
    first.cti.push('onCallEvent', callEvent('answered', { callType: '1', callSubtype: '2' }), 3);
    await settled();
    const cti = new FakeCti();
    const { ctx, state } = fakeContext(first.state.cursor);
    Object.assign(state, { call: first.state.call });
    const s = new CcpaasToolbarSession(ccpaasSettingsSchema.parse(BASE), ctx, { openWire: cti.open, requestTimeoutMs: 200 });
    s.resume(new AbortController().signal);
    await settled();
    expect(cti.requests[0]).toMatchObject({ method: 'initial', params: { lastSeq: 3 } });
    cti.push('onCallEvent', callEvent('answered', { callType: '1', callSubtype: '2' }), 3);
    cti.push('onCallEvent', callEvent('completed', { callType: '1', callSubtype: '2' }), 4);
    await settled();
    expect(state.call?.state).toBe('ended');
    expect(state.writes.filter((w) => w.events.some((e) => e.type.startsWith('call.')))).toHaveLength(1);
  });
  it('a failed storage write is not recorded as applied: the replay applies it', async () => {
    const { cti, state } = await loggedIn();
    cti.push('onStatusEvent', { eventName: 'ready', agentNo: '8001', workStatus: 'ready' }, 8);
    await settled();
    state.failEmits = 1;
    cti.push('onCallEvent', callEvent('ringing', { callType: '1', callSubtype: '2' }), 9);
    // Already on the socket when the write failed: dropped, or 9 would look replayed.
    cti.push('onCallEvent', callEvent('answered', { callType: '1', callSubtype: '2' }), 10);
    await settled();
    await settled();
    expect(state.call).toBeNull();
    expect(state.problem?.message).toBe('通话事件未能保存，正在向 CTI 服务器重新获取');
    expect(cti.requests.at(-1)).toEqual({ method: 'initial', params: { appSid: 'app1', agentNo: '8001', pwd: 'pw', lastSeq: 8 } });
    // The CTI server's replay.
    cti.push('onCallEvent', callEvent('ringing', { callType: '1', callSubtype: '2' }), 9);
    cti.push('onCallEvent', callEvent('answered', { callType: '1', callSubtype: '2' }), 10);
    await settled();
    expect(state.call?.state).toBe('connected');
    expect(state.problem).toBeNull();
  });
  it('an unreadable callback is shown, recorded as applied, and the next one works', async () => {
    const { cti, state } = await loggedIn();
    cti.push('onCallEvent', { eventName: '' }, 1);
    await settled();
    expect(state.problem?.message).toBe('CTI 服务器发来无法识别的消息，已忽略');
    cti.push('onCallEvent', callEvent('ringing', { callType: '1', callSubtype: '2' }), 2);
    await settled();
    expect(state.call?.state).toBe('incoming');
    expect(state.problem).toBeNull();
  });
  it('callbacks for another agent are dropped', async () => {
    const { cti, state } = await loggedIn();
    cti.push('onCallEvent', callEvent('ringing', { agentNo: '8002', callType: '1', callSubtype: '2' }));
    await settled();
    expect(state.call).toBeNull();
  });
});

describe('the platform ends the session', () => {
  it('signed in elsewhere (4001 replaced): CallBar logs out with the reason and does not reconnect', async () => {
    const { cti, state } = await loggedIn();
    cti.current.handlers.onStatus({ kind: 'failed', error: 'replaced', replaced: true });
    await settled();
    expect(state.ended?.message).toBe('该座席已在其他地方登录电话条，CallBar 已退出');
    expect(cti.wires).toHaveLength(1);
  });
  it('after a drop, initial says 下班 (workStatus 0): logged out with the reason', async () => {
    const { cti, state } = await loggedIn();
    cti.handlers.set('initial', () => ({ ...OK, data: { ...INITIAL_DATA, workStatus: 0 } }));
    cti.drop();
    cti.reopen();
    await settled();
    await settled();
    expect(state.ended?.message).toBe('平台已将座席签出（下班），请重新登录');
  });
  it('logout sends logout when connected, and always logs out locally', async () => {
    const a = await loggedIn();
    await a.s.logout();
    expect(a.cti.methods().at(-1)).toBe('logout');
    expect(a.cti.current.closed).toBe(true);
  });
  it('logout after the worker stopped the session (its signal aborted, the socket closed): a connection of its own carries it', async () => {
    const t = session();
    await t.s.login();
    const running = new AbortController();
    t.s.resume(running.signal);
    await settled();
    running.abort();
    expect(t.cti.current.closed).toBe(true);
    await t.s.logout();
    expect(t.cti.wires).toHaveLength(2);
    expect(t.cti.requests.slice(-2)).toEqual([{ method: 'initial', params: { appSid: 'app1', agentNo: '8001', pwd: 'pw' } }, { method: 'logout' }]);
    expect(t.cti.current.closed).toBe(true);
  });
  it('logout with the CTI server unreachable still logs out locally (the engine logs the platform’s failure)', async () => {
    const t = await loggedIn();
    t.cti.drop();
    t.cti.autoOpen = false;
    const out = t.s.logout();
    await settled();
    t.cti.current.handlers.onStatus({ kind: 'retrying', attempt: 1, max: 10, error: 'ECONNREFUSED' });
    expect((await failure(out)).code).toBe('unreachable');
    expect(t.cti.current.closed).toBe(true);
    expect(t.cti.methods()).not.toContain('logout');
  });
});

describe('a login while the platform still has the agent logged in', () => {
  it('initial says 登录 and login is refused 坐席已登录: the old platform session is ended, then this login goes through', async () => {
    const { s, cti } = session();
    let loggedInOnPlatform = true;
    cti.handlers.set('initial', () => ({ ...OK, data: { ...INITIAL_DATA, workStatus: loggedInOnPlatform ? 2 : 0 } }));
    cti.handlers.set('login', () => (loggedInOnPlatform ? { statusCode: '10004', statusMsg: '坐席已登录' } : OK));
    cti.handlers.set('logout', () => ((loggedInOnPlatform = false), OK));
    await s.login();
    expect(cti.methods()).toEqual(['initial', 'login', 'logout', 'login']);
  });
  it('a login refused for another reason is not retried', async () => {
    const { s, cti } = session();
    cti.handlers.set('login', () => ({ statusCode: '10004', statusMsg: '坐席已登录' }));
    // initial says 下班: the refusal is not about an old session.
    cti.handlers.set('initial', () => ({ ...OK, data: { ...INITIAL_DATA, workStatus: 0 } }));
    expect((await failure(s.login())).message).toBe('座席登录失败：坐席已登录（错误码 10004）');
    expect(cti.methods()).toEqual(['initial', 'login']);
  });
});
