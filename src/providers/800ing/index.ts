import type { ProviderEvent } from '../../shared/call-events.ts';
import { type Call, type CallState, isActive, stateOf } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { PollTimer, ProblemSlots, type ProblemValue } from '../session-kit.ts';
import type { AgentInfo, Provider, ProviderContext, ProviderSession } from '../provider.ts';
import { type ExtensionInfo, type FetchLike, Ing800Client, type LatestCall, RECV_LIMIT } from './800ing-client.ts';
import { Ing800Desktop } from './800ing-desktop.ts';
import { clientNotRunningHint, serverName } from './800ing-errors.ts';
import { text, t } from '../../shared/i18n.ts';
import { cannotConnect, internalErrorMessage, pollRetryHint } from '../error-text.ts';
import { DESKTOP_ACTIONS, ing800Info, type Ing800Settings } from './800ing-info.ts';
import { type CancelledDial, type DialMark, mapMessages, MAX_SIDE_CALLS, type SideCall, UNKNOWN_NUMBER } from './800ing-mapper.ts';
import { advance, compareWaterLines, freshMessages, hasNews, parseWaterLine } from './800ing-waterline.ts';

/** Poll getLongWaterLine while a call is active or a dial is on its way, otherwise, and while it fails. */
export const FAST_POLL_MS = 1000;
export const SLOW_POLL_MS = 3000;
/**
 * No slower than an idle poll: one lost reply (a proxy's 500, a blip) must not leave the toolbar without
 * the platform's calls for longer than the normal interval — issue 16 asks for the platform's state within
 * 5 s of a fault ending; 10 s here left a ringing call unseen that long. (Also the desktop client's retry.)
 */
export const ERROR_POLL_MS = SLOW_POLL_MS;
/** The server refused the account (-2) while polling: no point asking often. */
export const AUTH_POLL_MS = 30_000;
/** A dial not seen on the water line after this long is forgotten. */
export const DIAL_MARK_MS = 120_000;
/** After a successful hang-up request, the platform has this long to report the end; then CallBar ends the call itself. */
export const HANGUP_CONFIRM_MS = 5000;
/** recvMsg pages per poll (100 messages each); the rest waits for the next poll. */
export const MAX_PAGES_PER_POLL = 20;

/** Dialable: digits, * and #, an optional leading + (1–32). */
const PHONE_NUMBER = /^\+?[0-9*#]{1,32}$/;

/** What survives a service-worker restart (chrome.storage.session through the provider cursor). */
export interface Ing800Cursor {
  v: 1;
  /** The last water line whose messages have been applied; null before the first poll read one. */
  waterLine: string | null;
  /** The dial sent and not yet seen on the water line. */
  dial: DialMark | null;
  /** A dial whose call CallBar ended itself: its late messages are swallowed. */
  cancelled: CancelledDial | null;
  /** Platform calls followed off screen until their hang-up (mapper SideCall). */
  side: SideCall[];
}

export interface SessionDeps {
  fetch?: FetchLike;
  now?: () => number;
  log?: (message: string, detail?: unknown) => void;
  /** The random part of a dial's paramvalue (default: crypto.randomUUID). */
  random?: () => string;
  /**
   * How long a request may take (default: the client's own limits — 5 s, a dial 15 s, the desktop
   * client 10 s). The fault suite shortens them so a lost reply costs seconds, not a shift.
   */
  timeouts?: { requestMs?: number; dialMs?: number; clientMs?: number };
}

const PROBLEM_ORDER = ['server', 'client'] as const;
type ProblemSlot = (typeof PROBLEM_ORDER)[number];

export class Ing800Session implements ProviderSession {
  private readonly client: Ing800Client;
  /** The desktop client, in desktop-client mode only. */
  private readonly desktop: Ing800Desktop | null;
  private readonly now: () => number;
  private cursor: Ing800Cursor;
  private readonly problems: ProblemSlots<ProblemSlot>;
  private readonly timer = new PollTimer();
  private signal: AbortSignal | null = null;
  private dialInFlight = false;
  /** Dials the water line showed before their request returned (their call is on screen already). */
  private readonly matched = new Set<DialMark>();
  /** Why the current call will end (it was transferred): the water line only says 挂机. */
  private endCause: { callId: string; cause: string } | null = null;
  /** A hang-up the platform has not confirmed yet. */
  private hangupWait: { callId: string; at: number } | null = null;
  private lastClientTry = 0;
  /**
   * Compare the call on screen with what the platform says now, once caught up (`reconcile`): on every
   * wake, after a failed poll and when the server's water line went back — where messages can be missed.
   */
  private reconcileDue = true;
  /** One poll at a time (the loop's, a dial's catch-up): two at once would apply the same messages twice. */
  private pollChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: Ing800Settings,
    private readonly ctx: ProviderContext,
    private readonly deps: SessionDeps = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.problems = new ProblemSlots(PROBLEM_ORDER, (problem) => ctx.setProblem(problem));
    this.cursor = readCursor(ctx.loadCursor<unknown>());
    const fetch = deps.fetch ? { fetch: deps.fetch } : {};
    const { requestMs, dialMs, clientMs } = deps.timeouts ?? {};
    this.client = new Ing800Client({
      server: settings.server,
      account: settings.account,
      password: settings.password,
      ...fetch,
      ...(requestMs ? { timeoutMs: requestMs } : {}),
      ...(dialMs ? { dialTimeoutMs: dialMs } : {}),
    });
    this.desktop = settings.mode === 'desktop' ? new Ing800Desktop({ port: settings.clientPort, ...fetch, ...(clientMs ? { timeoutMs: clientMs } : {}) }) : null;
  }

  // ── Login ──

  /**
   * getExtension (who the agent is; proves account and password), in desktop mode the client's
   * own login (type 2001, proves it runs), then the current water line: events start from now,
   * old history is not replayed.
   */
  async login(): Promise<AgentInfo> {
    const info = await this.client.getExtension();
    // Not through clientCall: a failed login shows its error, not a banner as well.
    if (this.desktop) await this.desktop.login(this.serverHost(), this.settings.account, this.client.passwordDigest);
    const waterLine = await this.client.waterLine(this.settings.clientType);
    await this.saveCursor({ waterLine, dial: null, cancelled: null, side: [] });
    return agentInfo(info);
  }

  /** The platform has no logout in this API; the desktop client stays logged in. */
  async logout(): Promise<void> {}

  // ── Events: the water line ──

  resume(signal: AbortSignal): void {
    if (this.signal && !this.signal.aborted) return;
    this.signal = signal;
    this.reconcileDue = true;
    void this.pollLoop(signal);
  }

  private async pollLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let delay: number;
      try {
        await this.pollSerial(signal);
        if (signal.aborted) return;
        this.setProblem('server', null);
        await this.confirmHangup();
        delay = this.busy() ? FAST_POLL_MS : SLOW_POLL_MS;
      } catch (error) {
        if (signal.aborted) return;
        delay = this.pollFailed(error);
      }
      await this.retryClient(signal);
      await this.timer.wait(delay, signal);
    }
  }

  private pollSerial(signal: AbortSignal): Promise<void> {
    const run = this.pollChain.then(() => this.pollOnce(signal));
    this.pollChain = run.catch(() => undefined);
    return run;
  }

  private busy(): boolean {
    return this.dialInFlight || this.cursor.dial !== null || isActive(this.ctx.snapshot().call);
  }

  /** One round: the server's water line, then every message after ours, applied page by page. */
  private async pollOnce(signal: AbortSignal): Promise<void> {
    this.forgetOldDials();
    // The call on screen before the platform was asked: only a call older than its answer can be judged by it.
    const shownBefore = this.ctx.snapshot().call;
    const { waterLine: server, latest } = await this.client.poll(this.settings.clientType, signal);
    if (signal.aborted) return;
    let last = this.cursor.waterLine;
    if (last === null) {
      // No starting point (the cursor was lost): from now on.
      await this.saveCursor({ waterLine: server });
      return;
    }
    if (compareWaterLines(server, last) < 0) {
      // The server's line went back (a reset server, another server): follow it, or nothing would come again.
      this.deps.log?.(`800ing: the server's water line ${server} is behind ours (${last}); following it`);
      await this.saveCursor({ waterLine: server });
      this.reconcileDue = true;
      return;
    }
    if (!hasNews(server, last)) return this.reconcile(latest, shownBefore);
    for (let n = 0; n < MAX_PAGES_PER_POLL; n++) {
      const messages = await this.client.recvMsg(this.settings.clientType, last, RECV_LIMIT, signal);
      if (signal.aborted) return;
      const page = freshMessages(messages, last);
      const progressed = page.newest !== null && compareWaterLines(page.newest, last) > 0;
      // A short page is the end of the list; a full page that brings nothing newer is treated as the end too.
      const complete = messages.length < RECV_LIMIT || !progressed;
      const target = advance(last, page, server, complete);
      const before = this.cursor;
      const batch = mapMessages(page.fresh, { call: this.ctx.snapshot().call, dial: before.dial, cancelled: before.cancelled, side: before.side }, this.now());
      for (const s of batch.skipped) this.deps.log?.(`800ing: message skipped: ${s.reason}`, s.message);
      const events = this.withEndCause(batch.events);
      const side = batch.state.side ? [...batch.state.side] : before.side;
      const cursor: Ing800Cursor = { ...before, waterLine: target, dial: batch.state.dial, cancelled: batch.state.cancelled ?? null, side };
      if (events.length || target !== last || cursor.dial !== before.dial || cursor.cancelled !== before.cancelled || batch.state.side !== before.side) {
        // Set before the write: any cursor write queued behind this one (a dial) carries the new line too.
        const matched = batch.matchedDial ? before.dial : null;
        if (matched) this.matched.add(matched);
        this.cursor = cursor;
        try {
          // The events and the water line past them in one write: a restart repeats or loses nothing.
          await this.ctx.emit(events, { cursor });
        } catch (error) {
          // Not written: neither the events nor the line past them. The messages are fetched again.
          this.cursor = {
            ...this.cursor,
            waterLine: before.waterLine,
            side: before.side,
            ...(this.cursor.dial === cursor.dial ? { dial: before.dial } : {}),
            ...(this.cursor.cancelled === cursor.cancelled ? { cancelled: before.cancelled } : {}),
          };
          if (matched) this.matched.delete(matched);
          throw error;
        }
      }
      last = target;
      if (complete) return this.reconcile(latest, shownBefore);
    }
  }

  /**
   * Caught up with the water line: every message up to the platform's answer is applied. When the platform's
   * newest call message is a 挂机 (getLongWaterLine `msgs`, document 2.3) it has no call now — one call at a
   * time — so a call still shown (its end missed: a reset server, a lost cursor) ends here, saying why
   * (issue 16). Not a call that began after the platform answered (CallBar's own dial).
   */
  private async reconcile(latest: LatestCall | null, shownBefore: Call | null): Promise<void> {
    if (!this.reconcileDue) return;
    this.reconcileDue = false;
    const call = this.ctx.snapshot().call;
    if (!latest || (latest.status !== 2 && latest.status !== 3)) return;
    if (!isActive(call) || call.id !== shownBefore?.id || this.dialInFlight || this.cursor.dial !== null) return;
    this.deps.log?.(`800ing: the platform's newest call message is a 挂机, yet call ${call.vendorCallId ?? call.id} is shown; ending it`);
    await this.ctx.emit([{ type: 'call.ended', cause: t('ing800CallGoneOnPlatform') }], { cursor: this.cursor });
  }

  /** A transferred call's end says so (the water line only says 挂机). */
  private withEndCause(events: ProviderEvent[]): ProviderEvent[] {
    const why = this.endCause;
    if (!why) return events;
    const call = this.ctx.snapshot().call;
    if (!isActive(call) || call.id !== why.callId) {
      this.endCause = null;
      return events;
    }
    return events.map((e) => (e.type === 'call.ended' ? { ...e, cause: why.cause } : e));
  }

  private forgetOldDials(): void {
    const now = this.now();
    const { dial, cancelled } = this.cursor;
    const stale = (mark: DialMark | null) => mark !== null && now - mark.at > DIAL_MARK_MS;
    if (!this.dialInFlight && stale(dial)) this.cursor = { ...this.cursor, dial: null };
    if (stale(cancelled)) this.cursor = { ...this.cursor, cancelled: null };
  }

  /** Hung up, and the platform did not say so in time: end the call here. */
  private async confirmHangup(): Promise<void> {
    const wait = this.hangupWait;
    if (!wait) return;
    const call = this.ctx.snapshot().call;
    if (!isActive(call) || call.id !== wait.callId) {
      this.hangupWait = null;
      return;
    }
    if (this.now() - wait.at < HANGUP_CONFIRM_MS) return;
    this.hangupWait = null;
    const dial = this.cursor.dial;
    // The dial's messages may still come: they must not start a new call.
    const cursor: Ing800Cursor = dial ? { ...this.cursor, dial: null, cancelled: { ...dial, cdrId: null } } : this.cursor;
    this.cursor = cursor;
    await this.ctx.emit([{ type: 'call.ended', cause: t('causeHungUp') }], { cursor });
  }

  private pollFailed(error: unknown): number {
    this.reconcileDue = true;
    const e = error instanceof CallbarError ? error : new CallbarError('internal', internalErrorMessage(error));
    const detail = e.detail ? { detail: e.detail } : {};
    if (e.code === 'auth') {
      this.setProblem('server', { code: 'auth', message: e.message, hint: t('reloginHint'), ...detail });
      return AUTH_POLL_MS;
    }
    const network = e.code === 'unreachable' || e.code === 'timeout';
    this.setProblem('server', {
      code: e.code,
      message: e.code === 'unreachable' ? cannotConnect(serverName(this.client.host)) : e.message,
      hint: pollRetryHint(network, ERROR_POLL_MS / 1000, 'ing800WhileDown'),
      ...detail,
    });
    return ERROR_POLL_MS;
  }

  // ── The desktop client ──

  /** type 2001's `host`: the server's host name, as in the document's example (host=voip.800ing.com). */
  private serverHost(): string {
    return new URL(this.settings.server).hostname;
  }

  private async desktopLogin(): Promise<void> {
    const desktop = this.requireDesktop(t('ing800ActionClientLogin'));
    await this.clientCall(() => desktop.login(this.serverHost(), this.settings.account, this.client.passwordDigest));
  }

  /** The client was found not running: log it in again (every 10 s, never during a call) until it answers. */
  private async retryClient(signal: AbortSignal): Promise<void> {
    if (!this.desktop || !this.problems.has('client') || signal.aborted) return;
    if (isActive(this.ctx.snapshot().call) || this.now() - this.lastClientTry < ERROR_POLL_MS) return;
    this.lastClientTry = this.now();
    try {
      await this.desktopLogin();
    } catch (error) {
      this.deps.log?.('800ing: the desktop client still does not answer', error);
    }
  }

  /** Run a desktop-client command: “not running” shows (and clears) the client banner. */
  private async clientCall(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (error instanceof CallbarError && (error.code === 'unreachable' || error.code === 'timeout')) {
        this.setProblem('client', { code: error.code, message: error.message, hint: clientNotRunningHint(), ...(error.detail ? { detail: error.detail } : {}) });
        this.lastClientTry = this.now();
      }
      throw error;
    }
    this.setProblem('client', null);
  }

  private requireDesktop(what: string): Ing800Desktop {
    if (!this.desktop) throw new CallbarError('unsupported', t('ing800NeedsDesktop', what));
    return this.desktop;
  }

  // ── Calls ──

  async dial(number: string): Promise<void> {
    this.requireNoCall(t('alreadyInCallCannotDial'));
    if (this.dialInFlight) throw new CallbarError('precondition', t('dialInFlight'));
    const dest = number.trim();
    if (!PHONE_NUMBER.test(dest)) throw new CallbarError('invalid-input', t('ing800DialNumberInvalid'));
    // The request id rides in paramvalue and comes back in the call's messages; kept in the
    // cursor before the request, so the call is recognized even after a restart.
    const mark: DialMark = { id: this.desktop ? null : `cb-${(this.deps.random ?? randomId)()}`, number: dest, at: this.now() };
    this.cursor = { ...this.cursor, dial: mark };
    await this.saveCursor({});
    this.dialInFlight = true;
    try {
      // Never retried (a retried dial can ring a customer twice).
      if (this.desktop) {
        const desktop = this.desktop;
        await this.clientCall(() => desktop.dial(dest, { disablePop: this.settings.disablePop, httpPort: this.settings.httpPort }));
      } else await this.client.callbackPhone(dest, mark.id as string);
    } catch (error) {
      if (error instanceof CallbarError && error.code === 'timeout') {
        // It may have gone out: the mark stays, so the call is recognized if it shows up.
        throw new CallbarError('timeout', t('dialTimeout'), error.detail);
      }
      if (this.cursor.dial === mark) await this.saveCursor({ dial: null });
      throw error;
    } finally {
      this.dialInFlight = false;
      this.timer.poke();
    }
    // The platform stored the call's first message before it answered: catch up, so the call shows with
    // its cdrId and after any older call's messages (a 挂断 that fails before the cdrId is known would
    // leave a row no platform call matches).
    const signal = this.signal;
    if (signal && !signal.aborted) await this.pollSerial(signal).catch((error: unknown) => this.deps.log?.('800ing: catching up after the dial failed', error));
    // Show the call at once, unless the water line has already shown it.
    if (this.matched.delete(mark)) return;
    await this.ctx.emit([{ type: 'call.dialing', number: dest }]);
  }

  /** 接听: sendMsg kind 6 with the caller's number (both modes); “connected” comes from the water line. */
  async answer(): Promise<void> {
    const call = this.ctx.snapshot().call;
    if (stateOf(call) !== 'incoming' || !call) throw new CallbarError('precondition', t('noIncomingCall'));
    if (call.number === UNKNOWN_NUMBER) throw new CallbarError('precondition', t('ing800AnswerUnknownNumber'));
    await this.client.answer(call.number);
    this.timer.poke();
  }

  async hangup(): Promise<void> {
    const call = this.requireCall(['dialing', 'ringing', 'incoming', 'connected', 'held'], t('noActiveCall'));
    try {
      if (this.desktop) {
        const desktop = this.desktop;
        await this.clientCall(() => desktop.hangup(call.number === UNKNOWN_NUMBER ? '' : call.number));
      } else await this.client.hangupExten();
    } catch (error) {
      // The engine ends the call here. A dial the water line has not named yet must not come back as a
      // second call when its messages arrive: they are swallowed, as after an unconfirmed hang-up.
      const dial = this.cursor.dial;
      if (dial && !call.vendorCallId) await this.saveCursor({ dial: null, cancelled: { ...dial, cdrId: null } }).catch(() => undefined);
      throw error;
    }
    // The end comes from the water line (挂机); if it does not, CallBar ends the call after HANGUP_CONFIRM_MS.
    this.hangupWait = { callId: call.id, at: this.now() };
    this.timer.poke();
  }

  /** Desktop-client mode only: type 2 转接. */
  async transfer(target: string): Promise<void> {
    const desktop = this.requireDesktop(t('actionTransfer'));
    const call = this.requireCall(['connected', 'held'], t('noConnectedCallToTransfer'));
    const dest = target.trim();
    if (!PHONE_NUMBER.test(dest)) throw new CallbarError('invalid-input', t('ing800TransferNumberInvalid'));
    await this.clientCall(() => desktop.transfer(dest));
    this.endCause = { callId: call.id, cause: t('causeTransferredTo', dest) };
    await this.ctx.emit([{ type: 'note', text: t('noteTransferringTo', dest) }]);
    this.timer.poke();
  }

  async extraAction(actionId: string): Promise<void> {
    const action = DESKTOP_ACTIONS.find((a) => a.id === actionId);
    if (!action) throw new CallbarError('unsupported', t('ing800NoSuchAction', actionId));
    const desktop = this.requireDesktop(text(action.label));
    if (!action.when.includes(stateOf(this.ctx.snapshot().call))) throw new CallbarError('precondition', t('actionNotAvailableInCallState', text(action.label)));
    if (actionId === 'clientLogin') {
      await this.desktopLogin();
      await this.ctx.emit([{ type: 'note', text: t('ing800NoteClientLoggedIn') }]);
    } else {
      await this.clientCall(() => desktop.pop());
      await this.ctx.emit([{ type: 'note', text: t('ing800NoteClientShown') }]);
    }
  }

  async setAgentState(): Promise<void> {
    throw new CallbarError('unsupported', t('ing800NoAgentState'));
  }

  async hold(): Promise<void> {
    throw new CallbarError('unsupported', t('ing800NoHold'));
  }

  async unhold(): Promise<void> {
    throw new CallbarError('unsupported', t('ing800NoHold'));
  }

  async mute(): Promise<void> {
    throw new CallbarError('unsupported', t('ing800NoMute'));
  }

  async unmute(): Promise<void> {
    throw new CallbarError('unsupported', t('ing800NoMute'));
  }

  // ── helpers ──

  private setProblem(slot: ProblemSlot, problem: ProblemValue | null): void {
    this.problems.set(slot, problem);
  }

  private async saveCursor(change: Partial<Omit<Ing800Cursor, 'v'>>): Promise<void> {
    this.cursor = { ...this.cursor, ...change };
    // A stopped session (logged out, or replaced) must not write over its successor's data.
    if (this.signal?.aborted) return;
    await this.ctx.saveCursor(this.cursor);
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

/** 李四（测试企业）, extension 100008800; numbers masked when the platform says disablePhoneNum 1. */
export function agentInfo(info: ExtensionInfo): AgentInfo {
  const name = info.name || t('ing800AgentFallbackName', info.extension);
  return {
    name: info.compName ? `${name}（${info.compName}）` : name,
    extension: info.extension,
    maskNumbers: info.disablePhoneNum === 1,
  };
}

function randomId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 16);
}

function readMark(value: unknown): DialMark | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if ((m.id !== null && typeof m.id !== 'string') || typeof m.number !== 'string' || typeof m.at !== 'number') return null;
  return { id: m.id, number: m.number, at: m.at };
}

/** The cursor as stored, checked field by field (anything unreadable starts empty). */
export function readCursor(value: unknown): Ing800Cursor {
  if (typeof value !== 'object' || value === null) return { v: 1, waterLine: null, dial: null, cancelled: null, side: [] };
  const c = value as Record<string, unknown>;
  const cancelled = readMark(c.cancelled);
  const cdrId = typeof c.cancelled === 'object' && c.cancelled !== null ? (c.cancelled as Record<string, unknown>).cdrId : null;
  return {
    v: 1,
    waterLine: parseWaterLine(c.waterLine),
    dial: readMark(c.dial),
    cancelled: cancelled ? { ...cancelled, cdrId: typeof cdrId === 'string' ? cdrId : null } : null,
    side: Array.isArray(c.side) ? c.side.map(readSide).filter((x): x is SideCall => x !== null).slice(-MAX_SIDE_CALLS) : [],
  };
}

function readSide(value: unknown): SideCall | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  if (typeof s.cdrId !== 'string' || (s.direction !== 'inbound' && s.direction !== 'outbound') || typeof s.number !== 'string' || typeof s.startedAt !== 'number') return null;
  return { cdrId: s.cdrId, direction: s.direction, number: s.number, startedAt: s.startedAt, answeredAt: typeof s.answeredAt === 'number' ? s.answeredAt : null };
}

export const ing800: Provider<Ing800Settings> = {
  ...ing800Info,
  createSession: (settings, ctx) => new Ing800Session(settings, ctx),
};
