import { ControlError } from '../control.ts';
/**
 * The phone behind the bar's HTTP API: line state, the current call, its progression
 * over time, and the two event queues the client polls. It knows nothing about HTTP.
 */
import {
  ALLOWED_STATES,
  CallState,
  GUARDS,
  IN_CALL,
  NOT_IN_CALL,
  isDialString,
  type CallDirection,
  type CallStateValue,
  type CalleeMode,
  type EventEndpoint,
  type EventName,
  type HangupCause,
  type StatefulAction,
} from './call-model.ts';
import { EventQueue, formatEventTime, formatReserve, type SoftbarEvent } from './event-queue.ts';

export interface SoftphoneConfig {
  extension: string;
  ringDelayMs: number;
  answerDelayMs: number;
  noAnswerTimeoutMs: number;
  transferDelayMs: number;
  calleeMode: CalleeMode;
  barLoggedIn: boolean;
  /** Whether events carry `callId-<n>` in reserve (the document names no keys of reserve). */
  callIdInReserve: boolean;
}

/**
 * A finished call as the bar's side knows it (the platform's truth for the fault suite): the
 * simulator's own call number, who called whom, whether the two parties talked, why it ended.
 */
export interface FinishedCall {
  id: number;
  direction: CallDirection;
  number: string;
  talked: boolean;
  cause: HangupCause;
}

/** One event a poll took out of a queue, and the call it belonged to (null: a line event). */
export interface HandedOut {
  callId: number | null;
  eventName: EventName;
}

export type Verdict = { accepted: true } | { accepted: false; reason: string };

/** What the simulator reports about itself (`state` getter, GET /_sim/state). */
export interface SoftbarState {
  online: boolean;
  callState: CallStateValue;
  muted: boolean;
  otherParty: string | null;
  pendingEvents: number;
  barLoggedIn: boolean;
  calleeMode: CalleeMode;
  callId: number | null;
  direction: CallDirection | null;
}

/**
 * Thrown by control methods. `kind: 'state'` = the phone's state forbids it (HTTP 409),
 * `kind: 'input'` = the argument is invalid (HTTP 400).
 */
export { ControlError } from '../control.ts';

interface ActiveCall {
  id: number;
  direction: CallDirection;
  otherParty: string;
  ani: string;
  dnis: string;
  talked: boolean;
}

/** The next timed step of the current call; kept across stop/start so it can be re-armed. */
interface PendingStep {
  delayMs: number;
  run: () => void;
}

export class Softphone {
  readonly lineEvents = new EventQueue();
  readonly callEvents = new EventQueue();
  /** Every call that ended, oldest first (cleared by reset()). */
  readonly finished: FinishedCall[] = [];
  /** Every event a poll handed out, in order (cleared by reset()). */
  readonly handedOut: HandedOut[] = [];

  private readonly config: SoftphoneConfig;
  private online = false;
  private callState: CallStateValue = CallState.None;
  private muted = false;
  private call: ActiveCall | null = null;
  private callSeq = 0;
  private calleeMode: CalleeMode;
  private barLoggedIn: boolean;
  private pending: PendingStep | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(config: SoftphoneConfig) {
    this.config = config;
    this.calleeMode = config.calleeMode;
    this.barLoggedIn = config.barLoggedIn;
  }

  get isBarLoggedIn(): boolean {
    return this.barLoggedIn;
  }

  snapshot(): SoftbarState {
    const call = this.call;
    return {
      online: this.online,
      callState: this.callState,
      muted: this.muted,
      otherParty: call?.otherParty ?? null,
      pendingEvents: this.lineEvents.size + this.callEvents.size,
      barLoggedIn: this.barLoggedIn,
      calleeMode: this.calleeMode,
      callId: call?.id ?? null,
      direction: call?.direction ?? null,
    };
  }

  // ---------------------------------------------------------------- vendor actions

  /** Runs an action if the rules allow it; the outcome shows up later as events. */
  act(action: StatefulAction, body: Record<string, unknown>): Verdict {
    const reason = this.refusalFor(action, body);
    if (reason !== null) return { accepted: false, reason };
    this.apply(action, body);
    return { accepted: true };
  }

  private refusalFor(action: StatefulAction, body: Record<string, unknown>): string | null {
    if (!ALLOWED_STATES[action].includes(this.callState)) {
      return `${action} is not allowed in call state ${this.callState}`;
    }
    const guard = GUARDS[action];
    const view = { online: this.online, muted: this.muted, direction: this.call?.direction ?? null };
    return guard ? guard(view, body) : null;
  }

  private apply(action: StatefulAction, body: Record<string, unknown>): void {
    switch (action) {
      case 'sipOnline':
        return this.setLine(true);
      case 'sipOffline':
        return this.setLine(false);
      case 'makeCall':
        return this.startOutgoing(String(body.callUri));
      case 'answer':
        return this.connect();
      case 'hangup':
        return this.endCall('localHangup');
      case 'mute':
        return this.setMuted(true);
      case 'unMute':
        return this.setMuted(false);
      case 'transfer':
        return this.transfer(String(body.dialDtmf));
      case 'switchTransfer':
      case 'returnTransfer':
        // The bar only switches screens; the call itself is unchanged.
        return this.emitInCall(action);
    }
  }

  private setLine(online: boolean): void {
    this.online = online;
    this.lineEvents.push({
      eventName: online ? 'sipOnline' : 'sipOffline',
      eventTime: formatEventTime(new Date()),
      thisParty: this.config.extension,
      otherParty: '',
      ani: '',
      dnis: '',
      reserve: '',
    });
  }

  private startOutgoing(callUri: string): void {
    const ext = this.config.extension;
    this.call = { id: ++this.callSeq, direction: 'out', otherParty: callUri, ani: ext, dnis: callUri, talked: false };
    this.muted = false;
    this.emitInCall('makeCall', CallState.Outgoing);
    this.schedule(this.config.ringDelayMs, () => {
      this.emitInCall('ringing', CallState.Ringing);
      this.scheduleCalleeOutcome();
    });
  }

  /** The callee mode is read when the callee's phone starts ringing. */
  private scheduleCalleeOutcome(): void {
    switch (this.calleeMode) {
      case 'answer':
        return this.schedule(this.config.answerDelayMs, () => this.connect());
      case 'busy':
        return this.schedule(this.config.answerDelayMs, () => this.endCall('busy'));
      case 'noAnswer':
        return this.schedule(this.config.noAnswerTimeoutMs, () => this.endCall('noAnswer'));
      case 'manual':
        return; // waits for calleeAnswer() / calleeBusy()
    }
  }

  private connect(): void {
    this.cancelPending();
    if (this.call) this.call.talked = true;
    this.emitInCall('answer', CallState.Accept);
    this.emitInCall('connected', CallState.Connected);
  }

  private setMuted(muted: boolean): void {
    this.muted = muted;
    this.emitInCall(muted ? 'mute' : 'unMute');
  }

  /** Blind transfer: the bar reports the target, then the agent's own leg ends. */
  private transfer(target: string): void {
    this.cancelPending();
    this.emitInCall('transfer', this.callState, { otherParty: target });
    this.schedule(this.config.transferDelayMs, () => this.endCall('transferred'));
  }

  private endCall(cause: HangupCause): void {
    if (this.call === null) return;
    this.cancelPending();
    this.emitInCall('hangup', CallState.Hangup, { cause });
    const { id, direction, otherParty, talked } = this.call;
    this.finished.push({ id, direction, number: otherParty, talked, cause });
    this.call = null;
    this.muted = false;
  }

  private emitInCall(
    eventName: EventName,
    state: CallStateValue = this.callState,
    extra: { otherParty?: string; cause?: HangupCause } = {},
  ): void {
    const call = this.call;
    if (call === null) return;
    this.callState = state;
    this.callEvents.push({
      eventName,
      eventTime: formatEventTime(new Date()),
      thisParty: this.config.extension,
      otherParty: extra.otherParty ?? call.otherParty,
      ani: call.ani,
      dnis: call.dnis,
      reserve: formatReserve({ callId: this.config.callIdInReserve ? call.id : undefined, cause: extra.cause }),
    }, call.id);
  }

  /** A poll takes up to `max` events out of its queue (each event is handed out once). */
  handOut(endpoint: EventEndpoint, max: number): SoftbarEvent[] {
    const queue = endpoint === 'getOnline' ? this.lineEvents : this.callEvents;
    return queue.take(max).map(({ event, callId }) => {
      this.handedOut.push({ callId, eventName: event.eventName });
      return event;
    });
  }

  // ---------------------------------------------------------------- control interface

  setCalleeMode(mode: CalleeMode): void {
    this.calleeMode = mode;
  }

  calleeAnswer(): void {
    this.ringOutgoingNow('calleeAnswer');
    this.connect();
  }

  calleeBusy(): void {
    this.ringOutgoingNow('calleeBusy');
    this.endCall('busy');
  }

  /**
   * The callee can only act on an outgoing call that is dialing or ringing. If it has
   * not rung yet, ring now so clients always see makeCall → ringing → outcome.
   */
  private ringOutgoingNow(what: string): void {
    const dialing = this.callState === CallState.Outgoing || this.callState === CallState.Ringing;
    if (this.call?.direction !== 'out' || !dialing) {
      throw new ControlError(`${what}: no outgoing call is ringing`, 'state');
    }
    this.cancelPending();
    if (this.callState === CallState.Outgoing) this.emitInCall('ringing', CallState.Ringing);
  }

  /** A caller rings the agent. Like a real line, refused while offline or busy. */
  injectIncoming(number: string): number {
    if (!isDialString(number)) throw new ControlError('number must be a string of digits', 'input');
    if (!this.barLoggedIn) throw new ControlError('the bar is not logged in', 'state');
    if (!this.online) throw new ControlError('the SIP line is offline', 'state');
    if (!NOT_IN_CALL.includes(this.callState)) throw new ControlError('the agent is already in a call', 'state');
    const ext = this.config.extension;
    this.call = { id: ++this.callSeq, direction: 'in', otherParty: number, ani: number, dnis: ext, talked: false };
    this.muted = false;
    this.emitInCall('incomingCall', CallState.Incoming);
    return this.call.id;
  }

  remoteHangup(): void {
    this.requireCall('remoteHangup');
    this.endCall('remoteHangup');
  }

  dropLine(): void {
    this.requireCall('dropLine');
    this.endCall('lineDropped');
  }

  private requireCall(what: string): void {
    if (!IN_CALL.includes(this.callState)) throw new ControlError(`${what}: no call in progress`, 'state');
  }

  /**
   * Logging the bar out ends its session: line offline, any call gone, undelivered
   * events dropped (nobody can poll them, and a new login is a new session).
   */
  setBarLoggedIn(loggedIn: boolean): void {
    if (loggedIn === this.barLoggedIn) return;
    this.barLoggedIn = loggedIn;
    if (!loggedIn) this.clearSession();
  }

  /** Back to the state right after construction. */
  reset(): void {
    this.clearSession();
    this.callSeq = 0;
    this.finished.length = 0;
    this.handedOut.length = 0;
    this.calleeMode = this.config.calleeMode;
    this.barLoggedIn = this.config.barLoggedIn;
  }

  private clearSession(): void {
    this.cancelPending();
    this.online = false;
    this.callState = CallState.None;
    this.muted = false;
    this.call = null;
    this.lineEvents.clear();
    this.callEvents.clear();
  }

  // ---------------------------------------------------------------- timers

  /** Called when the HTTP server starts: (re-)arms the pending step with its full delay. */
  resume(): void {
    this.running = true;
    this.arm();
  }

  /** Called when the HTTP server stops: no timer runs, but the pending step is kept. */
  suspend(): void {
    this.running = false;
    this.disarm();
  }

  private schedule(delayMs: number, run: () => void): void {
    this.cancelPending();
    this.pending = { delayMs, run };
    this.arm();
  }

  private arm(): void {
    const step = this.pending;
    if (!this.running || step === null || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pending = null;
      step.run();
    }, step.delayMs);
    // Never keep a test process alive just for a simulated callee.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private cancelPending(): void {
    this.disarm();
    this.pending = null;
  }
}
