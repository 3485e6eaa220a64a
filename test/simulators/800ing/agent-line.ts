import { ControlError } from '../control.ts';
/**
 * The agent's line on the 八百呼 platform: at most one call at a time, its timed progression,
 * and the messages it leaves on the account's water line. It knows nothing about HTTP.
 *
 * Outbound (callbackPhone, or a dial through the desktop client): the platform rings the
 * agent's own phone, which auto-answers after `agentAnswerDelayMs`; it then dials the callee,
 * whose phone rings after `ringDelayMs`; the callee mode decides what happens next.
 * Messages: status 0 when the call is created, 1 when the callee answers, hang-up status at the end.
 * Incoming: status 0 while the agent's phone rings, 1 when answered, hang-up status at the end.
 */
import { CODE, KIND, STATUS, type CalleeMode, type HangupStatus, type Kind } from './rules.ts';
import type { MessageStore } from './water-line.ts';

export type CallPhase = 'agentRinging' | 'dialing' | 'ringing' | 'talking' | 'ended';
export type CallOrigin = 'callbackPhone' | 'client' | 'incoming';
export type EndReason =
  | 'hangupExten'
  | 'clientHangup'
  | 'transfer'
  | 'remoteHangup'
  | 'busy'
  | 'noAnswer'
  | 'reset';

/** One call of the agent, as reported in state. */
export interface CallRecord {
  cdrId: number;
  kind: Kind;
  /** The other party: descPhone for outbound calls, the caller for incoming ones. */
  phone: string;
  origin: CallOrigin;
  /** callbackPhone's paramvalue (echoed in every message of the call), else null. */
  paramvalue: string | null;
  phase: CallPhase;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: EndReason | null;
  /** The transfer target when the agent left the call by a client transfer (type 2). */
  transferredTo: string | null;
}

export interface LineConfig {
  agentAnswerDelayMs: number;
  ringDelayMs: number;
  answerDelayMs: number;
  noAnswerTimeoutMs: number;
  calleeMode: CalleeMode;
  hangupStatus: HangupStatus;
}

/** A vendor request the line state refuses: code, Chinese detail for `message`, English reason for the log. */
export interface Refusal {
  code: number;
  detail: string;
  reason: string;
}

/**
 * Thrown by control methods. `kind: 'state'` = the state forbids it (HTTP 409),
 * `kind: 'input'` = the argument is invalid (HTTP 400).
 */
export { ControlError } from '../control.ts';

/** cdrIds look like the document's record id (282982852097151); they never repeat in a process. */
const FIRST_CDR_ID = 282_982_852_097_151;

export class AgentLine {
  private readonly config: LineConfig;
  private readonly store: MessageStore;
  private readonly history: CallRecord[] = [];
  private current: CallRecord | null = null;
  private nextCdrId = FIRST_CDR_ID;
  private timer: NodeJS.Timeout | null = null;
  private calleeModeValue: CalleeMode;
  private hangupStatusValue: HangupStatus;

  constructor(config: LineConfig, store: MessageStore) {
    this.config = config;
    this.store = store;
    this.calleeModeValue = config.calleeMode;
    this.hangupStatusValue = config.hangupStatus;
  }

  get call(): CallRecord | null {
    return this.current === null ? null : { ...this.current };
  }

  get calls(): CallRecord[] {
    return this.history.map((c) => ({ ...c }));
  }

  get calleeMode(): CalleeMode {
    return this.calleeModeValue;
  }

  get hangupStatus(): HangupStatus {
    return this.hangupStatusValue;
  }

  // ---------------------------------------------------------------- vendor operations (return a Refusal or null)

  /** callbackPhone / client type 0. */
  dial(phone: string, origin: 'callbackPhone' | 'client', paramvalue: string | null): Refusal | null {
    const busy = this.refuseIfBusy();
    if (busy !== null) return busy;
    const call = this.newCall(KIND.OUT, phone, origin, paramvalue, 'agentRinging');
    this.emit(call, STATUS.START);
    this.schedule(this.config.agentAnswerDelayMs, () => {
      call.phase = 'dialing';
      this.schedule(this.config.ringDelayMs, () => {
        call.phase = 'ringing';
        this.scheduleCalleeOutcome(call);
      });
    });
    return null;
  }

  /** hangupExten / client type 1: ends the agent's call whatever its phase (an incoming ring is rejected). */
  hangup(reason: 'hangupExten' | 'clientHangup'): Refusal | null {
    const call = this.current;
    if (call === null) return { code: CODE.NOT_FOUND, detail: '没有通话', reason: 'the agent has no call' };
    this.end(call, reason);
    return null;
  }

  /** sendMsg kind 6: answers the ringing incoming call from `phone`. */
  answerIncoming(phone: string): Refusal | null {
    const call = this.current;
    if (call === null || call.kind !== KIND.IN || call.phase !== 'ringing' || call.phone !== phone) {
      return {
        code: CODE.NOT_FOUND,
        detail: `没有来自 ${phone} 的来电振铃`,
        reason: `no incoming call from ${phone} is ringing`,
      };
    }
    this.answer(call);
    return null;
  }

  /** Client type 2: blind transfer of the answered call to `target`; the agent leaves it. */
  transfer(target: string): Refusal | null {
    const call = this.current;
    if (call === null || call.phase !== 'talking') {
      return { code: CODE.NOT_FOUND, detail: '没有接通的通话', reason: 'no answered call to transfer' };
    }
    call.transferredTo = target;
    this.end(call, 'transfer');
    return null;
  }

  private refuseIfBusy(): Refusal | null {
    if (this.current === null) return null;
    return {
      code: CODE.INTERNAL,
      detail: '坐席正在通话中',
      reason: `the agent already has a call (cdrId ${this.current.cdrId}, ${this.current.phase})`,
    };
  }

  // ---------------------------------------------------------------- control operations (throw ControlError)

  setCalleeMode(mode: CalleeMode): void {
    this.calleeModeValue = mode;
  }

  setHangupStatus(status: HangupStatus): void {
    this.hangupStatusValue = status;
  }

  /** The callee picks up now (any phase before answer: 'manual' mode, or to cut a delay short). */
  calleeAnswer(): void {
    this.answer(this.requireUnansweredOutbound('calleeAnswer'));
  }

  /** The callee rejects the call as busy now. */
  calleeBusy(): void {
    this.end(this.requireUnansweredOutbound('calleeBusy'), 'busy');
  }

  private requireUnansweredOutbound(what: string): CallRecord {
    const call = this.current;
    if (call === null || call.kind !== KIND.OUT || call.phase === 'talking') {
      throw new ControlError(`${what}: no unanswered outbound call`, 'state');
    }
    return call;
  }

  /** A caller rings the agent; returns the call's cdrId. Refused while the agent has a call. */
  injectIncoming(from: string): number {
    if (!/^\+?[0-9]{1,32}$/.test(from)) throw new ControlError('"from" must be a string of digits', 'input');
    if (this.current !== null) throw new ControlError('the agent already has a call', 'state');
    const call = this.newCall(KIND.IN, from, 'incoming', null, 'ringing');
    this.emit(call, STATUS.START);
    this.schedule(this.config.noAnswerTimeoutMs, () => this.end(call, 'noAnswer'));
    return call.cdrId;
  }

  /** The agent picks up the ringing incoming call on the desktop client or phone. */
  agentAnswer(): void {
    const call = this.current;
    if (call === null || call.kind !== KIND.IN || call.phase !== 'ringing') {
      throw new ControlError('agentAnswer: no incoming call is ringing', 'state');
    }
    this.answer(call);
  }

  /** The other party hangs up (or the call fails on their side), in any phase. */
  remoteHangup(): void {
    const call = this.current;
    if (call === null) throw new ControlError('remoteHangup: the agent has no call', 'state');
    this.end(call, 'remoteHangup');
  }

  /** Forgets every call (no message for a call cut by the reset); cdrIds keep counting. */
  reset(): void {
    this.cancelTimer();
    if (this.current !== null) {
      this.current.phase = 'ended';
      this.current.endReason = 'reset';
    }
    this.current = null;
    this.history.length = 0;
    this.calleeModeValue = this.config.calleeMode;
    this.hangupStatusValue = this.config.hangupStatus;
  }

  // ---------------------------------------------------------------- the call model

  private newCall(kind: Kind, phone: string, origin: CallOrigin, paramvalue: string | null, phase: CallPhase): CallRecord {
    const call: CallRecord = {
      cdrId: this.nextCdrId++,
      kind,
      phone,
      origin,
      paramvalue,
      phase,
      startedAt: Date.now(),
      answeredAt: null,
      endedAt: null,
      endReason: null,
      transferredTo: null,
    };
    this.current = call;
    this.history.push(call);
    return call;
  }

  /** The callee mode is read when the callee's phone starts ringing. */
  private scheduleCalleeOutcome(call: CallRecord): void {
    switch (this.calleeModeValue) {
      case 'answer':
        return this.schedule(this.config.answerDelayMs, () => this.answer(call));
      case 'busy':
        return this.schedule(this.config.answerDelayMs, () => this.end(call, 'busy'));
      case 'noAnswer':
        return this.schedule(this.config.noAnswerTimeoutMs, () => this.end(call, 'noAnswer'));
      case 'manual':
        return; // waits for calleeAnswer() / calleeBusy()
    }
  }

  private answer(call: CallRecord): void {
    this.cancelTimer();
    call.phase = 'talking';
    call.answeredAt = Date.now();
    this.emit(call, STATUS.ANSWERED);
  }

  private end(call: CallRecord, reason: EndReason): void {
    this.cancelTimer();
    call.phase = 'ended';
    call.endedAt = Date.now();
    call.endReason = reason;
    if (this.current === call) this.current = null;
    this.emit(call, this.hangupStatusValue);
  }

  private emit(call: CallRecord, status: number): void {
    this.store.append(call.kind, call.phone, {
      status,
      cdrId: call.cdrId,
      ...(call.paramvalue === null ? {} : { paramvalue: call.paramvalue }),
    });
  }

  // ---------------------------------------------------------------- timer (one step at a time)

  /** The platform is a cloud: timers run whether or not the simulator's HTTP ports are open. */
  private schedule(delayMs: number, run: () => void): void {
    this.cancelTimer();
    const timer = setTimeout(() => {
      if (this.timer === timer) this.timer = null;
      run();
    }, Math.max(0, delayMs));
    // Never keep a test process alive just for a simulated callee.
    timer.unref();
    this.timer = timer;
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
