/**
 * Minimal static file server for test fixtures (Node built-ins only).
 *
 *   const srv = await startFixtureServer();          // serves test/fixtures on 127.0.0.1:<ephemeral>
 *   await page.goto(`${srv.url}/crm/index.html`);
 *   await srv.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

export interface FixtureServerOptions {
  /** TCP port; 0 (default) = ephemeral. */
  port?: number;
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** Directory to serve; default test/fixtures (relative to this file). */
  root?: string;
}

export interface FixtureServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_ROOT = fileURLToPath(new URL('../fixtures/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/**
 * Map a request target to a file inside root, or null if it is malformed or
 * would escape root. ".." segments are rejected outright (also when
 * percent-encoded or written with backslashes), and the final path is checked
 * to be inside root as a second line of defence.
 */
export function resolveInside(root: string, rawUrl: string): string | null {
  const rawPath = rawUrl.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const segments = decoded.split(/[\\/]+/).filter(Boolean);
  if (segments.some((s) => s === '..')) return null;
  const target = path.resolve(root, ...segments);
  const rel = path.relative(root, target);
  if (rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return null;
  return target;
}

/** What a locked-down CRM sends: nothing inline, nothing from elsewhere, no data: images. */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-src 'self'";

export async function startFixtureServer(opts: FixtureServerOptions = {}): Promise<FixtureServer> {
  const host = opts.host ?? '127.0.0.1';
  const root = path.resolve(opts.root ?? DEFAULT_ROOT);

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'Method Not Allowed');
    }
    let file = resolveInside(root, req.url ?? '/');
    if (!file) return send(res, 403, 'Forbidden');
    try {
      let st = await stat(file);
      if (st.isDirectory()) {
        file = path.join(file, 'index.html');
        st = await stat(file);
      }
      if (!st.isFile()) return send(res, 404, 'Not Found');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': contentTypeFor(file),
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
        // `?csp=strict` serves any page under a strict Content-Security-Policy header.
        ...(/[?&]csp=strict\b/.test(req.url ?? '') ? { 'Content-Security-Policy': STRICT_CSP } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      // Browsers request /favicon.ico on their own; answer it with an empty
      // 204 so e2e tests don't see a stray "404" console error on every page.
      if (file === path.join(root, 'favicon.ico')) {
        res.writeHead(204, { 'Cache-Control': 'no-store' });
        res.end();
        return;
      }
      send(res, 404, 'Not Found');
    }
  };

  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
