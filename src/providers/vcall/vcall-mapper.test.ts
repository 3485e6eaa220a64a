import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../../shared/call-events.ts';
import type { Call } from '../../shared/call-state.ts';
import { CJK, useLocale } from '../../../test/support/locale.ts';
import { DOCUMENTED_EVENTS, directionOf, mapEvent, type MapContext, messageKey, parseEvent, type VcallEffect, type VcallEvent } from './vcall-mapper.ts';

afterEach(() => useLocale('zh_CN'));

const T = 1689127936928;
const dialing: Call = { id: 'c1', direction: 'outbound', number: '15800000000', state: 'dialing', startedAt: T - 5000, muted: false };
const dialingWithId: Call = { ...dialing, vendorCallId: 'occ-1' };
const ringing: Call = { ...dialingWithId, state: 'ringing' };
const connected: Call = { ...dialingWithId, state: 'connected', connectedAt: T - 2000 };
const held: Call = { ...connected, state: 'held' };
const incoming: Call = { id: 'c2', direction: 'inbound', number: '13900000000', vendorCallId: 'occ-2', state: 'incoming', startedAt: T - 1000, muted: false };
const none: MapContext = { call: null, agentState: 'idle' };
const on = (call: Call): MapContext => ({ call, agentState: 'inCall' });

const LOGIN_DATA = {
  token: 'ccs',
  sipId: '210000000',
  sipPassword: 'sp',
  domain: '120.0.0.1',
  agentType: 1,
  groupIdList: ['g1'],
  ivrList: [{ id: 'ivr1', name: '使用录音转人工坐席测试' }],
  busyType: '午休,培训',
  agentMakeCall: 1,
  registered: 1,
  loginType: '3',
  webrtcSipId: 'w210000000',
  webrtcSipPassword: 'wp',
  webrtcDomain: 'sip.dimld.com',
  groupInfoList: [{ id: 'g1', name: '研发部2', isMaster: true }],
};

function ev(event: string, data: Record<string, unknown> = {}, extra: Partial<VcallEvent> = {}): VcallEvent {
  const parsed = parseEvent(JSON.stringify({ type: 'event', event, nowState: event, eventTime: T, sequence: 1, companyId: 'co', agentNumber: '1001', data, ...extra }));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.event;
}


const state = (s: string): ProviderEvent => ({ type: 'agent.state', state: s, since: T });
const note = (text: string): ProviderEvent => ({ type: 'note', text });
const OUT = { callDirection: 1, caller: '95000', called: '15800000000', occCallId: 'occ-1' };
const IN = { callDirection: 0, caller: '13900000000', called: '1001', occCallId: 'occ-2' };

const AFTER = { ...OUT, recordPath: '/rec/occ-1.wav', cause: 1017, hangupDirection: 1, beginTime: String(T - 5000), answerTime: '0', endTime: String(T), data: '用户忙', agentAutoIdleTime: 15 };

// One row per documented event: the event, the session it meets, the ProviderEvents and effects it makes.
const ROWS: [string, VcallEvent, MapContext, ProviderEvent[], VcallEffect[]][] = [
  ['Login', ev('Login', LOGIN_DATA), none, [state('login')], [{ type: 'login', reconnect: false, details: { supervisor: true, busyTypes: ['午休', '培训'], groups: [{ id: 'g1', name: '研发部2' }], ivrs: [{ id: 'ivr1', name: '使用录音转人工坐席测试' }], loginType: '3', webrtc: { sipId: 'w210000000', password: 'wp', domain: 'sip.dimld.com' }, mayDial: true } }]],
  ['Reconnect asked for before the shown dial began (its events still on their way): the dial is not ended', ev('Reconnect', { ...LOGIN_DATA, agentType: 0 }, { nowState: 'Idle', sequence: T - 6000 }), on(dialing), [state('idle')], [{ type: 'login', reconnect: true, details: { supervisor: false, busyTypes: ['午休', '培训'], groups: [{ id: 'g1', name: '研发部2' }], ivrs: [{ id: 'ivr1', name: '使用录音转人工坐席测试' }], loginType: '3', webrtc: { sipId: 'w210000000', password: 'wp', domain: 'sip.dimld.com' }, mayDial: true } }]],
  ['Reconnect asked for after the shown call began, agent idle: the call ended meanwhile', ev('Reconnect', { ...LOGIN_DATA, agentType: 0 }, { nowState: 'Idle', sequence: T - 1000 }), on(dialing), [state('idle'), { type: 'call.ended', cause: '连接中断期间通话已结束' }], [{ type: 'login', reconnect: true, details: { supervisor: false, busyTypes: ['午休', '培训'], groups: [{ id: 'g1', name: '研发部2' }], ivrs: [{ id: 'ivr1', name: '使用录音转人工坐席测试' }], loginType: '3', webrtc: { sipId: 'w210000000', password: 'wp', domain: 'sip.dimld.com' }, mayDial: true } }]],
  ['Reconnect (agent idle, the call ended meanwhile)', ev('Reconnect', { ...LOGIN_DATA, agentType: 0 }, { nowState: 'Idle' }), on(connected), [state('idle'), { type: 'call.ended', cause: '连接中断期间通话已结束' }], [{ type: 'login', reconnect: true, details: { supervisor: false, busyTypes: ['午休', '培训'], groups: [{ id: 'g1', name: '研发部2' }], ivrs: [{ id: 'ivr1', name: '使用录音转人工坐席测试' }], loginType: '3', webrtc: { sipId: 'w210000000', password: 'wp', domain: 'sip.dimld.com' }, mayDial: true } }]],
  ['Logout', ev('Logout'), none, [state('loggedOut')], [{ type: 'end', reason: 'logout' }]],
  ['Idle', ev('Idle', { loginType: '1' }), { call: null, agentState: 'busy' }, [state('idle')], []],
  ['Busy', ev('Busy'), none, [state('busy')], []],
  ['Busy with a reason', ev('Busy', { currentBusyType: '午休' }), none, [state('busy:午休')], []],
  ['MakeCall (CallBar’s dial)', ev('MakeCall'), on(dialing), [], []],
  ['CancelCall', ev('CancelCall'), on(connected), [{ type: 'call.ended', cause: '已挂断' }], []],
  ['MakeCallFail', ev('MakeCallFail', { cause: '座席话机未注册' }), on(dialing), [{ type: 'call.ended', cause: '呼叫失败：座席话机未注册' }], []],
  ['SipError', ev('SipError'), on(connected), [{ type: 'call.ended', cause: '话机异常（已取消注册），座席已被平台签出' }, state('loggedOut')], [{ type: 'end', reason: 'sipError' }]],
  ['AgentOriginate (takes the platform’s id)', ev('AgentOriginate', OUT), on(dialing), [{ type: 'call.dialing', number: '15800000000', vendorCallId: 'occ-1' }], []],
  ['AgentRinging inbound', ev('AgentRinging', IN), none, [{ type: 'call.incoming', number: '13900000000', vendorCallId: 'occ-2' }, state('ringing')], []],
  ['AgentAnswer inbound', ev('AgentAnswer', IN), on(incoming), [{ type: 'call.connected' }, state('inCall')], []],
  ['CalledRinging', ev('CalledRinging', { ...OUT, callType: 'normal' }), on(dialingWithId), [{ type: 'call.ringing' }], []],
  ['CalledAnswer', ev('CalledAnswer', { ...OUT, callType: 'normal' }), on(ringing), [{ type: 'call.connected' }], []],
  ['Conversation', ev('Conversation', { ...OUT, callType: 'normal' }), on(connected), [{ type: 'call.connected' }, state('inCall')], []],
  ['After', ev('After', AFTER), on(ringing), [
    { type: 'call.ended', cause: '用户忙' },
    { type: 'call.record', record: { vendorCallId: 'occ-1', direction: 'outbound', number: '15800000000', startedAt: T - 5000, endedAt: T, talkSeconds: 0, result: '用户忙', endCause: '用户忙', recording: '/rec/occ-1.wav' } },
    state('afterCall'),
  ], [{ type: 'autoIdle', seconds: 15 }]],
  ['Surveillance', ev('Surveillance', { agentList: [{ agentNumber: '1002', agentName: '李四', nowState: 'Idle', operatingTime: '1689127936000', groupList: [{ id: 'g1', name: '研发部2' }] }] }), none, [{ type: 'team', members: [{ id: '1002', name: '李四', state: '示闲', kind: 'ready', since: 1689127936000 }], at: T }], [{ type: 'team', members: [{ agentNumber: '1002', agentName: '李四', nowState: 'Idle', operatingTime: 1689127936000, groups: [{ id: 'g1', name: '研发部2' }] }] }]],
  ['Lock', ev('Lock'), none, [state('locked')], []],
  ['Kick', ev('Kick'), none, [state('loggedOut')], [{ type: 'end', reason: 'kick' }]],
  ['GroupInfo', ev('GroupInfo', { groupList: [{ id: 'g2', name: '售后', type: '1' }] }), none, [], [{ type: 'groups', groups: [{ id: 'g2', name: '售后' }] }]],
  ['IdleAgent', ev('IdleAgent', { agentList: [{ agentId: 'x', agentNumber: '1003', agentName: '王五' }] }), none, [], [{ type: 'idleAgents', agents: [{ id: '1003', name: '王五' }] }]],
  ['Mute', ev('Mute'), on(connected), [{ type: 'call.muted', muted: true }], []],
  ['Unmute', ev('Unmute', { callType: 'normal' }), on({ ...connected, muted: true }), [{ type: 'call.muted', muted: false }], []],
  ['TransferCall', ev('TransferCall'), on(connected), [note('正在发起转接')], []],
  ['TransferCalling', ev('TransferCalling'), on(connected), [note('转接中')], []],
  ['TransferCallFail', ev('TransferCallFail'), on(connected), [note('转接失败')], []],
  ['TransferCancel', ev('TransferCancel'), on(connected), [note('已取消转接')], []],
  ['ConsultCall', ev('ConsultCall'), on(connected), [note('正在发起咨询')], []],
  ['ConsultCalling', ev('ConsultCalling'), on(connected), [note('咨询中')], []],
  ['ConsultCallFail', ev('ConsultCallFail'), on(connected), [note('咨询失败')], []],
  ['ConsultCancel', ev('ConsultCancel'), on(connected), [note('已取消咨询')], []],
  ['ConsultTransfer', ev('ConsultTransfer'), on(connected), [note('咨询转接完成')], []],
  ['ConsultedCancel', ev('ConsultedCancel'), on(connected), [note('被咨询人已挂断')], []],
  ['TripartiteTalk', ev('TripartiteTalk'), on(connected), [note('正在发起三方通话')], []],
  ['TripartiteTalking', ev('TripartiteTalking'), on(connected), [note('三方通话中')], []],
  ['TripartiteTalkFail', ev('TripartiteTalkFail'), on(connected), [note('三方通话失败')], []],
  ['Listen', ev('Listen'), none, [note('正在发起监听')], []],
  ['Listening', ev('Listening'), none, [note('监听中')], []],
  ['ListenFail', ev('ListenFail'), none, [note('监听失败')], []],
  ['ForceBreak', ev('ForceBreak'), none, [note('已强拆通话')], []],
  ['ForceInsert', ev('ForceInsert'), none, [note('正在强插')], []],
  ['ForceInserting', ev('ForceInserting'), none, [note('强插通话中')], []],
  ['ForceInsertFail', ev('ForceInsertFail'), none, [note('强插失败')], []],
  ['Intercept', ev('Intercept'), none, [note('正在拦截通话')], []],
  ['Intercepting', ev('Intercepting'), none, [note('拦截通话中')], []],
  ['InterceptFail', ev('InterceptFail'), none, [note('拦截失败')], []],
  ['QueueInfo (SDK only: nothing shown)', ev('QueueInfo', { groupID: 1, groupWaitNumber: 3 }), none, [], []],
  ['Exception (the SDK’s own UI)', ev('Exception', { message: 'x' }), none, [], []],
  ['Open', ev('Open'), none, [], []],
  ['Error', ev('Error'), none, [], []],
  ['Close', ev('Close'), none, [], []],
];

describe('v-call events (one row per documented event)', () => {
  it.each(ROWS)('%s', (_, event, ctx, events, effects) => {
    expect(mapEvent(event, ctx)).toEqual({ events, effects });
  });

  it('every documented event has a row', () => {
    const covered = new Set(ROWS.map(([, e]) => e.event));
    for (const name of DOCUMENTED_EVENTS) expect(covered.has(name), name).toBe(true);
  });
});

describe('calls through events', () => {
  it('an outbound call from the vendor’s own toolbar appears when the agent’s phone rings', () => {
    expect(mapEvent(ev('AgentRinging', OUT), none).events).toEqual([{ type: 'call.dialing', number: '15800000000', vendorCallId: 'occ-1' }, state('ringing')]);
  });
  it('the agent’s own leg answering an outbound call does not say the customer answered', () => {
    expect(mapEvent(ev('AgentAnswer', OUT), on(dialingWithId)).events).toEqual([state('inCall')]);
  });
  it('Conversation after hold resumes the call', () => {
    expect(mapEvent(ev('Conversation', OUT), on(held)).events).toEqual([{ type: 'call.resumed' }, state('inCall')]);
  });
  it('a consult leg rings and answers as notes, the customer’s call stays as it is', () => {
    expect(mapEvent(ev('CalledRinging', { ...OUT, called: '1002', callType: 'consult' }), on(connected)).events).toEqual([note('对方 1002 振铃中')]);
    expect(mapEvent(ev('CalledAnswer', { ...OUT, called: '1002', callType: 'consult' }), on(connected)).events).toEqual([note('1002 已接听')]);
  });
  it('an event about another call (other occCallId) leaves the shown call alone', () => {
    expect(mapEvent(ev('CalledAnswer', { ...OUT, occCallId: 'other' }), on(ringing)).events).toEqual([]);
  });
  it('the late After of the call before (redelivered after a refused write) does not end a dial that has no platform id yet', () => {
    const late = ev('After', { ...AFTER, occCallId: 'occ-0', cause: 0, data: '正常结束', answerTime: T - 3000 });
    const r = mapEvent(late, { ...on(dialing), endedCalls: ['occ-0'] });
    expect(r.events.filter((e) => e.type === 'call.ended' || e.type === 'call.connected')).toEqual([]);
    // Its record still corrects that call's row.
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'call.record', record: expect.objectContaining({ vendorCallId: 'occ-0' }) }));
    // An After of a call not known to be over is the dial's own (the platform's id arrives with it).
    expect(mapEvent(ev('After', { ...AFTER, occCallId: 'occ-9' }), { ...on(dialing), endedCalls: ['occ-0'] }).events[0]).toEqual({ type: 'call.ended', cause: '用户忙' });
  });
  it('After of an answered call: talk time from answerTime, normal end with who hung up', () => {
    const r = mapEvent(ev('After', { ...AFTER, cause: 0, data: '正常结束', answerTime: T - 3000, hangupDirection: 1 }), on(connected));
    expect(r.events[0]).toEqual({ type: 'call.ended', cause: '正常结束（对方挂断）' });
    expect(r.events[1]).toMatchObject({ type: 'call.record', record: { answeredAt: T - 3000, talkSeconds: 3, result: '正常结束（对方挂断）' } });
  });
  it('After with the auto-idle countdown off (-1 or agentAutoIdle 0)', () => {
    expect(mapEvent(ev('After', { ...AFTER, agentAutoIdleTime: -1 }), on(connected)).effects).toEqual([{ type: 'autoIdle', seconds: null }]);
    expect(mapEvent(ev('After', { ...AFTER, agentAutoIdle: 0 }), on(connected)).effects).toEqual([{ type: 'autoIdle', seconds: null }]);
  });
  it('Kick with a call: the call ends with the reason', () => {
    expect(mapEvent(ev('Kick'), on(connected)).events[0]).toEqual({ type: 'call.ended', cause: '座席已在别处登录，本次登录被踢出' });
  });
});

describe('parsing', () => {
  it.each<[string, unknown, 'inbound' | 'outbound' | undefined]>([
    ['0 呼入 (event schema)', 0, 'inbound'],
    ['1 呼出 (event schema wins over the SDK’s 1 呼入)', 1, 'outbound'],
    ['2 呼出 (SDK)', 2, 'outbound'],
    ['absent', undefined, undefined],
  ])('callDirection %s', (_, value, expected) => {
    expect(directionOf(value as number | undefined)).toBe(expected);
  });

  it('numbers may come as numeric strings; userData or userdata', () => {
    const a = parseEvent(JSON.stringify({ event: 'After', eventTime: String(T), sequence: '12', userdata: 'order-1', data: { callDirection: '0', beginTime: String(T) } }));
    expect(a).toMatchObject({ ok: true, event: { eventTime: T, sequence: 12, userData: 'order-1', data: { callDirection: 0, beginTime: T } } });
    const b = parseEvent(JSON.stringify({ event: 'Idle', userData: 'x' }));
    expect(b).toMatchObject({ ok: true, event: { userData: 'x' } });
  });

  it('vendor strings are capped', () => {
    const long = 'x'.repeat(5000);
    const r = parseEvent(JSON.stringify({ event: 'MakeCallFail', data: { cause: long } }));
    if (!r.ok) throw new Error(r.error);
    expect(String(r.event.data.cause).length).toBe(200);
    const ended = mapEvent(r.event, on(dialing)).events[0] as { cause: string };
    expect(ended.cause.length).toBeLessThan(140);
  });

  it('a wrong field is dropped, not the event', () => {
    const r = parseEvent(JSON.stringify({ event: 'AgentRinging', data: { callDirection: 'sideways', caller: '139', occCallId: 'o' } }));
    expect(r).toMatchObject({ ok: true, event: { data: { caller: '139', occCallId: 'o' } } });
    if (r.ok) expect(r.event.data.callDirection).toBeUndefined();
  });

  it.each([
    ['not JSON', 'hello'],
    ['no event name', JSON.stringify({ type: 'event', data: {} })],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['an event name that is an object', JSON.stringify({ event: { a: 1 } })],
  ])('malformed: %s', (_, body) => {
    expect(parseEvent(body).ok).toBe(false);
  });

  it('the message key is stable for the same bytes and differs for another message', () => {
    const a = JSON.stringify({ event: 'Idle', eventTime: T, sequence: 1 });
    expect(messageKey(a)).toBe(messageKey(String(a)));
    expect(messageKey(a)).not.toBe(messageKey(JSON.stringify({ event: 'Idle', eventTime: T + 1, sequence: 1 })));
  });
});

describe('in English', () => {
  it('notes and causes read without Chinese', () => {
    useLocale('en');
    for (const [, event, ctx] of ROWS) {
      for (const e of mapEvent(event, ctx).events) {
        const words = e.type === 'note' ? e.text : e.type === 'call.ended' ? (e.cause ?? '') : e.type === 'call.record' ? e.record.result : '';
        // The platform's own words (MakeCallFail's cause, After's data) are data and stay as sent.
        expect(words.replace('座席话机未注册', '').replace('用户忙', ''), words).not.toMatch(CJK);
      }
    }
  });
});

describe('a supervisor\'s team list (Surveillance)', () => {
  it.each([
    ['a 13-digit operatingTime is the moment the state began (event schema, seed 3547)', { operatingTime: 1689127936000 }, { since: 1689127936000 }],
    ['a smaller one is how long it has lasted (SDK, seed 4586)', { operatingTime: 65_000 }, { since: T - 65_000 }],
    ['none: no time', {}, {}],
  ])('%s', (_name, extra, expected) => {
    const result = mapEvent(ev('Surveillance', { agentList: [{ agentNumber: '1003', agentName: '王五', nowState: 'After', peerId: '13900001111', ...extra }] }), { call: null, agentState: null });
    expect(result.events).toEqual([{ type: 'team', members: [{ id: '1003', name: '王五', state: '话后', kind: 'afterCall', otherParty: '13900001111', ...expected }], at: T }]);
  });

  it('an agent in a state the document does not name shows the platform\'s word, and one with no name its number only', () => {
    const result = mapEvent(ev('Surveillance', { agentList: [{ agentNumber: '1004', nowState: 'Training' }] }), { call: null, agentState: null });
    expect(result.events).toEqual([{ type: 'team', members: [{ id: '1004', name: '', state: 'Training', kind: 'offline' }], at: T }]);
  });
});
