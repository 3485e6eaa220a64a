/**
 * 话单推送: the billing websocket (the real product listens on 8282). The client connects to
 * `/?user_id=billing&token=<access token>`; the token is checked once, at the handshake.
 * A bad handshake is refused with a plain HTTP 401 (the browser sees an error and close
 * code 1006). Each finished call is pushed as `{"type":"billing","data":[row]}`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CdrRow } from './cdr.ts';
import { phpJson } from './format.ts';

export interface BillingHandshake {
  path: string;
  query: Record<string, string>;
  status: 101 | 400 | 401 | 404;
  reason?: string;
}

export interface BillingSocketOptions {
  host: string;
  port: number;
  isTokenValid: (token: string) => boolean;
  onHandshake: (handshake: BillingHandshake) => void;
}

export class BillingSocketServer {
  private readonly options: BillingSocketOptions;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private boundPort: number | null = null;

  constructor(options: BillingSocketOptions) {
    this.options = options;
  }

  /** Listens on the configured port, or after a stop() on the port it had. */
  async start(): Promise<number> {
    if (this.server !== null) return this.port;
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
      res.end('websocket only\n');
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort ?? this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.dropAll();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  get port(): number {
    return this.boundPort ?? this.options.port;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Sends one CDR row to every connected client. */
  push(row: CdrRow): void {
    const message = phpJson({ type: 'billing', data: [row] });
    for (const client of this.clients) if (client.readyState === client.OPEN) client.send(message);
  }

  /** Cuts every connection without a closing handshake (the client sees code 1006). */
  dropAll(): void {
    for (const client of this.clients) client.terminate();
    this.clients.clear();
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'ws://billing');
    const query = Object.fromEntries(url.searchParams);
    const refuse = (status: 400 | 401 | 404, reason: string): void => {
      this.options.onHandshake({ path: url.pathname, query, status, reason });
      const text = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' }[status];
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
    };
    if (url.pathname !== '/') return refuse(404, 'no such path');
    if (query.user_id !== 'billing') return refuse(400, 'user_id must be billing');
    if (!this.options.isTokenValid(query.token ?? '')) return refuse(401, 'invalid or expired token');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => this.clients.delete(ws));
      this.options.onHandshake({ path: url.pathname, query, status: 101 });
    });
  }
}
