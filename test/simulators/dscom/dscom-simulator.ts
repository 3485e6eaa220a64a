/**
 * A local stand-in for the dscom-api PBX (Asterisk + a Laravel API + a billing websocket),
 * for provider tests, the demo and manual scripting.
 *
 * HTTP: the vendor API under /dscom-api/ (token endpoint and /api/v1/*), the simulator's own
 * control routes under /_sim/. The billing websocket listens on its own port.
 * See README.md in this folder for what is simulated and which decisions are ours.
 */
import { listen, readBody, withoutUndefined } from '../http-server.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BillingSocketServer, type BillingHandshake } from './billing-socket.ts';
import * as calls from './calls.ts';
import type { CdrRecord, CdrRow } from './cdr.ts';
import { handleControlRequest } from './control-api.ts';
import { phpJson } from './format.ts';
import { ControlError } from './model.ts';
import { TokenStore, type OAuthClientConfig, type OAuthUserConfig, type TokenCounts } from './oauth.ts';
import { Pbx, type ExtensionConfig } from './pbx.ts';
import { snapshot, type PbxSnapshot } from './reports.ts';
import type { AgentConfig } from './queues.ts';
import { CALLEE_MODES, type CalleeMode } from './rules.ts';
import { handleVendorRequest, isVendorPath, type VendorContext } from './vendor-api.ts';

export { ControlError } from './model.ts';
export type { CdrRow } from './cdr.ts';
export type { OAuthClientConfig, OAuthUserConfig, TokenGrant } from './oauth.ts';
export type { IncomingCall } from './calls.ts';
export type { ExtensionConfig } from './pbx.ts';
export type { PbxSnapshot } from './reports.ts';
export type { AgentConfig } from './queues.ts';
export { AGENT_STATUS, ERROR_CODES, type CalleeMode, type DeviceState } from './rules.ts';

export interface DscomSimulatorOptions {
  /** HTTP port; 0 = ephemeral (default). */
  port?: number;
  host?: string;
  /** Billing websocket port; 0 = ephemeral (default). The real product uses 8282. */
  billingPort?: number;
  /** Access-token lifetime (expires_in). Default 1800. */
  tokenTtlSeconds?: number;
  clients?: OAuthClientConfig[];
  users?: OAuthUserConfig[];
  /** Numbers, or configs with `registered: false` for an offline phone. */
  extensions?: Array<string | ExtensionConfig>;
  /** Agent ids (工号), or configs binding one to an extension and queues. */
  agents?: Array<string | AgentConfig>;
  queues?: string[];
  /** The trunk outside numbers go through (channel names PJSIP/<trunk>-…). */
  trunkName?: string;
  /** The agent's phone auto-answers API-originated calls (dial, pickup, unpark, barge…). Default true. */
  agentAutoAnswer?: boolean;
  /** …after this long. Default 300. */
  agentAnswerDelayMs?: number;
  /** Agent answered → destination rings. Default 800. */
  ringDelayMs?: number;
  /** Destination rings → answer or busy (callee modes answer / busy). Default 1500. */
  answerDelayMs?: number;
  /** Dial timeout: an unanswered ringing leg gives up (callee mode noAnswer, direct calls). Default 45000. */
  noAnswerTimeoutMs?: number;
  /** A queue call rings a member this long before trying again (member → status 8). Default 15000. */
  agentRingTimeoutMs?: number;
  /** 整理 after each call of a logged-in agent; fractions allowed. Default 5. */
  wrapUpSeconds?: number;
  /** A parked call rings back the parker after this long. Default 600000 (10 min). */
  parkingTimeoutMs?: number;
  calleeMode?: CalleeMode;
  /** Called after each vendor request (HTTP or billing handshake) is answered. */
  onRequest?: (request: RecordedRequest) => void;
}

/** One request to the vendor surface (anything outside /_sim/), bad ones included. */
export interface RecordedRequest {
  /** `billing` = a websocket handshake on the billing port. */
  server: 'http' | 'billing';
  method: string;
  /** Path without the query string, e.g. /dscom-api/api/v1/call/dial. */
  path: string;
  /** 'call/dial', 'oauth/token', 'billing', or null for an unknown path. */
  route: string | null;
  query: Record<string, string>;
  headers: {
    /** The Authorization header as sent, or null when absent. */
    authorization: string | null;
    accept: string | null;
    contentType: string | null;
    acceptLanguage: string | null;
  };
  /** Parsed JSON/form body; the raw text if it did not parse; undefined if empty. */
  body: unknown;
  /** Date.now() when it arrived. */
  at: number;
  status: number;
  /** The JSON sent back (null for an empty body or a websocket). */
  reply: unknown;
  /** Why it was refused, when it was (ours; also sent as X-Sim-Reason). */
  reason?: string;
}

export interface DscomState {
  pbx: PbxSnapshot;
  tokens: TokenCounts;
  billingClients: number;
}

export const DEFAULT_CLIENT: OAuthClientConfig = { id: 4, secret: '0ruQRB2r0RtkGdRuVCoiIltF8MjESwghKP8xEwcr' };
export const DEFAULT_USER: OAuthUserConfig = { username: 'agent1', password: '123456' };

const DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  billingPort: 0,
  tokenTtlSeconds: 1800,
  clients: [DEFAULT_CLIENT],
  users: [DEFAULT_USER],
  extensions: ['8001', '8002', '8003', '8005'],
  agents: ['1011'],
  queues: ['200', '201'],
  trunkName: 'trunkHWD',
  agentAutoAnswer: true,
  agentAnswerDelayMs: 300,
  ringDelayMs: 800,
  answerDelayMs: 1500,
  noAnswerTimeoutMs: 45_000,
  agentRingTimeoutMs: 15_000,
  wrapUpSeconds: 5,
  parkingTimeoutMs: 600_000,
  calleeMode: 'answer' as CalleeMode,
};

export class DscomSimulator {
  /** Every vendor request, in order of arrival. Cleared in place, so a held reference stays live. */
  readonly requests: RecordedRequest[] = [];

  private readonly host: string;
  private readonly configuredPort: number;
  private readonly pbx: Pbx;
  private readonly tokens: TokenStore;
  private readonly billing: BillingSocketServer;
  private readonly vendor: VendorContext;
  private readonly onRequestHook: ((request: RecordedRequest) => void) | undefined;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort: number | null = null;

  constructor(opts: DscomSimulatorOptions = {}) {
    const o = { ...DEFAULTS, ...withoutUndefined(opts) };
    if (!(CALLEE_MODES as readonly string[]).includes(o.calleeMode)) {
      throw new ControlError(`calleeMode must be one of ${CALLEE_MODES.join(', ')}`, 'input');
    }
    this.host = o.host;
    this.configuredPort = o.port;
    this.onRequestHook = opts.onRequest;
    this.tokens = new TokenStore(o.clients, o.users, o.tokenTtlSeconds);
    this.pbx = new Pbx(
      {
        extensions: o.extensions.map((e) => (typeof e === 'string' ? { number: e } : e)),
        agents: o.agents.map((a) => (typeof a === 'string' ? { agentid: a } : a)),
        queues: o.queues,
        trunkName: o.trunkName,
        agentAutoAnswer: o.agentAutoAnswer,
        agentAnswerDelayMs: o.agentAnswerDelayMs,
        ringDelayMs: o.ringDelayMs,
        answerDelayMs: o.answerDelayMs,
        noAnswerTimeoutMs: o.noAnswerTimeoutMs,
        agentRingTimeoutMs: o.agentRingTimeoutMs,
        wrapUpSeconds: o.wrapUpSeconds,
        parkingTimeoutMs: o.parkingTimeoutMs,
        calleeMode: o.calleeMode,
      },
      (record) => this.billing.push(record.row),
    );
    this.billing = new BillingSocketServer({
      host: o.host,
      port: o.billingPort,
      isTokenValid: (token) => this.tokens.isValid(token),
      onHandshake: (handshake) => this.recordHandshake(handshake),
    });
    this.vendor = { pbx: this.pbx, tokens: this.tokens };
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the HTTP server and the billing websocket. After a stop() both listen again on
   * the ports they had, with the state they had (the PBX kept running meanwhile).
   */
  async start(): Promise<{ port: number; billingPort: number }> {
    if (this.server === null) {
      const server = createServer((req, res) => void this.onHttpRequest(req, res));
      server.on('connection', (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
      await listen(server, this.boundPort ?? this.configuredPort, this.host);
      this.server = server;
      this.boundPort = (server.address() as AddressInfo).port;
    }
    const billingPort = await this.billing.start();
    return { port: this.port, billingPort };
  }

  /**
   * "Server down": closes both servers and every connection (billing clients see 1006).
   * The PBX (Asterisk) keeps running: calls progress, end and write CDRs (pushed to nobody).
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closing: Promise<void>[] = [this.billing.stop()];
    if (server !== null) {
      closing.push(new Promise<void>((resolve) => server.close(() => resolve())));
      server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    }
    await Promise.all(closing);
  }

  /** The HTTP port it listens (or last listened) on; the configured one before the first start. */
  get port(): number {
    return this.boundPort ?? this.configuredPort;
  }

  get billingPort(): number {
    return this.billing.port;
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  get billingUrl(): string {
    return `ws://${this.host}:${this.billingPort}`;
  }

  get state(): DscomState {
    return { pbx: snapshot(this.pbx), tokens: this.tokens.counts(), billingClients: this.billing.clientCount };
  }

  /** Every CDR row written so far, oldest first. */
  get cdrs(): CdrRow[] {
    return this.pbx.cdrs.map((r: CdrRecord) => r.row);
  }

  get billingClientCount(): number {
    return this.billing.clientCount;
  }

  // ---------------------------------------------------------------- request log

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Requests to one route: 'call/dial', 'agent/getAgentStatus', 'oauth/token', 'billing'. */
  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  // ---------------------------------------------------------------- control (throws ControlError)

  /** An outside caller rings a queue (`queue`) or one extension (`extension`). */
  injectIncoming(incoming: calls.IncomingCall): { uniqueid: string; linkedid: string } {
    return calls.injectIncoming(this.pbx, incoming);
  }

  /** The agent picks up its ringing phone (there is no vendor API to answer). */
  agentAnswer(extension?: string): void {
    calls.agentAnswer(this.pbx, extension);
  }

  setCalleeMode(mode: CalleeMode): void {
    calls.setCalleeMode(this.pbx, mode);
  }

  /** The dialled party (outside number or extension) answers now. */
  calleeAnswer(number?: string): void {
    calls.calleeAnswer(this.pbx, number);
  }

  calleeBusy(number?: string): void {
    calls.calleeBusy(this.pbx, number);
  }

  /** A party hangs up by itself: the outside party (the only one if omitted) or a phone. */
  remoteHangup(number?: string): void {
    calls.remoteHangup(this.pbx, number);
  }

  /** Every access token issued so far expires now (refresh tokens keep working). */
  expireTokens(): void {
    this.tokens.expireAccessTokens();
  }

  revokeRefreshTokens(): void {
    this.tokens.revokeRefreshTokens();
  }

  /** Lifetime of tokens issued from now on. */
  setTokenTtl(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 1) throw new ControlError('seconds must be a positive integer', 'input');
    this.tokens.setTtl(seconds);
  }

  /** Cuts every billing websocket (no closing handshake). */
  dropBillingSockets(): void {
    this.billing.dropAll();
  }

  /** An extension's phone comes online or goes offline (its calls are hung up). */
  setRegistered(extension: string, registered: boolean): void {
    calls.setRegistered(this.pbx, extension, registered);
  }

  /** Back to the constructed state: PBX, tokens and request log. Open billing sockets stay. */
  reset(): void {
    this.pbx.reset();
    this.tokens.reset();
    this.clearRequests();
  }

  // ---------------------------------------------------------------- HTTP

  private async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    try {
      const rawBody = await readBody(req);
      if (path === '/_sim' || path.startsWith('/_sim/')) {
        const reply = await handleControlRequest(this, method, path, rawBody);
        return sendJson(res, reply.status, JSON.stringify(reply.payload));
      }
      const query = Object.fromEntries(url.searchParams);
      const headers = {
        authorization: req.headers.authorization ?? null,
        accept: req.headers.accept ?? null,
        contentType: req.headers['content-type'] ?? null,
        acceptLanguage: req.headers['accept-language'] ?? null,
      };
      if (!isVendorPath(path)) {
        const payload = { message: 'Not Found' };
        this.record({ server: 'http', method, path, route: null, query, headers, body: rawBody || undefined, at, status: 404, reply: payload, reason: 'outside /dscom-api' });
        return sendJson(res, 404, phpJson(payload));
      }
      const reply = handleVendorRequest(this.vendor, {
        method,
        path,
        query,
        headers: { authorization: req.headers.authorization, accept: req.headers.accept, 'content-type': req.headers['content-type'] },
        rawBody,
      });
      const { status, payload, route, body, reason } = reply;
      this.record({ server: 'http', method, path, route, query, headers, body, at, status, reply: payload, ...(reason === undefined ? {} : { reason }) });
      const extra: Record<string, string> = { ...reply.headers, ...(reason === undefined ? {} : { 'X-Sim-Reason': reason.replace(/[^\x20-\x7e]/g, '?') }) };
      if (payload === null || method === 'HEAD') {
        res.writeHead(status, extra);
        return void res.end();
      }
      return sendJson(res, status, phpJson(payload), extra);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ message: String(error) }));
    }
  }

  private recordHandshake(h: BillingHandshake): void {
    this.record({
      server: 'billing',
      method: 'GET',
      path: h.path,
      route: 'billing',
      query: h.query,
      headers: { authorization: null, accept: null, contentType: null, acceptLanguage: null },
      body: undefined,
      at: Date.now(),
      status: h.status,
      reply: null,
      ...(h.reason === undefined ? {} : { reason: h.reason }),
    });
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    this.onRequestHook?.(request);
  }
}

// ---------------------------------------------------------------- helpers




function sendJson(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(json);
}
