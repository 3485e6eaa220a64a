import { failure } from '../../../test/support/provider-context.ts';
import { describe, expect, it, vi } from 'vitest';
import { DscomAuthApi, DscomClient, type FetchLike, type TokenSource } from './dscom-client.ts';
import { OAuthRejected } from './dscom-errors.ts';
import { type TokenState, TokenManager } from './dscom-token.ts';

const BASE = 'https://pbx.example.com:8443/dscom-api';
const HOST = 'pbx.example.com:8443';

interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

type Reply = { status?: number; json?: unknown; text?: string } | Error | 'hang';

/** fetch that records every request and answers from a script (one reply per request, in order). */
function stubFetch(...script: Reply[]) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    sent.push({
      method: init.method ?? 'GET',
      url: new URL(url),
      headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>)),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const next = script.shift() ?? { status: 599, text: 'no reply scripted' };
    if (next === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        if (init.signal?.aborted) reject(init.signal.reason);
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    if (next instanceof Error) throw next;
    const body = next.text ?? JSON.stringify(next.json);
    return new Response(body, { status: next.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, sent };
}

const ok = (data: unknown = [], total = 0): Reply => ({ json: { code: '200', msg: '成功', data, total } });
const unauthenticated: Reply = { status: 401, json: { message: 'Unauthenticated.' } };
const tokenReply = (n: number, refresh = `r${n}`): Reply => ({ json: { token_type: 'Bearer', expires_in: 1800, access_token: `a${n}`, refresh_token: refresh } });

/** A token source that hands out a1 and, on renew, a2, a3 … */
function fixedTokens(): TokenSource & { renewals: string[] } {
  let n = 1;
  const renewals: string[] = [];
  return {
    renewals,
    accessToken: async () => `a${n}`,
    renew: async (rejectedToken) => {
      renewals.push(rejectedToken);
      n++;
      return `a${n}`;
    },
  };
}

function client(fetch: FetchLike, tokens: TokenSource = fixedTokens(), timeoutMs?: number) {
  return new DscomClient({ apiBase: BASE, tokens, fetch, ...(timeoutMs ? { timeoutMs } : {}) });
}


describe('API requests: what goes on the wire', () => {
  it('POST: the documented headers, Bearer token and a JSON body', async () => {
    const { fetch, sent } = stubFetch({ json: { code: '200', msg: '成功', data: { uniqueid: 'hwd-1750750498.613' }, total: 0 } });
    await expect(client(fetch).dial('8001', '13912345678', '02161234567')).resolves.toBe('hwd-1750750498.613');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.url.href).toBe(`${BASE}/api/v1/call/dial`);
    expect(sent[0]!.headers).toEqual({
      'Accept-Language': 'zh-CN',
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: 'Bearer a1',
    });
    expect(sent[0]!.body).toEqual({ extension: '8001', dest: '13912345678', displaycid: '02161234567' });
  });

  it('dial without a caller id leaves displaycid out', async () => {
    const { fetch, sent } = stubFetch(ok({ uniqueid: 'u' }));
    await client(fetch).dial('8001', '10086');
    expect(sent[0]!.body).toEqual({ extension: '8001', dest: '10086' });
  });

  it('GET agent/getAgentStatus sends its fields as query parameters, no body', async () => {
    const { fetch, sent } = stubFetch(ok({}));
    await client(fetch).agentStatus('1011', '8001');
    expect(sent[0]!.method).toBe('GET');
    expect(sent[0]!.url.pathname).toBe('/dscom-api/api/v1/agent/getAgentStatus');
    expect(Object.fromEntries(sent[0]!.url.searchParams)).toEqual({ agentid: '1011', extension: '8001' });
    expect(sent[0]!.body).toBeUndefined();
    expect(sent[0]!.headers.Authorization).toBe('Bearer a1');
  });

  it.each<{ name: string; run: (c: DscomClient) => Promise<unknown>; path: string; query: Record<string, string> }>([
    { name: 'status/endpoint', run: (c) => c.endpointStatus('8001'), path: 'status/endpoint', query: { page: '1', pageSize: '10', endpoint: '8001' } },
    { name: 'call/parkList', run: (c) => c.parkList('8001'), path: 'call/parkList', query: { extension: '8001' } },
    { name: 'status/wait', run: (c) => c.waiting('200'), path: 'status/wait', query: { page: '1', pageSize: '10', queue_num: '200' } },
  ])('GET $name with query parameters', async ({ run, path, query }) => {
    const { fetch, sent } = stubFetch(ok([]));
    await run(client(fetch));
    expect(sent[0]!.method).toBe('GET');
    expect(sent[0]!.url.pathname).toBe(`/dscom-api/api/v1/${path}`);
    expect(Object.fromEntries(sent[0]!.url.searchParams)).toEqual(query);
    expect(sent[0]!.body).toBeUndefined();
  });

  it.each<{ name: string; run: (c: DscomClient) => Promise<unknown>; path: string; body: Record<string, unknown> }>([
    { name: 'hangup', run: (c) => c.hangup('8001'), path: 'call/hangup', body: { extension: '8001' } },
    { name: 'hold', run: (c) => c.hold('8001'), path: 'call/hold', body: { extension: '8001' } },
    { name: 'unhold', run: (c) => c.unhold('8001'), path: 'call/unhold', body: { extension: '8001' } },
    { name: 'blind transfer', run: (c) => c.transfer('8001', 'blind', '8005'), path: 'call/transfer', body: { type: 'blind', extension: '8001', dest: '8005' } },
    { name: 'attended transfer', run: (c) => c.transfer('8001', 'attended', '8005'), path: 'call/transfer', body: { type: 'attended', extension: '8001', dest: '8005' } },
    { name: 'cancelAtxfer', run: (c) => c.cancelAtxfer('8001'), path: 'call/cancelAtxfer', body: { extension: '8001' } },
    { name: 'park', run: (c) => c.park('8001'), path: 'call/park', body: { extension: '8001' } },
    { name: 'unpark', run: (c) => c.unpark('8001', '18312345678'), path: 'call/unpark', body: { extension: '8001', dest: '18312345678' } },
    { name: 'pickup', run: (c) => c.pickup('8002', '8003'), path: 'call/pickup', body: { extension: '8002', dest: '8003' } },
    { name: 'redirect', run: (c) => c.redirect('8001', '18312345678'), path: 'call/redirect', body: { extension: '8001', dest: '18312345678' } },
    { name: 'barge', run: (c) => c.supervise('barge', '8001', '8002'), path: 'call/barge', body: { extension: '8001', dest: '8002' } },
    { name: 'monitor', run: (c) => c.supervise('monitor', '8001', '8002'), path: 'call/monitor', body: { extension: '8001', dest: '8002' } },
    { name: 'whisper', run: (c) => c.supervise('whisper', '8001', '8002'), path: 'call/whisper', body: { extension: '8001', dest: '8002' } },
    { name: 'agent login', run: (c) => c.agentLogin('1011', '8001', '200', 5), path: 'agent/login', body: { agentid: '1011', extension: '8001', queue: '200', penalty: 0, paused: 5 } },
    { name: 'agent logout', run: (c) => c.agentLogout('8001', '200'), path: 'agent/logout', body: { extension: '8001', queue: '200' } },
    { name: 'agent pause', run: (c) => c.agentPause('8001', '200', 4, 'PrivateBreak'), path: 'agent/pause', body: { extension: '8001', paused: 4, queue: '200', reason: 'PrivateBreak' } },
  ])('POST $name', async ({ run, path, body }) => {
    const { fetch, sent } = stubFetch(ok());
    await run(client(fetch));
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.url.href).toBe(`${BASE}/api/v1/${path}`);
    expect(sent[0]!.body).toEqual(body);
  });
});

describe('API replies', () => {
  it('getAgentStatus: queue → extension → entry, only this extension, every field a string', async () => {
    const entry = { agentid: '1011', interfaceType: 'PJSIP', extension: '8001', queue: '200', penalty: '1', current: '', linkedid: '', dsStatus: '5', direction: '0', status: '0', statusDesc: 'Ready', statusDuration: '00:04:34' };
    const { fetch } = stubFetch(ok({ '200': { '8001': entry, '8002': { ...entry, extension: '8002', status: '1' } }, '201': { '8001': { ...entry, queue: '201', status: 4, current: 18312345678 } } }));
    const rows = await client(fetch).agentStatus('1011', '8001');
    expect(rows).toEqual([
      { queue: '200', extension: '8001', agentid: '1011', status: '0', statusDesc: 'Ready', statusDuration: '00:04:34', current: '', linkedid: '', direction: '0' },
      { queue: '201', extension: '8001', agentid: '1011', status: '4', statusDesc: 'Ready', statusDuration: '00:04:34', current: '18312345678', linkedid: '', direction: '0' },
    ]);
  });

  it.each([[[]], [null], [{}], [{ '200': [] }]])('getAgentStatus data %j → in no queue', async (data) => {
    const { fetch } = stubFetch(ok(data));
    await expect(client(fetch).agentStatus('1011', '8001')).resolves.toEqual([]);
  });

  it.each([['a string', 'x'], ['a queue that is a string', { '200': 'x' }], ['an entry that is a number', { '200': { '8001': 1 } }]])('getAgentStatus with %s → malformed', async (_name, data) => {
    const { fetch } = stubFetch(ok(data));
    expect((await failure(client(fetch).agentStatus('1011', '8001'))).code).toBe('malformed-reply');
  });

  it('status/endpoint: the row of the extension; null when the PBX has none', async () => {
    const row = { endpoint: '8001', state: 'Not in use', channels: '0 of inf', cid: '8001', registerIp: '192.168.7.139', registerPort: '49322' };
    const { fetch } = stubFetch(ok([{ ...row, endpoint: '80011', state: 'In use' }, row], 2), ok([], 0));
    await expect(client(fetch).endpointStatus('8001')).resolves.toEqual({ endpoint: '8001', state: 'Not in use', channels: '0 of inf' });
    await expect(client(fetch).endpointStatus('8001')).resolves.toBeNull();
  });

  it('parkList and status/wait rows', async () => {
    const parked = { parkeeChannel: 'PJSIP/trunkHWD-00000111', parkeeCallerIDNum: '18312345678', parkeeConnectedLineNum: '8001', parkerDialString: 'PJSIP/8001', parkingSpace: '701', parkingDuration: '12' };
    const waiting = { serialNo: '1', callerid: '18312345678', channel: 'PJSIP/trunkHWD-00000121', linkedid: 'hwd-1750839936.661', queue: '200', waitTime: '0:12' };
    const { fetch } = stubFetch(ok([parked]), ok([waiting], 1));
    await expect(client(fetch).parkList('8001')).resolves.toEqual([{ number: '18312345678', space: '701', seconds: 12, parkedBy: '8001' }]);
    await expect(client(fetch).waiting('200')).resolves.toEqual([{ callerid: '18312345678', queue: '200', waitTime: '0:12' }]);
  });

  it('code as a number is success too', async () => {
    const { fetch } = stubFetch({ json: { code: 200, msg: '成功', data: [], total: 0 } });
    await expect(client(fetch).hangup('8001')).resolves.toBeUndefined();
  });

  it('a vendor error code (HTTP 200) → refused with the table\'s text, naming the action', async () => {
    const { fetch } = stubFetch({ json: { code: '600001', msg: '呼叫异常', data: [], total: 0 } });
    const error = await failure(client(fetch).dial('8001', '10086'));
    expect(error.code).toBe('refused');
    expect(error.message).toBe('外呼失败：呼叫异常（错误码 600001），请确认话机已注册并空闲');
  });

  it('an unknown vendor code → the server\'s message and the code', async () => {
    const { fetch } = stubFetch({ json: { code: '700001', msg: '分机不存在', data: [] } });
    expect((await failure(client(fetch).hangup('8001'))).message).toBe('挂断失败：分机不存在（错误码 700001）');
  });

  it('a vendor error with an HTTP error status still reads as the vendor error', async () => {
    const { fetch } = stubFetch({ status: 500, json: { code: '610000', msg: '座席签入异常' } });
    expect((await failure(client(fetch).agentLogin('1011', '8001', '200', 5))).message).toBe('签入队列 200 失败：座席签入异常（错误码 610000），请检查工号、分机号和队列设置');
  });

  it.each<{ name: string; reply: Reply; code: string; text: string }>([
    { name: 'an HTML error page (HTTP 502)', reply: { status: 502, text: '<html>Bad Gateway</html>' }, code: 'refused', text: `dscom 服务器 ${HOST} 暂时不可用（HTTP 502），请稍后再试` },
    { name: 'HTTP 404', reply: { status: 404, text: 'Not Found' }, code: 'refused', text: `dscom 服务器 ${HOST} 上没有“挂断”接口（HTTP 404）：请检查服务器地址` },
    { name: 'HTTP 422 with Laravel\'s message', reply: { status: 422, json: { message: 'The extension field is required.', errors: {} } }, code: 'refused', text: '“挂断”参数有误（HTTP 422）：The extension field is required.' },
    { name: 'HTTP 200 that is not JSON', reply: { text: 'OK' }, code: 'malformed-reply', text: `dscom 服务器 ${HOST} 对“挂断”的回复无法识别` },
    { name: 'HTTP 200 JSON without code', reply: { json: { data: [] } }, code: 'malformed-reply', text: `dscom 服务器 ${HOST} 对“挂断”的回复无法识别` },
  ])('$name → $code', async ({ reply, code, text }) => {
    const { fetch } = stubFetch(reply);
    const error = await failure(client(fetch).hangup('8001'));
    expect(error.code).toBe(code);
    expect(error.message).toBe(text);
  });

  it('network failure → unreachable, naming the server', async () => {
    const { fetch } = stubFetch(new TypeError('fetch failed'));
    const error = await failure(client(fetch).hangup('8001'));
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(`无法连接 dscom 服务器 ${HOST}`);
  });

  it('no answer in time → timeout', async () => {
    const { fetch } = stubFetch('hang');
    const error = await failure(client(fetch, fixedTokens(), 50).hangup('8001'));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`dscom 服务器 ${HOST} 响应超时`);
  });

  it('a caller\'s cancel is not a timeout', async () => {
    const { fetch } = stubFetch('hang');
    const abort = new AbortController();
    const pending = failure(client(fetch).agentStatus('1011', '8001', abort.signal));
    abort.abort();
    expect((await pending).code).toBe('internal');
  });
});

describe('401: one new token, one more try', () => {
  it('401 → renew → the request again with the new token', async () => {
    const tokens = fixedTokens();
    const { fetch, sent } = stubFetch(unauthenticated, ok({ uniqueid: 'hwd-1.1' }));
    await expect(client(fetch, tokens).dial('8001', '10086')).resolves.toBe('hwd-1.1');
    expect(tokens.renewals).toEqual(['a1']);
    expect(sent.map((s) => s.headers.Authorization)).toEqual(['Bearer a1', 'Bearer a2']);
    expect(sent[1]!.body).toEqual(sent[0]!.body);
  });

  it('401 twice → auth error, no third try', async () => {
    const tokens = fixedTokens();
    const { fetch, sent } = stubFetch(unauthenticated, unauthenticated, ok());
    const error = await failure(client(fetch, tokens).hangup('8001'));
    expect(error.code).toBe('auth');
    expect(sent).toHaveLength(2);
    expect(tokens.renewals).toHaveLength(1);
  });

  it.each<{ name: string; reply: Reply }>([
    { name: 'a vendor error', reply: { json: { code: '600001', msg: '呼叫异常' } } },
    { name: 'HTTP 500', reply: { status: 500, text: 'oops' } },
    { name: 'a network failure', reply: new TypeError('fetch failed') },
  ])('a dial is never retried after $name', async ({ reply }) => {
    const tokens = fixedTokens();
    const { fetch, sent } = stubFetch(reply, ok({ uniqueid: 'x' }));
    await failure(client(fetch, tokens).dial('8001', '10086'));
    expect(sent).toHaveLength(1);
    expect(tokens.renewals).toHaveLength(0);
  });
});

describe('OAuth token endpoint', () => {
  const config = { apiBase: BASE, clientId: '4', clientSecret: 's3cret', username: 'api', password: '123456' };

  it('password grant: JSON with client_id as a number and scope *', async () => {
    const { fetch, sent } = stubFetch(tokenReply(1));
    await expect(new DscomAuthApi({ ...config, fetch }).passwordGrant()).resolves.toEqual({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 1800 });
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.url.href).toBe(`${BASE}/public/oauth/token`);
    expect(sent[0]!.headers['Content-Type']).toBe('application/json');
    expect(sent[0]!.headers.Authorization).toBeUndefined();
    expect(sent[0]!.body).toEqual({ grant_type: 'password', client_id: 4, client_secret: 's3cret', username: 'api', password: '123456', scope: '*' });
  });

  it('refresh grant: the refresh token, client credentials, scope *', async () => {
    const { fetch, sent } = stubFetch(tokenReply(2));
    await new DscomAuthApi({ ...config, fetch }).refreshGrant('r1');
    expect(sent[0]!.body).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 4, client_secret: 's3cret', scope: '*' });
  });

  it('expires_in as a string, refresh_token empty or missing', async () => {
    const { fetch } = stubFetch({ json: { token_type: 'Bearer', expires_in: '600', access_token: 'x', refresh_token: '' } }, { json: { access_token: 'y' } });
    const api = new DscomAuthApi({ ...config, fetch });
    await expect(api.passwordGrant()).resolves.toEqual({ accessToken: 'x', refreshToken: '', expiresIn: 600 });
    await expect(api.passwordGrant()).resolves.toEqual({ accessToken: 'y', refreshToken: '', expiresIn: 1800 });
  });

  it.each<{ name: string; reply: Reply; oauthError: string; message: string }>([
    { name: 'invalid_grant (HTTP 400)', reply: { status: 400, json: { error: 'invalid_grant', error_description: 'The user credentials were incorrect.', message: 'The user credentials were incorrect.' } }, oauthError: 'invalid_grant', message: '用户名或密码错误' },
    { name: 'invalid_client (HTTP 401)', reply: { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed', message: 'Client authentication failed' } }, oauthError: 'invalid_client', message: '客户端 ID 或密钥错误' },
    { name: 'invalid_request (used refresh token)', reply: { status: 400, json: { error: 'invalid_request', error_description: 'The refresh token is invalid.', hint: 'Token has been revoked', message: 'The refresh token is invalid.' } }, oauthError: 'invalid_request', message: '服务器拒绝授权：The refresh token is invalid.' },
  ])('$name → OAuthRejected', async ({ reply, oauthError, message }) => {
    const { fetch } = stubFetch(reply);
    const error = await failure(new DscomAuthApi({ ...config, fetch }).passwordGrant());
    expect(error).toBeInstanceOf(OAuthRejected);
    expect(error).toMatchObject({ code: 'auth', oauthError, message });
  });

  it('an HTML page from the token endpoint is not a credential problem', async () => {
    const { fetch } = stubFetch({ status: 404, text: '<html>' });
    const error = await failure(new DscomAuthApi({ ...config, fetch }).passwordGrant());
    expect(error).not.toBeInstanceOf(OAuthRejected);
    expect(error.code).toBe('refused');
    expect(error.message).toContain('HTTP 404');
  });

  it('HTTP 200 without access_token → malformed', async () => {
    const { fetch } = stubFetch({ json: { token_type: 'Bearer' } });
    expect((await failure(new DscomAuthApi({ ...config, fetch }).passwordGrant())).code).toBe('malformed-reply');
  });
});

describe('client + TokenManager over one fetch', () => {
  const config = { apiBase: BASE, clientId: '4', clientSecret: 's3cret', username: 'api', password: '123456' };

  function wired(fetch: FetchLike, initial: TokenState) {
    const saved: (TokenState | null)[] = [];
    const tokens = new TokenManager({ auth: new DscomAuthApi({ ...config, fetch }), now: () => initial.obtainedAt + 1000, initial, save: async (t) => void saved.push(t) });
    return { api: new DscomClient({ apiBase: BASE, tokens, fetch }), saved, tokens };
  }

  it('401 → refresh grant → retry with the new token', async () => {
    const { fetch, sent } = stubFetch(unauthenticated, tokenReply(2), ok());
    const { api, saved } = wired(fetch, { accessToken: 'a1', refreshToken: 'r1', obtainedAt: 0, expiresIn: 1800 });
    await api.hangup('8001');
    expect(sent.map((s) => `${s.method} ${s.url.pathname}`)).toEqual(['POST /dscom-api/api/v1/call/hangup', 'POST /dscom-api/public/oauth/token', 'POST /dscom-api/api/v1/call/hangup']);
    expect((sent[1]!.body as Record<string, unknown>).grant_type).toBe('refresh_token');
    expect(sent[2]!.headers.Authorization).toBe('Bearer a2');
    expect(saved.at(-1)?.accessToken).toBe('a2');
  });

  it('401 → refresh refused → password grant → retry', async () => {
    const { fetch, sent } = stubFetch(unauthenticated, { status: 400, json: { error: 'invalid_request', message: 'The refresh token is invalid.' } }, tokenReply(3), ok());
    const { api } = wired(fetch, { accessToken: 'a1', refreshToken: 'r1', obtainedAt: 0, expiresIn: 1800 });
    await api.hangup('8001');
    expect(sent.map((s) => (s.body as Record<string, unknown>).grant_type ?? s.url.pathname.split('/').pop())).toEqual(['hangup', 'refresh_token', 'password', 'hangup']);
    expect(sent[3]!.headers.Authorization).toBe('Bearer a3');
  });

  it('401 → refresh refused → password refused → the agent is told, the request is not sent again', async () => {
    const { fetch, sent } = stubFetch(
      unauthenticated,
      { status: 400, json: { error: 'invalid_request', message: 'The refresh token is invalid.' } },
      { status: 400, json: { error: 'invalid_grant', message: 'The user credentials were incorrect.' } },
    );
    const { api } = wired(fetch, { accessToken: 'a1', refreshToken: 'r1', obtainedAt: 0, expiresIn: 1800 });
    const error = await failure(api.hangup('8001'));
    expect(error).toMatchObject({ code: 'auth', message: '登录已过期且无法重新登录：用户名或密码错误' });
    expect(sent).toHaveLength(3);
  });

  it('a token due for refresh is refreshed before the request (not after a 401)', async () => {
    const { fetch, sent } = stubFetch(tokenReply(2), ok());
    const saved: (TokenState | null)[] = [];
    const tokens = new TokenManager({ auth: new DscomAuthApi({ ...config, fetch }), now: () => 1_440_000, initial: { accessToken: 'a1', refreshToken: 'r1', obtainedAt: 0, expiresIn: 1800 }, save: async (t) => void saved.push(t) });
    await new DscomClient({ apiBase: BASE, tokens, fetch }).hangup('8001');
    expect(sent.map((s) => s.url.pathname.split('/').pop())).toEqual(['token', 'hangup']);
    expect(sent[1]!.headers.Authorization).toBe('Bearer a2');
  });

  it('no refresh request while the token is fresh', async () => {
    const fetch = vi.fn(stubFetch(ok(), ok()).fetch);
    const { api } = wired(fetch, { accessToken: 'a1', refreshToken: 'r1', obtainedAt: 0, expiresIn: 1800 });
    await api.hangup('8001');
    await api.hangup('8001');
    expect(fetch.mock.calls.map(([url]) => new URL(url).pathname.split('/').pop())).toEqual(['hangup', 'hangup']);
  });
});
