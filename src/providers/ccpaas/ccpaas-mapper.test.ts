import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../../shared/call-events.ts';
import type { Call } from '../../shared/call-state.ts';
import { CJK, useLocale } from '../../../test/support/locale.ts';
import { type CallEvent, completedText, failedText, initialWorkState, mapCallEvent, mapStatusEvent, parseCallEvent, parseStatusEvent, parseTimestamp, type StatusEvent } from './ccpaas-mapper.ts';

afterEach(() => useLocale('zh_CN'));

const T = 1_767_000_000_000;
const SID = 'CV5000120190814';
const dialing: Call = { id: 'c1', direction: 'outbound', number: '13800138000', state: 'dialing', startedAt: T - 5000, muted: false };
const dialingWithId: Call = { ...dialing, vendorCallId: SID };
const ringing: Call = { ...dialingWithId, state: 'ringing' };
const connected: Call = { ...dialingWithId, state: 'connected', connectedAt: T - 2000 };
const incoming: Call = { id: 'c2', direction: 'inbound', number: '13900000000', vendorCallId: SID, state: 'incoming', startedAt: T - 1000, muted: false };
const ended: Call = { ...connected, state: 'ended', endedAt: T - 10 };

function call(eventName: string, extra: Record<string, unknown> = {}): CallEvent {
  const parsed = parseCallEvent({ eventName, appSid: 'app', agentNo: '8001', agentNumber: '1008001', conversationSid: SID, callSid: 'CA1', callType: '3', callSubtype: '1', userNumber: '13800138000', ...extra });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.event;
}
function status(eventName: string, extra: Record<string, unknown> = {}): StatusEvent {
  const parsed = parseStatusEvent({ eventName, appSid: 'app', agentNo: '8001', ...extra });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.event;
}
const types = (events: readonly ProviderEvent[]) => events.map((e) => e.type);

describe('onCallEvent: the agent’s outbound call (callType 3 拨号外呼, callSubtype 1 呼叫用户)', () => {
  it.each<[string, Call | null, Record<string, unknown>, ProviderEvent[]]>([
    ['initiated adopts the conversation for the dial shown (number as dialled)', dialing, { userNumber: '138****8000' }, [{ type: 'call.dialing', number: '13800138000', vendorCallId: SID }]],
    ['initiated with no call shown (dialled elsewhere) shows it', null, {}, [{ type: 'call.dialing', number: '13800138000', vendorCallId: SID }]],
    ['initiated again: nothing new', dialingWithId, {}, []],
  ])('%s', (_, current, extra, expected) => {
    expect(mapCallEvent(call('initiated', extra), current).events).toEqual(expected);
  });

  it('ringing → the customer rings', () => {
    expect(mapCallEvent(call('ringing'), dialingWithId).events).toEqual([{ type: 'call.ringing' }]);
    expect(types(mapCallEvent(call('ringing'), dialing).events)).toEqual(['call.dialing', 'call.ringing']);
  });
  it('answered → connected (bridged by the platform)', () => {
    expect(mapCallEvent(call('answered', { isBridged: '1' }), ringing)).toEqual({ events: [{ type: 'call.connected' }], effects: [{ type: 'bridgeDone' }] });
  });
  it('completed → ended; time-limit says so', () => {
    expect(mapCallEvent(call('completed'), connected).events).toEqual([{ type: 'call.ended' }]);
    expect(mapCallEvent(call('completed', { completedCause: 'time-limit' }), connected).events).toEqual([{ type: 'call.ended', cause: '通话达到时长上限，平台已结束通话' }]);
  });
  it.each([
    ['failed', '呼叫失败'],
    ['no-answer', '无人接听'],
    ['canceled', '呼叫已取消'],
    ['time-out', '呼叫超时'],
    ['busy-here', '呼叫失败（busy-here）'],
    [undefined, '呼叫失败'],
  ])('failed with failedCause %s → ended “%s”', (cause, text) => {
    expect(mapCallEvent(call('failed', cause ? { failedCause: cause } : {}), ringing).events).toEqual([{ type: 'call.ended', cause: text }]);
  });
  it('the agent’s own leg (callSubtype 2) rings before the customer: no customer progress shown', () => {
    const leg = { callType: '4', callSubtype: '2' };
    expect(mapCallEvent(call('ringing', leg), dialingWithId).events).toEqual([]);
    expect(mapCallEvent(call('answered', leg), dialingWithId).events).toEqual([]);
    expect(mapCallEvent(call('failed', { ...leg, failedCause: 'no-answer' }), dialingWithId).events).toEqual([{ type: 'call.ended', cause: '您的话机没有接通：无人接听' }]);
  });
});

describe('onCallEvent: a call to the agent (callType 1 拨号呼入 / 2 后台外呼, callSubtype 2 呼叫坐席)', () => {
  const inbound = { callType: '1', callSubtype: '2', userNumber: '13900000000' };
  it.each(['initiated', 'ringing'])('%s → incoming with the customer’s number', (name) => {
    expect(mapCallEvent(call(name, inbound), null).events).toEqual([{ type: 'call.incoming', number: '13900000000', vendorCallId: SID }]);
  });
  it('后台外呼 (callType 2) offers the call to the agent the same way', () => {
    expect(mapCallEvent(call('ringing', { ...inbound, callType: '2' }), null).events).toEqual([{ type: 'call.incoming', number: '13900000000', vendorCallId: SID }]);
  });
  it('answered, isBridged "0": the phone picked up by itself, the customer waits for 接听 (bridge)', () => {
    expect(mapCallEvent(call('answered', { ...inbound, isBridged: '0' }), incoming)).toEqual({ events: [], effects: [{ type: 'bridgePending', conversationSid: SID }] });
  });
  it('answered (bridged) → connected', () => {
    expect(mapCallEvent(call('answered', { ...inbound, isBridged: '1' }), incoming).events).toEqual([{ type: 'call.connected' }]);
    expect(mapCallEvent(call('answered', inbound), incoming).events).toEqual([{ type: 'call.connected' }]);
  });
  it('answered first seen after a restart: the call is shown, then connected', () => {
    expect(mapCallEvent(call('answered', inbound), null).events).toEqual([{ type: 'call.incoming', number: '13900000000', vendorCallId: SID }, { type: 'call.connected' }]);
  });
  it.each([
    ['no-answer', '无人接听'],
    ['canceled', '呼叫已取消'],
  ])('failed %s → ended', (cause, text) => {
    expect(mapCallEvent(call('failed', { ...inbound, failedCause: cause }), incoming).events).toEqual([{ type: 'call.ended', cause: text }]);
  });
  it('transfer (callSubtype 3) and consultation in (4) ring like a call; consultation out (5) is not the agent’s call', () => {
    expect(types(mapCallEvent(call('ringing', { ...inbound, callSubtype: '3' }), null).events)).toEqual(['call.incoming']);
    expect(mapCallEvent(call('ringing', { ...inbound, callSubtype: '4', userNumber: '', coAgentNo: '8002' }), null).events).toEqual([{ type: 'call.incoming', number: '8002', vendorCallId: SID }]);
    expect(mapCallEvent(call('ringing', { ...inbound, callSubtype: '5' }), null).events).toEqual([]);
  });
});

describe('onCallEvent: callbacks that are not for the call shown', () => {
  it('another conversation while a call is shown is ignored', () => {
    const r = mapCallEvent(call('completed', { conversationSid: 'OTHER' }), connected);
    expect(r.events).toEqual([]);
    expect(r.effects[0]).toMatchObject({ type: 'ignored' });
  });
  it('an end with no call shown changes nothing', () => {
    expect(mapCallEvent(call('completed'), null).events).toEqual([]);
    expect(mapCallEvent(call('failed'), ended).events).toEqual([]);
  });
  it('an unknown eventName is ignored', () => {
    expect(mapCallEvent(call('transferred'), connected).events).toEqual([]);
  });
});

describe('onStatusEvent and the three workStatus encodings', () => {
  const causes = ['休息', '培训'];
  it.each<[string, Record<string, unknown>, string]>([
    ['login', { workStatus: 'ready' }, 'ready'],
    ['login', { workStatus: 'pause' }, 'pause'],
    ['ready', { workStatus: 'ready' }, 'ready'],
    ['pause', { workStatus: 'pause', pauseCause: '休息' }, 'pause:休息'],
    ['pause', { workStatus: 'pause', pauseCause: 'wc' }, 'pause'],
    ['pause', { workStatus: 'pause' }, 'pause'],
    ['autoReady', { workStatus: 'ready', readyCause: 'wrapup' }, 'ready'],
    ['completed', { workStatus: 'pause', pauseCause: 'wrapup', wrapupTime: '15' }, 'wrapup'],
  ])('%s %j → %s', (name, extra, state) => {
    const r = mapStatusEvent(status(name, extra), causes, T);
    expect(r.events).toEqual([{ type: 'agent.state', state, since: T }]);
  });
  it('completed gives the 整理 seconds', () => {
    expect(mapStatusEvent(status('completed', { workStatus: 'pause', pauseCause: 'wrapup', wrapupTime: 15 }), causes, T).wrapupSeconds).toBe(15);
    expect(mapStatusEvent(status('completed', { wrapupTime: 'soon' }), causes, T).wrapupSeconds).toBeUndefined();
  });
  it('an unknown status event without workStatus changes nothing', () => {
    expect(mapStatusEvent(status('logout'), causes, T).events).toEqual([]);
  });
  it('the platform’s timestamp is the state’s start when it is plausible', () => {
    const at = new Date(T - 3000);
    const stamp = `${at.getFullYear()}${String(at.getMonth() + 1).padStart(2, '0')}${String(at.getDate()).padStart(2, '0')}${String(at.getHours()).padStart(2, '0')}${String(at.getMinutes()).padStart(2, '0')}${String(at.getSeconds()).padStart(2, '0')}`;
    expect(mapStatusEvent(status('ready', { timestamp: stamp }), [], T).events[0]).toMatchObject({ since: Math.floor((T - 3000) / 1000) * 1000 });
    expect(mapStatusEvent(status('ready', { timestamp: String(T - 5000) }), [], T).events[0]).toMatchObject({ since: T - 5000 });
    // Live (whole seconds only): ours, or a 整理 countdown would end early.
    expect(mapStatusEvent(status('ready', { timestamp: String(T - 900) }), [], T).events[0]).toMatchObject({ since: T });
    expect(mapStatusEvent(status('ready', { timestamp: '19700101000000' }), [], T).events[0]).toMatchObject({ since: T });
  });
  it.each<[unknown, string | null]>([
    [0, 'offWork'],
    ['1', 'ready'],
    [2, 'pause'],
    ['3', null],
    [null, null],
  ])('initial workStatus %j → %s', (value, state) => {
    expect(initialWorkState(value)).toBe(state);
  });
  it('parseTimestamp reads ms, s and YYYYMMDDHHmmss', () => {
    expect(parseTimestamp('1767000000')).toBe(1_767_000_000_000);
    expect(parseTimestamp('1767000000123')).toBe(1_767_000_000_123);
    expect(parseTimestamp('20190814122700')).toBe(new Date(2019, 7, 14, 12, 27, 0).getTime());
    expect(parseTimestamp('yesterday')).toBeNull();
  });
});

describe('causes in English', () => {
  it('every failedCause and completedCause has English words', () => {
    useLocale('en');
    for (const cause of ['failed', 'no-answer', 'canceled', 'time-out', 'x']) expect(failedText(cause)).not.toMatch(CJK);
    expect(completedText('time-limit')).toBe('The call reached its time limit; the platform ended it');
  });
});

describe('hostile callbacks: a readable refusal or a valid event, never a crash', () => {
  it('wrong types, missing eventName, huge strings', () => {
    expect(parseCallEvent(null).ok).toBe(false);
    expect(parseCallEvent({ eventName: 42 }).ok).toBe(true);
    expect(parseCallEvent({ eventName: '' }).ok).toBe(false);
    const huge = parseCallEvent({ eventName: 'ringing', userNumber: '1'.repeat(5_000_000) });
    expect(huge.ok && huge.event.userNumber?.length).toBe(200);
    expect(parseStatusEvent({ eventName: { toString: 5 } }).ok).toBe(false);
  });
  it('a getter that throws is unreadable, not an exception', () => {
    const trap = Object.defineProperty({}, 'eventName', {
      get() {
        throw new Error('trap');
      },
      enumerable: true,
    });
    expect(parseCallEvent(trap)).toMatchObject({ ok: false });
  });
  it('property: any JSON value gives ok/error and the mapping never throws', () => {
    const current = fc.constantFrom<Call | null>(null, dialing, dialingWithId, ringing, connected, incoming, ended);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('eventName', 'callType', 'callSubtype', 'isBridged', 'conversationSid', 'userNumber', 'failedCause', 'workStatus', 'pauseCause', 'wrapupTime', 'timestamp'), fc.jsonValue())), current, (data, c) => {
        const p = parseCallEvent(data);
        if (p.ok) {
          const r = mapCallEvent(p.event, c);
          expect(Array.isArray(r.events)).toBe(true);
        } else expect(typeof p.error).toBe('string');
        const s = parseStatusEvent(data);
        if (s.ok) expect(Array.isArray(mapStatusEvent(s.event, ['休息'], T).events)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
