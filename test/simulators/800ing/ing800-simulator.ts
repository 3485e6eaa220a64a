/**
 * A local stand-in for the 八百呼 (800ing) platform, for provider tests, the demo and manual
 * scripting: the cloud API (`/voip/api/jsondata.html`, `jsonpdata.json`, `jsonpdata.jsonp`) on
 * `port`, plus the desktop client's control API (`GET /?phone=…&type=…`, real port 10800) on
 * `clientPort`. The simulator's own control routes live under /_sim/ on the cloud port.
 * See README.md in this folder for the wire contract and which decisions are ours.
 */
import { listen, readBodyBytes, withoutUndefined } from '../http-server.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AgentLine, ControlError, type CallRecord } from './agent-line.ts';
import { FailureQueue, handleCloudRequest, type AgentProfile, type CloudContext, type ForcedFailure } from './cloud-api.ts';
import { handleControlRequest } from './control-api.ts';
import { DesktopClient, type ClientState } from './desktop-client.ts';
import {
  CALLEE_MODES,
  CLOUD_METHODS,
  HANGUP_STATUSES,
  codeText,
  passwordMd5,
  type CalleeMode,
  type HangupStatus,
  type HexCase,
} from './rules.ts';
import { MessageStore, type WireMessage } from './water-line.ts';

export { ControlError, type CallOrigin, type CallPhase, type CallRecord, type EndReason } from './agent-line.ts';
export type { AgentProfile, ForcedFailure } from './cloud-api.ts';
export type { ClientCommand, ClientState, PopRecord } from './desktop-client.ts';
export type { WireMessage } from './water-line.ts';
export {
  CLIENT_TYPES,
  CLOUD_METHODS,
  RETURN_CODES,
  passwordMd5,
  type CalleeMode,
  type HangupStatus,
  type HexCase,
} from './rules.ts';

export interface Ing800SimulatorOptions {
  /** Cloud API port; 0 = ephemeral (default). The document's servers use 8080. */
  port?: number;
  /** Desktop-client port; 0 = ephemeral (default). The real client listens on 10800. */
  clientPort?: number;
  host?: string;
  /** The desktop client process is running (its port accepts connections). Default true. */
  clientRunning?: boolean;
  /** The desktop client is logged in to the account. Default true. */
  clientLoggedIn?: boolean;
  /** sa_user. Default '100008800' (the document's test account). */
  account?: string;
  /** The clear password; sa_password = its uppercase hex MD5. Default '02367073578'. */
  password?: string;
  /** getExtension fields (defaults: 1001, 李四, 8001, 100008, 测试企业, 0, 0). */
  agent?: Partial<AgentProfile>;
  /** callbackPhone rings the agent's own phone first; it auto-answers after this long. Default 300. */
  agentAnswerDelayMs?: number;
  /** Agent answered → the callee's phone rings. Default 800. */
  ringDelayMs?: number;
  /** Callee rings → answers (mode answer) or rejects (mode busy). Default 1500. */
  answerDelayMs?: number;
  /** An unanswered ring gives up (callee mode noAnswer, unanswered incoming calls). Default 30000. */
  noAnswerTimeoutMs?: number;
  calleeMode?: CalleeMode;
  /** The status of hang-up messages: 3 (recvMsg table, default) or 2 (getLongWaterLine table). */
  hangupStatus?: HangupStatus;
  /** Called after each vendor request (cloud or client) is answered. */
  onRequest?: (request: RecordedRequest) => void;
}

/** One request to a vendor surface (cloud API outside /_sim/, or the desktop client), bad ones included. */
export interface RecordedRequest {
  server: 'cloud' | 'client';
  httpMethod: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Form fields (urlencoded or multipart); the raw text of another body; undefined when empty. */
  body: Record<string, string> | string | undefined;
  /** What the server reads: query and form fields merged, the query winning (as a servlet does). */
  params: Record<string, string>;
  contentType: string | null;
  /** Cloud: the `method` parameter. */
  apiMethod: string | null;
  /** Client: the `type` parameter as a number. */
  clientType: number | null;
  /**
   * Letter case of sa_password (cloud) or pass (client type 2001) when it is a 32-char hex string;
   * null when absent or not hex (e.g. a clear password).
   */
  passwordCase: HexCase | null;
  /** Date.now() when it arrived. */
  at: number;
  status: number;
  /** The JSON object sent back (also inside JSONP); null for an HTML/text error page. */
  reply: Record<string, unknown> | null;
  /** Why it was refused (ours; also sent as X-Sim-Reason). */
  reason?: string;
}

export interface Ing800State {
  account: string;
  /** The agent's current call, or null. */
  call: CallRecord | null;
  /** Every call since the start (or reset), oldest first. */
  calls: CallRecord[];
  /** Every message on the water line, oldest first (recvMsg shape). */
  messages: WireMessage[];
  /** What getLongWaterLine returns now. */
  waterLine: number;
  /** Date.now() of the last getLongWaterLine with loginType=jsonpLogin, or null. */
  lastHeartbeat: number | null;
  heartbeats: number;
  calleeMode: CalleeMode;
  hangupStatus: HangupStatus;
  pendingFailures: ForcedFailure[];
  client: ClientState;
}

export const DEFAULT_ACCOUNT = '100008800';
export const DEFAULT_PASSWORD = '02367073578';
export const DEFAULT_AGENT: AgentProfile = {
  exteId: 1001,
  name: '李四',
  extension: '8001',
  compNumber: '100008',
  compName: '测试企业',
  disablePhoneNum: 0,
  exteLoginType: 0,
};

const DEFAULTS = {
  port: 0,
  clientPort: 0,
  host: '127.0.0.1',
  clientRunning: true,
  clientLoggedIn: true,
  account: DEFAULT_ACCOUNT,
  password: DEFAULT_PASSWORD,
  agentAnswerDelayMs: 300,
  ringDelayMs: 800,
  answerDelayMs: 1500,
  noAnswerTimeoutMs: 30_000,
  calleeMode: 'answer' as CalleeMode,
  hangupStatus: 3 as HangupStatus,
};

export class Ing800Simulator {
  /** Every vendor request, in order of arrival. Cleared in place, so a held reference stays live. */
  readonly requests: RecordedRequest[] = [];

  private readonly host: string;
  private readonly cloudServer: HttpEndpoint;
  private readonly clientServer: HttpEndpoint;
  private readonly store: MessageStore;
  private readonly line: AgentLine;
  private readonly client: DesktopClient;
  private readonly cloud: CloudContext;
  private readonly onRequestHook: ((request: RecordedRequest) => void) | undefined;
  private clientRunning: boolean;
  private started = false;

  constructor(opts: Ing800SimulatorOptions = {}) {
    const o = { ...DEFAULTS, ...withoutUndefined(opts) };
    if (!(CALLEE_MODES as readonly string[]).includes(o.calleeMode)) {
      throw new ControlError(`calleeMode must be one of ${CALLEE_MODES.join(', ')}`, 'input');
    }
    if (!HANGUP_STATUSES.includes(o.hangupStatus)) throw new ControlError('hangupStatus must be 2 or 3', 'input');
    this.host = o.host;
    this.onRequestHook = opts.onRequest;
    this.clientRunning = o.clientRunning;
    this.store = new MessageStore();
    this.line = new AgentLine(
      {
        agentAnswerDelayMs: o.agentAnswerDelayMs,
        ringDelayMs: o.ringDelayMs,
        answerDelayMs: o.answerDelayMs,
        noAnswerTimeoutMs: o.noAnswerTimeoutMs,
        calleeMode: o.calleeMode,
        hangupStatus: o.hangupStatus,
      },
      this.store,
    );
    const md5 = passwordMd5(o.password);
    this.client = new DesktopClient(
      { account: o.account, password: o.password, passwordMd5: md5, loggedIn: o.clientLoggedIn },
      this.line,
    );
    this.cloud = {
      account: o.account,
      passwordMd5: md5,
      profile: { ...DEFAULT_AGENT, ...withoutUndefined(opts.agent ?? {}) },
      line: this.line,
      store: this.store,
      failures: new FailureQueue(),
      heartbeat: { last: null, count: 0 },
    };
    this.cloudServer = new HttpEndpoint(o.host, o.port, (req, res) => void this.onCloudRequest(req, res));
    this.clientServer = new HttpEndpoint(o.host, o.clientPort, (req, res) => void this.onClientRequest(req, res));
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Opens the cloud port, and the client port when the client is running (otherwise the client
   * port is only learnt, so clientUrl is a real, refusing address). After a stop() both listen
   * again on the ports they had, with the state they had.
   */
  async start(): Promise<{ port: number; clientPort: number }> {
    await this.cloudServer.open();
    if (this.clientRunning) await this.clientServer.open();
    else await this.clientServer.learnPort();
    this.started = true;
    return { port: this.port, clientPort: this.clientPort };
  }

  /**
   * "Network down": closes both ports and every connection. The platform keeps running: calls
   * progress and their messages are stored, for a client that polls again after start().
   */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([this.cloudServer.close(), this.clientServer.close()]);
  }

  /** The cloud port it listens (or last listened) on; the configured one before the first start. */
  get port(): number {
    return this.cloudServer.port;
  }

  get clientPort(): number {
    return this.clientServer.port;
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The desktop client's base, e.g. http://127.0.0.1:10800 (append `/?phone=…&type=0`). */
  get clientUrl(): string {
    return `http://${this.host}:${this.clientPort}`;
  }

  get account(): string {
    return this.cloud.account;
  }

  /** What a client must send as sa_password (uppercase; the simulator also accepts lowercase). */
  get passwordMd5(): string {
    return this.cloud.passwordMd5;
  }

  get waterLine(): number {
    return this.store.waterLine;
  }

  get messages(): WireMessage[] {
    return this.store.all;
  }

  get lastHeartbeat(): number | null {
    return this.cloud.heartbeat.last;
  }

  get state(): Ing800State {
    return {
      account: this.cloud.account,
      call: this.line.call,
      calls: this.line.calls,
      messages: this.store.all,
      waterLine: this.store.waterLine,
      lastHeartbeat: this.cloud.heartbeat.last,
      heartbeats: this.cloud.heartbeat.count,
      calleeMode: this.line.calleeMode,
      hangupStatus: this.line.hangupStatus,
      pendingFailures: this.cloud.failures.list(),
      client: this.client.snapshot(this.clientRunning),
    };
  }

  // ---------------------------------------------------------------- request log

  clearRequests(): void {
    this.requests.length = 0;
  }

  /**
   * Cloud requests naming `method` ('callbackPhone', 'recvMsg'…); 'client' = every desktop-client
   * request; 'client:0' = client requests of type 0.
   */
  requestsTo(name: string): RecordedRequest[] {
    if (name === 'client') return this.requests.filter((r) => r.server === 'client');
    const clientType = /^client:([0-9]+)$/.exec(name)?.[1];
    if (clientType !== undefined) return this.requests.filter((r) => r.server === 'client' && r.clientType === Number(clientType));
    return this.requests.filter((r) => r.server === 'cloud' && r.apiMethod === name);
  }

  // ---------------------------------------------------------------- control (throws ControlError)

  /** A caller rings the agent (kind 2, status 0); returns the call's cdrId. */
  injectIncoming(from: string): number {
    return this.line.injectIncoming(from);
  }

  /** The agent picks up the ringing incoming call on the client or phone (status 1). */
  agentAnswer(): void {
    this.line.agentAnswer();
  }

  setCalleeMode(mode: CalleeMode): void {
    if (!(CALLEE_MODES as readonly string[]).includes(mode)) {
      throw new ControlError(`mode must be one of ${CALLEE_MODES.join(', ')}`, 'input');
    }
    this.line.setCalleeMode(mode);
  }

  /** The callee of the outbound call answers now. */
  calleeAnswer(): void {
    this.line.calleeAnswer();
  }

  /** The callee of the outbound call rejects it as busy now (hang-up message, no status 1). */
  calleeBusy(): void {
    this.line.calleeBusy();
  }

  /** The other party hangs up. */
  remoteHangup(): void {
    this.line.remoteHangup();
  }

  /**
   * The next cloud request naming `method` ('*' = any method) answers {code, message} instead,
   * before the password check and with no side effect. Queued: call it twice to fail twice.
   */
  failNext(method: string, code: number, message?: string): void {
    if (method !== '*' && !(CLOUD_METHODS as readonly string[]).includes(method)) {
      throw new ControlError(`method must be '*' or one of ${CLOUD_METHODS.join(', ')}`, 'input');
    }
    if (!Number.isInteger(code) || code === 0) throw new ControlError('code must be a non-zero integer', 'input');
    this.cloud.failures.push({ method, code, message: message ?? codeText(code) });
  }

  /** Hang-up messages from now on carry status 2 or 3. */
  setHangupStatus(status: HangupStatus): void {
    if (!HANGUP_STATUSES.includes(status)) throw new ControlError('status must be 2 or 3', 'input');
    this.line.setHangupStatus(status);
  }

  /**
   * Starts or quits the desktop client: its port opens or closes (connection refused). While the
   * simulator is stopped only the flag changes. The client keeps its login across a restart.
   */
  async setClientRunning(running: boolean): Promise<void> {
    this.clientRunning = running;
    if (!this.started) return;
    if (running) await this.clientServer.open();
    else await this.clientServer.close();
  }

  setClientLoggedIn(loggedIn: boolean): void {
    this.client.setLoggedIn(loggedIn);
  }

  /**
   * Back to the constructed state: no calls, no messages (the water line keeps its value, so it
   * never goes back), no heartbeat, no forced failures, client state and request log cleared.
   * Does not open or close the client port.
   */
  reset(): void {
    this.line.reset();
    this.store.clear();
    this.cloud.failures.clear();
    this.cloud.heartbeat.last = null;
    this.cloud.heartbeat.count = 0;
    this.client.reset();
    this.clearRequests();
  }

  // ---------------------------------------------------------------- HTTP

  private async onCloudRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const httpMethod = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    try {
      const raw = await readBodyBytes(req);
      if (path === '/_sim' || path.startsWith('/_sim/')) {
        const reply = await handleControlRequest(this, httpMethod, path, raw.toString('utf8'));
        return send(res, reply.status, 'application/json; charset=utf-8', JSON.stringify(reply.payload));
      }
      const contentType = req.headers['content-type'] ?? null;
      const query = firstValues(url.searchParams);
      const body = httpMethod === 'POST' ? await parseForm(contentType, raw) : raw.length === 0 ? undefined : raw.toString('utf8');
      const params = { ...(typeof body === 'object' ? body : {}), ...query };
      const reply = handleCloudRequest(this.cloud, httpMethod, path, params);
      this.record({
        server: 'cloud',
        httpMethod,
        path,
        query,
        body,
        params,
        contentType,
        apiMethod: reply.apiMethod,
        clientType: null,
        passwordCase: reply.passwordCase,
        at,
        status: reply.status,
        reply: reply.payload,
        ...(reply.reason === undefined ? {} : { reason: reply.reason }),
      });
      return send(res, reply.status, reply.contentType, reply.text, { ...reply.headers, ...reasonHeader(reply.reason) });
    } catch (error) {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', String(error));
    }
  }

  private async onClientRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const httpMethod = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    try {
      const raw = await readBodyBytes(req);
      const reply = this.client.handle(httpMethod, url.pathname, url.searchParams);
      const query = firstValues(url.searchParams);
      this.record({
        server: 'client',
        httpMethod,
        path: url.pathname,
        query,
        body: raw.length === 0 ? undefined : raw.toString('utf8'),
        params: query,
        contentType: req.headers['content-type'] ?? null,
        apiMethod: null,
        clientType: reply.clientType,
        passwordCase: reply.passwordCase,
        at,
        status: reply.status,
        reply: reply.payload,
        ...(reply.reason === undefined ? {} : { reason: reply.reason }),
      });
      return send(res, reply.status, reply.contentType, reply.text, reasonHeader(reply.reason));
    } catch (error) {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', String(error));
    }
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    this.onRequestHook?.(request);
  }
}

// ---------------------------------------------------------------- one listening port

/** A server that can be opened and closed repeatedly on the port it first got. */
class HttpEndpoint {
  private readonly host: string;
  private readonly configuredPort: number;
  private readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort: number | null = null;

  constructor(host: string, port: number, handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.host = host;
    this.configuredPort = port;
    this.handler = handler;
  }

  get port(): number {
    return this.boundPort ?? this.configuredPort;
  }

  async open(): Promise<void> {
    if (this.server !== null) return;
    const server = createServer(this.handler);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await listen(server, this.port, this.host);
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** For a port that starts closed: get an ephemeral port once, then close it again. */
  async learnPort(): Promise<void> {
    if (this.server !== null || this.boundPort !== null || this.configuredPort !== 0) return;
    await this.open();
    await this.close();
  }
}

// ---------------------------------------------------------------- helpers




/** The first value of each name (a servlet's getParameter). */
function firstValues(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of entries) if (!(key in out)) out[key] = value;
  return out;
}

/**
 * A POST body as a servlet container reads it: urlencoded or multipart form fields (UTF-8);
 * any other body (JSON…) is not read as parameters and is kept as text for the log.
 */
async function parseForm(contentType: string | null, raw: Buffer): Promise<Record<string, string> | string | undefined> {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') return firstValues(new URLSearchParams(raw.toString('utf8')));
  if (type === 'multipart/form-data' && contentType !== null) {
    try {
      const form = await new Request('http://simulator/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
      const fields: Array<[string, string]> = [];
      form.forEach((value, key) => {
        if (typeof value === 'string') fields.push([key, value]);
      });
      return firstValues(fields);
    } catch {
      return raw.toString('utf8');
    }
  }
  return raw.toString('utf8');
}

function reasonHeader(reason: string | undefined): Record<string, string> {
  // Header values must be ASCII; the reasons are English but may quote a Chinese parameter.
  return reason === undefined ? {} : { 'X-Sim-Reason': reason.replace(/[^\x20-\x7e]/g, '?') };
}

function send(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, ...headers });
  res.end(text);
}
