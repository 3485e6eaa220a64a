import { ACTIVE_CALL_STATES, type CallState, stateOf } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import type { AgentInfo, Provider, ProviderContext, ProviderSession } from '../provider.ts';
import type { FetchLike } from '../http.ts';
import { PollTimer } from '../session-kit.ts';
import { SoftbarClient } from './cmcc-softbar-client.ts';
import { cmccSoftbarInfo, type SoftbarSettings } from './cmcc-softbar-info.ts';
import { INITIAL_MEMORY, mapSoftbarEvents, type SoftbarEvent, type SoftbarMemory } from './cmcc-softbar-mapper.ts';
import { softbarSecret } from './cmcc-softbar-secret.ts';
import { t } from '../../shared/i18n.ts';

/** How often the bar's event queues are polled, and the slowest retry while it is down. */
export const POLL_INTERVAL_MS = 400;
export const MAX_RETRY_MS = 3000;
const MAX_EVENTS_PER_POLL = 20;
/**
 * The bar is a program on this computer: it answers in milliseconds or not at all. A poll waits this
 * long (a silent bar used to hold each poll for the 5 s HTTP timeout, twice).
 */
export const POLL_TIMEOUT_MS = 1500;
/** Dials remembered until the bar confirms them (a mark lost with a dead worker must not grow forever). */
const MAX_UNCONFIRMED_DIALS = 3;
/** A 挂断 that failed on the way is tried again after this long (the bar restarting takes a moment). */
export const HANGUP_RETRY_MS = 300;

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
  /** Events the bar handed out that are not written yet. */
  private pending: SoftbarEvent[] = [];
  /** The poll rounds and the dials, one at a time (see dial). */
  private turn: Promise<unknown> = Promise.resolve();
  private signal: AbortSignal = new AbortController().signal;

  constructor(
    private readonly settings: SoftbarSettings,
    private readonly ctx: ProviderContext,
    deps: SoftbarDeps = {},
  ) {
    this.client = new SoftbarClient(settings.baseUrl, softbarSecret(settings.extension), deps.fetch);
  }

  async login(): Promise<AgentInfo> {
    const info = await this.client.getUserInfo();
    if (info.result !== 1) {
      throw new CallbarError('auth', t('softbarNotLoggedIn'));
    }
    if (info.extension !== undefined && info.extension !== this.settings.extension) {
      throw new CallbarError(
        'auth',
        t('softbarWrongExtension', info.extension ?? '', this.settings.extension),
      );
    }
    return { name: info.username || t('softbarAgent'), extension: info.extension ?? this.settings.extension, ...(info.phone ? { phone: info.phone } : {}) };
  }

  async logout(): Promise<void> {
    // Logging out of CallBar leaves the bar itself running and logged in; nothing to send.
  }

  resume(signal: AbortSignal): void {
    const saved = this.ctx.loadCursor<SoftbarMemory>();
    const agentState = this.ctx.snapshot().agentState;
    // Sessions from before the cursor existed: the line is the agent state they show.
    this.memory = saved ?? (agentState === 'sipOnline' || agentState === 'sipOffline' ? { line: agentState } : INITIAL_MEMORY);
    this.signal = signal;
    void this.pollLoop(signal);
  }

  private async pollLoop(signal: AbortSignal): Promise<void> {
    let delay = POLL_INTERVAL_MS;
    while (!signal.aborted) {
      try {
        await this.inTurn(() => this.pollOnce(signal));
        this.ctx.setProblem(null);
        delay = POLL_INTERVAL_MS;
      } catch (error) {
        if (signal.aborted) return;
        const e = error instanceof CallbarError ? error : new CallbarError('internal', String(error));
        this.ctx.setProblem({
          code: e.code,
          message: e.message,
          hint: e.code === 'unreachable' || e.code === 'timeout' ? t('softbarNotRunningHint') : t('softbarCheckSettings'),
          ...(e.detail ? { detail: e.detail } : {}),
        });
        delay = Math.min(MAX_RETRY_MS, delay * 2);
      }
      await this.timer.wait(delay, signal);
    }
  }

  /** One round of the bar's queues, applied. */
  private async pollOnce(signal: AbortSignal): Promise<void> {
    // The bar hands each event out once: what was fetched is applied before the next request, so a
    // failing getCallState cannot take the getOnline events of the same poll with it; what could not
    // be written (storage refused) waits in `pending` and goes first next time.
    if (!this.pending.length) this.pending = await this.client.events('getOnline', MAX_EVENTS_PER_POLL, signal, POLL_TIMEOUT_MS);
    await this.applyPending(signal);
    // Online events first: a call event may depend on the line being up.
    this.pending = await this.client.events('getCallState', MAX_EVENTS_PER_POLL, signal, POLL_TIMEOUT_MS);
    await this.applyPending(signal);
  }

  private inTurn<T>(run: () => Promise<T>): Promise<T> {
    const next = this.turn.then(run, run);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /**
   * Apply the fetched events; they stay pending until written (the engine reverts a failed write). One
   * write per call, up to its hangup: the engine tells 最近通话 about the call a write ends, so a poll
   * holding a whole call and the next one's start (after the bar was not answering a while) written at
   * once left the first call out of 最近通话.
   */
  private async applyPending(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.pending.length) {
      const hangup = this.pending.findIndex((event) => event.eventName === 'hangup');
      const part = hangup < 0 ? this.pending : this.pending.slice(0, hangup + 1);
      const { events, memory } = mapSoftbarEvents(part, this.memory, this.ctx.snapshot().call);
      const before = this.memory;
      if (events.length) await this.ctx.emit(events, { cursor: memory });
      // A dial made while these were being written keeps its mark (the next write saves it).
      const added = this.memory === before ? [] : (this.memory.dials ?? []).slice((before.dials ?? []).length);
      this.memory = added.length ? { ...memory, dials: [...(memory.dials ?? []), ...added] } : memory;
      this.pending = this.pending.slice(part.length);
    }
  }

  async setAgentState(stateId: string): Promise<void> {
    if (stateId !== 'sipOnline' && stateId !== 'sipOffline') {
      throw new CallbarError('invalid-input', t('softbarNoSuchState', stateId));
    }
    this.requireNotInCall(stateId === 'sipOnline' ? t('softbarNoOnlineInCall') : t('softbarNoOfflineInCall'));
    await this.client.action(stateId);
  }

  /**
   * One at a time with the poll rounds, after one round of its own: what the bar handed out before the
   * dial (an earlier call's events, held back while the bar or storage was failing) is applied first — else
   * it would arrive while the dial is shown and end it as a call whose end was missed, and the dial would be
   * listed twice — and no poll can take the bar's makeCall for this dial before the dial is shown.
   */
  async dial(number: string): Promise<void> {
    this.requireNotInCall(t('alreadyInCallCannotDial'));
    await this.inTurn(async () => {
      await this.pollOnce(this.signal).catch(() => undefined);
      await this.dialNow(number);
    });
  }

  private async dialNow(number: string): Promise<void> {
    this.requireNotInCall(t('alreadyInCallCannotDial'));
    if (this.ctx.snapshot().agentState === 'sipOffline') {
      throw new CallbarError('precondition', t('softbarOfflineCannotDial'));
    }
    await this.client.action('makeCall', { callUri: number });
    // Show the call at once; the bar's own makeCall event confirms the same call (remembered: if the agent
    // ends the call here before that event arrives, the event must not show it again).
    const before = this.memory;
    this.memory = { ...this.memory, dials: [...(this.memory.dials ?? []), number].slice(-MAX_UNCONFIRMED_DIALS) };
    try {
      await this.ctx.emit([{ type: 'call.dialing', number }], { cursor: this.memory });
    } catch (error) {
      // Not shown (the write failed): not remembered either — else the bar's makeCall would be taken for a
      // dial CallBar ended, and the call the bar places would be in no list.
      if (this.memory.dials?.at(-1) === number) this.memory = { ...this.memory, dials: before.dials ?? [] };
      throw error;
    }
  }

  async answer(): Promise<void> {
    if (stateOf(this.ctx.snapshot().call) !== 'incoming') {
      throw new CallbarError('precondition', t('noIncomingCall'));
    }
    await this.client.action('answer');
    // The bar picked up (result 1): the call is up. Its own answer event confirms it — unless a worker
    // killed between the bar handing that event out and writing it lost it (the bar hands out each
    // event once): the call must not then ring on in CallBar while the agent talks.
    await this.ctx.emit([{ type: 'call.connected' }, { type: 'agent.state', state: 'inCall' }]);
  }

  /**
   * 挂断 that did not reach the bar (its HTTP service restarting, a 500) or whose acknowledgement was cut is
   * tried once more before CallBar gives up and ends the call here: the bar is on this computer, and a call
   * ended only here goes on at the bar — connected after all, while 最近通话 says 未接通.
   */
  async hangup(): Promise<void> {
    this.requireInCall(t('noActiveCall'));
    try {
      await this.client.action('hangup');
    } catch (error) {
      // Not when the bar answered result 0 (it has no call to hang up: the engine ends the call here) or did not answer in time (it heard it).
      const barSaidNo = error instanceof CallbarError && error.code === 'refused' && /result 0$/.test(error.detail ?? '');
      if (!(error instanceof CallbarError) || barSaidNo || !['unreachable', 'malformed-reply', 'refused'].includes(error.code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, HANGUP_RETRY_MS));
      await this.client.action('hangup');
    }
  }

  async mute(): Promise<void> {
    const call = this.requireInCall(t('muteNoCall'));
    if (call.muted) throw new CallbarError('precondition', t('alreadyMuted'));
    await this.client.action('mute');
  }

  async unmute(): Promise<void> {
    const call = this.requireInCall(t('noActiveCall'));
    if (!call.muted) throw new CallbarError('precondition', t('notMuted'));
    await this.client.action('unMute');
  }

  async transfer(target: string): Promise<void> {
    this.requireInCall(t('transferNoCall'));
    if (!/^[\d*#+]{3,20}$/.test(target)) throw new CallbarError('invalid-input', t('softbarTransferNumberInvalid'));
    await this.client.action('transfer', { dialDtmf: target });
  }

  async extraAction(actionId: string): Promise<void> {
    if (actionId !== 'switchTransfer' && actionId !== 'returnTransfer') {
      throw new CallbarError('invalid-input', t('softbarNoSuchAction', actionId));
    }
    this.requireInCall(t('noActiveCall'));
    await this.client.action(actionId);
  }

  async hold(): Promise<void> {
    throw new CallbarError('unsupported', t('softbarNoHold'));
  }

  async unhold(): Promise<void> {
    throw new CallbarError('unsupported', t('softbarNoHold'));
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


/** What tests inject: the fault suite's fetch (FaultyFetch). */
export interface SoftbarDeps {
  fetch?: FetchLike;
}

export function createCmccSoftbarProvider(deps: SoftbarDeps = {}): Provider<SoftbarSettings> {
  return { ...cmccSoftbarInfo, createSession: (settings, ctx) => new SoftbarSession(settings, ctx, deps) };
}

export const cmccSoftbar: Provider<SoftbarSettings> = createCmccSoftbarProvider();
