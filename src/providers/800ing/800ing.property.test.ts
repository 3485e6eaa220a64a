/**
 * 八百呼's readers of platform data, fed arbitrary and hostile values (fast-check): reply texts (JSONP,
 * water lines kept exact), message contents, the water-line bookkeeping, the message mapper with its
 * state over sequences of hostile message lists (each poll starting from the call as the session stores
 * it), the stored cursor, the desktop client's replies and the error texts. Each returns a valid result or
 * throws a CallbarError the agent can read — never another exception.
 * (getExtension/getLongWaterLine/recvMsg replies as such: ../hostile-replies.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCallEvent, bounded, type ProviderEvent } from '../../shared/call-events.ts';
import { type Call, isActive } from '../../shared/call-state.ts';
import { CallbarError } from '../../shared/errors.ts';
import { Ing800Client, parseReply, replyCode, replyMessage } from './800ing-client.ts';
import { Ing800Desktop } from './800ing-desktop.ts';
import { httpErrorMessage, vendorErrorMessage } from './800ing-errors.ts';
import { type Ing800Message, mapMessages, type MapperState, parseContent } from './800ing-mapper.ts';
import { advance, freshMessages, parseWaterLine, quoteWaterLines } from './800ing-waterline.ts';
import { readCursor } from './index.ts';

const NOW = 1_750_000_000_000;

// ── Hostile values (built once) ───────────────────────────────────────────────────────────────
const HUGE = '1'.repeat(3_000_000);
/** Under the 1 MB a reply may have. */
const BIG = '1'.repeat(300_000);
const DEEP_ARRAY_TEXT = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
const DEEP_OBJECT_TEXT = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
const PROTO_KEYS = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'];
const ODD_STRINGS = ['', ' ', '-1', '-0', 'NaN', 'Infinity', '1e400', '9'.repeat(400), '٣', '\u0000', '‮1391', ...PROTO_KEYS];
const anyValue: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>({ toString: 1 }, { valueOf: {} }, BIG, -1, Number.MAX_VALUE, 2 ** 53 + 1, ...ODD_STRINGS));
const field = (value: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: anyValue });

const isText = (v: unknown): v is string => typeof v === 'string';

/** Well-typed, survives storage (JSON) unchanged, and small once the engine has capped it. */
function expectValidEvent(e: ProviderEvent): void {
  switch (e.type) {
    case 'call.dialing':
    case 'call.incoming':
      expect(isText(e.number) && e.number.length > 0, 'number').toBe(true);
      if (e.vendorCallId !== undefined) expect(isText(e.vendorCallId) && e.vendorCallId.length > 0, 'vendorCallId').toBe(true);
      break;
    case 'call.ended':
      if (e.cause !== undefined) expect(isText(e.cause) && e.cause.length > 0, 'cause').toBe(true);
      break;
    case 'note':
      expect(isText(e.text) && e.text.length > 0).toBe(true);
      break;
    case 'call.connected':
      break;
    case 'call.record': {
      // A platform call followed off screen (another call was shown, or CallBar ended it itself).
      const r = e.record;
      expect(isText(r.vendorCallId) && r.vendorCallId.length > 0, 'record id').toBe(true);
      expect(isText(r.number) && r.number.length > 0, 'record number').toBe(true);
      expect(Number.isFinite(r.startedAt) && Number.isFinite(r.endedAt) && r.endedAt >= r.startedAt, 'record times').toBe(true);
      expect(Number.isInteger(r.talkSeconds) && r.talkSeconds >= 0, 'talk seconds').toBe(true);
      if (r.answeredAt !== undefined) expect(Number.isFinite(r.answeredAt), 'answeredAt').toBe(true);
      break;
    }
    default:
      throw new Error(`八百呼's mapper does not emit ${e.type}`);
  }
  expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  expect(JSON.stringify(bounded(e)).length).toBeLessThan(2000);
}

/** A CallbarError in words: not empty, not a stringified object, not megabytes. */
function expectReadable(error: unknown): void {
  if (!(error instanceof CallbarError)) throw new Error(`not a CallbarError: ${String((error as Error)?.name)} ${String((error as Error)?.message).slice(0, 160)}`);
  expectWords(error.message);
}
function expectWords(text: string): void {
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThan(2000);
  expect(text).not.toMatch(/\[native code\]|\[object /);
}

// ── Reply texts and water lines ───────────────────────────────────────────────────────────────
const replyText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string(),
  fc.record({ code: anyValue, message: anyValue, waterline: fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.constantFrom('1e5', '-0', '00012', ' 7 ')), msgs: anyValue }, { requiredKeys: [] }).map((v) => JSON.stringify(v).replace(/"waterline":"(-?\d+)"/, '"waterline":$1')),
  fc.constantFrom(DEEP_ARRAY_TEXT, DEEP_OBJECT_TEXT, `cb(${DEEP_ARRAY_TEXT})`, `cb(${'('.repeat(100_000)}`, `${'a'.repeat(200_000)}(`, `{"waterline":${'9'.repeat(200_000)}`, `{"waterLine": ${' '.repeat(100_000)}1}`, 'jQuery123({"code":0,"waterline":12345678901234567890});'),
);

describe('reply texts', () => {
  it('parseReply, replyCode, replyMessage: any text → a value, a code (exact) or null, a string', () => {
    fc.assert(
      fc.property(replyText, (text) => {
        const json = parseReply(text);
        const code = replyCode(json);
        if (code !== null) expect(code.length > 0 && code !== 'Infinity' && code !== 'NaN', code.slice(0, 40)).toBe(true);
        expect(typeof replyMessage(json)).toBe('string');
      }),
      { numRuns: 150 },
    );
    // Found by this property: a code of 400 digits was read as a Number — the code "Infinity".
    expect(replyCode({ code: '9'.repeat(400) })).toBe('9'.repeat(400));
    expect(replyCode({ code: ' -0002 ' })).toBe('-2');
  });

  it('water lines: exact decimal strings, bookkeeping never throws', () => {
    const line = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 90n }), fc.integer(), fc.double(), anyValue);
    fc.assert(
      fc.property(fc.array(fc.record({ waterLine: line }), { maxLength: 6 }), line, line, fc.boolean(), (page, lastRaw, serverRaw, complete) => {
        const parsed = page.map((m) => ({ waterLine: parseWaterLine(typeof m.waterLine === 'bigint' ? String(m.waterLine) : m.waterLine) }));
        for (const m of parsed) if (m.waterLine !== null) expect(m.waterLine).toMatch(/^(0|[1-9]\d*)$/);
        const last = parseWaterLine(typeof lastRaw === 'bigint' ? String(lastRaw) : lastRaw) ?? '0';
        const server = parseWaterLine(typeof serverRaw === 'bigint' ? String(serverRaw) : serverRaw) ?? last;
        const result = freshMessages(parsed, last);
        expect(advance(last, result, server, complete)).toMatch(/^(0|[1-9]\d*)$/);
      }),
      { numRuns: 150 },
    );
    expect(quoteWaterLines(`{"waterline":${'9'.repeat(40)}}`)).toBe(`{"waterline":"${'9'.repeat(40)}"}`);
  });
});

// ── Messages: content, the mapper over sequences ──────────────────────────────────────────────
const CUSTOMER = '13912345678';
const content = fc.oneof(
  { weight: 6, arbitrary: fc.record({ status: field(fc.constantFrom(0, 1, 2, 3, '0', '1', '3', 4, -1)), cdrId: field(fc.constantFrom('A', 'B', 'x'.repeat(200), BIG, ...PROTO_KEYS)), paramvalue: field(fc.constantFrom('cb-1', 'cb-2', '')) }, { requiredKeys: [] }).chain((c) => fc.constantFrom<unknown>(JSON.stringify(c), c)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(DEEP_ARRAY_TEXT, DEEP_OBJECT_TEXT, '{"status":{"toString":1}}', 'not json', null, 5, HUGE) },
  { weight: 1, arbitrary: anyValue },
);
const wireMessage = fc.record({ kind: field(fc.constantFrom('1', '2', 1, 2, '3', ' 1 ')), phone: field(fc.constantFrom(CUSTOMER, '18312345678', '', '9'.repeat(80), BIG)), content, time: field(fc.constantFrom(NOW, String(NOW))), waterLine: field(fc.constantFrom(1, 2, 3, '4', '99999999999999999999')) }, { requiredKeys: [] });

describe('message contents', () => {
  it('parseContent: any content → the documented fields or null', () => {
    fc.assert(
      fc.property(content, (c) => {
        const parsed = parseContent(c);
        if (parsed) {
          expect(Number.isInteger(parsed.status)).toBe(true);
          for (const id of [parsed.cdrId, parsed.paramvalue]) if (id !== null) expect(isText(id) && id.length > 0).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('the mapper, poll after poll', () => {
  /** One poll: the list the client reads, mapped from the call as the session stores it (capped). */
  async function pollOnce(list: unknown, state: MapperState): Promise<MapperState> {
    const text = JSON.stringify({ code: 0, message: '', msgs: list });
    const client = new Ing800Client({ server: 'http://voip.example.com', account: '100008800', password: 'pw', fetch: async () => new Response(text, { status: 200 }) });
    let messages: Ing800Message[];
    try {
      messages = await client.recvMsg('10', '0');
    } catch (error) {
      expectReadable(error);
      return state;
    }
    const batch = mapMessages(freshMessages(messages, '0').fresh, state, NOW);
    for (const e of batch.events) expectValidEvent(e);
    // The session's copy of the call is what the engine made of the events: strings capped.
    let call = state.call;
    for (const e of batch.events) call = applyCallEvent(call, bounded(e), NOW).call;
    return { ...batch.state, call };
  }

  it('sequences of hostile message lists → valid events', async () => {
    const list = fc.oneof({ weight: 5, arbitrary: fc.array(fc.oneof({ weight: 5, arbitrary: wireMessage }, { weight: 1, arbitrary: anyValue }), { maxLength: 5 }) }, { weight: 1, arbitrary: anyValue });
    await fc.assert(
      fc.asyncProperty(fc.array(list, { minLength: 1, maxLength: 4 }), fc.constantFrom(null, { id: 'cb-1', number: CUSTOMER, at: NOW }), async (lists, dial) => {
        let state: MapperState = { call: null, dial };
        for (const l of lists) state = await pollOnce(l, state);
      }),
      { numRuns: 60 },
    );
  });

  it('a call whose platform id or number is long still ends when the platform says 挂机', async () => {
    // Found while writing the property above (its polls start from the capped call, as the session's do):
    // the session keeps a capped copy of the call (ids 128, numbers 64 characters), the mapper compared the
    // next message's full cdrId (or number) with it — the 挂机 never matched, the call stayed on screen.
    for (const [cdrId, phone] of [['x'.repeat(200), CUSTOMER], [null, '9'.repeat(80)], [BIG, BIG]] as const) {
      const message = (status: number) => ({ kind: '2', phone, content: JSON.stringify({ status, ...(cdrId ? { cdrId } : {}) }), waterLine: 1 });
      let state: MapperState = { call: null, dial: null };
      state = await pollOnce([message(0)], state);
      expect(isActive(state.call)).toBe(true);
      state = await pollOnce([message(1)], state);
      expect(state.call?.state).toBe('connected');
      state = await pollOnce([message(3)], state);
      expect((state.call as Call).state).toBe('ended');
    }
  });
});

// ── The stored cursor ─────────────────────────────────────────────────────────────────────────
describe('readCursor', () => {
  it('anything stored → a cursor of the right shape', () => {
    const mark = fc.record({ id: field(fc.constantFrom('cb-1', null)), number: field(fc.constant(CUSTOMER)), at: field(fc.constant(NOW)), cdrId: field(fc.constant('A')) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(fc.record({ v: anyValue, waterLine: field(fc.constantFrom('12', 12)), dial: fc.oneof(mark, anyValue), cancelled: fc.oneof(mark, anyValue) }, { requiredKeys: [] }), anyValue), (stored) => {
        const cursor = readCursor(stored);
        expect(cursor.v).toBe(1);
        if (cursor.waterLine !== null) expect(cursor.waterLine).toMatch(/^\d+$/);
        for (const m of [cursor.dial, cursor.cancelled]) if (m) expect(isText(m.number) && typeof m.at === 'number' && (m.id === null || isText(m.id))).toBe(true);
        if (cursor.cancelled) expect(cursor.cancelled.cdrId === null || isText(cursor.cancelled.cdrId)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

// ── The desktop client's replies, error texts ─────────────────────────────────────────────────
describe('error texts', () => {
  it('the desktop client replying anything: done, or a CallbarError in words', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(replyText, fc.record({ code: field(fc.constantFrom(-1, '-2', -11, 7)), message: field(fc.constantFrom('', '网络错误', BIG)) }, { requiredKeys: [] }).map((v) => JSON.stringify(v))), fc.constantFrom(200, 200, 404, 500), async (text, status) => {
        const desktop = new Ing800Desktop({ port: 10800, fetch: async () => new Response(text, { status }) });
        try {
          await desktop.hangup(CUSTOMER);
        } catch (error) {
          expectReadable(error);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('any code and message → words, capped', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('-1', '-2', '-11', '7', '0', ...ODD_STRINGS), fc.string()), fc.oneof(fc.constantFrom('', '网络错误', BIG, ...ODD_STRINGS), fc.string({ unit: 'grapheme' })), fc.constantFrom(0, 302, 401, 404, 500, 503, 599), (code, message, status) => {
        expectWords(vendorErrorMessage(code, message, '外呼'));
        expectWords(httpErrorMessage(status, '外呼', '八百呼服务器 voip.example.com'));
      }),
      { numRuns: 150 },
    );
  });
});
