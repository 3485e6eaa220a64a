import { describe, expect, it } from 'vitest';
import type { CallRecord, ProviderEvent } from '../../shared/call-events.ts';
import type { Call, CallState } from '../../shared/call-state.ts';
import type { AgentStatusRow } from './dscom-client.ts';
import { dscomInfo } from './dscom-info.ts';
import {
  agentStateId,
  type BillingRow,
  DIAL_GRACE_MS,
  deviceState,
  type DeviceState,
  END_CAUSES,
  ENDED_GRACE_MS,
  isAgentRow,
  mapAgentStatus,
  mapBillingRow,
  mapBillingRows,
  mapCallState,
  parseDuration,
  parseLocalTime,
  primaryStatus,
} from './dscom-mapper.ts';

const NOW = 1_750_000_000_000;

function row(fields: Partial<AgentStatusRow> = {}): AgentStatusRow {
  return { queue: '200', extension: '8001', agentid: '1011', status: '0', statusDesc: 'Ready', statusDuration: '00:04:34', current: '', linkedid: '', direction: '0', ...fields };
}

function call(state: Exclude<CallState, 'idle'>, fields: Partial<Call> = {}): Call {
  return { id: 'c1', vendorCallId: 'hwd-1.1', direction: 'outbound', number: '13912345678', state, startedAt: NOW - 60_000, muted: false, ...fields };
}

describe('deviceState: every Asterisk device state name', () => {
  it.each<[string | undefined, DeviceState]>([
    ['Not in use', 'idle'],
    ['In use', 'inUse'],
    ['Busy', 'busy'],
    ['Ringing', 'ringing'],
    ['Ring+Inuse', 'ringInUse'],
    ['On Hold', 'onHold'],
    ['Unavailable', 'unavailable'],
    ['Invalid', 'unavailable'],
    ['Unknown', 'unknown'],
    ['NOT IN USE', 'idle'],
    ['  in  use ', 'inUse'],
    ['on hold', 'onHold'],
    ['Paused', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%j → %s', (state, expected) => {
    expect(deviceState(state)).toBe(expected);
  });
});

describe('agentStateId: getAgentStatus status codes → the info\'s agent states', () => {
  it.each([
    ['-1', 'loggedOut', 'offline'],
    ['0', 'ready', 'ready'],
    ['1', 'inCall', 'busy'],
    ['2', 'ringing', 'busy'],
    ['3', 'afterCall', 'afterCall'],
    ['4', 'pause4', 'notReady'],
    ['5', 'pause5', 'notReady'],
    ['6', 'outbound', 'busy'],
    ['7', 'pickup', 'busy'],
    ['8', 'ringTimeout', 'notReady'],
    ['9', 'pauseTimeout', 'notReady'],
    ['10', 'otherQueue', 'busy'],
    ['11', 'pause11', 'notReady'],
    ['12', 'pause12', 'notReady'],
    ['13', 'pause13', 'notReady'],
  ])('status %s → %s (%s)', (status, id, kind) => {
    expect(agentStateId(status)).toBe(id);
    expect(dscomInfo.capabilities.agentStates.find((s) => s.id === id)?.kind).toBe(kind);
  });

  it.each(['14', 'Ready', '', '-2'])('unknown status %j → null', (status) => {
    expect(agentStateId(status)).toBeNull();
  });

  it('only the states an agent can ask for are selectable', () => {
    const selectable = dscomInfo.capabilities.agentStates.filter((s) => s.selectable !== false).map((s) => s.id);
    expect(selectable).toEqual(['ready', 'pause4', 'pause5', 'pause11', 'pause12', 'pause13', 'loggedOut']);
  });
});

describe('parseDuration', () => {
  it.each<[string, number | null]>([
    ['00:04:34', 274],
    ['1:00:00', 3600],
    ['26:00:01', 93601],
    ['04:34', 274],
    ['75', 75],
    ['', null],
    ['abc', null],
    ['00:04', 4],
  ])('%j → %j', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});

describe('primaryStatus: one agent in several queues', () => {
  it.each<{ name: string; statuses: string[]; expected: string | null }>([
    { name: 'a call beats ready elsewhere', statuses: ['0', '1'], expected: '1' },
    { name: 'ringing beats busy in another queue', statuses: ['10', '2'], expected: '2' },
    { name: 'a pause beats ready', statuses: ['0', '4'], expected: '4' },
    { name: 'ready beats busy in another queue', statuses: ['10', '0'], expected: '0' },
    { name: 'anything beats logged out', statuses: ['-1', '5'], expected: '5' },
    { name: 'wrap-up beats a pause', statuses: ['5', '3'], expected: '3' },
    { name: 'unknown codes are ignored', statuses: ['99', '0'], expected: '0' },
    { name: 'no known code', statuses: ['99'], expected: null },
    { name: 'no rows', statuses: [], expected: null },
  ])('$name', ({ statuses, expected }) => {
    expect(primaryStatus(statuses.map((status, i) => row({ status, queue: String(200 + i) })))?.status ?? null).toBe(expected);
  });
});

describe('mapAgentStatus', () => {
  it.each<{ name: string; rows: AgentStatusRow[]; previous: { state: string | null; since?: number | null }; expected: ProviderEvent[] }>([
    {
      name: 'ready for 4:34 → since = now − 274 s',
      rows: [row()],
      previous: { state: null },
      expected: [{ type: 'agent.state', state: 'ready', since: NOW - 274_000 }],
    },
    {
      name: 'in no queue → logged out, no since',
      rows: [],
      previous: { state: 'ready' },
      expected: [{ type: 'agent.state', state: 'loggedOut' }],
    },
    { name: 'in no queue, already reported logged out → nothing', rows: [], previous: { state: 'loggedOut' }, expected: [] },
    {
      name: 'the same state, since within 2 s of what was reported → nothing',
      rows: [row({ statusDuration: '00:04:35' })],
      previous: { state: 'ready', since: NOW - 274_000 },
      expected: [],
    },
    {
      name: 'the same state but began again (duration reset) → reported with the new since',
      rows: [row({ statusDuration: '00:00:03' })],
      previous: { state: 'ready', since: NOW - 274_000 },
      expected: [{ type: 'agent.state', state: 'ready', since: NOW - 3000 }],
    },
    {
      name: 'the same state with since unknown so far → reported',
      rows: [row()],
      previous: { state: 'ready', since: null },
      expected: [{ type: 'agent.state', state: 'ready', since: NOW - 274_000 }],
    },
    {
      name: 'a new state',
      rows: [row({ status: '3', statusDuration: '00:00:07' })],
      previous: { state: 'inCall', since: NOW - 60_000 },
      expected: [{ type: 'agent.state', state: 'afterCall', since: NOW - 7000 }],
    },
    {
      name: 'unreadable duration → state without since',
      rows: [row({ status: '4', statusDuration: '' })],
      previous: { state: 'ready' },
      expected: [{ type: 'agent.state', state: 'pause4' }],
    },
    {
      name: 'two queues: the call wins',
      rows: [row({ status: '10', queue: '201' }), row({ status: '1', statusDuration: '00:01:00' })],
      previous: { state: 'ready' },
      expected: [{ type: 'agent.state', state: 'inCall', since: NOW - 60_000 }],
    },
    { name: 'only an unknown code → nothing (no guess)', rows: [row({ status: '42' })], previous: { state: 'ready' }, expected: [] },
  ])('$name', ({ rows, previous, expected }) => {
    expect(mapAgentStatus(rows, NOW, previous)).toStrictEqual(expected);
  });
});

describe('mapCallState: an active call × the device state', () => {
  const connected: ProviderEvent = { type: 'call.connected' };
  // Outbound: "In use" is the agent's phone in the call, the customer ringing or talking alike.
  const up: ProviderEvent = { type: 'call.connected', answerUnknown: true };
  const held: ProviderEvent = { type: 'call.held' };
  const ended: ProviderEvent = { type: 'call.ended' };
  const offline: ProviderEvent = { type: 'call.ended', cause: END_CAUSES.phoneOffline };

  it.each<{ state: Exclude<CallState, 'idle'>; device: DeviceState; expected: ProviderEvent[] }>([
    // dialing: call/dial accepted; the PBX rings the agent's own phone first.
    { state: 'dialing', device: 'ringing', expected: [{ type: 'call.ringing' }] },
    { state: 'dialing', device: 'ringInUse', expected: [{ type: 'call.ringing' }] },
    { state: 'dialing', device: 'inUse', expected: [up] },
    { state: 'dialing', device: 'busy', expected: [up] },
    { state: 'dialing', device: 'onHold', expected: [up, held] },
    { state: 'dialing', device: 'unavailable', expected: [offline] },
    { state: 'dialing', device: 'unknown', expected: [] },
    // ringing (outbound: the agent's phone rings)
    { state: 'ringing', device: 'ringing', expected: [] },
    { state: 'ringing', device: 'ringInUse', expected: [] },
    { state: 'ringing', device: 'inUse', expected: [up] },
    { state: 'ringing', device: 'busy', expected: [up] },
    { state: 'ringing', device: 'onHold', expected: [up, held] },
    { state: 'ringing', device: 'idle', expected: [ended] },
    { state: 'ringing', device: 'unavailable', expected: [offline] },
    { state: 'ringing', device: 'unknown', expected: [] },
    // incoming
    { state: 'incoming', device: 'ringing', expected: [] },
    { state: 'incoming', device: 'inUse', expected: [connected] },
    { state: 'incoming', device: 'onHold', expected: [connected, held] },
    { state: 'incoming', device: 'idle', expected: [ended] },
    { state: 'incoming', device: 'unavailable', expected: [offline] },
    { state: 'incoming', device: 'unknown', expected: [] },
    // connected
    { state: 'connected', device: 'inUse', expected: [] },
    { state: 'connected', device: 'busy', expected: [] },
    { state: 'connected', device: 'ringInUse', expected: [] },
    { state: 'connected', device: 'ringing', expected: [] },
    { state: 'connected', device: 'onHold', expected: [held] },
    { state: 'connected', device: 'idle', expected: [ended] },
    { state: 'connected', device: 'unavailable', expected: [offline] },
    { state: 'connected', device: 'unknown', expected: [] },
    // held
    { state: 'held', device: 'onHold', expected: [] },
    { state: 'held', device: 'inUse', expected: [{ type: 'call.resumed' }] },
    { state: 'held', device: 'busy', expected: [{ type: 'call.resumed' }] },
    { state: 'held', device: 'ringInUse', expected: [] },
    { state: 'held', device: 'idle', expected: [ended] },
    { state: 'held', device: 'unavailable', expected: [offline] },
    { state: 'held', device: 'unknown', expected: [] },
  ])('$state + $device', ({ state, device, expected }) => {
    const direction = state === 'incoming' ? 'inbound' : 'outbound';
    expect(mapCallState({ device, agent: [row({ status: '1' })], call: call(state, { direction }), now: NOW })).toStrictEqual(expected);
  });

  it('dialing + idle: still waiting for the PBX to ring the phone, until the grace period ends', () => {
    const fresh = call('dialing', { startedAt: NOW - (DIAL_GRACE_MS - 1) });
    expect(mapCallState({ device: 'idle', agent: [], call: fresh, now: NOW })).toStrictEqual([]);
    const stale = call('dialing', { startedAt: NOW - DIAL_GRACE_MS });
    expect(mapCallState({ device: 'idle', agent: [], call: stale, now: NOW })).toStrictEqual([{ type: 'call.ended', cause: END_CAUSES.notPlaced }]);
  });

  it('held by CallBar and the phone never said "On Hold": "In use" is not a resume', () => {
    expect(mapCallState({ device: 'inUse', agent: [], call: call('held'), now: NOW, holdPending: true })).toStrictEqual([]);
    expect(mapCallState({ device: 'idle', agent: [], call: call('held'), now: NOW, holdPending: true })).toStrictEqual([{ type: 'call.ended' }]);
  });
});

describe('mapCallState: no active call', () => {
  const ringingAgent = [row({ status: '2', current: '18312345678', linkedid: 'hwd-1750839936.661' })];

  it.each<{ name: string; device: DeviceState; agent: AgentStatusRow[]; previous?: Call | null; lostDial?: { number: string }; expected: ProviderEvent[] }>([
    { name: 'idle phone → nothing', device: 'idle', agent: [row()], expected: [] },
    { name: 'unavailable phone → nothing', device: 'unavailable', agent: [row()], expected: [] },
    { name: 'unknown device → nothing', device: 'unknown', agent: ringingAgent, expected: [] },
    {
      name: 'ringing → incoming with current and linkedid',
      device: 'ringing',
      agent: ringingAgent,
      expected: [{ type: 'call.incoming', number: '18312345678', vendorCallId: 'hwd-1750839936.661' }],
    },
    {
      name: 'ringing without current/linkedid → 未知号码, no id',
      device: 'ringing',
      agent: [row({ status: '2' })],
      expected: [{ type: 'call.incoming', number: '未知号码' }],
    },
    {
      name: 'ringing with no agent entry at all',
      device: 'ringing',
      agent: [],
      expected: [{ type: 'call.incoming', number: '未知号码' }],
    },
    {
      name: 'ring+inuse → incoming',
      device: 'ringInUse',
      agent: ringingAgent,
      expected: [{ type: 'call.incoming', number: '18312345678', vendorCallId: 'hwd-1750839936.661' }],
    },
    {
      name: 'already in use (the ring fell between polls) → incoming + connected',
      device: 'inUse',
      agent: [row({ status: '1', current: '18312345678', linkedid: 'hwd-9.9' })],
      expected: [{ type: 'call.incoming', number: '18312345678', vendorCallId: 'hwd-9.9' }, { type: 'call.connected' }],
    },
    {
      name: 'on hold with no call → incoming + connected + held',
      device: 'onHold',
      agent: [row({ status: '1', current: '18312345678', linkedid: 'hwd-9.9' })],
      expected: [{ type: 'call.incoming', number: '18312345678', vendorCallId: 'hwd-9.9' }, { type: 'call.connected' }, { type: 'call.held' }],
    },
    {
      name: 'in use while the platform says 外拨工作 → an outbound call made on the phone',
      device: 'inUse',
      agent: [row({ status: '6', current: '13912345678', linkedid: 'hwd-7.7' })],
      expected: [{ type: 'call.dialing', number: '13912345678', vendorCallId: 'hwd-7.7' }, { type: 'call.connected', answerUnknown: true }],
    },
    {
      name: 'in use with direction "out" → outbound',
      device: 'busy',
      agent: [row({ status: '1', direction: 'out', current: '13912345678' })],
      expected: [{ type: 'call.dialing', number: '13912345678' }, { type: 'call.connected', answerUnknown: true }],
    },
    {
      name: 'in use with direction "2" (0 none, 1 in, 2 out) → outbound',
      device: 'inUse',
      agent: [row({ status: '1', direction: '2', current: '13912345678' })],
      expected: [{ type: 'call.dialing', number: '13912345678' }, { type: 'call.connected', answerUnknown: true }],
    },
    {
      name: 'in use with direction "1" → inbound',
      device: 'inUse',
      agent: [row({ status: '1', direction: '1', current: '18312345678' })],
      expected: [{ type: 'call.incoming', number: '18312345678' }, { type: 'call.connected' }],
    },
    {
      name: 'a dial whose reply was lost: the ringing phone is that dial',
      device: 'ringing',
      agent: [row({ status: '0', linkedid: 'hwd-5.5' })],
      lostDial: { number: '13912345678' },
      expected: [{ type: 'call.dialing', number: '13912345678', vendorCallId: 'hwd-5.5' }, { type: 'call.ringing' }],
    },
    {
      name: 'a lost dial already answered by the phone',
      device: 'inUse',
      agent: [],
      lostDial: { number: '13912345678' },
      expected: [{ type: 'call.dialing', number: '13912345678' }, { type: 'call.connected', answerUnknown: true }],
    },
    {
      name: 'the call that just ended, still reported by linkedid → nothing',
      device: 'inUse',
      agent: [row({ status: '1', current: '13912345678', linkedid: 'hwd-1.1' })],
      previous: call('ended', { endedAt: NOW - 60_000 }),
      expected: [],
    },
    {
      name: 'a stale "In use" right after the end → nothing',
      device: 'inUse',
      agent: [row({ status: '1' })],
      previous: call('ended', { endedAt: NOW - (ENDED_GRACE_MS - 1) }),
      expected: [],
    },
    {
      name: 'in use well after the last call ended → a new call',
      device: 'inUse',
      agent: [row({ status: '1', current: '10086', linkedid: 'hwd-2.2' })],
      previous: call('ended', { endedAt: NOW - ENDED_GRACE_MS }),
      expected: [{ type: 'call.incoming', number: '10086', vendorCallId: 'hwd-2.2' }, { type: 'call.connected' }],
    },
    {
      name: 'ringing right after a call ended → the next call',
      device: 'ringing',
      agent: [row({ status: '2', current: '10086', linkedid: 'hwd-3.3' })],
      previous: call('ended', { endedAt: NOW - 500 }),
      expected: [{ type: 'call.incoming', number: '10086', vendorCallId: 'hwd-3.3' }],
    },
  ])('$name', ({ device, agent, previous, lostDial, expected }) => {
    expect(mapCallState({ device, agent, call: previous ?? null, now: NOW, ...(lostDial ? { lostDial } : {}) })).toStrictEqual(expected);
  });
});

describe('parseLocalTime', () => {
  it('reads "YYYY-MM-DD HH:MM:SS" as the browser\'s local time', () => {
    expect(parseLocalTime('2025-06-19 17:13:55')).toBe(new Date(2025, 5, 19, 17, 13, 55).getTime());
  });

  it.each([['0000-00-00 00:00:00'], [''], [null], [undefined], ['yesterday'], [20250619]])('%j → undefined', (value) => {
    expect(parseLocalTime(value)).toBeUndefined();
  });
});

const t = (s: string) => parseLocalTime(s)!;

/** The document's pushed rows (话单推送示例), overridable. */
function cdr(fields: Partial<Record<keyof BillingRow | 'clid' | 'dnid' | 'hangupsource', unknown>> = {}): BillingRow {
  return {
    calldate: '2025-06-19 17:13:55',
    src: '8002',
    dst: '8001',
    channel: 'PJSIP/8002-00000026',
    dstchannel: 'PJSIP/8001-00000027',
    start: '2025-06-19 17:13:55',
    answer: '2025-06-19 17:14:06',
    end: '2025-06-19 17:14:19',
    duration: 24,
    billsec: 12,
    disposition: 'ANSWERED',
    uniqueid: 'hwd-1750324435.57',
    linkedid: 'hwd-1750324435.57',
    direction: 'inter',
    ...fields,
  };
}

describe('isAgentRow: which CDR rows are the agent\'s (extension 8001)', () => {
  it.each<{ name: string; fields: Partial<BillingRow>; mine: boolean }>([
    { name: 'dstchannel PJSIP/8001-…', fields: {}, mine: true },
    { name: 'channel PJSIP/8001-…', fields: { channel: 'PJSIP/8001-0000001a', dstchannel: 'PJSIP/trunkHWD-00000018', src: '18551811888', dst: '55555' }, mine: true },
    { name: 'src equals the extension', fields: { channel: 'Local/x', dstchannel: '', src: '8001', dst: '55555' }, mine: true },
    { name: 'dst equals the extension', fields: { channel: 'PJSIP/trunk-1', dstchannel: '', src: '10086', dst: '8001' }, mine: true },
    { name: 'another extension', fields: { channel: 'PJSIP/8002-1', dstchannel: 'PJSIP/8003-2', src: '8002', dst: '8003' }, mine: false },
    { name: 'an extension that only starts with 8001', fields: { channel: 'PJSIP/80011-1', dstchannel: 'PJSIP/80012-2', src: '80011', dst: '80012' }, mine: false },
    { name: 'a trunk named after it', fields: { channel: 'PJSIP/trunk8001-1', dstchannel: '', src: '10086', dst: '200' }, mine: false },
  ])('$name → $mine', ({ fields, mine }) => {
    expect(isAgentRow(cdr(fields), '8001')).toBe(mine);
  });
});

describe('mapBillingRow: CDR row → CallRecord', () => {
  it.each<{ name: string; fields: Partial<Record<keyof BillingRow, unknown>>; expected: CallRecord | null }>([
    {
      name: 'internal call to the agent (the document\'s first row)',
      fields: {},
      expected: {
        vendorCallId: 'hwd-1750324435.57',
        direction: 'inbound',
        number: '8002',
        startedAt: t('2025-06-19 17:13:55'),
        answeredAt: t('2025-06-19 17:14:06'),
        endedAt: t('2025-06-19 17:14:19'),
        talkSeconds: 12,
        result: '已接通',
      },
    },
    {
      name: 'internal call by the agent (the document\'s second row)',
      fields: {
        src: '8001',
        dst: '8002',
        channel: 'PJSIP/8001-00000028',
        dstchannel: 'PJSIP/8002-00000029',
        start: '2025-06-19 17:14:26',
        answer: '2025-06-19 17:14:27',
        end: '2025-06-19 17:14:35',
        billsec: 7,
        uniqueid: 'hwd-1750324466.60',
        linkedid: 'hwd-1750324466.60',
      },
      expected: {
        vendorCallId: 'hwd-1750324466.60',
        direction: 'outbound',
        number: '8002',
        startedAt: t('2025-06-19 17:14:26'),
        answeredAt: t('2025-06-19 17:14:27'),
        endedAt: t('2025-06-19 17:14:35'),
        talkSeconds: 7,
        result: '已接通',
      },
    },
    {
      name: 'outbound to a customer through the trunk (cdr/list example)',
      fields: {
        src: '18551811888',
        dst: '55555',
        channel: 'PJSIP/8001-00000017',
        dstchannel: 'PJSIP/trunkHWD-00000018',
        start: '2025-05-21 10:19:10',
        answer: '2025-05-21 10:19:15',
        end: '2025-05-21 10:24:15',
        duration: 304,
        billsec: 299,
        uniqueid: 'hwd-1747793950.38',
        linkedid: 'hwd-1747793950.38',
        direction: 'out',
      },
      expected: {
        vendorCallId: 'hwd-1747793950.38',
        direction: 'outbound',
        number: '55555',
        startedAt: t('2025-05-21 10:19:10'),
        answeredAt: t('2025-05-21 10:19:15'),
        endedAt: t('2025-05-21 10:24:15'),
        talkSeconds: 299,
        result: '已接通',
      },
    },
    {
      name: 'inbound from a customer, not answered: no answeredAt, 无人接听',
      fields: {
        src: '18312345678',
        dst: '200',
        channel: 'PJSIP/trunkHWD-00000121',
        dstchannel: 'PJSIP/8001-00000122',
        answer: '0000-00-00 00:00:00',
        billsec: 0,
        disposition: 'NO ANSWER',
        direction: 'in',
        linkedid: 'hwd-1750839936.661',
        uniqueid: 'hwd-1750839936.662',
      },
      expected: {
        vendorCallId: 'hwd-1750839936.661',
        direction: 'inbound',
        number: '18312345678',
        startedAt: t('2025-06-19 17:13:55'),
        endedAt: t('2025-06-19 17:14:19'),
        talkSeconds: 0,
        result: '无人接听',
      },
    },
    {
      name: 'BUSY → 对方忙, answer time ignored when not answered',
      fields: { disposition: 'BUSY', billsec: 0 },
      expected: { vendorCallId: 'hwd-1750324435.57', direction: 'inbound', number: '8002', startedAt: t('2025-06-19 17:13:55'), endedAt: t('2025-06-19 17:14:19'), talkSeconds: 0, result: '对方忙' },
    },
    {
      name: 'FAILED → 呼叫失败',
      fields: { disposition: 'FAILED', billsec: '0' },
      expected: { vendorCallId: 'hwd-1750324435.57', direction: 'inbound', number: '8002', startedAt: t('2025-06-19 17:13:55'), endedAt: t('2025-06-19 17:14:19'), talkSeconds: 0, result: '呼叫失败' },
    },
    {
      name: 'numeric disposition 8 (Asterisk ANSWERED), billsec as a string',
      fields: { disposition: '8', billsec: '12' },
      expected: {
        vendorCallId: 'hwd-1750324435.57',
        direction: 'inbound',
        number: '8002',
        startedAt: t('2025-06-19 17:13:55'),
        answeredAt: t('2025-06-19 17:14:06'),
        endedAt: t('2025-06-19 17:14:19'),
        talkSeconds: 12,
        result: '已接通',
      },
    },
    {
      name: 'no linkedid → uniqueid; no end → start + duration; no start → calldate',
      fields: { linkedid: '', end: '', start: '', duration: 24 },
      expected: {
        vendorCallId: 'hwd-1750324435.57',
        direction: 'inbound',
        number: '8002',
        startedAt: t('2025-06-19 17:13:55'),
        answeredAt: t('2025-06-19 17:14:06'),
        endedAt: t('2025-06-19 17:14:19'),
        talkSeconds: 12,
        result: '已接通',
      },
    },
    {
      name: 'direction "" and the agent\'s channel is the caller → outbound; no dst → 未知号码',
      fields: { channel: 'PJSIP/8001-1', dstchannel: '', src: '8001', dst: '', direction: '' },
      expected: {
        vendorCallId: 'hwd-1750324435.57',
        direction: 'outbound',
        number: '未知号码',
        startedAt: t('2025-06-19 17:13:55'),
        answeredAt: t('2025-06-19 17:14:06'),
        endedAt: t('2025-06-19 17:14:19'),
        talkSeconds: 12,
        result: '已接通',
      },
    },
    {
      name: 'an unknown disposition is shown as sent',
      fields: { disposition: 'CANCEL', billsec: 0 },
      expected: { vendorCallId: 'hwd-1750324435.57', direction: 'inbound', number: '8002', startedAt: t('2025-06-19 17:13:55'), endedAt: t('2025-06-19 17:14:19'), talkSeconds: 0, result: 'CANCEL' },
    },
    {
      name: 'CONGESTION → 线路拥塞',
      fields: { disposition: 'CONGESTION' },
      expected: {
        vendorCallId: 'hwd-1750324435.57',
        direction: 'inbound',
        number: '8002',
        startedAt: t('2025-06-19 17:13:55'),
        endedAt: t('2025-06-19 17:14:19'),
        talkSeconds: 12,
        result: '线路拥塞',
      },
    },
    { name: 'another extension\'s call → null', fields: { channel: 'PJSIP/8002-1', dstchannel: 'PJSIP/8003-2', src: '8002', dst: '8003' }, expected: null },
    { name: 'no id at all → null', fields: { linkedid: '', uniqueid: '' }, expected: null },
    { name: 'no time at all → null', fields: { start: '', calldate: '' }, expected: null },
  ])('$name', ({ fields, expected }) => {
    expect(mapBillingRow(cdr(fields), '8001')).toStrictEqual(expected);
  });
});

describe('mapBillingRows: a pushed batch', () => {
  it('keeps only the agent\'s rows and skips what is not a row', () => {
    const records = mapBillingRows([cdr(), null, 'x', cdr({ channel: 'PJSIP/8005-1', dstchannel: 'PJSIP/8006-2', src: '8005', dst: '8006', linkedid: 'other' })], '8001');
    expect(records.map((r) => r.vendorCallId)).toEqual(['hwd-1750324435.57']);
  });

  it('merges the rows of one call (same linkedid): earliest start, latest end, best result, longest talk', () => {
    const records = mapBillingRows(
      [
        cdr({ disposition: 'NO ANSWER', billsec: 0, answer: '', start: '2025-06-19 17:13:50', end: '2025-06-19 17:14:00', uniqueid: 'a' }),
        cdr({ disposition: 'ANSWERED', billsec: 12, uniqueid: 'b' }),
      ],
      '8001',
    );
    expect(records).toStrictEqual([
      {
        vendorCallId: 'hwd-1750324435.57',
        direction: 'inbound',
        number: '8002',
        startedAt: t('2025-06-19 17:13:50'),
        answeredAt: t('2025-06-19 17:14:06'),
        endedAt: t('2025-06-19 17:14:19'),
        talkSeconds: 12,
        result: '已接通',
      },
    ]);
  });

  it('different calls stay apart, in the order they came', () => {
    const records = mapBillingRows([cdr({ linkedid: 'one' }), cdr({ linkedid: 'two' })], '8001');
    expect(records.map((r) => r.vendorCallId)).toEqual(['one', 'two']);
  });
});
