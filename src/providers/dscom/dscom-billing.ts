import type { Problem } from '../../shared/errors.ts';
import { t } from '../../shared/i18n.ts';

/**
 * The billing websocket (话单推送): `{billingUrl}/?user_id=billing&token=<access token>` pushes
 * `{"type":"billing","data":[CDR rows]}` when calls finish. The token is checked only when
 * connecting, so an open socket outlives token refreshes; each new connection asks for a
 * current token. Lost connections are retried with backoff: 1 s doubling to 30 s for ten
 * attempts, then every 60 s, with a problem banner while it is down.
 */

/** The part of the WebSocket API used here (browsers' and service workers' global, or `ws`). */
export interface SocketLike {
  // `any`: the DOM's and ws's handlers take their own event types; only `data` is read.
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = new (url: string) => SocketLike;

export const MAX_FAST_ATTEMPTS = 10;
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
export const SLOW_DELAY_MS = 60_000;
/** A socket that neither opens nor fails within this long is given up. */
export const OPEN_TIMEOUT_MS = 15_000;
/** A connection that stayed up this long starts the backoff afresh when it drops. */
export const STABLE_MS = 10_000;

/** Delay before reconnect attempt n (1-based): 1, 2, 4, 8, 16, 30 … 30 s, then 60 s after the tenth. */
export function reconnectDelay(attempt: number): number {
  if (attempt > MAX_FAST_ATTEMPTS) return SLOW_DELAY_MS;
  return Math.min(FIRST_DELAY_MS * 2 ** (Math.max(1, attempt) - 1), MAX_DELAY_MS);
}

/** The banner's hint while reconnect attempt n is pending. */
export function reconnectHint(attempt: number): string {
  if (attempt > MAX_FAST_ATTEMPTS) return t('dscomBillingReconnectSlow', String(MAX_FAST_ATTEMPTS), String(SLOW_DELAY_MS / 1000));
  return t('dscomBillingReconnecting', String(attempt), String(MAX_FAST_ATTEMPTS));
}

export interface BillingOptions {
  /** The address to connect to, with a current token (may refresh it; may throw). */
  url(): Promise<string>;
  /** The socket's host, for messages ("wss://192.168.1.200:8282"). */
  where: string;
  WebSocket: SocketFactory;
  /** The rows of one pushed `billing` message. */
  onRows(rows: unknown[]): void;
  /** A connection opened: rows pushed while there was none are not pushed again (ask cdr/list). */
  onOpen?(): void;
  /** Down (with attempt count) or back up (null). */
  onProblem(problem: Omit<Problem, 'since'> | null): void;
  log?(message: string, detail?: unknown): void;
}

export class BillingSocket {
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private openTimer: ReturnType<typeof setTimeout> | null = null;
  /** Consecutive failed connections. */
  private failures = 0;
  private openedAt: number | null = null;
  private stopped = false;

  constructor(private readonly options: BillingOptions) {}

  start(signal: AbortSignal): void {
    if (signal.aborted) return;
    signal.addEventListener('abort', () => this.stop(), { once: true });
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      try {
        socket.close(1000, 'logout');
      } catch {
        // already closed
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let url: string;
    try {
      url = await this.options.url();
    } catch (error) {
      this.options.log?.('billing socket: no token to connect with', error);
      this.failed();
      return;
    }
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = new this.options.WebSocket(url);
    } catch (error) {
      this.options.log?.('billing socket: cannot open', error);
      this.failed();
      return;
    }
    this.socket = socket;
    this.openTimer = setTimeout(() => {
      if (this.socket !== socket) return;
      this.options.log?.('billing socket: open timed out');
      this.drop(socket);
    }, OPEN_TIMEOUT_MS);
    socket.onopen = () => {
      if (this.socket !== socket) return;
      if (this.openTimer) clearTimeout(this.openTimer);
      this.openTimer = null;
      this.openedAt = Date.now();
      this.options.onProblem(null);
      this.options.onOpen?.();
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (this.socket !== socket) return;
      this.receive(event.data);
    };
    socket.onerror = () => {
      // A close event follows; it decides what happens next.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.drop(socket);
    };
  }

  /** The socket is gone (closed, failed or timed out): count it and reconnect later. */
  private drop(socket: SocketLike): void {
    detach(socket);
    try {
      socket.close();
    } catch {
      // already closed
    }
    this.socket = null;
    if (this.openTimer) clearTimeout(this.openTimer);
    this.openTimer = null;
    const wasStable = this.openedAt !== null && Date.now() - this.openedAt >= STABLE_MS;
    this.openedAt = null;
    if (wasStable) this.failures = 0;
    this.failed();
  }

  private failed(): void {
    if (this.stopped) return;
    this.failures += 1;
    const attempt = this.failures;
    this.options.onProblem({
      code: 'unreachable',
      message: t('dscomBillingDisconnected', this.options.where),
      hint: reconnectHint(attempt),
    });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, reconnectDelay(attempt));
  }

  private receive(data: unknown): void {
    const text = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : ArrayBuffer.isView(data) ? new TextDecoder().decode(data) : null;
    if (text === null) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.options.log?.('billing socket: not JSON', text.slice(0, 200));
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { type, data: rows } = message as { type?: unknown; data?: unknown };
    if (type !== 'billing') return;
    if (Array.isArray(rows)) this.options.onRows(rows);
    else if (typeof rows === 'object' && rows !== null) this.options.onRows([rows]);
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.openTimer) clearTimeout(this.openTimer);
    this.timer = null;
    this.openTimer = null;
  }
}

function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
}
