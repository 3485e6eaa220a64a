/**
 * The softphone bar's readers of its events, fed arbitrary and hostile values (fast-check): `reserve`
 * (k1-v1|k2-v2), the mapper with its memory run over sequences of events, the whole poll (a reply's
 * event list → the client → the mapper) and the error text from `errmsg`. Each returns valid events or
 * throws a CallbarError the agent can read — never another exception.
 * (getUserInfo/events/action replies as such: ../hostile-replies.test.ts.)
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bounded, type ProviderEvent } from '../../shared/call-events.ts';
import { CallbarError } from '../../shared/errors.ts';
import { SoftbarClient } from './cmcc-softbar-client.ts';
import { cmccSoftbarInfo } from './cmcc-softbar-info.ts';
import { INITIAL_MEMORY, mapSoftbarEvent, mapSoftbarEvents, parseReserve, type SoftbarEvent, type SoftbarMemory } from './cmcc-softbar-mapper.ts';

afterEach(() => vi.unstubAllGlobals());

// ── Hostile values (built once) ───────────────────────────────────────────────────────────────
const HUGE = '1'.repeat(3_000_000);
/** Under the 1 MB a reply may have. */
const BIG = '1'.repeat(300_000);
const DEEP_ARRAY_TEXT = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
const DEEP_OBJECT_TEXT = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
/** Names every plain object inherits: a table indexed with them finds Object's own members. */
const PROTO_KEYS = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
const ODD_STRINGS = ['', ' ', '-', '|', '--', '-1', 'NaN', 'Infinity', '1e400', '9'.repeat(400), '٣', '\u0000', '‮8001', ...PROTO_KEYS];
const EVENT_NAMES = ['sipOnline', 'sipOffline', 'makeCall', 'incomingCall', 'ringing', 'answer', 'connected', 'hangup', 'mute', 'unMute', 'transfer', 'switchTransfer', 'returnTransfer'];
const CAUSES = ['localHangup', 'remoteHangup', 'busy', 'noAnswer', 'lineDropped', 'transferred'];

/** A `reserve` text: the documented pairs, odd keys and values, separators in odd places. */
const reservePair = fc.oneof(
  fc.tuple(fc.constantFrom('callId', 'cause', ...PROTO_KEYS), fc.constantFrom('3', '4', BIG, ...CAUSES, ...PROTO_KEYS, ...ODD_STRINGS)).map(([k, v]) => `${k}-${v}`),
  fc.string({ maxLength: 12 }),
);
const reserve = fc.oneof({ weight: 4, arbitrary: fc.array(reservePair, { maxLength: 4 }).map((pairs) => pairs.join('|')) }, { weight: 1, arbitrary: fc.constantFrom(HUGE, `${'|'.repeat(100_000)}cause-busy`, `cause-${'-'.repeat(100_000)}`) });
const party = fc.constantFrom('13912345678', '8001', '', BIG, ...ODD_STRINGS);

const softbarEvent: fc.Arbitrary<SoftbarEvent> = fc.record(
  { eventName: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...EVENT_NAMES) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_STRINGS) }), eventTime: fc.string({ maxLength: 20 }), thisParty: party, otherParty: party, ani: party, dnis: party, reserve },
  { requiredKeys: ['eventName'] },
);

/** Whatever a poll's reply may hold in an event's fields. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>({ toString: 1 }, { valueOf: {} }, BIG, -1, Number.MAX_VALUE, ...ODD_STRINGS));
const field = (value: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: anyValue });
const wireEvent = fc.record(
  { eventName: field(fc.constantFrom(...EVENT_NAMES)), result: field(fc.constantFrom(1, '1', 0, '0')), eventTime: anyValue, thisParty: field(party), otherParty: field(party), ani: field(party), dnis: field(party), reserve: field(reserve.filter((r) => r.length < 500_000)) },
  { requiredKeys: [] },
);

// ── What a valid result looks like ────────────────────────────────────────────────────────────
const STATE_IDS = new Set(cmccSoftbarInfo.capabilities.agentStates.map((s) => s.id));
const isText = (v: unknown): v is string => typeof v === 'string';

/** Well-typed, survives storage (JSON) unchanged, and small once the engine has capped it. */
function expectValidEvent(e: ProviderEvent): void {
  switch (e.type) {
    case 'call.dialing':
    case 'call.incoming':
      expect(isText(e.number), 'number').toBe(true);
      if (e.vendorCallId !== undefined) expect(isText(e.vendorCallId) && e.vendorCallId.length > 0, 'vendorCallId').toBe(true);
      break;
    case 'call.ended':
      if (e.cause !== undefined) expect(isText(e.cause) && e.cause.length > 0, `cause ${String(e.cause).slice(0, 60)}`).toBe(true);
      break;
    case 'agent.state':
      expect(STATE_IDS.has(e.state), `state ${String(e.state)}`).toBe(true);
      break;
    case 'note':
      expect(isText(e.text) && e.text.length > 0, 'text').toBe(true);
      break;
    case 'call.muted':
      expect(typeof e.muted).toBe('boolean');
      break;
    case 'call.ringing':
    case 'call.connected':
      break;
    default:
      throw new Error(`the bar does not emit ${e.type}`);
  }
  expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  expect(JSON.stringify(bounded(e)).length).toBeLessThan(2000);
}

function expectMemory(memory: SoftbarMemory): void {
  expect([null, 'sipOnline', 'sipOffline']).toContain(memory.line);
  if (memory.transfer) {
    expect(isText(memory.transfer.target) && memory.transfer.target.length > 0).toBe(true);
    if (memory.transfer.vendorCallId !== undefined) expect(isText(memory.transfer.vendorCallId)).toBe(true);
  }
  expect(() => JSON.stringify(memory)).not.toThrow();
}

/** A CallbarError in words: not empty, not a stringified object, not megabytes. */
function expectReadable(error: unknown): void {
  if (!(error instanceof CallbarError)) throw new Error(`not a CallbarError: ${String((error as Error)?.name)} ${String((error as Error)?.message).slice(0, 160)}`);
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.message.length).toBeLessThan(2000);
  expect(error.message).not.toMatch(/\[native code\]|\[object /);
}

// ── Properties ────────────────────────────────────────────────────────────────────────────────
describe('parseReserve', () => {
  it('any text → a map of strings to strings; Object’s own names are just keys', () => {
    fc.assert(
      fc.property(fc.oneof(reserve, fc.string()), (text) => {
        const map = parseReserve(text);
        for (const [key, value] of Object.entries(map)) expect(isText(key) && isText(value)).toBe(true);
        expect(Object.getPrototypeOf(map) === Object.prototype || Object.getPrototypeOf(map) === null).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the mapper and its memory', () => {
  it('one event, any memory the mapper itself can leave: valid events', () => {
    const memory = fc.record({ line: fc.constantFrom(null, 'sipOnline' as const, 'sipOffline' as const), transfer: fc.option(fc.record({ target: party.filter((p) => p !== ''), vendorCallId: fc.constantFrom('3', BIG, ...PROTO_KEYS) }, { requiredKeys: ['target'] }), { nil: undefined }) }, { requiredKeys: ['line'] });
    fc.assert(
      fc.property(softbarEvent, memory, (event, m) => {
        for (const e of mapSoftbarEvent(event, m as SoftbarMemory)) expectValidEvent(e);
      }),
      { numRuns: 300 },
    );
    // Found by this property: cause-constructor gave the call's end Object's constructor as its cause (a
    // function: the session's write drops it), cause-__proto__ an object.
    for (const cause of PROTO_KEYS) {
      const [ended] = mapSoftbarEvent({ eventName: 'hangup', reserve: `callId-3|cause-${cause}` });
      expect(ended).toEqual({ type: 'call.ended', cause });
    }
  });

  it('sequences of events, memory carried from each to the next: valid events and memory', () => {
    fc.assert(
      fc.property(fc.array(fc.array(softbarEvent, { maxLength: 5 }), { minLength: 1, maxLength: 4 }), (polls) => {
        let memory = INITIAL_MEMORY;
        for (const events of polls) {
          const result = mapSoftbarEvents(events, memory);
          for (const e of result.events) expectValidEvent(e);
          expectMemory(result.memory);
          // The cursor survives storage: the next poll maps the same way from what was stored.
          memory = JSON.parse(JSON.stringify(result.memory)) as SoftbarMemory;
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('a whole poll: the reply’s event list → the client → the mapper', () => {
  it('hostile event lists → valid events, or a CallbarError', async () => {
    const list = fc.oneof(
      { weight: 5, arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: wireEvent }, { weight: 1, arbitrary: anyValue }), { maxLength: 6 }).map((events) => JSON.stringify({ errcode: 0, errmsg: '', data: events })) },
      { weight: 1, arbitrary: fc.constantFrom(`{"errcode":0,"data":${DEEP_ARRAY_TEXT}}`, `{"errcode":0,"data":[${DEEP_OBJECT_TEXT}]}`, `{"errcode":0,"data":[{"eventName":${DEEP_ARRAY_TEXT}}]}`, '{"errcode":0,"data":[{"eventName":"hangup","reserve":{"toString":1}}]}') },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(list, { minLength: 1, maxLength: 3 }), async (replies) => {
        let memory = INITIAL_MEMORY;
        for (const text of replies) {
          vi.stubGlobal('fetch', async () => new Response(text, { status: 200 }));
          let events: SoftbarEvent[];
          try {
            events = await new SoftbarClient('http://127.0.0.1:8008', 'secret').events('getCallState', 20);
          } catch (error) {
            expectReadable(error);
            continue;
          }
          const result = mapSoftbarEvents(events, memory);
          for (const e of result.events) expectValidEvent(e);
          memory = result.memory;
        }
      }),
      { numRuns: 60 },
    );
  });

  it('getUserInfo with hostile fields: strings of a readable size, or a CallbarError', async () => {
    const info = fc.record({ result: field(fc.constantFrom(1, '1', 0)), extension: field(party), username: field(party), phone: field(party) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(info, fc.array(info, { maxLength: 2 })), async (data) => {
        vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ errcode: 0, errmsg: '', data }), { status: 200 }));
        try {
          const user = await new SoftbarClient('http://127.0.0.1:8008', 'secret').getUserInfo();
          expect([0, 1]).toContain(user.result);
          for (const value of [user.extension, user.username, user.phone]) if (value !== undefined) expect(isText(value) && value.length <= 1000).toBe(true);
        } catch (error) {
          expectReadable(error);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('errmsg of any size and content: the refusal is in words, capped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(1, 7, -1, '40001'), fc.oneof(fc.constantFrom(BIG, `鉴权失败${BIG}`, ...ODD_STRINGS), fc.string({ unit: 'grapheme' })), async (errcode, errmsg) => {
        vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ errcode, errmsg, data: null }), { status: 200 }));
        const error = await new SoftbarClient('http://127.0.0.1:8008', 'secret').action('hangup').then(
          () => null,
          (e: unknown) => e,
        );
        expectReadable(error);
      }),
      { numRuns: 40 },
    );
  });
});
