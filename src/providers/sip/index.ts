/**
 * Provider `sip`: the browser's WebRTC phone (docs/phone.md) registered to a SIP-over-WebSocket
 * PBX. Everything is the phone's: the session reconciles with each status the phone publishes
 * (sip-mapper.ts), so a service worker killed mid-call finds the call where the phone has it.
 */
import type { ProviderEvent } from '../../shared/call-events.ts';
import { isActive } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n.ts';
import type { PhoneAccount, PhoneStatus } from '../../shared/softphone.ts';
import { phoneAccountKey } from '../../shared/softphone.ts';
import { phoneProblem } from '../phone-text.ts';
import type { AgentInfo, Provider, ProviderContext, ProviderSession } from '../provider.ts';
import { sipInfo, type SipSettings, splitIceUrls, splitSipUser } from './sip-info.ts';
import { sipEvents } from './sip-mapper.ts';

/** The cursor: the phone call the session last adopted (an ended call the agent dismissed stays dismissed). */
interface SipCursor {
  callId?: string;
}

const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;

export function sipAccount(settings: SipSettings): PhoneAccount {
  const { user, domain } = splitSipUser(settings.user);
  const urls = splitIceUrls(settings.iceServers);
  const stun = urls.filter((u) => /^stuns?:/i.test(u));
  const turn = urls.filter((u) => /^turns?:/i.test(u));
  return {
    wsUrl: settings.wsUrl,
    uri: `sip:${user}@${domain || settings.domain}`,
    ...(settings.authUser ? { authUser: settings.authUser } : {}),
    password: settings.password,
    ...(settings.displayName ? { displayName: settings.displayName } : {}),
    ...(settings.outboundProxy ? { outboundProxy: settings.outboundProxy } : {}),
    iceServers: [
      ...(stun.length ? [{ urls: stun }] : []),
      ...(turn.length ? [{ urls: turn, username: settings.turnUsername, credential: settings.turnPassword }] : []),
    ],
    dtmfMode: settings.dtmfMode,
  };
}

export class SipSession implements ProviderSession {
  private readonly account: PhoneAccount;
  private queue: Promise<void> = Promise.resolve();
  /** The newest status applied: a reply overtaken by a pushed status must not undo it. */
  private applied: { instance: string; seq: number } | null = null;
  /** The phone document whose statuses arrive (a new one replaced a closed one: it has no account). */
  private instance: string | null = null;
  /** The registration being brought back, if any (one at a time). */
  private keeping: Promise<void> | null = null;
  /** Do-not-disturb as the phone last had it with our account (a new phone is registered with it). */
  private dnd: boolean | null = null;

  constructor(
    private readonly settings: SipSettings,
    private readonly ctx: ProviderContext,
  ) {
    this.account = sipAccount(settings);
  }

  async login(): Promise<AgentInfo> {
    const status = await this.ctx.phone.send({ type: 'register', account: this.account, dnd: false });
    await this.reconcile(status);
    const { user, domain } = splitSipUser(this.settings.user);
    // 张三 · 1001, or 1001@pbx.example.com · 1001 without a display name.
    return { name: this.settings.displayName || `${user}@${domain || this.settings.domain}`, extension: user };
  }

  async logout(): Promise<void> {
    await this.ctx.phone.send({ type: 'unregister' });
  }

  resume(signal: AbortSignal): void {
    const unsubscribe = this.ctx.phone.subscribe((status) => {
      // A new phone document without our account: the old one closed (crashed, ended) with the
      // registration in it while this worker ran. Register again, as after a wake.
      const replaced = this.instance !== null && status.instance !== this.instance;
      this.instance = status.instance;
      if (replaced && status.account === null && !signal.aborted) void this.keepRegistered(signal);
      void this.reconcile(status);
    });
    signal.addEventListener('abort', unsubscribe, { once: true });
    void this.keepRegistered(signal);
  }

  /**
   * After a wake: the phone's status says where things are. A phone without our account (its
   * document was closed, the browser restarted) is registered again, with backoff while that fails.
   */
  private keepRegistered(signal: AbortSignal): Promise<void> {
    this.keeping ??= this.registerAgain(signal).finally(() => (this.keeping = null));
    return this.keeping;
  }

  private async registerAgain(signal: AbortSignal): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        const status = await this.ctx.phone.send({ type: 'status' });
        if (status.account === phoneAccountKey(this.account)) return void (await this.reconcile(status));
        const dnd = this.dnd ?? this.ctx.snapshot().agentState === 'dnd';
        await this.reconcile(await this.ctx.phone.send({ type: 'register', account: this.account, dnd }));
        return;
      } catch (error) {
        if (signal.aborted) return;
        const e = error instanceof CallbarError ? error : new CallbarError('internal', String(error));
        this.ctx.setProblem({ code: e.code, message: t('phoneReregisterFailed', e.message) });
        await this.ctx.emit([{ type: 'agent.state', state: 'unregistered' }]);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
  }

  /** Bring the session to the phone's status (serially: each step sees the previous one applied). */
  private reconcile(status: PhoneStatus): Promise<void> {
    const run = this.queue.then(async () => {
      if (status.account !== null && status.account !== phoneAccountKey(this.account)) return;
      if (status.account !== null) this.dnd = status.dnd;
      if (this.applied && this.applied.instance === status.instance && status.seq <= this.applied.seq) return;
      this.applied = { instance: status.instance, seq: status.seq };
      this.ctx.setProblem(phoneProblem(status, this.account.wsUrl));
      const cursor = this.ctx.loadCursor<SipCursor>() ?? {};
      const events: ProviderEvent[] = sipEvents(this.ctx.snapshot(), status, cursor.callId);
      // The phone call the session shows (or is about to): remembered as seen. A call not adopted
      // yet (answered by the phone itself, not up yet) is not, or it would never be shown.
      const session = this.ctx.snapshot().call;
      const adopted = events.some((e) => e.type === 'call.dialing' || e.type === 'call.incoming') || (!!status.call && session?.vendorCallId === status.call.id);
      const callId = adopted ? status.call?.id : cursor.callId;
      if (events.length || callId !== cursor.callId) await this.ctx.emit(events, { cursor: { callId } satisfies SipCursor });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async setAgentState(stateId: string): Promise<void> {
    await this.reconcile(await this.ctx.phone.send({ type: 'dnd', on: stateId === 'dnd' }));
  }

  async dial(number: string): Promise<void> {
    // Never retried: a retried INVITE can ring the customer twice.
    await this.reconcile(await this.ctx.phone.send({ type: 'call', target: number }));
  }

  async answer(): Promise<void> {
    await this.onCall((callId) => ({ type: 'answer', callId }));
  }

  async hangup(): Promise<void> {
    const call = this.ctx.snapshot().call;
    try {
      await this.onCall((callId) => (call?.state === 'incoming' ? { type: 'reject', callId } : { type: 'hangup', callId }));
    } catch (error) {
      // The phone no longer has the call (it ended while the worker slept): what the phone says wins.
      await this.reconcile(await this.ctx.phone.send({ type: 'status' })).catch(() => undefined);
      if (!isActive(this.ctx.snapshot().call)) return;
      throw error;
    }
  }

  async hold(): Promise<void> {
    await this.onCall((callId) => ({ type: 'hold', callId }));
  }

  async unhold(): Promise<void> {
    await this.onCall((callId) => ({ type: 'unhold', callId }));
  }

  async mute(): Promise<void> {
    await this.onCall((callId) => ({ type: 'mute', callId }));
  }

  async unmute(): Promise<void> {
    await this.onCall((callId) => ({ type: 'unmute', callId }));
  }

  async dtmf(digits: string): Promise<void> {
    await this.onCall((callId) => ({ type: 'dtmf', callId, digits }));
  }

  async transfer(target: string): Promise<void> {
    await this.onCall((callId) => ({ type: 'transfer', callId, target }));
  }

  async extraAction(actionId: string): Promise<void> {
    throw new CallbarError('unsupported', t('providerNoSuchAction', sipInfo.name, actionId));
  }

  private async onCall(command: (callId: string) => Parameters<ProviderContext['phone']['send']>[0]): Promise<void> {
    const callId = this.ctx.snapshot().call?.vendorCallId;
    if (!callId) throw new CallbarError('precondition', t('phoneNoCall'));
    await this.reconcile(await this.ctx.phone.send(command(callId)));
  }
}

export const sip: Provider<SipSettings> = {
  ...sipInfo,
  createSession: (settings, ctx) => new SipSession(settings, ctx),
};
