/**
 * The CC PaaS toolbar session fed arbitrary and hostile input (fast-check, issue 16): sequences of
 * callbacks through CcpaasToolbarSession behind a fake wire (any data, replayed, out of order, seq
 * missing), `initial` replies whose `data` holds anything, and saved cursors of any shape (toolbar and
 * REST modes). Callbacks never throw out of the session, every event it writes has the documented
 * types, and the call it leaves is a valid call; a command gives a result or a CallbarError in words.
 * (Single callbacks through the mapper: ccpaas-mapper.test.ts; the wire's frames: ccpaas-wire.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FakePhone } from '../../../test/support/fake-phone.ts';
import { fakeContext } from '../../../test/support/provider-context.ts';
import type { ProviderEvent } from '../../shared/call-events.ts';
import { CallbarError } from '../../shared/errors.ts';
import { ccpaasSettingsSchema } from './ccpaas-info.ts';
import { CcpaasRestSession } from './ccpaas-direct.ts';
import { CcpaasToolbarSession, readCursor } from './ccpaas-session.ts';
import type { CtiCallback, CtiMethod, CtiResult, CtiWireHandlers, OpenCtiWire } from './ccpaas-wire.ts';

const str = z.string();
const num = z.number().finite();
/** The ProviderEvents this session writes, with the types call-events.ts documents. */
const providerEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('call.dialing'), number: str.min(1), vendorCallId: str.min(1).optional() }),
  z.strictObject({ type: z.literal('call.incoming'), number: str.min(1), vendorCallId: str.min(1).optional() }),
  z.strictObject({ type: z.literal('call.ringing') }),
  z.strictObject({ type: z.literal('call.connected') }),
  z.strictObject({ type: z.literal('call.held') }),
  z.strictObject({ type: z.literal('call.resumed') }),
  z.strictObject({ type: z.literal('call.ended'), cause: str.min(1).optional() }),
  z.strictObject({ type: z.literal('call.muted'), muted: z.boolean() }),
  z.strictObject({ type: z.literal('agent.state'), state: str.min(1), since: num.optional() }),
  z.strictObject({ type: z.literal('note'), text: str.min(1) }),
]);
const call = z.object({
  id: str.min(1),
  vendorCallId: str.min(1).max(128).optional(),
  direction: z.enum(['outbound', 'inbound']),
  number: str.max(64),
  state: z.enum(['dialing', 'ringing', 'incoming', 'connected', 'held', 'ended']),
  startedAt: num,
  connectedAt: num.optional(),
  endedAt: num.optional(),
  muted: z.boolean(),
  cause: str.max(500).optional(),
});
const cursorShape = z.strictObject({
  v: z.literal(1),
  seq: z.number().int().nullable(),
  webphone: z.strictObject({ wsAddr: str, sipNumber: str, sipPwd: str }).nullable(),
  wrapupSeconds: num.min(0).nullable(),
  bridgePending: str.min(1).nullable(),
  ended: str.min(1).nullable(),
});

function valid(schema: z.ZodType, value: unknown, what: string): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what} is not valid: ${JSON.stringify(value)?.slice(0, 300)} — ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
}

async function settles(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof CallbarError)) throw new Error(`not a CallbarError: ${String((error as Error)?.name)} ${String((error as Error)?.message).slice(0, 160)}`);
    expect(error.message.length).toBeGreaterThan(0);
  }
}

const OK: CtiResult = { statusCode: '00000', statusMsg: 'success' };
const INITIAL_DATA = { phoneType: 3, workStatus: 1, sipNumber: '8001', sipPwd: 'sp-8001', wsAddr: 'ws://127.0.0.1:5066' };

/** A CTI server behind the wire interface: `initial` answers with `initialData`, everything else 00000. */
class FakeCti {
  handlers: CtiWireHandlers | null = null;
  initialData: Record<string, unknown> = INITIAL_DATA;
  readonly open: OpenCtiWire = (_config, handlers) => {
    this.handlers = handlers;
    let open = false;
    queueMicrotask(() => {
      open = true;
      handlers.onStatus({ kind: 'connected', reconnected: false });
    });
    return {
      request: async (method: CtiMethod) => {
        if (!open) throw new Error('socket not open');
        return method === 'initial' ? { ...OK, data: this.initialData } : OK;
      },
      get open() {
        return open;
      },
      close: () => {
        open = false;
      },
    };
  };
}

const BASE = { mode: 'toolbar', ctiUrl: 'ws://127.0.0.1:8096/cti', appSid: 'app1', agentNo: '8001', password: 'pw', phoneType: '1', pauseCauses: '休息,培训' };
const settled = () => new Promise((r) => setTimeout(r, 0));

/** A session whose every write is checked: the events' types, then the engine applies them as in fakeContext. */
function session(phoneType: '1' | '3', cursor?: unknown) {
  const cti = new FakeCti();
  const phone = new FakePhone();
  const { ctx, state } = fakeContext(cursor, phone);
  const invalid: string[] = [];
  const emit = ctx.emit;
  ctx.emit = async (events: readonly ProviderEvent[], options) => {
    for (const e of events) {
      const r = providerEvent.safeParse(e);
      if (!r.success) invalid.push(`${JSON.stringify(e).slice(0, 200)}: ${r.error.issues[0]?.message}`);
    }
    return emit(events, options);
  };
  const s = new CcpaasToolbarSession(ccpaasSettingsSchema.parse({ ...BASE, phoneType }), ctx, { openWire: cti.open, requestTimeoutMs: 100 });
  return { s, cti, state, invalid, phone };
}

// ── Hostile input ───────────────────────────────────────────────────────────────────────────

const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf'];
const hostile = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom({ toString: 1 }, [{ valueOf: null }], ...INHERITED, 'x'.repeat(5000), '', ' ', -1, 1e300, 0));
/** Mostly what the document says, sometimes anything. */
const likely = <T,>(documented: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: documented }, { weight: 1, arbitrary: hostile });
const callData = fc.record(
  {
    eventName: likely(fc.constantFrom('initiated', 'ringing', 'answered', 'completed', 'failed', ...INHERITED)),
    agentNo: likely(fc.constant('8001')),
    conversationSid: likely(fc.constantFrom('CV1', 'CV2')),
    callType: likely(fc.constantFrom('1', '2', '3', '4', 1, 3)),
    callSubtype: likely(fc.constantFrom('1', '2', '5')),
    userNumber: likely(fc.constantFrom('13800138000', '138****8000')),
    isBridged: likely(fc.constantFrom('0', '1')),
    failedCause: likely(fc.constantFrom('failed', 'no-answer', 'canceled', 'time-out')),
    completedCause: likely(fc.constant('time-limit')),
    timestamp: likely(fc.constantFrom('20240101120000', '1700000000000', '1700000000')),
  },
  { requiredKeys: [] },
);
const statusData = fc.record(
  {
    eventName: likely(fc.constantFrom('login', 'ready', 'autoReady', 'pause', 'completed', ...INHERITED)),
    agentNo: likely(fc.constant('8001')),
    workStatus: likely(fc.constantFrom('ready', 'pause')),
    pauseCause: likely(fc.constantFrom('休息', 'wrapup', '培训')),
    wrapupTime: likely(fc.constantFrom('30', '0', '99999')),
  },
  { requiredKeys: [] },
);
const seq = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(null));
const callback: fc.Arbitrary<CtiCallback> = fc.oneof(
  fc.record({ callback: fc.constant('onCallEvent' as const), seq, data: fc.oneof({ weight: 4, arbitrary: callData }, { weight: 1, arbitrary: fc.dictionary(fc.string(), hostile) }) }),
  fc.record({ callback: fc.constant('onStatusEvent' as const), seq, data: fc.oneof({ weight: 4, arbitrary: statusData }, { weight: 1, arbitrary: fc.dictionary(fc.string(), hostile) }) }),
  fc.record({ callback: fc.constant('onConnEvent' as const), data: fc.constantFrom('auth_fail', 'auth_success', '') }),
);

describe('CC PaaS toolbar: callbacks in any order, with anything in them', () => {
  it('never throw out of the session, write only valid events and leave a valid call', async () => {
    // Not vacuous: many sequences do make calls.
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('1' as const, '3' as const), fc.array(callback, { minLength: 1, maxLength: 12 }), async (phoneType, callbacks) => {
        const t = session(phoneType);
        await t.s.login();
        t.s.resume(new AbortController().signal);
        await settled();
        for (const c of callbacks) t.cti.handlers!.onCallback(c);
        await settled();
        await settled();
        expect(t.invalid).toEqual([]);
        // fakeContext refuses an impossible move as a failed write: the session would show 会话状态未能保存.
        expect(t.state.problems.filter((p) => p?.code === 'internal')).toEqual([]);
        if (t.state.call) {
          valid(call, t.state.call, 'call');
          calls++;
        }
        valid(cursorShape, readCursor(t.state.cursor), 'cursor');
        // The session still takes commands: an answer or a CallbarError.
        await settles(() => t.s.hangup());
        await settles(() => t.s.answer());
        await t.s.logout();
      }),
      // 150 runs: about 1 in 10 leaves a call shown (a replayed start of a finished call adds nothing), so the check below has room.
      { numRuns: 150 },
    );
    expect(calls).toBeGreaterThan(5);
  });

  it('initial’s reply with anything in `data`: a login, or a CallbarError in words', async () => {
    const data = fc.oneof(
      fc.record({ workStatus: hostile, sipNumber: hostile, sipPwd: hostile, wsAddr: fc.oneof(fc.constantFrom('ws://127.0.0.1:5066', 'wss://[::1', 'javascript:alert(1)'), hostile), phoneType: hostile }, { requiredKeys: [] }),
      fc.dictionary(fc.string(), hostile),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('1' as const, '3' as const), data, async (phoneType, initialData) => {
        const t = session(phoneType);
        t.cti.initialData = initialData;
        await settles(() => t.s.login());
        t.s.loggedInCapabilities();
        valid(cursorShape, readCursor(t.state.cursor), 'cursor');
        expect(t.invalid).toEqual([]);
        for (const c of t.phone.commands) if (c.type === 'register') expect(typeof c.account.wsUrl).toBe('string');
        await t.s.logout().catch(() => undefined);
      }),
      { numRuns: 80 },
    );
  });
});

describe('CC PaaS saved state: a hostile cursor is read as a valid one', () => {
  const cursor = fc.oneof(
    hostile,
    fc.record(
      {
        v: hostile,
        seq: fc.oneof(fc.integer(), fc.constantFrom(Number.NaN, Infinity, 2 ** 60), hostile),
        webphone: fc.oneof(fc.record({ wsAddr: hostile, sipNumber: hostile, sipPwd: hostile }, { requiredKeys: [] }), hostile),
        wrapupSeconds: fc.oneof(fc.constantFrom(30, -5, Number.NaN, Infinity), hostile),
        bridgePending: hostile,
        ended: hostile,
        conversationSid: hostile,
        acceptedAt: hostile,
      },
      { requiredKeys: [] },
    ),
  );

  it('toolbar: readCursor, then capabilities, 接听 and the phone account from it', async () => {
    await fc.assert(
      fc.asyncProperty(cursor, fc.constantFrom('1' as const, '3' as const), async (saved, phoneType) => {
        valid(cursorShape, readCursor(saved), 'cursor');
        const t = session(phoneType, saved);
        const caps = t.s.loggedInCapabilities();
        for (const s of caps?.agentStates ?? []) if (s.countdownSeconds !== undefined) expect(Number.isFinite(s.countdownSeconds) && s.countdownSeconds > 0).toBe(true);
        t.s.resume(new AbortController().signal);
        await settled();
        await settles(() => t.s.answer());
        await t.s.logout().catch(() => undefined);
      }),
      { numRuns: 100 },
    );
  });

  it('REST: 取消呼叫 with any saved cursor', async () => {
    const settings = ccpaasSettingsSchema.parse({ mode: 'rest', baseUrl: 'https://api.example.com', softVersion: '20181221', accountSid: 'AC1', accountToken: 'tok', applicationSid: 'AP1', caller: '13800000001' });
    await fc.assert(
      fc.asyncProperty(cursor, async (saved) => {
        const { ctx } = fakeContext(saved);
        const s = new CcpaasRestSession(settings, ctx, { fetch: async () => new Response('{"statusCode":"00000"}', { status: 200 }) });
        await settles(() => s.extraAction('cancelCall'));
      }),
      { numRuns: 50 },
    );
  });
});

describe('what these properties found, as examples', () => {
  it('a saved 整理 time that is not a number of seconds (Infinity, NaN, -5) is none: no countdown that never ends', () => {
    for (const wrapupSeconds of [Infinity, Number.NaN, -5]) expect(readCursor({ v: 1, wrapupSeconds }).wrapupSeconds).toBeNull();
    const { s } = session('1', { v: 1, wrapupSeconds: Infinity });
    expect(s.loggedInCapabilities()?.agentStates.find((a) => a.id === 'wrapup')?.countdownSeconds).toBeUndefined();
    expect(readCursor({ v: 1, wrapupSeconds: 30 }).wrapupSeconds).toBe(30);
  });
});

describe('refused moves these properties found, as examples', () => {
  it('a `ringing` of a call not shown (no number) or already answered asks nothing (the engine refused idle/connected → ringing)', async () => {
    const t = session('1');
    await t.s.login();
    t.s.resume(new AbortController().signal);
    await settled();
    t.cti.handlers!.onCallback({ callback: 'onCallEvent', seq: 1, data: { eventName: 'ringing', callType: '4' } });
    await settled();
    expect(t.state.call).toBeNull();
    t.cti.handlers!.onCallback({ callback: 'onCallEvent', seq: 2, data: { eventName: 'answered', callType: '3', conversationSid: 'CV1', userNumber: '13800138000' } });
    t.cti.handlers!.onCallback({ callback: 'onCallEvent', seq: 3, data: { eventName: 'ringing', callType: '3', conversationSid: 'CV1', userNumber: '13800138000' } });
    await settled();
    expect(t.state.call?.state).toBe('connected');
    expect(t.state.problems.filter((p) => p?.code === 'internal')).toEqual([]);
  });
});
