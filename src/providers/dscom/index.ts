import type { ProviderEvent } from '../../shared/call-events.ts';
import { type Call, type CallState, isActive, stateOf } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { PollTimer, ProblemSlots, type ProblemValue } from '../session-kit.ts';
import type { AgentInfo, Provider, ProviderContext, ProviderSession } from '../provider.ts';
import { BillingSocket, type SocketFactory } from './dscom-billing.ts';
import { DscomAuthApi, DscomClient, type FetchLike } from './dscom-client.ts';
import { authLostHint, serverName } from './dscom-errors.ts';
import {
  apiBase,
  billingBase,
  dscomInfo,
  type DscomSettings,
  EXTRA_ACTIONS,
  isPauseStateId,
  LOGIN_PAUSED_STATE,
  queueList,
  SELECTABLE_STATES,
  SUPERVISOR_ACTIONS,
} from './dscom-info.ts';
import { deviceState, mapAgentStatus, mapBillingRows, mapCallState, type ReportedAgentState } from './dscom-mapper.ts';
import { isTokenState, type TokenState, TokenManager } from './dscom-token.ts';

/** Poll while a call is active or a dial is on its way, otherwise, and while the server fails. */
export const FAST_POLL_MS = 1000;
export const SLOW_POLL_MS = 5000;
export const ERROR_POLL_MS = 10_000;
/** The login is lost: nothing to ask the server until the agent logs in again. */
export const AUTH_LOST_POLL_MS = 30_000;
/** A dial whose reply timed out: a call showing up within this long is taken as that dial. */
export const LOST_DIAL_MS = 60_000;

/** What survives a service-worker restart (chrome.storage.session through ctx.saveCursor). */
export interface DscomCursor {
  v: 1;
  token?: TokenState | null;
  /** CallBar put this call on hold; `confirmed` once the phone reported "On Hold". */
  hold?: { callId: string; confirmed: boolean } | null;
}

export interface SessionDeps {
  fetch?: FetchLike;
  /** The WebSocket constructor for the billing socket (default: the global one; null: no socket). */
  WebSocket?: SocketFactory | null;
  now?: () => number;
  log?: (message: string, detail?: unknown) => void;
}

/** Which problem the banner shows when several are present: the first. */
const PROBLEM_ORDER = ['auth', 'server', 'phone', 'billing'] as const;
type ProblemSlot = (typeof PROBLEM_ORDER)[number];

const PHONE_NUMBER = /^[0-9*#+]{2,32}$/;
const EXTENSION = /^\d{2,10}$/;
const QUEUE = /^\d{1,10}$/;

export class DscomSession implements ProviderSession {
  private readonly client: DscomClient;
  private readonly tokens: TokenManager;
  private readonly queues: string[];
  private readonly now: () => number;
  private cursor: DscomCursor;
  private readonly problems: ProblemSlots<ProblemSlot>;
  private readonly timer = new PollTimer();
  private signal: AbortSignal | null = null;
  /** Bumped around every call action: a poll that started before one says nothing about calls. */
  private actionSeq = 0;
  /** Bumped when CallBar sets the agent state: an older poll's agent state is stale. */
  private agentSeq = 0;
  private dialInFlight = false;
  private lostDial: { number: string; at: number } | null = null;
  private reported: ReportedAgentState;
  /** Why the current call will end (it was transferred or parked): the poll only sees the phone go idle. */
  private endCause: { callId: string; cause: string } | null = null;

  constructor(
    private readonly settings: DscomSettings,
    private readonly ctx: ProviderContext,
    private readonly deps: SessionDeps = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.problems = new ProblemSlots(PROBLEM_ORDER, (problem) => ctx.setProblem(problem));
    this.queues = queueList(settings);
    this.cursor = readCursor(ctx.loadCursor<unknown>());
    const base = apiBase(settings);
    const auth = new DscomAuthApi({
      apiBase: base,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      username: settings.username,
      password: settings.password,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    this.tokens = new TokenManager({
      auth,
      now: this.now,
      initial: this.cursor.token ?? null,
      save: (token) => this.saveCursor({ token }),
      onLost: (error) => this.setProblem('auth', { code: 'auth', message: error.message, hint: authLostHint() }),
    });
    this.client = new DscomClient({ apiBase: base, tokens: this.tokens, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
    this.reported = { state: ctx.snapshot().agentState };
  }

  // ── Login ──

  async login(): Promise<AgentInfo> {
    const { extension, agentId } = this.settings;
    await this.tokens.login();
    const [endpoint, rows] = await Promise.all([this.client.endpointStatus(extension), this.client.agentStatus(agentId, extension)]);
    if (!endpoint) throw new CallbarError('refused', `${serverName(this.client.host)} 上没有分机 ${extension}：请检查设置中的分机号`);
    const signedIn = new Set(rows.filter((r) => r.status !== '-1').map((r) => r.queue));
    const { paused } = SELECTABLE_STATES[LOGIN_PAUSED_STATE];
    for (const queue of this.queues) {
      if (!signedIn.has(queue)) await this.client.agentLogin(agentId, extension, queue, paused);
    }
    return { name: `工号 ${agentId}`, extension };
  }

  /** Sign out of the configured queues only (queues the administrator assigned stay); best effort. */
  async logout(): Promise<void> {
    const results = await Promise.allSettled(this.queues.map((queue) => this.client.agentLogout(this.settings.extension, queue)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  // ── Live state ──

  resume(signal: AbortSignal): void {
    if (this.signal && !this.signal.aborted) return;
    this.signal = signal;
    void this.pollLoop(signal);
    const WebSocketImpl = this.deps.WebSocket === undefined ? (globalThis.WebSocket as unknown as SocketFactory | undefined) : this.deps.WebSocket;
    if (!WebSocketImpl) {
      this.deps.log?.('dscom: no WebSocket here; call records will not arrive');
      return;
    }
    const where = billingBase(this.settings);
    new BillingSocket({
      where,
      WebSocket: WebSocketImpl,
      url: async () => `${where}/?user_id=billing&token=${encodeURIComponent(await this.tokens.accessToken(signal))}`,
      onRows: (rows) => {
        const records = mapBillingRows(rows, this.settings.extension);
        if (!records.length || signal.aborted) return;
        // A record that closes a call we transferred or parked: say why first.
        const call = this.ctx.snapshot().call;
        const why = call && isActive(call) && this.endCause?.callId === call.id && records.some((r) => r.vendorCallId === call.vendorCallId) ? this.endCause.cause : null;
        void this.ctx.emit([...(why ? [{ type: 'call.ended', cause: why } as const] : []), ...records.map((record) => ({ type: 'call.record', record }) as const)]);
      },
      onProblem: (problem) => this.setProblem('billing', problem),
      ...(this.deps.log ? { log: this.deps.log } : {}),
    }).start(signal);
  }

  private async pollLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let delay: number;
      try {
        await this.pollOnce(signal);
        this.setProblem('server', null);
        delay = this.busy() ? FAST_POLL_MS : SLOW_POLL_MS;
      } catch (error) {
        if (signal.aborted) return;
        delay = this.pollFailed(error);
      }
      await this.timer.wait(delay, signal);
    }
  }

  private busy(): boolean {
    return this.dialInFlight || isActive(this.ctx.snapshot().call) || (this.lostDial !== null && this.now() - this.lostDial.at < LOST_DIAL_MS);
  }

  private async pollOnce(signal: AbortSignal): Promise<void> {
    const { extension, agentId } = this.settings;
    const actionSeq = this.actionSeq;
    const agentSeq = this.agentSeq;
    const dialing = this.dialInFlight;
    const [endpoint, rows] = await Promise.all([this.client.endpointStatus(extension, signal), this.client.agentStatus(agentId, extension, signal)]);
    if (signal.aborted) return;
    const now = this.now();
    const device = endpoint ? deviceState(endpoint.state) : 'unknown';
    this.setProblem(
      'phone',
      !endpoint
        ? { code: 'refused', message: `${serverName(this.client.host)} 上没有分机 ${extension}`, hint: '请检查设置中的分机号，然后重新登录' }
        : device === 'unavailable'
          ? { code: 'unreachable', message: `分机 ${extension} 未注册（话机离线）`, hint: '请打开话机或软电话并确认已注册到 dscom：外呼和来电都要经过话机' }
          : null,
    );

    const events: ProviderEvent[] = [];
    // A call action (or a dial) happened while this poll was on its way: its picture is stale.
    if (!dialing && !this.dialInFlight && actionSeq === this.actionSeq) {
      const call = this.ctx.snapshot().call;
      await this.trackHold(call, device);
      const lostDial = this.lostDial && now - this.lostDial.at < LOST_DIAL_MS ? { number: this.lostDial.number } : null;
      const holdPending = !!call && this.cursor.hold?.callId === call.id && !this.cursor.hold.confirmed;
      const cause = call && this.endCause?.callId === call.id ? this.endCause.cause : undefined;
      const callEvents = mapCallState({ device, agent: rows, call, now, holdPending, lostDial }).map((e) =>
        e.type === 'call.ended' && !e.cause && cause ? { ...e, cause } : e,
      );
      if (callEvents.some((e) => e.type === 'call.dialing' || e.type === 'call.incoming')) this.lostDial = null;
      if (!isActive(call) || callEvents.some((e) => e.type === 'call.ended')) this.endCause = null;
      events.push(...callEvents);
    }
    if (agentSeq === this.agentSeq) {
      const agentEvents = mapAgentStatus(rows, now, this.reported);
      for (const e of agentEvents) if (e.type === 'agent.state') this.reported = { state: e.state, since: e.since ?? null };
      events.push(...agentEvents);
    }
    if (events.length) await this.ctx.emit(events);
  }

  /** Keep the "CallBar put it on hold" mark in step with the call and the phone. */
  private async trackHold(call: Call | null, device: ReturnType<typeof deviceState>): Promise<void> {
    const hold = this.cursor.hold;
    if (!hold) return;
    if (!call || call.id !== hold.callId || call.state !== 'held') await this.saveCursor({ hold: null });
    else if (!hold.confirmed && device === 'onHold') await this.saveCursor({ hold: { ...hold, confirmed: true } });
  }

  private pollFailed(error: unknown): number {
    const e = error instanceof CallbarError ? error : new CallbarError('internal', `内部错误：${String(error)}`);
    const detail = e.detail ? { detail: e.detail } : {};
    if (e.code === 'auth') {
      this.setProblem('auth', { code: 'auth', message: e.message, hint: authLostHint(), ...detail });
      return AUTH_LOST_POLL_MS;
    }
    const network = e.code === 'unreachable' || e.code === 'timeout';
    this.setProblem('server', {
      code: e.code,
      message: e.code === 'unreachable' ? `无法连接 ${serverName(this.client.host)}` : e.message,
      hint: network
        ? `请检查网络和设置中的服务器地址；恢复后会自动重新连接（每 ${ERROR_POLL_MS / 1000} 秒重试）`
        : `每 ${ERROR_POLL_MS / 1000} 秒重试一次；一直出现时请联系管理员`,
      ...detail,
    });
    return ERROR_POLL_MS;
  }


  // ── Problems: one banner, several sources ──

  private setProblem(slot: ProblemSlot, problem: ProblemValue | null): void {
    this.problems.set(slot, problem);
  }

  private async saveCursor(change: Partial<Omit<DscomCursor, 'v'>>): Promise<void> {
    this.cursor = { ...this.cursor, ...change };
    // A stopped session (logged out, or replaced) must not write over its successor's data.
    if (this.signal?.aborted) return;
    await this.ctx.saveCursor(this.cursor);
  }

  // ── Agent state ──

  async setAgentState(stateId: string): Promise<void> {
    const { extension, agentId } = this.settings;
    if (stateId === 'loggedOut') {
      this.requireNoCall('通话中不能签出队列，请先挂断');
      for (const queue of this.queues) await this.client.agentLogout(extension, queue);
      this.agentSeq++;
      this.timer.poke();
      return;
    }
    if (!isPauseStateId(stateId)) throw new CallbarError('invalid-input', `dscom 没有可以切换的坐席状态“${stateId}”`);
    const { paused, reason } = SELECTABLE_STATES[stateId];
    // Queues the agent is signed in to are paused / unpaused; the others are signed in with that state.
    const rows = await this.client.agentStatus(agentId, extension);
    const signedIn = new Set(rows.filter((r) => r.status !== '-1').map((r) => r.queue));
    for (const queue of this.queues) {
      if (signedIn.has(queue)) await this.client.agentPause(extension, queue, paused, reason);
      else await this.client.agentLogin(agentId, extension, queue, paused);
    }
    this.agentSeq++;
    const since = this.now();
    this.reported = { state: stateId, since };
    await this.ctx.emit([{ type: 'agent.state', state: stateId, since }]);
    this.timer.poke();
  }

  // ── Calls ──

  async dial(number: string): Promise<void> {
    this.requireNoCall('当前已有通话，挂断后才能外呼');
    if (this.dialInFlight) throw new CallbarError('precondition', '正在发起呼叫，请稍候');
    if (!PHONE_NUMBER.test(number)) throw new CallbarError('invalid-input', '外呼号码只能包含数字、*、#、+，2–32 位');
    this.dialInFlight = true;
    this.actionSeq++;
    try {
      // Never retried here (a retried dial can ring a customer twice); the client retries only
      // after a 401, when the server has not run it.
      const uniqueid = await this.client.dial(this.settings.extension, number, this.settings.displaycid || undefined);
      this.lostDial = null;
      await this.ctx.emit([{ type: 'call.dialing', number, ...(uniqueid ? { vendorCallId: uniqueid } : {}) }]);
    } catch (error) {
      if (error instanceof CallbarError && error.code === 'timeout') {
        this.lostDial = { number, at: this.now() };
        throw new CallbarError('timeout', '外呼请求超时：呼叫可能已经发出，请看话机是否振铃，不要重复拨打', error.detail);
      }
      throw error;
    } finally {
      this.dialInFlight = false;
      this.actionSeq++;
      this.timer.poke();
    }
  }

  async answer(): Promise<void> {
    throw new CallbarError('unsupported', 'dscom 不能远程接听：请在话机上接听');
  }

  async hangup(): Promise<void> {
    this.requireCall(['dialing', 'ringing', 'incoming', 'connected', 'held'], '没有进行中的通话');
    await this.callAction(() => this.client.hangup(this.settings.extension));
  }

  async hold(): Promise<void> {
    const call = this.ctx.snapshot().call;
    if (call?.state === 'held') throw new CallbarError('precondition', '通话已经处于保持状态');
    const connected = this.requireCall(['connected'], isActive(call) ? '通话接通后才能保持' : '没有进行中的通话，无法保持');
    await this.callAction(async () => {
      await this.client.hold(this.settings.extension);
      await this.saveCursor({ hold: { callId: connected.id, confirmed: false } });
      await this.ctx.emit([{ type: 'call.held' }]);
    });
  }

  async unhold(): Promise<void> {
    this.requireCall(['held'], '当前没有保持中的通话');
    await this.callAction(async () => {
      await this.client.unhold(this.settings.extension);
      await this.saveCursor({ hold: null });
      await this.ctx.emit([{ type: 'call.resumed' }]);
    });
  }

  async mute(): Promise<void> {
    throw new CallbarError('unsupported', 'dscom 不支持静音：请使用话机上的静音键');
  }

  async unmute(): Promise<void> {
    throw new CallbarError('unsupported', 'dscom 不支持静音：请使用话机上的静音键');
  }

  async transfer(target: string): Promise<void> {
    this.requireCall(['connected', 'held'], '没有接通的通话，无法转接');
    const dest = this.checkInput(target, PHONE_NUMBER, '转接号码只能包含数字、*、#、+，2–32 位');
    const call = this.ctx.snapshot().call;
    // Set before the request: the poll may see the phone go idle before the reply arrives.
    if (call) this.endCause = { callId: call.id, cause: `已转接到 ${dest}` };
    try {
      await this.callAction(() => this.client.transfer(this.settings.extension, 'blind', dest));
    } catch (error) {
      this.endCause = null;
      throw error;
    }
    // A blind transfer takes the agent's leg off the call at once: end it now, with why (the
    // poll or the CDR would only see the phone go idle).
    await this.ctx.emit([{ type: 'call.ended', cause: `已转接到 ${dest}` }]);
  }

  async extraAction(actionId: string, input?: string): Promise<void> {
    const { extension } = this.settings;
    const supervisor = SUPERVISOR_ACTIONS.find((a) => a.id === actionId);
    const action = EXTRA_ACTIONS.find((a) => a.id === actionId) ?? supervisor;
    if (!action) throw new CallbarError('unsupported', `dscom 没有操作“${actionId}”`);
    if (supervisor && !this.settings.supervisor) throw new CallbarError('unsupported', '强插、监听、督导只在班长模式下可用（设置中开启“班长模式”）');
    if (!action.when.includes(stateOf(this.ctx.snapshot().call))) throw new CallbarError('precondition', `当前通话状态下不能“${action.label}”`);
    const value = (input ?? '').trim();
    switch (actionId) {
      case 'attendedTransfer': {
        const dest = this.checkInput(value, PHONE_NUMBER, '转接号码只能包含数字、*、#、+，2–32 位');
        await this.callAction(() => this.client.transfer(extension, 'attended', dest));
        return this.note(`正在咨询 ${dest}：商量好后挂断即完成转接，或点“取消咨询转接”回到原通话`);
      }
      case 'cancelAtxfer':
        await this.callAction(() => this.client.cancelAtxfer(extension));
        return this.note('已取消咨询转接，回到原通话');
      case 'park': {
        const call = this.ctx.snapshot().call;
        const number = call?.number;
        if (call) this.endCause = { callId: call.id, cause: '已驻留' };
        try {
          await this.callAction(() => this.client.park(extension));
        } catch (error) {
          this.endCause = null;
          throw error;
        }
        await this.ctx.emit([{ type: 'call.ended', cause: '已驻留' }]);
        const spot = await this.client.parkList(extension).then(
          (list) => list.find((p) => p.number === number)?.space,
          () => undefined,
        );
        return this.note(spot ? `通话已驻留（车位 ${spot}）` : '通话已驻留');
      }
      case 'parkList': {
        const list = await this.client.parkList(extension);
        if (list.length === 0) return this.note('没有驻留中的通话');
        const items = list.map((p) => `${p.number || '未知号码'}（${[p.space ? `车位 ${p.space}` : '', p.seconds !== undefined ? `${p.seconds} 秒` : ''].filter(Boolean).join('，') || '驻留中'}）`);
        return this.note(`驻留中：${items.join('、')}`);
      }
      case 'unpark': {
        const dest = this.checkInput(value, PHONE_NUMBER, '驻留来电号码只能包含数字、*、#、+，2–32 位');
        await this.callAction(() => this.client.unpark(extension, dest));
        return this.note(`正在接回驻留通话 ${dest}：请在话机上接听`);
      }
      case 'queueWaiting': {
        const lists = await Promise.all(this.queues.map(async (queue) => ({ queue, calls: await this.client.waiting(queue) })));
        const waiting = lists.filter((l) => l.calls.length > 0);
        if (waiting.length === 0) return this.note(`队列 ${this.queues.join('、')} 没有排队来电`);
        const parts = waiting.map((l) => `队列 ${l.queue}：${l.calls.map((c) => `${c.callerid || '未知号码'}${c.waitTime ? `（等待 ${c.waitTime}）` : ''}`).join('、')}`);
        return this.note(`排队中：${parts.join('；')}`);
      }
      case 'redirect': {
        const dest = this.checkInput(value, PHONE_NUMBER, '排队来电号码只能包含数字、*、#、+，2–32 位');
        await this.callAction(() => this.client.redirect(extension, dest));
        return this.note(`正在接听排队来电 ${dest}：请在话机上接听`);
      }
      case 'pickup': {
        const dest = this.checkInput(value, EXTENSION, '振铃分机只能由 2–10 位数字组成');
        if (dest === extension) throw new CallbarError('invalid-input', '不能代接自己的分机');
        await this.callAction(() => this.client.pickup(extension, dest));
        return this.note(`正在代接分机 ${dest} 的来电：请在话机上接听`);
      }
      case 'logoutQueue': {
        const queue = this.checkInput(value, QUEUE, '队列号只能由数字组成');
        await this.client.agentLogout(extension, queue);
        this.agentSeq++;
        this.timer.poke();
        return this.note(`已签出队列 ${queue}`);
      }
      case 'barge':
      case 'monitor':
      case 'whisper': {
        const dest = this.checkInput(value, EXTENSION, '分机号只能由 2–10 位数字组成');
        if (dest === extension) throw new CallbarError('invalid-input', `不能对自己的分机${action.label}`);
        await this.callAction(() => this.client.supervise(actionId, extension, dest));
        return this.note(`正在${action.label}分机 ${dest}：请在话机上接听`);
      }
      default:
        throw new CallbarError('unsupported', `dscom 没有操作“${actionId}”`);
    }
  }

  // ── helpers ──

  /** Run a call action; polls already on their way no longer speak for the call, and the next one comes at once. */
  private async callAction(run: () => Promise<void>): Promise<void> {
    this.actionSeq++;
    try {
      await run();
    } finally {
      this.actionSeq++;
      this.timer.poke();
    }
  }

  private note(text: string): Promise<void> {
    return this.ctx.emit([{ type: 'note', text }]);
  }

  private checkInput(value: string, pattern: RegExp, message: string): string {
    const v = value.trim();
    if (!pattern.test(v)) throw new CallbarError('invalid-input', message);
    return v;
  }

  private requireCall(states: readonly CallState[], message: string): Call {
    const call = this.ctx.snapshot().call;
    if (!call || !states.includes(call.state)) throw new CallbarError('precondition', message);
    return call;
  }

  private requireNoCall(message: string): void {
    if (isActive(this.ctx.snapshot().call)) throw new CallbarError('precondition', message);
  }
}

function readCursor(value: unknown): DscomCursor {
  if (typeof value !== 'object' || value === null) return { v: 1 };
  const c = value as Record<string, unknown>;
  const hold = c.hold as DscomCursor['hold'];
  return {
    v: 1,
    token: isTokenState(c.token) ? c.token : null,
    hold: hold && typeof hold.callId === 'string' ? { callId: hold.callId, confirmed: hold.confirmed === true } : null,
  };
}

export const dscom: Provider<DscomSettings> = {
  ...dscomInfo,
  createSession: (settings, ctx) => new DscomSession(settings, ctx),
};
