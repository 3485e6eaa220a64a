/**
 * Types of the CC PaaS simulator: the account and agents as configured, an agent's runtime (work
 * status, wrap-up, the CTI call, the kept callbacks for replay), the ctc conversation with its
 * legs, and the notification record. No behaviour.
 */
import type { ByeType, CallState, CtcCallCause, FailedCause, PhoneType, WorkStatus } from './rules.ts';

export { ControlError } from '../control.ts';

export interface AccountConfig {
  accountSid: string;
  accountToken: string;
  /** applicationSid values of this account (the ctc path's applicationSid must be one; the CTI appSid too). */
  applications: string[];
}

export interface AgentConfig {
  /** 应用 id (initial appSid). */
  appSid: string;
  agentNo: string;
  pwd: string;
  /** initial data.phoneType before the first login (the platform's binding). Default 1. */
  phoneType?: PhoneType;
  /** 座席绑定的 PSTN 电话号码 (phoneType 2). */
  pstnNumber?: string;
  /** 座席绑定的 SIP 分机号码 (phoneType 1, and the WebPhone's account for 3). */
  sipNumber?: string;
  sipPwd?: string;
  /** WebPhone 注册地址 (the e2e points it at Kamailio). */
  wsAddr?: string;
  /** SIP domain of sipNumber for the WebRTC hook's URI (the document gives none). Default: wsAddr's host. */
  sipDomain?: string;
  /** The agent's phone is set to auto-answer (seed 981): incoming calls are answered isBridged "0" until `bridge`. */
  autoAnswer?: boolean;
  /** 整理时间 seconds after an answered call; 0 = no wrap-up. Default: the simulator's. */
  wrapupSeconds?: number;
}

export type AgentSettings = Required<Omit<AgentConfig, 'wrapupSeconds'>> & { wrapupSeconds?: number };

/** The agent's phone ringing for one call (simulated phone or the WebRTC hook). */
export interface AgentRing {
  channel: 'sip' | 'pstn' | 'webrtc';
  answer(): void;
  reject(): void;
  cancel(): void;
}

/** An outside phone (customer, ctc caller / callee) as the simulator rings it. */
export interface OutsideLeg {
  id: string;
  number: string;
  state: 'dialling' | 'ringing' | 'answered' | 'ended';
  ringTime?: number;
  answerTime?: number;
  cancel(): void;
  answer(): void;
  fail(cause: FailedCause): void;
  hangup(): void;
}

/** A call on the CTI side (toolbar callOut or an incoming call). */
export interface CtiCall {
  conversationSid: string;
  callSid: string;
  direction: 'out' | 'in';
  callType: string;
  callSubtype: string;
  userNumber: string;
  userData: string;
  /** phase: agentRinging → (out: customerRinging) → connected; in: agentRinging → answered (unbridged) → connected. */
  phase: 'agentRinging' | 'customerDialling' | 'customerRinging' | 'unbridged' | 'connected';
  callState: CallState;
  isBridged: '0' | '1';
  held: boolean;
  ring: AgentRing | null;
  customer: OutsideLeg | null;
  phone: 'sip' | 'pstn' | 'webrtc';
  /** WebRTC leg: aborted when the platform is done with it. */
  media?: AbortController;
  /** Customer and agent were talking at some point (wrap-up follows). */
  talked: boolean;
  limitTimer: NodeJS.Timeout | null;
  beginTime: number;
  answerTime?: number;
  endTime?: number;
  /** How it ended: completed / failed + cause, for /_sim/state. */
  outcome?: { eventName: 'completed' | 'failed'; cause: string };
}

/** One kept callback (onCallEvent / onStatusEvent) with its per-agent seq. */
export interface KeptCallback {
  seq: number;
  callback: 'onCallEvent' | 'onStatusEvent';
  /** Unmasked; userNumber is masked on sending for a socket whose initial asked encryptNumber "true". */
  data: Record<string, string>;
  at: number;
}

export interface AgentRuntime {
  key: string;
  config: AgentSettings;
  /** 0 下班 until login; after logout 0 again. */
  loggedIn: boolean;
  phoneType: PhoneType;
  workStatus: WorkStatus;
  pauseCause: string;
  /** In wrap-up (workStatus pause, pauseCause wrapup) until the timer. */
  wrapupTimer: NodeJS.Timeout | null;
  /** Status before the call (what wrap-up returns to). */
  beforeCall: { workStatus: WorkStatus; pauseCause: string } | null;
  call: CtiCall | null;
  /** Ended calls (newest last), for /_sim/state and tests. */
  history: CtiCall[];
  seq: number;
  kept: KeptCallback[];
}

/** One leg of a ctc conversation (callSeq 0 = caller, 1 = callee, 2… = addCall). */
export interface CtcLeg {
  callSeq: number;
  callSid: string;
  from: string;
  to: string;
  role: 'caller' | 'callee' | 'added';
  phone: OutsideLeg | null;
  startTime: number;
  ringTime?: number;
  answerTime?: number;
  stopTime?: number;
  cause?: CtcCallCause;
}

export interface Conversation {
  conversationSid: string;
  accountSid: string;
  appSid: string;
  softVersion: string;
  caller: string;
  callee: string;
  params: Record<string, unknown>;
  userData: string;
  statusUrl?: string;
  cdrUrl?: string;
  record: 0 | 1 | 2;
  maxDuration?: number;
  state: 'callerRinging' | 'calleeRinging' | 'bridged' | 'ended';
  legs: CtcLeg[];
  byeType?: ByeType;
  createdAt: number;
  bridgedAt?: number;
  endedAt?: number;
  recordStart?: number;
  lastMinVoiceAt?: number;
  timers: NodeJS.Timeout[];
}

/** A notification the simulator POSTed (or tried to) to a statusUrl / cdrUrl. */
export interface PushRecord {
  kind: 'status' | 'cdr';
  url: string;
  conversationSid: string;
  body: Record<string, unknown>;
  at: number;
  /** HTTP status, or the error text when the POST failed. */
  result: number | string | null;
}

export function agentKey(appSid: string, agentNo: string): string {
  return `${appSid}/${agentNo}`;
}
