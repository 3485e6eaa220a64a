/**
 * JsSIP's session events, reduced to what the phone reports: `PhoneSignal` is the event as
 * phone.ts hears it from JsSIP (plain data), `reduceCall` the one place a PhoneCall changes.
 * Pure and table-tested (call-signals.test.ts), so the mapping from SIP to the agent's call
 * is proven without a browser.
 */
import type { CallQuality } from '../../shared/call-quality.ts';
import type { PhoneCall, PhoneEndCause } from '../../shared/softphone.ts';

/** JsSIP's `originator`: who caused the event. */
export type Originator = 'local' | 'remote' | 'system';

export type PhoneSignal =
  | { type: 'new'; id: string; direction: 'outbound' | 'inbound'; remote: string; remoteName?: string; autoAnswered?: boolean }
  /** A provisional response to our INVITE (180 Ringing, 183 Session Progress). */
  | { type: 'progress'; code: number }
  /** 200 OK sent or received. */
  | { type: 'accepted' }
  /** ACK: the call is up on both sides. */
  | { type: 'confirmed' }
  | { type: 'hold'; originator: Originator }
  | { type: 'unhold'; originator: Originator }
  | { type: 'muted' }
  | { type: 'unmuted' }
  | { type: 'dtmf-sent'; digits: string }
  /** The far end accepted our REFER: the call ends as transferred. */
  | { type: 'transferred' }
  | { type: 'quality'; quality: CallQuality }
  /** JsSIP 'ended' (after the call was up) or 'failed' (before), with JsSIP's cause text. */
  | { type: 'ended'; originator: Originator; cause: string; code?: number; wasUp: boolean };

/** JsSIP's cause texts (JsSIP.C.causes) → the phone's end causes. */
const FAILURE_CAUSES: Readonly<Record<string, PhoneEndCause>> = {
  Busy: 'busy',
  Rejected: 'rejected',
  Redirected: 'failed',
  Unavailable: 'unavailable',
  'Not Found': 'not-found',
  'Address Incomplete': 'not-found',
  'Incompatible SDP': 'media-failed',
  'Missing SDP': 'media-failed',
  'Bad Media Description': 'media-failed',
  'WebRTC Error': 'media-failed',
  'RTP Timeout': 'media-failed',
  'Authentication Error': 'auth',
  'User Denied Media Access': 'microphone',
  'No Answer': 'no-answer',
  Expires: 'no-answer',
  'Request Timeout': 'no-answer',
  Canceled: 'canceled',
  'Connection Error': 'connection-lost',
  'No ACK': 'connection-lost',
  'Dialog Error': 'failed',
  'SIP Failure Code': 'failed',
  'Internal Error': 'failed',
};

export function endCause(signal: Extract<PhoneSignal, { type: 'ended' }>, call: PhoneCall): PhoneEndCause {
  if (call.cause === 'transferred') return 'transferred';
  // A BYE ('Terminated'): who hung up.
  if (signal.cause === 'Terminated') return signal.originator === 'remote' ? 'remote-hangup' : 'local-hangup';
  if (signal.wasUp) {
    // An established call ended for another reason (a socket drop, RTP timeout).
    return FAILURE_CAUSES[signal.cause] ?? (signal.originator === 'remote' ? 'remote-hangup' : 'local-hangup');
  }
  if (signal.originator === 'local') {
    // We ended a call that was not up: the agent hung up while it rang out, or refused it.
    if (call.direction === 'inbound' && (signal.cause === 'Rejected' || signal.cause === 'Busy')) return 'declined-locally';
    if (signal.cause === 'Canceled' || signal.cause === 'Rejected') return 'local-hangup';
  }
  return FAILURE_CAUSES[signal.cause] ?? 'failed';
}

/** Apply one signal to the phone's call. Signals that make no sense in the state are ignored. */
export function reduceCall(call: PhoneCall | null, signal: PhoneSignal, now: number): PhoneCall | null {
  if (signal.type === 'new') {
    return {
      id: signal.id,
      direction: signal.direction,
      remote: signal.remote,
      ...(signal.remoteName ? { remoteName: signal.remoteName } : {}),
      state: signal.direction === 'outbound' ? 'dialing' : 'incoming',
      muted: false,
      startedAt: now,
      digits: '',
      ...(signal.autoAnswered ? { autoAnswered: true } : {}),
    };
  }
  if (!call || call.state === 'ended') {
    // A quality sample may trail the hang-up by one interval: it still describes the call.
    return call && signal.type === 'quality' ? { ...call, quality: signal.quality } : call;
  }
  switch (signal.type) {
    case 'progress':
      return call.state === 'dialing' && signal.code >= 180 && signal.code < 200 ? { ...call, state: 'ringing' } : call;
    case 'accepted':
    case 'confirmed':
      return call.state === 'connected' || call.state === 'held' ? call : { ...call, state: 'connected', connectedAt: call.connectedAt ?? now };
    case 'hold':
      // Only the agent's own hold is 保持; the far end holding us leaves the call connected.
      return signal.originator === 'local' && call.state === 'connected' ? { ...call, state: 'held' } : call;
    case 'unhold':
      return signal.originator === 'local' && call.state === 'held' ? { ...call, state: 'connected' } : call;
    case 'muted':
      return call.muted ? call : { ...call, muted: true };
    case 'unmuted':
      return call.muted ? { ...call, muted: false } : call;
    case 'dtmf-sent':
      return { ...call, digits: (call.digits + signal.digits).slice(-64) };
    case 'transferred':
      return { ...call, cause: 'transferred' };
    case 'quality':
      return { ...call, quality: signal.quality };
    case 'ended': {
      const cause = endCause(signal, call);
      return { ...call, state: 'ended', endedAt: now, muted: false, cause, ...(signal.code ? { code: signal.code } : {}) };
    }
  }
}
