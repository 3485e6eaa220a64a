/**
 * Every HTTP vendor client, fed arbitrary and hostile reply bodies (fast-check): the result is the
 * client's value or a CallbarError in the agent's words — never a RangeError from JSON nested thousands
 * deep, a TypeError from an object whose toString is not a function, or a reply read whole however big.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallbarError } from '../shared/errors.ts';
import { Ing800Client } from './800ing/800ing-client.ts';
import { SoftbarClient } from './cmcc-softbar/cmcc-softbar-client.ts';
import { DscomAuthApi, DscomClient } from './dscom/dscom-client.ts';
import { MAX_REPLY_BYTES, numberOf, preview } from './http.ts';

afterEach(() => vi.unstubAllGlobals());

const deep = (depth: number, leaf = '1') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** Values that look right at a glance: the right keys, holding objects whose toString is not a function. */
const TRAPS = ['{"result":{"toString":1}}', '{"errcode":0,"data":[{"result":{"toString":5},"extension":{"toString":null}}]}', '{"errcode":{"valueOf":1},"data":null}',
  '{"code":"200","data":{"exteLoginType":{"toString":1},"disablePhoneNum":{"valueOf":2}}}', '{"access_token":"t","expires_in":{"toString":7},"refresh_token":"r"}',
  '{"code":0,"data":{"time":{"toString":0}}}', '{"errcode":0,"data":' + deep(5000) + '}', '{"errcode":0,"data":' + deepObject(5000) + '}', deep(5000), deepObject(5000)];

const body = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.constantFrom(...TRAPS) },
  { weight: 1, arbitrary: fc.string() },
  {
    weight: 2,
    arbitrary: fc
      .record({ errcode: fc.oneof(fc.constant(0), fc.jsonValue()), code: fc.oneof(fc.constant('200'), fc.constant(0), fc.jsonValue()), data: fc.jsonValue({ maxDepth: 3 }), msg: fc.jsonValue() }, { requiredKeys: [] })
      .map((v) => JSON.stringify(v)),
  },
);
const status = fc.constantFrom(200, 200, 200, 401, 500);

function replying(text: string, code: number) {
  return async () => new Response(text, { status: code, headers: { 'Content-Type': 'application/json' } });
}

/** Resolves, or rejects with a CallbarError: anything else fails the property with what was thrown. */
async function settles(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof CallbarError)) throw new Error(`not a CallbarError: ${String((error as Error)?.name)} ${String((error as Error)?.message).slice(0, 120)}`);
    expect(error.message.length).toBeGreaterThan(0);
  }
}

describe('the three HTTP clients with hostile replies', () => {
  it('本机电话条 (cmcc-softbar): getUserInfo, events, actions', async () => {
    await fc.assert(
      fc.asyncProperty(body, status, async (text, code) => {
        vi.stubGlobal('fetch', replying(text, code));
        const client = new SoftbarClient('http://127.0.0.1:8008', 'secret');
        await settles(() => client.getUserInfo());
        await settles(() => client.events('getCallState', 20));
        await settles(() => client.action('hangup'));
      }),
      { numRuns: 150 },
    );
  });

  it('八百呼 (800ing): the agent’s extension, the water line, messages', async () => {
    await fc.assert(
      fc.asyncProperty(body, status, async (text, code) => {
        const client = new Ing800Client({ server: 'http://voip.example.com', account: '100008800', password: 'pw', fetch: replying(text, code) });
        await settles(() => client.getExtension());
        await settles(() => client.waterLine('c1'));
        await settles(() => client.recvMsg('c1', '0'));
      }),
      { numRuns: 150 },
    );
  });

  it('dscom: the token, a call request, the agent status', async () => {
    await fc.assert(
      fc.asyncProperty(body, status, async (text, code) => {
        const fetch = replying(text, code);
        await settles(() => new DscomAuthApi({ apiBase: 'https://pbx.example.com/dscom-api', clientId: '4', clientSecret: 's', username: 'u', password: 'p', fetch }).passwordGrant());
        const client = new DscomClient({ apiBase: 'https://pbx.example.com/dscom-api', tokens: { accessToken: async () => 't', renew: async () => 't2' }, fetch });
        await settles(() => client.dial('8001', '13800138000'));
        await settles(() => client.agentStatus('1011', '8001'));
      }),
      { numRuns: 150 },
    );
  });
});

describe('reply size', () => {
  it('a body over the limit is refused without reading it all — streamed or declared', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(0x31));
      },
    });
    const client = new Ing800Client({ server: 'http://voip.example.com', account: '100008800', password: 'pw', fetch: async () => new Response(endless, { status: 200 }) });
    const e = await client.getExtension().then(
      () => null,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(CallbarError);
    expect((e as CallbarError).message).toBe('服务器的回复过大（超过 1024 KB），已忽略');
    expect(pulled).toBeLessThan(MAX_REPLY_BYTES + 3 * 65_536);
  });
});

describe('helpers', () => {
  it('preview never throws and is capped', () => {
    expect(preview(JSON.parse(deep(5000)))).toBe('(array, unreadable)');
    expect(preview({ a: 'x'.repeat(1000) })).toHaveLength(200);
    expect(preview(undefined)).toBe('undefined');
  });
  it('numberOf reads numbers and numeric strings only', () => {
    expect(numberOf(3)).toBe(3);
    expect(numberOf(' 7 ')).toBe(7);
    expect(numberOf({ toString: 1 })).toBeNaN();
    expect(numberOf(null)).toBeNaN();
  });
});
