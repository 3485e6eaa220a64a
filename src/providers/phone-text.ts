/**
 * The browser phone's failures and call ends in the agent's words, for every provider that
 * uses the phone (sip today; v-call's and CC PaaS's WebRTC logins next). The phone itself runs
 * in the offscreen document, which has no chrome.i18n: it reports codes, worded here.
 */
import { CallbarError } from '../shared/errors.ts';
import { type MessageKey, t } from '../shared/i18n.ts';
import type { PhoneEndCause, PhoneStatus } from '../shared/softphone.ts';

export interface PhoneFailure {
  code: string;
  message: string;
  cause?: string;
}

/** A failed phone command as a CallbarError. `server`: the WebSocket URL, for registration errors. */
export function phoneError(failure: PhoneFailure, server = ''): CallbarError {
  switch (failure.code) {
    case 'microphone':
      return failure.cause === 'denied' ? new CallbarError('precondition', t('phoneMicDenied')) : new CallbarError('precondition', t('phoneMicMissing'));
    case 'no-account':
      return new CallbarError('not-logged-in', t('phoneNotRegistered'));
    case 'registration':
      return registrationError(failure.cause, server);
    case 'busy':
      return new CallbarError('precondition', t('alreadyInCallCannotDial'));
    case 'no-call':
      return new CallbarError('precondition', t('phoneNoCall'));
    case 'timeout':
      return new CallbarError('timeout', t('phoneTimeout'));
    case 'invalid':
      return new CallbarError('invalid-input', t('phoneInvalid', failure.message));
    case 'document':
      return new CallbarError('internal', t('phoneDocument', failure.message));
    default:
      return new CallbarError('refused', t('phoneRefused', failure.cause ?? failure.message));
  }
}

function registrationError(cause: string | undefined, server: string): CallbarError {
  switch (cause) {
    case 'auth':
      return new CallbarError('auth', t('phoneRegAuth', server));
    case 'unreachable':
      return new CallbarError('unreachable', t('phoneRegUnreachable', server));
    case 'timeout':
      return new CallbarError('timeout', t('phoneRegTimeout', server));
    case 'unregistered':
    case 'reconnecting':
    case 'registering':
    case 'failed':
      return new CallbarError('unreachable', t('phoneNotRegisteredNow'));
    default:
      return new CallbarError('refused', t('phoneRegRefused', server));
  }
}

/** The banner while the phone is not registered (or the microphone is gone), null when all is well. */
export function phoneProblem(status: PhoneStatus, server: string): { code: 'unreachable' | 'auth' | 'precondition'; message: string } | null {
  if (status.registration === 'reconnecting') {
    const why = status.registrationError?.cause === 'auth' ? t('phoneRegAuth', server) : t('phoneRegUnreachable', server);
    return { code: status.registrationError?.cause === 'auth' ? 'auth' : 'unreachable', message: t('phoneReconnecting', why, String(Number.isFinite(status.retries) ? status.retries : 0)) };
  }
  if (status.call && status.call.state !== 'ended' && status.mic === 'lost') return { code: 'precondition', message: t('phoneMicLost') };
  if (status.mic === 'denied') return { code: 'precondition', message: t('phoneMicDenied') };
  if (status.mic === 'missing') return { code: 'precondition', message: t('phoneMicMissing') };
  return null;
}

const END_CAUSE_KEYS: Readonly<Record<PhoneEndCause, MessageKey>> = {
  'local-hangup': 'phoneEndLocal',
  'remote-hangup': 'phoneEndRemote',
  busy: 'phoneEndBusy',
  rejected: 'phoneEndRejected',
  'declined-locally': 'phoneEndDeclined',
  'no-answer': 'phoneEndNoAnswer',
  canceled: 'phoneEndCanceled',
  'not-found': 'phoneEndNotFound',
  unavailable: 'phoneEndUnavailable',
  transferred: 'phoneEndTransferred',
  'media-failed': 'phoneEndMedia',
  microphone: 'phoneEndMicrophone',
  'connection-lost': 'phoneEndConnection',
  auth: 'phoneEndAuth',
  failed: 'phoneEndFailed',
};

export function phoneEndText(cause: PhoneEndCause | undefined, code?: number): string | undefined {
  if (!cause) return undefined;
  // Own entries only: a cause named `constructor` or `toString` must not find what every object inherits.
  const text = t(typeof cause === 'string' && Object.hasOwn(END_CAUSE_KEYS, cause) ? END_CAUSE_KEYS[cause] : 'phoneEndFailed');
  return cause === 'failed' && typeof code === 'number' && code ? `${text}（SIP ${code}）` : text;
}
