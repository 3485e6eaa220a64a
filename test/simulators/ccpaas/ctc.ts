/**
 * 点击呼叫 (ctc, seed 423-619): the conversation state machine behind click2call / cancelCall /
 * addCall — the caller rings first, then the callee, bridged; ends on a hang-up, cancelCall or
 * maxDuration — and the 呼叫状态 / 呼叫话单 notifications POSTed to statusUrl / cdrUrl (best
 * effort, in order per conversation, every attempt recorded). Requests are validated in rest-api.ts.
 */
import { newSid, stamp, stampOrEmpty } from './format.ts';
import { ControlError, type Conversation, type CtcLeg, type PushRecord } from './model.ts';
import { ringOutside } from './phones.ts';
import type { Platform } from './platform.ts';
import { ADDCALL_TIMEOUT_S, BYE_TYPE, type ByeType, type CtcCallCause, type CtcCallStatus, type FailedCause } from './rules.ts';

export interface Click2CallInput {
  accountSid: string;
  appSid: string;
  softVersion: string;
  caller: string;
  callee: string;
  callerCli?: string;
  calleeCli?: string;
  userData: string;
  statusUrl?: string;
  cdrUrl?: string;
  record: 0 | 1 | 2;
  maxDuration?: number;
  lastMinVoice?: string;
  /** The whole request body as sent. */
  params: Record<string, unknown>;
}

export interface CtcOptions {
  /** 线路号码 shown when callerCli / calleeCli are not given (the document's CDR example, seed 597). */
  defaultCli: string;
  /** recordingUrl prefix. */
  recordBaseUrl: () => string;
}

/** ctc leg causes from the phones' failures (callCause, seed 549, has no "canceled"). */
function ctcCause(cause: FailedCause): CtcCallCause {
  return cause === 'canceled' ? 'failed' : cause;
}

export class CtcService {
  readonly conversations = new Map<string, Conversation>();
  readonly pushes: PushRecord[] = [];
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly platform: Platform,
    private readonly opts: CtcOptions,
  ) {}

  reset(): void {
    for (const conv of this.conversations.values()) this.stopTimers(conv);
    this.conversations.clear();
    this.pushes.length = 0;
    this.chains.clear();
  }

  /** A live conversation (not ended) in which `number` is caller or callee. */
  liveWith(accountSid: string, number: string): Conversation | undefined {
    return [...this.conversations.values()].find((c) => c.accountSid === accountSid && c.state !== 'ended' && c.legs.some((l) => l.to === number && l.stopTime === undefined));
  }

  click2call(input: Click2CallInput): Conversation {
    const now = Date.now();
    const conv: Conversation = {
      conversationSid: newSid('CV', now),
      accountSid: input.accountSid,
      appSid: input.appSid,
      softVersion: input.softVersion,
      caller: input.caller,
      callee: input.callee,
      params: input.params,
      userData: input.userData,
      ...(input.statusUrl === undefined ? {} : { statusUrl: input.statusUrl }),
      ...(input.cdrUrl === undefined ? {} : { cdrUrl: input.cdrUrl }),
      record: input.record,
      ...(input.maxDuration === undefined ? {} : { maxDuration: input.maxDuration }),
      state: 'callerRinging',
      legs: [],
      createdAt: now,
      timers: [],
    };
    this.conversations.set(conv.conversationSid, conv);
    const callerLeg = this.dial(conv, 'caller', input.caller, input.callerCli ?? this.opts.defaultCli, undefined, {
      onAnswer: () => {
        conv.state = 'calleeRinging';
        this.dial(conv, 'callee', input.callee, input.calleeCli ?? this.opts.defaultCli, undefined, {
          onRinging: () => {
            if (conv.record === 1) conv.recordStart ??= Date.now();
          },
          onAnswer: () => this.bridge(conv, input.lastMinVoice),
          onFail: () => this.end(conv, BYE_TYPE.CALLEE_NO_ANSWER),
          onHangup: () => this.end(conv, BYE_TYPE.CALLEE_HUNG_UP),
        });
      },
      onFail: () => this.end(conv, BYE_TYPE.CALLER_NO_ANSWER),
      onHangup: () => {
        if (conv.state === 'calleeRinging') this.end(conv, BYE_TYPE.CALLER_HUNG_UP_RINGING);
        else if (this.talkingLegs(conv).length >= 2) this.pushStatus(conv, callerLeg, 'completed'); // three-way: the others talk on (seed 523)
        else this.end(conv, BYE_TYPE.CALLER_HUNG_UP);
      },
    });
    return conv;
  }

  /** cancelCall (seed 475-494): ends a live conversation. */
  cancel(conv: Conversation): void {
    const byeType: ByeType = conv.state === 'callerRinging' ? BYE_TYPE.CALLER_NO_ANSWER : conv.state === 'calleeRinging' ? BYE_TYPE.CALLER_HUNG_UP_RINGING : BYE_TYPE.CALLER_HUNG_UP;
    this.end(conv, byeType);
  }

  /** addCall (seed 496-530): a third party joins a bridged two-party conversation. */
  addCall(conv: Conversation, callee: string, calleeCli: string | undefined, timeoutS: number | undefined): void {
    const leg = this.dial(conv, 'added', callee, calleeCli ?? this.opts.defaultCli, (timeoutS ?? ADDCALL_TIMEOUT_S) * 1000, {
      onAnswer: () => undefined,
      onFail: () => undefined,
      onHangup: () => {
        // The original callee hanging up ends the call; another party leaving does not (seed 523).
        if (this.talkingLegs(conv).length >= 2) this.pushStatus(conv, leg, 'completed');
        else this.end(conv, conv.legs[0]!.stopTime !== undefined ? BYE_TYPE.CALLER_HUNG_UP : BYE_TYPE.CALLEE_HUNG_UP);
      },
    });
  }

  /** Parties on the line (answered, not stopped). */
  talkingLegs(conv: Conversation): CtcLeg[] {
    return conv.legs.filter((l) => l.answerTime !== undefined && l.stopTime === undefined);
  }

  /** A ringing added party makes a three-way attempt; so does a third talking party. */
  partyCount(conv: Conversation): number {
    return conv.legs.filter((l) => l.stopTime === undefined).length;
  }

  conversation(sid?: string): Conversation {
    if (sid !== undefined) {
      const conv = this.conversations.get(sid);
      if (conv === undefined) throw new ControlError(`no conversation ${sid}`, 'input');
      return conv;
    }
    const live = [...this.conversations.values()].filter((c) => c.state !== 'ended');
    if (live.length !== 1) throw new ControlError(live.length === 0 ? 'no live conversation' : 'several live conversations; name conversationSid', 'state');
    return live[0]!;
  }

  // ---------------------------------------------------------------- legs

  private dial(
    conv: Conversation,
    role: CtcLeg['role'],
    to: string,
    from: string,
    noAnswerTimeoutMs: number | undefined,
    cb: { onRinging?: () => void; onAnswer: () => void; onFail: (cause: CtcCallCause) => void; onHangup: () => void },
  ): CtcLeg {
    const leg: CtcLeg = { callSeq: conv.legs.length, callSid: newSid('CA'), from, to, role, phone: null, startTime: Date.now() };
    conv.legs.push(leg);
    this.pushStatus(conv, leg, 'initiated');
    const timing = { ...this.platform.timing, ...(noAnswerTimeoutMs === undefined ? {} : { noAnswerTimeoutMs }) };
    leg.phone = ringOutside(
      this.platform.clock,
      timing,
      to,
      this.platform.modeFor(to),
      {
        onRinging: () => {
          leg.ringTime = Date.now();
          this.pushStatus(conv, leg, 'ringing');
          cb.onRinging?.();
        },
        onAnswer: () => {
          leg.answerTime = Date.now();
          this.pushStatus(conv, leg, 'answered');
          cb.onAnswer();
        },
        onFail: (cause) => {
          leg.phone = null;
          this.stopLeg(conv, leg, ctcCause(cause));
          cb.onFail(ctcCause(cause));
        },
        onHangup: () => {
          leg.phone = null;
          leg.stopTime = Date.now();
          leg.cause = 'completed';
          cb.onHangup();
        },
      },
      this.platform.outsideLegs,
    );
    return leg;
  }

  private bridge(conv: Conversation, lastMinVoice: string | undefined): void {
    conv.state = 'bridged';
    conv.bridgedAt = Date.now();
    if (conv.record !== 0) conv.recordStart ??= conv.bridgedAt;
    const max = conv.maxDuration;
    if (max === undefined) return;
    conv.timers.push(this.platform.clock.set(max * 1000, () => this.end(conv, BYE_TYPE.TIME_LIMIT)));
    // 最后一分钟提示音 (seed 464): noted when it would play.
    if (max > 60) {
      conv.timers.push(
        this.platform.clock.set((max - 60) * 1000, () => {
          conv.lastMinVoiceAt = Date.now();
          conv.params = { ...conv.params, lastMinVoicePlayed: lastMinVoice ?? '本次通话时长还剩 1 分钟' };
        }),
      );
    }
  }

  /** A leg that never talked is cancelled ('failed'); a talking one ends 'completed'. */
  private stopLeg(conv: Conversation, leg: CtcLeg, cause: CtcCallCause): void {
    if (leg.stopTime !== undefined) return;
    leg.phone?.cancel();
    leg.phone = null;
    leg.stopTime = Date.now();
    leg.cause = cause;
    this.pushStatus(conv, leg, 'completed');
  }

  private end(conv: Conversation, byeType: ByeType): void {
    if (conv.state === 'ended') return;
    this.stopTimers(conv);
    for (const leg of conv.legs) {
      if (leg.stopTime === undefined) this.stopLeg(conv, leg, leg.answerTime !== undefined ? 'completed' : 'failed');
      else if (leg.cause !== undefined && !this.pushedCompleted(conv, leg)) this.pushStatus(conv, leg, 'completed');
    }
    conv.state = 'ended';
    conv.byeType = byeType;
    conv.endedAt = Date.now();
    this.pushCdr(conv);
  }

  private stopTimers(conv: Conversation): void {
    for (const t of conv.timers) this.platform.clock.clear(t);
    conv.timers.length = 0;
  }

  private pushedCompleted(conv: Conversation, leg: CtcLeg): boolean {
    return this.pushes.some((p) => p.kind === 'status' && p.conversationSid === conv.conversationSid && p.body.callSid === leg.callSid && p.body.callStatus === 'completed');
  }

  // ---------------------------------------------------------------- notifications (seed 532-619)

  /** 呼叫状态 (seed 534-550). callCause only with callStatus completed. */
  statusBody(conv: Conversation, leg: CtcLeg, callStatus: CtcCallStatus): Record<string, string> {
    return {
      conversationSid: conv.conversationSid,
      callSid: leg.callSid,
      apiVersion: conv.softVersion,
      accountSid: conv.accountSid,
      appSid: conv.appSid,
      from: leg.from,
      to: leg.to,
      direction: 'outbound',
      callStatus,
      timestamp: stamp(Date.now()),
      ...(callStatus === 'completed' ? { callCause: leg.cause ?? 'completed' } : {}),
      userData: conv.userData,
    };
  }

  /** 呼叫话单 (seed 552-619): cdrs newest leg first, as the document's example. */
  cdrBody(conv: Conversation): Record<string, unknown> {
    const recorded = conv.record !== 0 && conv.recordStart !== undefined;
    const end = conv.endedAt ?? Date.now();
    return {
      accountSid: conv.accountSid,
      appSid: conv.appSid,
      conversationSid: conv.conversationSid,
      recordingUrl: recorded ? `${this.opts.recordBaseUrl()}/record/${conv.conversationSid}.wav` : '',
      recordingDuration: recorded ? String(Math.round((end - conv.recordStart!) / 1000)) : '0',
      userData: conv.userData,
      byeType: conv.byeType ?? '',
      cdrs: [...conv.legs].reverse().map((leg) => ({
        callSeq: String(leg.callSeq),
        callSid: leg.callSid,
        from: leg.from,
        to: leg.to,
        startTime: stamp(leg.startTime),
        ringTime: stampOrEmpty(leg.ringTime),
        answerTime: stampOrEmpty(leg.answerTime),
        stopTime: stampOrEmpty(leg.stopTime),
        duration: String(leg.answerTime === undefined ? 0 : Math.round(((leg.stopTime ?? end) - leg.answerTime) / 1000)),
        cause: leg.cause ?? 'completed',
      })),
    };
  }

  private pushStatus(conv: Conversation, leg: CtcLeg, callStatus: CtcCallStatus): void {
    if (conv.statusUrl === undefined) return;
    this.push(conv, 'status', conv.statusUrl, this.statusBody(conv, leg, callStatus));
  }

  private pushCdr(conv: Conversation): void {
    if (conv.cdrUrl === undefined) return;
    this.push(conv, 'cdr', conv.cdrUrl, this.cdrBody(conv));
  }

  /** Recorded at once (tests read `pushes`), POSTed in order per conversation, best effort. */
  private push(conv: Conversation, kind: PushRecord['kind'], url: string, body: Record<string, unknown>): void {
    const record: PushRecord = { kind, url, conversationSid: conv.conversationSid, body, at: Date.now(), result: null };
    this.pushes.push(record);
    const previous = this.chains.get(conv.conversationSid) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/json;charset=utf-8' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(3000),
        });
        record.result = res.status;
        await res.body?.cancel();
      } catch (error) {
        record.result = error instanceof Error ? error.message : String(error);
      }
    });
    this.chains.set(conv.conversationSid, next);
  }

  /** Resolves when every notification so far has been attempted. */
  async settled(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}
