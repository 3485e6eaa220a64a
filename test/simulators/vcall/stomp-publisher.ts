/**
 * Publishes the simulator's events to a real broker (RabbitMQ with rabbitmq_web_stomp) over
 * STOMP on a WebSocket, with @stomp/stompjs and the `ws` package (Node has no global WebSocket).
 * Every SEND carries `persistent: "true"` (survives a broker restart in a durable queue) and asks
 * for a RECEIPT; publish() resolves on the receipt, so a message is counted as sent only once the
 * broker has it. The client reconnects by itself; while it is away publish() rejects and the
 * Outbox (publisher.ts) keeps the messages.
 */
import { Client, type IFrame } from '@stomp/stompjs';
import WebSocket from 'ws';
import type { EventPublisher } from './publisher.ts';

export interface StompPublisherOptions {
  /** ws://host:port/ws */
  url: string;
  login: string;
  passcode: string;
  /** Virtual host (STOMP `host` header). Default '/'. */
  vhost?: string;
  /** Wait for a receipt this long before counting the message as not sent. Default 5000. */
  receiptTimeoutMs?: number;
  reconnectDelayMs?: number;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class StompPublisher implements EventPublisher {
  private readonly client: Client;
  private readonly pending = new Map<string, Pending>();
  private readonly receiptTimeoutMs: number;
  private nextReceipt = 0;
  /** Called when the connection comes up (the outbox uses it to publish at once). */
  onConnect: () => void = () => {};

  constructor(options: StompPublisherOptions) {
    this.receiptTimeoutMs = options.receiptTimeoutMs ?? 5000;
    this.client = new Client({
      webSocketFactory: () => new WebSocket(options.url, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
      connectHeaders: { login: options.login, passcode: options.passcode, host: options.vhost ?? '/' },
      reconnectDelay: options.reconnectDelayMs ?? 500,
      heartbeatIncoming: 10_000,
      heartbeatOutgoing: 10_000,
      debug: () => {},
      onConnect: () => this.onConnect(),
      onWebSocketClose: () => this.failPending('broker connection closed'),
      onStompError: (frame: IFrame) => this.failPending(`broker error: ${frame.headers.message ?? frame.body}`),
    });
    this.client.activate();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  publish(destination: string, body: string): Promise<void> {
    if (!this.client.connected) return Promise.reject(new Error('broker not connected'));
    const receipt = `vcall-sim-${++this.nextReceipt}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(receipt);
        reject(new Error('no receipt from the broker'));
      }, this.receiptTimeoutMs);
      timer.unref();
      this.pending.set(receipt, { resolve, reject, timer });
      this.client.watchForReceipt(receipt, () => {
        const entry = this.pending.get(receipt);
        if (entry === undefined) return;
        this.pending.delete(receipt);
        clearTimeout(entry.timer);
        entry.resolve();
      });
      try {
        this.client.publish({
          destination,
          body,
          headers: { persistent: 'true', receipt, 'content-type': 'application/json;charset=UTF-8' },
        });
      } catch (error) {
        this.pending.delete(receipt);
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  async close(): Promise<void> {
    this.failPending('publisher closed');
    await this.client.deactivate();
  }

  private failPending(reason: string): void {
    for (const [receipt, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Error(reason));
      this.pending.delete(receipt);
    }
  }
}
