import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../../shared/call-events.ts';
import { mapSoftbarEvent, parseReserve, type SoftbarEvent } from './cmcc-softbar-mapper.ts';

/** A full event as the bar's getCallState returns it (document 2.1); rows override fields. */
function ev(eventName: string, fields: Partial<SoftbarEvent> = {}): SoftbarEvent {
  return {
    eventName,
    eventTime: '2024-05-01 10:00:00',
    thisParty: '8001',
    otherParty: '13912345678',
    ani: '8001',
    dnis: '13912345678',
    reserve: 'callId-3',
    ...fields,
  };
}

describe('mapSoftbarEvent: one row per documented eventName', () => {
  it.each<{ eventName: string; event: SoftbarEvent; expected: ProviderEvent[] }>([
    { eventName: 'sipOnline', event: ev('sipOnline', { otherParty: '', reserve: '' }), expected: [{ type: 'agent.state', state: 'sipOnline' }] },
    { eventName: 'sipOffline', event: ev('sipOffline', { otherParty: '', reserve: '' }), expected: [{ type: 'agent.state', state: 'sipOffline' }] },
    { eventName: 'makeCall', event: ev('makeCall'), expected: [{ type: 'call.dialing', number: '13912345678', vendorCallId: '3' }] },
    { eventName: 'ringing', event: ev('ringing'), expected: [{ type: 'call.ringing' }] },
    { eventName: 'answer', event: ev('answer'), expected: [{ type: 'call.connected' }] },
    { eventName: 'connected', event: ev('connected'), expected: [{ type: 'call.connected' }] },
    { eventName: 'hangup', event: ev('hangup', { reserve: 'callId-3|cause-busy' }), expected: [{ type: 'call.ended', cause: '对方忙' }] },
    { eventName: 'mute', event: ev('mute'), expected: [{ type: 'call.muted', muted: true }] },
    { eventName: 'unMute', event: ev('unMute'), expected: [{ type: 'call.muted', muted: false }] },
    { eventName: 'transfer', event: ev('transfer', { otherParty: '8002' }), expected: [{ type: 'note', text: '正在转接到 8002' }] },
    { eventName: 'switchTransfer', event: ev('switchTransfer'), expected: [{ type: 'note', text: '电话条已切换到转接界面' }] },
    { eventName: 'returnTransfer', event: ev('returnTransfer'), expected: [{ type: 'note', text: '电话条已返回转接前的界面' }] },
    {
      eventName: 'incomingCall',
      event: ev('incomingCall', { otherParty: '10086', ani: '10086', dnis: '8001', reserve: 'callId-4' }),
      expected: [{ type: 'call.incoming', number: '10086', vendorCallId: '4' }],
    },
  ])('$eventName', ({ event, expected }) => {
    expect(mapSoftbarEvent(event)).toStrictEqual(expected);
  });
});

describe('mapSoftbarEvent: numbers and call ids', () => {
  it.each<{ name: string; event: SoftbarEvent; expected: ProviderEvent[] }>([
    { name: 'makeCall without otherParty falls back to dnis', event: { eventName: 'makeCall', dnis: '10010' }, expected: [{ type: 'call.dialing', number: '10010' }] },
    { name: 'makeCall with empty otherParty falls back to dnis', event: ev('makeCall', { otherParty: '', dnis: '10010', reserve: '' }), expected: [{ type: 'call.dialing', number: '10010' }] },
    { name: 'incomingCall without otherParty falls back to ani', event: { eventName: 'incomingCall', ani: '10086', reserve: 'callId-9' }, expected: [{ type: 'call.incoming', number: '10086', vendorCallId: '9' }] },
    { name: 'callId among other reserve pairs', event: ev('makeCall', { reserve: 'foo-bar|callId-12|x-y' }), expected: [{ type: 'call.dialing', number: '13912345678', vendorCallId: '12' }] },
    { name: 'no callId in reserve: no vendorCallId', event: ev('makeCall', { reserve: 'foo-bar' }), expected: [{ type: 'call.dialing', number: '13912345678' }] },
    { name: 'transfer without otherParty', event: ev('transfer', { otherParty: '' }), expected: [{ type: 'note', text: '正在转接' }] },
  ])('$name', ({ event, expected }) => {
    expect(mapSoftbarEvent(event)).toStrictEqual(expected);
  });
});

describe('mapSoftbarEvent: hang-up causes from reserve', () => {
  it.each([
    { reserve: 'callId-3|cause-busy', cause: '对方忙' },
    { reserve: 'callId-3|cause-noAnswer', cause: '无人接听' },
    { reserve: 'callId-3|cause-localHangup', cause: '坐席挂断' },
    { reserve: 'callId-3|cause-remoteHangup', cause: '对方挂断' },
    { reserve: 'callId-3|cause-lineDropped', cause: '线路中断' },
    { reserve: 'callId-3|cause-transferred', cause: '已转接' },
    { reserve: 'cause-busy|callId-3', cause: '对方忙' },
    // A cause the table does not know reaches the agent as the bar sent it.
    { reserve: 'callId-3|cause-someNewReason', cause: 'someNewReason' },
    { reserve: 'cause-487-Request-Terminated', cause: '487-Request-Terminated' },
  ])('$reserve → $cause', ({ reserve, cause }) => {
    expect(mapSoftbarEvent(ev('hangup', { reserve }))).toStrictEqual([{ type: 'call.ended', cause }]);
  });

  it.each([
    ['no reserve field', undefined],
    ['empty reserve', ''],
    ['reserve without cause', 'callId-3'],
    ['empty cause', 'callId-3|cause-'],
  ])('%s → call.ended without a cause', (_name, reserve) => {
    const event: SoftbarEvent = { eventName: 'hangup', ...(reserve !== undefined ? { reserve } : {}) };
    expect(mapSoftbarEvent(event)).toStrictEqual([{ type: 'call.ended' }]);
  });
});

describe('mapSoftbarEvent: unknown events', () => {
  it.each(['', 'unknown', 'MakeCall', 'HANGUP', 'getUserInfo', 'constructor', 'toString'])('%j maps to nothing', (eventName) => {
    expect(mapSoftbarEvent(ev(eventName))).toEqual([]);
  });
});

describe('parseReserve', () => {
  it.each<{ reserve: string | undefined; expected: Record<string, string> }>([
    { reserve: undefined, expected: {} },
    { reserve: '', expected: {} },
    { reserve: 'callId-3|cause-busy', expected: { callId: '3', cause: 'busy' } },
    // Only the first '-' separates key and value.
    { reserve: 'time-2024-05-01|cause-busy', expected: { time: '2024-05-01', cause: 'busy' } },
    { reserve: 'uuid-a-b-c-d', expected: { uuid: 'a-b-c-d' } },
    // Malformed pairs are skipped, the rest is kept.
    { reserve: 'nodash|callId-3', expected: { callId: '3' } },
    { reserve: '-orphan|callId-3', expected: { callId: '3' } },
    { reserve: '||callId-3||', expected: { callId: '3' } },
    { reserve: '|', expected: {} },
    { reserve: '-', expected: {} },
    { reserve: 'k-', expected: { k: '' } },
    { reserve: ' callId - 3 | cause - busy ', expected: { callId: '3', cause: 'busy' } },
    { reserve: 'callId-1|callId-2', expected: { callId: '2' } },
    { reserve: 'k1-v1|k2-v2|k3-v3', expected: { k1: 'v1', k2: 'v2', k3: 'v3' } },
  ])('$reserve', ({ reserve, expected }) => {
    expect(parseReserve(reserve)).toEqual(expected);
  });
});
