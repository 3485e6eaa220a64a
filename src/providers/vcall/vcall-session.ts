/**
 * v-call mode (a): an agent session on the CCS. Commands are 座席控制 HTTP POSTs that the platform
 * only acknowledges; what happened arrives as events over STOMP (an injected OpenVcallStream). Every
 * event is applied through ctx.emit together with the cursor that records it, and only then is the
 * message acknowledged (the stream acks when onMessage resolves): a message redelivered after a
 * service-worker restart is recognised by its key in the cursor and dropped — none lost, none twice.
 *
 * With loginType 3 the browser phone (ctx.phone) registers with the Login event's WebRTC account;
 * the platform's INVITE after the agent's own dial is answered by the phone itself (`expect-call`),
 * a customer's call rings on it and 接听 answers it there.
 */
import { type CallState, isActive } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { t, text } from '../../shared/i18n.ts';
import type { PhoneAccount } from '../../shared/softphone.ts';
import { internalErrorMessage } from '../error-text.ts';
import { PlatformPhone } from '../platform-phone.ts';
import type { AgentInfo, Capabilities, InputOption, ProviderContext, ProviderSession } from '../provider.ts';
import { ProblemSlots, type ProblemValue } from '../session-kit.ts';
import { cap, type FetchLike, VcallClient } from './vcall-client.ts';
import { BUSY_PREFIX, CALL_ACTIONS, isTargetKind, SUPERVISOR_ACTIONS, type TargetKind, vcallCapabilitiesFor, type VcallSettings } from './vcall-info.ts';
import { type LoginDetails, mapEvent, messageKey, type NamedItem, parseEvent, type SessionEndReason, type TeamMember, type VcallEvent } from './vcall-mapper.ts';
import { isSupervisorRequest, SequenceClock, type VcallCommand } from './vcall-requests.ts';
import type { OpenVcallStream, StreamStatus, VcallStream } from './vcall-stomp.ts';

/** The SDK's request timeout (`timeout`, 5000 ms, seed 3862): how long an answer event is awaited. */
export const EVENT_TIMEOUT_MS = 5000;
/** The SDK's `pingInterval` and `maxReconnect` (seed 3857-3866). */
export const STREAM_HEARTBEAT_MS = 10_000;
export const STREAM_MAX_RECONNECT = 10;
/**
 * The CCS `heartbeat` request (seed 2898): the document gives no interval. Every 30 s: well inside
 * any server-side idle timeout of a minute or more, a request every 30 s per agent is negligible,
 * and the service worker is kept awake at that pace anyway (background/keep-alive.ts, 30 s alarm).
 */
export const HEARTBEAT_MS = 30_000;
/**
 * A supervisor's team list is asked for this often (the SDK's surveillanceStart polls every 2 s by
 * default, seed 4065): each answer is a Surveillance event that replaces the list the popup shows.
 */
export const SURVEILLANCE_MS = 5000;
/** Message keys remembered as applied (a redelivery comes right after a restart, never hundreds later). */
export const APPLIED_KEPT = 200;

/** Platform call ids remembered as ended (a late event comes within a few calls, never dozens later). */
export const ENDED_KEPT = 20;

/** What survives a service-worker restart (chrome.storage.session through ctx.emit / saveCursor). */
export interface VcallCursor {
  v: 1;
  /** What the Login / Reconnect event said (busy reasons, 班长, groups, IVRs, the WebRTC account). */
  login: LoginDetails | null;
  /** The platform ends 话后 by itself after this many seconds (null: it does not). */
  autoIdle: number | null;
  /** Keys of the messages applied last (messageKey), oldest first. */
  applied: string[];
  /** Set when the platform ended the session (Kick, SipError, Logout): why, in words. */
  ended: string | null;
  /** Whom the agent is consulting (consultCall accepted), for 咨询转接; null once it ended. */
  consult: { kind: TargetKind; target: string } | null;
  /** Platform ids of the calls seen ending last (oldest first): their late events do not touch a new dial. */
  endedCalls: string[];
}

export function readCursor(value: unknown): VcallCursor {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Partial<VcallCursor>;
  return {
    v: 1,
    login: readLogin(c.login),
    autoIdle: typeof c.autoIdle === 'number' && Number.isFinite(c.autoIdle) && c.autoIdle >= 0 ? c.autoIdle : null,
    applied: Array.isArray(c.applied) ? c.applied.filter((k): k is string => typeof k === 'string').slice(-APPLIED_KEPT) : [],
    ended: typeof c.ended === 'string' && c.ended !== '' ? c.ended : null,
    consult: c.consult && typeof c.consult === 'object' && typeof c.consult.kind === 'string' && isTargetKind(c.consult.kind) && typeof c.consult.target === 'string' && c.consult.target !== '' ? { kind: c.consult.kind, target: c.consult.target } : null,
    endedCalls: Array.isArray(c.endedCalls) ? c.endedCalls.filter((k): k is string => typeof k === 'string' && k !== '' && k.length <= 128).slice(-ENDED_KEPT) : [],
  };
}

/**
 * The saved Login details, checked field by field: a cursor from an older version or a damaged write
 * (`login: {}`) made `busyTypes.includes` and `groups.map` throw TypeErrors at every state change and
 * transfer. Anything that is not what the mapper writes is dropped (null: as before a Login event).
 */
function readLogin(value: unknown): LoginDetails | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const l = value as Record<string, unknown>;
  if (typeof l.supervisor !== 'boolean' || typeof l.mayDial !== 'boolean' || !Array.isArray(l.busyTypes) || !Array.isArray(l.groups) || !Array.isArray(l.ivrs)) return null;
  const strings = (list: unknown[]) => list.filter((v): v is string => typeof v === 'string');
  const named = (list: unknown[]) => list.flatMap((g) => (g && typeof g === 'object' && typeof (g as NamedItem).id === 'string' && (g as NamedItem).id && typeof (g as NamedItem).name === 'string' && (g as NamedItem).name ? [{ id: (g as NamedItem).id, name: (g as NamedItem).name }] : []));
  const w = l.webrtc as Record<string, unknown> | undefined;
  return {
    supervisor: l.supervisor,
    busyTypes: strings(l.busyTypes),
    ...(typeof l.currentBusyType === 'string' ? { currentBusyType: l.currentBusyType } : {}),
    groups: named(l.groups),
    ivrs: named(l.ivrs),
    ...(typeof l.loginType === 'string' ? { loginType: l.loginType } : {}),
    ...(w && typeof w === 'object' && typeof w.sipId === 'string' && typeof w.password === 'string' && typeof w.domain === 'string' ? { webrtc: { sipId: w.sipId, password: w.password, domain: w.domain } } : {}),
    mayDial: l.mayDial,
  };
}

export interface AgentSessionDeps {
  openStream?: OpenVcallStream;
  fetch?: FetchLike;
  now?: () => number;
  log?: (message: string, detail?: unknown) => void;
  /** How long an HTTP reply is awaited (default 5 s, http.ts). */
  requestTimeoutMs?: number;
  eventTimeoutMs?: number;
  heartbeatMs?: number;
  surveillanceMs?: number;
}

const PROBLEM_ORDER = ['ended', 'stream', 'event', 'phone', 'heartbeat'] as const;
type Slot = (typeof PROBLEM_ORDER)[number];

const PHONE_NUMBER = /^[0-9*#+]{2,32}$/;
const AGENT_NUMBER = /^[A-Za-z0-9_.@-]{1,32}$/;
const PLATFORM_ID = /^[A-Za-z0-9_.-]{1,64}$/;

interface Waiter {
  names: readonly string[];
  sequence: number | null;
  resolve(event: VcallEvent): void;
}

export const END_TEXT: Readonly<Record<SessionEndReason, 'vcallEndKick' | 'vcallEndSipError' | 'vcallEndLogout'>> = {
  kick: 'vcallEndKick',
  sipError: 'vcallEndSipError',
  logout: 'vcallEndLogout',
};

export class VcallAgentSession implements ProviderSession {
  private readonly client: VcallClient;
  private readonly sequences: SequenceClock;
  private readonly problems: ProblemSlots<Slot>;
  private readonly log: (message: string, detail?: unknown) => void;
  private cursor: VcallCursor;
  private stream: VcallStream | null = null;
  private connected: Promise<void> | null = null;
  private resolveConnected: (() => void) | null = null;
  private rejectConnected: ((error: CallbarError) => void) | null = null;
  /** This object logged in (no `reconnect` needed on the first connection). */
  private loggedInHere = false;
  private firstConnection = true;
  /** The sequence of this object's login request (null after a wake: the worker did not log in). */
  private loginSequence: number | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<Waiter>();
  private stopped = false;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private surveillance: ReturnType<typeof setInterval> | null = null;
  private readonly phone: PlatformPhone;
  private team: TeamMember[] = [];
  private groups: NamedItem[] | null = null;

  constructor(
    private readonly settings: VcallSettings,
    private readonly ctx: ProviderContext,
    private readonly deps: AgentSessionDeps = {},
  ) {
    this.client = new VcallClient({ server: settings.server, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.requestTimeoutMs !== undefined ? { timeoutMs: deps.requestTimeoutMs } : {}) });
    this.sequences = new SequenceClock(deps.now ?? Date.now);
    this.problems = new ProblemSlots(PROBLEM_ORDER, (problem) => ctx.setProblem(problem));
    this.log = deps.log ?? (() => undefined);
    this.cursor = readCursor(ctx.loadCursor<unknown>());
    this.phone = new PlatformPhone(ctx, {
      account: () => this.phoneAccount(),
      setProblem: (problem) => this.setProblem('phone', problem),
      running: () => !this.stopped,
      log: (message, detail) => this.log(`vcall: ${message}`, detail),
    });
  }

  private get identity() {
    return { companyId: this.settings.companyId, agentNumber: this.settings.agentNumber };
  }

  private get webrtc(): boolean {
    return this.settings.loginType === '3';
  }

  // ── Login / logout ──

  async login(): Promise<AgentInfo> {
    this.loggedInHere = true;
    try {
      await this.openStream();
      const sequence = this.sequences.next();
      this.loginSequence = sequence;
      const answer = this.waitFor(['Login', 'Reconnect'], sequence);
      answer.catch(() => undefined);
      await this.client.control(this.identity, { request: 'login', password: this.settings.password, loginType: this.settings.loginType }, sequence);
      await answer.catch((error: unknown) => {
        throw error instanceof CallbarError && error.code === 'timeout' ? new CallbarError('timeout', t('vcallLoginNoEvent', String(this.eventTimeout() / 1000))) : error;
      });
      if (this.webrtc) await this.phone.register();
    } catch (error) {
      this.stop();
      throw error;
    }
    return { name: this.settings.agentNumber, extension: this.settings.agentNumber, maskNumbers: this.settings.maskNumbers };
  }

  async logout(): Promise<void> {
    this.stop();
    try {
      if (!this.cursor.ended) await this.client.control(this.identity, { request: 'logout' }, this.sequences.next());
    } finally {
      if (this.webrtc) await this.phone.unregister();
    }
  }

  loggedInCapabilities(): Capabilities | undefined {
    const login = this.cursor.login;
    if (!login) return undefined;
    return vcallCapabilitiesFor(this.settings, { supervisor: login.supervisor, busyTypes: login.busyTypes, ...(this.cursor.autoIdle !== null ? { autoIdleSeconds: this.cursor.autoIdle } : {}) });
  }

  // ── Events ──

  resume(signal: AbortSignal): void {
    if (signal.aborted) return;
    signal.addEventListener('abort', () => this.stop(), { once: true });
    if (this.cursor.ended) {
      this.setProblem('ended', { code: 'not-logged-in', message: this.cursor.ended, hint: t('vcallReloginHint') });
      return;
    }
    this.stopped = false;
    void this.openStream().catch((error: unknown) => this.log('vcall: stream did not open', error));
    this.heartbeat ??= setInterval(() => void this.beat(), this.deps.heartbeatMs ?? HEARTBEAT_MS);
    if (this.cursor.login?.supervisor && !this.surveillance) {
      this.surveillance = setInterval(() => void this.watchTeam(), this.deps.surveillanceMs ?? SURVEILLANCE_MS);
      void this.watchTeam();
    }
    if (this.webrtc) {
      this.phone.listen();
      if (!this.loggedInHere) void this.phone.keepRegistered();
    }
  }

  /** Open the stream (once) and resolve when it is subscribed. */
  private openStream(): Promise<void> {
    if (this.connected) return this.connected;
    const open = this.deps.openStream;
    if (!open) return Promise.reject(new CallbarError('internal', t('vcallNoStream')));
    this.stopped = false;
    this.connected = new Promise<void>((resolve, reject) => {
      this.resolveConnected = resolve;
      this.rejectConnected = reject;
    });
    this.connected.catch(() => undefined);
    this.stream = open(
      {
        url: this.settings.streamUrl,
        login: this.settings.connectAccount,
        passcode: this.settings.connectPassword,
        // The SDK's `host` (virtual host); left empty, RabbitMQ's default one.
        vhost: this.settings.vhost || '/',
        destination: this.settings.subscribePath,
        heartbeatMs: STREAM_HEARTBEAT_MS,
        maxReconnect: STREAM_MAX_RECONNECT,
      },
      { onMessage: (body) => this.onMessage(body), onStatus: (status) => this.onStatus(status) },
    );
    return this.connected;
  }

  private onStatus(status: StreamStatus): void {
    if (this.stopped) return;
    switch (status.kind) {
      case 'connecting':
        break;
      case 'connected': {
        this.setProblem('stream', null);
        this.resolveConnected?.();
        // After a drop (or in a service worker that did not log in itself) the platform restores the
        // agent's state and call with a Reconnect event.
        const restore = status.reconnected || (this.firstConnection && !this.loggedInHere);
        this.firstConnection = false;
        if (restore) void this.send({ request: 'reconnect' }).catch((error: unknown) => this.log('vcall: reconnect request failed', error));
        break;
      }
      case 'retrying':
        this.setProblem('stream', { code: 'unreachable', message: t('vcallReconnecting', String(status.attempt), String(status.max)), hint: t('vcallReconnectingHint'), detail: cap(status.error) });
        break;
      case 'failed': {
        const problem = { code: 'unreachable' as const, message: t('vcallStreamFailed'), hint: t('vcallStreamFailedHint'), detail: cap(status.error) };
        this.setProblem('stream', problem);
        this.rejectConnected?.(new CallbarError('unreachable', t('vcallStreamFailed'), cap(status.error)));
        break;
      }
    }
  }

  /** One message: applied once (with the cursor recording it), then acknowledged by the stream. */
  onMessage(body: string): Promise<void> {
    return this.inQueue(() => this.apply(body));
  }

  /** Run `work` after every message before it: the only way the cursor changes. */
  private inQueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(body: string): Promise<void> {
    if (this.stopped) return;
    const key = messageKey(body);
    if (this.cursor.applied.includes(key)) {
      this.log('vcall: message already applied (redelivered), dropped', key);
      return;
    }
    const parsed = parseEvent(body);
    if (!parsed.ok) {
      // Acknowledged (it would come back forever) and shown: the platform sent something we cannot read.
      this.log('vcall: unreadable message dropped', parsed.error);
      this.setProblem('event', { code: 'malformed-reply', message: t('vcallMalformedEvent'), detail: parsed.error });
      return;
    }
    this.setProblem('event', null);
    const event = parsed.event;
    if (event.agentNumber && event.agentNumber !== this.settings.agentNumber && event.event !== 'Surveillance') {
      this.log('vcall: event for another agent dropped', `${event.event} ${event.agentNumber}`);
      return;
    }
    const snapshot = this.ctx.snapshot();
    const { events, effects } = mapEvent(event, { call: snapshot.call, agentState: snapshot.agentState, endedCalls: this.cursor.endedCalls });
    const next: VcallCursor = { ...this.cursor, applied: [...this.cursor.applied, key].slice(-APPLIED_KEPT) };
    // The calls this event ends: the one shown, and the one an After names (the agent's leg of it is over).
    const over = [...(events.some((e) => e.type === 'call.ended') && snapshot.call?.vendorCallId ? [snapshot.call.vendorCallId] : []), ...(event.event === 'After' && event.data.occCallId ? [event.data.occCallId] : [])];
    if (over.length > 0) next.endedCalls = [...next.endedCalls.filter((id) => !over.includes(id)), ...over].slice(-ENDED_KEPT);
    // A consultation ends with its call, or when the platform says it was cancelled.
    if (events.some((e) => e.type === 'call.ended') || ['ConsultCancel', 'ConsultedCancel', 'ConsultTransfer', 'ConsultCallFail'].includes(event.event)) next.consult = null;
    let ended: SessionEndReason | null = null;
    let relogin = false;
    for (const effect of effects) {
      switch (effect.type) {
        case 'login':
          next.login = effect.details;
          relogin = effect.reconnect;
          this.groups = null;
          break;
        case 'autoIdle':
          next.autoIdle = effect.seconds;
          break;
        case 'end':
          // The Logout of the agent's previous session waits in the durable queue (CallBar had closed the
          // stream before asking to log out): answering an older request, it ends nothing now.
          if (this.loginSequence !== null && event.sequence && event.sequence < this.loginSequence) {
            this.log('vcall: a session end from before this login, ignored', `${event.event} ${event.sequence}`);
            break;
          }
          ended = effect.reason;
          next.ended = t(END_TEXT[effect.reason]);
          break;
        case 'groups':
          this.groups = effect.groups;
          break;
        case 'team':
          this.team = effect.members;
          break;
        case 'idleAgents':
          break;
      }
    }
    await this.ctx.emit(events, { cursor: next });
    this.cursor = next;
    await this.phone.withdrawExpectation();
    for (const waiter of [...this.waiters]) {
      if (!waiter.names.includes(event.event)) continue;
      if (waiter.sequence !== null && event.sequence && event.sequence !== waiter.sequence) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
    if (ended) this.platformEnded(ended);
    else if (relogin && this.webrtc && !this.stopped) void this.phone.keepRegistered();
  }

  /** The platform ended the session (Kick, SipError, Logout): nothing works until the agent logs in again. */
  private platformEnded(reason: SessionEndReason): void {
    const message = t(END_TEXT[reason]);
    this.stop();
    this.setProblem('ended', { code: 'not-logged-in', message, hint: t('vcallReloginHint') });
    // CallBar logs out too (a call still shown ends with the reason); the banner stays.
    void this.ctx.endSession({ code: 'not-logged-in', message, hint: t('vcallReloginHint') });
    if (this.webrtc && reason !== 'sipError') void this.phone.unregister();
  }

  private stop(): void {
    this.stopped = true;
    this.stream?.close();
    this.stream = null;
    this.connected = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.surveillance) clearInterval(this.surveillance);
    this.surveillance = null;
    this.phone.stop();
  }

  private waitFor(names: readonly string[], sequence: number | null): Promise<VcallEvent> {
    return new Promise<VcallEvent>((resolve, reject) => {
      const waiter: Waiter = {
        names,
        sequence,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new CallbarError('timeout', t('vcallNoAnswerEvent', names[0] ?? '', String(this.eventTimeout() / 1000))));
      }, this.eventTimeout());
      this.waiters.add(waiter);
    });
  }

  private eventTimeout(): number {
    return this.deps.eventTimeoutMs ?? EVENT_TIMEOUT_MS;
  }

  /** Ask for the team list; its Surveillance event updates the popup's 班组监控 (vcall-mapper.ts). */
  private async watchTeam(): Promise<void> {
    if (this.stopped || this.cursor.ended) return;
    try {
      await this.client.control(this.identity, { request: 'surveillance' }, this.sequences.next());
    } catch (error) {
      this.log('vcall: surveillance request failed', error);
    }
  }

  private async beat(): Promise<void> {
    if (this.stopped || this.cursor.ended) return;
    try {
      await this.client.control(this.identity, { request: 'heartbeat' }, this.sequences.next());
      this.setProblem('heartbeat', null);
    } catch (error) {
      const e = error instanceof CallbarError ? error : new CallbarError('internal', internalErrorMessage(error));
      this.setProblem('heartbeat', { code: e.code, message: t('vcallHeartbeatFailed', e.message), ...(e.detail ? { detail: e.detail } : {}) });
    }
  }

  private setProblem(slot: Slot, problem: ProblemValue | null): void {
    if (this.stopped && slot !== 'ended') return;
    this.problems.set(slot, problem);
  }

  // ── The browser phone (loginType 3) ──

  private phoneAccount(): PhoneAccount {
    const account = this.cursor.login?.webrtc;
    if (!account) throw new CallbarError('refused', t('vcallNoWebrtcAccount'));
    return { wsUrl: this.settings.phoneWsUrl, uri: `sip:${account.sipId}@${account.domain}`, password: account.password, iceServers: [], dtmfMode: 'rfc4733' };
  }

  // ── Commands ──

  private async send(command: VcallCommand): Promise<number> {
    if (this.cursor.ended) throw new CallbarError('not-logged-in', this.cursor.ended);
    const sequence = this.sequences.next();
    await this.client.control(this.identity, command, sequence);
    return sequence;
  }

  async setAgentState(stateId: string): Promise<void> {
    if (stateId === 'idle') await this.send({ request: 'idle' });
    else if (stateId === 'busy') await this.send({ request: 'busy' });
    else if (stateId.startsWith(BUSY_PREFIX) && this.cursor.login?.busyTypes.includes(stateId.slice(BUSY_PREFIX.length))) await this.send({ request: 'busy', busyType: stateId.slice(BUSY_PREFIX.length) });
    else throw new CallbarError('invalid-input', t('vcallNoSuchState', stateId));
  }

  async dial(number: string): Promise<void> {
    if (isActive(this.ctx.snapshot().call)) throw new CallbarError('precondition', t('alreadyInCallCannotDial'));
    if (!PHONE_NUMBER.test(number)) throw new CallbarError('invalid-input', t('vcallNumberInvalid'));
    if (this.cursor.login && !this.cursor.login.mayDial) throw new CallbarError('precondition', t('vcallDialNotAllowed'));
    // The platform calls the agent's browser phone first: the phone answers that call by itself.
    if (this.webrtc) await this.phone.expectCall();
    try {
      // Never retried (a retried dial can ring the customer twice).
      await this.send({ request: 'makeCall', called: number, ...(this.settings.callnum ? { caller: this.settings.callnum } : {}), callAgentType: this.settings.callAgentType });
    } catch (error) {
      if (this.webrtc) this.phone.dialDone();
      await this.phone.withdrawExpectation();
      if (error instanceof CallbarError && error.code === 'timeout') throw new CallbarError('timeout', t('dialTimeout'), error.detail);
      throw error;
    }
    if (!isActive(this.ctx.snapshot().call)) await this.ctx.emit([{ type: 'call.dialing', number }]);
    if (this.webrtc) this.phone.dialDone();
  }

  async answer(): Promise<void> {
    if (!this.webrtc) throw new CallbarError('unsupported', t('vcallAnswerOnDevice'));
    const call = this.ctx.snapshot().call;
    if (call?.state !== 'incoming') throw new CallbarError('precondition', t('vcallNoIncomingCall'));
    await this.phone.command('answer');
  }

  async hangup(): Promise<void> {
    this.requireCall(['dialing', 'ringing', 'incoming', 'connected', 'held'], t('noActiveCall'));
    await this.send({ request: 'cancelCall' });
  }

  async hold(): Promise<void> {
    const call = this.ctx.snapshot().call;
    if (call?.state === 'held') throw new CallbarError('precondition', t('callAlreadyHeld'));
    this.requireCall(['connected'], isActive(call) ? t('holdNeedsConnected') : t('holdNoCall'));
    await this.send({ request: 'hold' });
    // The document has no Hold event: the acknowledgement is all there is.
    await this.ctx.emit([{ type: 'call.held' }]);
  }

  async unhold(): Promise<void> {
    this.requireCall(['held'], t('vcallNotHeld'));
    await this.send({ request: 'unHold' });
    await this.ctx.emit([{ type: 'call.resumed' }]);
  }

  async mute(): Promise<void> {
    this.requireCall(['connected', 'held'], t('noActiveCall'));
    await this.send({ request: 'mute' });
    await this.ctx.emit([{ type: 'call.muted', muted: true }]);
  }

  async unmute(): Promise<void> {
    this.requireCall(['connected', 'held'], t('noActiveCall'));
    await this.send({ request: 'unmute' });
    await this.ctx.emit([{ type: 'call.muted', muted: false }]);
  }

  /** The contract's plain transfer: blind, to an outside number. */
  async transfer(target: string): Promise<void> {
    this.requireCall(['connected', 'held'], t('noActiveCall'));
    const number = this.checkTarget('number', target);
    await this.send({ request: 'transferCall', kind: 'number', target: number, consultative: false });
  }

  async dtmf(digits: string): Promise<void> {
    if (!this.webrtc) throw new CallbarError('unsupported', t('vcallDtmfOnDevice'));
    await this.phone.dtmf(digits);
  }

  async extraAction(actionId: string, input?: string, kind?: string): Promise<void> {
    const action = [...CALL_ACTIONS, ...SUPERVISOR_ACTIONS].find((a) => a.id === actionId);
    if (!action) throw new CallbarError('unsupported', t('vcallNoSuchAction', actionId));
    if (!action.when.includes(this.ctx.snapshot().call?.state ?? 'idle')) throw new CallbarError('precondition', t('actionNotAvailableInCallState', text(action.label)));
    const value = (input ?? '').trim();
    switch (actionId) {
      case 'consult': {
        const k = this.checkKind(kind);
        const target = this.checkTarget(k, value);
        await this.send({ request: 'consultCall', kind: k, target });
        // In the events' queue: an event being applied meanwhile writes the cursor it read before.
        await this.inQueue(async () => {
          this.cursor = { ...this.cursor, consult: { kind: k, target } };
          await this.ctx.saveCursor(this.cursor);
        });
        return;
      }
      case 'transferBlind': {
        const k = this.checkKind(kind);
        const target = this.checkTarget(k, value);
        await this.send({ request: 'transferCall', kind: k, target, consultative: false });
        return;
      }
      case 'transferConsult': {
        // To the party being consulted (transferMode 1 completes the consultation).
        const consult = this.cursor.consult;
        if (!consult) throw new CallbarError('precondition', t('vcallConsultFirst'));
        await this.send({ request: 'transferCall', kind: consult.kind, target: consult.target, consultative: true });
        return;
      }
      case 'consultCancel':
      case 'transferCancel':
      case 'tripartiteTalk':
        await this.send({ request: actionId });
        return;
      default: {
        if (!isSupervisorRequest(actionId)) throw new CallbarError('unsupported', t('vcallNoSuchAction', actionId));
        if (!this.cursor.login?.supervisor) throw new CallbarError('unsupported', t('vcallSupervisorOnly'));
        const agent = this.checkTarget('agent', value);
        if (agent === this.settings.agentNumber) throw new CallbarError('invalid-input', t('vcallNotYourself', text(action.label)));
        await this.send({ request: actionId, beAgentNumber: agent });
        await this.ctx.emit([{ type: 'note', text: t('vcallNoteSupervisorSent', text(action.label), agent) }]);
      }
    }
  }

  /** Idle agents, skill groups and IVRs to consult or transfer to; the team for supervisor actions. */
  async inputOptions(actionId: string, kind?: string): Promise<readonly InputOption[]> {
    if (isSupervisorRequest(actionId)) {
      const team = await this.teamList();
      return team.filter((m) => m.agentNumber !== this.settings.agentNumber).map((m) => ({ value: m.agentNumber, label: memberLabel(m) }));
    }
    if (!['consult', 'transferBlind'].includes(actionId)) return [];
    const k = this.checkKind(kind);
    const login = this.cursor.login;
    switch (k) {
      case 'group':
        return (this.groups ?? login?.groups ?? []).map((g) => ({ value: g.id, label: g.name }));
      case 'ivr':
        return (login?.ivrs ?? []).map((g) => ({ value: g.id, label: g.name }));
      case 'number':
        return [];
      case 'agent': {
        const seen = new Map<string, string>();
        for (const group of login?.groups ?? []) {
          const event = await this.ask({ request: 'idleAgent', groupId: group.id }, 'IdleAgent');
          const { effects } = mapEvent(event, { call: null, agentState: null });
          for (const effect of effects) if (effect.type === 'idleAgents') for (const a of effect.agents) if (a.id !== this.settings.agentNumber && !seen.has(a.id)) seen.set(a.id, a.name);
        }
        return [...seen].map(([value, name]) => ({ value, label: name === value ? value : t('vcallAgentOption', value, name) }));
      }
    }
  }

  /**
   * The supervisor's team as the platform lists it (the `surveillance` request and its Surveillance
   * event): for a live team view in the UI (not built yet). `groupId` narrows it to one skill group.
   */
  async teamList(groupId?: string): Promise<readonly TeamMember[]> {
    if (!this.cursor.login?.supervisor) throw new CallbarError('unsupported', t('vcallSupervisorOnly'));
    await this.ask({ request: 'surveillance', ...(groupId ? { groupId } : {}) }, 'Surveillance');
    return this.team;
  }

  /** The last team list received (empty until teamList() or a pushed Surveillance event). */
  lastTeam(): readonly TeamMember[] {
    return this.team;
  }

  /** A request whose answer is an event carrying the same sequence (the SDK's 5 s timeout). */
  private async ask(command: VcallCommand, answer: string): Promise<VcallEvent> {
    if (this.cursor.ended) throw new CallbarError('not-logged-in', this.cursor.ended);
    const sequence = this.sequences.next();
    const event = this.waitFor([answer], sequence);
    event.catch(() => undefined);
    await this.client.control(this.identity, command, sequence);
    return event;
  }

  private checkKind(kind: string | undefined): TargetKind {
    if (!isTargetKind(kind)) throw new CallbarError('invalid-input', t('vcallKindMissing'));
    return kind;
  }

  private checkTarget(kind: TargetKind, value: string): string {
    const v = value.trim();
    const ok = kind === 'number' ? PHONE_NUMBER.test(v) : kind === 'agent' ? AGENT_NUMBER.test(v) : PLATFORM_ID.test(v);
    if (!ok) throw new CallbarError('invalid-input', t(kind === 'number' ? 'vcallNumberInvalid' : kind === 'agent' ? 'vcallAgentTargetInvalid' : 'vcallIdTargetInvalid'));
    return v;
  }

  private requireCall(states: readonly CallState[], message: string): void {
    const call = this.ctx.snapshot().call;
    if (!call || !states.includes(call.state)) throw new CallbarError('precondition', message);
  }
}

function memberLabel(m: TeamMember): string {
  const name = m.agentName && m.agentName !== m.agentNumber ? t('vcallAgentOption', m.agentNumber, m.agentName) : m.agentNumber;
  return m.nowState ? t('vcallTeamMember', name, m.nowState) : name;
}
