import { failure } from '../../../test/support/provider-context.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requestJson } from '../http.ts';
import { ACTION_LABELS, ACTION_TIMEOUT_MS, SoftbarClient, type SoftbarAction } from './cmcc-softbar-client.ts';

/**
 * A real HTTP server on 127.0.0.1 whose replies each test scripts: `reply(...)` queues
 * what the next request gets. Every request is recorded for assertions.
 */
interface Recorded {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

type Scripted =
  | { kind: 'json'; value: unknown; status?: number }
  | { kind: 'text'; text: string; status?: number; contentType?: string }
  | { kind: 'hang' };

let server: Server;
let baseUrl: string;
let port: number;
const requests: Recorded[] = [];
const script: Scripted[] = [];
/** Requests scripted to hang; their sockets are destroyed after each test. */
const hung: ServerResponse[] = [];

function reply(...items: Scripted[]): void {
  script.push(...items);
}

/** The bar's usual envelope around `data`. */
function ok(data: unknown): Scripted {
  return { kind: 'json', value: { errcode: 0, errmsg: '成功', data } };
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString('utf8'),
    });
    const next = script.shift() ?? { kind: 'text', text: 'no reply scripted', status: 599 };
    if (next.kind === 'hang') {
      hung.push(res); // never answer
      return;
    }
    const status = next.status ?? 200;
    if (next.kind === 'json') {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(next.value));
    } else {
      res.writeHead(status, { 'Content-Type': next.contentType ?? 'text/html; charset=utf-8' });
      res.end(next.text);
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
});

afterEach(() => {
  requests.length = 0;
  script.length = 0;
  for (const res of hung.splice(0)) res.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const SECRET = 'bc3c4a6331a8a9950945a1aa8c95ab8a';

function client(): SoftbarClient {
  return new SoftbarClient(baseUrl, SECRET);
}


function sentBody(i = 0): unknown {
  return JSON.parse(requests[i]!.body);
}

describe('actions: the request', () => {
  it('makeCall is a JSON POST to /api/action/makeCall with callUri and secret', async () => {
    reply(ok({ result: 1 }));
    await client().action('makeCall', { callUri: '13912345678' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/action/makeCall' });
    expect(requests[0]!.contentType).toMatch(/^application\/json/);
    expect(sentBody()).toEqual({ callUri: '13912345678', secret: SECRET });
  });

  it('transfer sends the target as dialDtmf', async () => {
    reply(ok({ result: 1 }));
    await client().action('transfer', { dialDtmf: '8002' });
    expect(requests[0]!.url).toBe('/api/action/transfer');
    expect(sentBody()).toEqual({ dialDtmf: '8002', secret: SECRET });
  });

  it.each(['sipOnline', 'sipOffline', 'answer', 'hangup', 'mute', 'unMute', 'switchTransfer', 'returnTransfer'] as const)(
    '%s sends only the secret',
    async (action) => {
      reply(ok({ result: 1 }));
      await client().action(action);
      expect(requests[0]).toMatchObject({ method: 'POST', url: `/api/action/${action}` });
      expect(sentBody()).toEqual({ secret: SECRET });
    },
  );

  it('the secret cannot be overridden by a field', async () => {
    reply(ok({ result: 1 }));
    await client().action('makeCall', { callUri: '10086', secret: 'forged' });
    expect(sentBody()).toEqual({ callUri: '10086', secret: SECRET });
  });

  it('works with a localhost base URL', async () => {
    reply(ok({ result: 1 }));
    await new SoftbarClient(`http://localhost:${port}`, SECRET).action('hangup');
    expect(requests[0]!.url).toBe('/api/action/hangup');
  });
});

describe('actions: the reply', () => {
  it.each([1, '1'])('result %j resolves', async (result) => {
    reply(ok({ result }));
    await expect(client().action('answer')).resolves.toBeUndefined();
  });

  it.each([
    ['makeCall', '外呼'],
    ['answer', '接听'],
    ['hangup', '挂断'],
    ['sipOnline', '切换在线'],
    ['unMute', '取消静音'],
  ] as const)('result 0 for %s → refused, naming “%s”', async (action, label) => {
    reply(ok({ result: 0 }));
    const error = await failure(client().action(action, action === 'makeCall' ? { callUri: '10086' } : {}));
    expect(error.code).toBe('refused');
    expect(error.message).toBe(`电话条拒绝了“${label}”请求`);
  });

  it('every action has a Chinese label', () => {
    const actions: SoftbarAction[] = ['sipOnline', 'sipOffline', 'makeCall', 'answer', 'hangup', 'mute', 'unMute', 'transfer', 'switchTransfer', 'returnTransfer', 'getUserInfo'];
    for (const action of actions) expect(ACTION_LABELS[action]).toMatch(/[\u4e00-\u9fff]/);
  });

  it('result "0" (string) is a refusal too', async () => {
    reply(ok({ result: '0' }));
    expect((await failure(client().action('mute'))).code).toBe('refused');
  });

  it('data without result → malformed-reply', async () => {
    reply(ok({}));
    const error = await failure(client().action('hangup'));
    expect(error.code).toBe('malformed-reply');
    expect(error.message).toContain('挂断');
  });

  it('errcode 1 with 鉴权失败 → auth, pointing at the 800 number', async () => {
    reply({ kind: 'json', value: { errcode: 1, errmsg: '鉴权失败', data: null } });
    const error = await failure(client().action('makeCall', { callUri: '10086' }));
    expect(error.code).toBe('auth');
    expect(error.message).toContain('鉴权失败');
    expect(error.message).toContain('800 号码');
  });

  it('another errcode → refused with the code and the bar\'s message', async () => {
    reply({ kind: 'json', value: { errcode: 5, errmsg: '参数错误', data: null } });
    const error = await failure(client().action('makeCall', { callUri: '10086' }));
    expect(error.code).toBe('refused');
    expect(error.message).toBe('电话条返回错误 5：参数错误');
  });

  it('errcode as a string is understood', async () => {
    reply({ kind: 'json', value: { errcode: '0', errmsg: '成功', data: { result: 1 } } });
    await expect(client().action('hangup')).resolves.toBeUndefined();
    reply({ kind: 'json', value: { errcode: '7', errmsg: '' } });
    const error = await failure(client().action('hangup'));
    expect(error.code).toBe('refused');
    expect(error.message).toBe('电话条返回错误 7');
  });

  it.each<{ name: string; scripted: Scripted }>([
    { name: 'an HTML page', scripted: { kind: 'text', text: '<!doctype html><html><body>It works</body></html>' } },
    { name: 'plain text', scripted: { kind: 'text', text: 'OK', contentType: 'text/plain' } },
    { name: 'truncated JSON', scripted: { kind: 'text', text: '{"errcode":0,"data":', contentType: 'application/json' } },
    { name: 'an empty body', scripted: { kind: 'text', text: '', contentType: 'application/json' } },
  ])('$name → malformed-reply naming the bar', async ({ scripted }) => {
    reply(scripted);
    const error = await failure(client().action('hangup'));
    expect(error.code).toBe('malformed-reply');
    expect(error.message).toBe(`本机电话条 127.0.0.1:${port}返回了无法解析的数据`);
  });

  it.each<{ name: string; value: unknown }>([
    { name: 'no errcode', value: { errmsg: '成功', data: { result: 1 } } },
    { name: 'errcode null', value: { errcode: null, data: { result: 1 } } },
    { name: 'a JSON array', value: [{ result: 1 }] },
    { name: 'a JSON string', value: 'ok' },
    { name: 'JSON null', value: null },
  ])('a reply with $name → malformed-reply', async ({ value }) => {
    reply({ kind: 'json', value });
    const error = await failure(client().action('hangup'));
    expect(error.code).toBe('malformed-reply');
    expect(error.message).toBe(`本机电话条 127.0.0.1:${port}的回复不是电话条的格式`);
  });

  it('an HTTP error page from another program → refused with the status', async () => {
    reply({ kind: 'text', text: '<h1>Not Found</h1>', status: 404 });
    const error = await failure(client().action('hangup'));
    expect(error.code).toBe('refused');
    expect(error.message).toContain('HTTP 404');
  });
});

describe('getUserInfo', () => {
  it('reads the document\'s array form and posts the secret', async () => {
    reply(ok([{ result: 1, extension: '8001', username: '张三', phone: '13912345678' }]));
    await expect(client().getUserInfo()).resolves.toEqual({ result: 1, extension: '8001', username: '张三', phone: '13912345678' });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/action/getUserInfo' });
    expect(sentBody()).toEqual({ secret: SECRET });
  });

  it('accepts a bare object and numbers as strings', async () => {
    reply(ok({ result: '1', extension: 8001 }));
    await expect(client().getUserInfo()).resolves.toEqual({ result: 1, extension: '8001' });
  });

  it('result 0 (bar not logged in) is returned, not thrown', async () => {
    reply(ok([{ result: 0 }]));
    await expect(client().getUserInfo()).resolves.toEqual({ result: 0 });
  });

  it.each([
    ['an empty array', []],
    ['no result', [{ extension: '8001' }]],
    ['result 2', [{ result: 2 }]],
    ['null', null],
  ])('%s → malformed-reply', async (_name, data) => {
    reply(ok(data));
    expect((await failure(client().getUserInfo())).code).toBe('malformed-reply');
  });
});

describe('events', () => {
  const full = {
    result: 1,
    eventName: 'makeCall',
    eventTime: '2024-05-01 10:00:00',
    thisParty: '8001',
    otherParty: '13912345678',
    ani: '8001',
    dnis: '13912345678',
    reserve: 'callId-1',
  };

  it.each(['getCallState', 'getOnline'] as const)('%s posts secret and maxCount to its queue', async (queue) => {
    reply(ok([]));
    await client().events(queue, 20);
    expect(requests[0]).toMatchObject({ method: 'POST', url: `/api/event/${queue}` });
    expect(requests[0]!.contentType).toMatch(/^application\/json/);
    expect(sentBody()).toEqual({ secret: SECRET, maxCount: 20 });
  });

  it('returns the events with their documented fields (result is not passed on)', async () => {
    reply(ok([full, { ...full, eventName: 'ringing', reserve: 'callId-1', extra: 'dropped' }]));
    const events = await client().events('getCallState', 20);
    expect(events).toEqual([
      { eventName: 'makeCall', eventTime: '2024-05-01 10:00:00', thisParty: '8001', otherParty: '13912345678', ani: '8001', dnis: '13912345678', reserve: 'callId-1' },
      { eventName: 'ringing', eventTime: '2024-05-01 10:00:00', thisParty: '8001', otherParty: '13912345678', ani: '8001', dnis: '13912345678', reserve: 'callId-1' },
    ]);
  });

  it('numbers in string fields become strings; missing fields stay missing', async () => {
    reply(ok([{ result: 1, eventName: 'incomingCall', otherParty: 10086, reserve: null }]));
    expect(await client().events('getCallState', 20)).toEqual([{ eventName: 'incomingCall', otherParty: '10086' }]);
  });

  it('entries with result 0 are skipped, the others kept in order', async () => {
    reply(ok([{ ...full, eventName: 'makeCall' }, { result: 0, eventName: 'ringing' }, { result: '0', eventName: 'answer' }, { ...full, eventName: 'connected' }]));
    const events = await client().events('getCallState', 20);
    expect(events.map((e) => e.eventName)).toEqual(['makeCall', 'connected']);
  });

  it.each([null, undefined])('data %j means no events', async (data) => {
    reply({ kind: 'json', value: { errcode: 0, errmsg: '成功', ...(data === null ? { data: null } : {}) } });
    expect(await client().events('getOnline', 20)).toEqual([]);
  });

  it.each([
    ['an object', { result: 1, eventName: 'ringing' }],
    ['a string', 'ringing'],
    ['a number', 1],
  ])('data that is %s, not an array → malformed-reply', async (_name, data) => {
    reply(ok(data));
    const error = await failure(client().events('getCallState', 20));
    expect(error.code).toBe('malformed-reply');
    expect(error.message).toBe('电话条返回的事件列表格式不正确');
  });

  it.each([
    ['without eventName', { result: 1, otherParty: '10086' }],
    ['with a numeric eventName', { result: 1, eventName: 3 }],
    ['that is not an object', 'ringing'],
    ['that is null', null],
  ])('an event %s → malformed-reply', async (_name, item) => {
    reply(ok([full, item]));
    const error = await failure(client().events('getCallState', 20));
    expect(error.code).toBe('malformed-reply');
    expect(error.message).toBe('电话条返回了无法识别的事件');
  });

  it('an auth error while polling → auth', async () => {
    reply({ kind: 'json', value: { errcode: 1, errmsg: '鉴权失败' } });
    expect((await failure(client().events('getCallState', 20))).code).toBe('auth');
  });
});

describe('transport failures', () => {
  it('nothing listening → unreachable, naming the bar and its address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await failure(new SoftbarClient(`http://127.0.0.1:${closedPort}`, SECRET).action('hangup'));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain(`无法连接本机电话条 127.0.0.1:${closedPort}`);
  });

  it('a server that never answers → timeout (requestJson with timeoutMs 200)', async () => {
    // The timeout path is the shared requestJson's, tested here with a short timeout.
    reply({ kind: 'hang' });
    const started = Date.now();
    const error = await failure(
      requestJson(`${baseUrl}/api/action/hangup`, { method: 'POST', body: { secret: SECRET } }, { what: `本机电话条 127.0.0.1:${port}`, timeoutMs: 200 }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`本机电话条 127.0.0.1:${port}响应超时`);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('an action the bar does not acknowledge gives up after ACTION_TIMEOUT_MS (2 s), not 5 s', async () => {
    reply({ kind: 'hang' });
    const started = Date.now();
    const error = await failure(client().action('answer'));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(ACTION_TIMEOUT_MS - 100);
    expect(Date.now() - started).toBeLessThan(ACTION_TIMEOUT_MS + 1500);
  });

  it('cancelling the caller\'s signal stops a hanging poll (not reported as a timeout)', async () => {
    reply({ kind: 'hang' });
    const abort = new AbortController();
    const pending = failure(client().events('getCallState', 20, abort.signal));
    setTimeout(() => abort.abort(), 50);
    const error = await pending;
    expect(error.code).toBe('internal');
    expect(error.code).not.toBe('timeout');
  });
});
