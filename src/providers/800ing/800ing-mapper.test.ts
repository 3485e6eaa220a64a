import { describe, expect, it } from 'vitest';
import { applyCallEvent, type ProviderEvent } from '../../shared/call-events.ts';
import type { Call } from '../../shared/call-state.ts';
import {
  CAUSE_MISSED,
  CAUSE_NOT_CONNECTED,
  type DialMark,
  type Ing800Message,
  mapMessage,
  mapMessages,
  type MapperState,
  NOTE_SECOND_CALL,
  parseContent,
  UNKNOWN_NUMBER,
} from './800ing-mapper.ts';

const NOW = 1_750_000_000_000;
const CUSTOMER = '13912345678';
const CALLER = '18312345678';

function msg(kind: string | number, status: unknown, fields: { phone?: string; cdrId?: unknown; paramvalue?: string } = {}, waterLine = '1'): Ing800Message {
  const { phone = kind === 2 || kind === '2' ? CALLER : CUSTOMER, ...content } = fields;
  return { kind: String(kind), phone, content: JSON.stringify({ status, ...content }), time: NOW, waterLine };
}

function call(fields: Partial<Call> & Pick<Call, 'state'>): Call {
  return { id: 'c1', direction: 'outbound', number: CUSTOMER, startedAt: NOW - 10_000, muted: false, ...fields };
}

function withoutId(c: Call | null): Partial<Call> | null {
  if (!c) return null;
  return Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'id')) as Partial<Call>;
}

const DIAL: DialMark = { id: 'cb-1', number: CUSTOMER, at: NOW - 1000 };
const DESKTOP_DIAL: DialMark = { id: null, number: CUSTOMER, at: NOW - 1000 };

const none: MapperState = { call: null, dial: null };
const dialSent: MapperState = { call: null, dial: DIAL };
const dialShown: MapperState = { call: call({ state: 'dialing' }), dial: DIAL };
const dialingA: MapperState = { call: call({ state: 'dialing', vendorCallId: 'A' }), dial: null };
const connectedOutA: MapperState = { call: call({ state: 'connected', vendorCallId: 'A', connectedAt: NOW - 5000 }), dial: null };
const incomingB: MapperState = { call: call({ state: 'incoming', direction: 'inbound', number: CALLER, vendorCallId: 'B' }), dial: null };
const connectedInB: MapperState = { call: call({ state: 'connected', direction: 'inbound', number: CALLER, vendorCallId: 'B', connectedAt: NOW - 5000 }), dial: null };
const endedA: MapperState = { call: call({ state: 'ended', vendorCallId: 'A', endedAt: NOW - 1000 }), dial: null };

interface Row {
  name: string;
  state: MapperState;
  message: Ing800Message;
  events: ProviderEvent[];
  /** The dial still pending afterwards (default: unchanged). */
  dial?: DialMark | null;
  matched?: boolean;
}

describe('mapMessage: the table', () => {
  it.each<Row>([
    // ── Outbound (kind 1) ──
    {
      name: 'our dial (paramvalue) before the request returned: the call starts, with the dialled number and cdrId',
      state: dialSent,
      message: msg(1, 0, { cdrId: 'A', paramvalue: 'cb-1', phone: `0${CUSTOMER}` }),
      events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }],
      dial: null,
      matched: true,
    },
    {
      name: 'our dial already on screen: the cdrId is attached (a duplicate of the dialing shown)',
      state: dialShown,
      message: msg(1, 0, { cdrId: 'A', paramvalue: 'cb-1' }),
      events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }],
      dial: null,
      matched: true,
    },
    {
      name: 'our dial answered in the first message seen: attached, then connected',
      state: dialShown,
      message: msg(1, 1, { cdrId: 'A', paramvalue: 'cb-1' }),
      events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }, { type: 'call.connected' }],
      dial: null,
      matched: true,
    },
    {
      name: 'our dial with cdrId as a number',
      state: dialShown,
      message: msg(1, 0, { cdrId: 282982852097151, paramvalue: 'cb-1' }),
      events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: '282982852097151' }],
      dial: null,
      matched: true,
    },
    {
      name: 'the server did not echo paramvalue: the same number is our dial',
      state: dialShown,
      message: msg(1, 0, { cdrId: 'A' }),
      events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }],
      dial: null,
      matched: true,
    },
    {
      name: 'desktop-client dial (no paramvalue there): matched by number',
      state: { call: call({ state: 'dialing' }), dial: DESKTOP_DIAL },
      message: msg(1, 0, { cdrId: 'A', phone: `+86${CUSTOMER}` }),
      events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }],
      dial: null,
      matched: true,
    },
    {
      name: 'another system\'s dial (other paramvalue) while ours is on screen: ignored',
      state: dialShown,
      message: msg(1, 0, { cdrId: 'X', paramvalue: 'crm-77' }),
      events: [],
    },
    {
      name: 'a desktop dial to another number while ours is on screen: ignored',
      state: { call: call({ state: 'dialing' }), dial: DESKTOP_DIAL },
      message: msg(1, 0, { cdrId: 'X', phone: '02161234567' }),
      events: [],
    },
    { name: 'status 1 (接听) of the call on screen → connected', state: dialingA, message: msg(1, 1, { cdrId: 'A' }), events: [{ type: 'call.connected' }] },
    { name: 'status 3 (挂机) after connected → ended, nothing more to say', state: connectedOutA, message: msg(1, 3, { cdrId: 'A' }), events: [{ type: 'call.ended' }] },
    { name: 'status 2 is 挂机 too (getLongWaterLine table)', state: connectedOutA, message: msg(1, 2, { cdrId: 'A' }), events: [{ type: 'call.ended' }] },
    { name: 'hung up before it was answered → ended 未接通', state: dialingA, message: msg(1, 3, { cdrId: 'A' }), events: [{ type: 'call.ended', cause: CAUSE_NOT_CONNECTED }] },
    { name: 'a dial from elsewhere (the 八百呼 client, the phone) with no call on screen → dialing', state: none, message: msg(1, 0, { cdrId: 'D' }), events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'D' }] },
    { name: 'an outbound call first seen answered → dialing + connected', state: none, message: msg(1, 1, { cdrId: 'D' }), events: [{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'D' }, { type: 'call.connected' }] },

    // ── Inbound (kind 2) ──
    { name: '来电 (status 0) → incoming', state: none, message: msg(2, 0, { cdrId: 'B' }), events: [{ type: 'call.incoming', number: CALLER, vendorCallId: 'B' }] },
    { name: '来电 after an ended call starts a new call', state: endedA, message: msg(2, 0, { cdrId: 'B' }), events: [{ type: 'call.incoming', number: CALLER, vendorCallId: 'B' }] },
    { name: '来电 without a number', state: none, message: msg(2, 0, { cdrId: 'B', phone: '' }), events: [{ type: 'call.incoming', number: UNKNOWN_NUMBER, vendorCallId: 'B' }] },
    { name: 'answered → connected', state: incomingB, message: msg(2, 1, { cdrId: 'B' }), events: [{ type: 'call.connected' }] },
    { name: 'hung up unanswered → ended 未接听', state: incomingB, message: msg(2, 3, { cdrId: 'B' }), events: [{ type: 'call.ended', cause: CAUSE_MISSED }] },
    { name: 'hung up after talking → ended, nothing more to say', state: connectedInB, message: msg(2, 2, { cdrId: 'B' }), events: [{ type: 'call.ended' }] },
    { name: 'an inbound call first seen answered → incoming + connected', state: none, message: msg(2, 1, { cdrId: 'B' }), events: [{ type: 'call.incoming', number: CALLER, vendorCallId: 'B' }, { type: 'call.connected' }] },
    {
      name: 'a call without cdrId is followed by direction and number',
      state: { call: call({ state: 'incoming', direction: 'inbound', number: CALLER }), dial: null },
      message: msg(2, 1),
      events: [{ type: 'call.connected' }],
    },

    // ── Another call, stale and duplicate messages ──
    { name: 'a second 来电 while a call is in progress → a note (one call at a time)', state: connectedOutA, message: msg(2, 0, { cdrId: 'C' }), events: [{ type: 'note', text: NOTE_SECOND_CALL }] },
    { name: 'a second outbound call while one is in progress → ignored', state: connectedOutA, message: msg(1, 0, { cdrId: 'C' }), events: [] },
    { name: 'another call\'s 接听 / 挂机 → ignored', state: connectedOutA, message: msg(2, 3, { cdrId: 'C' }), events: [] },
    { name: 'stale: 挂机 of the call already ended → ignored', state: endedA, message: msg(1, 3, { cdrId: 'A' }), events: [] },
    { name: 'stale: 接听 of the call already ended → ignored (no new call)', state: endedA, message: msg(1, 1, { cdrId: 'A' }), events: [] },
    { name: 'stale: 呼出 of the call already ended → ignored (no new call)', state: endedA, message: msg(1, 0, { cdrId: 'A' }), events: [] },
    { name: '挂机 of a call never seen → nothing to end', state: none, message: msg(2, 3, { cdrId: 'Z' }), events: [] },
    { name: 'a repeated status 0 → nothing', state: dialingA, message: msg(1, 0, { cdrId: 'A' }), events: [] },
    { name: 'a repeated 接听 → nothing', state: connectedOutA, message: msg(1, 1, { cdrId: 'A' }), events: [] },

    // ── Not calls, or not readable ──
    { name: 'kind 3 (发送短信) → ignored', state: none, message: msg(3, 0), events: [] },
    { name: 'kind 4 (接收短信) → ignored', state: none, message: msg(4, 0), events: [] },
    { name: 'an unknown kind → ignored', state: none, message: msg(9, 0), events: [] },
    { name: 'an unknown status → ignored', state: dialingA, message: msg(1, 7, { cdrId: 'A' }), events: [] },
    { name: 'status as a string is read', state: dialingA, message: msg(1, '1', { cdrId: 'A' }), events: [{ type: 'call.connected' }] },
    { name: 'content not JSON → skipped', state: dialingA, message: { kind: '1', phone: CUSTOMER, content: '{status:1', time: NOW, waterLine: '1' }, events: [] },
    { name: 'content without status → skipped', state: dialingA, message: { kind: '1', phone: CUSTOMER, content: '{"cdrId":"A"}', time: NOW, waterLine: '1' }, events: [] },
    { name: 'content already an object is accepted', state: dialingA, message: { kind: '1', phone: CUSTOMER, content: { status: 1, cdrId: 'A' }, time: NOW, waterLine: '1' }, events: [{ type: 'call.connected' }] },
  ])('$name', ({ state, message, events, dial, matched }) => {
    const outcome = mapMessage(message, state, NOW);
    expect(outcome.events).toStrictEqual(events);
    expect(outcome.state.dial).toBe(dial === undefined ? state.dial : dial);
    expect(outcome.matchedDial).toBe(matched ?? false);
    if (events.length === 0 && !matched) expect(outcome.skipped).toMatch(/[\u4e00-\u9fff]/);
    // The events always make sense in the state they are applied to.
    let current = state.call;
    for (const event of events) {
      if (event.type === 'note') continue;
      const result = applyCallEvent(current, event, NOW);
      expect(result.rejected).toBeUndefined();
      current = result.call;
    }
    // (Compared without the local id: a new call gets a fresh one each time it is built.)
    expect(withoutId(outcome.state.call)).toStrictEqual(withoutId(current));
  });

  it('malformed content is flagged as such (logged by the session)', () => {
    expect(mapMessage({ kind: '2', phone: CALLER, content: 'oops', time: null, waterLine: null }, none, NOW)).toMatchObject({ events: [], malformed: true });
    expect(mapMessage(msg(3, 0), none, NOW).malformed).toBeUndefined();
  });
});

describe('mapMessage: a dial CallBar ended itself', () => {
  const cancelled = { ...DIAL, cdrId: null };
  const state: MapperState = { call: call({ state: 'ended', cause: '已挂断' }), dial: null, cancelled };

  it('its late messages start no call; its cdrId is remembered and its later messages are swallowed too', () => {
    const first = mapMessage(msg(1, 0, { cdrId: 'L', paramvalue: 'cb-1' }), state, NOW);
    expect(first.events).toEqual([]);
    expect(first.state.cancelled).toEqual({ ...cancelled, cdrId: 'L' });
    const answered = mapMessage(msg(1, 1, { cdrId: 'L' }), first.state, NOW);
    expect(answered.events).toEqual([]);
    expect(mapMessage(msg(1, 3, { cdrId: 'L' }), answered.state, NOW).events).toEqual([]);
  });

  it('another call is not swallowed', () => {
    const named: MapperState = { ...state, cancelled: { ...cancelled, cdrId: 'L' } };
    expect(mapMessage(msg(2, 0, { cdrId: 'M' }), named, NOW).events).toEqual([{ type: 'call.incoming', number: CALLER, vendorCallId: 'M' }]);
  });
});

describe('mapMessages: a batch', () => {
  it('one call from start to end, in order; the picture follows the events', () => {
    const out = mapMessages([msg(1, 0, { cdrId: 'A', paramvalue: 'cb-1' }), msg(1, 1, { cdrId: 'A', paramvalue: 'cb-1' }), msg(1, 3, { cdrId: 'A', paramvalue: 'cb-1' })], dialShown, NOW);
    expect(out.events).toEqual([{ type: 'call.dialing', number: CUSTOMER, vendorCallId: 'A' }, { type: 'call.connected' }, { type: 'call.ended' }]);
    expect(out.state.call).toMatchObject({ state: 'ended', vendorCallId: 'A' });
    expect(out.state.call?.cause).toBeUndefined();
    expect(out.state.dial).toBeNull();
    expect(out.matchedDial).toBe(true);
    expect(out.skipped).toEqual([]);
  });

  it('a malformed message is skipped and reported; the ones after it still apply', () => {
    const bad: Ing800Message = { kind: '2', phone: CALLER, content: 'not json', time: NOW, waterLine: '2' };
    const out = mapMessages([msg(2, 0, { cdrId: 'B' }), bad, msg(2, 1, { cdrId: 'B' })], none, NOW);
    expect(out.events).toEqual([{ type: 'call.incoming', number: CALLER, vendorCallId: 'B' }, { type: 'call.connected' }]);
    expect(out.skipped).toEqual([{ message: bad, reason: expect.stringContaining('JSON'), malformed: true }]);
  });

  it('a call after an ended one starts fresh; the old call\'s late 挂机 changes nothing', () => {
    const out = mapMessages([msg(2, 0, { cdrId: 'B' }), msg(2, 3, { cdrId: 'B' }), msg(1, 0, { cdrId: 'C' }), msg(2, 3, { cdrId: 'B' })], none, NOW);
    expect(out.events).toEqual([
      { type: 'call.incoming', number: CALLER, vendorCallId: 'B' },
      { type: 'call.ended', cause: CAUSE_MISSED },
      { type: 'call.dialing', number: CUSTOMER, vendorCallId: 'C' },
    ]);
    expect(out.state.call).toMatchObject({ state: 'dialing', vendorCallId: 'C' });
    expect(out.skipped).toHaveLength(1);
  });
});

describe('platform calls followed off screen (side calls): recent calls get them, once', () => {
  it('a missed call the water line had not shown yet when the agent dialled: its 挂机 is a record of a missed call', () => {
    // The agent's dial is on screen (callbackPhone answered before the poll caught up); the older call comes now.
    const out = mapMessages([msg(2, 0, { cdrId: 'B' }), msg(2, 3, { cdrId: 'B' })], dialShown, NOW);
    expect(out.events).toEqual([
      { type: 'note', text: NOTE_SECOND_CALL },
      { type: 'call.record', record: { vendorCallId: 'B', direction: 'inbound', number: CALLER, startedAt: NOW, endedAt: NOW, talkSeconds: 0, result: CAUSE_MISSED } },
    ]);
    expect(out.state.call).toMatchObject({ state: 'dialing' });
    expect(out.state.dial).toBe(DIAL);
    expect(out.state.side).toEqual([]);
  });

  it('followed across polls: 0 and 接听 in one, 挂机 in the next (the cursor keeps it)', () => {
    const first = mapMessages([msg(2, 0, { cdrId: 'B' }), { ...msg(2, 1, { cdrId: 'B' }), time: NOW + 2000 }], dialShown, NOW);
    expect(first.state.side).toEqual([{ cdrId: 'B', direction: 'inbound', number: CALLER, startedAt: NOW, answeredAt: NOW + 2000 }]);
    const second = mapMessages([{ ...msg(2, 3, { cdrId: 'B' }), time: NOW + 9000 }], first.state, NOW);
    expect(second.events).toEqual([
      { type: 'call.record', record: { vendorCallId: 'B', direction: 'inbound', number: CALLER, startedAt: NOW, answeredAt: NOW + 2000, endedAt: NOW + 9000, talkSeconds: 7, result: '已接通' } },
    ]);
  });

  it('a call CallBar ended itself (挂断 not confirmed) that the customer then answered: the platform’s 挂机 records it as talked', () => {
    const out = mapMessages([{ ...msg(1, 1, { cdrId: 'A' }), time: NOW + 1000 }, { ...msg(1, 3, { cdrId: 'A' }), time: NOW + 6000 }], endedA, NOW);
    expect(out.events).toEqual([
      { type: 'call.record', record: { vendorCallId: 'A', direction: 'outbound', number: CUSTOMER, startedAt: NOW - 10_000, answeredAt: NOW + 1000, endedAt: NOW + 6000, talkSeconds: 5, result: '已接通' } },
    ]);
    expect(out.state.call).toBe(endedA.call);
  });

  it('a call CallBar ended itself that never talked, or a repeated 挂机: no record (the row already says so)', () => {
    expect(mapMessages([msg(1, 3, { cdrId: 'A' })], endedA, NOW).events).toEqual([]);
    expect(mapMessages([msg(2, 3, { cdrId: 'B' })], dialingA, NOW).events).toEqual([]);
  });
});

describe('parseContent', () => {
  it.each<[unknown, ReturnType<typeof parseContent>]>([
    ['{"status":0,"cdrId":12,"paramvalue":"cb-1"}', { status: 0, cdrId: '12', paramvalue: 'cb-1' }],
    ['{"status":"3"}', { status: 3, cdrId: null, paramvalue: null }],
    ['{"status":1,"cdrId":"","paramvalue":""}', { status: 1, cdrId: null, paramvalue: null }],
    [{ status: 2, cdrId: 'x' }, { status: 2, cdrId: 'x', paramvalue: null }],
    ['', null],
    ['[1]', null],
    ['{"status":"x"}', null],
    ['{"status":1.5}', null],
    [null, null],
    [42, null],
  ])('%j', (content, expected) => {
    expect(parseContent(content)).toEqual(expected);
  });
});
