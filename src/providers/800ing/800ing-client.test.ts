import { failure } from '../../../test/support/provider-context.ts';
import { describe, expect, it } from 'vitest';
import { DATA_PATH, type FetchLike, Ing800Client, JSONP_DATA_PATH, parseLatest, parseReply, RECV_LIMIT } from './800ing-client.ts';
import { passwordMd5 } from './800ing-secret.ts';

const SERVER = 'http://voip.800ing.com:8080';
const PASSWORD = '02367073578';
const DIGEST = 'CBCA51A420DD10423A9ACC4DB8041D5A';

interface Sent {
  url: string;
  method: string;
  contentType: string;
  body: string;
  form: Record<string, string>;
}

type Reply = { status?: number; body: unknown } | { status?: number; text: string } | Error;

/** A fetch that records each request and answers from a script. */
function stub(...replies: Reply[]) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const body = typeof init.body === 'string' ? init.body : '';
    const headers = (init.headers ?? {}) as Record<string, string>;
    sent.push({ url, method: init.method ?? 'GET', contentType: headers['Content-Type'] ?? '', body, form: Object.fromEntries(new URLSearchParams(body)) });
    const next = replies.shift() ?? { body: { code: 0, message: '' } };
    if (next instanceof Error) throw next;
    const text = 'text' in next ? next.text : JSON.stringify(next.body);
    return new Response(text, { status: next.status ?? 200, headers: { 'Content-Type': 'text/html;charset=UTF-8' } });
  };
  return { fetch, sent };
}

function client(fetch: FetchLike, password = PASSWORD) {
  return new Ing800Client({ server: SERVER, account: '100008800', password, fetch });
}


describe('requests: a url-encoded form with the MD5, never the password', () => {
  it('getExtension: POST to jsondata.html with sa_user, uppercase sa_password and method', async () => {
    const { fetch, sent } = stub();
    await client(fetch).getExtension();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: `${SERVER}${DATA_PATH}`, method: 'POST' });
    expect(sent[0]!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent[0]!.form).toEqual({ sa_user: '100008800', sa_password: DIGEST, method: 'getExtension' });
    expect(sent[0]!.body).toBe(`sa_user=100008800&sa_password=${DIGEST}&method=getExtension`);
  });

  it.each<{ name: string; run: (c: Ing800Client) => Promise<unknown>; path: string; form: Record<string, string> }>([
    { name: 'callbackPhone', run: (c) => c.callbackPhone('13912345678', 'cb-1'), path: DATA_PATH, form: { method: 'callbackPhone', descPhone: '13912345678', paramvalue: 'cb-1' } },
    { name: 'getLongWaterLine', run: (c) => c.waterLine('1'), path: JSONP_DATA_PATH, form: { method: 'getLongWaterLine', loginType: 'jsonpLogin', client: '1' } },
    { name: 'recvMsg', run: (c) => c.recvMsg('2', '323454675453'), path: DATA_PATH, form: { method: 'recvMsg', client: '2', waterLine: '323454675453', limit: String(RECV_LIMIT) } },
    { name: 'hangupExten', run: (c) => c.hangupExten(), path: JSONP_DATA_PATH, form: { method: 'hangupExten' } },
    { name: 'sendMsg (answer): kind 6, client 10, lostTime 10', run: (c) => c.answer('18312345678'), path: DATA_PATH, form: { method: 'sendMsg', phone: '18312345678', kind: '6', client: '10', lostTime: '10' } },
  ])('$name', async ({ run, path, form }) => {
    const { fetch, sent } = stub({ body: { code: 0, message: '', waterline: 1, msgs: [] } });
    await run(client(fetch));
    expect(sent[0]!.url).toBe(`${SERVER}${path}`);
    expect(sent[0]!.form).toEqual({ sa_user: '100008800', sa_password: DIGEST, ...form });
  });

  it('the clear password appears in no request, whatever it is; a field cannot replace the credentials', async () => {
    const password = 'Secret&Pass=中文';
    const { fetch, sent } = stub({ body: { code: 0 } }, { body: { code: 0, waterline: 5 } }, { body: { code: 0 } });
    const c = client(fetch, password);
    await c.getExtension();
    await c.waterLine('1');
    await c.call(DATA_PATH, 'sendMsg', '接听', { sa_password: 'forged', sa_user: 'x', method: 'evil', phone: '1' });
    for (const request of sent) {
      expect(request.body).not.toContain(encodeURIComponent(password));
      expect(decodeURIComponent(request.body.replace(/\+/g, ' '))).not.toContain(password);
      expect(request.url).not.toContain(password);
      expect(request.form.sa_password).toBe(passwordMd5(password));
      expect(request.form.sa_password).toMatch(/^[0-9A-F]{32}$/);
    }
    expect(sent[2]!.form).toMatchObject({ sa_user: '100008800', method: 'sendMsg', phone: '1' });
    expect(c.passwordDigest).toBe(passwordMd5(password));
  });
});

describe('replies', () => {
  it('getExtension: who the agent is', async () => {
    const { fetch } = stub({ body: { code: 0, message: '', exteId: 77, name: '李四', extension: '100008800', compNumber: '1000', compName: '测试企业', disablePhoneNum: 1, exteLoginType: 0 } });
    expect(await client(fetch).getExtension()).toEqual({ exteId: '77', name: '李四', extension: '100008800', compNumber: '1000', compName: '测试企业', disablePhoneNum: 1, exteLoginType: 0 });
  });

  it('getExtension: fields in a data object; missing ones; disablePhoneNum as a string', async () => {
    const { fetch } = stub({ body: { code: 0, data: { name: '王五', extension: 8001, disablePhoneNum: '1' } } }, { body: { code: '0' } });
    const c = client(fetch);
    expect(await c.getExtension()).toMatchObject({ name: '王五', extension: '8001', disablePhoneNum: 1, exteLoginType: null });
    // Nothing but success: the account is the extension.
    expect(await c.getExtension()).toMatchObject({ name: '', extension: '100008800', disablePhoneNum: 0 });
  });

  it('getLongWaterLine: the water line, every digit kept (a Long)', async () => {
    const { fetch } = stub({ text: '{"waterline":9007199254740993,"keylist":"","msgs":""}' }, { body: { code: 0, waterLine: '42' } });
    const c = client(fetch);
    // The document's table shows no code for this method: a reply without one is accepted.
    expect(await c.waterLine('1')).toBe('9007199254740993');
    expect(await c.waterLine('1')).toBe('42');
  });

  it('getLongWaterLine without a water line → malformed-reply', async () => {
    const { fetch } = stub({ body: { code: 0, msgs: '' } });
    const error = await failure(client(fetch).waterLine('1'));
    expect(error.code).toBe('malformed-reply');
    expect(error.message).toBe('八百呼服务器 voip.800ing.com:8080 返回的水位线无法识别');
  });

  it('recvMsg: messages normalized (strings, water lines as strings); odd items kept for the mapper to skip', async () => {
    const content = JSON.stringify({ status: 0, cdrId: 5, paramvalue: 'cb-1' });
    const { fetch } = stub({ text: `{"code":0,"message":"","msgs":[{"kind":1,"phone":13912345678,"content":${JSON.stringify(content)},"time":1750000000000,"waterLine":9007199254740995},"junk"]}` });
    expect(await client(fetch).recvMsg('1', '10')).toEqual([
      { kind: '1', phone: '13912345678', content, time: 1750000000000, waterLine: '9007199254740995' },
      { kind: '', phone: '', content: 'junk', time: null, waterLine: null },
    ]);
  });

  it.each([[{ code: 0 }], [{ code: 0, msgs: null }], [{ code: 0, msgs: '' }]])('recvMsg %j → no messages', async (body) => {
    const { fetch } = stub({ body });
    expect(await client(fetch).recvMsg('1', '10')).toEqual([]);
  });

  it('recvMsg with msgs not a list → malformed-reply', async () => {
    const { fetch } = stub({ body: { code: 0, msgs: { kind: 1 } } });
    expect((await failure(client(fetch).recvMsg('1', '10'))).code).toBe('malformed-reply');
  });

  it('a JSONP wrapper is tolerated', () => {
    expect(parseReply('callback({"code":0,"waterline":12});')).toEqual({ code: 0, waterline: '12' });
    expect(parseReply('<html>')).toBeUndefined();
    expect(parseReply('')).toBeUndefined();
  });
});

describe('errors the agent reads', () => {
  it.each([
    ['getExtension', (c: Ing800Client) => c.getExtension(), '-2', 'auth', '登录失败：帐号或密码错误（验证错误，错误码 -2），请检查设置中的帐号（坐席号）和密码'],
    ['callbackPhone', (c: Ing800Client) => c.callbackPhone('1', 'cb-1'), '-5', 'refused', '外呼失败：该帐号没有此操作的权限（没有权限，错误码 -5），请联系管理员在八百呼后台开通权限'],
    ['hangupExten', (c: Ing800Client) => c.hangupExten(), '-11', 'refused', '挂断失败：数据不存在（数据不存在，错误码 -11），通话可能已经结束'],
    ['sendMsg', (c: Ing800Client) => c.answer('1'), '-3', 'refused', '接听失败：八百呼服务器处理请求时出错（方法内部错误，错误码 -3），请稍后再试；一直出现时请联系八百呼客服'],
    ['getLongWaterLine', (c: Ing800Client) => c.waterLine('1'), '-14', 'refused', '获取新消息失败：帐号所属的验证组有误（验证组错误，错误码 -14），请联系管理员检查该帐号所属的企业或分组设置'],
  ] as const)('%s code %s → %s', async (_name, run, code, errorCode, message) => {
    const { fetch } = stub({ body: { code: Number(code), message: '' } });
    const error = await failure(run(client(fetch)));
    expect(error.code).toBe(errorCode);
    expect(error.message).toBe(message);
  });

  it('a code as a string is understood; a code outside the table shows the message', async () => {
    const { fetch } = stub({ body: { code: '-2', message: '验证错误' } }, { body: { code: -20, message: '号码在黑名单中' } });
    const c = client(fetch);
    expect((await failure(c.getExtension())).code).toBe('auth');
    expect((await failure(c.callbackPhone('1', 'cb'))).message).toBe('外呼失败：号码在黑名单中（错误码 -20）');
  });

  it('nothing listening → unreachable naming the server', async () => {
    const { fetch } = stub(new TypeError('fetch failed'));
    const error = await failure(client(fetch).getExtension());
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe('无法连接八百呼服务器 voip.800ing.com:8080');
  });

  it('a timeout → timeout naming the server', async () => {
    const { fetch } = stub(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const error = await failure(client(fetch).waterLine('1'));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('八百呼服务器 voip.800ing.com:8080 响应超时');
  });

  it('a server that never answers times out (real timer, short timeout)', async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const c = new Ing800Client({ server: SERVER, account: '100008800', password: PASSWORD, fetch: hanging, timeoutMs: 50 });
    expect((await failure(c.hangupExten())).code).toBe('timeout');
  });

  it('the caller\'s signal cancels a request (not reported as a timeout)', async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const abort = new AbortController();
    const promise = client(hanging).waterLine('1', abort.signal);
    abort.abort();
    const error = await failure(promise);
    expect(error.code).toBe('internal');
    expect(error.message).toBe('请求已取消');
  });

  it.each([
    [{ status: 404, text: '<h1>Not Found</h1>' }, 'refused', '八百呼服务器 voip.800ing.com:8080 上没有“登录”接口（HTTP 404）：请检查服务器地址'],
    [{ status: 502, text: 'Bad Gateway' }, 'refused', '八百呼服务器 voip.800ing.com:8080 暂时不可用（HTTP 502），请稍后再试'],
    [{ status: 200, text: '<html>login</html>' }, 'malformed-reply', '八百呼服务器 voip.800ing.com:8080 对“登录”的回复无法识别'],
    [{ status: 200, text: '[1,2]' }, 'malformed-reply', '八百呼服务器 voip.800ing.com:8080 对“登录”的回复无法识别'],
  ] as const)('%j → %s', async (reply, code, message) => {
    const { fetch } = stub(reply);
    const error = await failure(client(fetch).getExtension());
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('error details name the method, never the form (it holds the MD5)', async () => {
    const { fetch } = stub({ body: { code: -2, message: '' } });
    const error = await failure(client(fetch).getExtension());
    expect(error.detail).toContain('getExtension');
    expect(error.detail).not.toContain(DIGEST);
  });
});

describe('parseLatest: getLongWaterLine msgs, the newest call state', () => {
  it.each<[unknown, ReturnType<typeof parseLatest>]>([
    ['{"status":2,"phone":"13912345678","kind":1}', { status: 2, phone: '13912345678', kind: '1' }],
    [{ status: '3', phone: 139, kind: '2' }, { status: 3, phone: '139', kind: '2' }],
    ['{"status":0}', { status: 0, phone: '', kind: '' }],
    ['', null],
    ['not json', null],
    ['{"status":"x"}', null],
    ['[2]', null],
    [{ status: 1.5 }, null],
    [`{"status":2,"phone":"${'9'.repeat(20_000)}"}`, null],
    [{ status: 2, phone: '9'.repeat(500) }, { status: 2, phone: '9'.repeat(64), kind: '' }],
    [null, null],
  ])('%j', (value, expected) => {
    expect(parseLatest(value)).toEqual(expected);
  });
});
