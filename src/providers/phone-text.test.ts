import { describe, expect, it } from 'vitest';
import { t } from '../shared/i18n.ts';
import type { PhoneStatus } from '../shared/softphone.ts';
import { phoneEndText, phoneError, phoneProblem } from './phone-text.ts';

const WS = 'wss://pbx.example.com:8089/ws';
const status = (over: Partial<PhoneStatus> = {}): PhoneStatus => ({ instance: 'i', seq: 1, account: 'k', registration: 'registered', dnd: false, mic: 'ok', call: null, retries: 0, ...over });
const call = { id: 'p', direction: 'outbound' as const, remote: '1', state: 'connected' as const, muted: false, startedAt: 1, digits: '' };

describe('the phone in words', () => {
  it.each([
    [{ code: 'registration', message: 'x', cause: 'auth' }, 'auth', t('phoneRegAuth', WS)],
    [{ code: 'registration', message: 'x', cause: 'unreachable' }, 'unreachable', t('phoneRegUnreachable', WS)],
    [{ code: 'registration', message: 'x', cause: 'timeout' }, 'timeout', t('phoneRegTimeout', WS)],
    [{ code: 'registration', message: 'x', cause: 'reconnecting' }, 'unreachable', t('phoneNotRegisteredNow')],
    [{ code: 'microphone', message: 'x', cause: 'denied' }, 'precondition', t('phoneMicDenied')],
    [{ code: 'microphone', message: 'x', cause: 'missing' }, 'precondition', t('phoneMicMissing')],
    [{ code: 'no-account', message: 'x' }, 'not-logged-in', t('phoneNotRegistered')],
    [{ code: 'busy', message: 'x' }, 'precondition', t('alreadyInCallCannotDial')],
    [{ code: 'timeout', message: 'x' }, 'timeout', t('phoneTimeout')],
    [{ code: 'sip', message: 'REFER refused (403)', cause: '403' }, 'refused', t('phoneRefused', '403')],
  ])('%j → %s', (failure, code, message) => {
    const error = phoneError(failure, WS);
    expect([error.code, error.message]).toEqual([code, message]);
  });

  it('banners: registering again (with the attempt), the microphone gone mid-call, blocked, missing; none when all is well', () => {
    expect(phoneProblem(status({ registration: 'reconnecting', retries: 3 }), WS)).toEqual({ code: 'unreachable', message: t('phoneReconnecting', t('phoneRegUnreachable', WS), '3') });
    expect(phoneProblem(status({ registration: 'reconnecting', retries: 1, registrationError: { cause: 'auth', code: 403 } }), WS)?.code).toBe('auth');
    expect(phoneProblem(status({ mic: 'lost', call }), WS)?.message).toBe(t('phoneMicLost'));
    expect(phoneProblem(status({ mic: 'lost', call: { ...call, state: 'ended' } }), WS)).toBeNull();
    expect(phoneProblem(status({ mic: 'denied' }), WS)?.message).toBe(t('phoneMicDenied'));
    expect(phoneProblem(status({ mic: 'missing' }), WS)?.message).toBe(t('phoneMicMissing'));
    expect(phoneProblem(status(), WS)).toBeNull();
  });

  it('end causes, with the SIP code only where the cause alone says nothing', () => {
    expect(phoneEndText('busy', 486)).toBe('对方忙');
    expect(phoneEndText('failed', 488)).toBe('呼叫失败（SIP 488）');
    expect(phoneEndText(undefined)).toBeUndefined();
  });
});
