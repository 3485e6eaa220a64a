import { ACTIVE_CALL_STATES, type CallState, stateOf } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import type { AgentInfo, Provider, ProviderContext, ProviderSession } from '../provider.ts';
import { PollTimer } from '../session-kit.ts';
import { SoftbarClient } from './cmcc-softbar-client.ts';
import { cmccSoftbarInfo, type SoftbarSettings } from './cmcc-softbar-info.ts';
import { INITIAL_MEMORY, mapSoftbarEvents, type SoftbarMemory } from './cmcc-softbar-mapper.ts';
import { softbarSecret } from './cmcc-softbar-secret.ts';

/** How often the bar's event queues are polled, and the slowest retry while it is down. */
export const POLL_INTERVAL_MS = 400;
export const MAX_RETRY_MS = 3000;
const MAX_EVENTS_PER_POLL = 20;

/**
 * The document's call states "1–5" (outgoing, incoming, ringing, accept, connected) are
 * "in a call"; 0 and 6 (none, hangup) are not. Our model's active states are the same set.
 */
const IN_CALL = (state: CallState): boolean => ACTIVE_CALL_STATES.includes(state);

class SoftbarSession implements ProviderSession {
  private readonly client: SoftbarClient;
  private readonly timer = new PollTimer();
  /** The line state and a transfer's target from earlier events; saved as the cursor with them. */
  private memory: SoftbarMemory = INITIAL_MEMORY;

  constructor(
    private readonly settings: SoftbarSettings,
    private readonly ctx: ProviderContext,
  ) {
    this.client = new SoftbarClient(settings.baseUrl, softbarSecret(settings.extension));
  }

  async login(): Promise<AgentInfo> {
    const info = await this.client.getUserInfo();
    if (info.result !== 1) {
      throw new CallbarError('auth', '电话条尚未登录：请先在移动云坐席软电话中登录坐席，再登录 CallBar');
    }
    if (info.extension !== undefined && info.extension !== this.settings.extension) {
      throw new CallbarError(
        'auth',
        `电话条当前登录的 800 号码是 ${info.extension}，与设置中的 ${this.settings.extension} 不一致`,
      );
    }
    return { name: info.username || '坐席', extension: info.extension ?? this.settings.extension, ...(info.phone ? { phone: info.phone } : {}) };
  }

  async logout(): Promise<void> {
    // Logging out of CallBar leaves the bar itself running and logged in; nothing to send.
  }

  resume(signal: AbortSignal): void {
    const saved = this.ctx.loadCursor<SoftbarMemory>();
    const agentState = this.ctx.snapshot().agentState;
    // Sessions from before the cursor existed: the line is the agent state they show.
    this.memory = saved ?? (agentState === 'sipOnline' || agentState === 'sipOffline' ? { line: agentState } : INITIAL_MEMORY);
    void this.pollLoop(signal);
  }

  private async pollLoop(signal: AbortSignal): Promise<void> {
    let delay = POLL_INTERVAL_MS;
    while (!signal.aborted) {
      try {
        // Online events first: a call event may depend on the line being up.
        const online = await this.client.events('getOnline', MAX_EVENTS_PER_POLL, signal);
        const calls = await this.client.events('getCallState', MAX_EVENTS_PER_POLL, signal);
        if (signal.aborted) return;
        const { events, memory } = mapSoftbarEvents([...online, ...calls], this.memory);
        this.memory = memory;
        if (events.length) await this.ctx.emit(events, { cursor: memory });
        this.ctx.setProblem(null);
        delay = POLL_INTERVAL_MS;
      } catch (error) {
        if (signal.aborted) return;
        const e = error instanceof CallbarError ? error : new CallbarError('internal', String(error));
        this.ctx.setProblem({
          code: e.code,
          message: e.message,
          hint: e.code === 'unreachable' || e.code === 'timeout' ? '请确认移动云坐席软电话已启动；恢复后会自动重新连接' : '请检查电话条设置',
          ...(e.detail ? { detail: e.detail } : {}),
        });
        delay = Math.min(MAX_RETRY_MS, delay * 2);
      }
      await this.timer.wait(delay, signal);
    }
  }

  async setAgentState(stateId: string): Promise<void> {
    if (stateId !== 'sipOnline' && stateId !== 'sipOffline') {
      throw new CallbarError('invalid-input', `电话条没有坐席状态“${stateId}”`);
    }
    this.requireNotInCall(stateId === 'sipOnline' ? '通话中不能切换为在线' : '通话中不能切换为离线');
    await this.client.action(stateId);
  }

  async dial(number: string): Promise<void> {
    this.requireNotInCall('当前已有通话，挂断后才能外呼');
    if (this.ctx.snapshot().agentState === 'sipOffline') {
      throw new CallbarError('precondition', '坐席处于离线状态，请先切换为在线再外呼');
    }
    await this.client.action('makeCall', { callUri: number });
    // Show the call at once; the bar's own makeCall event confirms the same call.
    await this.ctx.emit([{ type: 'call.dialing', number }]);
  }

  async answer(): Promise<void> {
    if (stateOf(this.ctx.snapshot().call) !== 'incoming') {
      throw new CallbarError('precondition', '没有来电可以接听');
    }
    await this.client.action('answer');
  }

  async hangup(): Promise<void> {
    this.requireInCall('没有进行中的通话');
    await this.client.action('hangup');
  }

  async mute(): Promise<void> {
    const call = this.requireInCall('没有进行中的通话，无法静音');
    if (call.muted) throw new CallbarError('precondition', '已经处于静音状态');
    await this.client.action('mute');
  }

  async unmute(): Promise<void> {
    const call = this.requireInCall('没有进行中的通话');
    if (!call.muted) throw new CallbarError('precondition', '当前没有静音');
    await this.client.action('unMute');
  }

  async transfer(target: string): Promise<void> {
    this.requireInCall('没有进行中的通话，无法转接');
    if (!/^[\d*#+]{3,20}$/.test(target)) throw new CallbarError('invalid-input', '转接号码只能包含数字，3–20 位');
    await this.client.action('transfer', { dialDtmf: target });
  }

  async extraAction(actionId: string): Promise<void> {
    if (actionId !== 'switchTransfer' && actionId !== 'returnTransfer') {
      throw new CallbarError('invalid-input', `电话条没有操作“${actionId}”`);
    }
    this.requireInCall('没有进行中的通话');
    await this.client.action(actionId);
  }

  async hold(): Promise<void> {
    throw new CallbarError('unsupported', '移动云电话条不支持保持');
  }

  async unhold(): Promise<void> {
    throw new CallbarError('unsupported', '移动云电话条不支持保持');
  }

  private requireInCall(message: string) {
    const call = this.ctx.snapshot().call;
    if (!call || !IN_CALL(call.state)) throw new CallbarError('precondition', message);
    return call;
  }

  private requireNotInCall(message: string): void {
    if (IN_CALL(stateOf(this.ctx.snapshot().call))) throw new CallbarError('precondition', message);
  }
}


export const cmccSoftbar: Provider<SoftbarSettings> = {
  ...cmccSoftbarInfo,
  createSession: (settings, ctx) => new SoftbarSession(settings, ctx),
};
