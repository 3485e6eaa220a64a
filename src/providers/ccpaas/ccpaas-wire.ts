import { CallbarError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n.ts';

/**
 * CC PaaS's CTI transport: one WebSocket to the CTI server carrying PhoneKit's documented methods and
 * callbacks as JSON frames (docs/providers/ccpaas-wire.md). It is the only module of the provider that
 * knows the framing — ids, replies, `seq`, the heartbeat, close code 4001 — so it is the part to swap
 * when the vendor's own frames are known; the session sees results, callbacks and connection statuses.
 *
 * Reconnects after a drop 1, 2, 4, 4 … s later, at most `maxReconnect` consecutive failed
 * attempts (a socket that opens resets the count). It keeps nothing the session must persist: the
 * session sends `initial` (with its stored `lastSeq`) on every `connected` status itself.
 */

export type CtiMethod = 'initial' | 'login' | 'logout' | 'ready' | 'pause' | 'callOut' | 'hangup' | 'bridge' | 'holdCall' | 'retrieveCall' | 'heartbeat';

/** A reply's `result`: statusCode a trimmed string (a JSON number is written with 5 digits, as the document's codes are), statusMsg at most 200 chars ('' when absent). */
export interface CtiResult {
  statusCode: string;
  statusMsg: string;
  data?: Record<string, unknown>;
}

export type CtiCallback =
  /** `seq`: the server's per-agent counter (a positive safe integer), null when missing or not one. */
  | { callback: 'onCallEvent' | 'onStatusEvent'; seq: number | null; data: Record<string, unknown> }
  | { callback: 'onConnEvent'; data: string };

export type WireStatus =
  /** Sent once, when the wire is opened (attempt 0). */
  | { kind: 'connecting'; attempt: number; max: number }
  /** The socket is open (the session then sends `initial` itself). `reconnected`: after a drop. */
  | { kind: 'connected'; reconnected: boolean }
  /** The socket failed or dropped; attempt `attempt` of `max` follows after the backoff. */
  | { kind: 'retrying'; attempt: number; max: number; error: string }
  /** No more tries: `max` consecutive attempts failed, the URL cannot be opened, or the server closed with 4001 (`replaced`: the agent signed in elsewhere). */
  | { kind: 'failed'; error: string; replaced?: boolean };

export interface CtiWireConfig {
  /** ws:// or wss:// address of the CTI server (PhoneKit.initial's `url`). */
  url: string;
  /** Consecutive failed connections before giving up; a socket that opens resets the count. */
  maxReconnect: number;
  /** How often the wire sends `heartbeat` while open (the contract: 20 s). */
  heartbeatMs: number;
  /** A request (the heartbeat too) not answered by then fails; a heartbeat that fails so renews the socket. */
  requestTimeoutMs: number;
}

export interface CtiWireHandlers {
  onCallback(callback: CtiCallback): void;
  onStatus(status: WireStatus): void;
  /** A frame that is not valid per the contract (not JSON, too big, unknown shape): shown by the session, then dropped. */
  onProtocolError(detail: string): void;
}

export interface CtiWire {
  /**
   * Send one request; resolves with the reply's result, whatever its statusCode. Rejects with a
   * CallbarError: 'unreachable' when the socket is not open (never queued: a queued callOut could ring
   * a customer late), 'timeout' after requestTimeoutMs, 'unreachable' when the socket closes before the
   * reply, 'malformed-reply' when the reply has no usable result.
   */
  request(method: CtiMethod, params?: Record<string, unknown>): Promise<CtiResult>;
  /** True while the socket is open. */
  readonly open: boolean;
  /** Stops for good: no reconnect, no status after it, pending requests rejected. */
  close(): void;
}

export type OpenCtiWire = (config: CtiWireConfig, handlers: CtiWireHandlers) => CtiWire;

/** The timers the wire uses (the global ones by default, looked up when called so fake timers apply). */
export interface CtiWireTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type WebSocketConstructor = new (url: string) => WebSocket;

/** Frames bigger than this (UTF-8 bytes) are a protocol error: the socket is renewed. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** A socket that neither opens nor fails within this long counts as a failed attempt. */
export const OPEN_TIMEOUT_MS = 10_000;
const RETRY_FIRST_MS = 1000;
/** Capped low: once the server is back, the agent sees the platform's state within seconds (issue 16). */
const RETRY_MAX_MS = 4000;
const DETAIL_MAX = 200;
const STATUS_MSG_MAX = 200;
const STATUS_CODE_MAX = 40;
const CONN_EVENT_MAX = 64;
const REASON_MAX = 120;
const SNIPPET_MAX = 60;
const NAME_MAX = 40;

/** Delay before reconnect attempt n (1-based): 1, 2, 4, 4 … s. */
export function retryDelay(attempt: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** (Math.max(1, attempt) - 1), RETRY_MAX_MS);
}

const globalTimers: CtiWireTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The wire on the service worker's own WebSocket. */
export const openCtiWire: OpenCtiWire = (config, handlers) => createCtiWireOpener(globalThis.WebSocket)(config, handlers);

/** The wire on a given WebSocket implementation (a fake or Node's `ws` in tests) and timers. */
export function createCtiWireOpener(WebSocketImpl: WebSocketConstructor, timers: CtiWireTimers = globalTimers): OpenCtiWire {
  return (config, handlers) => new Wire(WebSocketImpl, timers, config, handlers);
}

interface Pending {
  method: CtiMethod;
  resolve(result: CtiResult): void;
  reject(error: CallbarError): void;
  timer: unknown;
}

class Wire implements CtiWire {
  private socket: WebSocket | null = null;
  private isOpen = false;
  /** close() was called, or the wire gave up: nothing more happens. */
  private stopped = false;
  private everOpened = false;
  /** Consecutive failed attempts. */
  private failures = 0;
  private lastId = 0;
  private readonly pending = new Map<number, Pending>();
  private retryTimer: unknown = null;
  private openTimer: unknown = null;
  private heartbeatTimer: unknown = null;

  constructor(
    private readonly WebSocketImpl: WebSocketConstructor,
    private readonly timers: CtiWireTimers,
    private readonly config: CtiWireConfig,
    private readonly handlers: CtiWireHandlers,
  ) {
    this.emit({ kind: 'connecting', attempt: 0, max: config.maxReconnect });
    this.connect();
  }

  get open(): boolean {
    return this.isOpen;
  }

  request(method: CtiMethod, params?: Record<string, unknown>): Promise<CtiResult> {
    return this.send(method, params, false);
  }

  close(): void {
    this.stopped = true;
    this.clearTimer('retryTimer');
    this.clearTimer('openTimer');
    this.clearTimer('heartbeatTimer');
    const socket = this.socket;
    this.socket = null;
    this.isOpen = false;
    if (socket) shut(socket, 1000);
    this.rejectAll();
  }

  private connect(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    let socket: WebSocket;
    try {
      socket = new this.WebSocketImpl(this.config.url);
    } catch {
      // A URL the WebSocket refuses (or no WebSocket at all): retrying cannot mend it. Reported
      // after open returns, so the session has its wire in hand.
      this.retryTimer = this.timers.setTimeout(() => this.giveUp(this.cannotConnect()), 0);
      return;
    }
    this.socket = socket;
    this.openTimer = this.timers.setTimeout(() => {
      this.openTimer = null;
      this.drop(socket, this.cannotConnect());
    }, OPEN_TIMEOUT_MS);
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.clearTimer('openTimer');
      this.isOpen = true;
      this.failures = 0;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.scheduleHeartbeat();
      this.emit({ kind: 'connected', reconnected });
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.receive(socket, event.data);
    };
    socket.onerror = () => undefined; // the close event that follows decides
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      const code = typeof event?.code === 'number' ? event.code : 1006;
      if (code === 4001) {
        this.drop(socket, t('ccpaasWireReplaced'), true);
        return;
      }
      const reason = typeof event?.reason === 'string' ? oneLine(event.reason, REASON_MAX) : '';
      const error = !this.isOpen ? this.cannotConnect() : reason ? t('ccpaasWireClosedReason', String(code), reason) : t('ccpaasWireClosedCode', String(code));
      this.drop(socket, error);
    };
  }

  /** The socket is gone (closed, failed, timed out, or judged dead): fail what waits on it, then retry or give up. */
  private drop(socket: WebSocket, error: string, replaced = false): void {
    if (this.socket !== socket) return;
    this.socket = null;
    shut(socket);
    this.isOpen = false;
    this.clearTimer('openTimer');
    this.clearTimer('heartbeatTimer');
    this.rejectAll();
    if (this.stopped) return;
    if (replaced) {
      this.stopped = true;
      this.emit({ kind: 'failed', error, replaced: true });
      return;
    }
    this.failures++; // reset to 0 when a socket opens
    if (this.failures > this.config.maxReconnect) {
      this.giveUp(error);
      return;
    }
    // Scheduled before the status is reported: a session that closes the wire from onStatus cancels it.
    this.retryTimer = this.timers.setTimeout(() => this.connect(), retryDelay(this.failures));
    this.emit({ kind: 'retrying', attempt: this.failures, max: this.config.maxReconnect, error });
  }

  private giveUp(error: string): void {
    this.retryTimer = null;
    if (this.stopped) return;
    this.stopped = true;
    this.emit({ kind: 'failed', error });
  }

  private send(method: CtiMethod, params: Record<string, unknown> | undefined, heartbeat: boolean): Promise<CtiResult> {
    const socket = this.socket;
    if (!socket || !this.isOpen || this.stopped) return Promise.reject(new CallbarError('unreachable', t('ccpaasWireNotConnected')));
    return new Promise<CtiResult>((resolve, reject) => {
      const id = ++this.lastId;
      const text = JSON.stringify(params === undefined ? { id, method } : { id, method, params });
      const entry: Pending = {
        method,
        resolve,
        reject,
        timer: this.timers.setTimeout(() => {
          if (this.pending.get(id) !== entry) return;
          this.pending.delete(id);
          const message = t('ccpaasWireTimeout', method, String(Math.ceil(this.config.requestTimeoutMs / 1000)));
          reject(new CallbarError('timeout', message));
          // No reply to a heartbeat: the connection is dead even if the socket has not noticed.
          if (heartbeat) this.drop(socket, message);
        }, this.config.requestTimeoutMs),
      };
      this.pending.set(id, entry);
      try {
        socket.send(text);
      } catch {
        this.pending.delete(id);
        this.timers.clearTimeout(entry.timer);
        reject(new CallbarError('unreachable', t('ccpaasWireClosed')));
      }
    });
  }

  private scheduleHeartbeat(): void {
    if (!(this.config.heartbeatMs > 0)) return;
    this.heartbeatTimer = this.timers.setTimeout(() => {
      this.heartbeatTimer = null;
      if (!this.isOpen || this.stopped) return;
      this.scheduleHeartbeat();
      this.send('heartbeat', undefined, true).catch(() => undefined); // its reply is not looked at
    }, this.config.heartbeatMs);
  }

  private receive(socket: WebSocket, data: unknown): void {
    if (typeof data !== 'string') {
      this.protocolError(t('ccpaasWireNotText'));
      return;
    }
    if (tooBig(data)) {
      const message = t('ccpaasWireFrameTooBig', String(MAX_FRAME_BYTES / 1024));
      this.protocolError(message);
      this.drop(socket, message);
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      this.protocolError(t('ccpaasWireNotJson', oneLine(data, SNIPPET_MAX)));
      return;
    }
    if (!isRecord(frame)) {
      this.protocolError(t('ccpaasWireBadFrame', 'id / callback'));
      return;
    }
    if (Object.hasOwn(frame, 'id')) this.reply(frame);
    else if (Object.hasOwn(frame, 'callback')) this.callback(frame);
    else this.protocolError(t('ccpaasWireBadFrame', 'id / callback'));
  }

  private reply(frame: Record<string, unknown>): void {
    const id = frame.id;
    if (!isPositiveSafeInteger(id)) {
      this.protocolError(t('ccpaasWireBadFrame', 'id'));
      return;
    }
    const entry = this.pending.get(id);
    if (!entry) return; // a reply after its request timed out, or one the wire never asked for
    this.pending.delete(id);
    this.timers.clearTimeout(entry.timer);
    const result = readResult(frame.result);
    if (typeof result === 'string') entry.reject(new CallbarError('malformed-reply', t('ccpaasWireBadReply', entry.method, result)));
    else entry.resolve(result);
  }

  private callback(frame: Record<string, unknown>): void {
    const name = frame.callback;
    const data = frame.data;
    if (name === 'onConnEvent') {
      if (typeof data !== 'string') this.protocolError(t('ccpaasWireBadFrame', 'onConnEvent data'));
      else this.deliver({ callback: name, data: data.slice(0, CONN_EVENT_MAX) });
    } else if (name === 'onCallEvent' || name === 'onStatusEvent') {
      if (!isRecord(data)) this.protocolError(t('ccpaasWireBadFrame', `${name} data`));
      else this.deliver({ callback: name, seq: isPositiveSafeInteger(frame.seq) ? frame.seq : null, data });
    } else {
      this.protocolError(t('ccpaasWireBadFrame', typeof name === 'string' ? `callback = ${oneLine(name, NAME_MAX)}` : 'callback'));
    }
  }

  private rejectAll(): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      this.timers.clearTimeout(entry.timer);
      entry.reject(new CallbarError('unreachable', t('ccpaasWireClosed')));
    }
  }

  private cannotConnect(): string {
    return t('ccpaasWireCannotConnect', oneLine(this.config.url, DETAIL_MAX));
  }

  private clearTimer(name: 'retryTimer' | 'openTimer' | 'heartbeatTimer'): void {
    if (this[name] !== null) this.timers.clearTimeout(this[name]);
    this[name] = null;
  }

  // The session's handlers run inside socket events: an exception there must not break the wire.
  private emit(status: WireStatus): void {
    guard(() => this.handlers.onStatus(status));
  }

  private deliver(callback: CtiCallback): void {
    guard(() => this.handlers.onCallback(callback));
  }

  private protocolError(detail: string): void {
    guard(() => this.handlers.onProtocolError(detail.slice(0, DETAIL_MAX)));
  }
}

function guard(call: () => void): void {
  try {
    call();
  } catch (error) {
    console.error('ccpaas wire: a handler threw', error);
  }
}

/** Detach and close a socket whose events no longer matter (an `error` still arriving must find a listener: `ws` throws otherwise). */
function shut(socket: WebSocket, code?: number): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = () => undefined;
  try {
    if (code === undefined) socket.close();
    else socket.close(code);
  } catch {
    // already closed
  }
}

/** More than MAX_FRAME_BYTES once UTF-8 encoded (a UTF-16 unit is 1 to 3 bytes: most frames are decided by their length). */
function tooBig(text: string): boolean {
  if (text.length > MAX_FRAME_BYTES) return true;
  if (text.length * 3 <= MAX_FRAME_BYTES) return false;
  return new TextEncoder().encode(text).length > MAX_FRAME_BYTES;
}

/** A reply's result, or the field that makes it unusable. */
function readResult(value: unknown): CtiResult | string {
  if (!isRecord(value)) return 'result';
  const code = value.statusCode;
  let statusCode: string;
  if (typeof code === 'string') statusCode = code.trim().slice(0, STATUS_CODE_MAX);
  // A JSON number loses the leading zeros of the document's 5-digit codes ("00000").
  else if (typeof code === 'number' && Number.isSafeInteger(code) && code >= 0) statusCode = String(code).padStart(5, '0');
  else return 'result.statusCode';
  if (statusCode === '') return 'result.statusCode';
  const msg = value.statusMsg;
  const statusMsg = typeof msg === 'string' ? msg.slice(0, STATUS_MSG_MAX) : typeof msg === 'number' && Number.isFinite(msg) ? String(msg) : '';
  return isRecord(value.data) ? { statusCode, statusMsg, data: value.data } : { statusCode, statusMsg };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** The start of a vendor string, on one line. */
function oneLine(text: string, max: number): string {
  return text.slice(0, max).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
