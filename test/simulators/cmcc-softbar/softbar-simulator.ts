/**
 * A local stand-in for the 移动云坐席 PC softphone bar's HTTP service
 * (default http://127.0.0.1:8008), for e2e tests, the demo and manual scripting.
 *
 * The vendor API lives under /api/; the simulator's own control routes under /_sim/.
 * See README.md in this folder for what is simulated and which decisions are ours.
 */
import { listen, readBody, withoutUndefined } from '../http-server.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CALLEE_MODES, type CalleeMode } from './call-model.ts';
import { handleControlRequest } from './control-api.ts';
import { ControlError, Softphone, type FinishedCall, type HandedOut, type SoftbarState } from './softphone.ts';
import { handleVendorRequest, isVendorPath, secretFor, type VendorContext } from './vendor-api.ts';

export { CallState, type CalleeMode, type CallStateValue } from './call-model.ts';
export { ControlError, type FinishedCall, type HandedOut, type SoftbarState } from './softphone.ts';
export { secretFor } from './vendor-api.ts';

export interface SoftbarSimulatorOptions {
  /** 0 = ephemeral. Default 8008, the bar's documented port. */
  port?: number;
  host?: string;
  /** The agent's 800 number; the secret is its MD5. */
  extension?: string;
  username?: string;
  phone?: string;
  ringDelayMs?: number;
  answerDelayMs?: number;
  noAnswerTimeoutMs?: number;
  transferDelayMs?: number;
  calleeMode?: CalleeMode;
  barLoggedIn?: boolean;
  /**
   * Put `callId-<n>` in every call event's reserve (default true). The document only says reserve is
   * 扩展信息 `k1-v1|k2-v2` (seed lines 531–533) and names no keys: false is a bar that gives calls no id.
   */
  callIdInReserve?: boolean;
  /** Called after each vendor-API request is answered (the CLI logs with it). */
  onRequest?: (request: RecordedRequest) => void;
}

/** One request to the vendor API surface (anything outside /_sim/), bad ones included. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /api/action/makeCall. */
  path: string;
  contentType: string | null;
  /** Parsed JSON body; the raw text if it did not parse; undefined if empty. */
  body: unknown;
  /** Date.now() when the request arrived. */
  at: number;
  status: number;
  /** The JSON sent back (null for a preflight). */
  reply: unknown;
  /** Why it was refused, when it was. */
  reason?: string;
  /** The request's X-Sim-Tag header, when a test tagged it (to find its own requests in the log). */
  tag?: string;
  /** For an event poll: how many events it handed out (the last this many of `handedOut` when it is recorded). */
  handedOut?: number;
}

const DEFAULTS = {
  port: 8008,
  host: '127.0.0.1',
  extension: '8001',
  username: '张三',
  phone: '13800138000',
  ringDelayMs: 800,
  answerDelayMs: 1500,
  noAnswerTimeoutMs: 30_000,
  transferDelayMs: 500,
  calleeMode: 'answer',
  barLoggedIn: true,
  callIdInReserve: true,
} as const;

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'X-Sim-Reason',
};

export class SoftbarSimulator {
  /** Every vendor-API request, in order of arrival. Cleared in place, so a held reference stays live. */
  readonly requests: RecordedRequest[] = [];

  private readonly host: string;
  private readonly configuredPort: number;
  private readonly vendor: VendorContext;
  private readonly softphone: Softphone;
  private readonly onRequestHook: ((request: RecordedRequest) => void) | undefined;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort: number | null = null;

  constructor(opts: SoftbarSimulatorOptions = {}) {
    const o = { ...DEFAULTS, ...withoutUndefined(opts) };
    if (!(CALLEE_MODES as readonly string[]).includes(o.calleeMode)) {
      throw new ControlError(`calleeMode must be one of ${CALLEE_MODES.join(', ')}`, 'input');
    }
    this.host = o.host;
    this.configuredPort = o.port;
    this.onRequestHook = opts.onRequest;
    this.softphone = new Softphone({
      extension: o.extension,
      ringDelayMs: o.ringDelayMs,
      answerDelayMs: o.answerDelayMs,
      noAnswerTimeoutMs: o.noAnswerTimeoutMs,
      transferDelayMs: o.transferDelayMs,
      calleeMode: o.calleeMode,
      barLoggedIn: o.barLoggedIn,
      callIdInReserve: o.callIdInReserve,
    });
    this.vendor = {
      softphone: this.softphone,
      profile: { extension: o.extension, username: o.username, phone: o.phone },
      secret: secretFor(o.extension),
    };
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts listening. After a stop() it listens again on the port it had, so a client
   * configured with that port sees "the bar was restarted", with the state it had.
   */
  async start(): Promise<{ port: number }> {
    if (this.server !== null) return { port: this.port };
    const server = createServer((req, res) => void this.onHttpRequest(req, res));
    server.on('connection', (socket) => this.trackSocket(socket));
    await listen(server, this.boundPort ?? this.configuredPort, this.host);
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.softphone.resume();
    return { port: this.boundPort };
  }

  /** Closes the server and every open socket; call state and queues are kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.softphone.suspend();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** The port it listens (or last listened) on; the configured one before the first start. */
  get port(): number {
    return this.boundPort ?? this.configuredPort;
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  get extension(): string {
    return this.vendor.profile.extension;
  }

  /** What a client must send as `secret`. */
  get secret(): string {
    return this.vendor.secret;
  }

  get state(): SoftbarState {
    return this.softphone.snapshot();
  }

  /** Every call that ended since the start (or reset()), oldest first: id, direction, number, talked, cause. */
  get finishedCalls(): readonly FinishedCall[] {
    return this.softphone.finished;
  }

  /** Every event the polls handed out, in order, with the call it belonged to (null: a line event). */
  get handedOut(): readonly HandedOut[] {
    return this.softphone.handedOut;
  }

  // ---------------------------------------------------------------- request log

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Requests whose last path segment is `action` (e.g. 'makeCall'), CORS preflights left out. */
  requestsTo(action: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'OPTIONS' && r.path.split('/').pop() === action);
  }

  // ---------------------------------------------------------------- control (throws ControlError)

  setCalleeMode(mode: CalleeMode): void {
    if (!(CALLEE_MODES as readonly string[]).includes(mode)) {
      throw new ControlError(`mode must be one of ${CALLEE_MODES.join(', ')}`, 'input');
    }
    this.softphone.setCalleeMode(mode);
  }

  /** The callee picks up the outgoing call now ('manual' mode, or to cut a delay short). */
  calleeAnswer(): void {
    this.softphone.calleeAnswer();
  }

  /** The callee rejects the outgoing call as busy now. */
  calleeBusy(): void {
    this.softphone.calleeBusy();
  }

  /** Rings the agent from `number`; returns the new callId. */
  injectIncoming(number: string): number {
    return this.softphone.injectIncoming(number);
  }

  /** The other party hangs up. */
  remoteHangup(): void {
    this.softphone.remoteHangup();
  }

  /** The network loses the call. */
  dropLine(): void {
    this.softphone.dropLine();
  }

  setBarLoggedIn(loggedIn: boolean): void {
    this.softphone.setBarLoggedIn(loggedIn);
  }

  /** Back to the constructed state: idle, offline, no events, no recorded requests. */
  reset(): void {
    this.softphone.reset();
    this.clearRequests();
  }

  // ---------------------------------------------------------------- HTTP

  private trackSocket(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const contentType = req.headers['content-type'] ?? null;
    const tagHeader = req.headers['x-sim-tag'];
    const tag = typeof tagHeader === 'string' ? { tag: tagHeader } : {};
    try {
      const rawBody = await readBody(req);
      if (method === 'OPTIONS') {
        // The vendor's demo is a web page, so the bar must answer CORS preflights.
        if (isVendorPath(path)) {
          this.record({ method, path, contentType, body: undefined, at, status: 204, reply: null });
        }
        return sendPreflight(res);
      }
      if (!isVendorPath(path)) {
        const reply = await handleControlRequest(this, method, path, rawBody);
        return sendJson(res, reply.status, reply.payload);
      }
      const handedBefore = this.softphone.handedOut.length;
      const reply = handleVendorRequest(this.vendor, method, path, rawBody);
      const { status, payload, body, reason } = reply;
      const handed = this.softphone.handedOut.length - handedBefore;
      this.record({ method, path, contentType, body, at, status, reply: payload, ...tag, ...(handed ? { handedOut: handed } : {}), ...(reason === undefined ? {} : { reason }) });
      // The reason is ours, not the vendor's: a header keeps the vendor-shaped body intact.
      const extra: Record<string, string> = reason === undefined ? {} : { 'X-Sim-Reason': reason };
      if (status === 405) extra.Allow = 'POST, OPTIONS';
      return sendJson(res, status, payload, extra);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: String(error) });
    }
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    this.onRequestHook?.(request);
  }
}

// ---------------------------------------------------------------- helpers




function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    ...CORS_HEADERS,
    ...headers,
  });
  res.end(JSON.stringify(payload));
}

function sendPreflight(res: ServerResponse): void {
  res.writeHead(204, {
    ...CORS_HEADERS,
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}
