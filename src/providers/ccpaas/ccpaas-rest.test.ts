import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallbarError } from '../../shared/errors.ts';
import { failure } from '../../../test/support/provider-context.ts';
import { ccpaasSettingsSchema } from './ccpaas-info.ts';
import { basicAuthorization, CcpaasRestClient, click2callBody, conversationsUrl, type FetchLike, utf8Base64 } from './ccpaas-rest.ts';

const SETTINGS = ccpaasSettingsSchema.parse({
  mode: 'rest',
  baseUrl: 'https://api.example.com/paas/',
  softVersion: '2016-01-01',
  accountSid: 'AC123',
  accountToken: 'tok456',
  applicationSid: 'APP_1',
  caller: '13800000000',
});

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A platform stand-in: records each request and answers with `respond`. */
function platform(respond: (sent: Sent, init: RequestInit) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const request = { url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) as unknown };
    sent.push(request);
    return respond(request, init);
  };
  return { sent, fetch };
}

const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });

describe('CC PaaS REST requests', () => {
  it('Authorization is "Basic " + Base64(AccountSid:AccountToken), over UTF-8 bytes', () => {
    expect(basicAuthorization('AC123', 'tok456')).toBe('Basic QUMxMjM6dG9rNDU2');
    expect(basicAuthorization('ab12', '令牌é')).toBe('Basic YWIxMjrku6TniYzDqQ==');
    expect(utf8Base64('')).toBe('');
  });

  it('the URL carries SoftVersion, the account, the application and the conversation, each segment encoded', () => {
    expect(conversationsUrl(SETTINGS)).toBe('https://api.example.com/paas/2016-01-01/Accounts/AC123/Applications/APP_1/ctc/Conversations');
    expect(conversationsUrl({ ...SETTINGS, softVersion: 'v 1', accountSid: 'a/b' }, 'CA?1#2')).toBe('https://api.example.com/paas/v%201/Accounts/a%2Fb/Applications/APP_1/ctc/Conversations/CA%3F1%232');
  });

  it('click2call sends what the settings give: record left out at its default 0, maxDuration a number', () => {
    expect(click2callBody(SETTINGS, '15800000000')).toEqual({ action: 'click2call', caller: '13800000000', callee: '15800000000' });
    const full = ccpaasSettingsSchema.parse({ ...SETTINGS, callerCli: '01080001001', calleeCli: '+8601080001002', record: '2', maxDuration: '600', userData: 'crm42' });
    expect(click2callBody(full, '+8615800000000')).toEqual({
      action: 'click2call',
      caller: '13800000000',
      callee: '+8615800000000',
      callerCli: '01080001001',
      calleeCli: '+8601080001002',
      userData: 'crm42',
      record: 2,
      maxDuration: 600,
    });
  });

  it('posts JSON with the document’s headers and returns the conversationSid', async () => {
    const { sent, fetch } = platform(() => json({ conversationSid: 'CA2016010000000219', statusCode: '00000', statusMsg: 'success' }));
    const client = new CcpaasRestClient(SETTINGS, { fetch });
    expect(await client.click2call('15800000000')).toEqual({ conversationSid: 'CA2016010000000219' });
    expect(sent).toEqual([
      {
        url: 'https://api.example.com/paas/2016-01-01/Accounts/AC123/Applications/APP_1/ctc/Conversations',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json;charset=utf-8', Authorization: 'Basic QUMxMjM6dG9rNDU2' },
        body: { action: 'click2call', caller: '13800000000', callee: '15800000000' },
      },
    ]);
    await client.cancelCall('CA2016010000000219');
    expect(sent[1]).toMatchObject({ url: 'https://api.example.com/paas/2016-01-01/Accounts/AC123/Applications/APP_1/ctc/Conversations/CA2016010000000219', body: { action: 'cancelCall' } });
  });

  it('an accepting reply without a usable conversationSid still means the call is going out', async () => {
    for (const sid of [undefined, '', 42, 'has space', 'x'.repeat(129)]) {
      const { fetch } = platform(() => json({ conversationSid: sid, statusCode: '00000', statusMsg: 'success' }));
      expect(await new CcpaasRestClient(SETTINGS, { fetch }).click2call('15800000000')).toEqual({ conversationSid: '' });
    }
  });

  const long = 'x'.repeat(5000);
  const failures: { name: string; reply: () => Response | Promise<Response>; code: CallbarError['code']; message: string }[] = [
    { name: 'platform refusal', reply: () => json({ statusCode: '10001', statusMsg: '主叫号码不合法' }), code: 'refused', message: '外呼失败：主叫号码不合法（错误码 10001）' },
    { name: 'refusal without words', reply: () => json({ statusCode: 20002 }), code: 'refused', message: '外呼失败：未知错误（错误码 20002）' },
    { name: 'refusal with a huge statusMsg (capped)', reply: () => json({ statusCode: '1', statusMsg: long }), code: 'refused', message: `外呼失败：${'x'.repeat(200)}…（错误码 1）` },
    { name: 'refusal on HTTP 400 with a JSON body', reply: () => json({ statusCode: '10002', statusMsg: '参数错误' }, 400), code: 'refused', message: '外呼失败：参数错误（错误码 10002）' },
    { name: 'HTTP 401', reply: () => json({ statusCode: '1', statusMsg: 'unauthorized' }, 401), code: 'auth', message: '外呼失败：平台不接受账号 ID（AccountSid）和账号令牌（AccountToken），请在设置中检查（HTTP 401）' },
    { name: 'HTTP 403 with an HTML page', reply: () => new Response('<html>Forbidden</html>', { status: 403 }), code: 'auth', message: '外呼失败：平台不接受账号 ID（AccountSid）和账号令牌（AccountToken），请在设置中检查（HTTP 403）' },
    { name: 'HTTP 502 HTML', reply: () => new Response('<html>Bad gateway</html>', { status: 502 }), code: 'refused', message: '外呼失败：CC PaaS 平台 api.example.com 拒绝了请求（HTTP 502）' },
    { name: 'HTTP 500 JSON without a statusCode', reply: () => json({ error: 'boom' }, 500), code: 'refused', message: '外呼失败：CC PaaS 平台 api.example.com 拒绝了请求（HTTP 500）' },
    { name: 'HTTP 500 claiming success', reply: () => json({ statusCode: '00000', statusMsg: 'success' }, 500), code: 'refused', message: '外呼失败：CC PaaS 平台 api.example.com 拒绝了请求（HTTP 500）' },
    { name: 'not JSON', reply: () => new Response('OK'), code: 'malformed-reply', message: 'CC PaaS 平台 api.example.com 的回复无法识别，呼叫可能已经发出：请看您的电话是否振铃，不要重复拨打' },
    { name: 'JSON but not an object', reply: () => json([{ statusCode: '00000' }]), code: 'malformed-reply', message: 'CC PaaS 平台 api.example.com 的回复无法识别，呼叫可能已经发出：请看您的电话是否振铃，不要重复拨打' },
    { name: 'statusCode as an object', reply: () => json({ statusCode: { toString: 'x' }, statusMsg: 'success' }), code: 'malformed-reply', message: 'CC PaaS 平台 api.example.com 的回复无法识别，呼叫可能已经发出：请看您的电话是否振铃，不要重复拨打' },
    { name: 'statusMsg as an object', reply: () => json({ statusCode: '3', statusMsg: { valueOf: 1 } }), code: 'refused', message: '外呼失败：未知错误（错误码 3）' },
    { name: 'a huge non-JSON body', reply: () => new Response(long), code: 'malformed-reply', message: 'CC PaaS 平台 api.example.com 的回复无法识别，呼叫可能已经发出：请看您的电话是否振铃，不要重复拨打' },
    { name: 'unreachable', reply: () => Promise.reject(new TypeError('fetch failed')), code: 'unreachable', message: '外呼失败：无法连接 CC PaaS 平台 api.example.com' },
    {
      name: 'timeout',
      reply: () => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')),
      code: 'timeout',
      message: 'CC PaaS 平台 api.example.com 响应超时，平台可能仍在呼叫：请看您的电话 13800000000 是否振铃，不要重复拨打',
    },
  ];

  it.each(failures)('click2call: $name → a readable CallbarError', async ({ reply, code, message }) => {
    const { sent, fetch } = platform(reply);
    const error = await failure(new CcpaasRestClient(SETTINGS, { fetch }).click2call('15800000000'));
    expect({ code: error.code, message: error.message }).toEqual({ code, message });
    expect(sent).toHaveLength(1);
    // Whatever the platform sent is quoted capped, and the token never appears.
    expect((error.detail ?? '').length).toBeLessThan(400);
    expect(error.detail ?? '').not.toContain('tok456');
    expect(error.detail ?? '').not.toContain('QUMxMjM6dG9rNDU2');
  });

  it('a real timeout: the request is abandoned after timeoutMs and not sent again', async () => {
    let calls = 0;
    const fetch: FetchLike = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    };
    const error = await failure(new CcpaasRestClient(SETTINGS, { fetch, timeoutMs: 20 }).click2call('15800000000'));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('平台可能仍在呼叫');
    expect(calls).toBe(1);
  });

  it('cancelCall failures are said as 取消呼叫失败', async () => {
    const cases: [() => Response | Promise<Response>, string][] = [
      [() => json({ statusCode: '10404', statusMsg: '呼叫已结束' }), '取消呼叫失败：呼叫已结束（错误码 10404）'],
      [() => new Response('garbage'), '取消呼叫失败：CC PaaS 平台 api.example.com 的回复无法识别'],
      [() => Promise.reject(new DOMException('t', 'TimeoutError')), '取消呼叫失败：CC PaaS 平台 api.example.com 响应超时'],
      [() => json({}, 401), '取消呼叫失败：平台不接受账号 ID（AccountSid）和账号令牌（AccountToken），请在设置中检查（HTTP 401）'],
    ];
    for (const [reply, message] of cases) {
      const { fetch } = platform(reply);
      expect((await failure(new CcpaasRestClient(SETTINGS, { fetch }).cancelCall('CA1'))).message).toBe(message);
    }
  });

  it('property: any reply body gives a conversationSid or a CallbarError, never another exception', async () => {
    const deep = fc.integer({ min: 1, max: 20000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
    const deepObject = fc.integer({ min: 1, max: 5000 }).map((n) => '{"statusCode":'.repeat(n) + '"1"' + '}'.repeat(n));
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ statusCode: fc.oneof(fc.jsonValue(), fc.constant('00000')), statusMsg: fc.jsonValue(), conversationSid: fc.jsonValue() }).map((v) => JSON.stringify(v)),
      fc.string(),
      deep,
      deepObject,
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(200, 201, 400, 401, 404, 500, 503), async (text, status) => {
        const client = new CcpaasRestClient(SETTINGS, { fetch: async () => new Response(text, { status }) });
        try {
          const { conversationSid } = await client.click2call('15800000000');
          expect(typeof conversationSid).toBe('string');
          expect(status).toBeLessThan(300);
        } catch (error) {
          expect(error).toBeInstanceOf(CallbarError);
          expect((error as CallbarError).message.length).toBeLessThan(400);
        }
      }),
      { numRuns: 300 },
    );
  });
});
