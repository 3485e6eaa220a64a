import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from './fixture-server';

/** Raw GET that does not normalise the path (fetch() would collapse "/../"). */
function rawGet(port: number, target: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fixture server', () => {
  let base: string;
  let root: string;
  let srv: FixtureServer;

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'fixture-server-'));
    root = path.join(base, 'root');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await writeFile(path.join(root, 'sub', 'index.html'), '<!doctype html><title>客户</title>');
    await writeFile(path.join(root, 'a.js'), 'export const a = 1;');
    await writeFile(path.join(root, 'a.css'), 'body{}');
    await writeFile(path.join(root, 'a.json'), '{"ok":true}');
    await writeFile(path.join(root, 'a.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(root, 'a.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await writeFile(path.join(base, 'secret.txt'), 'top secret');
    srv = await startFixtureServer({ root, port: 0 });
  });

  afterAll(async () => {
    await srv?.close();
    await rm(base, { recursive: true, force: true });
  });

  it('binds an ephemeral port on 127.0.0.1', () => {
    expect(srv.port).toBeGreaterThan(0);
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}`);
  });

  it.each([
    ['/sub/index.html', 'text/html; charset=utf-8'],
    ['/a.js', 'text/javascript; charset=utf-8'],
    ['/a.css', 'text/css; charset=utf-8'],
    ['/a.json', 'application/json; charset=utf-8'],
    ['/a.svg', 'image/svg+xml; charset=utf-8'],
    ['/a.png', 'image/png'],
  ])('serves %s as %s', async (p, type) => {
    const res = await fetch(srv.url + p);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
  });

  it('serves utf-8 bodies and directory index.html', async () => {
    const res = await fetch(`${srv.url}/sub/?q=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('客户');
  });

  it('returns 404 for missing files', async () => {
    const res = await fetch(`${srv.url}/nope.html`);
    expect(res.status).toBe(404);
  });

  it.each(['/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt'])(
    'rejects traversal %s',
    async (target) => {
      const res = await rawGet(srv.port, target);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('top secret');
    },
  );

  it('defaults to test/fixtures', async () => {
    const def = await startFixtureServer();
    try {
      const res = await fetch(`${def.url}/crm/index.html`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      await def.close();
    }
  });
});
