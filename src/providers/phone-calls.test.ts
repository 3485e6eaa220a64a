import { describe, expect, it } from 'vitest';
import { applyEvents, type EventState } from '../shared/call-events.ts';
import type { Call } from '../shared/call-state.ts';
import type { PhoneCall } from '../shared/softphone.ts';
import { phoneCallEvents } from './phone-calls.ts';

const T = 10_000;
const phoneCall = (over: Partial<PhoneCall> = {}): PhoneCall => ({ id: 'p1', direction: 'outbound', remote: '13800138000', state: 'dialing', muted: false, startedAt: T, digits: '', ...over });
const shown = (over: Partial<Call> = {}): Call => ({ id: 'c1', vendorCallId: 'p1', direction: 'outbound', number: '13800138000', state: 'dialing', startedAt: T, muted: false, ...over });

/** Apply the events to a session showing `call`: what the agent then sees. */
function after(call: Call | null, phone: PhoneCall | null, seen?: string) {
  const events = phoneCallEvents(call, phone, seen);
  const state: EventState = { call, agentState: null, agentStateSince: null, note: null };
  const result = applyEvents(state, events, T + 1);
  return { events, call: result.state.call, rejected: result.rejected };
}

describe('phoneCallEvents: the phone\'s call → the session\'s call', () => {
  const cases: [string, Call | null, PhoneCall | null, Partial<Call> | null][] = [
    ['nothing on either side', null, null, null],
    ['a new outbound call', null, phoneCall(), { state: 'dialing', vendorCallId: 'p1', number: '13800138000', direction: 'outbound' }],
    ['a new incoming call', null, phoneCall({ direction: 'inbound', state: 'incoming', remote: '8002' }), { state: 'incoming', direction: 'inbound', number: '8002' }],
    ['ringing', shown(), phoneCall({ state: 'ringing' }), { state: 'ringing' }],
    ['answered', shown({ state: 'ringing' }), phoneCall({ state: 'connected', connectedAt: T + 1 }), { state: 'connected' }],
    ['held', shown({ state: 'connected' }), phoneCall({ state: 'held' }), { state: 'held' }],
    ['resumed', shown({ state: 'held' }), phoneCall({ state: 'connected' }), { state: 'connected' }],
    ['muted', shown({ state: 'connected' }), phoneCall({ state: 'connected', muted: true }), { muted: true }],
    ['digits echoed', shown({ state: 'connected' }), phoneCall({ state: 'connected', digits: '1#9' }), { digits: '1#9' }],
    ['hung up by the far end', shown({ state: 'connected' }), phoneCall({ state: 'ended', cause: 'remote-hangup', connectedAt: T }), { state: 'ended', cause: '对方挂断' }],
    ['busy', shown({ state: 'ringing' }), phoneCall({ state: 'ended', cause: 'busy', code: 486 }), { state: 'ended', cause: '对方忙' }],
    // The worker slept through the answer: the session catches up in one go.
    ['held while the worker slept', shown({ state: 'ringing' }), phoneCall({ state: 'held', connectedAt: T }), { state: 'held' }],
    ['a whole call while the worker slept', null, phoneCall({ state: 'ended', connectedAt: T, cause: 'local-hangup' }), { state: 'ended', connectedAt: T + 1, cause: '已挂断' }],
    ['the phone lost the call (its document restarted)', shown({ state: 'connected' }), null, { state: 'ended', cause: '通话已不在话机上' }],
    ['another call replaced ours on the phone', shown({ state: 'connected' }), phoneCall({ id: 'p2', direction: 'inbound', state: 'incoming', remote: '8003' }), { state: 'incoming', vendorCallId: 'p2', number: '8003' }],
  ];
  it.each(cases)('%s', (_name, call, phone, expected) => {
    const result = after(call, phone);
    expect(result.rejected).toEqual([]);
    if (expected === null) expect(result.call).toBeNull();
    else expect(result.call).toMatchObject(expected);
  });

  it('is idempotent: the same status twice gives no events the second time', () => {
    for (const [, call, phone] of cases) {
      const first = after(call, phone);
      expect(phoneCallEvents(first.call, phone), JSON.stringify(phone)).toEqual([]);
    }
  });

  it('a call the phone answers by itself never shows as ringing', () => {
    expect(phoneCallEvents(null, phoneCall({ direction: 'inbound', state: 'incoming', autoAnswered: true }))).toEqual([]);
    expect(after(null, phoneCall({ direction: 'inbound', state: 'connected', autoAnswered: true, connectedAt: T })).call).toMatchObject({ state: 'connected', direction: 'inbound' });
  });

  it('an ended call the agent already dismissed stays dismissed', () => {
    expect(phoneCallEvents(null, phoneCall({ state: 'ended', cause: 'remote-hangup' }), 'p1')).toEqual([]);
  });

  it('a call ended without ever connecting keeps no talk time', () => {
    const result = after(shown({ state: 'ringing' }), phoneCall({ state: 'ended', cause: 'no-answer' }));
    expect(result.call?.connectedAt).toBeUndefined();
    expect(result.call?.cause).toBe('无人接听');
  });

  it('quality is carried onto the call, and a trailing sample after the end too', () => {
    const quality = { mos: 2.9, rttMs: 420, jitterMs: 35, lossPct: 6, poor: true, worstMos: 2.9, meanMos: 3.8, samples: 9 };
    expect(after(shown({ state: 'connected' }), phoneCall({ state: 'connected', quality })).call?.quality).toEqual(quality);
    const ended = after(shown({ state: 'connected' }), phoneCall({ state: 'ended', cause: 'remote-hangup', quality })).call;
    expect(ended).toMatchObject({ state: 'ended', quality });
  });
});
