import { describe, expect, it } from 'vitest';
import type { PhoneCall } from '../../shared/softphone.ts';
import { endCause, type PhoneSignal, reduceCall } from './call-signals.ts';

const T0 = 1_000;
const out = reduceCall(null, { type: 'new', id: 's1', direction: 'outbound', remote: '13800138000' }, T0)!;
const inc = reduceCall(null, { type: 'new', id: 's2', direction: 'inbound', remote: '8002', remoteName: '王五' }, T0)!;
const up = (call: PhoneCall): PhoneCall => reduceCall(call, { type: 'confirmed' }, T0 + 5)!;

describe('reduceCall: JsSIP session events → the phone call', () => {
  it('starts an outbound call dialing and an inbound one incoming', () => {
    expect(out).toMatchObject({ id: 's1', direction: 'outbound', state: 'dialing', remote: '13800138000', muted: false, digits: '', startedAt: T0 });
    expect(inc).toMatchObject({ id: 's2', direction: 'inbound', state: 'incoming', remoteName: '王五' });
  });

  const steps: [string, PhoneCall, PhoneSignal, Partial<PhoneCall>][] = [
    ['180 rings an outbound call', out, { type: 'progress', code: 180 }, { state: 'ringing' }],
    ['183 with early media rings too', out, { type: 'progress', code: 183 }, { state: 'ringing' }],
    ['a 100 Trying is not ringing', out, { type: 'progress', code: 100 }, { state: 'dialing' }],
    ['accepted connects', out, { type: 'accepted' }, { state: 'connected', connectedAt: T0 + 1 }],
    ['confirmed connects an incoming call', inc, { type: 'confirmed' }, { state: 'connected' }],
    ['our hold holds', up(out), { type: 'hold', originator: 'local' }, { state: 'held' }],
    ['the far end holding us leaves us connected', up(out), { type: 'hold', originator: 'remote' }, { state: 'connected' }],
    ['muted', up(out), { type: 'muted' }, { muted: true }],
    ['digits are echoed', up(out), { type: 'dtmf-sent', digits: '1#' }, { digits: '1#' }],
    ['BYE from the far end', up(out), { type: 'ended', originator: 'remote', cause: 'Terminated', wasUp: true }, { state: 'ended', cause: 'remote-hangup', endedAt: T0 + 1 }],
    ['BYE from us', up(out), { type: 'ended', originator: 'local', cause: 'Terminated', wasUp: true }, { state: 'ended', cause: 'local-hangup' }],
    ['486 busy', out, { type: 'ended', originator: 'remote', cause: 'Busy', code: 486, wasUp: false }, { state: 'ended', cause: 'busy', code: 486 }],
    ['603 declined by the far end', out, { type: 'ended', originator: 'remote', cause: 'Rejected', code: 603, wasUp: false }, { cause: 'rejected' }],
    ['404', out, { type: 'ended', originator: 'remote', cause: 'Not Found', code: 404, wasUp: false }, { cause: 'not-found' }],
    ['480', out, { type: 'ended', originator: 'remote', cause: 'Unavailable', code: 480, wasUp: false }, { cause: 'unavailable' }],
    ['we cancelled our ringing call', out, { type: 'ended', originator: 'local', cause: 'Canceled', wasUp: false }, { cause: 'local-hangup' }],
    ['the caller gave up before we answered', inc, { type: 'ended', originator: 'remote', cause: 'Canceled', wasUp: false }, { cause: 'canceled' }],
    ['we rejected an incoming call', inc, { type: 'ended', originator: 'local', cause: 'Rejected', wasUp: false }, { cause: 'declined-locally' }],
    ['no microphone', out, { type: 'ended', originator: 'local', cause: 'User Denied Media Access', wasUp: false }, { cause: 'microphone' }],
    ['ICE failed', out, { type: 'ended', originator: 'system', cause: 'WebRTC Error', wasUp: false }, { cause: 'media-failed' }],
    ['the socket dropped mid-call', up(out), { type: 'ended', originator: 'system', cause: 'Connection Error', wasUp: true }, { cause: 'connection-lost' }],
    ['an unknown cause is a failure', out, { type: 'ended', originator: 'remote', cause: 'Something New', code: 499, wasUp: false }, { cause: 'failed', code: 499 }],
  ];
  it.each(steps)('%s', (_name, call, signal, expected) => {
    expect(reduceCall(call, signal, T0 + 1)).toMatchObject(expected);
  });

  it('a transferred call ends as transferred whatever the BYE says', () => {
    const transferred = reduceCall(up(out), { type: 'transferred' }, T0 + 2)!;
    expect(reduceCall(transferred, { type: 'ended', originator: 'local', cause: 'Terminated', wasUp: true }, T0 + 3)).toMatchObject({ state: 'ended', cause: 'transferred' });
  });

  it('unhold only from our own hold; muted clears when the call ends', () => {
    const held = reduceCall(up(out), { type: 'hold', originator: 'local' }, T0)!;
    expect(reduceCall(held, { type: 'unhold', originator: 'remote' }, T0)!.state).toBe('held');
    expect(reduceCall(held, { type: 'unhold', originator: 'local' }, T0)!.state).toBe('connected');
    const muted = reduceCall(up(out), { type: 'muted' }, T0)!;
    expect(reduceCall(muted, { type: 'ended', originator: 'remote', cause: 'Terminated', wasUp: true }, T0)!.muted).toBe(false);
  });

  it('ignores events after the end, except a trailing quality sample', () => {
    const ended = reduceCall(up(out), { type: 'ended', originator: 'remote', cause: 'Terminated', wasUp: true }, T0 + 9)!;
    expect(reduceCall(ended, { type: 'confirmed' }, T0 + 10)).toBe(ended);
    expect(reduceCall(ended, { type: 'hold', originator: 'local' }, T0 + 10)).toBe(ended);
    const quality = { mos: 4.3, rttMs: 20, jitterMs: 2, lossPct: 0, poor: false, worstMos: 4.3, meanMos: 4.3, samples: 3 };
    expect(reduceCall(ended, { type: 'quality', quality }, T0 + 10)!.quality).toEqual(quality);
    expect(reduceCall(null, { type: 'confirmed' }, T0)).toBeNull();
  });

  it('keeps the last 64 digits', () => {
    let call = up(out);
    for (let i = 0; i < 40; i++) call = reduceCall(call, { type: 'dtmf-sent', digits: '12' }, T0)!;
    expect(call.digits).toHaveLength(64);
  });

  it('endCause: a dropped socket before the answer is a lost connection, a BYE after a transfer stays transferred', () => {
    expect(endCause({ type: 'ended', originator: 'system', cause: 'Connection Error', wasUp: false }, out)).toBe('connection-lost');
    expect(endCause({ type: 'ended', originator: 'local', cause: 'Terminated', wasUp: true }, { ...out, cause: 'transferred' })).toBe('transferred');
  });
});
