/**
 * Where the simulator's events go: the publisher interface (one message = one event object as
 * JSON, to one destination), an in-memory publisher for in-process tests, and the outbox that
 * keeps events in order while the broker is unreachable and publishes them when it is back.
 * The STOMP publisher (the real broker) is its own module, stomp-publisher.ts.
 */

export interface EventPublisher {
  /** Sends one message; resolves once the broker has it, rejects while the broker is unreachable. */
  publish(destination: string, body: string): Promise<void>;
  close(): Promise<void>;
}

export interface PublishedMessage {
  destination: string;
  body: string;
}

/** Keeps every message; `down` makes it refuse (a broker that is away), for the outbox tests. */
export class MemoryPublisher implements EventPublisher {
  readonly messages: PublishedMessage[] = [];
  down = false;

  publish(destination: string, body: string): Promise<void> {
    if (this.down) return Promise.reject(new Error('broker unreachable'));
    this.messages.push({ destination, body });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Publishes strictly in order, one at a time. A message the publisher refuses stays at the head
 * and is tried again every `retryMs` until it goes through: a platform does not drop events
 * because its broker restarted (at-least-once: a message whose receipt was lost is sent again).
 */
export class Outbox {
  private readonly queue: PublishedMessage[] = [];
  private running = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];
  /** The last publish error, while the head message waits; null when the outbox is flowing. */
  lastError: string | null = null;

  constructor(
    private publisher: EventPublisher,
    private readonly retryMs = 500,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  /** Swap the publisher (tests, or the CLI once the broker is up); queued messages go to the new one. */
  setPublisher(publisher: EventPublisher): void {
    this.publisher = publisher;
    this.kick();
  }

  push(destination: string, body: string): void {
    this.queue.push({ destination, body });
    this.kick();
  }

  /** Resolves when every message queued so far has been published. */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Try again now (instead of at the next retry tick). */
  kick(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (!this.running && !this.closed) void this.run();
  }

  /** Drops what is queued (a reset) without closing. */
  clear(): void {
    this.queue.length = 0;
    this.notify();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.publisher.close();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const head = this.queue[0]!;
        try {
          await this.publisher.publish(head.destination, head.body);
          if (this.queue[0] === head) this.queue.shift();
          this.lastError = null;
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          if (!this.closed) {
            this.retryTimer = setTimeout(() => {
              this.retryTimer = null;
              void this.run();
            }, this.retryMs);
            this.retryTimer.unref();
          }
          return;
        }
      }
      this.notify();
    } finally {
      this.running = false;
    }
  }

  private notify(): void {
    if (this.queue.length > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
