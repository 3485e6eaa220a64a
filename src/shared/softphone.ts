/**
 * The browser phone's interface: what the service worker (a provider, through
 * background/phone-link.ts) asks of the WebRTC phone in the offscreen document
 * (src/offscreen/phone/), and what the phone tells it back. Provider-neutral: a provider
 * hands the phone an account and asks for "register / call / answer …"; it receives the
 * phone's whole status (registration, microphone, its call) after every change and
 * reconciles its session with it. The phone is the source of truth for its own calls:
 * the service worker may be killed mid-call and asks for the status again when it wakes.
 *
 * Wire: `{channel: 'callbar-phone', command}` from the service worker, answered with a
 * PhoneReply; `{channel: 'callbar-phone-status', status}` from the offscreen document to
 * the service worker (which wakes on it). Both sides check the sender (docs/phone.md).
 */
import type { CallQuality } from './call-quality.ts';

export const PHONE_CHANNEL = 'callbar-phone';
export const PHONE_STATUS_CHANNEL = 'callbar-phone-status';
/**
 * The port the offscreen document keeps open to the service worker: when it breaks while the worker
 * lives, the document is gone and the phone with it (background/phone-link.ts `documentClosed`).
 */
export const PHONE_LIFELINE_PORT = 'callbar-phone-lifeline';

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** A SIP account the phone registers with. */
export interface PhoneAccount {
  /** SIP over WebSocket: wss://pbx.example.com:8089/ws (ws:// only for 127.0.0.1 / tests). */
  wsUrl: string;
  /** sip:user@domain */
  uri: string;
  /** Authorization user when it differs from the URI's user. */
  authUser?: string;
  password: string;
  displayName?: string;
  /** A Route header for every request (an outbound proxy), e.g. sip:proxy.example.com;lr */
  outboundProxy?: string;
  iceServers: IceServer[];
  /** 'rfc4733': RTP events (RTCDTMFSender); 'info': SIP INFO (some PBXs only read these). */
  dtmfMode: 'rfc4733' | 'info';
}

/** Which devices the phone uses (ids from enumerateDevices; '' = the system default). */
export interface PhoneDevices {
  input: string;
  output: string;
  /** Where the ringtone plays (a speaker while the call goes to a headset). */
  ring: string;
}

export const DEFAULT_DEVICES: PhoneDevices = { input: '', output: '', ring: '' };

export type PhoneCallState = 'dialing' | 'ringing' | 'incoming' | 'connected' | 'held' | 'ended';

/** Why a call ended, as a code the service worker puts into words (providers/sip/sip-text.ts). */
export type PhoneEndCause =
  | 'local-hangup'
  | 'remote-hangup'
  | 'busy'
  | 'rejected'
  | 'declined-locally'
  | 'no-answer'
  | 'canceled'
  | 'not-found'
  | 'unavailable'
  | 'transferred'
  | 'media-failed'
  | 'microphone'
  | 'connection-lost'
  | 'auth'
  | 'failed';

export interface PhoneCall {
  /** The phone's id for the call (JsSIP's session id); a provider's vendorCallId. */
  id: string;
  direction: 'outbound' | 'inbound';
  /** The other party: the number dialled, or the caller's user part. */
  remote: string;
  remoteName?: string;
  state: PhoneCallState;
  /** The agent's microphone is off for this call (the local track is disabled). */
  muted: boolean;
  startedAt: number;
  connectedAt?: number;
  endedAt?: number;
  cause?: PhoneEndCause;
  /** SIP status code behind the cause, when there was one. */
  code?: number;
  /** DTMF the agent sent in this call (echoed on the keypad). */
  digits: string;
  quality?: CallQuality;
  /** Answered by the phone itself (a platform's callback after the agent's own dial). */
  autoAnswered?: boolean;
}

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed' | 'reconnecting';

/** What the phone knows of the microphone. */
export type MicState = 'unknown' | 'ok' | 'denied' | 'missing' | 'lost';

export interface PhoneStatus {
  /** Random per offscreen document: a new document (the browser restarted it) starts a new sequence. */
  instance: string;
  /** Grows with every change; a status older than one already seen is ignored. */
  seq: number;
  /** Which account is registered (phoneAccountKey), null when none was asked for. */
  account: string | null;
  registration: RegistrationState;
  /** Why registration failed or dropped (a code the service worker words). */
  registrationError?: { cause: 'auth' | 'unreachable' | 'refused' | 'timeout'; code?: number; text?: string };
  /** Do-not-disturb: incoming calls are refused with 486 by the phone itself. */
  dnd: boolean;
  mic: MicState;
  /** The phone has one line: the current call, or the last one until the next begins. */
  call: PhoneCall | null;
  /** Reconnect attempts since the socket dropped (0 when connected). */
  retries: number;
}

export type PhoneCommand =
  /** Register (replaces any other account); resolves once registered or refused. */
  | { type: 'register'; account: PhoneAccount; dnd: boolean; /** Filled in by the service worker from the general settings. */ devices?: PhoneDevices }
  | { type: 'unregister' }
  | { type: 'status' }
  /** Place a call (the microphone is acquired first: no INVITE without it). */
  | { type: 'call'; target: string }
  | { type: 'answer'; callId: string }
  /** Refuse an incoming call (486 Busy Here for DND, 603 Decline when the agent rejects). */
  | { type: 'reject'; callId: string }
  | { type: 'hangup'; callId: string }
  | { type: 'hold'; callId: string }
  | { type: 'unhold'; callId: string }
  | { type: 'mute'; callId: string }
  | { type: 'unmute'; callId: string }
  | { type: 'dtmf'; callId: string; digits: string }
  /** Blind transfer (REFER); the call ends once the far end accepted it. */
  | { type: 'transfer'; callId: string; target: string }
  /** The next incoming call within `withinMs` is answered at once (v-call's callback after a dial); 0 withdraws it. */
  | { type: 'expect-call'; withinMs: number }
  | { type: 'dnd'; on: boolean }
  | { type: 'devices'; devices: PhoneDevices };

export type PhoneCommandType = PhoneCommand['type'];

export type PhoneReply = { ok: true; status: PhoneStatus } | { ok: false; error: { code: string; message: string; cause?: string }; status?: PhoneStatus };

/** Identifies an account across restarts without keeping its password in the key. */
export function phoneAccountKey(account: Pick<PhoneAccount, 'wsUrl' | 'uri' | 'authUser'>): string {
  return `${account.wsUrl} ${account.uri} ${account.authUser ?? ''}`;
}

/** RFC 4733 events the phone sends: 0-9 * # A-D; ',' is a 2 s pause (dial plans use it for extensions). */
export const DTMF_PATTERN = /^[0-9*#A-D,]{1,32}$/;

export function validDtmf(digits: string): boolean {
  return DTMF_PATTERN.test(digits);
}
