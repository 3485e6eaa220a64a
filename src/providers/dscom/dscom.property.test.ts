/**
 * dscom's readers of platform data, fed arbitrary and hostile values (fast-check): the endpoint, queue,
 * park and waiting lists the client reads, the poll mapper (device state + queue entries → call and agent
 * events, run as sequences of polls), the billing websocket's CDR rows and the error texts. Each returns a
 * valid result or throws a CallbarError the agent can read — never another exception.
 * (The token, dial and agentStatus replies themselves: ../hostile-replies.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCallEvent, bounded, type CallRecord, type ProviderEvent } from '../../shared/call-events.ts';
import type { Call, CallState } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { BillingSocket, type SocketFactory, type SocketLike } from './dscom-billing.ts';
import { type AgentStatusRow, DscomClient } from './dscom-client.ts';
import { httpErrorMessage, oauthReason, vendorErrorMessage } from './dscom-errors.ts';
import { STATUS_STATE_IDS } from './dscom-info.ts';
import { deviceState, type DeviceState, mapAgentStatus, mapBillingRows, mapCallState, parseDuration } from './dscom-mapper.ts';

const NOW = 1_750_000_000_000;

// ── Hostile values (built once: a few MB and 5,000 deep) ──────────────────────────────────────
const HUGE = '8'.repeat(3_000_000);
/** Big, but under the 1 MB a reply may have (the client refuses larger replies before reading them). */
const BIG = '8'.repeat(300_000);
/** As a JSON text: the deep values cannot be stringified (that is the point of them). */
const json = (value: unknown): string => (value === DEEP_ARRAY ? DEEP_ARRAY_TEXT : value === DEEP_OBJECT ? DEEP_OBJECT_TEXT : JSON.stringify(value, (_key, v: unknown) => (v === DEEP_ARRAY ? 0 : v === DEEP_OBJECT ? {} : v)));
const DEEP_ARRAY_TEXT = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
const DEEP_OBJECT_TEXT = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
/** fast-check prints a counterexample with this, not by walking 5,000 levels (a RangeError of its own). */
const labelled = <T extends object>(value: T, name: string): T => Object.assign(value, { [fc.toStringMethod]: () => name });
const DEEP_ARRAY = labelled(JSON.parse(DEEP_ARRAY_TEXT) as unknown[], '[…5,000 deep…]');
const DEEP_OBJECT = labelled(JSON.parse(DEEP_OBJECT_TEXT) as object, '{a:…5,000 deep…}');
/** Names every plain object inherits: a lookup table indexed with them finds Object's own members. */
const PROTO_KEYS = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
const ODD_STRINGS = ['', ' ', '-1', '-0', 'NaN', 'Infinity', '1e400', '9'.repeat(400), '0x1f', '٣', '𝟘𝟙', '\u0000', '‮8001', ...PROTO_KEYS];
const TRAPS: unknown[] = [{ toString: 1 }, { valueOf: {} }, { toString: null, valueOf: null }, DEEP_ARRAY, DEEP_OBJECT, HUGE, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -1, 2 ** 53 + 1];

/** Any type in a field the code reads. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...TRAPS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);
/** What a reply under 1 MB may hold in a field. */
const wireValue: fc.Arbitrary<unknown> = anyValue.map((v) => (v === HUGE ? BIG : v));
/** A field that is usually the right kind of string, sometimes anything. */
const field = (...good: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good) }, { weight: 2, arbitrary: anyValue });
const wireField = (...good: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good) }, { weight: 2, arbitrary: wireValue });

// ── What a valid result looks like ────────────────────────────────────────────────────────────
const AGENT_STATE_IDS = new Set(Object.values(STATUS_STATE_IDS));
const isText = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function expectRecord(r: CallRecord): void {
  expect(isText(r.vendorCallId) && r.vendorCallId.length > 0, 'vendorCallId').toBe(true);
  expect(['outbound', 'inbound']).toContain(r.direction);
  expect(isText(r.number) && isText(r.result), 'number, result').toBe(true);
  for (const key of ['startedAt', 'endedAt', 'talkSeconds'] as const) expect(isTime(r[key]), `${key} ${r[key]}`).toBe(true);
  if (r.answeredAt !== undefined) expect(isTime(r.answeredAt), `answeredAt ${r.answeredAt}`).toBe(true);
  expect(r.endedAt).toBeGreaterThanOrEqual(r.startedAt);
  expect(r.talkSeconds).toBeGreaterThanOrEqual(0);
}

/** Well-typed, finite, survives storage (JSON) unchanged, and small once the engine has capped it. */
function expectValidEvent(e: ProviderEvent): void {
  switch (e.type) {
    case 'call.dialing':
    case 'call.incoming':
      expect(isText(e.number), 'number').toBe(true);
      if (e.vendorCallId !== undefined) expect(isText(e.vendorCallId) && e.vendorCallId.length > 0, 'vendorCallId').toBe(true);
      break;
    case 'call.ended':
      if (e.cause !== undefined) expect(isText(e.cause) && e.cause.length > 0, 'cause').toBe(true);
      break;
    case 'agent.state':
      expect(AGENT_STATE_IDS.has(e.state), `state ${String(e.state)}`).toBe(true);
      if (e.since !== undefined) expect(isTime(e.since), `since ${e.since}`).toBe(true);
      break;
    case 'call.record':
      expectRecord(e.record);
      break;
    case 'call.ringing':
    case 'call.connected':
    case 'call.held':
    case 'call.resumed':
      break;
    default:
      throw new Error(`dscom does not emit ${e.type}`);
  }
  expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  expect(JSON.stringify(bounded(e)).length).toBeLessThan(2000);
}

/** A CallbarError in words: not empty, not a message key, not a stringified function or object, not megabytes. */
function expectReadable(error: unknown): void {
  if (!(error instanceof CallbarError)) throw new Error(`not a CallbarError: ${String((error as Error)?.name)} ${String((error as Error)?.message).slice(0, 160)}`);
  expectWords(error.message);
}
function expectWords(message: unknown): void {
  expect(typeof message).toBe('string');
  const text = message as string;
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThan(2000);
  expect(text).not.toMatch(/\[native code\]|\[object |^[a-z]+[A-Z]\w*$/);
}

async function settles(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    expectReadable(error);
  }
}

// ── The client's lists ────────────────────────────────────────────────────────────────────────
function clientReplying(data: unknown): DscomClient {
  const text = `{"code":"200","msg":"成功","data":${json(data) ?? 'null'}}`;
  return new DscomClient({
    apiBase: 'https://pbx.example.com/dscom-api',
    tokens: { accessToken: async () => 't', renew: async () => 't2' },
    fetch: async () => new Response(text, { status: 200 }),
  });
}

const endpointRow = fc.record({ endpoint: wireField('8001', '8002'), state: wireField('Not in use', 'In use', 'Ringing', 'On Hold', 'Unavailable', ...PROTO_KEYS), channels: wireValue }, { requiredKeys: [] });
const queueEntry = fc.record(
  {
    queue: wireField('200'),
    extension: wireField('8001'),
    agentid: wireField('1011'),
    status: wireField(...Object.keys(STATUS_STATE_IDS)),
    statusDesc: wireValue,
    statusDuration: wireField('00:04:34', '4:34', '12', '99999999999999999999:00:00', '9'.repeat(400)),
    current: wireField('13800138000', BIG),
    linkedid: wireField('hwd-1.1', 'hwd-2.7', BIG),
    direction: wireField('0', '1', '2', 'out', 'in'),
  },
  { requiredKeys: [] },
);
const listData = (row: fc.Arbitrary<unknown>) => fc.oneof(fc.array(row, { maxLength: 4 }), fc.record({ list: fc.array(row, { maxLength: 4 }), data: fc.array(row, { maxLength: 3 }) }, { requiredKeys: [] }), wireValue);

describe('the client reading lists (status/endpoint, call/parkList, status/wait)', () => {
  it('a list of hostile rows: the rows it can read, or a CallbarError', async () => {
    await fc.assert(
      fc.asyncProperty(listData(endpointRow), async (data) => {
        const client = clientReplying(data);
        await settles(async () => {
          const status = await client.endpointStatus('8001');
          if (status) for (const key of ['endpoint', 'state', 'channels'] as const) expect(typeof status[key]).toBe('string');
        });
        await settles(async () => {
          for (const parked of await client.parkList('8001')) {
            expect(typeof parked.number).toBe('string');
            if (parked.seconds !== undefined) expect(isTime(parked.seconds)).toBe(true);
          }
        });
        await settles(() => client.waiting('200'));
      }),
      { numRuns: 60 },
    );
  });
});

// ── The poll: device state and queue entries → events, poll after poll ─────────────────────────
const DEVICE_NAMES = ['Not in use', 'In use', 'Busy', 'Ringing', 'Ring+Inuse', 'On Hold', 'Unavailable', 'Invalid', 'Unknown'];

describe('deviceState', () => {
  it('any text (names Object.prototype has included) is one of the device states', () => {
    const STATES: DeviceState[] = ['idle', 'inUse', 'busy', 'ringing', 'ringInUse', 'onHold', 'unavailable', 'unknown'];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...DEVICE_NAMES, ...ODD_STRINGS), fc.string()), (name) => {
        expect(STATES).toContain(deviceState(name));
      }),
      { numRuns: 200 },
    );
    // Found by this property: "constructor" read Object's constructor from the table — a function as
    // the device state, which the poll took for a ringing phone and showed as a new incoming call.
    expect(deviceState('constructor')).toBe('unknown');
    expect(deviceState('__proto__')).toBe('unknown');
  });
});

describe('parseDuration', () => {
  it('a finite number of seconds or null', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...ODD_STRINGS, '00:04:34', '99:59:59'), fc.string(), fc.stringMatching(/^\d{1,400}(:\d\d){0,2}$/)), (text) => {
        const seconds = parseDuration(text);
        if (seconds !== null) expect(isTime(seconds) && seconds >= 0, `${text.slice(0, 30)} → ${seconds}`).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

/** One poll as the session reads it from the wire: the endpoint list and the queue map. */
const poll = fc.record({ endpoints: listData(endpointRow), queues: fc.oneof(fc.dictionary(fc.constantFrom('200', '201'), fc.dictionary(fc.constantFrom('8001', '8002'), fc.oneof(queueEntry, wireValue))), wireValue) });

describe('the poll mapper, poll after poll', () => {
  it('hostile endpoint and queue replies → valid call and agent events, the call moving only as the state machine allows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(poll, { minLength: 1, maxLength: 6 }), async (polls) => {
        let call: Call | null = null;
        let reported: { state: string | null; since?: number | null } = { state: null };
        let now = NOW;
        for (const p of polls) {
          now += 1000;
          let device: DeviceState = 'unknown';
          let rows: AgentStatusRow[] = [];
          try {
            const endpoint = await clientReplying(p.endpoints).endpointStatus('8001');
            device = endpoint ? deviceState(endpoint.state) : 'unknown';
            rows = await clientReplying(p.queues).agentStatus('1011', '8001');
          } catch (error) {
            expectReadable(error);
            continue;
          }
          const events = [...mapCallState({ device, agent: rows, call, now }), ...mapAgentStatus(rows, now, reported)];
          for (const e of events) {
            expectValidEvent(e);
            if (e.type === 'agent.state') reported = { state: e.state, since: e.since ?? null };
            const result = applyCallEvent(call, bounded(e), now);
            expect(result.rejected, `${e.type} from ${call?.state ?? 'idle'}`).toBeUndefined();
            call = result.call;
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a call with a long linkedid, ended: its stale "In use" is not a new call (the session keeps the id capped)', () => {
    // Found while writing the property above: newCall compared the full linkedid with the stored, capped one.
    const linkedid = 'x'.repeat(200);
    const rows: AgentStatusRow[] = [{ queue: '200', extension: '8001', agentid: '1011', status: '1', statusDesc: '', statusDuration: '00:00:09', current: '13800138000', linkedid, direction: '1' }];
    let call: Call | null = null;
    const poll = (device: DeviceState, at: number) => {
      for (const e of mapCallState({ device, agent: rows, call, now: at })) call = applyCallEvent(call, bounded(e), at).call;
    };
    poll('ringing', NOW);
    poll('inUse', NOW + 1000);
    poll('idle', NOW + 2000);
    expect(call).toMatchObject({ state: 'ended' });
    poll('inUse', NOW + 10_000);
    expect(call).toMatchObject({ state: 'ended' });
  });

  it('mapCallState from every call state with any queue entries: valid events, never a throw', () => {
    const CALL_STATES: Exclude<CallState, 'idle'>[] = ['dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'];
    const row = fc.record({
      queue: fc.constant('200'),
      extension: fc.constant('8001'),
      agentid: fc.constant('1011'),
      status: fc.constantFrom(...Object.keys(STATUS_STATE_IDS), ...ODD_STRINGS),
      statusDesc: fc.string(),
      statusDuration: fc.constantFrom('00:00:05', '', '9'.repeat(400), ...ODD_STRINGS),
      current: fc.constantFrom('', '13800138000', HUGE, ...ODD_STRINGS),
      linkedid: fc.constantFrom('', 'hwd-1.1', HUGE, ...PROTO_KEYS),
      direction: fc.constantFrom('0', '2', 'out', ...ODD_STRINGS),
    });
    fc.assert(
      fc.property(
        fc.constantFrom<DeviceState>('idle', 'inUse', 'busy', 'ringing', 'ringInUse', 'onHold', 'unavailable', 'unknown'),
        fc.option(fc.constantFrom(...CALL_STATES), { nil: null }),
        fc.array(row, { maxLength: 4 }),
        fc.option(fc.record({ number: fc.constantFrom('13800138000', HUGE) }), { nil: null }),
        fc.boolean(),
        (device, state, agent, lostDial, holdPending) => {
          const call: Call | null = state ? { id: 'c1', vendorCallId: 'hwd-1.1', direction: 'outbound', number: '13800138000', state, startedAt: NOW - 60_000, muted: false, ...(state === 'ended' ? { endedAt: NOW - 1000 } : {}) } : null;
          for (const e of [...mapCallState({ device, agent, call, now: NOW, holdPending, lostDial }), ...mapAgentStatus(agent, NOW, { state: 'ready', since: NOW })]) expectValidEvent(e);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ── The billing websocket's CDR rows ──────────────────────────────────────────────────────────
const TIMES = ['2025-06-15 10:00:00', '2025-06-15 10:00:07', '2025-06-15 10:01:00', '0000-00-00 00:00:00', '9999-99-99 99:99:99', '2025-06-15T10:00:00', ''];
const cdrRow = fc.record(
  {
    calldate: field(...TIMES),
    src: field('8001', '13800138000'),
    dst: field('8001', '13800138000', HUGE),
    channel: field('PJSIP/8001-0000001a', 'SIP/8002-00000002', '/8001-', 'PJSIP/'),
    dstchannel: field('PJSIP/8001-0000001b', ''),
    start: field(...TIMES),
    answer: field(...TIMES),
    end: field(...TIMES),
    duration: field('7', '60', '1e400', '9'.repeat(400), '-5'),
    billsec: field('0', '53', '1e400', '9'.repeat(400), '-5'),
    disposition: field('ANSWERED', 'NO ANSWER', 'BUSY', '8', '4', 'constructor', HUGE),
    uniqueid: field('hwd-1.1', 'hwd-1.2'),
    linkedid: field('hwd-1.1', 'hwd-2.1', ...PROTO_KEYS),
    direction: field('in', 'out', 'IN'),
  },
  { requiredKeys: [] },
);

describe('CDR rows (the billing websocket)', () => {
  it('sequences of hostile rows → one valid record per call, never a throw', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 4, arbitrary: cdrRow }, { weight: 1, arbitrary: anyValue }), { maxLength: 8 }), (rows) => {
        const records = mapBillingRows(rows, '8001');
        for (const record of records) expectValidEvent({ type: 'call.record', record });
        expect(new Set(records.map((r) => r.vendorCallId)).size).toBe(records.length);
      }),
      { numRuns: 100 },
    );
  });

  it('hostile messages on the socket: rows passed on are an array, nothing thrown out of onmessage', async () => {
    let socket: SocketLike | null = null;
    const Fake = class {
      onopen = null;
      onmessage: ((event: { data: unknown }) => void) | null = null;
      onclose = null;
      onerror = null;
      constructor() {
        socket = this as unknown as SocketLike;
      }
      close() {}
    };
    const received: unknown[][] = [];
    const billing = new BillingSocket({ url: async () => 'wss://pbx:8282/?token=t', where: 'wss://pbx:8282', WebSocket: Fake as unknown as SocketFactory, onRows: (rows) => received.push(rows), onProblem: () => {} });
    const abort = new AbortController();
    billing.start(abort.signal);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const message = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.record({ type: fc.constantFrom('billing', 'other', ...PROTO_KEYS), data: fc.oneof(fc.array(cdrRow, { maxLength: 3 }), anyValue) }, { requiredKeys: [] }).map(json),
      fc.constantFrom(`{"type":"billing","data":${DEEP_ARRAY_TEXT}}`, `{"type":"billing","data":${DEEP_OBJECT_TEXT}}`, `{"type":"billing","data":[${DEEP_OBJECT_TEXT}]}`, '{"type":"billing","data":{"toString":1}}', 'not json', ''),
      fc.uint8Array({ maxLength: 50 }),
      anyValue,
    );
    try {
      fc.assert(
        fc.property(message, (data) => {
          received.length = 0;
          (socket as unknown as { onmessage: (event: { data: unknown }) => void }).onmessage({ data });
          for (const rows of received) {
            expect(Array.isArray(rows)).toBe(true);
            for (const record of mapBillingRows(rows, '8001')) expectValidEvent({ type: 'call.record', record });
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      abort.abort();
    }
  });
});

// ── Error texts from what the server said ─────────────────────────────────────────────────────
describe('error texts', () => {
  it('any code and message → words, capped', () => {
    const code = fc.oneof(fc.constantFrom('600001', '610007', '200', '500', HUGE, ...ODD_STRINGS), fc.string());
    const msg = fc.oneof(fc.constantFrom('', '呼叫异常', '失败', HUGE, ...ODD_STRINGS), fc.string({ unit: 'grapheme' }));
    fc.assert(
      fc.property(code, msg, fc.constantFrom(200, 400, 401, 403, 404, 419, 422, 429, 500, 503, 599, 0, -1), (c, m, status) => {
        expectWords(vendorErrorMessage(c, m, '外呼'));
        expectWords(httpErrorMessage(status, '外呼', 'pbx.example.com', m));
        expectWords(oauthReason(c, m, status));
      }),
      { numRuns: 200 },
    );
  });

  it('a reply whose code is one of Object’s own names is an unknown code, in words', async () => {
    for (const code of PROTO_KEYS) {
      const client = new DscomClient({ apiBase: 'https://pbx.example.com/dscom-api', tokens: { accessToken: async () => 't', renew: async () => 't2' }, fetch: async () => new Response(JSON.stringify({ code, msg: '' }), { status: 200 }) });
      const error = await client.dial('8001', '13800138000').then(
        () => null,
        (e: unknown) => e,
      );
      expectReadable(error);
      expect((error as CallbarError).message).toContain(code);
    }
  });
});
