/** The HTTP fault injector does what each fault says, to a real local server. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange } from '../../src/providers/http.ts';
import { FaultyFetch } from './faulty-fetch.ts';

let server: Server;
let base = '';
let hits = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ code: 0, hit: hits }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ask = (faults: FaultyFetch, path = '/x', timeoutMs = 300) =>
  exchange(`${base}${path}`, { method: 'POST', body: '{}' }, { fetch: faults.fetch, timeoutMs, unreachable: 'unreachable', timeout: 'timeout' });

describe('FaultyFetch', () => {
  it('passes requests through until a fault is injected, then takes one matching request per fault', async () => {
    const faults = new FaultyFetch();
    hits = 0;
    expect(JSON.parse((await ask(faults)).text)).toEqual({ code: 0, hit: 1 });
    faults.inject('error-500', (url) => url.endsWith('/y'));
    expect((await ask(faults, '/x')).status).toBe(200);
    expect((await ask(faults, '/y')).status).toBe(500);
    expect(hits).toBe(2); // the 500 never reached the server
    expect(faults.injected['error-500']).toBe(1);
    expect(faults.waiting).toBe(0);
  });

  it('unreachable: the server never hears it; the caller reads a transport error', async () => {
    const faults = new FaultyFetch();
    hits = 0;
    faults.inject('unreachable');
    await expect(ask(faults)).rejects.toMatchObject({ code: 'unreachable' });
    expect(hits).toBe(0);
  });

  it('timeout: the server acted, the caller times out', async () => {
    const faults = new FaultyFetch();
    hits = 0;
    faults.inject('timeout');
    await expect(ask(faults)).rejects.toMatchObject({ code: 'timeout' });
    expect(hits).toBe(1);
  });

  it('malformed: the server acted, the reply is cut; duplicate: the server hears it twice', async () => {
    const faults = new FaultyFetch();
    hits = 0;
    faults.inject('malformed');
    const cut = await ask(faults);
    expect(() => JSON.parse(cut.text)).toThrow();
    expect(hits).toBe(1);
    faults.inject('duplicate');
    expect(JSON.parse((await ask(faults)).text)).toEqual({ code: 0, hit: 3 });
    expect(hits).toBe(3);
    expect(faults.total()).toBe(2);
  });

  it('a fault can pick its request by the body (an API method named in a form body)', async () => {
    const faults = new FaultyFetch();
    faults.inject('error-500', (_url, _method, body) => body?.includes('method=recvMsg') === true);
    const form = (method: string) => exchange(`${base}/api`, { method: 'POST', body: `method=${method}` }, { fetch: faults.fetch, timeoutMs: 300, unreachable: 'unreachable', timeout: 'timeout' });
    expect((await form('getLongWaterLine')).status).toBe(200);
    expect((await form('recvMsg')).status).toBe(500);
    expect(faults.waiting).toBe(0);
  });
});
