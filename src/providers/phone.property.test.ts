/**
 * The browser phone's reports fed to the code that turns them into the session's call and words
 * (fast-check, issue 16): phone-calls.ts (the phone's call → ProviderEvents), phone-text.ts (its
 * failures, banners and end causes in words) and sip-mapper.ts (the SIP provider's whole mapping),
 * for every status of the documented shape — every state against every call the session may show,
 * huge strings — and for PhoneStatus-shaped objects with wrong types and missing fields, which must
 * not throw (the service worker drops those before a session sees them: background/phone-link.ts).
 * Also the SIP settings: any input is parsed to settings of the right types or refused in words.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyEvents } from '../shared/call-events.ts';
import type { Call } from '../shared/call-state.ts';
import { CallbarError } from '../shared/errors.ts';
import type { PhoneCall, PhoneEndCause, PhoneStatus } from '../shared/softphone.ts';
import { phoneCallEvents } from './phone-calls.ts';
import { phoneEndText, phoneError, phoneProblem } from './phone-text.ts';
import { sipAccount } from './sip/index.ts';
import { sipSettingsSchema } from './sip/sip-info.ts';
import { sipEvents } from './sip/sip-mapper.ts';

const str = z.string();
const num = z.number().finite();
const providerEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('call.dialing'), number: str, vendorCallId: str.min(1) }),
  z.strictObject({ type: z.literal('call.incoming'), number: str, vendorCallId: str.min(1) }),
  z.strictObject({ type: z.literal('call.ringing') }),
  z.strictObject({ type: z.literal('call.connected') }),
  z.strictObject({ type: z.literal('call.held') }),
  z.strictObject({ type: z.literal('call.resumed') }),
  z.strictObject({ type: z.literal('call.ended'), cause: str.min(1).optional() }),
  z.strictObject({ type: z.literal('call.muted'), muted: z.boolean() }),
  z.strictObject({ type: z.literal('agent.state'), state: z.enum(['ready', 'dnd', 'unregistered']) }),
  z.strictObject({ type: z.literal('call.digits'), digits: str.min(1) }),
  z.strictObject({ type: z.literal('call.quality'), quality: z.object({ mos: num, samples: num }) }),
]);

function valid(schema: z.ZodType, value: unknown, what: string): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what} is not valid: ${JSON.stringify(value)?.slice(0, 300)} — ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
}

const CAUSES: PhoneEndCause[] = ['local-hangup', 'remote-hangup', 'busy', 'rejected', 'declined-locally', 'no-answer', 'canceled', 'not-found', 'unavailable', 'transferred', 'media-failed', 'microphone', 'connection-lost', 'auth', 'failed'];
const T = 1_700_000_000_000;
const huge = '9'.repeat(100_000);

/** A call of the documented shape: any state, any id the session may or may not know, huge strings. */
const phoneCall: fc.Arbitrary<PhoneCall> = fc.record(
  {
    id: fc.constantFrom('p1', 'p2', 'x'.repeat(300)),
    direction: fc.constantFrom('outbound' as const, 'inbound' as const),
    remote: fc.oneof(fc.constantFrom('13800138000', '', huge), fc.string()),
    remoteName: fc.string(),
    state: fc.constantFrom('dialing' as const, 'ringing' as const, 'incoming' as const, 'connected' as const, 'held' as const, 'ended' as const),
    muted: fc.boolean(),
    startedAt: fc.constant(T),
    connectedAt: fc.constant(T + 1000),
    endedAt: fc.constant(T + 5000),
    cause: fc.constantFrom(...CAUSES),
    code: fc.integer({ min: 100, max: 699 }),
    digits: fc.oneof(fc.constantFrom('', '123#', huge), fc.string()),
    quality: fc.record({ mos: fc.double({ min: 1, max: 4.5, noNaN: true }), rttMs: fc.nat(), jitterMs: fc.nat(), lossPct: fc.nat(100), poor: fc.boolean(), worstMos: fc.constant(1), meanMos: fc.constant(3), samples: fc.nat(50) }),
    autoAnswered: fc.boolean(),
  },
  { requiredKeys: ['id', 'direction', 'remote', 'state', 'muted', 'startedAt', 'digits'] },
);
const phoneStatus: fc.Arbitrary<PhoneStatus> = fc.record(
  {
    instance: fc.constant('doc1'),
    seq: fc.nat(),
    account: fc.constantFrom(null, 'wss://pbx sip:1001@pbx '),
    registration: fc.constantFrom('unregistered' as const, 'registering' as const, 'registered' as const, 'failed' as const, 'reconnecting' as const),
    registrationError: fc.record({ cause: fc.constantFrom('auth' as const, 'unreachable' as const, 'refused' as const, 'timeout' as const), code: fc.integer({ min: 100, max: 699 }) }, { requiredKeys: ['cause'] }),
    dnd: fc.boolean(),
    mic: fc.constantFrom('unknown' as const, 'ok' as const, 'denied' as const, 'missing' as const, 'lost' as const),
    call: fc.option(phoneCall, { nil: null }),
    retries: fc.nat(20),
  },
  { requiredKeys: ['instance', 'seq', 'account', 'registration', 'dnd', 'mic', 'call', 'retries'] },
);

const base = { id: 'c1', startedAt: T - 1000, muted: false } as const;
/** Every call the session may show, with the phone's ids and others. */
const shown = fc.constantFrom<Call | null>(
  null,
  { ...base, direction: 'outbound', number: '13800138000', state: 'dialing' },
  { ...base, direction: 'outbound', number: '13800138000', state: 'dialing', vendorCallId: 'p1' },
  { ...base, direction: 'outbound', number: '13800138000', state: 'ringing', vendorCallId: 'p1' },
  { ...base, direction: 'inbound', number: '13900000000', state: 'incoming', vendorCallId: 'p1' },
  { ...base, direction: 'inbound', number: '13900000000', state: 'connected', vendorCallId: 'p1', connectedAt: T, digits: '1' },
  { ...base, direction: 'outbound', number: '13800138000', state: 'held', vendorCallId: 'p1', connectedAt: T, muted: true },
  { ...base, direction: 'outbound', number: '13800138000', state: 'ended', vendorCallId: 'p1', endedAt: T },
  { ...base, direction: 'outbound', number: '13800138000', state: 'connected', vendorCallId: 'p2', connectedAt: T },
);

describe('the phone’s status → the session', () => {
  it('every documented status against every call shown: valid events the engine applies without an impossible move', () => {
    fc.assert(
      fc.property(phoneStatus, shown, fc.constantFrom(undefined, 'p1', 'p2'), fc.constantFrom(null, 'ready', 'dnd', 'unregistered'), (status, call, seen, agentState) => {
        const events = sipEvents({ call, agentState }, status, seen);
        for (const e of events) valid(providerEvent, e, 'event');
        const applied = applyEvents({ call, agentState, agentStateSince: null, note: null }, events, T + 10_000);
        expect(applied.rejected).toEqual([]);
        const problem = phoneProblem(status, 'wss://pbx.example.com');
        if (problem) expect(problem.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('PhoneStatus-shaped objects with wrong types and missing fields: no exception', () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom({ toString: 1 }, [{ valueOf: null }], '__proto__', 'constructor', 'toString', 'x'.repeat(5000)));
    const shaped = fc.record(
      {
        instance: anything,
        seq: anything,
        account: anything,
        registration: fc.oneof(fc.constantFrom('registered', 'reconnecting'), anything),
        registrationError: fc.oneof(fc.record({ cause: fc.oneof(fc.constantFrom('auth', 'toString'), anything), code: anything }, { requiredKeys: [] }), anything),
        dnd: anything,
        mic: fc.oneof(fc.constantFrom('lost', 'denied'), anything),
        call: fc.oneof(
          fc.record(
            { id: anything, direction: anything, remote: anything, state: fc.oneof(fc.constantFrom('connected', 'ended', 'held'), anything), muted: anything, connectedAt: anything, cause: fc.oneof(fc.constantFrom(...CAUSES, 'constructor', '__proto__', 'toString'), anything), code: anything, digits: anything, quality: anything, autoAnswered: anything },
            { requiredKeys: [] },
          ),
          anything,
        ),
        retries: anything,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, shown, (status, call) => {
        const s = status as unknown as PhoneStatus;
        sipEvents({ call, agentState: null }, s, 'p1');
        phoneProblem(s, 'wss://pbx.example.com');
        const cause = phoneEndText((s.call as PhoneCall | null)?.cause, (s.call as PhoneCall | null)?.code);
        expect(cause === undefined || (typeof cause === 'string' && cause.length > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('phone failures of any code and cause are CallbarErrors in words', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('microphone', 'registration', 'invalid', 'document', 'constructor', 'toString')), fc.string(), fc.option(fc.oneof(fc.string(), fc.constantFrom('auth', 'denied', 'toString', '__proto__')), { nil: undefined }), (code, message, cause) => {
        const e = phoneError({ code, message, ...(cause !== undefined ? { cause } : {}) }, 'wss://pbx.example.com');
        expect(e).toBeInstanceOf(CallbarError);
        expect(typeof e.message).toBe('string');
        expect(e.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('an end cause an object inherits (constructor, __proto__, toString) is the plain “call failed”, never a function', () => {
    for (const cause of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(phoneEndText(cause as PhoneEndCause)).toBe(phoneEndText('failed'));
      const events = phoneCallEvents({ ...base, direction: 'outbound', number: '1', state: 'connected', vendorCallId: 'p1', connectedAt: T }, { id: 'p1', direction: 'outbound', remote: '1', state: 'ended', muted: false, startedAt: T, digits: '', cause: cause as PhoneEndCause });
      expect(events).toEqual([{ type: 'call.ended', cause: phoneEndText('failed') }]);
    }
  });
});

describe('SIP settings: any input is settings of the right types, or refused in words', () => {
  it('sipSettingsSchema, then the phone account built from it', () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom({ toString: 1 }, 'x'.repeat(20_000), `${'a.'.repeat(200)}b`, '-'.repeat(300)));
    const field = (...documented: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...documented) }, { weight: 1, arbitrary: fc.string() }, { weight: 1, arbitrary: anything });
    const settings = fc.record(
      {
        wsUrl: field('wss://pbx.example.com:8089/ws', 'ws://192.168.1.5:5066', 'ws://pbx.example.com', 'wss://'),
        user: field('1001', '1001@pbx.example.com', 'sip:1001@pbx', '1001@'),
        domain: field('', 'pbx.example.com', 'pbx..com'),
        authUser: field('', '1001'),
        password: field('pw', ''),
        displayName: field('', '张三', 'a"b'),
        outboundProxy: field('', 'sip:proxy.example.com;lr'),
        iceServers: field('', 'stun:stun.l.google.com:19302', 'turn:turn.example.com turns:t2.example.com'),
        turnUsername: field('', 'u'),
        turnPassword: field('', 'p'),
        dtmfMode: field('rfc4733', 'info', 'toString'),
      },
      { requiredKeys: [] },
    );
    const started = performance.now();
    fc.assert(
      fc.property(settings, (input) => {
        const r = sipSettingsSchema.safeParse(input);
        if (!r.success) {
          for (const issue of r.error.issues) expect(issue.message.length).toBeGreaterThan(0);
          return;
        }
        const account = sipAccount(r.data);
        expect(account.uri).toMatch(/^sip:[^@]+@.+$/);
        expect(typeof account.wsUrl).toBe('string');
        for (const server of account.iceServers) expect(server.urls.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    // No pattern backtracks for long on a long value.
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
