import { failure } from '../../test/support/provider-context.ts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAL_PLAN } from '../shared/phone/dial-plan.ts';
import { z } from 'zod';
import type { ProviderEvent } from '../shared/call-events.ts';
import { CallbarError } from '../shared/errors.ts';
import type { ProviderId } from '../shared/ids.ts';
import type { PublicState } from '../shared/session-state.ts';
import type { AgentInfo, Capabilities, InputOption, Provider, ProviderContext, ProviderSession } from '../providers/provider.ts';
import { SessionEngine } from './session-engine.ts';
import type { SessionStorageArea } from './session-store.ts';

// ── fakes ──────────────────────────────────────────────────────────────────

interface FakeSettings {
  host: string;
  agent: string;
}

const settingsSchema = z.object({
  host: z.string({ error: '请填写地址' }).trim().min(1, '请填写地址'),
  agent: z.string({ error: '请填写工号' }).regex(/^\d{3,}$/, '工号只能是数字'),
});

const CAPABILITIES: Capabilities = {
  dial: true,
  answer: true,
  hangup: true,
  hold: false,
  mute: true,
  transfer: false,
  dtmf: false,
  agentStates: [
    { id: 'ready', label: '示闲', kind: 'ready' },
    { id: 'busy', label: '示忙', kind: 'notReady' },
  ],
  extraActions: [{ id: 'consult', label: '咨询', when: ['connected', 'held'] }],
};

const AGENT: AgentInfo = { name: '张三', extension: '8001' };

/** Every session the fake provider made, with what was done to it. */
class FakeSession implements ProviderSession {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly signals: AbortSignal[] = [];
  /** Set to make dial() wait until the test resolves it. */
  dialGate: Promise<void> | null = null;
  loginError: Error | null = null;

  constructor(
    readonly settings: FakeSettings,
    readonly ctx: ProviderContext,
  ) {}

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  async login(): Promise<AgentInfo> {
    this.record('login');
    if (this.loginError) throw this.loginError;
    return AGENT;
  }
  async logout(): Promise<void> {
    this.record('logout');
  }
  resume(signal: AbortSignal): void {
    this.record('resume');
    this.signals.push(signal);
  }
  async setAgentState(stateId: string): Promise<void> {
    this.record('setAgentState', stateId);
  }
  async dial(number: string): Promise<void> {
    this.record('dial', number);
    if (this.dialGate) await this.dialGate;
    await this.ctx.emit([{ type: 'call.dialing', number }]);
  }
  async answer(): Promise<void> {
    this.record('answer');
  }
  /** Set by a test: the platform refuses or does not answer a hang-up. */
  hangupError: Error | null = null;
  async hangup(): Promise<void> {
    this.record('hangup');
    if (this.hangupError) throw this.hangupError;
  }
  async hold(): Promise<void> {
    this.record('hold');
  }
  async unhold(): Promise<void> {
    this.record('unhold');
  }
  async mute(): Promise<void> {
    this.record('mute');
  }
  async unmute(): Promise<void> {
    this.record('unmute');
  }
  async transfer(target: string): Promise<void> {
    this.record('transfer', target);
  }
  async extraAction(actionId: string, input?: string, kind?: string): Promise<void> {
    this.record('extraAction', actionId, ...(input === undefined ? [] : [input]), ...(kind === undefined ? [] : [kind]));
  }
  /** Set by a test: what the platform said at login. */
  platformCapabilities: Capabilities | undefined;
  loggedInCapabilities(): Capabilities | undefined {
    return this.platformCapabilities;
  }
  async inputOptions(actionId: string, kind?: string): Promise<readonly InputOption[]> {
    this.record('inputOptions', actionId, ...(kind === undefined ? [] : [kind]));
    return [{ value: '1002', label: '1002 王芳' }];
  }
}

function fakeProvider() {
  const sessions: FakeSession[] = [];
  const provider: Provider<FakeSettings> = {
    id: 'cmcc-softbar',
    name: '测试平台',
    description: 'fake',
    capabilities: CAPABILITIES,
    settingsFields: [],
    settingsSchema,
    defaultSettings: { host: '', agent: '' },
    createSession(settings, ctx) {
      const session = new FakeSession(settings, ctx);
      sessions.push(session);
      return session;
    },
  };
  return { provider, sessions };
}

/** chrome.storage.session stand-in: stores structured clones, logs every write. */
class MemoryArea implements SessionStorageArea {
  readonly data = new Map<string, unknown>();
  /** The next this many writes fail, as chrome.storage.session does when its quota is exceeded. */
  failWrites = 0;
  constructor(private readonly log: string[]) {}
  async get(key: string): Promise<Record<string, unknown>> {
    return this.data.has(key) ? { [key]: structuredClone(this.data.get(key)) } : {};
  }
  async set(items: Record<string, unknown>): Promise<void> {
    if (this.failWrites > 0) {
      this.failWrites--;
      this.log.push('write failed');
      throw new Error('QUOTA_BYTES quota exceeded');
    }
    for (const [key, value] of Object.entries(items)) this.data.set(key, structuredClone(value));
    this.log.push('write');
  }
  stored(): Record<string, unknown> {
    return structuredClone(this.data.get('callbar:session')) as Record<string, unknown>;
  }
}

/** Everything that survives the service worker: the storage area and the saved settings. */
function world() {
  const log: string[] = [];
  return { log, storage: new MemoryArea(log), settings: new Map<ProviderId, unknown>() };
}

type World = ReturnType<typeof world>;

/** A service-worker lifetime: a fresh engine and provider over the world's storage. */
function boot(w: World, clock = { now: 1_000 }, customize?: (provider: Provider<FakeSettings>) => void) {
  const { provider, sessions } = fakeProvider();
  customize?.(provider);
  const records: string[] = [];
  const published: PublicState[] = [];
  const keepAlive: boolean[] = [];
  const logged: string[] = [];
  const saved: unknown[] = [];
  const engine = new SessionEngine({
    providers: { 'cmcc-softbar': provider, dscom: provider, '800ing': provider, sip: provider, vcall: provider, ccpaas: provider },
    storage: w.storage,
    loadSettings: async (id) => structuredClone(w.settings.get(id)),
    saveSettings: async (id, settings) => {
      saved.push(settings);
      w.settings.set(id, structuredClone(settings));
    },
    loadDialPlan: async () => DEFAULT_DIAL_PLAN,
    saveDialPlan: async () => undefined,
    publish: (state) => {
      published.push(structuredClone(state));
      w.log.push('publish');
    },
    keepAlive: (on) => keepAlive.push(on),
    onCallChange: (_was, is) => records.push(`change:${is?.state ?? 'idle'}`),
    onCallRecord: (record) => records.push(`record:${record.vendorCallId}:${record.talkSeconds}`),
    now: () => clock.now,
    log: (message) => logged.push(message),
  });
  const session = (i = -1) => sessions.at(i)!;
  const last = () => published.at(-1)!;
  return { engine, provider, sessions, session, published, last, keepAlive, logged, saved, clock, records };
}

const SETTINGS = { host: ' pbx.local ', agent: '8001' };

async function loggedIn(w = world(), clock = { now: 1_000 }) {
  const sw = boot(w, clock);
  await sw.engine.login('cmcc-softbar', SETTINGS);
  return { w, ...sw };
}


/** Waits for everything queued before it (emit runs in the engine's one queue). */
function settle(session: FakeSession): Promise<void> {
  return session.ctx.emit([]);
}

// ── login ──────────────────────────────────────────────────────────────────

describe('login', () => {
  it.each([
    { name: 'missing host', settings: { agent: '8001' }, message: '请填写地址', detail: 'host' },
    { name: 'blank host', settings: { host: '  ', agent: '8001' }, message: '请填写地址', detail: 'host' },
    { name: 'bad agent', settings: { host: 'pbx', agent: 'abc' }, message: '工号只能是数字', detail: 'agent' },
    { name: 'not an object', settings: 'pbx', message: /./, detail: undefined },
  ])('invalid settings ($name) → invalid-input, nothing saved or started', async ({ settings, message, detail }) => {
    const w = world();
    const { engine, sessions, saved, published } = boot(w);
    const error = await failure(engine.login('cmcc-softbar', settings));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(message);
    if (detail) expect(error.detail).toBe(detail);
    expect(saved).toEqual([]);
    expect(w.settings.size).toBe(0);
    expect(sessions).toEqual([]);
    expect(w.storage.data.size).toBe(0);
    expect(published).toEqual([]);
    expect(engine.publicState().status).toBe('loggedOut');
  });

  it('saves the parsed settings, logs in at the provider and resumes its events', async () => {
    const { w, session, saved, keepAlive } = await loggedIn();
    expect(saved).toEqual([{ host: 'pbx.local', agent: '8001' }]);
    expect(w.settings.get('cmcc-softbar')).toEqual({ host: 'pbx.local', agent: '8001' });
    expect(session().settings).toEqual({ host: 'pbx.local', agent: '8001' });
    expect(session().methods()).toEqual(['login', 'resume']);
    expect(session().signals[0]!.aborted).toBe(false);
    expect(keepAlive.at(-1)).toBe(true);
  });

  it('returns and publishes the logged-in state with the provider\'s capabilities', async () => {
    const w = world();
    const { engine, last } = boot(w);
    const state = await engine.login('cmcc-softbar', SETTINGS);
    const expected = {
      status: 'loggedIn',
      providerId: 'cmcc-softbar',
      providerName: '测试平台',
      capabilities: CAPABILITIES,
      agent: AGENT,
      agentState: null,
      agentStateSince: null,
      call: null,
      problem: null,
      note: null,
      team: null,
      dialing: false,
      dialPlan: DEFAULT_DIAL_PLAN,
      pendingDial: null,
    };
    expect(state).toEqual(expected);
    expect(last()).toEqual(expected);
    expect(w.storage.stored()).toMatchObject({ status: 'loggedIn', providerId: 'cmcc-softbar', agent: AGENT });
  });

  it('a provider login failure leaves the agent logged out, nothing resumed', async () => {
    const w = world();
    const sw = boot(w);
    const realCreate = sw.provider.createSession.bind(sw.provider);
    sw.provider.createSession = (settings, ctx) => {
      const session = realCreate(settings, ctx) as FakeSession;
      session.loginError = new CallbarError('auth', '电话条尚未登录');
      return session;
    };
    const error = await failure(sw.engine.login('cmcc-softbar', SETTINGS));
    expect(error.code).toBe('auth');
    expect(sw.session().methods()).toEqual(['login']);
    expect(sw.engine.publicState()).toMatchObject({ status: 'loggedOut', capabilities: null, agent: null });
  });

  it('refuses to log in again during a call', async () => {
    const { engine, session, saved } = await loggedIn();
    await session().ctx.emit([{ type: 'call.incoming', number: '10086' }]);
    const error = await failure(engine.login('cmcc-softbar', SETTINGS));
    expect(error.code).toBe('precondition');
    expect(saved).toHaveLength(1);
    expect(session().signals[0]!.aborted).toBe(false);
  });
});

// ── events from the provider ───────────────────────────────────────────────

describe('events emitted by the provider', () => {
  it('update the call and agent state, persisted before they are published', async () => {
    const clock = { now: 1_000 };
    const { w, session, last, engine } = await loggedIn(world(), clock);
    w.log.length = 0;
    clock.now = 5_000;
    await session().ctx.emit([
      { type: 'agent.state', state: 'ready' },
      { type: 'call.incoming', number: '10086', vendorCallId: '4' },
    ]);
    expect(w.log).toEqual(['write', 'publish']);
    const stored = w.storage.stored();
    expect(stored.agentState).toBe('ready');
    expect(stored.call).toMatchObject({ state: 'incoming', direction: 'inbound', number: '10086', vendorCallId: '4', startedAt: 5_000 });
    expect(last().call).toEqual(stored.call);
    expect(last().agentState).toBe('ready');
    expect(engine.publicState().call).toEqual(stored.call);
  });

  it('each emit is written once and published once, in order', async () => {
    const { w, session, published } = await loggedIn();
    w.log.length = 0;
    published.length = 0;
    const events: ProviderEvent[][] = [[{ type: 'call.dialing', number: '10086' }], [{ type: 'call.ringing' }], [{ type: 'call.connected' }]];
    await Promise.all(events.map((batch) => session().ctx.emit(batch)));
    expect(w.log).toEqual(['write', 'publish', 'write', 'publish', 'write', 'publish']);
    expect(published.map((s) => s.call?.state)).toEqual(['dialing', 'ringing', 'connected']);
  });

  it('a note is shown with its time', async () => {
    const clock = { now: 1_000 };
    const { session, last } = await loggedIn(world(), clock);
    clock.now = 7_000;
    await session().ctx.emit([{ type: 'note', text: '正在转接到 8002' }]);
    expect(last().note).toEqual({ text: '正在转接到 8002', at: 7_000 });
  });

  it('a move the state machine forbids changes nothing, is logged and not published', async () => {
    const { w, session, logged, published } = await loggedIn();
    const before = published.length;
    w.log.length = 0;
    await session().ctx.emit([{ type: 'call.connected' }]);
    expect(published).toHaveLength(before);
    expect(w.log).toEqual([]);
    expect(w.storage.stored().call).toBeNull();
    expect(logged.join('\n')).toMatch(/call\.connected/);
  });

  it('the provider cursor is persisted and handed back to the next session', async () => {
    const w = world();
    const first = await loggedIn(w);
    await first.session().ctx.saveCursor({ lastEvent: 41 });
    expect(w.storage.stored().cursor).toEqual({ lastEvent: 41 });

    const second = boot(w);
    await second.engine.wake();
    expect(second.session().ctx.loadCursor()).toEqual({ lastEvent: 41 });
  });
});

// ── surviving a killed service worker ──────────────────────────────────────

describe('a new engine over the same storage (the service worker was killed)', () => {
  it('restores the call and agent state, recreates the session and resumes it', async () => {
    const w = world();
    const first = await loggedIn(w);
    await first.session().ctx.emit([
      { type: 'agent.state', state: 'ready' },
      { type: 'call.dialing', number: '13912345678' },
      { type: 'call.connected' },
    ]);
    const callBefore = first.engine.publicState().call;

    const second = boot(w, { now: 60_000 });
    await second.engine.wake();
    expect(second.sessions).toHaveLength(1);
    expect(second.session().settings).toEqual({ host: 'pbx.local', agent: '8001' });
    expect(second.session().methods()).toEqual(['resume']); // no second login at the vendor
    expect(second.session().signals[0]!.aborted).toBe(false);
    expect(second.keepAlive).toEqual([true]);
    expect(second.engine.publicState()).toMatchObject({
      status: 'loggedIn',
      agent: AGENT,
      agentState: 'ready',
      capabilities: CAPABILITIES,
      call: callBefore,
    });

    // The restored call goes on where it was.
    await second.session().ctx.emit([{ type: 'call.ended', cause: '对方挂断' }]);
    expect(second.last().call).toMatchObject({ id: callBefore!.id, state: 'ended', connectedAt: callBefore!.connectedAt, endedAt: 60_000, cause: '对方挂断' });
  });

  it('wake() is idempotent: one session, one resume, even when called concurrently', async () => {
    const w = world();
    await loggedIn(w);
    const second = boot(w);
    await Promise.all([second.engine.wake(), second.engine.wake(), second.engine.wake()]);
    await second.engine.wake();
    expect(second.sessions).toHaveLength(1);
    expect(second.session().methods()).toEqual(['resume']);
  });

  it('a command after the restart wakes the engine first (no "not logged in")', async () => {
    const w = world();
    await loggedIn(w);
    const second = boot(w);
    await second.engine.setAgentState('busy');
    expect(second.session().methods()).toEqual(['resume', 'setAgentState']);
  });

  it.each([
    ['no longer validate', { host: '', agent: '8001' }],
    ['are gone', undefined],
  ])('settings that %s → logged out with a problem, nothing started', async (_name, settings) => {
    const w = world();
    await loggedIn(w);
    if (settings === undefined) w.settings.delete('cmcc-softbar');
    else w.settings.set('cmcc-softbar', settings);

    const second = boot(w, { now: 99_000 });
    await second.engine.wake();
    expect(second.sessions).toEqual([]);
    const expectedProblem = { code: 'not-logged-in', message: '登录信息已失效，请重新登录', since: 99_000 };
    expect(second.engine.publicState()).toMatchObject({ status: 'loggedOut', providerId: 'cmcc-softbar', agent: null, problem: expectedProblem });
    expect(second.last().problem).toEqual(expectedProblem);
    expect(w.storage.stored()).toMatchObject({ status: 'loggedOut', problem: expectedProblem });
    expect(second.keepAlive).not.toContain(true);
    expect((await failure(second.engine.dial('10086'))).code).toBe('not-logged-in');
  });

  it('a session is never resumed against another server: the stored tokens are dropped with it', async () => {
    const w = world();
    const withServer = (p: Provider<FakeSettings>) => void ((p as { settingsFields: unknown }).settingsFields = [{ key: 'host', label: '地址', type: 'url' }]);
    const first = boot(w, { now: 1_000 }, withServer);
    await first.engine.login('cmcc-softbar', { ...SETTINGS, host: 'https://pbx.example.com' });
    await first.session().ctx.saveCursor({ token: 'secret-token' });
    expect(w.storage.stored()).toMatchObject({ status: 'loggedIn', servers: ['https://pbx.example.com'], cursor: { token: 'secret-token' } });
    // The options page (or a settings file, or a policy) points the provider at another server.
    w.settings.set('cmcc-softbar', { ...SETTINGS, host: 'https://evil.example' });
    const second = boot(w, { now: 99_000 }, withServer);
    await second.engine.wake();
    expect(second.sessions).toEqual([]);
    expect(second.engine.publicState()).toMatchObject({ status: 'loggedOut', problem: { code: 'not-logged-in', message: '平台的服务器地址已更改，请重新登录（原来的登录令牌已作废）' } });
    expect(w.storage.stored()).toMatchObject({ status: 'loggedOut', cursor: undefined, servers: null });
  });
});

// ── commands ───────────────────────────────────────────────────────────────

describe('numbers from page text wait for the agent', () => {
  it('a selection is proposed, shown normalized, and dialled only when confirmed', async () => {
    const { engine, session, last } = await loggedIn();
    await engine.proposeDial(' 138-0013-8000 ');
    expect(session().methods()).not.toContain('dial');
    expect(last().pendingDial).toEqual({ dial: '13800138000', text: '138-0013-8000' });
    await engine.confirmDial(true);
    expect(session().calls.filter((c) => c.method === 'dial')).toEqual([{ method: 'dial', args: ['13800138000'] }]);
    expect(last().pendingDial).toBeNull();
  });

  it('cancelled, or confirmed too late: nothing is dialled', async () => {
    const clock = { now: 1_000 };
    const { engine, session, last } = await loggedIn(world(), clock);
    await engine.proposeDial('13800138000');
    await engine.confirmDial(false);
    expect(last().pendingDial).toBeNull();
    await engine.proposeDial('13800138000');
    clock.now += 31_000;
    expect(engine.publicState().pendingDial).toBeNull();
    expect((await failure(engine.confirmDial(true))).message).toBe('要拨打的号码已过期，请重新选中后再试');
    expect(session().methods()).not.toContain('dial');
  });

  it('text that is no number is refused at once, nothing proposed', async () => {
    const { engine, last } = await loggedIn();
    expect((await failure(engine.proposeDial('合同 HT-2026'))).code).toBe('invalid-input');
    expect(last().pendingDial).toBeNull();
  });
});

describe('commands', () => {
  it('nothing works before login: not-logged-in', async () => {
    const { engine } = boot(world());
    expect((await failure(engine.dial('10086'))).code).toBe('not-logged-in');
    expect((await failure(engine.callAction('hangup'))).code).toBe('not-logged-in');
    expect((await failure(engine.setAgentState('ready'))).code).toBe('not-logged-in');
  });

  it.each([
    ['hold', 'callAction'],
    ['unhold', 'callAction'],
    ['transfer', 'transfer'],
  ] as const)('%s is not in the capabilities → unsupported, provider not called', async (action, via) => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit([{ type: 'call.incoming', number: '10086' }, { type: 'call.connected' }]);
    const promise = via === 'transfer' ? engine.transfer('8002') : engine.callAction(action as 'hold' | 'unhold');
    const error = await failure(promise);
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('测试平台');
    expect(session().methods()).toEqual(['login', 'resume']);
  });

  it.each(['answer', 'hangup', 'mute', 'unmute'] as const)('%s in the capabilities reaches the provider', async (action) => {
    const { engine, session } = await loggedIn();
    await engine.callAction(action);
    expect(session().methods()).toEqual(['login', 'resume', action]);
  });

  it('dial reaches the provider and shows the call', async () => {
    const { engine, session } = await loggedIn();
    const state = await engine.dial('13912345678');
    expect(session().calls.at(-1)).toEqual({ method: 'dial', args: ['13912345678'] });
    expect(state).toMatchObject({ dialing: false, call: { state: 'dialing', number: '13912345678', direction: 'outbound' } });
  });

  it('dial while a call is active → precondition, provider not called', async () => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit([{ type: 'call.incoming', number: '10086' }]);
    const error = await failure(engine.dial('13912345678'));
    expect(error.code).toBe('precondition');
    expect(session().methods()).not.toContain('dial');
  });

  it('dial after an ended call is allowed', async () => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit([{ type: 'call.incoming', number: '10086' }, { type: 'call.ended' }]);
    await engine.dial('13912345678');
    expect(engine.publicState().call).toMatchObject({ state: 'dialing', number: '13912345678' });
  });

  it('a second dial while the first is pending → precondition; "dialing" is published meanwhile', async () => {
    const { engine, session, published, last } = await loggedIn();
    let open!: () => void;
    session().dialGate = new Promise<void>((resolve) => (open = resolve));

    // A double click: both requests arrive before the first is answered.
    const first = engine.dial('13912345678');
    const second = engine.dial('13912345678');
    const secondError = await failure(second);
    expect(secondError.code).toBe('precondition');
    expect(published.some((s) => s.dialing)).toBe(true);
    expect(engine.publicState().dialing).toBe(true);

    open();
    await first;
    expect(session().calls.filter((c) => c.method === 'dial')).toHaveLength(1);
    expect(last().dialing).toBe(false);
  });

  it('a failed dial reports its error and clears "dialing"', async () => {
    const { engine, session, last } = await loggedIn();
    session().dial = async () => {
      throw new CallbarError('refused', '电话条拒绝了“外呼”请求');
    };
    const error = await failure(engine.dial('10086'));
    expect(error).toMatchObject({ code: 'refused', message: '电话条拒绝了“外呼”请求' });
    expect(engine.publicState().dialing).toBe(false);
    expect(last().dialing).toBe(false);
    // Not stuck in "dialing": the next dial goes through.
    delete (session() as Partial<FakeSession>).dial;
    await expect(engine.dial('10086')).resolves.toMatchObject({ dialing: false, call: { state: 'dialing', number: '10086' } });
  });

  it('an extra action not in the capabilities → unsupported, provider not called', async () => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit([{ type: 'call.incoming', number: '10086' }, { type: 'call.connected' }]);
    const error = await failure(engine.extraAction('record'));
    expect(error.code).toBe('unsupported');
    expect(session().methods()).not.toContain('extraAction');
  });

  it.each([
    ['no call', []],
    ['a ringing incoming call', [{ type: 'call.incoming', number: '10086' }]],
    ['an ended call', [{ type: 'call.incoming', number: '10086' }, { type: 'call.connected' }, { type: 'call.ended' }]],
  ] as [string, ProviderEvent[]][])('an extra action with %s (outside its `when`) → precondition', async (_name, events) => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit(events);
    const error = await failure(engine.extraAction('consult'));
    expect(error.code).toBe('precondition');
    expect(error.message).toContain('咨询');
    expect(session().methods()).not.toContain('extraAction');
  });

  it.each([
    ['connected', [{ type: 'call.incoming', number: '10086' }, { type: 'call.connected' }]],
    ['held', [{ type: 'call.incoming', number: '10086' }, { type: 'call.connected' }, { type: 'call.held' }]],
  ] as [string, ProviderEvent[]][])('an extra action on a %s call reaches the provider', async (_name, events) => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit(events);
    await engine.extraAction('consult');
    expect(session().calls.at(-1)).toEqual({ method: 'extraAction', args: ['consult'] });
  });

  it('setAgentState accepts only the provider\'s states', async () => {
    const { engine, session } = await loggedIn();
    const error = await failure(engine.setAgentState('lunch'));
    expect(error.code).toBe('invalid-input');
    expect(session().methods()).not.toContain('setAgentState');
    await engine.setAgentState('busy');
    expect(session().calls.at(-1)).toEqual({ method: 'setAgentState', args: ['busy'] });
  });

  it('dismissCall clears an ended call but never an active one', async () => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit([{ type: 'call.incoming', number: '10086' }]);
    expect((await engine.dismissCall()).call).toMatchObject({ state: 'incoming' });
    await session().ctx.emit([{ type: 'call.ended' }]);
    expect((await engine.dismissCall()).call).toBeNull();
  });
});

// ── logout ─────────────────────────────────────────────────────────────────

describe('logout', () => {
  it('during an active call is refused and changes nothing', async () => {
    const { engine, session } = await loggedIn();
    await session().ctx.emit([{ type: 'call.dialing', number: '10086' }]);
    const error = await failure(engine.logout());
    expect(error.code).toBe('precondition');
    expect(session().methods()).not.toContain('logout');
    expect(session().signals[0]!.aborted).toBe(false);
    expect(engine.publicState().status).toBe('loggedIn');
  });

  it('aborts the resume signal, logs out at the provider and forgets the session', async () => {
    const { w, engine, session, keepAlive, last } = await loggedIn();
    await session().ctx.emit([{ type: 'agent.state', state: 'ready' }]);
    const state = await engine.logout();
    expect(session().signals[0]!.aborted).toBe(true);
    expect(session().methods()).toEqual(['login', 'resume', 'logout']);
    expect(keepAlive.at(-1)).toBe(false);
    expect(state).toMatchObject({ status: 'loggedOut', providerId: 'cmcc-softbar', agent: null, agentState: null, capabilities: null });
    expect(last()).toEqual(state);
    expect(w.storage.stored()).toMatchObject({ status: 'loggedOut', agent: null });
  });

  it('events and problems from the stopped session are ignored', async () => {
    const { engine, session, published } = await loggedIn();
    const ctx = session().ctx;
    await engine.logout();
    const count = published.length;
    await ctx.emit([{ type: 'call.incoming', number: '10086' }]);
    ctx.setProblem({ code: 'unreachable', message: '无法连接' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(published).toHaveLength(count);
    expect(engine.publicState()).toMatchObject({ call: null, problem: null });
  });

  it('a provider logout failure still logs out locally', async () => {
    const { engine, session } = await loggedIn();
    session().logout = async () => {
      throw new CallbarError('unreachable', '无法连接');
    };
    await expect(engine.logout()).resolves.toMatchObject({ status: 'loggedOut' });
  });

  // BUG: logout() reads `this.running` without waiting for wake(). In a service worker that
  // was just woken by the logout message, the top-level wake() is still loading settings, so
  // logout finds no running session; wake() then starts the provider AFTER the logout.
  it('right after a restart, logout stops the session that wake() is starting', async () => {
    const w = world();
    await loggedIn(w);
    const second = boot(w);
    const waking = second.engine.wake(); // index.ts: `void engine.wake()` at the top level
    await second.engine.logout(); // the message that woke the worker
    await waking;
    expect(second.engine.publicState().status).toBe('loggedOut');
    // Nothing may keep running for a logged-out agent.
    for (const session of second.sessions) expect(session.signals.every((s) => s.aborted)).toBe(true);
    expect(second.keepAlive.at(-1)).toBe(false);
  });
});

// ── problems ───────────────────────────────────────────────────────────────

describe('setProblem', () => {
  it('shows a problem once: identical problems are not re-published and keep `since`', async () => {
    const clock = { now: 1_000 };
    const { w, session, published, last } = await loggedIn(world(), clock);
    const ctx = session().ctx;
    const before = published.length;
    w.log.length = 0;

    clock.now = 2_000;
    ctx.setProblem({ code: 'unreachable', message: '无法连接本机电话条', hint: '请启动电话条' });
    await settle(session());
    expect(last().problem).toEqual({ code: 'unreachable', message: '无法连接本机电话条', hint: '请启动电话条', since: 2_000 });

    for (const now of [3_000, 4_000, 5_000]) {
      clock.now = now;
      ctx.setProblem({ code: 'unreachable', message: '无法连接本机电话条', hint: '请启动电话条' });
    }
    await settle(session());
    expect(published).toHaveLength(before + 1);
    expect(w.log).toEqual(['write', 'publish']);
    expect(w.storage.stored().problem).toMatchObject({ since: 2_000 });
  });

  it('clearing removes the problem; a later one has a new `since`', async () => {
    const clock = { now: 1_000 };
    const { session, last } = await loggedIn(world(), clock);
    const ctx = session().ctx;
    ctx.setProblem({ code: 'timeout', message: '响应超时' });
    await settle(session());
    ctx.setProblem(null);
    await settle(session());
    expect(last().problem).toBeNull();

    clock.now = 8_000;
    ctx.setProblem({ code: 'timeout', message: '响应超时' });
    await settle(session());
    expect(last().problem).toMatchObject({ code: 'timeout', since: 8_000 });
  });

  it('clearing when there is no problem publishes nothing', async () => {
    const { session, published } = await loggedIn();
    const count = published.length;
    session().ctx.setProblem(null);
    await settle(session());
    expect(published).toHaveLength(count);
  });

  it('a different problem replaces the shown one', async () => {
    const { session, last } = await loggedIn();
    session().ctx.setProblem({ code: 'timeout', message: '响应超时' });
    session().ctx.setProblem({ code: 'auth', message: '鉴权失败' });
    await settle(session());
    expect(last().problem).toMatchObject({ code: 'auth', message: '鉴权失败' });
  });

  it('a problem survives a restart', async () => {
    const w = world();
    const first = await loggedIn(w, { now: 3_000 });
    first.session().ctx.setProblem({ code: 'unreachable', message: '无法连接' });
    await settle(first.session());
    const second = boot(w);
    await second.engine.wake();
    expect(second.engine.publicState().problem).toEqual({ code: 'unreachable', message: '无法连接', since: 3_000 });
  });
});

// ── settings-dependent capabilities, platform states, extra-action input, call records ──────

describe('provider contract extensions', () => {
  const WITH_INPUT: Capabilities = {
    ...CAPABILITIES,
    agentStates: [...CAPABILITIES.agentStates, { id: 'wrapup', label: '整理', kind: 'afterCall', selectable: false, countdownSeconds: 30 }],
    extraActions: [...CAPABILITIES.extraActions, { id: 'pickup', label: '代接', when: ['idle', 'ended'], input: { label: '振铃分机' } }],
  };
  const bootWith = (w = world(), clock = { now: 1_000 }) =>
    boot(w, clock, (p) => {
      p.capabilitiesFor = (settings) => (settings.agent === '9999' ? WITH_INPUT : CAPABILITIES);
    });

  it('capabilities come from the settings the agent logged in with, and survive a restart', async () => {
    const w = world();
    const first = bootWith(w);
    await first.engine.login('cmcc-softbar', { host: 'pbx', agent: '9999' });
    expect(first.engine.publicState().capabilities).toEqual(WITH_INPUT);
    const second = bootWith(w);
    await second.engine.wake();
    expect(second.engine.publicState().capabilities).toEqual(WITH_INPUT);
    const other = bootWith();
    await other.engine.login('cmcc-softbar', { host: 'pbx', agent: '8001' });
    expect(other.engine.publicState().capabilities).toEqual(CAPABILITIES);
  });

  it('a state the platform sets by itself cannot be chosen', async () => {
    const sw = bootWith();
    await sw.engine.login('cmcc-softbar', { host: 'pbx', agent: '9999' });
    const error = await failure(sw.engine.setAgentState('wrapup'));
    expect(error.code).toBe('precondition');
    expect(error.message).toContain('整理');
    expect(sw.session().methods()).not.toContain('setAgentState');
  });

  it('an extra action that asks for a number needs one, trimmed; one that does not gets none', async () => {
    const sw = bootWith();
    await sw.engine.login('cmcc-softbar', { host: 'pbx', agent: '9999' });
    expect((await failure(sw.engine.extraAction('pickup', '  '))).message).toBe('请填写振铃分机');
    await sw.engine.extraAction('pickup', ' 8002 ');
    expect(sw.session().calls.at(-1)).toEqual({ method: 'extraAction', args: ['pickup', '8002'] });
    expect((await failure(sw.engine.extraAction('consult', '8003'))).code).toBe('precondition'); // no call to consult on
    expect((await failure(sw.engine.extraAction('pickup', '王芳'))).message).toContain('王芳'); // not a number
    expect(sw.session().calls.filter((c) => c.method === 'extraAction')).toHaveLength(1);
  });

  const KINDS: Capabilities = {
    ...CAPABILITIES,
    extraActions: [
      {
        id: 'consultTo',
        label: '咨询',
        when: ['idle'],
        input: { label: '咨询对象', kinds: [{ id: 'agent', label: '坐席' }, { id: 'group', label: '技能组' }], options: true, free: true },
      },
    ],
  };

  it('an input with kinds needs one of them and passes it on; a free input takes a name', async () => {
    const sw = boot(world(), { now: 1_000 }, (p) => (p.capabilitiesFor = () => KINDS));
    await sw.engine.login('cmcc-softbar', SETTINGS);
    expect((await failure(sw.engine.extraAction('consultTo', '售后组'))).code).toBe('invalid-input'); // no kind
    expect((await failure(sw.engine.extraAction('consultTo', '售后组', 'ivr'))).code).toBe('invalid-input'); // not one of them
    await sw.engine.extraAction('consultTo', ' 售后组 ', 'group');
    expect(sw.session().calls.at(-1)).toEqual({ method: 'extraAction', args: ['consultTo', '售后组', 'group'] });
    expect((await failure(sw.engine.extraAction('consultTo', 'a\u0000b', 'group'))).code).toBe('invalid-input');
    expect(await sw.engine.extraActionOptions('consultTo', 'agent')).toEqual([{ value: '1002', label: '1002 王芳' }]);
    expect(sw.session().calls.at(-1)).toEqual({ method: 'inputOptions', args: ['consultTo', 'agent'] });
    // An action without listed options asks the provider nothing.
    expect(await failure(sw.engine.extraActionOptions('nope'))).toMatchObject({ code: 'unsupported' });
  });

  it('what the platform says at login wins over what the settings imply, and survives a restart', async () => {
    const w = world();
    const PLATFORM: Capabilities = { ...CAPABILITIES, agentStates: [{ id: 'busy-3', label: '小休', kind: 'notReady' }] };
    const sw = boot(w, { now: 1_000 }, (p) => {
      p.capabilitiesFor = () => KINDS;
      const create = p.createSession.bind(p);
      p.createSession = (settings, ctx) => {
        const session = create(settings, ctx) as FakeSession;
        session.platformCapabilities = PLATFORM;
        return session;
      };
    });
    await sw.engine.login('cmcc-softbar', SETTINGS);
    expect(sw.engine.publicState().capabilities).toEqual(PLATFORM);
    const again = boot(w);
    await again.engine.wake();
    expect(again.engine.publicState().capabilities).toEqual(PLATFORM);
    // Later the platform says more (the after-call countdown arrives with the first call's end).
    const LATER: Capabilities = { ...PLATFORM, agentStates: [...PLATFORM.agentStates, { id: 'after', label: '话后', kind: 'afterCall', selectable: false, countdownSeconds: 10 }] };
    sw.session().platformCapabilities = LATER;
    await sw.session().ctx.emit([{ type: 'agent.state', state: 'after' }]);
    expect(sw.engine.publicState().capabilities).toEqual(LATER);
  });

  it('a supervisor\'s team list is kept with the session, shown only while logged in', async () => {
    const w = world();
    const { session, engine } = await loggedIn(w);
    const members = [{ id: '1002', name: '王芳', state: '空闲', kind: 'ready' as const, since: 500 }];
    await session().ctx.emit([{ type: 'team', members, at: 900 }]);
    expect(engine.publicState().team).toEqual({ members, at: 900 });
    const again = boot(w);
    await again.engine.wake();
    expect(again.engine.publicState().team).toEqual({ members, at: 900 });
    await again.engine.logout();
    expect(again.engine.publicState().team).toBeNull();
  });

  it('the platform ends the session: the call ends with the reason, the agent is logged out and told why', async () => {
    const { session, engine, records, keepAlive } = await loggedIn();
    await session().ctx.emit([{ type: 'call.dialing', number: '13912345678' }, { type: 'call.connected' }]);
    const signal = session().signals.at(-1)!;
    await session().ctx.endSession({ code: 'not-logged-in', message: '已在其他地方登录' });
    expect(signal.aborted).toBe(true);
    expect(keepAlive.at(-1)).toBe(false);
    expect(engine.publicState()).toMatchObject({ status: 'loggedOut', problem: { message: '已在其他地方登录' }, call: { state: 'ended', cause: '已在其他地方登录' } });
    expect(records.at(-1)).toBe('change:ended');
    expect(session().methods()).not.toContain('logout'); // the platform already ended it
  });

  it('agent state: the platform’s start time is kept; without one, the time the state changed', async () => {
    const clock = { now: 5_000 };
    const { session, engine } = await loggedIn(world(), clock);
    await session().ctx.emit([{ type: 'agent.state', state: 'busy', since: 2_000 }]);
    expect(engine.publicState()).toMatchObject({ agentState: 'busy', agentStateSince: 2_000 });
    clock.now = 9_000;
    await session().ctx.emit([{ type: 'agent.state', state: 'busy' }]);
    expect(engine.publicState().agentStateSince).toBe(2_000);
    await session().ctx.emit([{ type: 'agent.state', state: 'ready' }]);
    expect(engine.publicState()).toMatchObject({ agentState: 'ready', agentStateSince: 9_000 });
  });

  it('a call record ends the call it describes when the live state missed the hang-up, and is reported after the call change', async () => {
    const { session, engine, records } = await loggedIn();
    await session().ctx.emit([{ type: 'call.dialing', number: '13912345678', vendorCallId: 'hwd-1.1' }, { type: 'call.connected' }]);
    const record = { vendorCallId: 'hwd-1.1', direction: 'outbound', number: '13912345678', startedAt: 1_000, answeredAt: 2_000, endedAt: 9_000, talkSeconds: 7, result: '已接通' } as const;
    await session().ctx.emit([{ type: 'call.record', record }]);
    expect(engine.publicState().call).toMatchObject({ state: 'ended' });
    expect(engine.publicState().call?.cause).toBeUndefined(); // "已接通" is what the call already shows
    expect(records.slice(-2)).toEqual(['change:ended', 'record:hwd-1.1:7']);
    // Another call's record changes nothing here but is still reported (recent calls keep it).
    await session().ctx.emit([{ type: 'call.record', record: { ...record, vendorCallId: 'hwd-2.2', talkSeconds: 3 } }]);
    expect(records.at(-1)).toBe('record:hwd-2.2:3');
    expect(engine.publicState().call).toMatchObject({ vendorCallId: 'hwd-1.1', state: 'ended' });
  });
});

describe('a batch that ends one call and begins the next', () => {
  it('tells the ended call as its own change (recent calls keep it), then the new one', async () => {
    const { session, engine, records } = await loggedIn();
    // A poll after an outage: a missed call, then the next caller still ringing.
    await session().ctx.emit([
      { type: 'call.incoming', number: '13500001111', vendorCallId: 'v1' },
      { type: 'call.ended', cause: '未接听' },
      { type: 'call.incoming', number: '13600002222', vendorCallId: 'v2' },
    ]);
    expect(engine.publicState().call).toMatchObject({ vendorCallId: 'v2', state: 'incoming' });
    expect(records).toEqual(['change:ended', 'change:incoming']);
    // The same with the first call already on screen: its end is told once, not again by the next batch.
    await session().ctx.emit([{ type: 'call.ended' }, { type: 'call.incoming', number: '13700003333', vendorCallId: 'v3' }, { type: 'call.ended' }]);
    await session().ctx.emit([{ type: 'call.incoming', number: '13800004444', vendorCallId: 'v4' }]);
    expect(records).toEqual(['change:ended', 'change:incoming', 'change:ended', 'change:ended', 'change:incoming']);
  });
});

describe('events and the provider cursor in one write', () => {
  it('a restart sees both the applied events and the cursor past them', async () => {
    const w = world();
    const first = await loggedIn(w);
    await first.session().ctx.emit([{ type: 'call.incoming', number: '13500001111' }], { cursor: { waterLine: 42 } });
    expect(w.storage.stored()).toMatchObject({ call: { state: 'incoming', number: '13500001111' }, cursor: { waterLine: 42 } });
    const second = boot(w);
    await second.engine.wake();
    expect(second.session().ctx.loadCursor()).toEqual({ waterLine: 42 });
    expect(second.engine.publicState().call).toMatchObject({ state: 'incoming' });
  });
});

describe('persist, then publish', () => {
  const incoming: ProviderEvent[] = [{ type: 'call.incoming', number: '13500001111', vendorCallId: 'v1' }];

  it('a write that fails once is tried again: the event is applied and told once', async () => {
    const { w, session, published, records } = await loggedIn();
    const before = published.length;
    w.storage.failWrites = 1;
    await session().ctx.emit(incoming, { cursor: { seq: 1 } });
    expect(w.log.slice(-3)).toEqual(['write failed', 'write', 'publish']);
    expect(w.storage.stored()).toMatchObject({ call: { state: 'incoming' }, cursor: { seq: 1 } });
    expect(published.length).toBe(before + 1);
    expect(records).toEqual(['change:incoming']);
  });

  it('a write that keeps failing: nothing half-applied — the emit fails, memory is what storage has, the agent is told; the provider’s next delivery applies it', async () => {
    const { w, engine, session, published, records } = await loggedIn();
    w.storage.failWrites = 3;
    const e = await failure(session().ctx.emit(incoming, { cursor: { seq: 1 } }));
    expect(e.message).toBe('会话状态未能保存，刚才的变化没有生效');
    // Not adopted: neither in memory (what the provider's snapshot and the next command see) nor stored.
    expect(session().ctx.snapshot().call).toBeNull();
    expect(session().ctx.loadCursor()).toBeUndefined();
    expect(w.storage.stored().call).toBeNull();
    expect(records).toEqual([]);
    // Shown, though it could not be stored.
    expect(published.at(-1)).toMatchObject({ call: null, problem: { message: '会话状态未能保存，刚才的变化没有生效', since: 1_000 } });
    // Storage works again: the same events (a redelivery) apply once, the banner goes.
    await session().ctx.emit(incoming, { cursor: { seq: 1 } });
    expect(w.storage.stored()).toMatchObject({ call: { state: 'incoming' }, cursor: { seq: 1 } });
    expect(engine.publicState().problem).toBeNull();
    expect(published.at(-1)?.problem).toBeNull();
    expect(records).toEqual(['change:incoming']);
  });
});

describe('never stuck in a call', () => {
  async function inCall() {
    const t = await loggedIn();
    await t.session().ctx.emit([{ type: 'call.incoming', number: '13500001111', vendorCallId: 'v1' }, { type: 'call.connected' }]);
    return t;
  }

  it.each([
    ['the platform has no such call', new CallbarError('refused', '挂断失败：通话不存在（错误码 510004）')],
    ['the platform does not answer', new CallbarError('timeout', '平台 5 秒内没有回复')],
    ['the platform cannot be reached', new CallbarError('unreachable', '无法连接平台')],
    ['an unexpected failure', new Error('boom')],
  ])('挂断 when %s: the call ends here and says why; the agent can dial again', async (_, error) => {
    const { engine, session, w } = await inCall();
    session().hangupError = error;
    const state = await engine.callAction('hangup');
    expect(state.call?.state).toBe('ended');
    expect(state.call?.cause).toMatch(/^平台未确认挂断，已在本地结束（.+）；如仍在通话，请在话机上挂断$/);
    expect(w.storage.stored()).toMatchObject({ call: { state: 'ended' } });
    session().hangupError = null;
    await engine.dial('13800138000');
    expect(session().methods()).toContain('dial');
  });

  it('挂断 unconfirmed, and the platform then shows the call still going: the same call is shown again (one row), until the platform ends it', async () => {
    const { engine, session } = await inCall();
    const shown = engine.publicState().call!;
    session().hangupError = new CallbarError('unreachable', '无法连接平台');
    await engine.callAction('hangup');
    expect(engine.publicState().call).toMatchObject({ id: shown.id, state: 'ended', endedHere: true });
    // The platform's events of that call, replayed after the reconnect: it is still up.
    await session().ctx.emit([{ type: 'call.incoming', number: '13500001111', vendorCallId: 'v1' }, { type: 'call.connected' }]);
    expect(engine.publicState().call).toMatchObject({ id: shown.id, state: 'connected', connectedAt: shown.connectedAt });
    expect(engine.publicState().call?.cause).toBeUndefined();
    await session().ctx.emit([{ type: 'call.ended', cause: '对方挂断' }]);
    expect(engine.publicState().call).toMatchObject({ id: shown.id, state: 'ended', cause: '对方挂断' });
    expect(engine.publicState().call?.endedHere).toBeUndefined();
    // A replay of the start of a call the platform itself ended is nothing new.
    await session().ctx.emit([{ type: 'call.incoming', number: '13500001111', vendorCallId: 'v1' }, { type: 'call.connected' }]);
    expect(engine.publicState().call).toMatchObject({ id: shown.id, state: 'ended', cause: '对方挂断' });
  });

  it('a hang-up refused for bad input is only reported', async () => {
    const { engine, session } = await inCall();
    session().hangupError = new CallbarError('invalid-input', 'bad');
    expect((await failure(engine.callAction('hangup'))).code).toBe('invalid-input');
    expect(engine.publicState().call?.state).toBe('connected');
  });

  it('logout during a call asks first (precondition); confirmed, the call ends here and the agent is logged out', async () => {
    const { engine, session, w } = await inCall();
    expect((await failure(engine.logout())).message).toBe('通话中不能退出登录，请先挂断');
    expect(engine.publicState().status).toBe('loggedIn');
    session().hangupError = new CallbarError('refused', '平台拒绝');
    const state = await engine.logout(true);
    expect(state.status).toBe('loggedOut');
    // The platform was asked to hang up first; refused, the call ended here all the same.
    expect(session().methods()).toEqual(expect.arrayContaining(['hangup', 'logout']));
    expect(session().methods().indexOf('hangup')).toBeLessThan(session().methods().indexOf('logout'));
    expect(w.storage.stored()).toMatchObject({ status: 'loggedOut' });
  });
});

describe('halt (what the worker’s death does)', () => {
  it('stops the provider session without logging out; a new engine over the storage resumes it', async () => {
    const { w, engine, session } = await loggedIn();
    engine.halt();
    expect(session().signals.at(-1)?.aborted).toBe(true);
    expect(session().methods()).not.toContain('logout');
    const next = boot(w);
    await next.engine.wake();
    expect(next.engine.publicState().status).toBe('loggedIn');
    expect(next.session().methods()).toContain('resume');
  });
});
