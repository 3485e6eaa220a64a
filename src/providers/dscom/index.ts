import type { CallRecord, ProviderEvent } from '../../shared/call-events.ts';
import { type Call, type CallState, isActive, stateOf } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { PollTimer, ProblemSlots, type ProblemValue } from '../session-kit.ts';
import type { AgentInfo, Provider, ProviderContext, ProviderSession } from '../provider.ts';
import { BillingSocket, type SocketFactory } from './dscom-billing.ts';
import { CDR_PAGE_SIZE, DIAL_TIMEOUT_MS, DscomAuthApi, DscomClient, type FetchLike } from './dscom-client.ts';
import { DEFAULT_TIMEOUT_MS } from '../http.ts';
import { authLostHint, serverName } from './dscom-errors.ts';
import { t, text } from '../../shared/i18n.ts';
import { cannotConnect, internalErrorMessage, pollRetryHint } from '../error-text.ts';
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
import { deviceState, formatLocalTime, mapAgentStatus, mapBillingRows, mapCallState, type ReportedAgentState, UNKNOWN_NUMBER } from './dscom-mapper.ts';
import { isTokenState, type TokenState, TokenManager } from './dscom-token.ts';

/** Poll while a call is active or a dial is on its way, otherwise, and while the server fails. */
export const FAST_POLL_MS = 1000;
export const SLOW_POLL_MS = 5000;
export const ERROR_POLL_MS = 10_000;
/** The login is lost: nothing to ask the server until the agent logs in again. */
export const AUTH_LOST_POLL_MS = 30_000;
/** cdr/list: calls that started this long before the covered time are asked for too (clock skew, rounding). */
export const CDR_MARGIN_MS = 120_000;
/** cdr/list pages read in one catch-up at most (1000 rows each). */
export const CDR_MAX_PAGES = 5;
/** A live record moves `cdrSince` in storage at most this often (it is a lower bound: later is only more work). */
export const CDR_SINCE_SAVE_MS = 60_000;
/** A dial whose reply timed out: a call showing up within this long is taken as that dial. */
export const LOST_DIAL_MS = 60_000;

/** What survives a service-worker restart (chrome.storage.session through ctx.saveCursor). */
export interface DscomCursor {
  v: 1;
  token?: TokenState | null;
  /**
   * Call records (CDRs) of calls that started before this time (ms, local clock) have all been applied:
   * the billing socket was open from then on, or cdr/list was asked. Set at login.
   */
  cdrSince?: number | null;
  /** CallBar put this call on hold; `confirmed` once the phone reported "On Hold". */
  hold?: { callId: string; confirmed: boolean } | null;
}

export interface SessionDeps {
  fetch?: FetchLike;
  /** The WebSocket constructor for the billing socket (default: the global one; null: no socket). */
  WebSocket?: SocketFactory | null;
  now?: () => number;
  log?: (message: string, detail?: unknown) => void;
  /** Shorter waits for tests that run whole shifts in seconds (the defaults are the constants above). */
  timing?: Partial<SessionTiming>;
}

export interface SessionTiming {
  fastPollMs: number;
  slowPollMs: number;
  errorPollMs: number;
  /** Every request but call/dial (http.ts DEFAULT_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** call/dial (DIAL_TIMEOUT_MS). */
  dialTimeoutMs: number;
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
  private readonly timing: SessionTiming;
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
  /** The call whose call/hangup the PBX accepted (its phone going idle ends it at once, even while dialing). */
  private hungUp: string | null = null;
  /** A poll saw the phone ring with nothing in the agent rows (no number, no linkedid): shown if the next poll sees it too. */
  private blindRing = false;
  /** Billing connections opened / caught up with cdr/list (the rows pushed while none was open). */
  private catchUpWanted = 0;
  private catchUpDone = 0;
  private catchingUp: Promise<void> | null = null;

  constructor(
    private readonly settings: DscomSettings,
    private readonly ctx: ProviderContext,
    private readonly deps: SessionDeps = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.timing = { fastPollMs: FAST_POLL_MS, slowPollMs: SLOW_POLL_MS, errorPollMs: ERROR_POLL_MS, requestTimeoutMs: DEFAULT_TIMEOUT_MS, dialTimeoutMs: DIAL_TIMEOUT_MS, ...deps.timing };
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
      timeoutMs: this.timing.requestTimeoutMs,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    this.tokens = new TokenManager({
      auth,
      now: this.now,
      initial: this.cursor.token ?? null,
      save: (token) => this.saveCursor({ token }),
      onLost: (error) => this.setProblem('auth', { code: 'auth', message: error.message, hint: authLostHint() }),
    });
    this.client = new DscomClient({
      apiBase: base,
      tokens: this.tokens,
      timeoutMs: this.timing.requestTimeoutMs,
      dialTimeoutMs: this.timing.dialTimeoutMs,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    this.reported = { state: ctx.snapshot().agentState };
  }

  // ── Login ──

  async login(): Promise<AgentInfo> {
    const { extension, agentId } = this.settings;
    await this.tokens.login();
    await this.saveCursor({ cdrSince: this.now() });
    const [endpoint, rows] = await Promise.all([this.client.endpointStatus(extension), this.client.agentStatus(agentId, extension)]);
    if (!endpoint) throw new CallbarError('refused', t('dscomNoExtensionCheck', serverName(this.client.host), extension));
    const signedIn = new Set(rows.filter((r) => r.status !== '-1').map((r) => r.queue));
    const { paused } = SELECTABLE_STATES[LOGIN_PAUSED_STATE];
    for (const queue of this.queues) {
      if (!signedIn.has(queue)) await this.client.agentLogin(agentId, extension, queue, paused);
    }
    return { name: t('dscomAgentName', agentId), extension };
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
        const receivedAt = this.now();
        const caughtUp = this.catchUpDone === this.catchUpWanted;
        void this.applyRecords(mapBillingRows(rows, this.settings.extension), signal).then(
          () => (caughtUp ? this.recordsSeen(receivedAt) : undefined),
          (error) => this.deps.log?.('dscom: a pushed call record could not be applied; cdr/list will be asked', error),
        );
      },
      onOpen: () => {
        this.catchUpWanted++;
        void this.catchUpRecords(signal);
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
        // A catch-up that failed (the server was down when the socket came back) is tried again.
        if (this.catchUpDone < this.catchUpWanted) void this.catchUpRecords(signal);
        this.setProblem('server', null);
        // The server took the token: a login problem shown earlier (a token refused twice) is over.
        this.setProblem('auth', null);
        delay = this.busy() ? this.timing.fastPollMs : this.timing.slowPollMs;
      } catch (error) {
        if (signal.aborted) return;
        delay = this.pollFailed(error);
      }
      await this.timer.wait(delay, signal);
    }
  }

  private busy(): boolean {
    return this.dialInFlight || this.blindRing || isActive(this.ctx.snapshot().call) || (this.lostDial !== null && this.now() - this.lostDial.at < LOST_DIAL_MS);
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
        ? { code: 'refused', message: t('dscomNoExtension', serverName(this.client.host), extension), hint: t('dscomNoExtensionHint') }
        : device === 'unavailable'
          ? { code: 'unreachable', message: t('dscomPhoneOffline', extension), hint: t('dscomPhoneOfflineHint') }
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
      const hungUp = !!call && this.hungUp === call.id;
      const callEvents = mapCallState({ device, agent: rows, call, now, holdPending, lostDial, hungUp }).map((e) =>
        e.type === 'call.ended' && !e.cause && cause ? { ...e, cause } : e,
      );
      // The two reads of a poll can disagree (the phone read ringing, the agent rows read a moment later,
      // after the ring ended): a call with neither number nor id is shown only when the next poll sees it too,
      // else a ring of a call already over became a phantom 未知号码 call in 最近通话 beside the real one.
      const start = callEvents.find((e) => e.type === 'call.dialing' || e.type === 'call.incoming');
      const blind = !!start && !start.vendorCallId && start.number === UNKNOWN_NUMBER && !lostDial;
      if (blind && !this.blindRing) {
        this.blindRing = true;
        callEvents.length = 0;
      } else this.blindRing = false;
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

  /**
   * Records of calls the live state missed: the billing socket pushes a CDR once, to the sockets open
   * then — rows written while it was down (the worker asleep or killed, the network or the server gone)
   * are asked of cdr/list when a connection opens, from the time everything before was applied. A row
   * already applied is applied again harmlessly (最近通话 keeps one row per call id).
   */
  private catchUpRecords(signal: AbortSignal): Promise<void> {
    this.catchingUp ??= this.catchUp(signal)
      .catch((error) => this.deps.log?.('dscom: call records missed while the billing socket was down could not be fetched; tried again after the next poll', error))
      .finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private async catchUp(signal: AbortSignal): Promise<void> {
    const wanted = this.catchUpWanted;
    const queryAt = this.now();
    const call = this.ctx.snapshot().call;
    // A call that started before the covered time may have ended in the gap: its start is asked for too.
    const from = Math.min(this.cursor.cdrSince ?? queryAt, call?.startedAt ?? Infinity) - CDR_MARGIN_MS;
    const [start, end] = [formatLocalTime(from), formatLocalTime(queryAt + CDR_MARGIN_MS)];
    const rows: unknown[] = [];
    for (let page = 1; page <= CDR_MAX_PAGES; page++) {
      const batch = await this.client.cdrList(start, end, page, signal);
      rows.push(...batch.rows);
      if (batch.rows.length < CDR_PAGE_SIZE) break;
    }
    if (signal.aborted) return;
    await this.applyRecords(mapBillingRows(rows, this.settings.extension), signal);
    this.catchUpDone = wanted;
    await this.saveCursor({ cdrSince: queryAt });
  }

  /** Records of the agent's calls → events (a record closing a call CallBar transferred or parked says why first). */
  private async applyRecords(records: CallRecord[], signal: AbortSignal): Promise<void> {
    if (!records.length || signal.aborted) return;
    const call = this.ctx.snapshot().call;
    const why = call && isActive(call) && this.endCause?.callId === call.id && records.some((r) => r.vendorCallId === call.vendorCallId) ? this.endCause.cause : null;
    await this.ctx.emit([...(why ? [{ type: 'call.ended', cause: why } as const] : []), ...records.map((record) => ({ type: 'call.record', record }) as const)]);
  }

  /** A live socket's records up to `at` are applied: the covered time moves (saved now and then). */
  private async recordsSeen(at: number): Promise<void> {
    if (this.catchUpDone !== this.catchUpWanted) return;
    const since = this.cursor.cdrSince ?? 0;
    if (at - since >= CDR_SINCE_SAVE_MS) await this.saveCursor({ cdrSince: at }).catch(() => undefined);
  }

  /** Keep the "CallBar put it on hold" mark in step with the call and the phone. */
  private async trackHold(call: Call | null, device: ReturnType<typeof deviceState>): Promise<void> {
    const hold = this.cursor.hold;
    if (!hold) return;
    if (!call || call.id !== hold.callId || call.state !== 'held') await this.saveCursor({ hold: null });
    else if (!hold.confirmed && device === 'onHold') await this.saveCursor({ hold: { ...hold, confirmed: true } });
  }

  private pollFailed(error: unknown): number {
    const e = error instanceof CallbarError ? error : new CallbarError('internal', internalErrorMessage(error));
    const detail = e.detail ? { detail: e.detail } : {};
    if (e.code === 'auth') {
      this.setProblem('auth', { code: 'auth', message: e.message, hint: authLostHint(), ...detail });
      return AUTH_LOST_POLL_MS;
    }
    const network = e.code === 'unreachable' || e.code === 'timeout';
    this.setProblem('server', {
      code: e.code,
      message: e.code === 'unreachable' ? cannotConnect(serverName(this.client.host)) : e.message,
      hint: network
        ? pollRetryHint(true, this.timing.errorPollMs / 1000)
        : pollRetryHint(false, this.timing.errorPollMs / 1000),
      ...detail,
    });
    return this.timing.errorPollMs;
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
      this.requireNoCall(t('dscomNoSignOutInCall'));
      for (const queue of this.queues) await this.client.agentLogout(extension, queue);
      this.agentSeq++;
      this.timer.poke();
      return;
    }
    if (!isPauseStateId(stateId)) throw new CallbarError('invalid-input', t('dscomNoSuchState', stateId));
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
    this.requireNoCall(t('alreadyInCallCannotDial'));
    if (this.dialInFlight) throw new CallbarError('precondition', t('dialInFlight'));
    if (!PHONE_NUMBER.test(number)) throw new CallbarError('invalid-input', t('dscomDialNumberInvalid'));
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
        throw new CallbarError('timeout', t('dialTimeout'), error.detail);
      }
      // The PBX answered, the reply came back cut: it may well be ringing the agent's phone for this dial.
      if (error instanceof CallbarError && error.code === 'malformed-reply') this.lostDial = { number, at: this.now() };
      throw error;
    } finally {
      this.dialInFlight = false;
      this.actionSeq++;
      this.timer.poke();
    }
  }

  async answer(): Promise<void> {
    throw new CallbarError('unsupported', t('dscomNoAnswer'));
  }

  async hangup(): Promise<void> {
    const call = this.requireCall(['dialing', 'ringing', 'incoming', 'connected', 'held'], t('noActiveCall'));
    await this.callAction(async () => {
      await this.client.hangup(this.settings.extension);
      this.hungUp = call.id;
    });
  }

  async hold(): Promise<void> {
    const call = this.ctx.snapshot().call;
    if (call?.state === 'held') throw new CallbarError('precondition', t('callAlreadyHeld'));
    const connected = this.requireCall(['connected'], isActive(call) ? t('holdNeedsConnected') : t('holdNoCall'));
    await this.callAction(async () => {
      await this.client.hold(this.settings.extension);
      await this.saveCursor({ hold: { callId: connected.id, confirmed: false } });
      await this.ctx.emit([{ type: 'call.held' }]);
    });
  }

  async unhold(): Promise<void> {
    this.requireCall(['held'], t('noHeldCall'));
    await this.callAction(async () => {
      await this.client.unhold(this.settings.extension);
      await this.saveCursor({ hold: null });
      await this.ctx.emit([{ type: 'call.resumed' }]);
    });
  }

  async mute(): Promise<void> {
    throw new CallbarError('unsupported', t('dscomNoMute'));
  }

  async unmute(): Promise<void> {
    throw new CallbarError('unsupported', t('dscomNoMute'));
  }

  async transfer(target: string): Promise<void> {
    this.requireCall(['connected', 'held'], t('noConnectedCallToTransfer'));
    const dest = this.checkInput(target, PHONE_NUMBER, t('dscomTransferNumberInvalid'));
    const call = this.ctx.snapshot().call;
    // Set before the request: the poll may see the phone go idle before the reply arrives.
    if (call) this.endCause = { callId: call.id, cause: t('causeTransferredTo', dest) };
    try {
      await this.callAction(() => this.client.transfer(this.settings.extension, 'blind', dest));
    } catch (error) {
      this.endCause = null;
      throw error;
    }
    // A blind transfer takes the agent's leg off the call at once: end it now, with why (the
    // poll or the CDR would only see the phone go idle).
    await this.ctx.emit([{ type: 'call.ended', cause: t('causeTransferredTo', dest) }]);
  }

  async extraAction(actionId: string, input?: string): Promise<void> {
    const { extension } = this.settings;
    const supervisor = SUPERVISOR_ACTIONS.find((a) => a.id === actionId);
    const action = EXTRA_ACTIONS.find((a) => a.id === actionId) ?? supervisor;
    if (!action) throw new CallbarError('unsupported', t('dscomNoSuchAction', actionId));
    if (supervisor && !this.settings.supervisor) throw new CallbarError('unsupported', t('dscomSupervisorOnly'));
    if (!action.when.includes(stateOf(this.ctx.snapshot().call))) throw new CallbarError('precondition', t('actionNotAvailableInCallState', text(action.label)));
    const value = (input ?? '').trim();
    switch (actionId) {
      case 'attendedTransfer': {
        const dest = this.checkInput(value, PHONE_NUMBER, t('dscomTransferNumberInvalid'));
        await this.callAction(() => this.client.transfer(extension, 'attended', dest));
        return this.note(t('dscomNoteConsulting', dest));
      }
      case 'cancelAtxfer':
        await this.callAction(() => this.client.cancelAtxfer(extension));
        return this.note(t('dscomNoteConsultCancelled'));
      case 'park': {
        const call = this.ctx.snapshot().call;
        const number = call?.number;
        if (call) this.endCause = { callId: call.id, cause: t('causeParked') };
        try {
          await this.callAction(() => this.client.park(extension));
        } catch (error) {
          this.endCause = null;
          throw error;
        }
        await this.ctx.emit([{ type: 'call.ended', cause: t('causeParked') }]);
        const spot = await this.client.parkList(extension).then(
          (list) => list.find((p) => p.number === number)?.space,
          () => undefined,
        );
        return this.note(spot ? t('dscomNoteParkedAt', spot) : t('dscomNoteParked'));
      }
      case 'parkList': {
        const list = await this.client.parkList(extension);
        if (list.length === 0) return this.note(t('dscomNoteNoParked'));
        const items = list.map((p) =>
          t(
            'dscomParkedItem',
            p.number || t('unknownNumber'),
            [p.space ? t('dscomParkSlot', p.space) : '', p.seconds !== undefined ? t('secondsShort', String(p.seconds)) : ''].filter(Boolean).join(t('commaSeparator')) || t('dscomParkedState'),
          ),
        );
        return this.note(t('dscomNoteParkedList', items.join(t('listSeparator'))));
      }
      case 'unpark': {
        const dest = this.checkInput(value, PHONE_NUMBER, t('dscomParkedNumberInvalid'));
        await this.callAction(() => this.client.unpark(extension, dest));
        return this.note(t('dscomNoteUnparking', dest));
      }
      case 'queueWaiting': {
        const lists = await Promise.all(this.queues.map(async (queue) => ({ queue, calls: await this.client.waiting(queue) })));
        const waiting = lists.filter((l) => l.calls.length > 0);
        if (waiting.length === 0) return this.note(t('dscomNoteNoQueued', this.queues.join(t('listSeparator'))));
        const parts = waiting.map((l) =>
          t('dscomQueueCalls', l.queue, l.calls.map((c) => (c.waitTime ? t('dscomQueuedCallWaiting', c.callerid || t('unknownNumber'), c.waitTime) : c.callerid || t('unknownNumber'))).join(t('listSeparator'))),
        );
        return this.note(t('dscomNoteQueued', parts.join(t('transferPartsSeparator'))));
      }
      case 'redirect': {
        const dest = this.checkInput(value, PHONE_NUMBER, t('dscomQueuedNumberInvalid'));
        await this.callAction(() => this.client.redirect(extension, dest));
        return this.note(t('dscomNoteRedirecting', dest));
      }
      case 'pickup': {
        const dest = this.checkInput(value, EXTENSION, t('dscomRingingExtensionInvalid'));
        if (dest === extension) throw new CallbarError('invalid-input', t('dscomNoPickupSelf'));
        await this.callAction(() => this.client.pickup(extension, dest));
        return this.note(t('dscomNotePickingUp', dest));
      }
      case 'logoutQueue': {
        const queue = this.checkInput(value, QUEUE, t('dscomQueueInvalid'));
        await this.client.agentLogout(extension, queue);
        this.agentSeq++;
        this.timer.poke();
        return this.note(t('dscomNoteSignedOut', queue));
      }
      case 'barge':
      case 'monitor':
      case 'whisper': {
        const dest = this.checkInput(value, EXTENSION, t('dscomExtensionInvalid'));
        if (dest === extension) throw new CallbarError('invalid-input', t('dscomSuperviseSelf', text(action.label)));
        await this.callAction(() => this.client.supervise(actionId, extension, dest));
        return this.note(t('dscomNoteSupervising', text(action.label), dest));
      }
      default:
        throw new CallbarError('unsupported', t('dscomNoSuchAction', actionId));
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
    cdrSince: typeof c.cdrSince === 'number' && Number.isFinite(c.cdrSince) ? c.cdrSince : null,
    hold: hold && typeof hold.callId === 'string' ? { callId: hold.callId, confirmed: hold.confirmed === true } : null,
  };
}

export const dscom: Provider<DscomSettings> = {
  ...dscomInfo,
  createSession: (settings, ctx) => new DscomSession(settings, ctx),
};
