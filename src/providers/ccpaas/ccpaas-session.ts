/**
 * CC PaaS toolbar mode: the agent's PhoneKit session with the CTI server, held by the service worker
 * (the document allows one toolbar per agent: tabs only show it). PhoneKit's functions go out and its
 * callbacks come back over one WebSocket (ccpaas-wire.ts, the swappable part; docs/providers/ccpaas-wire.md).
 *
 * Every onCallEvent / onStatusEvent carries the CTI server's `seq`; it is applied through ctx.emit with
 * the cursor recording it, so a callback replayed after a reconnect or a service-worker restart
 * (`initial` with `lastSeq`) is recognised and dropped — none lost, none twice.
 *
 * With phoneType 3 the browser phone (ctx.phone) registers with the WebPhone account of initial's reply
 * (`wsAddr`, `sipNumber`, `sipPwd`); the platform's call to the agent after the agent's own dial is
 * answered by the phone itself (`expect-call`); a customer's call rings on it and 接听 answers it.
 */
import { type CallState, isActive } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import type { PhoneAccount } from '../../shared/softphone.ts';
import { actionFailed, internalErrorMessage, withCode, withReason } from '../error-text.ts';
import { PlatformPhone } from '../platform-phone.ts';
import type { AgentInfo, Capabilities, ProviderContext, ProviderSession } from '../provider.ts';
import { ProblemSlots, type ProblemValue } from '../session-kit.ts';
import { ccpaasCapabilitiesFor, PAUSE_PREFIX, type CcpaasSettings, splitPauseCauses } from './ccpaas-info.ts';
import { initialWorkState, mapCallEvent, mapStatusEvent, MAX_FIELD, parseCallEvent, parseStatusEvent } from './ccpaas-mapper.ts';
import type { CtiCallback, CtiMethod, CtiResult, CtiWire, OpenCtiWire, WireStatus } from './ccpaas-wire.ts';

/**
 * Consecutive failed connections before giving up until the agent acts (like v-call's SDK maxReconnect):
 * 20 tries 4 s apart at most outlast a CTI server down for 75 s.
 */
export const WIRE_MAX_RECONNECT = 20;
/** The CallBar heartbeat (docs/providers/ccpaas-wire.md): keeps the worker and the socket alive. */
export const WIRE_HEARTBEAT_MS = 20_000;
/** How long a reply is awaited. */
export const REQUEST_TIMEOUT_MS = 5000;

/** statusCodes of the CallBar framing (docs/providers/ccpaas-wire.md). */
export const CODE = { ok: '00000', notInitialised: '10001', authFailed: '10002', stateForbids: '10004', noCall: '10005' } as const;

/** What survives a service-worker restart (chrome.storage.session through ctx.emit / saveCursor). */
export interface CcpaasCursor {
  v: 1;
  /** The last callback `seq` applied; null before the first one of this login. */
  seq: number | null;
  /** initial's WebPhone account (phoneType 3). */
  webphone: { wsAddr: string; sipNumber: string; sipPwd: string } | null;
  /** Seconds of 整理 the platform gave last (onStatusEvent completed). */
  wrapupSeconds: number | null;
  /** The conversation whose agent leg is up and waits for `bridge` (answered, isBridged "0"). */
  bridgePending: string | null;
  /** Set when the platform ended the session (the agent signed in elsewhere, logged out): why. */
  ended: string | null;
}

export function readCursor(value: unknown): CcpaasCursor {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Partial<CcpaasCursor>;
  const w = c.webphone;
  return {
    v: 1,
    seq: typeof c.seq === 'number' && Number.isSafeInteger(c.seq) ? c.seq : null,
    webphone: w && typeof w === 'object' && typeof w.wsAddr === 'string' && typeof w.sipNumber === 'string' && typeof w.sipPwd === 'string' ? { wsAddr: w.wsAddr, sipNumber: w.sipNumber, sipPwd: w.sipPwd } : null,
    // A damaged value (NaN, Infinity, negative) would be a 整理 countdown that never ends or went by.
    wrapupSeconds: typeof c.wrapupSeconds === 'number' && Number.isFinite(c.wrapupSeconds) && c.wrapupSeconds >= 0 ? c.wrapupSeconds : null,
    bridgePending: typeof c.bridgePending === 'string' && c.bridgePending !== '' ? c.bridgePending : null,
    ended: typeof c.ended === 'string' && c.ended !== '' ? c.ended : null,
  };
}

export interface ToolbarSessionDeps {
  openWire?: OpenCtiWire;
  log?: (message: string, detail?: unknown) => void;
  now?: () => number;
  requestTimeoutMs?: number;
  heartbeatMs?: number;
}

const PROBLEM_ORDER = ['ended', 'wire', 'event', 'phone'] as const;
type Slot = (typeof PROBLEM_ORDER)[number];

const PHONE_NUMBER = /^[0-9*#+]{2,32}$/;
/** The plain pause of the toolbar (pause's pauseCause is required; a company reason when chosen). */
export const PLAIN_PAUSE_CAUSE = '暂停';

/** What each request is, in the agent's words, for “X 失败：…”. */
const ACTION: Readonly<Record<CtiMethod, MessageKey>> = {
  initial: 'ccpaasOpInitial',
  login: 'ccpaasOpLogin',
  logout: 'ccpaasOpLogout',
  ready: 'ccpaasOpReady',
  pause: 'ccpaasOpPause',
  callOut: 'actionDial',
  hangup: 'actionHangup',
  bridge: 'ccpaasOpBridge',
  holdCall: 'ccpaasOpHold',
  retrieveCall: 'ccpaasOpRetrieve',
  heartbeat: 'ccpaasOpHeartbeat',
};

function cap(value: unknown): string {
  const v = typeof value === 'string' ? value.trim() : '';
  return v.length > MAX_FIELD ? `${v.slice(0, MAX_FIELD)}…` : v;
}

function field(data: Record<string, unknown> | undefined, key: string): string {
  const v = data?.[key];
  return typeof v === 'string' ? cap(v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

export class CcpaasToolbarSession implements ProviderSession {
  private readonly problems: ProblemSlots<Slot>;
  private readonly log: (message: string, detail?: unknown) => void;
  private readonly now: () => number;
  private readonly causes: readonly string[];
  private cursor: CcpaasCursor;
  private wire: CtiWire | null = null;
  /** Resolves once `initial` succeeded on the current socket (renewed after each drop). */
  private ready: Promise<void> | null = null;
  private readySettled = false;
  private settle: { resolve(): void; reject(error: CallbarError): void } | null = null;
  private initialised = false;
  private queue: Promise<void> = Promise.resolve();
  /** Raised by a failed write: callbacks queued before it are dropped (they come again with the replay). */
  private generation = 0;
  private resyncing = false;
  /** initial said the agent is 登录 on the platform (workStatus 1 or 2). */
  private platformLoggedIn = false;
  private stopped = false;
  /** Logging in: the first `initial` asks for no replay, and a failed connection fails the login at once. */
  private freshLogin = false;
  private readonly phone: PlatformPhone;

  constructor(
    private readonly settings: CcpaasSettings,
    private readonly ctx: ProviderContext,
    private readonly deps: ToolbarSessionDeps = {},
  ) {
    this.problems = new ProblemSlots(PROBLEM_ORDER, (problem) => ctx.setProblem(problem));
    this.log = deps.log ?? (() => undefined);
    this.now = deps.now ?? Date.now;
    this.causes = splitPauseCauses(settings.pauseCauses);
    this.cursor = readCursor(ctx.loadCursor<unknown>());
    this.phone = new PlatformPhone(ctx, {
      account: () => this.phoneAccount(),
      setProblem: (problem) => this.setProblem('phone', problem),
      running: () => !this.stopped,
      log: (message, detail) => this.log(`ccpaas: ${message}`, detail),
    });
  }

  private get webphone(): boolean {
    return this.settings.phoneType === '3';
  }

  // ── Login / logout ──

  async login(): Promise<AgentInfo> {
    this.freshLogin = true;
    this.stopped = false;
    // A new login starts a new count: the CTI server may have restarted since the last one.
    this.cursor = { v: 1, seq: null, webphone: null, wrapupSeconds: null, bridgePending: null, ended: null };
    try {
      await this.ctx.saveCursor(this.cursor);
      // Opens the socket; resolves once `initial` (without replay) has succeeded on it.
      await this.connect();
      this.freshLogin = false;
      const login = { phoneType: Number(this.settings.phoneType), workStatus: Number(this.settings.workStatus) };
      try {
        await this.command('login', login);
      } catch (error) {
        // Still 登录 on the platform (a browser closed without logging out, another desk): this login
        // is the agent's deliberate one, with this phone — end the old platform session, then log in.
        if (!(error instanceof CallbarError && error.detail?.startsWith(`login → ${CODE.stateForbids}`) && this.platformLoggedIn)) throw error;
        this.log('ccpaas: the platform still had the agent logged in; logging out first');
        await this.command('logout');
        await this.command('login', login);
      }
      if (this.webphone) await this.phone.register();
    } catch (error) {
      this.stop();
      throw error;
    } finally {
      this.freshLogin = false;
    }
    return { name: this.settings.agentNo, extension: this.settings.agentNo, maskNumbers: this.settings.encryptNumber };
  }

  async logout(): Promise<void> {
    // Always possible: the platform is told when it can be reached; CallBar logs out either way.
    try {
      if (!this.cursor.ended) await this.platformLogout();
    } finally {
      this.stop();
      if (this.webphone) await this.phone.unregister();
    }
  }

  /**
   * PhoneKit.logout. The engine stops the session (its signal) before logging out, which closes the
   * socket: a short connection of its own then carries the logout — or the agent would stay 登录 on the
   * platform and the next login be refused 坐席已登录.
   */
  private async platformLogout(): Promise<void> {
    if (!this.wire?.open || !this.initialised) {
      this.stop();
      this.stopped = false;
      this.freshLogin = true;
      try {
        await this.connect();
      } finally {
        this.freshLogin = false;
      }
    }
    await this.command('logout');
  }

  loggedInCapabilities(): Capabilities | undefined {
    return ccpaasCapabilitiesFor(this.settings, this.cursor.wrapupSeconds !== null ? { wrapupSeconds: this.cursor.wrapupSeconds } : {});
  }

  // ── Connection ──

  resume(signal: AbortSignal): void {
    if (signal.aborted) return;
    signal.addEventListener('abort', () => this.stop(), { once: true });
    if (this.cursor.ended) {
      this.setProblem('ended', { code: 'not-logged-in', message: this.cursor.ended, hint: t('ccpaasReloginHint') });
      return;
    }
    this.stopped = false;
    if (!this.wire) void this.connect().catch((error: unknown) => this.log('ccpaas: CTI connection did not open', error));
    if (this.webphone) {
      this.phone.listen();
      if (!this.freshLogin) void this.phone.keepRegistered();
    }
  }

  /** Open the socket (once) and resolve when `initial` has succeeded on it. */
  private connect(): Promise<void> {
    if (this.wire && this.ready) return this.ready;
    const open = this.deps.openWire;
    if (!open) return Promise.reject(new CallbarError('internal', t('ccpaasNoWire')));
    this.renewReady();
    this.wire = open(
      { url: this.settings.ctiUrl, maxReconnect: WIRE_MAX_RECONNECT, heartbeatMs: this.deps.heartbeatMs ?? WIRE_HEARTBEAT_MS, requestTimeoutMs: this.deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS },
      {
        onCallback: (callback) => void this.onCallback(callback),
        onStatus: (status) => this.onWireStatus(status),
        onProtocolError: (detail) => {
          this.log('ccpaas: unreadable frame', detail);
          this.setProblem('event', { code: 'malformed-reply', message: t('ccpaasMalformedFrame'), detail: cap(detail) });
        },
      },
    );
    return this.ready!;
  }

  /** A new `ready` for the next `initial` (after a drop), unless the current one still waits. */
  private renewReady(): void {
    if (this.ready && !this.readySettled) return;
    this.readySettled = false;
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = {
        resolve: () => {
          this.readySettled = true;
          resolve();
        },
        reject: (error) => {
          this.readySettled = true;
          reject(error);
        },
      };
    });
    this.ready.catch(() => undefined);
  }

  private onWireStatus(status: WireStatus): void {
    if (this.stopped) return;
    switch (status.kind) {
      case 'connecting':
        break;
      case 'connected':
        this.initialised = false;
        this.renewReady();
        this.setProblem('wire', null);
        // Authenticate the socket; after a drop or a worker restart, ask for what was missed.
        void this.initial(!this.freshLogin).catch((error: unknown) => this.log('ccpaas: initial failed', error));
        break;
      case 'retrying': {
        this.initialised = false;
        if (this.freshLogin) {
          // Logging in: say so at once rather than after ten attempts.
          this.settle?.reject(new CallbarError('unreachable', t('ccpaasCannotConnect', this.settings.ctiUrl), cap(status.error)));
          return;
        }
        this.renewReady();
        this.setProblem('wire', { code: 'unreachable', message: t('ccpaasReconnecting', String(status.attempt), String(status.max)), hint: t('ccpaasReconnectingHint'), detail: cap(status.error) });
        break;
      }
      case 'failed': {
        this.initialised = false;
        if (status.replaced) {
          void this.platformEnded(t('ccpaasReplaced'));
          return;
        }
        const error = new CallbarError('unreachable', t('ccpaasConnectionFailed'), cap(status.error));
        this.setProblem('wire', { code: 'unreachable', message: t('ccpaasConnectionFailed'), hint: t('ccpaasConnectionFailedHint'), detail: cap(status.error) });
        this.settle?.reject(error);
        // The next resume (a wake) or the agent's next action starts again.
        this.wire = null;
        this.ready = null;
        break;
      }
    }
  }

  /**
   * PhoneKit.initial: authenticate this socket. `replay`: with the last applied seq, so the CTI server
   * sends what was missed. The reply's workStatus 0 after a drop means the platform logged the agent out.
   */
  private async initial(replay: boolean, onReply?: () => void): Promise<CtiResult> {
    const wire = this.wire;
    if (!wire) throw new CallbarError('unreachable', t('ccpaasNotConnected'));
    const params: Record<string, unknown> = { appSid: this.settings.appSid, agentNo: this.settings.agentNo, pwd: this.settings.password };
    if (this.settings.encryptNumber) params.encryptNumber = 'true';
    if (replay && this.cursor.seq !== null) params.lastSeq = this.cursor.seq;
    const result = await wire.request('initial', params);
    // Callbacks arriving from now on follow the reply (the replay first): they are applied again.
    onReply?.();
    if (result.statusCode !== CODE.ok) {
      const error = new CallbarError(
        result.statusCode === CODE.authFailed ? 'auth' : 'refused',
        withCode(withReason(actionFailed(t('ccpaasOpInitial')), result.statusMsg || t('errorUnknown')), result.statusCode || '?'),
        `initial → ${result.statusCode} ${result.statusMsg}`,
      );
      if (replay) {
        // The password changed or the agent was removed while CallBar was away: nothing works until a new login.
        if (result.statusCode === CODE.authFailed) await this.platformEnded(error.message);
        else this.setProblem('wire', { code: error.code, message: error.message });
      }
      this.settle?.reject(error);
      throw error;
    }
    this.initialised = true;
    const data = result.data;
    const webphone = { wsAddr: field(data, 'wsAddr'), sipNumber: field(data, 'sipNumber'), sipPwd: typeof data?.sipPwd === 'string' ? data.sipPwd.slice(0, 256) : field(data, 'sipPwd') };
    const state = initialWorkState(data?.workStatus);
    this.platformLoggedIn = state === 'ready' || state === 'pause';
    if (replay && state === 'offWork') {
      await this.platformEnded(t('ccpaasLoggedOutByPlatform'));
      throw new CallbarError('not-logged-in', t('ccpaasLoggedOutByPlatform'));
    }
    await this.inQueue(async () => {
      const next: CcpaasCursor = { ...this.cursor, ...(webphone.wsAddr && webphone.sipNumber ? { webphone } : {}) };
      // initial's workStatus is the platform's state now (the login callback follows a login).
      await this.ctx.emit(state && state !== 'offWork' ? [{ type: 'agent.state', state }] : [], { cursor: next });
      this.cursor = next;
    });
    this.settle?.resolve();
    return result;
  }

  /**
   * One callback, applied in arrival order. A failed write (storage full, the worker dying) leaves the
   * cursor before it: every later callback is dropped until `initial` with that seq has asked the CTI
   * server to send them all again — applying a later one first would make the missed one look replayed.
   */
  private onCallback(callback: CtiCallback): Promise<void> {
    if (this.resyncing) return Promise.resolve();
    const generation = this.generation;
    return this.inQueue(async () => {
      if (generation !== this.generation) return;
      try {
        await this.apply(callback);
      } catch (error) {
        this.log('ccpaas: callback not saved, asking for it again', error);
        this.setProblem('event', { code: 'internal', message: t('ccpaasSaveFailed'), detail: internalErrorMessage(error) });
        this.generation++;
        this.resyncing = true;
        void this.resync();
      }
    });
  }

  /** `initial` with the last applied seq on the same socket: the CTI server replays what follows. */
  private async resync(): Promise<void> {
    try {
      await this.initial(true, () => (this.resyncing = false));
    } catch (error) {
      this.resyncing = false;
      this.log('ccpaas: resync failed', error);
    }
  }

  /** Run `work` after every callback before it: the only way the cursor changes. */
  private inQueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(callback: CtiCallback): Promise<void> {
    if (this.stopped) return;
    if (callback.callback === 'onConnEvent') {
      // connected / disconnected / connect_fail come from the socket (onWireStatus); auth_* from the server.
      if (callback.data === 'auth_fail') this.log('ccpaas: auth_fail');
      return;
    }
    const seq = callback.seq;
    if (seq !== null && this.cursor.seq !== null && seq <= this.cursor.seq) {
      this.log('ccpaas: callback already applied (replayed), dropped', seq);
      return;
    }
    const next: CcpaasCursor = { ...this.cursor, ...(seq !== null ? { seq } : {}) };
    const snapshot = this.ctx.snapshot();
    if (callback.callback === 'onStatusEvent') {
      const parsed = parseStatusEvent(callback.data);
      if (!parsed.ok) return this.unreadable(parsed.error, next);
      if (parsed.event.agentNo && parsed.event.agentNo !== this.settings.agentNo) return this.skip(`status of agent ${parsed.event.agentNo}`, next);
      const mapped = mapStatusEvent(parsed.event, this.causes, this.now());
      if (mapped.wrapupSeconds !== undefined) next.wrapupSeconds = mapped.wrapupSeconds;
      await this.ctx.emit(mapped.events, { cursor: next });
      this.cursor = next;
      this.setProblem('event', null);
      return;
    }
    const parsed = parseCallEvent(callback.data);
    if (!parsed.ok) return this.unreadable(parsed.error, next);
    if (parsed.event.agentNo && parsed.event.agentNo !== this.settings.agentNo) return this.skip(`call of agent ${parsed.event.agentNo}`, next);
    const { events, effects } = mapCallEvent(parsed.event, snapshot.call);
    for (const effect of effects) {
      if (effect.type === 'bridgePending') next.bridgePending = effect.conversationSid;
      else if (effect.type === 'bridgeDone') next.bridgePending = null;
      else this.log(`ccpaas: ${parsed.event.eventName} ignored`, effect.why);
    }
    await this.ctx.emit(events, { cursor: next });
    this.cursor = next;
    this.setProblem('event', null);
    await this.phone.withdrawExpectation();
  }

  /** Recorded as applied (it would come back with every replay) and shown: something we cannot read. */
  private async unreadable(error: string, next: CcpaasCursor): Promise<void> {
    this.log('ccpaas: unreadable callback dropped', error);
    await this.ctx.emit([], { cursor: next });
    this.cursor = next;
    this.setProblem('event', { code: 'malformed-reply', message: t('ccpaasMalformedFrame'), detail: error });
  }

  private async skip(why: string, next: CcpaasCursor): Promise<void> {
    this.log('ccpaas: callback dropped', why);
    await this.ctx.emit([], { cursor: next });
    this.cursor = next;
  }

  /** The platform ended the session (signed in elsewhere, logged out, password changed). */
  private async platformEnded(message: string): Promise<void> {
    this.stop();
    await this.inQueue(async () => {
      this.cursor = { ...this.cursor, ended: message };
      await this.ctx.saveCursor(this.cursor);
    }).catch(() => undefined);
    this.setProblem('ended', { code: 'not-logged-in', message, hint: t('ccpaasReloginHint') });
    await this.ctx.endSession({ code: 'not-logged-in', message, hint: t('ccpaasReloginHint') });
    if (this.webphone) await this.phone.unregister();
  }

  private stop(): void {
    this.stopped = true;
    this.wire?.close();
    this.wire = null;
    this.ready = null;
    this.initialised = false;
    this.phone.stop();
  }

  private setProblem(slot: Slot, problem: ProblemValue | null): void {
    if (this.stopped && slot !== 'ended') return;
    this.problems.set(slot, problem);
  }

  // ── Requests ──

  /**
   * One PhoneKit function; resolves when the platform said 00000. A socket that lost its `initial`
   * (10001) is authenticated again and the request sent once more: the platform did nothing with it.
   */
  private async command(method: CtiMethod, params?: Record<string, unknown>): Promise<void> {
    if (this.cursor.ended) throw new CallbarError('not-logged-in', this.cursor.ended);
    if (!this.wire) {
      void this.connect().catch(() => undefined);
      throw new CallbarError('unreachable', t('ccpaasNotConnected'));
    }
    if (!this.initialised) await this.waitReady();
    let result = await this.request(method, params);
    if (result.statusCode === CODE.notInitialised) {
      this.initialised = false;
      await this.initial(true);
      result = await this.request(method, params);
    }
    if (result.statusCode === CODE.ok) return;
    const code = result.statusCode === CODE.noCall ? 'precondition' : method === 'login' ? 'auth' : 'refused';
    throw new CallbarError(code, withCode(withReason(actionFailed(t(ACTION[method])), result.statusMsg || t('errorUnknown')), result.statusCode || '?'), `${method} → ${result.statusCode} ${result.statusMsg}`);
  }

  private async waitReady(): Promise<void> {
    const ready = this.ready;
    if (!ready) throw new CallbarError('unreachable', t('ccpaasNotConnected'));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallbarError('unreachable', t('ccpaasNotConnected'))), this.deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
    });
    try {
      await Promise.race([ready, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async request(method: CtiMethod, params?: Record<string, unknown>): Promise<CtiResult> {
    const wire = this.wire;
    if (!wire) throw new CallbarError('unreachable', t('ccpaasNotConnected'));
    return wire.request(method, params);
  }

  /** A call command refused with 10005: the platform has no call, so the one shown is over. */
  private async callCommand(method: CtiMethod): Promise<void> {
    try {
      await this.command(method);
    } catch (error) {
      if (error instanceof CallbarError && error.detail?.startsWith(`${method} → ${CODE.noCall}`) && isActive(this.ctx.snapshot().call)) {
        await this.inQueue(async () => {
          const next = { ...this.cursor, bridgePending: null };
          await this.ctx.emit([{ type: 'call.ended', cause: t('ccpaasCallGoneOnPlatform') }], { cursor: next });
          this.cursor = next;
        });
        if (method === 'hangup') return;
      }
      throw error;
    }
  }

  async setAgentState(stateId: string): Promise<void> {
    if (stateId === 'ready') return this.command('ready');
    if (stateId === 'pause') return this.command('pause', { pauseCause: PLAIN_PAUSE_CAUSE });
    const cause = stateId.startsWith(PAUSE_PREFIX) ? stateId.slice(PAUSE_PREFIX.length) : null;
    if (cause !== null && this.causes.includes(cause)) return this.command('pause', { pauseCause: cause });
    throw new CallbarError('invalid-input', t('ccpaasNoSuchState', stateId));
  }

  async dial(number: string): Promise<void> {
    if (isActive(this.ctx.snapshot().call)) throw new CallbarError('precondition', t('alreadyInCallCannotDial'));
    if (!PHONE_NUMBER.test(number)) throw new CallbarError('invalid-input', t('ccpaasNumberInvalid'));
    // The platform calls the agent's browser phone first: the phone answers that call by itself.
    if (this.webphone) await this.phone.expectCall();
    try {
      // Never retried (a retried callOut can ring the customer twice).
      await this.command('callOut', { userNumber: number, ...(this.settings.userData ? { userData: this.settings.userData } : {}) });
    } catch (error) {
      if (this.webphone) this.phone.dialDone();
      await this.phone.withdrawExpectation();
      if (error instanceof CallbarError && error.code === 'timeout') throw new CallbarError('timeout', t('dialTimeout'), error.detail);
      throw error;
    }
    if (!isActive(this.ctx.snapshot().call)) await this.ctx.emit([{ type: 'call.dialing', number }]);
    if (this.webphone) this.phone.dialDone();
  }

  /**
   * 接听: `bridge` when the agent's phone has answered by itself (isBridged "0") or is set to
   * auto-answer; the browser phone's answer with the WebPhone.
   */
  async answer(): Promise<void> {
    const call = this.ctx.snapshot().call;
    if (call?.state !== 'incoming') throw new CallbarError('precondition', t('ccpaasNoIncomingCall'));
    const pending = this.cursor.bridgePending !== null && (!call.vendorCallId || call.vendorCallId === this.cursor.bridgePending);
    if (pending || (!this.webphone && this.settings.autoAnswer)) return this.callCommand('bridge');
    if (!this.webphone) throw new CallbarError('unsupported', t('ccpaasAnswerOnDevice'));
    await this.phone.command('answer');
  }

  async hangup(): Promise<void> {
    this.requireCall(['dialing', 'ringing', 'incoming', 'connected', 'held'], t('noActiveCall'));
    await this.callCommand('hangup');
  }

  async hold(): Promise<void> {
    const call = this.ctx.snapshot().call;
    if (call?.state === 'held') throw new CallbarError('precondition', t('callAlreadyHeld'));
    this.requireCall(['connected'], isActive(call) ? t('holdNeedsConnected') : t('holdNoCall'));
    await this.callCommand('holdCall');
    // The document has no hold event: the reply is all there is.
    await this.ctx.emit([{ type: 'call.held' }]);
  }

  async unhold(): Promise<void> {
    this.requireCall(['held'], t('ccpaasNotHeld'));
    await this.callCommand('retrieveCall');
    await this.ctx.emit([{ type: 'call.resumed' }]);
  }

  async mute(): Promise<void> {
    await this.phoneCommand('mute');
    await this.ctx.emit([{ type: 'call.muted', muted: true }]);
  }

  async unmute(): Promise<void> {
    await this.phoneCommand('unmute');
    await this.ctx.emit([{ type: 'call.muted', muted: false }]);
  }

  async dtmf(digits: string): Promise<void> {
    if (!this.webphone) throw new CallbarError('unsupported', t('ccpaasPhoneOnly'));
    await this.phone.dtmf(digits);
  }

  transfer(): Promise<void> {
    return Promise.reject(new CallbarError('unsupported', t('ccpaasNoTransfer')));
  }

  extraAction(actionId: string): Promise<void> {
    return Promise.reject(new CallbarError('unsupported', t('ccpaasNoSuchAction', actionId)));
  }

  private requireCall(states: readonly CallState[], message: string): void {
    const call = this.ctx.snapshot().call;
    if (!call || !states.includes(call.state)) throw new CallbarError('precondition', message);
  }

  // ── The browser phone (phoneType 3) ──

  private async phoneCommand(type: 'mute' | 'unmute'): Promise<void> {
    if (!this.webphone) throw new CallbarError('unsupported', t('ccpaasPhoneOnly'));
    this.requireCall(['connected', 'held'], t('noActiveCall'));
    await this.phone.command(type);
  }

  /** initial's WebPhone account. The SIP domain: sipNumber's own (8001@domain) or wsAddr's host. */
  private phoneAccount(): PhoneAccount {
    const w = this.cursor.webphone;
    if (!w) throw new CallbarError('refused', t('ccpaasNoWebphoneAccount'));
    let host = '';
    try {
      host = new URL(w.wsAddr).hostname;
    } catch {
      throw new CallbarError('refused', t('ccpaasWebphoneAddressInvalid', cap(w.wsAddr)));
    }
    const user = w.sipNumber.replace(/^sips?:/, '');
    const uri = user.includes('@') ? `sip:${user}` : `sip:${user}@${host}`;
    return { wsUrl: w.wsAddr, uri, password: w.sipPwd, iceServers: [], dtmfMode: 'rfc4733' };
  }
}
