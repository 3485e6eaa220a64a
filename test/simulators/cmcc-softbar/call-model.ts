/**
 * The rules of the 移动云坐席 PC softphone bar, as its API document states them.
 *
 * Everything the simulator decides about "may this action run now?" lives in the two
 * tables below (ALLOWED_STATES and GUARDS), so the rules can be read against the
 * document in one place.
 */

/** The demo's `var call_state` enum (document, 备注 3). */
export const CallState = {
  None: 0,
  Outgoing: 1,
  Incoming: 2,
  Ringing: 3,
  Accept: 4,
  Connected: 5,
  Hangup: 6,
} as const;

export type CallStateValue = (typeof CallState)[keyof typeof CallState];

/** "通话状态" in the document means states 1–5 (备注 3). */
export const IN_CALL: readonly CallStateValue[] = [
  CallState.Outgoing,
  CallState.Incoming,
  CallState.Ringing,
  CallState.Accept,
  CallState.Connected,
];

/** 0 (nothing yet) and 6 (last call hung up) are both "非通话状态". */
export const NOT_IN_CALL: readonly CallStateValue[] = [CallState.None, CallState.Hangup];

/** Actions whose acceptance depends on the call state (all but getUserInfo). */
export const STATEFUL_ACTIONS = [
  'sipOnline',
  'sipOffline',
  'makeCall',
  'answer',
  'hangup',
  'mute',
  'unMute',
  'transfer',
  'switchTransfer',
  'returnTransfer',
] as const;

export type StatefulAction = (typeof STATEFUL_ACTIONS)[number];

export const ACTION_NAMES = [...STATEFUL_ACTIONS, 'getUserInfo'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** getOnline carries the line events, getCallState every call event (our split). */
export const EVENT_ENDPOINTS = ['getCallState', 'getOnline'] as const;
export type EventEndpoint = (typeof EVENT_ENDPOINTS)[number];

export type EventName =
  | 'sipOnline'
  | 'sipOffline'
  | 'makeCall'
  | 'ringing'
  | 'answer'
  | 'connected'
  | 'hangup'
  | 'mute'
  | 'unMute'
  | 'transfer'
  | 'switchTransfer'
  | 'returnTransfer'
  | 'incomingCall';

export const CALLEE_MODES = ['answer', 'busy', 'noAnswer', 'manual'] as const;
export type CalleeMode = (typeof CALLEE_MODES)[number];

/** Why a call ended; sent as `cause-<value>` in the hangup event's reserve field. */
export type HangupCause =
  | 'busy'
  | 'noAnswer'
  | 'localHangup'
  | 'remoteHangup'
  | 'lineDropped'
  | 'transferred';

export type CallDirection = 'out' | 'in';

/**
 * Which call states each action is accepted in. Straight from the document's
 * "(只能在非通话状态调用)", "(只能在有来电情况下调用)", "(只能在通话状态调用)" notes.
 */
export const ALLOWED_STATES: Readonly<Record<StatefulAction, readonly CallStateValue[]>> = {
  sipOnline: NOT_IN_CALL,
  sipOffline: NOT_IN_CALL,
  makeCall: NOT_IN_CALL,
  // "有来电": the incoming call before it is answered (incoming, or ringing if it rings).
  answer: [CallState.Incoming, CallState.Ringing],
  hangup: IN_CALL,
  mute: IN_CALL,
  unMute: IN_CALL,
  transfer: IN_CALL,
  switchTransfer: IN_CALL,
  returnTransfer: IN_CALL,
};

/** What a guard may look at besides the request body. */
export interface GuardView {
  online: boolean;
  muted: boolean;
  direction: CallDirection | null;
}

/** Returns a refusal reason, or null when the action may proceed. */
type Guard = (view: GuardView, body: Record<string, unknown>) => string | null;

/** Preconditions beyond the call state: required parameters and line/mute state. */
export const GUARDS: Readonly<Partial<Record<StatefulAction, Guard>>> = {
  makeCall: (view, body) => {
    if (!view.online) return 'makeCall needs the SIP line online (call sipOnline first)';
    if (!isDialString(body.callUri)) return 'callUri must be a string of digits (optional leading +, * or #)';
    return null;
  },
  // Only state 2/3 of an incoming call; an outgoing call ringing at the callee is not "来电".
  answer: (view) => (view.direction === 'in' ? null : 'no incoming call to answer'),
  mute: (view) => (view.muted ? 'already muted' : null),
  unMute: (view) => (view.muted ? null : 'not muted'),
  transfer: (_view, body) =>
    isDialString(body.dialDtmf) ? null : 'dialDtmf must be a string of digits (optional leading +, * or #)',
};

/** A number the bar can dial: digits, optionally led by +, * or #. */
const DIAL_PATTERN = /^[+*#]?[0-9]+$/;

export function isDialString(value: unknown): value is string {
  return typeof value === 'string' && DIAL_PATTERN.test(value);
}
