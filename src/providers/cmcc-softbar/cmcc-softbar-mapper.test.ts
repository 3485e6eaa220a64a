import { describe, expect, it } from 'vitest';
import { applyEvents, type EventState, type ProviderEvent } from '../../shared/call-events.ts';
import { t } from '../../shared/i18n.ts';
import { mapSoftbarEvent, mapSoftbarEvents, parseReserve, rememberSoftbarEvent, type SoftbarEvent, type SoftbarMemory } from './cmcc-softbar-mapper.ts';

/** The bar's state during a call, and the line state a hang-up returns to. */
const OUTGOING: ProviderEvent = { type: 'agent.state', state: 'outgoing' };
const INCOMING: ProviderEvent = { type: 'agent.state', state: 'incoming' };
const IN_CALL: ProviderEvent = { type: 'agent.state', state: 'inCall' };
const ONLINE: ProviderEvent = { type: 'agent.state', state: 'sipOnline' };
const OFFLINE: ProviderEvent = { type: 'agent.state', state: 'sipOffline' };

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
    { eventName: 'makeCall', event: ev('makeCall'), expected: [{ type: 'call.dialing', number: '13912345678', vendorCallId: '3' }, OUTGOING] },
    { eventName: 'ringing', event: ev('ringing'), expected: [{ type: 'call.ringing' }] },
    { eventName: 'answer', event: ev('answer'), expected: [{ type: 'call.connected' }, IN_CALL] },
    { eventName: 'connected', event: ev('connected'), expected: [{ type: 'call.connected' }, IN_CALL] },
    { eventName: 'hangup', event: ev('hangup', { reserve: 'callId-3|cause-busy' }), expected: [{ type: 'call.ended', cause: '对方忙' }, ONLINE] },
    { eventName: 'mute', event: ev('mute'), expected: [{ type: 'call.muted', muted: true }] },
    { eventName: 'unMute', event: ev('unMute'), expected: [{ type: 'call.muted', muted: false }] },
    { eventName: 'transfer', event: ev('transfer', { otherParty: '8002' }), expected: [{ type: 'note', text: '正在转接到 8002' }] },
    { eventName: 'switchTransfer', event: ev('switchTransfer'), expected: [{ type: 'note', text: '电话条已打开转接窗口' }] },
    { eventName: 'returnTransfer', event: ev('returnTransfer'), expected: [{ type: 'note', text: '电话条已回到通话窗口' }] },
    {
      eventName: 'incomingCall',
      event: ev('incomingCall', { otherParty: '10086', ani: '10086', dnis: '8001', reserve: 'callId-4' }),
      expected: [{ type: 'call.incoming', number: '10086', vendorCallId: '4' }, INCOMING],
    },
  ])('$eventName', ({ event, expected }) => {
    expect(mapSoftbarEvent(event)).toStrictEqual(expected);
  });
});

describe('mapSoftbarEvent: numbers and call ids', () => {
  it.each<{ name: string; event: SoftbarEvent; expected: ProviderEvent[] }>([
    { name: 'makeCall without otherParty falls back to dnis', event: { eventName: 'makeCall', dnis: '10010' }, expected: [{ type: 'call.dialing', number: '10010' }, OUTGOING] },
    { name: 'makeCall with empty otherParty falls back to dnis', event: ev('makeCall', { otherParty: '', dnis: '10010', reserve: '' }), expected: [{ type: 'call.dialing', number: '10010' }, OUTGOING] },
    { name: 'incomingCall without otherParty falls back to ani', event: { eventName: 'incomingCall', ani: '10086', reserve: 'callId-9' }, expected: [{ type: 'call.incoming', number: '10086', vendorCallId: '9' }, INCOMING] },
    { name: 'callId among other reserve pairs', event: ev('makeCall', { reserve: 'foo-bar|callId-12|x-y' }), expected: [{ type: 'call.dialing', number: '13912345678', vendorCallId: '12' }, OUTGOING] },
    { name: 'no callId in reserve: no vendorCallId', event: ev('makeCall', { reserve: 'foo-bar' }), expected: [{ type: 'call.dialing', number: '13912345678' }, OUTGOING] },
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
    expect(mapSoftbarEvent(ev('hangup', { reserve }))).toStrictEqual([{ type: 'call.ended', cause }, ONLINE]);
  });

  it.each([
    ['no reserve field', undefined],
    ['empty reserve', ''],
    ['reserve without cause', 'callId-3'],
    ['empty cause', 'callId-3|cause-'],
  ])('%s → call.ended without a cause', (_name, reserve) => {
    const event: SoftbarEvent = { eventName: 'hangup', ...(reserve !== undefined ? { reserve } : {}) };
    expect(mapSoftbarEvent(event)).toStrictEqual([{ type: 'call.ended' }, ONLINE]);
  });
});

describe('mapSoftbarEvent: memory of earlier events', () => {
  const online: SoftbarMemory = { line: 'sipOnline' };
  const offline: SoftbarMemory = { line: 'sipOffline' };
  const transferring: SoftbarMemory = { line: 'sipOnline', transfer: { target: '8002', vendorCallId: '3' } };
  it.each<{ name: string; event: SoftbarEvent; memory: SoftbarMemory; expected: ProviderEvent[] }>([
    { name: 'hangup returns to the line: online', event: ev('hangup', { reserve: 'callId-3|cause-remoteHangup' }), memory: online, expected: [{ type: 'call.ended', cause: '对方挂断' }, ONLINE] },
    { name: 'hangup returns to the line: offline', event: ev('hangup', { reserve: 'callId-3|cause-localHangup' }), memory: offline, expected: [{ type: 'call.ended', cause: '坐席挂断' }, OFFLINE] },
    { name: 'hangup, line never reported: online (a call was possible)', event: ev('hangup', { reserve: 'callId-3' }), memory: { line: null }, expected: [{ type: 'call.ended' }, ONLINE] },
    { name: 'transferred: says where to, like dscom and 八百呼', event: ev('hangup', { reserve: 'callId-3|cause-transferred' }), memory: transferring, expected: [{ type: 'call.ended', cause: '已转接到 8002' }, ONLINE] },
    { name: 'transferred, the transfer event had no call id', event: ev('hangup', { reserve: 'callId-3|cause-transferred' }), memory: { line: 'sipOnline', transfer: { target: '8002' } }, expected: [{ type: 'call.ended', cause: '已转接到 8002' }, ONLINE] },
    { name: 'transferred, target of another call: no target', event: ev('hangup', { reserve: 'callId-4|cause-transferred' }), memory: transferring, expected: [{ type: 'call.ended', cause: '已转接' }, ONLINE] },
    { name: 'transferred without a transfer event: no target', event: ev('hangup', { reserve: 'callId-3|cause-transferred' }), memory: online, expected: [{ type: 'call.ended', cause: '已转接' }, ONLINE] },
    { name: 'a transfer that did not end the call: other causes unchanged', event: ev('hangup', { reserve: 'callId-3|cause-remoteHangup' }), memory: transferring, expected: [{ type: 'call.ended', cause: '对方挂断' }, ONLINE] },
  ])('$name', ({ event, memory, expected }) => {
    expect(mapSoftbarEvent(event, memory)).toStrictEqual(expected);
  });

  it.each<{ name: string; memory: SoftbarMemory; event: SoftbarEvent; expected: SoftbarMemory }>([
    { name: 'sipOnline sets the line', memory: { line: null }, event: ev('sipOnline'), expected: { line: 'sipOnline' } },
    { name: 'sipOffline sets the line', memory: online, event: ev('sipOffline'), expected: { line: 'sipOffline' } },
    { name: 'transfer keeps target and call id', memory: online, event: ev('transfer', { otherParty: '8002' }), expected: transferring },
    { name: 'transfer without a target keeps nothing', memory: online, event: ev('transfer', { otherParty: '' }), expected: online },
    { name: 'hangup forgets the transfer', memory: transferring, event: ev('hangup'), expected: online },
    { name: 'a new call forgets a stale transfer', memory: transferring, event: ev('makeCall'), expected: online },
    { name: 'an incoming call forgets a stale transfer', memory: transferring, event: ev('incomingCall'), expected: online },
    { name: 'other events change nothing', memory: transferring, event: ev('mute'), expected: transferring },
  ])('remember: $name', ({ memory, event, expected }) => {
    expect(rememberSoftbarEvent(memory, event)).toStrictEqual(expected);
  });

  it('a whole transferred call, in one poll: 呼叫中 → 通话中 → 已转接到 8002, back to 在线', () => {
    const line = { thisParty: '8001', otherParty: '', ani: '', dnis: '', reserve: '' };
    const { events, memory } = mapSoftbarEvents(
      [
        { eventName: 'sipOnline', ...line },
        ev('makeCall'),
        ev('ringing'),
        ev('answer'),
        ev('connected'),
        ev('transfer', { otherParty: '8002' }),
        ev('hangup', { reserve: 'callId-3|cause-transferred' }),
      ],
      { line: null },
    );
    expect(events).toStrictEqual([
      ONLINE,
      { type: 'call.dialing', number: '13912345678', vendorCallId: '3' },
      OUTGOING,
      { type: 'call.ringing' },
      { type: 'call.connected' },
      IN_CALL,
      { type: 'call.connected' },
      IN_CALL,
      { type: 'note', text: '正在转接到 8002' },
      { type: 'call.ended', cause: '已转接到 8002' },
      ONLINE,
    ]);
    expect(memory).toStrictEqual({ line: 'sipOnline' });
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

describe('a new call from the bar while CallBar still shows one (its end was lost with a dead worker)', () => {
  const idle: EventState = { call: null, agentState: 'sipOnline', agentStateSince: 0, note: null };
  /** CallBar's state after `events` (the engine's own reducer). */
  const after = (state: EventState, events: readonly ProviderEvent[]) => applyEvents(state, events, 1000).state;

  it('ends the shown call with the cause, and shows the new one', () => {
    const ringing = after(idle, mapSoftbarEvents([ev('incomingCall', { otherParty: '13700000001' })], { line: 'sipOnline' }).events);
    expect(ringing.call?.state).toBe('incoming');
    // The customer gave up (the bar's hangup went to a worker that died); another customer calls.
    const mapped = mapSoftbarEvents([ev('incomingCall', { otherParty: '13700000002', reserve: 'callId-4' })], { line: 'sipOnline' }, ringing.call);
    expect(mapped.events[0]).toEqual({ type: 'call.ended', cause: t('softbarCauseEndMissed') });
    const next = after(ringing, mapped.events);
    expect(next.call).toMatchObject({ state: 'incoming', number: '13700000002' });
  });

  it('a connected call ends when the bar announces the agent’s next dial', () => {
    const talking = after(idle, mapSoftbarEvents([ev('makeCall'), ev('ringing'), ev('answer'), ev('connected')], { line: 'sipOnline' }).events);
    expect(talking.call?.state).toBe('connected');
    const next = after(talking, mapSoftbarEvents([ev('makeCall', { otherParty: '13900000009', reserve: 'callId-4' })], { line: 'sipOnline' }, talking.call).events);
    expect(next.call).toMatchObject({ state: 'dialing', number: '13900000009' });
  });

  it('not the agent’s own dial shown before the bar’s makeCall confirms it, nor a call the same poll ended', () => {
    const dialing = after(idle, [{ type: 'call.dialing', number: '13912345678' }]);
    const confirmed = mapSoftbarEvents([ev('makeCall'), ev('ringing')], { line: 'sipOnline' }, dialing.call);
    expect(confirmed.events.some((e) => e.type === 'call.ended')).toBe(false);
    const talking = after(idle, mapSoftbarEvents([ev('makeCall'), ev('connected')], { line: 'sipOnline' }).events);
    const ended = mapSoftbarEvents([ev('hangup', { reserve: 'cause-remoteHangup' }), ev('incomingCall')], { line: 'sipOnline' }, talking.call);
    expect(ended.events.filter((e) => e.type === 'call.ended')).toHaveLength(1);
  });
});

describe('the bar confirms a dial the agent already ended here (挂断 while the bar did not answer)', () => {
  const idle: EventState = { call: null, agentState: 'sipOnline', agentStateSince: 0, note: null };
  const after = (state: EventState, events: readonly ProviderEvent[]) => applyEvents(state, events, 1000).state;

  it('its makeCall does not show the call again (it is in 最近通话 already); the bar’s state still shows', () => {
    const dialing = after(idle, [{ type: 'call.dialing', number: '13912345678' }]);
    const endedHere = after(dialing, [{ type: 'call.ended', cause: 'ended here' }]);
    const mapped = mapSoftbarEvents([ev('makeCall'), ev('ringing')], { line: 'sipOnline', dials: ['13912345678'] }, endedHere.call);
    const next = after(endedHere, mapped.events);
    expect(next.call).toBe(endedHere.call);
    expect(next.agentState).toBe('outgoing');
    expect(mapped.memory.dials).toBeUndefined();
  });

  it('a call the agent dials on the bar itself, to the same number after a call that ended, shows', () => {
    const dialing = after(idle, [{ type: 'call.dialing', number: '13912345678' }]);
    const done = after(dialing, mapSoftbarEvents([ev('makeCall'), ev('hangup', { reserve: 'cause-remoteHangup' })], { line: 'sipOnline', dials: ['13912345678'] }, dialing.call).events);
    expect(done.call?.state).toBe('ended');
    // Another call: another id, where the bar gives ids (the same id again is the old call's replay).
    const again = after(done, mapSoftbarEvents([ev('makeCall', { reserve: 'callId-4' })], { line: 'sipOnline' }, done.call).events);
    expect(again.call).toMatchObject({ state: 'dialing', number: '13912345678' });
    expect(again.call?.id).not.toBe(done.call?.id);
  });
});

describe('the bar’s late events of a dial CallBar ended, after the agent dialled again (no call ids)', () => {
  const idle: EventState = { call: null, agentState: 'sipOnline', agentStateSince: 0, note: null };
  const after = (state: EventState, events: readonly ProviderEvent[]) => applyEvents(state, events, 1000).state;

  it('are not shown: the new dial is not ended by the old one’s hang-up, and is confirmed by its own makeCall', () => {
    // Dial A ended here (挂断 did not reach the bar); the agent dials B; the bar's events of A arrive first.
    const dialingB = after(idle, [{ type: 'call.dialing', number: '13900000002' }]);
    const mapped = mapSoftbarEvents(
      [ev('makeCall', { otherParty: '13900000001' }), ev('hangup', { otherParty: '13900000001', reserve: 'cause-localHangup' }), ev('makeCall', { otherParty: '13900000002' }), ev('ringing', { otherParty: '13900000002' })],
      { line: 'sipOnline', dials: ['13900000001', '13900000002'] },
      dialingB.call,
    );
    const next = after(dialingB, mapped.events);
    expect(next.call).toMatchObject({ id: dialingB.call?.id, state: 'ringing', number: '13900000002' });
    expect(mapped.events.some((e) => e.type === 'call.ended')).toBe(false);
    expect(mapped.memory.dials).toBeUndefined();
  });

  it('a makeCall for another number than the dial shown is another call: the shown one ends first', () => {
    const dialing = after(idle, [{ type: 'call.dialing', number: '13900000002' }]);
    const mapped = mapSoftbarEvents([ev('makeCall', { otherParty: '13900000001' })], { line: 'sipOnline' }, dialing.call);
    expect(mapped.events[0]).toEqual({ type: 'call.ended', cause: t('softbarCauseEndMissed') });
  });
});
