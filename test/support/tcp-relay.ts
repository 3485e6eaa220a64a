/**
 * A TCP relay 127.0.0.1:<port> → 127.0.0.1:<to> whose connections a test can cut, as a network does:
 * RabbitMQ's web-STOMP clients (rabbitmq.ts) and the browser phone's SIP WebSocket
 * (test/e2e/phone-faults.e2e.ts) reach their server through one. A connection that ends on either
 * side ends on the other.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface Relay {
  /** The port clients connect to. */
  port: number;
  /** While true, new connections are refused (closed at once). */
  down: boolean;
  /** Cut every connection now; returns how many client connections were cut. */
  dropAll(): number;
  close(): Promise<void>;
}

/** Listen on `from` (0: a free port, see `port`) and relay each connection to `to`. */
export function startRelay(from: number, to: number): Promise<Relay> {
  const clients = new Set<Socket>();
  const sockets = new Set<Socket>();
  const relay: Relay = {
    port: from,
    down: false,
    dropAll() {
      const cut = clients.size;
      for (const s of sockets) s.destroy();
      sockets.clear();
      clients.clear();
      return cut;
    },
    close: () =>
      new Promise<void>((resolve) => {
        relay.dropAll();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    if (relay.down) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: to });
    clients.add(client);
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      clients.delete(client);
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(from, '127.0.0.1', () => {
      const address = server.address();
      relay.port = typeof address === 'object' && address ? address.port : from;
      resolve(relay);
    });
  });
}
