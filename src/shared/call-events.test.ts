import { describe, expect, it } from 'vitest';
import { applyCallEvent, applyEvents, type CallRecord, type EventState, newCallId, type ProviderEvent } from './call-events.ts';
import { resultText } from './call-history.ts';
import { callStateLabel } from './format.ts';
import type { Call, CallState } from './call-state.ts';

const NOW = 50_000;

function call(state: Exclude<CallState, 'idle'>, extra: Partial<Call> = {}): Call {
  return Object.freeze({
    id: 'c1',
    direction: 'outbound',
    number: '13912345678',
    state,
    startedAt: 1_000,
    muted: false,
    ...(state === 'connected' || state === 'held' ? { connectedAt: 2_000 } : {}),
    ...(state === 'ended' ? { endedAt: 3_000 } : {}),
    ...extra,
  }) as Call;
}

describe('new calls', () => {
  it('call.dialing with no call starts an outbound call', () => {
    const result = applyCallEvent(null, { type: 'call.dialing', number: '13912345678', vendorCallId: '7' }, NOW);
    expect(result.changed).toBe(true);
    expect(result.rejected).toBeUndefined();
    expect(result.call).toMatchObject({
      direction: 'outbound',
      number: '13912345678',
      vendorCallId: '7',
      state: 'dialing',
      startedAt: NOW,
      muted: false,
    });
    expect(result.call?.id).toMatch(/\S/);
  });

  it('call.incoming with no call starts an inbound call', () => {
    const result = applyCallEvent(null, { type: 'call.incoming', number: '10086' }, NOW);
    expect(result.changed).toBe(true);
    expect(result.call).toMatchObject({ direction: 'inbound', number: '10086', state: 'incoming', startedAt: NOW });
    expect(result.call).not.toHaveProperty('vendorCallId');
  });

  it.each([
    ['call.dialing', 'dialing', 'outbound'],
    ['call.incoming', 'incoming', 'inbound'],
  ] as const)('%s after an ended call replaces it with a new one', (type, state, direction) => {
    const ended = call('ended', { cause: '对方挂断' });
    const result = applyCallEvent(ended, { type, number: '10010' }, NOW);
    expect(result.changed).toBe(true);
    expect(result.call).toMatchObject({ state, direction, number: '10010', startedAt: NOW });
    expect(result.call?.id).not.toBe(ended.id);
    expect(result.call).not.toHaveProperty('cause');
  });

  it('every new call gets its own id, even in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newCallId(NOW)));
    expect(ids.size).toBe(50);
  });
});

describe('duplicates are no-ops', () => {
  it.each<{ name: string; current: Call; event: ProviderEvent }>([
    // The extension shows `dialing` at once; the vendor's own makeCall confirms it.
    { name: 'dialing the same number again', current: call('dialing'), event: { type: 'call.dialing', number: '13912345678' } },
    { name: 'dialing the same number, formatted', current: call('dialing'), event: { type: 'call.dialing', number: '139 1234-5678' } },
    { name: 'dialing the same number with +86', current: call('dialing'), event: { type: 'call.dialing', number: '+8613912345678' } },
    { name: 'incoming twice', current: call('incoming', { number: '10086' }), event: { type: 'call.incoming', number: '10086' } },
    { name: 'ringing twice', current: call('ringing'), event: { type: 'call.ringing' } },
    { name: 'connected twice', current: call('connected'), event: { type: 'call.connected' } },
    { name: 'held twice', current: call('held'), event: { type: 'call.held' } },
    { name: 'resumed while connected', current: call('connected'), event: { type: 'call.resumed' } },
    { name: 'ended twice', current: call('ended'), event: { type: 'call.ended', cause: '对方挂断' } },
    { name: 'muted while muted', current: call('connected', { muted: true }), event: { type: 'call.muted', muted: true } },
    { name: 'unmuted while not muted', current: call('connected'), event: { type: 'call.muted', muted: false } },
  ])('$name', ({ current, event }) => {
    const result = applyCallEvent(current, event, NOW);
    expect(result).toEqual({ call: current, changed: false });
    expect(result.call).toBe(current);
  });

  it('ringing while incoming leaves the incoming call as it is (answer must stay possible)', () => {
    const current = call('incoming', { direction: 'inbound', number: '10086' });
    const result = applyCallEvent(current, { type: 'call.ringing' }, NOW);
    expect(result.changed).toBe(false);
    expect(result.call).toBe(current);
  });

  // BUG: an inbound call that rings is not a forbidden move but a duplicate of what the
  // agent already sees; applyCallEvent reports it as rejected (and the engine logs
  // "ignored call.ringing: Invalid call state transition from incoming to ringing").
  it('ringing while incoming is not reported as a rejected move', () => {
    const current = call('incoming', { direction: 'inbound', number: '10086' });
    const result = applyCallEvent(current, { type: 'call.ringing' }, NOW);
    expect(result).toEqual({ call: current, changed: false });
  });
});

describe('moves the state machine forbids are rejected, reported and not applied', () => {
  it.each<{ name: string; current: Call | null; event: ProviderEvent; from: string; to: string }>([
    { name: 'ringing with no call', current: null, event: { type: 'call.ringing' }, from: 'idle', to: 'ringing' },
    { name: 'connected with no call', current: null, event: { type: 'call.connected' }, from: 'idle', to: 'connected' },
    { name: 'held with no call', current: null, event: { type: 'call.held' }, from: 'idle', to: 'held' },
    { name: 'connected after ended', current: call('ended'), event: { type: 'call.connected' }, from: 'ended', to: 'connected' },
    { name: 'ringing after connected', current: call('connected'), event: { type: 'call.ringing' }, from: 'connected', to: 'ringing' },
    { name: 'held while still dialing', current: call('dialing'), event: { type: 'call.held' }, from: 'dialing', to: 'held' },
    {
      name: 'dialing another number during a call',
      current: call('connected'),
      event: { type: 'call.dialing', number: '10086' },
      from: 'connected',
      to: 'dialing',
    },
    {
      name: 'a different number dialing while dialing',
      current: call('dialing'),
      event: { type: 'call.dialing', number: '10086' },
      from: 'dialing',
      to: 'dialing',
    },
    {
      name: 'incoming while connected',
      current: call('connected'),
      event: { type: 'call.incoming', number: '10086' },
      from: 'connected',
      to: 'incoming',
    },
  ])('$name', ({ current, event, from, to }) => {
    const result = applyCallEvent(current, event, NOW);
    expect(result.changed).toBe(false);
    expect(result.call).toBe(current);
    expect(result.rejected).toContain(from);
    expect(result.rejected).toContain(to);
  });
});

describe('call.ended', () => {
  it.each(['dialing', 'ringing', 'incoming', 'connected', 'held'] as const)('ends a %s call with its cause', (state) => {
    const current = call(state, { muted: state === 'connected' });
    const result = applyCallEvent(current, { type: 'call.ended', cause: '对方忙' }, NOW);
    expect(result.changed).toBe(true);
    expect(result.call).toMatchObject({ id: 'c1', state: 'ended', endedAt: NOW, cause: '对方忙', muted: false });
  });

  it('on no call is a no-op (not a rejection)', () => {
    expect(applyCallEvent(null, { type: 'call.ended', cause: '对方挂断' }, NOW)).toEqual({ call: null, changed: false });
  });
});

describe('the start of a call already over here, again (a replay after a reconnect or a restart)', () => {
  it('a call the platform ended: nothing new', () => {
    const over = call('ended', { vendorCallId: 'v1', connectedAt: 2_000, cause: '对方挂断' });
    expect(applyCallEvent(over, { type: 'call.dialing', number: '13912345678', vendorCallId: 'v1' }, NOW)).toEqual({ call: over, changed: false });
    expect(applyEvents({ call: over, agentState: null, agentStateSince: null, note: null }, [{ type: 'call.dialing', number: '13912345678', vendorCallId: 'v1' }, { type: 'call.connected' }, { type: 'call.ended' }], NOW).state.call).toBe(over);
  });

  it('a call CallBar ended on its own (挂断 unconfirmed): the same call is up again, as it was', () => {
    const talked = applyCallEvent(call('connected', { vendorCallId: 'v1' }), { type: 'call.ended', cause: '平台未确认挂断', here: true }, NOW).call!;
    expect(talked).toMatchObject({ state: 'ended', endedHere: true });
    expect(applyCallEvent(talked, { type: 'call.dialing', number: '13912345678', vendorCallId: 'v1' }, NOW + 1).call).toEqual(call('connected', { vendorCallId: 'v1' }));
    const ringing = applyCallEvent(call('ringing', { vendorCallId: 'v2' }), { type: 'call.ended', here: true }, NOW).call!;
    expect(applyCallEvent(ringing, { type: 'call.dialing', number: '13912345678', vendorCallId: 'v2' }, NOW + 1).call).toMatchObject({ id: 'c1', state: 'dialing' });
    // Another call of the platform is a new call.
    expect(applyCallEvent(talked, { type: 'call.dialing', number: '13912345678', vendorCallId: 'v9' }, NOW + 1).call).toMatchObject({ state: 'dialing', vendorCallId: 'v9' });
    expect(applyCallEvent(talked, { type: 'call.dialing', number: '13912345678', vendorCallId: 'v9' }, NOW + 1).call?.id).not.toBe('c1');
  });
});

describe('call.muted: only on an active call', () => {
  it.each(['dialing', 'ringing', 'incoming', 'connected', 'held'] as const)('mutes and unmutes a %s call', (state) => {
    const muted = applyCallEvent(call(state), { type: 'call.muted', muted: true }, NOW);
    expect(muted.changed).toBe(true);
    expect(muted.call).toMatchObject({ state, muted: true });
    const unmuted = applyCallEvent(muted.call, { type: 'call.muted', muted: false }, NOW);
    expect(unmuted.changed).toBe(true);
    expect(unmuted.call).toMatchObject({ state, muted: false });
  });

  it.each([
    ['no call', null],
    ['an ended call', call('ended')],
  ] as const)('is ignored with %s', (_name, current) => {
    expect(applyCallEvent(current, { type: 'call.muted', muted: true }, NOW)).toEqual({ call: current, changed: false });
  });
});

describe('call.resumed: only from held', () => {
  it('held → connected, keeping the first connectedAt', () => {
    const result = applyCallEvent(call('held', { connectedAt: 2_000 }), { type: 'call.resumed' }, NOW);
    expect(result.changed).toBe(true);
    expect(result.call).toMatchObject({ state: 'connected', connectedAt: 2_000 });
  });

  it.each([
    ['no call', null],
    ['dialing', call('dialing')],
    ['connected', call('connected')],
    ['ended', call('ended')],
  ] as const)('is a no-op with %s', (_name, current) => {
    expect(applyCallEvent(current, { type: 'call.resumed' }, NOW)).toEqual({ call: current, changed: false });
  });
});

describe('a normal call, event by event', () => {
  it('outbound: dialing → ringing → connected → held → resumed → ended', () => {
    const events: ProviderEvent[] = [
      { type: 'call.dialing', number: '13912345678' },
      { type: 'call.dialing', number: '13912345678', vendorCallId: '3' },
      { type: 'call.ringing' },
      { type: 'call.connected' },
      { type: 'call.connected' },
      { type: 'call.held' },
      { type: 'call.resumed' },
      { type: 'call.ended', cause: '对方挂断' },
    ];
    let current: Call | null = null;
    const changes: boolean[] = [];
    events.forEach((event, i) => {
      const result = applyCallEvent(current, event, 1_000 * (i + 1));
      expect(result.rejected).toBeUndefined();
      changes.push(result.changed);
      current = result.call;
    });
    // The vendor's confirmation of the shown call adds its call id (a change) but starts nothing new.
    expect(changes).toEqual([true, true, true, true, false, true, true, true]);
    expect(current).toMatchObject({ vendorCallId: '3', state: 'ended', direction: 'outbound', startedAt: 1_000, connectedAt: 4_000, endedAt: 8_000, cause: '对方挂断' });
  });
});

describe('events that are not about the call', () => {
  it.each<ProviderEvent>([
    { type: 'agent.state', state: 'sipOnline' },
    { type: 'note', text: '正在转接到 8002' },
    { type: 'team', members: [{ id: '1002', name: '王芳', state: '空闲', kind: 'ready' }] },
  ])('$type leaves the call alone', (event) => {
    const current = call('connected');
    expect(applyCallEvent(current, event, NOW)).toEqual({ call: current, changed: false });
  });
});

describe('the platform\'s id arriving late', () => {
  it('a confirmation of the dialled call after it began to ring gives it the id and keeps its state', () => {
    const ringing = call('ringing');
    const result = applyCallEvent(ringing, { type: 'call.dialing', number: ringing.number, vendorCallId: 'occ-9' }, NOW);
    expect(result).toMatchObject({ changed: true, call: { state: 'ringing', vendorCallId: 'occ-9', id: ringing.id } });
    // Another id for a call that has one is another call: refused as before (a new dial while one rings).
    expect(applyCallEvent({ ...ringing, vendorCallId: 'occ-1' }, { type: 'call.dialing', number: ringing.number, vendorCallId: 'occ-2' }, NOW).rejected).toBeDefined();
  });

  it('a number without digits (withheld, masked, nonsense) is the same number only as the very same text', () => {
    const withheld = call('incoming', { direction: 'inbound', number: '未知号码' });
    expect(applyCallEvent(withheld, { type: 'call.incoming', number: '未知号码', vendorCallId: 'CV1' }, NOW)).toMatchObject({ changed: true, call: { id: 'c1', state: 'incoming', vendorCallId: 'CV1' } });
    expect(applyCallEvent(withheld, { type: 'call.incoming', number: '', vendorCallId: 'CV1' }, NOW).rejected).toBeDefined();
    expect(applyCallEvent(withheld, { type: 'call.incoming', number: '匿名', vendorCallId: 'CV1' }, NOW).rejected).toBeDefined();
  });
});

describe('a platform record with its own end cause', () => {
  it('replaces the cause of the ended call it describes (the hang-up came first, the reason after)', () => {
    const ended = { ...call('ended'), vendorCallId: 'occ-1', cause: '已挂断' };
    const record: CallRecord = { vendorCallId: 'occ-1', direction: 'outbound', number: '13912345678', startedAt: NOW - 9_000, answeredAt: NOW - 7_000, endedAt: NOW, talkSeconds: 7, result: '正常结束（座席挂断）', endCause: '正常结束（座席挂断）' };
    const base = { call: ended, agentState: null, agentStateSince: null, note: null };
    expect(applyEvents(base, [{ type: 'call.record', record }], NOW).state.call?.cause).toBe('正常结束（座席挂断）');
    // Another call's record leaves this one alone.
    expect(applyEvents(base, [{ type: 'call.record', record: { ...record, vendorCallId: 'occ-2' } }], NOW).state.call?.cause).toBe('已挂断');
  });
});

describe('a team list', () => {
  it('replaces the one before (the whole list each time), stamped with the platform\'s time or now', () => {
    const base = { call: null, agentState: null, agentStateSince: null, note: null, team: null };
    const first = applyEvents(base, [{ type: 'team', members: [{ id: '1002', name: '王芳', state: '空闲', kind: 'ready' }] }], NOW).state;
    expect(first.team).toEqual({ members: [{ id: '1002', name: '王芳', state: '空闲', kind: 'ready' }], at: NOW });
    const second = applyEvents(first, [{ type: 'team', members: [], at: NOW - 5 }], NOW).state;
    expect(second.team).toEqual({ members: [], at: NOW - 5 });
  });
});

describe('number matching for duplicate dialing events', () => {
  const dialing = (number: string): Call => ({ id: 'c1', direction: 'outbound', number, state: 'dialing', startedAt: 0, muted: false });
  it.each([
    ['+86 139 1234 5678', '13912345678', false],
    ['13912345678', '8613912345678', false],
    ['13912345110', '110', true],
    ['13912345678', '', true],
  ])('dialing %s, vendor confirms %s → rejected: %s', (shown, confirmed, rejected) => {
    const result = applyCallEvent(dialing(shown), { type: 'call.dialing', number: confirmed }, 1);
    expect(result.rejected !== undefined).toBe(rejected);
    expect(result.call?.number).toBe(shown);
  });
});

describe('an outbound call whose answer the platform cannot see (dscom: "In use" while the customer rings)', () => {
  const session = (c: Call) => ({ agentState: 'ready', agentStateSince: 0, note: null, call: c });
  const record = (fields: Partial<CallRecord>): CallRecord => ({ vendorCallId: 'v1', direction: 'outbound', number: '13912345678', startedAt: 1_000, endedAt: 9_000, talkSeconds: 0, result: '无人接听', ...fields });
  const up = () => applyCallEvent(call('ringing', { vendorCallId: 'v1' }), { type: 'call.connected', answerUnknown: true }, 2_000).call!;

  it('is up (hold, transfer, hang up work) but reads 外呼中, never 通话中, and never 已接通 when it ends unrecorded', () => {
    const c = up();
    expect(c).toMatchObject({ state: 'connected', answerUnknown: true });
    expect(callStateLabel(c.state, c)).toBe('外呼中');
    expect(callStateLabel('connected', call('connected'))).toBe('通话中');
    const ended = applyCallEvent(c, { type: 'call.ended' }, 5_000).call!;
    expect(resultText(ended)).toBe('已结束');
  });

  it("the CDR says nobody answered: the ended call was never connected, and says why (the issue's 通话中 → 无人接听)", () => {
    const ended = applyCallEvent(up(), { type: 'call.ended' }, 5_000).call!;
    const { state } = applyEvents(session(ended), [{ type: 'call.record', record: record({}) }], 6_000);
    expect(state.call).toMatchObject({ state: 'ended', cause: '无人接听' });
    expect(state.call?.connectedAt).toBeUndefined();
    expect(state.call?.answerUnknown).toBeUndefined();
    expect(resultText(state.call!)).toBe('未接通 · 无人接听');
  });

  it('the CDR says the customer answered: connected from that moment (talk time from the answer, not from the agent picking up)', () => {
    const ended = applyCallEvent(up(), { type: 'call.ended' }, 9_000).call!;
    const { state } = applyEvents(session(ended), [{ type: 'call.record', record: record({ answeredAt: 4_000, talkSeconds: 5, result: '已接通' }) }], 9_500);
    expect(state.call).toMatchObject({ state: 'ended', connectedAt: 4_000 });
    expect(state.call?.answerUnknown).toBeUndefined();
    expect(resultText(state.call!)).toBe('已接通');
  });

  it("another call's record settles nothing", () => {
    const ended = applyCallEvent(up(), { type: 'call.ended' }, 5_000).call!;
    const { state } = applyEvents(session(ended), [{ type: 'call.record', record: record({ vendorCallId: 'other' }) }], 6_000);
    expect(state.call).toBe(ended);
  });
});

describe('a call the platform took over (click-to-call, open call)', () => {
  it('ends with its outcome unknown: 已结束, never 未接通, on the card and in recent calls', async () => {
    const { resultText } = await import('./call-history.ts');
    const dialing = applyCallEvent(null, { type: 'call.dialing', number: '13800000000', vendorCallId: 'CV1' }, 1_000).call!;
    const ended = applyCallEvent(dialing, { type: 'call.ended', cause: '平台已受理', outcomeUnknown: true }, 2_000).call!;
    expect(ended).toMatchObject({ state: 'ended', answerUnknown: true, cause: '平台已受理' });
    expect(resultText(ended)).toBe('已结束 · 平台已受理');
    const plain = applyCallEvent(dialing, { type: 'call.ended', cause: '对方忙' }, 2_000).call!;
    expect(resultText(plain)).toBe('未接通 · 对方忙');
  });
});

describe('vendor strings are capped where they enter the session', () => {
  const base: EventState = { call: null, agentState: null, agentStateSince: null, note: null };
  it('a 20 MB number, cause and note become a few hundred characters at most', () => {
    const huge = '9'.repeat(20_000_000);
    const { state } = applyEvents(base, [{ type: 'call.incoming', number: huge, vendorCallId: huge }, { type: 'note', text: huge }, { type: 'call.ended', cause: huge }], 1_000);
    expect(state.call?.number).toHaveLength(64);
    expect(state.call?.number.endsWith('…')).toBe(true);
    expect(state.call?.vendorCallId).toHaveLength(128);
    expect(state.call?.cause).toHaveLength(500);
    expect(state.note?.text).toHaveLength(500);
    expect(JSON.stringify(state).length).toBeLessThan(2_000);
  });
  it('ordinary values pass unchanged', () => {
    const { state } = applyEvents(base, [{ type: 'call.dialing', number: '13800138000', vendorCallId: 'CV1' }], 1_000);
    expect(state.call).toMatchObject({ number: '13800138000', vendorCallId: 'CV1' });
  });
});
