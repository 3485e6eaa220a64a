import { failure } from '../../../test/support/provider-context.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from './800ing-client.ts';
import { CLIENT_TYPE, Ing800Desktop } from './800ing-desktop.ts';

type Reply = { status?: number; text: string } | Error;

function stub(...replies: Reply[]) {
  const urls: URL[] = [];
  const fetch: FetchLike = async (url, init) => {
    urls.push(new URL(url));
    expect(init.method).toBe('GET');
    const next = replies.shift() ?? { text: '{"code":0,"message":""}' };
    if (next instanceof Error) throw next;
    return new Response(next.text, { status: next.status ?? 200 });
  };
  return { fetch, urls };
}

const query = (url: URL) => Object.fromEntries(url.searchParams);


describe('commands: GET http://127.0.0.1:{port}/?phone=…&type=…', () => {
  it('dial: type 0 with the number; phone first, then type (as the document writes it)', async () => {
    const { fetch, urls } = stub();
    const desktop = new Ing800Desktop({ port: 10800, fetch });
    await desktop.dial('13900120013', { disablePop: false });
    expect(urls[0]!.origin).toBe('http://127.0.0.1:10800');
    expect(urls[0]!.pathname).toBe('/');
    expect(urls[0]!.search).toBe('?phone=13900120013&type=0');
  });

  it('dial with disablePop=true and httpPort', async () => {
    const { fetch, urls } = stub();
    await new Ing800Desktop({ port: 10801, fetch }).dial('+8613900120013', { disablePop: true, httpPort: 10802 });
    expect(urls[0]!.port).toBe('10801');
    expect(query(urls[0]!)).toEqual({ phone: '+8613900120013', type: '0', disablePop: 'true', httpPort: '10802' });
  });

  it.each<{ name: string; run: (d: Ing800Desktop) => Promise<void>; params: Record<string, string> }>([
    { name: 'hang up: type 1', run: (d) => d.hangup('13900120013'), params: { phone: '13900120013', type: '1' } },
    { name: 'transfer: type 2, phone = target', run: (d) => d.transfer('8005'), params: { phone: '8005', type: '2' } },
    { name: 'pop the window: type 2002', run: (d) => d.pop(), params: { type: '2002' } },
    { name: 'login: type 2001 with host, user and the MD5 as pass', run: (d) => d.login('voip.800ing.com', '100008800', 'CBCA51A420DD10423A9ACC4DB8041D5A'), params: { type: '2001', host: 'voip.800ing.com', user: '100008800', pass: 'CBCA51A420DD10423A9ACC4DB8041D5A' } },
  ])('$name', async ({ run, params }) => {
    const { fetch, urls } = stub();
    await run(new Ing800Desktop({ port: 10800, fetch }));
    expect(query(urls[0]!)).toEqual(params);
  });

  it('the documented type values', () => {
    expect(CLIENT_TYPE).toEqual({ dial: 0, hangup: 1, transfer: 2, login: 2001, pop: 2002 });
  });
});

describe('replies and failures', () => {
  it.each(['{"code":0,"message":""}', '', 'OK', '<html>ok</html>'])('a 2xx reply %j is success (the document gives no reply format)', async (text) => {
    const { fetch } = stub({ text });
    await expect(new Ing800Desktop({ port: 10800, fetch }).hangup('1')).resolves.toBeUndefined();
  });

  it('a negative code reads as the 返回代码表 says', async () => {
    const { fetch } = stub({ text: '{"code":-2,"message":"验证错误"}' });
    const error = await failure(new Ing800Desktop({ port: 10800, fetch }).login('h', 'u', 'P'));
    expect(error.code).toBe('auth');
    expect(error.message).toBe('登录八百呼客户端失败：帐号或密码错误（验证错误，错误码 -2），请检查设置中的帐号（坐席号）和密码');
  });

  it('a code outside the table shows the client\'s message', async () => {
    const { fetch } = stub({ text: '{"code":-1000,"message":"客户端未登录"}' });
    const error = await failure(new Ing800Desktop({ port: 10800, fetch }).dial('1', { disablePop: false }));
    expect(error.message).toBe('客户端外呼失败：客户端未登录（错误码 -1000）');
  });

  it('an HTTP error without a code → refused', async () => {
    const { fetch } = stub({ status: 500, text: 'boom' });
    const error = await failure(new Ing800Desktop({ port: 10800, fetch }).transfer('8005'));
    expect(error.code).toBe('refused');
    expect(error.message).toBe('八百呼客户端（127.0.0.1:10800）内部错误（HTTP 500），请稍后再试');
  });

  it('connection refused (a real closed port) → “八百呼客户端没有运行（127.0.0.1:port）”', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(new Ing800Desktop({ port }).dial('13900120013', { disablePop: false }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(`八百呼客户端没有运行（127.0.0.1:${port}）`);
  });

  it('a client that does not answer → timeout; the detail has no query string (the login carries the MD5)', async () => {
    const hanging: FetchLike = (_url, init) => new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const error = await failure(new Ing800Desktop({ port: 10800, fetch: hanging, timeoutMs: 30 }).login('h', 'u', 'ABCDEF'));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('八百呼客户端（127.0.0.1:10800）没有响应');
    expect(error.detail).toBe('http://127.0.0.1:10800/');
  });

  it('a real local HTTP server receives the command as documented', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"code":0,"message":""}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await new Ing800Desktop({ port }).dial('13900120013', { disablePop: true });
      expect(seen).toEqual(['/?phone=13900120013&type=0&disablePop=true']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
