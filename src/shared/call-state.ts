/**
 * The one normalized call model every provider maps onto.
 *
 *                 ┌──────────► incoming ──────────┐
 *                 │                │              ▼
 *   idle ──► dialing ──► ringing ──┴──► connected ◄──► held
 *                 │          │              │            │
 *                 └──────────┴──────► ended ◄────────────┘
 *
 * `idle` is "no call" (the session stores `call: null`). A finished call stays
 * `ended` (so the agent sees its result) until the next call replaces it or it is
 * cleared back to idle. `transition()` is the only place a call changes state and
 * it throws on any move not in the table below.
 */
import type { CallQuality } from './call-quality.ts';

export type CallState = 'idle' | 'dialing' | 'ringing' | 'incoming' | 'connected' | 'held' | 'ended';

export const CALL_STATES: readonly CallState[] = ['idle', 'dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'];

export const CALL_TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  idle: ['dialing', 'incoming'],
  dialing: ['ringing', 'connected', 'ended'],
  ringing: ['connected', 'ended'],
  incoming: ['connected', 'ended'],
  connected: ['held', 'ended'],
  held: ['connected', 'ended'],
  ended: ['idle', 'dialing', 'incoming'],
};

/** States in which a call is in progress (the line is busy). */
export const ACTIVE_CALL_STATES: readonly CallState[] = ['dialing', 'ringing', 'incoming', 'connected', 'held'];

export type CallDirection = 'outbound' | 'inbound';

export interface Call {
  /** Local id, unique per call; the vendor's id (if any) is in `vendorCallId`. */
  readonly id: string;
  readonly vendorCallId?: string;
  readonly direction: CallDirection;
  /** The other party's number as the vendor reported it (or as dialled). */
  readonly number: string;
  readonly state: Exclude<CallState, 'idle'>;
  readonly startedAt: number;
  readonly connectedAt?: number;
  readonly endedAt?: number;
  readonly muted: boolean;
  /** Vendor cause of the end of the call, in words the agent understands. */
  readonly cause?: string;
  /**
   * Up, but the platform cannot tell whether the other party answered (the agent's phone is in
   * the call; the customer may still be ringing): never shown as 通话中 or 已接通. The
   * platform's call record settles it.
   */
  readonly answerUnknown?: true;
  /**
   * Ended by CallBar without the platform's word (挂断 the platform refused or did not answer): if
   * the platform's events then show the call still going, it is shown again — the same call, the same
   * row in 最近通话 — instead of a second call.
   */
  readonly endedHere?: true;
  /** DTMF the agent sent in this call, echoed on the keypad (a phone provider reports it). */
  readonly digits?: string;
  /** Measured call quality (the browser phone's getStats): kept with the call in recent calls. */
  readonly quality?: CallQuality;
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: CallState,
    readonly to: CallState,
  ) {
    super(`Invalid call state transition from ${from} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

export function canTransition(from: CallState, to: CallState): boolean {
  return CALL_TRANSITIONS[from].includes(to);
}

export function isActive(call: Call | null | undefined): call is Call {
  return !!call && ACTIVE_CALL_STATES.includes(call.state);
}

/**
 * The call is up — connected or held: the other side is there to receive key tones (DTMF), and
 * its quality is worth showing and acting on.
 */
export function inTalk(call: Call | null | undefined): call is Call {
  return !!call && (call.state === 'connected' || call.state === 'held');
}

/** The state of a possibly absent call: no call is `idle`. */
export function stateOf(call: Call | null | undefined): CallState {
  return call ? call.state : 'idle';
}

export interface NewCall {
  id: string;
  vendorCallId?: string;
  direction: CallDirection;
  number: string;
}

/**
 * Move `call` to `to` at time `at`. Starting a call (`dialing`/`incoming`) needs
 * `start`; any other move keeps the call's identity. Throws InvalidTransitionError.
 */
export function transition(call: Call | null, to: 'idle', at: number): null;
export function transition(call: Call | null, to: Exclude<CallState, 'idle'>, at: number, start?: NewCall, cause?: string): Call;
export function transition(call: Call | null, to: CallState, at: number, start?: NewCall, cause?: string): Call | null;
export function transition(call: Call | null, to: CallState, at: number, start?: NewCall, cause?: string): Call | null {
  const from = stateOf(call);
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
  if (to === 'idle') return null;
  if (to === 'dialing' || to === 'incoming') {
    if (!start) throw new Error(`transition to ${to} needs the new call's identity`);
    return {
      id: start.id,
      ...(start.vendorCallId ? { vendorCallId: start.vendorCallId } : {}),
      direction: start.direction,
      number: start.number,
      state: to,
      startedAt: at,
      muted: false,
    };
  }
  const current = call as Call;
  switch (to) {
    case 'connected':
      return { ...current, state: to, connectedAt: current.connectedAt ?? at };
    case 'ended':
      return { ...current, state: to, endedAt: at, muted: false, ...(cause ? { cause } : {}) };
    default:
      return { ...current, state: to };
  }
}

/** Talk time in whole seconds (0 if the call never connected). */
export function talkSeconds(call: Call, now: number): number {
  if (!call.connectedAt) return 0;
  const end = call.endedAt ?? now;
  return Math.max(0, Math.floor((end - call.connectedAt) / 1000));
}
