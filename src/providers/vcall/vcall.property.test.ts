/**
 * v-call fed arbitrary and hostile input (fast-check, issue 16 “never stuck, never lost”): STOMP
 * message bodies (any string, any JSON, the right keys holding the wrong types, JSON 5,000 deep,
 * bodies of megabytes), HTTP replies to the token / control / dial requests, and saved cursors
 * (chrome.storage.session after an older version or a corrupted write). Each gives a valid result —
 * events whose fields have the documented types — or a CallbarError in words, never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fakeContext } from '../../../test/support/provider-context.ts';
import { applyEvents, type ProviderEvent } from '../../shared/call-events.ts';
import type { Call } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { createVcallProvider } from './index.ts';
import { afterCauseText, makeCallFailText } from './vcall-causes.ts';
import { VcallClient } from './vcall-client.ts';
import { vcallSettingsSchema } from './vcall-info.ts';
import { DOCUMENTED_EVENTS, mapEvent, type MapContext, MAX_BODY, messageKey, parseEvent, type VcallEffect } from './vcall-mapper.ts';
import { readCursor, type VcallAgentSession } from './vcall-session.ts';
import { isVcallToken, TokenKeeper, tokenAction } from './vcall-token.ts';

// ── What a valid result looks like ──────────────────────────────────────────────────────────

const str = z.string();
const num = z.number().finite();
const member = z.strictObject({ id: str, name: str, state: str.min(1), kind: z.enum(['ready', 'notReady', 'busy', 'afterCall', 'offline']), since: num.optional(), otherParty: str.optional() });
const quality = z.object({ mos: num, samples: num });
const record = z.object({ vendorCallId: str.min(1), direction: z.enum(['outbound', 'inbound']), number: str, startedAt: num, answeredAt: num.optional(), endedAt: num, talkSeconds: num.min(0), result: str, endCause: str.optional(), recording: str.optional() });
/** Every ProviderEvent, with the types call-events.ts documents. */
const providerEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('call.dialing'), number: str, vendorCallId: str.optional() }),
  z.strictObject({ type: z.literal('call.incoming'), number: str, vendorCallId: str.optional() }),
  z.strictObject({ type: z.literal('call.ringing') }),
  z.strictObject({ type: z.literal('call.connected'), answerUnknown: z.boolean().optional() }),
  z.strictObject({ type: z.literal('call.held') }),
  z.strictObject({ type: z.literal('call.resumed') }),
  z.strictObject({ type: z.literal('call.ended'), cause: str.optional(), outcomeUnknown: z.boolean().optional() }),
  z.strictObject({ type: z.literal('call.muted'), muted: z.boolean() }),
  z.strictObject({ type: z.literal('agent.state'), state: str.min(1), since: num.optional() }),
  z.strictObject({ type: z.literal('call.record'), record }),
  z.strictObject({ type: z.literal('call.digits'), digits: str }),
  z.strictObject({ type: z.literal('call.quality'), quality }),
  z.strictObject({ type: z.literal('note'), text: str.min(1) }),
  z.strictObject({ type: z.literal('team'), members: z.array(member), at: num.optional() }),
]);
const named = z.strictObject({ id: str.min(1), name: str.min(1) });
const loginDetails = z.strictObject({
  supervisor: z.boolean(),
  busyTypes: z.array(str),
  currentBusyType: str.optional(),
  groups: z.array(named),
  ivrs: z.array(named),
  loginType: str.optional(),
  webrtc: z.strictObject({ sipId: str, password: str, domain: str }).optional(),
  mayDial: z.boolean(),
});
const effect = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('login'), details: loginDetails, reconnect: z.boolean() }),
  z.strictObject({ type: z.literal('end'), reason: z.enum(['kick', 'sipError', 'logout']) }),
  z.strictObject({ type: z.literal('autoIdle'), seconds: num.min(0).nullable() }),
  z.strictObject({ type: z.literal('groups'), groups: z.array(named) }),
  z.strictObject({ type: z.literal('idleAgents'), agents: z.array(named) }),
  z.strictObject({ type: z.literal('team'), members: z.array(z.object({ agentNumber: str.min(1), agentName: str, nowState: str, operatingTime: num.optional(), peer: str.optional(), groups: z.array(named) })) }),
]);

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what} is not valid: ${JSON.stringify(value)?.slice(0, 300)} — ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
}

/** Resolves, or rejects with a CallbarError with words: anything else fails the property with what was thrown. */
async function settles<T>(run: () => Promise<T>): Promise<T | CallbarError> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof CallbarError)) throw new Error(`not a CallbarError: ${String((error as Error)?.name)} ${String((error as Error)?.message).slice(0, 160)}`);
    expect(error.message.length).toBeGreaterThan(0);
    return error;
  }
}

// ── Hostile input ───────────────────────────────────────────────────────────────────────────

const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** Names an object inherits: a lookup table indexed by a vendor string finds a function there. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
const hostile = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom({ toString: 1 }, { valueOf: null, toString: null }, [{ toString: 1 }], ...INHERITED, 'x'.repeat(5000), '', ' ', -1, 1e300, 0));
const DATA_KEYS = ['token', 'agentType', 'groupIdList', 'busyType', 'currentBusyType', 'agentMakeCall', 'loginType', 'webrtcSipId', 'webrtcSipPassword', 'webrtcDomain', 'groupInfoList', 'ivrList', 'callDirection', 'caller', 'called', 'occCallId', 'callType', 'userData', 'recordPath', 'cause', 'hangupDirection', 'beginTime', 'answerTime', 'endTime', 'data', 'agentAutoIdle', 'agentAutoIdleTime', 'groupList', 'agentList', 'infoList'];
const listOf = fc.array(fc.oneof(fc.dictionary(fc.constantFrom('id', 'name', 'agentNumber', 'agentName', 'nowState', 'operatingTime', 'peerId', 'groupList'), hostile), hostile), { maxLength: 4 });
const eventJson = fc.record(
  {
    type: fc.constant('event'),
    event: fc.oneof(fc.constantFrom(...DOCUMENTED_EVENTS), fc.constantFrom(...INHERITED), hostile),
    nowState: fc.oneof(fc.constantFrom('Login', 'Idle', 'Busy', 'After', 'Conversation', 'Logout', ...INHERITED), hostile),
    eventTime: fc.oneof(fc.integer({ min: -5, max: 2e12 }), hostile),
    sequence: fc.oneof(fc.nat(), hostile),
    agentNumber: fc.oneof(fc.constant('1001'), hostile),
    data: fc.oneof(fc.dictionary(fc.constantFrom(...DATA_KEYS), fc.oneof(hostile, listOf)), hostile),
  },
  { requiredKeys: ['event'] },
);
const body = fc.oneof(
  { weight: 6, arbitrary: eventJson.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constantFrom(deep(5000), deepObject(5000), `{"event":"Login","data":${deepObject(5000)}}`, `{"event":"Surveillance","data":{"agentList":${deep(5000)}}}`, `{"event":"After","data":{"data":"${'长'.repeat(300_000)}"}}`) },
);

const T = 1_700_000_000_000;
const dialing: Call = { id: 'c1', direction: 'outbound', number: '15800000000', state: 'dialing', startedAt: T - 5000, muted: false };
const CALLS: (Call | null)[] = [
  null,
  dialing,
  { ...dialing, vendorCallId: 'occ-1', state: 'ringing' },
  { ...dialing, vendorCallId: 'occ-1', state: 'connected', connectedAt: T - 2000 },
  { ...dialing, vendorCallId: 'occ-1', state: 'held', connectedAt: T - 2000 },
  { id: 'c2', direction: 'inbound', number: '13900000000', vendorCallId: 'occ-2', state: 'incoming', startedAt: T - 1000, muted: false },
  { ...dialing, state: 'ended', endedAt: T - 100 },
];
const context = fc.record({ call: fc.constantFrom(...CALLS), agentState: fc.constantFrom(null, 'idle', 'inCall', 'afterCall') });

// ── Properties ──────────────────────────────────────────────────────────────────────────────

describe('v-call events: any body is an event the session can apply, or a reason it is not', () => {
  it('parseEvent then mapEvent, in every kind of session', () => {
    fc.assert(
      fc.property(body, context, (text, ctx: MapContext) => {
        const parsed = parseEvent(text);
        if (!parsed.ok) {
          expect(parsed.error.length).toBeGreaterThan(0);
          expect(parsed.error.length).toBeLessThan(1000);
          return;
        }
        expect(typeof parsed.event.event).toBe('string');
        const { events, effects } = mapEvent(parsed.event, ctx);
        for (const e of events) valid(providerEvent, e, 'event');
        for (const e of effects) valid<VcallEffect>(effect, e, 'effect');
        // The engine takes them (an impossible move is logged and skipped there, never thrown).
        applyEvents({ call: ctx.call, agentState: ctx.agentState, agentStateSince: null, note: null }, events as ProviderEvent[], T);
      }),
      { numRuns: 400 },
    );
  });

  it('a name an object inherits is no event name and no agent state', () => {
    for (const name of INHERITED) {
      for (const ctx of CALLS.map((call) => ({ call, agentState: 'idle' }))) {
        const asEvent = parseEvent(JSON.stringify({ event: name, nowState: name, data: {} }));
        if (asEvent.ok) expect(mapEvent(asEvent.event, ctx).events).toEqual([]);
        const login = parseEvent(JSON.stringify({ event: 'Login', nowState: name, data: {} }));
        expect(login.ok && mapEvent(login.event, ctx).events).toEqual([{ type: 'agent.state', state: 'login' }]);
        const team = parseEvent(JSON.stringify({ event: 'Surveillance', data: { agentList: [{ agentNumber: '1002', nowState: name }] } }));
        expect(team.ok && mapEvent(team.event, ctx).events).toMatchObject([{ type: 'team', members: [{ id: '1002', kind: 'offline' }] }]);
      }
    }
  });

  it('messageKey: any body, a short key; a huge body in well under a second', () => {
    fc.assert(
      fc.property(body, (text) => {
        expect(messageKey(text)).toMatch(/^[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+$/);
      }),
      { numRuns: 100 },
    );
    const huge = 'x'.repeat(MAX_BODY * 4);
    const started = performance.now();
    expect(messageKey(huge)).not.toBe(messageKey(`${huge}y`));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(parseEvent(huge)).toMatchObject({ ok: false });
  });

  it('causes: any code and any platform text give words', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(undefined), fc.integer(), fc.double()), fc.oneof(fc.constant(undefined), fc.string(), fc.constant('x'.repeat(10_000))), fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 3 })), (cause, data, side) => {
        const text = afterCauseText(cause, data, side);
        expect(typeof text).toBe('string');
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThan(1000);
        const fail = makeCallFailText(data);
        expect(fail.length).toBeGreaterThan(0);
        expect(fail.length).toBeLessThan(1000);
      }),
      { numRuns: 200 },
    );
  });
});

describe('v-call agent session: messages in any order, with anything in them', () => {
  const AGENT = vcallSettingsSchema.parse({ mode: 'agent', server: 'https://cc.v-call.cn', companyId: 'co1', agentNumber: '1001', password: 'pw', loginType: '1', streamUrl: 'wss://cc.v-call.cn/ws', connectAccount: 'mq', connectPassword: 'mqpw', vhost: 'vh', subscribePath: '/exchange/agent/1001' });
  const ack = async (_url: string, init: RequestInit) => new Response(JSON.stringify({ code: '0', data: { sequence: JSON.parse(String(init.body)).sequence } }), { status: 200 });
  /** Mostly events of the agent's calls, so that calls are made, moved and ended. */
  const likely = fc.record({
    event: fc.constantFrom('AgentOriginate', 'AgentRinging', 'AgentAnswer', 'CalledRinging', 'CalledAnswer', 'Conversation', 'After', 'MakeCall', 'MakeCallFail', 'CancelCall', 'Mute', 'Idle', 'Reconnect', 'TransferCall'),
    nowState: fc.constantFrom('Idle', 'Conversation', 'After'),
    agentNumber: fc.constant('1001'),
    data: fc.record({ callDirection: fc.constantFrom(0, 1, 2, '1'), caller: fc.constantFrom('95000', '13900000000'), called: fc.constantFrom('15800000000', '1001'), occCallId: fc.constantFrom('occ-1', 'occ-2'), callType: fc.constantFrom('normal', 'consult'), cause: fc.constantFrom(0, 1017, 'busy'), answerTime: fc.constantFrom(0, T), endTime: fc.constant(T + 5000) }, { requiredKeys: [] }),
  });
  const message = fc.oneof({ weight: 4, arbitrary: likely.map((v) => JSON.stringify(v)) }, { weight: 1, arbitrary: body });

  it('every message is applied (or dropped as unreadable) without an impossible move; the call left is valid', async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 10 }), async (bodies) => {
        const { ctx, state } = fakeContext();
        const session = createVcallProvider(() => ({ close: () => undefined }), { fetch: ack, eventTimeoutMs: 50, heartbeatMs: 60_000 }).createSession(AGENT, ctx) as VcallAgentSession;
        // fakeContext's emit throws on an impossible move: onMessage would reject (and the broker redeliver it for ever).
        for (const b of bodies) await session.onMessage(b);
        if (state.call) {
          calls++;
          expect(typeof state.call.number).toBe('string');
          expect(state.call.number.length).toBeLessThanOrEqual(64);
        }
        valid(z.object({ applied: z.array(str) }), state.cursor ?? { applied: [] }, 'cursor');
      }),
      { numRuns: 80 },
    );
    expect(calls).toBeGreaterThan(5);
  });
});

describe('v-call HTTP replies: the value, or a CallbarError in words', () => {
  const TRAPS = ['{"code":{"toString":1},"msg":{"toString":1}}', '{"code":"0","data":{"token":{"toString":1},"expireTime":{"valueOf":1}}}', '{"code":0,"data":{"token":"t","expireTime":1e400}}', '{"code":"0000","data":{"callId":{"toString":1}}}', '{"code":"403","msg":' + deep(5000) + '}', deep(5000), deepObject(5000), '{"code":"0","data":' + deepObject(5000) + '}'];
  const reply = fc.oneof(
    { weight: 3, arbitrary: fc.record({ code: fc.oneof(fc.constantFrom('0', 0, '0000', '403', '1'), hostile), msg: hostile, data: fc.oneof(fc.dictionary(fc.constantFrom('token', 'expireTime', 'callId', 'sequence'), hostile), hostile) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string() },
    { weight: 2, arbitrary: fc.constantFrom(...TRAPS) },
  );

  it('token, control and dial', async () => {
    await fc.assert(
      fc.asyncProperty(reply, fc.constantFrom(200, 200, 403, 500), async (text, status) => {
        const client = new VcallClient({ server: 'https://cc.v-call.cn', fetch: async () => new Response(text, { status }) });
        const token = await settles(() => client.token('ak', 'sk'));
        if (!(token instanceof CallbarError)) {
          expect(token.token.length).toBeGreaterThan(0);
          expect(token.expireTime === null || typeof token.expireTime === 'number').toBe(true);
        }
        await settles(() => client.control({ companyId: 'co', agentNumber: '1001' }, { request: 'idle' }, 1));
        const callId = await settles(() => client.dial('openCall', { called: '13800138000' }));
        if (!(callId instanceof CallbarError)) expect(callId === undefined || (typeof callId === 'string' && callId.length > 0)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('v-call saved state: a hostile cursor is read as a valid one', () => {
  const loginLike = fc.record(
    {
      supervisor: hostile,
      busyTypes: fc.oneof(fc.array(hostile, { maxLength: 3 }), hostile),
      currentBusyType: hostile,
      groups: fc.oneof(fc.array(fc.oneof(fc.record({ id: hostile, name: hostile }, { requiredKeys: [] }), hostile), { maxLength: 3 }), hostile),
      ivrs: fc.oneof(fc.array(hostile, { maxLength: 2 }), hostile),
      loginType: hostile,
      webrtc: fc.oneof(fc.record({ sipId: hostile, password: hostile, domain: hostile }, { requiredKeys: [] }), hostile),
      mayDial: hostile,
    },
    { requiredKeys: [] },
  );
  const cursor = fc.oneof(
    hostile,
    fc.record({ v: hostile, login: fc.oneof(loginLike, hostile), autoIdle: hostile, applied: fc.oneof(fc.array(hostile, { maxLength: 3 }), hostile), ended: hostile, consult: fc.oneof(fc.record({ kind: fc.oneof(fc.constantFrom('agent', 'group', 'number', 'ivr'), hostile), target: hostile }, { requiredKeys: [] }), hostile), endedCalls: fc.oneof(fc.array(hostile, { maxLength: 3 }), hostile) }, { requiredKeys: [] }),
  );
  const vcallCursor = z.strictObject({
    v: z.literal(1),
    login: loginDetails.nullable(),
    autoIdle: num.min(0).nullable(),
    applied: z.array(str).max(200),
    ended: str.min(1).nullable(),
    consult: z.strictObject({ kind: z.enum(['agent', 'group', 'number', 'ivr']), target: str.min(1) }).nullable(),
    endedCalls: z.array(str.min(1).max(128)).max(20),
  });

  const AGENT = vcallSettingsSchema.parse({ mode: 'agent', server: 'https://cc.v-call.cn', companyId: 'co1', agentNumber: '1001', password: 'pw', loginType: '1', streamUrl: 'wss://cc.v-call.cn/ws', connectAccount: 'mq', connectPassword: 'mqpw', vhost: 'vh', subscribePath: '/exchange/agent/1001' });
  const ack = async (url: string, init: RequestInit) => new Response(JSON.stringify(new URL(url).pathname === '/api/token' ? { code: 0, data: { token: 'fresh', expireTime: null } } : { code: '0', data: { sequence: JSON.parse(String(init.body)).sequence } }), { status: 200 });

  it('the agent session: readCursor, then what the cursor feeds (capabilities, states, targets) works', async () => {
    await fc.assert(
      fc.asyncProperty(cursor, async (saved) => {
        valid(vcallCursor, readCursor(saved), 'cursor');
        const { ctx } = fakeContext(saved);
        const provider = createVcallProvider(() => ({ close: () => undefined }), { fetch: ack, eventTimeoutMs: 50, heartbeatMs: 60_000 });
        const session = provider.createSession(AGENT, ctx) as VcallAgentSession;
        session.loggedInCapabilities();
        await settles(() => session.setAgentState('busy:午休'));
        await settles(() => session.inputOptions('transferBlind', 'group'));
        await settles(() => session.inputOptions('consult', 'ivr'));
      }),
      { numRuns: 150 },
    );
  });

  it('the company token: only a usable one is kept; one kept for ever (NaN, Infinity) is fetched again', async () => {
    const token = fc.oneof(hostile, fc.record({ token: fc.oneof(fc.constant('saved'), hostile), expiresAt: fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, T + 3600_000, T - 1), hostile) }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(token, async (saved) => {
        let asked = 0;
        const keeper = new TokenKeeper({
          request: async () => ({ token: `fresh${++asked}`, expireTime: null }),
          now: () => T + 2 * 24 * 3600_000,
          initial: isVcallToken(saved) ? saved : null,
          save: async () => undefined,
        });
        // Two days later, whatever was saved has expired: a fresh token is asked for.
        expect(await keeper.get()).toBe('fresh1');
      }),
      { numRuns: 100 },
    );
  });
});

describe('the crashes these properties found, as examples', () => {
  const on = (call: Call): MapContext => ({ call, agentState: 'inCall' });
  it('a CalledRinging behind the answer moves nothing back (the engine refused connected → ringing)', () => {
    const late = parseEvent(JSON.stringify({ event: 'CalledRinging', data: { callDirection: 1, called: '15800000000', occCallId: 'occ-1' } }));
    expect(late.ok && mapEvent(late.event, on(CALLS[3]!)).events).toEqual([]);
    expect(late.ok && mapEvent(late.event, on(CALLS[1]!)).events).toEqual([{ type: 'call.dialing', number: '15800000000', vendorCallId: 'occ-1' }, { type: 'call.ringing' }]);
  });
  it('a call started without a number does not ask the engine to adopt an id it cannot match (dialing → dialing refused)', () => {
    const withId = parseEvent(JSON.stringify({ event: 'AgentOriginate', data: { occCallId: 'occ-1' } }));
    expect(withId.ok && mapEvent(withId.event, on({ ...dialing, number: '' })).events).toEqual([]);
  });

  it('a saved `login: {}` is no login (it made busyTypes.includes and groups.map throw TypeErrors)', () => {
    expect(readCursor({ v: 1, login: {} }).login).toBeNull();
    expect(readCursor({ v: 1, login: { supervisor: false, busyTypes: ['午休', 3], groups: 'g1', ivrs: [], mayDial: true } }).login).toBeNull();
    expect(readCursor({ v: 1, login: { supervisor: true, busyTypes: ['午休', 3], groups: [{ id: 'g1', name: '研发部' }, { id: 7 }], ivrs: [], mayDial: true } }).login).toEqual({ supervisor: true, busyTypes: ['午休'], groups: [{ id: 'g1', name: '研发部' }], ivrs: [], mayDial: true });
  });
  it('a saved token that never expires (NaN, Infinity, 1e300) is asked for again', () => {
    expect(isVcallToken({ token: 't', expiresAt: Number.NaN })).toBe(false);
    expect(isVcallToken({ token: 't', expiresAt: Infinity })).toBe(false);
    expect(tokenAction({ token: 't', expiresAt: 1e300 }, T)).toBe('fetch');
    expect(tokenAction({ token: 't', expiresAt: T + 24 * 3600_000 }, T)).toBe('reuse');
  });
});
