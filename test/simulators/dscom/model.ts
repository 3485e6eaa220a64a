/**
 * The PBX's data: channels, calls (one CDR row each), parked calls, queue members.
 * Types (plus the small Outcome helpers and ControlError); pbx.ts, queues.ts and cdr.ts work on them.
 */
import type { CdrDirection, PauseCode } from './rules.ts';
import type { Timer } from './timers.ts';

/**
 * One leg on a phone (`kind: 'ext'`, an extension) or on the trunk (`kind: 'trunk'`, an
 * outside number). `dialing` = being set up (counts for nothing), `ringing` = alerting,
 * `up` = answered.
 */
export interface Channel {
  readonly name: string;
  readonly uniqueid: string;
  readonly kind: 'ext' | 'trunk';
  readonly number: string;
  readonly createdAt: number;
  state: 'dialing' | 'ringing' | 'up';
  held: boolean;
  answeredAt: number | null;
  /** Got its call through call/pickup (agent status 7 代接电话). */
  pickedUp: boolean;
  /** The call it belongs to; null while parked. */
  call: Call | null;
  parked: ParkedCall | null;
  /** Its pending step: auto-answer, callee outcome or a ring timeout. */
  timer: Timer | null;
}

export type SpyMode = 'barge' | 'monitor' | 'whisper';

export interface Spy {
  channel: Channel;
  mode: SpyMode;
  /** The supervised extension. */
  target: string;
}

/** What becomes the call's CDR row when it ends. */
export interface CdrDraft {
  src: string;
  clid: string;
  dst: string;
  dnid: string;
  dcontext: string;
  lastapp: string;
  lastdata: string;
  direction: CdrDirection;
  billingid: string;
  /** The channel that started the call's row (the caller side). */
  uniqueid: string;
  channel: string;
  /** Last destination channel tried (kept when that leg is gone). */
  dstchannel: string;
  start: number;
  answer: number | null;
}

export interface QueueWait {
  queue: string;
  since: number;
  /** Members that rejected this caller: not offered it again. */
  declined: Set<string>;
}

/**
 * One conversation between a caller side `a` and a callee side `b` (plus supervisors),
 * i.e. one CDR row. Transfers and parking end the agent's row and go on in a new Call
 * with the same linkedid.
 */
export interface Call {
  readonly id: number;
  readonly linkedid: string;
  a: Channel;
  b: Channel | null;
  spies: Spy[];
  /** null for a helper originate (pickup, unpark, barge…): it leaves no CDR row of its own. */
  cdr: CdrDraft | null;
  /** Waiting in a queue (status/wait) until a member answers. */
  wait: QueueWait | null;
  /** The queue that delivered it (agent status 10 for the member's other queues). */
  fromQueue: string | null;
  /** b's outcome follows the simulator's callee mode (dial, transfer and consult targets). */
  calleeFollowsMode: boolean;
  /** call/dial: the number to dial once the agent's phone answered. */
  dialDest: string | null;
  /** Attended transfer: the consultation started from this call… */
  consult: Call | null;
  /** …or the call this consultation belongs to. */
  consultOf: Call | null;
  /** A helper originate: runs when the agent's phone answers; false = nothing to join, hang up. */
  onOriginateAnswer: ((agent: Channel) => boolean) | null;
  ended: boolean;
}

export interface ParkedCall {
  channel: Channel;
  space: string;
  /** The extension that parked it. */
  parker: string;
  since: number;
  linkedid: string;
  context: string;
  exten: string;
  priority: string;
  timer: Timer | null;
}

export interface ExtensionState {
  readonly number: string;
  registered: boolean;
  readonly ip: string;
  readonly port: string;
  /** Last computed device state and since when (dsStatusDuration). */
  state: string;
  stateSince: number;
  /** 整理: after a call while logged in to a queue. */
  wrapUp: boolean;
  wrapTimer: Timer | null;
  lastCallEnd: number;
}

/** One (queue, extension) membership. Kept after logout, reported with status -1. */
export interface Member {
  readonly queue: string;
  readonly extension: string;
  agentid: string;
  penalty: number;
  paused: PauseCode;
  reason: string;
  loggedIn: boolean;
  callsTotal: number;
  /** Let a queue call ring out (status 8): offered nothing more until agent/pause. */
  ringTimedOut: boolean;
  status: string;
  statusSince: number;
}

// ---------------------------------------------------------------- outcomes and control errors

/**
 * What a vendor operation decided. `invalid` → the route's 参数验证失败 code,
 * `failed` → its 异常/失败 code; `reason` is ours (request log, X-Sim-Reason header).
 */
export type Outcome<T = null> = { ok: true; value: T } | { ok: false; kind: 'invalid' | 'failed'; reason: string };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const invalid = (reason: string): Outcome<never> => ({ ok: false, kind: 'invalid', reason });
export const failed = (reason: string): Outcome<never> => ({ ok: false, kind: 'failed', reason });

/**
 * Thrown by control methods. `kind: 'state'` = the PBX's state forbids it (HTTP 409),
 * `kind: 'input'` = the argument is invalid (HTTP 400).
 */
export { ControlError } from '../control.ts';
