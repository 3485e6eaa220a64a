/**
 * CcpaasSimulator: a stand-in for the CC PaaS platform's parts CallBar talks to — the ctc
 * click-to-call REST API and the CTI server of the 坐席前端电话条 (WebSocket `/cti`, framed as
 * docs/providers/ccpaas-wire.md) — on one HTTP port, plus the simulator's own control routes
 * under /_sim/. See README.md in this folder for the wire contract and our decisions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { listen, readBody, withoutUndefined } from '../http-server.ts';
import { handleControlRequest } from './control-api.ts';
import { CtcService } from './ctc.ts';
import { CTI_PATH, CtiServer, type CtiFrameRecord } from './cti-server.ts';
import { DEFAULT_ACCOUNT, DEFAULT_AGENTS, DEFAULT_SOFT_VERSION } from './defaults.ts';
import { ControlError, type AccountConfig, type AgentConfig, type AgentRuntime, type Conversation, type CtiCall } from './model.ts';
import { PARTY_MODES, type PartyMode } from './phones.ts';
import { Platform, type AgentLegHook } from './platform.ts';
import { FAULT_KINDS, handleRestRequest, type Fault, type RestContext } from './rest-api.ts';

export { ControlError } from './model.ts';
export type { AccountConfig, AgentConfig, PushRecord } from './model.ts';
export type { AgentLegCall, AgentLegHook, AgentLegInfo } from './platform.ts';
export { DEFAULT_ACCOUNT, DEFAULT_AGENTS, DEFAULT_APP_SID, DEFAULT_SOFT_VERSION } from './defaults.ts';
export { CTI_PATH } from './cti-server.ts';
export { PARTY_MODES, type PartyMode } from './phones.ts';
export { BYE_TYPE, CTC_CODE, CTC_MSG, CTI_CODE, CTI_MSG, REPLACED_CLOSE, MAX_FRAME_BYTES, REPLAY_KEEP } from './rules.ts';
export { maskNumber } from './format.ts';

export interface CcpaasSimulatorOptions {
  /** HTTP port; 0 = ephemeral (default). The CLI uses 8096. */
  port?: number;
  host?: string;
  /** The path's {SoftVersion}. Default 2016-01-01. */
  softVersion?: string;
  accounts?: AccountConfig[];
  agents?: AgentConfig[];
  /** The simulated agent picks up its ringing phone by itself (default 'auto') … */
  agentAnswer?: 'auto' | 'manual';
  /** … after this long. Default 1000. */
  agentAnswerDelayMs?: number;
  /** The agent's phone rings this long before the platform gives up. Default 30000. */
  agentRingTimeoutMs?: number;
  /** Dialled → an outside phone rings. Default 300. */
  ringDelayMs?: number;
  /** Ringing → answer / reject. Default 1500. */
  answerDelayMs?: number;
  /** Ringing → no-answer (and dialled → time-out). Default 45000. */
  noAnswerTimeoutMs?: number;
  /** What outside phones do. Default answer. */
  partyMode?: PartyMode;
  /** 整理时间 (s) after an answered call; 0 = none. Default 15. */
  wrapupSeconds?: number;
  /** A CTI call connected this long (s) ends with completedCause time-limit; 0 = none (default). */
  callTimeLimitSeconds?: number;
  /** A CTI socket silent for this long is closed 1001. 0 = never. Default 60000. */
  heartbeatTimeoutMs?: number;
  /** The ctc line number when callerCli / calleeCli are absent. Default 01062236000 (seed 597). */
  defaultCli?: string;
  /** Divides every delay. Default 1. */
  speed?: number;
  /** The WebPhone leg (phoneType 3): a real SIP call to the agent's browser phone. */
  agentLeg?: AgentLegHook;
  onRequest?: (request: RecordedRequest) => void;
  onFrame?: (record: CtiFrameRecord) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body; the raw text if it did not parse; undefined if empty. */
  body: unknown;
  authorization: string | null;
  at: number;
  status: number;
  reply: unknown;
  fault?: Fault['kind'];
}

const DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  softVersion: DEFAULT_SOFT_VERSION,
  agentAnswer: 'auto' as const,
  agentAnswerDelayMs: 1000,
  agentRingTimeoutMs: 30_000,
  ringDelayMs: 300,
  answerDelayMs: 1500,
  noAnswerTimeoutMs: 45_000,
  partyMode: 'answer' as PartyMode,
  wrapupSeconds: 15,
  callTimeLimitSeconds: 0,
  heartbeatTimeoutMs: 60_000,
  defaultCli: '01062236000',
  speed: 1,
};

export class CcpaasSimulator {
  readonly requests: RecordedRequest[] = [];
  readonly platform: Platform;
  readonly ctc: CtcService;
  readonly cti: CtiServer;
  readonly softVersion: string;
  private readonly accounts: AccountConfig[];
  private readonly faults: Fault[] = [];
  private readonly rest: RestContext;
  private readonly host: string;
  private readonly configuredPort: number;
  private readonly opts: CcpaasSimulatorOptions;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort: number | null = null;

  constructor(opts: CcpaasSimulatorOptions = {}) {
    const o = { ...DEFAULTS, ...withoutUndefined(opts) };
    if (!(PARTY_MODES as readonly string[]).includes(o.partyMode)) throw new ControlError(`partyMode must be one of ${PARTY_MODES.join(', ')}`, 'input');
    if (!(o.speed > 0)) throw new ControlError('speed must be positive', 'input');
    this.opts = opts;
    this.host = o.host;
    this.configuredPort = o.port;
    this.softVersion = o.softVersion;
    this.accounts = (opts.accounts ?? [DEFAULT_ACCOUNT]).map((a) => ({ ...a, applications: [...a.applications] }));
    this.platform = new Platform(
      {
        agentAnswer: o.agentAnswer,
        agentAnswerDelayMs: o.agentAnswerDelayMs,
        agentRingTimeoutMs: o.agentRingTimeoutMs,
        ringDelayMs: o.ringDelayMs,
        answerDelayMs: o.answerDelayMs,
        noAnswerTimeoutMs: o.noAnswerTimeoutMs,
        partyMode: o.partyMode,
        wrapupSeconds: o.wrapupSeconds,
        callTimeLimitSeconds: o.callTimeLimitSeconds,
        ...(opts.agentLeg === undefined ? {} : { agentLeg: opts.agentLeg }),
      },
      o.speed,
    );
    for (const agent of opts.agents ?? DEFAULT_AGENTS) this.platform.addAgent(agent);
    this.cti = new CtiServer(this.platform, { heartbeatTimeoutMs: o.heartbeatTimeoutMs, ...(opts.onFrame === undefined ? {} : { onFrame: opts.onFrame }) });
    this.ctc = new CtcService(this.platform, { defaultCli: o.defaultCli, recordBaseUrl: () => this.baseUrl });
    this.rest = { accounts: this.accounts, softVersion: this.softVersion, ctc: this.ctc, faults: this.faults };
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<{ port: number }> {
    if (this.server === null) {
      const server = createServer((req, res) => void this.onHttpRequest(req, res));
      server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
        if (!this.cti.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
      server.on('connection', (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
      await listen(server, this.boundPort ?? this.configuredPort, this.host);
      this.server = server;
      this.boundPort = (server.address() as AddressInfo).port;
    }
    this.cti.start();
    return { port: this.port };
  }

  /** Closes the port and every socket (the platform keeps its state: start() listens again on the same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.cti.close();
    if (server !== null) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
      await closed;
    }
  }

  /** stop() and the timers (end of a test or the CLI). */
  async close(): Promise<void> {
    await this.stop();
    this.platform.clock.clearAll();
  }

  get port(): number {
    return this.boundPort ?? this.configuredPort;
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The CTI server address an agent types (PhoneKit.initial's url). */
  get ctiUrl(): string {
    return `ws://${this.host}:${this.port}${CTI_PATH}`;
  }

  /** The ctc base: `${restBase}/Accounts/{accountSid}/Applications/{applicationSid}/ctc/Conversations`. */
  get restBase(): string {
    return `${this.baseUrl}/${this.softVersion}`;
  }

  get state(): Record<string, unknown> {
    return {
      softVersion: this.softVersion,
      accounts: this.accounts.map((a) => ({ accountSid: a.accountSid, applications: a.applications })),
      agents: [...this.platform.agents.values()].map((a) => agentSnapshot(a, this.platform.wrapupSeconds(a))),
      sockets: [...this.cti.connections].map((c) => ({ id: c.id, agentNo: c.agent?.config.agentNo ?? null, encryptNumber: c.encryptNumber, openedAt: c.openedAt, lastSeen: c.lastSeen })),
      conversations: [...this.ctc.conversations.values()].map(conversationSnapshot),
      pushes: this.ctc.pushes,
      outsidePhones: [...this.platform.outsideLegs].map((l) => ({ number: l.number, state: l.state })),
      partyMode: this.platform.partyMode,
      partyModes: Object.fromEntries(this.platform.partyModes),
      refusingConnections: Date.now() < this.cti.refuseUntil,
      pendingFaults: this.faults.map((f) => ({ ...f })),
      speed: this.platform.clock.speed,
    };
  }

  // ---------------------------------------------------------------- logs

  get frames(): readonly CtiFrameRecord[] {
    return this.cti.frames;
  }

  clearLogs(): void {
    this.requests.length = 0;
    this.cti.clearFrames();
  }

  /** The callbacks kept for an agent (what a replay sends), oldest first. */
  callbacksOf(agentNo: string): Array<{ seq: number; callback: string; data: Record<string, string> }> {
    return this.agent(agentNo).kept.map((k) => ({ seq: k.seq, callback: k.callback, data: k.data }));
  }

  // ---------------------------------------------------------------- control (throws ControlError)

  addAgent(config: AgentConfig): void {
    this.platform.addAgent(config);
  }

  agent(agentNo?: string, pick?: (a: AgentRuntime) => boolean): AgentRuntime {
    return this.platform.findAgent(agentNo, pick);
  }

  /** A customer calls the agent (who must be ready). */
  incoming(o: { userNumber: string; agentNo?: string; userData?: string }): { conversationSid: string; agentNo: string } {
    const agent = this.agent(o.agentNo, (a) => a.loggedIn && a.call === null && a.workStatus === 'ready');
    const call = this.platform.incoming(agent, o.userNumber, o.userData ?? '');
    return { conversationSid: call.conversationSid, agentNo: agent.config.agentNo };
  }

  /** The agent's ringing (simulated) phone picks up / refuses. */
  agentAnswer(agentNo?: string): void {
    this.platform.agentPhone(this.agent(agentNo, (a) => a.call?.ring != null), true);
  }

  agentReject(agentNo?: string): void {
    this.platform.agentPhone(this.agent(agentNo, (a) => a.call?.ring != null), false);
  }

  /** The agent hangs up on its phone. */
  agentHangup(agentNo?: string): void {
    this.platform.agentHangup(this.agent(agentNo, (a) => a.call !== null));
  }

  setPartyMode(mode: string, number?: string): void {
    this.platform.setPartyMode(mode, number);
  }

  /** An outside phone (customer, ctc caller / callee) that is ringing answers now. */
  customerAnswer(number?: string): void {
    this.platform.outsideLeg(number, ['dialling', 'ringing']).answer();
  }

  /** A ringing outside phone fails now: busy ('failed'), no-answer, time-out. */
  customerFail(cause: 'failed' | 'no-answer' | 'time-out', number?: string): void {
    if (!['failed', 'no-answer', 'time-out'].includes(cause)) throw new ControlError('cause must be failed, no-answer or time-out', 'input');
    this.platform.outsideLeg(number, ['dialling', 'ringing']).fail(cause);
  }

  /** A talking outside phone hangs up. */
  customerHangup(number?: string): void {
    this.platform.outsideLeg(number, ['answered']).hangup();
  }

  /** Cuts the CTI sockets (of one agent, or all) without ending calls. Returns how many. */
  drop(agentNo?: string): { dropped: number } {
    return { dropped: this.cti.drop(agentNo === undefined ? undefined : this.agent(agentNo)) };
  }

  /** New CTI connections are refused (HTTP 503 on the upgrade) for ms. */
  refuseConnections(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new ControlError('ms must be a non-negative number', 'input');
    this.cti.refuseUntil = Date.now() + ms;
  }

  /** The agent's next `count` callOuts are refused with 10006 外呼失败. */
  failCallOut(count = 1, agentNo?: string): void {
    if (!Number.isInteger(count) || count < 1) throw new ControlError('count must be a positive integer', 'input');
    const agent = this.agent(agentNo, (a) => a.loggedIn);
    this.platform.failCallOuts.set(agent.key, count);
  }

  /** The next `count` ctc REST requests fail this way. */
  failNext(fault: { kind?: Fault['kind']; count?: number; delayMs?: number }): void {
    const kind = fault.kind ?? 'http500';
    if (!FAULT_KINDS.includes(kind)) throw new ControlError(`kind must be one of ${FAULT_KINDS.join(', ')}`, 'input');
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new ControlError('count must be a positive integer', 'input');
    this.faults.push({ kind, remaining: count, ...(fault.delayMs === undefined ? {} : { delayMs: fault.delayMs }) });
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new ControlError('speed must be positive', 'input');
    this.platform.clock.speed = speed;
  }

  /** Back to the constructed state: sockets closed, agents logged out, no calls or conversations, logs cleared. */
  reset(): void {
    this.cti.drop();
    this.cti.refuseUntil = 0;
    for (const conv of this.ctc.conversations.values()) for (const leg of conv.legs) leg.phone?.cancel();
    this.platform.reset();
    this.ctc.reset();
    this.faults.length = 0;
    this.clearLogs();
  }

  /** Resolves when every statusUrl / cdrUrl POST so far has been attempted. */
  pushesSettled(): Promise<void> {
    return this.ctc.settled();
  }

  // ---------------------------------------------------------------- HTTP

  private async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    try {
      const rawBody = await readBody(req);
      if (path === '/_sim' || path.startsWith('/_sim/')) {
        const reply = await handleControlRequest(this, method, path, rawBody);
        return sendJson(res, reply.status, JSON.stringify(reply.payload));
      }
      const reply = handleRestRequest(this.rest, method, path, req.headers, rawBody);
      const record: RecordedRequest = {
        method,
        path,
        body: reply.request,
        authorization: typeof req.headers.authorization === 'string' ? req.headers.authorization : null,
        at,
        status: reply.status,
        reply: reply.body,
        ...(reply.fault === undefined ? {} : { fault: reply.fault }),
      };
      this.requests.push(record);
      if (this.requests.length > 1000) this.requests.shift();
      this.opts.onRequest?.(record);
      if (reply.delayMs !== undefined) await new Promise((r) => setTimeout(r, reply.delayMs));
      sendJson(res, reply.status, typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ message: String(error) }));
    }
  }
}

function callSnapshot(call: CtiCall): Record<string, unknown> {
  return {
    conversationSid: call.conversationSid,
    callSid: call.callSid,
    direction: call.direction,
    callType: call.callType,
    callSubtype: call.callSubtype,
    userNumber: call.userNumber,
    userData: call.userData,
    phase: call.phase,
    callState: call.callState,
    isBridged: call.isBridged,
    held: call.held,
    phone: call.phone,
    agentPhoneRinging: call.ring !== null,
    beginTime: call.beginTime,
    answerTime: call.answerTime ?? null,
    endTime: call.endTime ?? null,
    outcome: call.outcome ?? null,
  };
}

function agentSnapshot(a: AgentRuntime, wrapupSeconds: number): Record<string, unknown> {
  return {
    appSid: a.config.appSid,
    agentNo: a.config.agentNo,
    loggedIn: a.loggedIn,
    phoneType: a.phoneType,
    workStatus: a.loggedIn ? a.workStatus : 'offline',
    pauseCause: a.pauseCause,
    inWrapup: a.wrapupTimer !== null,
    wrapupSeconds,
    autoAnswer: a.config.autoAnswer,
    seq: a.seq,
    call: a.call === null ? null : callSnapshot(a.call),
    history: a.history.map(callSnapshot),
  };
}

function conversationSnapshot(c: Conversation): Record<string, unknown> {
  return {
    conversationSid: c.conversationSid,
    accountSid: c.accountSid,
    appSid: c.appSid,
    caller: c.caller,
    callee: c.callee,
    userData: c.userData,
    state: c.state,
    byeType: c.byeType ?? null,
    record: c.record,
    maxDuration: c.maxDuration ?? null,
    createdAt: c.createdAt,
    bridgedAt: c.bridgedAt ?? null,
    endedAt: c.endedAt ?? null,
    lastMinVoiceAt: c.lastMinVoiceAt ?? null,
    params: c.params,
    legs: c.legs.map((l) => ({
      callSeq: l.callSeq,
      callSid: l.callSid,
      role: l.role,
      from: l.from,
      to: l.to,
      startTime: l.startTime,
      ringTime: l.ringTime ?? null,
      answerTime: l.answerTime ?? null,
      stopTime: l.stopTime ?? null,
      cause: l.cause ?? null,
    })),
  };
}

function sendJson(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
  res.end(json);
}
