/**
 * The telephones the platform rings: outside numbers (customer, consulted number, callback legs)
 * with a scriptable outcome per number, and the agent's own phone (SIP phone, mobile, or the
 * WebRTC phone through the `agentLeg` hook). Times go through Clock, so a speed knob scales them.
 */
import type { AgentRing, OutsideLeg } from './model.ts';
import { CAUSE } from './rules.ts';

/** What an outside number does when rung. */
export const PARTY_MODES = ['answer', 'busy', 'noAnswer', 'reject', 'manual'] as const;
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
  /** Dialled → the outside phone rings. */
  ringDelayMs: number;
  /** Ringing → answer / busy / reject. */
  answerDelayMs: number;
  /** Ringing → gives up (noAnswer mode, and the cap for manual mode). */
  noAnswerTimeoutMs: number;
}

export interface OutsideCallbacks {
  onRinging?: () => void;
  onAnswer: () => void;
  /** Failed before answer, with a 话后 cause (1017 busy, 1019 no answer, 1021 rejected, 1487 cancelled). */
  onFail: (cause: number) => void;
  /** Hung up after answering. */
  onHangup?: () => void;
}

let legCounter = 0;

/** Rings an outside number; the mode decides the outcome unless a control step decides first. */
export function ringOutside(clock: Clock, timing: PhoneTiming, number: string, mode: PartyMode, cb: OutsideCallbacks, registry: Set<OutsideLeg>): OutsideLeg {
  let timer: NodeJS.Timeout | null = null;
  const finish = (): void => {
    clock.clear(timer);
    timer = null;
  };
  const leg: OutsideLeg = {
    id: `leg-${++legCounter}`,
    number,
    state: 'dialling',
    cancel: () => {
      finish();
      leg.state = 'ended';
      registry.delete(leg);
    },
    answer: () => {
      if (leg.state !== 'ringing' && leg.state !== 'dialling') return;
      finish();
      if (leg.state === 'dialling') {
        leg.state = 'ringing';
        leg.ringTime = Date.now();
        cb.onRinging?.();
      }
      leg.state = 'answered';
      leg.answerTime = Date.now();
      cb.onAnswer();
    },
    fail: (cause) => {
      if (leg.state !== 'ringing' && leg.state !== 'dialling') return;
      finish();
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
  timer = clock.set(timing.ringDelayMs, () => {
    leg.state = 'ringing';
    leg.ringTime = Date.now();
    cb.onRinging?.();
    if (leg.state !== 'ringing') return;
    if (mode === 'answer') timer = clock.set(timing.answerDelayMs, () => leg.answer());
    else if (mode === 'busy') timer = clock.set(timing.answerDelayMs, () => leg.fail(CAUSE.USER_BUSY));
    else if (mode === 'reject') timer = clock.set(timing.answerDelayMs, () => leg.fail(CAUSE.CALL_REJECTED));
    else timer = clock.set(timing.noAnswerTimeoutMs, () => leg.fail(CAUSE.NO_ANSWER));
  });
  return leg;
}

/** How the agent's own phone is reached for one call. */
export interface AgentPhonePlan {
  channel: 'sip' | 'mobile' | 'webrtc';
  autoAnswer: boolean;
  answerDelayMs: number;
  ringTimeoutMs: number;
  /** WebRTC: the end-to-end tests' real SIP call; resolves = answered, rejects = refused. */
  hook?: () => Promise<void>;
}

export interface AgentRingCallbacks {
  onAnswer: () => void;
  /** 'rejected' (hung up / hook refused), 'timeout' (rang out). */
  onFail: (why: 'rejected' | 'timeout') => void;
}

export function ringAgentPhone(clock: Clock, callId: string, plan: AgentPhonePlan, cb: AgentRingCallbacks): AgentRing {
  let done = false;
  const timers: NodeJS.Timeout[] = [];
  const settle = (run: () => void): void => {
    if (done) return;
    done = true;
    for (const t of timers) clock.clear(t);
    run();
  };
  const ring: AgentRing = {
    callId,
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
