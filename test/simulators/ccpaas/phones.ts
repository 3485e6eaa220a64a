/**
 * The telephones the CC PaaS platform rings: outside numbers (the CTI customer, the ctc caller,
 * callee and added party) with a scriptable outcome per number, and the agent's own phone
 * (simulated SIP phone / PSTN phone, or the WebRTC phone through the `agentLeg` hook). Times go
 * through Clock, so the speed knob scales them.
 */
import type { AgentRing, OutsideLeg } from './model.ts';
import type { FailedCause } from './rules.ts';

/**
 * What an outside number does when rung: `answer`; `no-answer` (rings until the timeout);
 * `busy` (fails at once, no ringing); `reject` (rings, then declines); `time-out` (never rings,
 * the attempt times out); `manual` (rings until a /_sim step, or no-answer at the timeout).
 */
export const PARTY_MODES = ['answer', 'no-answer', 'busy', 'reject', 'time-out', 'manual'] as const;
export type PartyMode = (typeof PARTY_MODES)[number];

/** Timers with a speed factor; all unref'd and cancellable together (reset). */
export class Clock {
  private readonly live = new Set<NodeJS.Timeout>();

  constructor(public speed = 1) {}

  set(delayMs: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.live.delete(timer);
      run();
    }, Math.max(0, delayMs / this.speed));
    timer.unref();
    this.live.add(timer);
    return timer;
  }

  clear(timer: NodeJS.Timeout | null | undefined): void {
    if (timer === null || timer === undefined) return;
    clearTimeout(timer);
    this.live.delete(timer);
  }

  clearAll(): void {
    for (const timer of this.live) clearTimeout(timer);
    this.live.clear();
  }
}

export interface PhoneTiming {
  /** Dialled → the outside phone rings (or fails: busy). */
  ringDelayMs: number;
  /** Ringing → answer / reject. */
  answerDelayMs: number;
  /** Ringing → no-answer; dialled → time-out. */
  noAnswerTimeoutMs: number;
}

export interface OutsideCallbacks {
  onRinging?: () => void;
  onAnswer: () => void;
  /** Failed before answer. */
  onFail: (cause: FailedCause) => void;
  /** Hung up after answering. */
  onHangup?: () => void;
}

let legCounter = 0;

/** Rings an outside number; the mode decides the outcome unless a control step decides first. */
export function ringOutside(clock: Clock, timing: PhoneTiming, number: string, mode: PartyMode, cb: OutsideCallbacks, registry: Set<OutsideLeg>): OutsideLeg {
  let timer: NodeJS.Timeout | null = null;
  const stopTimer = (): void => {
    clock.clear(timer);
    timer = null;
  };
  const leg: OutsideLeg = {
    id: `leg-${++legCounter}`,
    number,
    state: 'dialling',
    cancel: () => {
      stopTimer();
      leg.state = 'ended';
      registry.delete(leg);
    },
    answer: () => {
      if (leg.state !== 'ringing' && leg.state !== 'dialling') return;
      stopTimer();
      if (leg.state === 'dialling') {
        leg.state = 'ringing';
        leg.ringTime = Date.now();
        cb.onRinging?.();
        if (leg.state !== 'ringing') return;
      }
      leg.state = 'answered';
      leg.answerTime = Date.now();
      cb.onAnswer();
    },
    fail: (cause) => {
      if (leg.state !== 'ringing' && leg.state !== 'dialling') return;
      stopTimer();
      leg.state = 'ended';
      registry.delete(leg);
      cb.onFail(cause);
    },
    hangup: () => {
      if (leg.state !== 'answered') return;
      leg.state = 'ended';
      registry.delete(leg);
      cb.onHangup?.();
    },
  };
  registry.add(leg);
  if (mode === 'busy') {
    timer = clock.set(timing.ringDelayMs, () => leg.fail('failed'));
    return leg;
  }
  if (mode === 'time-out') {
    timer = clock.set(timing.noAnswerTimeoutMs, () => leg.fail('time-out'));
    return leg;
  }
  timer = clock.set(timing.ringDelayMs, () => {
    leg.state = 'ringing';
    leg.ringTime = Date.now();
    cb.onRinging?.();
    if (leg.state !== 'ringing') return;
    if (mode === 'answer') timer = clock.set(timing.answerDelayMs, () => leg.answer());
    else if (mode === 'reject') timer = clock.set(timing.answerDelayMs, () => leg.fail('failed'));
    else timer = clock.set(timing.noAnswerTimeoutMs, () => leg.fail('no-answer'));
  });
  return leg;
}

/** A caller already on the line (an incoming call's customer): only hangs up. */
export function answeredParty(number: string, registry: Set<OutsideLeg>, onHangup: () => void): OutsideLeg {
  const now = Date.now();
  const leg: OutsideLeg = {
    id: `leg-${++legCounter}`,
    number,
    state: 'answered',
    ringTime: now,
    answerTime: now,
    cancel: () => {
      leg.state = 'ended';
      registry.delete(leg);
    },
    answer: () => undefined,
    fail: () => undefined,
    hangup: () => {
      if (leg.state !== 'answered') return;
      leg.state = 'ended';
      registry.delete(leg);
      onHangup();
    },
  };
  registry.add(leg);
  return leg;
}

/** How the agent's own phone is reached for one call. */
export interface AgentPhonePlan {
  channel: 'sip' | 'pstn' | 'webrtc';
  /** The phone picks up by itself (simulated agent, or a phone set to auto-answer) after answerDelayMs. */
  autoAnswer: boolean;
  answerDelayMs: number;
  ringTimeoutMs: number;
  /** WebRTC: the end-to-end tests' real SIP call; resolves = answered, rejects = refused. */
  hook?: () => Promise<void>;
}

export interface AgentRingCallbacks {
  onAnswer: () => void;
  /** 'rejected' (refused / hook rejected), 'timeout' (rang out). */
  onFail: (why: 'rejected' | 'timeout') => void;
}

export function ringAgentPhone(clock: Clock, plan: AgentPhonePlan, cb: AgentRingCallbacks): AgentRing {
  let done = false;
  const timers: NodeJS.Timeout[] = [];
  const settle = (run: () => void): void => {
    if (done) return;
    done = true;
    for (const t of timers) clock.clear(t);
    run();
  };
  const ring: AgentRing = {
    channel: plan.channel,
    answer: () => settle(cb.onAnswer),
    reject: () => settle(() => cb.onFail('rejected')),
    cancel: () => settle(() => {}),
  };
  timers.push(clock.set(plan.ringTimeoutMs, () => settle(() => cb.onFail('timeout'))));
  if (plan.hook !== undefined) {
    plan.hook().then(
      () => ring.answer(),
      () => ring.reject(),
    );
  } else if (plan.autoAnswer) {
    if (plan.answerDelayMs <= 0) queueMicrotask(() => ring.answer());
    else timers.push(clock.set(plan.answerDelayMs, () => ring.answer()));
  }
  return ring;
}
