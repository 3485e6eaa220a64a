import { describe, expect, it } from 'vitest';
import {
  type Call,
  type CallState,
  canTransition,
  inTalk,
  InvalidTransitionError,
  isActive,
  type NewCall,
  stateOf,
  talkSeconds,
  transition,
} from './call-state.ts';

/**
 * The state machine written out independently of CALL_TRANSITIONS: any change to
 * the production table (an added or removed move) makes one of the 49 pair tests fail.
 */
const STATES: readonly CallState[] = ['idle', 'dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'];

const LEGAL: ReadonlySet<string> = new Set([
  'idle→dialing',
  'idle→incoming',
  'dialing→ringing',
  'dialing→connected',
  'dialing→ended',
  'ringing→connected',
  'ringing→ended',
  'incoming→connected',
  'incoming→ended',
  'connected→held',
  'connected→ended',
  'held→connected',
  'held→ended',
  'ended→idle',
  'ended→dialing',
  'ended→incoming',
]);

const AT = 9_000;

/** One call in every state, written literally (not built with transition()). */
const CALLS: Readonly<Record<CallState, Call | null>> = {
  idle: null,
  dialing: Object.freeze({ id: 'c1', vendorCallId: 'v1', direction: 'outbound', number: '13912345678', state: 'dialing', startedAt: 1_000, muted: false }),
  ringing: Object.freeze({ id: 'c1', vendorCallId: 'v1', direction: 'outbound', number: '13912345678', state: 'ringing', startedAt: 1_000, muted: false }),
  incoming: Object.freeze({ id: 'c2', direction: 'inbound', number: '10086', state: 'incoming', startedAt: 1_000, muted: false }),
  connected: Object.freeze({ id: 'c1', direction: 'outbound', number: '13912345678', state: 'connected', startedAt: 1_000, connectedAt: 2_000, muted: true }),
  held: Object.freeze({ id: 'c1', direction: 'outbound', number: '13912345678', state: 'held', startedAt: 1_000, connectedAt: 2_000, muted: true }),
  ended: Object.freeze({ id: 'c0', direction: 'inbound', number: '10010', state: 'ended', startedAt: 100, connectedAt: 200, endedAt: 500, muted: false, cause: '对方挂断' }),
};

const OUTBOUND: NewCall = { id: 'c9', direction: 'outbound', number: '13800000000' };
const INBOUND: NewCall = { id: 'c8', vendorCallId: '42', direction: 'inbound', number: '021-5555' };

/** What each legal move must return (given the fixture above, AT and the start/cause passed). */
const EXPECTED: Readonly<Record<string, { start?: NewCall; cause?: string; result: Call | null }>> = {
  'idle→dialing': {
    start: OUTBOUND,
    result: { id: 'c9', direction: 'outbound', number: '13800000000', state: 'dialing', startedAt: AT, muted: false },
  },
  'idle→incoming': {
    start: INBOUND,
    result: { id: 'c8', vendorCallId: '42', direction: 'inbound', number: '021-5555', state: 'incoming', startedAt: AT, muted: false },
  },
  'dialing→ringing': {
    result: { id: 'c1', vendorCallId: 'v1', direction: 'outbound', number: '13912345678', state: 'ringing', startedAt: 1_000, muted: false },
  },
  'dialing→connected': {
    result: { id: 'c1', vendorCallId: 'v1', direction: 'outbound', number: '13912345678', state: 'connected', startedAt: 1_000, connectedAt: AT, muted: false },
  },
  'dialing→ended': {
    cause: '对方忙',
    result: { id: 'c1', vendorCallId: 'v1', direction: 'outbound', number: '13912345678', state: 'ended', startedAt: 1_000, endedAt: AT, muted: false, cause: '对方忙' },
  },
  'ringing→connected': {
    result: { id: 'c1', vendorCallId: 'v1', direction: 'outbound', number: '13912345678', state: 'connected', startedAt: 1_000, connectedAt: AT, muted: false },
  },
  'ringing→ended': {
    cause: '无人接听',
    result: { id: 'c1', vendorCallId: 'v1', direction: 'outbound', number: '13912345678', state: 'ended', startedAt: 1_000, endedAt: AT, muted: false, cause: '无人接听' },
  },
  'incoming→connected': {
    result: { id: 'c2', direction: 'inbound', number: '10086', state: 'connected', startedAt: 1_000, connectedAt: AT, muted: false },
  },
  'incoming→ended': {
    result: { id: 'c2', direction: 'inbound', number: '10086', state: 'ended', startedAt: 1_000, endedAt: AT, muted: false },
  },
  'connected→held': {
    result: { id: 'c1', direction: 'outbound', number: '13912345678', state: 'held', startedAt: 1_000, connectedAt: 2_000, muted: true },
  },
  'connected→ended': {
    cause: '坐席挂断',
    result: { id: 'c1', direction: 'outbound', number: '13912345678', state: 'ended', startedAt: 1_000, connectedAt: 2_000, endedAt: AT, muted: false, cause: '坐席挂断' },
  },
  'held→connected': {
    result: { id: 'c1', direction: 'outbound', number: '13912345678', state: 'connected', startedAt: 1_000, connectedAt: 2_000, muted: true },
  },
  'held→ended': {
    result: { id: 'c1', direction: 'outbound', number: '13912345678', state: 'ended', startedAt: 1_000, connectedAt: 2_000, endedAt: AT, muted: false },
  },
  'ended→idle': { result: null },
  'ended→dialing': {
    start: OUTBOUND,
    result: { id: 'c9', direction: 'outbound', number: '13800000000', state: 'dialing', startedAt: AT, muted: false },
  },
  'ended→incoming': {
    start: INBOUND,
    result: { id: 'c8', vendorCallId: '42', direction: 'inbound', number: '021-5555', state: 'incoming', startedAt: AT, muted: false },
  },
};

const PAIRS = STATES.flatMap((from) => STATES.map((to) => ({ from, to, key: `${from}→${to}` })));

describe('transition: every (from, to) pair', () => {
  it('the expected tables agree with each other (16 legal moves)', () => {
    expect(LEGAL.size).toBe(16);
    expect(Object.keys(EXPECTED).sort()).toEqual([...LEGAL].sort());
  });

  it.each(PAIRS.filter((p) => LEGAL.has(p.key)))('$key is legal and gives the expected call', ({ from, to, key }) => {
    const row = EXPECTED[key]!;
    expect(canTransition(from, to)).toBe(true);
    const result = transition(CALLS[from], to, AT, row.start, row.cause);
    expect(result).toStrictEqual(row.result);
  });

  it.each(PAIRS.filter((p) => !LEGAL.has(p.key)))('$key is refused with InvalidTransitionError', ({ from, to }) => {
    expect(canTransition(from, to)).toBe(false);
    // Pass a start identity and a cause so that only the table can be the reason for refusal.
    let thrown: unknown;
    try {
      transition(CALLS[from], to, AT, OUTBOUND, '对方挂断');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTransitionError);
    const error = thrown as InvalidTransitionError;
    expect(error.from).toBe(from);
    expect(error.to).toBe(to);
    expect(error.message).toBe(`Invalid call state transition from ${from} to ${to}`);
  });
});

describe('transition: details', () => {
  it.each([
    ['idle', 'dialing'],
    ['idle', 'incoming'],
    ['ended', 'dialing'],
    ['ended', 'incoming'],
  ] as const)('%s → %s without the new call identity throws (no half-made call)', (from, to) => {
    expect(() => transition(CALLS[from], to, AT)).toThrow(/needs the new call's identity/);
  });

  it('keeps the first connectedAt through hold and resume', () => {
    let call = transition(null, 'dialing', 1_000, OUTBOUND);
    call = transition(call, 'connected', 2_000);
    call = transition(call, 'held', 3_000);
    call = transition(call, 'connected', 4_000);
    expect(call.connectedAt).toBe(2_000);
    call = transition(call, 'ended', 10_000);
    expect(call).toMatchObject({ state: 'ended', connectedAt: 2_000, endedAt: 10_000 });
    expect(talkSeconds(call, 99_000)).toBe(8);
  });

  it('ending a call without a cause sets no cause', () => {
    const ended = transition(CALLS.connected, 'ended', AT);
    expect(ended).not.toHaveProperty('cause');
  });

  it('a new call after an ended one carries nothing over from it', () => {
    const next = transition(CALLS.ended, 'dialing', AT, OUTBOUND);
    expect(next).not.toHaveProperty('endedAt');
    expect(next).not.toHaveProperty('connectedAt');
    expect(next).not.toHaveProperty('cause');
  });

  it('never mutates the call it is given', () => {
    const before = structuredClone(CALLS.connected);
    transition(CALLS.connected, 'ended', AT, undefined, '对方挂断');
    expect(CALLS.connected).toStrictEqual(before);
  });
});

describe('stateOf / isActive / inTalk', () => {
  it.each([
    ['idle', false, false],
    ['dialing', true, false],
    ['ringing', true, false],
    ['incoming', true, false],
    ['connected', true, true],
    ['held', true, true],
    ['ended', false, false],
  ] as const)('%s: active=%s, in talk=%s', (state, active, talking) => {
    expect(stateOf(CALLS[state])).toBe(state);
    expect(isActive(CALLS[state])).toBe(active);
    expect(inTalk(CALLS[state])).toBe(talking);
  });

  it('undefined is idle, not active, not in talk', () => {
    expect(stateOf(undefined)).toBe('idle');
    expect(isActive(undefined)).toBe(false);
    expect(inTalk(undefined)).toBe(false);
  });
});

describe('talkSeconds', () => {
  const base: Call = { id: 'c', direction: 'outbound', number: '10086', state: 'connected', startedAt: 0, muted: false };

  it.each([
    { name: 'never connected', call: { ...base, state: 'ringing' as const }, now: 50_000, seconds: 0 },
    { name: 'ended without connecting', call: { ...base, state: 'ended' as const, endedAt: 9_000 }, now: 50_000, seconds: 0 },
    { name: 'connected, counts up to now', call: { ...base, connectedAt: 10_000 }, now: 75_000, seconds: 65 },
    { name: 'rounds down to whole seconds', call: { ...base, connectedAt: 10_000 }, now: 11_999, seconds: 1 },
    { name: 'just connected', call: { ...base, connectedAt: 10_000 }, now: 10_000, seconds: 0 },
    { name: 'ended: stops at endedAt', call: { ...base, state: 'ended' as const, connectedAt: 10_000, endedAt: 40_500 }, now: 999_000, seconds: 30 },
    { name: 'clock went backwards: never negative', call: { ...base, connectedAt: 10_000 }, now: 5_000, seconds: 0 },
  ])('$name → $seconds s', ({ call, now, seconds }) => {
    expect(talkSeconds(call, now)).toBe(seconds);
  });
});
