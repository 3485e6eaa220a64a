/**
 * What the offscreen document sends the service worker, read (fast-check, issue 16): readPhoneStatus
 * and readPhoneReply take anything — wrong types, missing fields, huge strings, JSON 5,000 deep, a
 * getter that throws — and give a PhoneStatus / PhoneReply of the documented shape or null, and every
 * status the phone really sends comes through unchanged. ChromePhoneLink hands its subscribers only
 * statuses so read, and a command whose reply is unreadable fails with a CallbarError in words.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CallbarError } from '../shared/errors.ts';
import type { PhoneCall, PhoneStatus } from '../shared/softphone.ts';
import { ChromePhoneLink, readPhoneReply, readPhoneStatus } from './phone-link.ts';

vi.mock('./offscreen-document.ts', () => ({ ensureOffscreen: async () => undefined, releaseOffscreen: async () => undefined }));

const str = (max: number) => z.string().max(max);
const num = z.number().finite();
const CAUSES = ['local-hangup', 'remote-hangup', 'busy', 'rejected', 'declined-locally', 'no-answer', 'canceled', 'not-found', 'unavailable', 'transferred', 'media-failed', 'microphone', 'connection-lost', 'auth', 'failed'] as const;
/** The documented PhoneStatus, strictly: the types of softphone.ts, strings within their caps. */
const statusShape = z.strictObject({
  instance: str(256),
  seq: num,
  account: str(4096).nullable(),
  registration: z.enum(['unregistered', 'registering', 'registered', 'failed', 'reconnecting']),
  registrationError: z.strictObject({ cause: z.enum(['auth', 'unreachable', 'refused', 'timeout']), code: num.optional(), text: str(500).optional() }).optional(),
  dnd: z.boolean(),
  mic: z.enum(['unknown', 'ok', 'denied', 'missing', 'lost']),
  call: z
    .strictObject({
      id: str(256).min(1),
      direction: z.enum(['outbound', 'inbound']),
      remote: str(256),
      remoteName: str(256).optional(),
      state: z.enum(['dialing', 'ringing', 'incoming', 'connected', 'held', 'ended']),
      muted: z.boolean(),
      startedAt: num,
      connectedAt: num.optional(),
      endedAt: num.optional(),
      cause: z.enum(CAUSES).optional(),
      code: z.number().int().optional(),
      digits: str(256),
      quality: z.strictObject({ mos: num, rttMs: num, jitterMs: num, lossPct: num, poor: z.boolean(), worstMos: num, meanMos: num, samples: num, mosSum: num.optional() }).optional(),
      autoAnswered: z.boolean().optional(),
    })
    .nullable(),
  retries: num.min(0),
});

/** Optional fields read as absent are absent (a key holding undefined is dropped, as a message would drop it). */
function checkStatus(status: PhoneStatus | null | undefined): void {
  if (!status) return;
  const plain = JSON.parse(JSON.stringify(status)) as unknown;
  const r = statusShape.safeParse(plain);
  if (!r.success) throw new Error(`not a PhoneStatus: ${JSON.stringify(plain).slice(0, 300)} — ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
}

const T = 1_700_000_000_000;
const realCall: fc.Arbitrary<PhoneCall> = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 40 }),
    direction: fc.constantFrom('outbound' as const, 'inbound' as const),
    remote: fc.string({ maxLength: 40 }),
    remoteName: fc.string({ maxLength: 40 }),
    state: fc.constantFrom('dialing' as const, 'ringing' as const, 'incoming' as const, 'connected' as const, 'held' as const, 'ended' as const),
    muted: fc.boolean(),
    startedAt: fc.constant(T),
    connectedAt: fc.constant(T + 1000),
    endedAt: fc.constant(T + 9000),
    cause: fc.constantFrom(...CAUSES),
    code: fc.integer({ min: 100, max: 699 }),
    digits: fc.stringMatching(/^[0-9*#A-D,]{0,32}$/),
    quality: fc.record({ mos: fc.constant(4.2), rttMs: fc.nat(900), jitterMs: fc.nat(90), lossPct: fc.nat(100), poor: fc.boolean(), worstMos: fc.constant(3.1), meanMos: fc.constant(4), samples: fc.nat(500), mosSum: fc.constant(40.5) }, { requiredKeys: ['mos', 'rttMs', 'jitterMs', 'lossPct', 'poor', 'worstMos', 'meanMos', 'samples'] }),
    autoAnswered: fc.boolean(),
  },
  { requiredKeys: ['id', 'direction', 'remote', 'state', 'muted', 'startedAt', 'digits'] },
);
/** What the phone in the offscreen document really sends. */
const realStatus: fc.Arbitrary<PhoneStatus> = fc.record(
  {
    instance: fc.uuid(),
    seq: fc.nat(),
    account: fc.constantFrom(null, 'wss://pbx.example.com:8089/ws sip:1001@pbx.example.com '),
    registration: fc.constantFrom('unregistered' as const, 'registering' as const, 'registered' as const, 'failed' as const, 'reconnecting' as const),
    registrationError: fc.record({ cause: fc.constantFrom('auth' as const, 'unreachable' as const, 'refused' as const, 'timeout' as const), code: fc.integer({ min: 100, max: 699 }), text: fc.string({ maxLength: 60 }) }, { requiredKeys: ['cause'] }),
    dnd: fc.boolean(),
    mic: fc.constantFrom('unknown' as const, 'ok' as const, 'denied' as const, 'missing' as const, 'lost' as const),
    call: fc.option(realCall, { nil: null }),
    retries: fc.nat(20),
  },
  { requiredKeys: ['instance', 'seq', 'account', 'registration', 'dnd', 'mic', 'call', 'retries'] },
);

const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom({ toString: 1 }, [{ valueOf: null }], '__proto__', 'constructor', 'x'.repeat(100_000), Number.NaN, Infinity, -1));
/** A real status with one field (of the status or its call) replaced by anything, or dropped. */
const damaged = fc.tuple(realStatus, fc.constantFrom('instance', 'seq', 'account', 'registration', 'registrationError', 'dnd', 'mic', 'call', 'retries', 'call.id', 'call.remote', 'call.state', 'call.muted', 'call.cause', 'call.code', 'call.digits', 'call.quality', 'call.startedAt'), fc.option(anything, { nil: undefined })).map(([status, path, value]) => {
  const copy = JSON.parse(JSON.stringify(status)) as Record<string, unknown>;
  const [a, b] = path.split('.') as [string, string | undefined];
  const target = b ? (copy[a] as Record<string, unknown> | null) : copy;
  const key = b ?? a;
  if (target) {
    if (value === undefined) delete target[key];
    else target[key] = value;
  }
  return copy;
});
const deep = (depth: number) => JSON.parse(`${'{"call":'.repeat(depth)}null${'}'.repeat(depth)}`) as unknown;
const throwing = Object.defineProperty({ instance: 'd', seq: 1 }, 'registration', {
  enumerable: true,
  get() {
    throw new Error('trap');
  },
});
const hostile = fc.oneof(damaged, anything, fc.constantFrom(deep(5000), throwing, new Proxy({}, { get: () => { throw new Error('trap'); } })));

afterEach(() => vi.unstubAllGlobals());

describe('readPhoneStatus / readPhoneReply', () => {
  it('every status the phone sends is read unchanged', () => {
    fc.assert(
      fc.property(realStatus, (status) => {
        expect(readPhoneStatus(status)).toEqual(status);
        expect(readPhoneReply({ ok: true, status })).toEqual({ ok: true, status });
        expect(readPhoneReply({ ok: false, error: { code: 'busy', message: 'in a call' }, status })).toEqual({ ok: false, error: { code: 'busy', message: 'in a call' }, status });
      }),
      { numRuns: 200 },
    );
  });

  it('anything else: a PhoneStatus of the documented shape, or null — never an exception', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        checkStatus(readPhoneStatus(value));
        const reply = readPhoneReply({ ok: true, status: value });
        checkStatus(reply?.status);
        const failed = readPhoneReply({ ok: false, error: value, status: value });
        if (failed && !failed.ok) expect(typeof failed.error.message).toBe('string');
      }),
      { numRuns: 400 },
    );
  });

  it('huge strings are cut where they enter', () => {
    const status = readPhoneStatus({ instance: 'd', seq: 1, account: null, registration: 'registered', dnd: false, mic: 'ok', retries: 0, call: { id: 'p1', direction: 'inbound', remote: '9'.repeat(1_000_000), state: 'incoming', muted: false, startedAt: T, digits: '1'.repeat(1_000_000) } });
    expect(status?.call?.remote).toHaveLength(256);
    expect(status?.call?.digits).toHaveLength(256);
  });
});

describe('ChromePhoneLink', () => {
  it('subscribers get only readable statuses', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(realStatus, hostile), { maxLength: 8 }), (values) => {
        const link = new ChromePhoneLink(async () => ({ input: '', output: '', ring: '' }));
        const got: PhoneStatus[] = [];
        link.subscribe((s) => got.push(s));
        for (const v of values) link.deliver(v);
        for (const s of got) checkStatus(s);
      }),
      { numRuns: 150 },
    );
  });

  it('an unreadable status does not displace the last good one (its seq 99 used to make the next good one look stale)', () => {
    const link = new ChromePhoneLink(async () => ({ input: '', output: '', ring: '' }));
    const got: number[] = [];
    link.subscribe((s) => got.push(s.seq));
    const good: PhoneStatus = { instance: 'd', seq: 1, account: null, registration: 'registered', dnd: false, mic: 'ok', call: null, retries: 0 };
    link.deliver(good);
    link.deliver({ ...good, seq: 99, registration: 'bogus' });
    link.deliver({ ...good, seq: 2, retries: { toString: 1 } });
    link.deliver({ ...good, seq: 3 });
    expect(got).toEqual([1, 3]);
  });

  it('a command’s reply: the status, or a CallbarError in words', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(realStatus.map((status) => ({ ok: true, status })), fc.record({ ok: fc.constantFrom(true, false, 'yes'), error: fc.oneof(fc.record({ code: fc.constantFrom('busy', 'no-call', 'registration'), message: fc.string(), cause: fc.string() }), anything), status: hostile }, { requiredKeys: [] }), hostile, fc.constant(undefined)), async (reply) => {
        vi.stubGlobal('chrome', { ...globalThis.chrome, runtime: { sendMessage: async () => reply } });
        const link = new ChromePhoneLink(async () => ({ input: '', output: '', ring: '' }));
        try {
          checkStatus(await link.send({ type: 'status' }));
        } catch (error) {
          if (!(error instanceof CallbarError)) throw new Error(`not a CallbarError: ${String(error)}`);
          expect(error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
