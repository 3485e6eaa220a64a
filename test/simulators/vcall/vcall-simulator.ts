/**
 * VcallSimulator: a stand-in for the v-call (全媒体联络中心) platform's agent-facing parts — the
 * token API, agent/open/call, sip/makecall and the 座席控制 HTTP API on one port, with the
 * agent events published to a message broker over STOMP — plus the simulator's own control
 * routes under /_sim/. See README.md in this folder for the wire contract and our decisions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { listen, readBody, withoutUndefined } from '../http-server.ts';
import { agentDial, agentPhone, customerAnswer, customerFail, customerHangup, deliverIncoming, hangUpAgent } from './calls.ts';
import { handleControlRequest } from './control-api.ts';
import { DEFAULT_AGENTS, DEFAULT_COMPANY } from './defaults.ts';
import { ControlError, type AgentConfig, type AgentRuntime, type CompanyConfig, type PublishedEvent } from './model.ts';
import { TokenStore, type CallbackRecord } from './open-api.ts';
import { PARTY_MODES, type PartyMode } from './phones.ts';
import { Platform, type AgentLegHook } from './platform.ts';
import { MemoryPublisher, Outbox, type EventPublisher } from './publisher.ts';
import { CAUSE, type CallType } from './rules.ts';
import { StompPublisher, type StompPublisherOptions } from './stomp-publisher.ts';
import { handleVendorRequest, VENDOR_ROUTES, type Fault, type VendorContext, type VendorRoute } from './vendor-api.ts';

export { ControlError } from './model.ts';
export type { AgentConfig, CompanyConfig, PublishedEvent } from './model.ts';
export type { AgentLegCall, AgentLegHook, AgentLegInfo } from './platform.ts';
export { MemoryPublisher, Outbox, type EventPublisher } from './publisher.ts';
export { StompPublisher } from './stomp-publisher.ts';
export { DEFAULT_AGENTS, DEFAULT_COMPANY } from './defaults.ts';
export { AFTER_CAUSES, EVENT_NAMES, MSG, REQUEST_FIELDS, causeText } from './rules.ts';
export { PARTY_MODES, type PartyMode } from './phones.ts';

export interface VcallSimulatorOptions {
  /** HTTP port; 0 = ephemeral (default). The CLI uses 8095. */
  port?: number;
  host?: string;
  companies?: CompanyConfig[];
  agents?: AgentConfig[];
  /** Where events go: a publisher, or a broker to publish to over STOMP. Default: in memory. */
  publisher?: EventPublisher;
  stomp?: StompPublisherOptions;
  /** Outbox retry interval while the broker is away. Default 500. */
  outboxRetryMs?: number;
  /** The agent's sip / mobile phone answers by itself. Default true. */
  agentAutoAnswer?: boolean;
  /** …after this long. Default 0 (at once). */
  agentAnswerDelayMs?: number;
  /** The agent's phone rings this long before the call fails (振铃超时). Default 30000. */
  agentRingTimeoutMs?: number;
  /** Dialled → the outside phone rings. Default 300. */
  ringDelayMs?: number;
  /** Ringing → answer / busy / reject. Default 1000. */
  answerDelayMs?: number;
  /** Ringing → no answer (1019 久叫不应). Default 45000. */
  noAnswerTimeoutMs?: number;
  /** What outside phones do. Default answer. */
  partyMode?: PartyMode;
  /** agentAutoIdleTime for agents that do not set theirs (-1 = off). Default 10. */
  autoIdleSeconds?: number;
  /** A session with no request (heartbeat or other) for this long expires (Logout). 0 = never. Default 600000. */
  sessionIdleTimeoutMs?: number;
  /** Divides every delay (2 = twice as fast). Default 1. */
  speed?: number;
  /** recordPath prefix. Default the simulator's base URL. */
  recordBaseUrl?: string;
  /** The WebRTC leg (loginType 3): a real SIP call to the agent's browser phone. */
  agentLeg?: AgentLegHook;
  onRequest?: (request: RecordedRequest) => void;
  /** Called for each event as it is queued for the broker. */
  onEvent?: (event: PublishedEvent) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  route: VendorRoute | null;
  query: Record<string, string>;
  /** Parsed JSON body; the raw text if it did not parse; undefined if empty. */
  body: unknown;
  at: number;
  /** 0 = never answered (timeout fault). */
  status: number;
  reply: unknown;
  fault?: Fault['kind'];
}

const DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  outboxRetryMs: 500,
  agentAutoAnswer: true,
  agentAnswerDelayMs: 0,
  agentRingTimeoutMs: 30_000,
  ringDelayMs: 300,
  answerDelayMs: 1000,
  noAnswerTimeoutMs: 45_000,
  partyMode: 'answer' as PartyMode,
  autoIdleSeconds: 10,
  sessionIdleTimeoutMs: 600_000,
  speed: 1,
};

export class VcallSimulator {
  readonly requests: RecordedRequest[] = [];
  readonly callbacks: CallbackRecord[] = [];
  readonly platform: Platform;
  readonly tokens = new TokenStore();
  readonly outbox: Outbox;
  private readonly faults: Fault[] = [];
  private readonly vendor: VendorContext;
  private readonly host: string;
  private readonly configuredPort: number;
  private readonly opts: VcallSimulatorOptions;
  private readonly failMakeCall = new Map<string, string>();
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort: number | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(opts: VcallSimulatorOptions = {}) {
    const o = { ...DEFAULTS, ...withoutUndefined(opts) };
    if (!(PARTY_MODES as readonly string[]).includes(o.partyMode)) throw new ControlError(`partyMode must be one of ${PARTY_MODES.join(', ')}`, 'input');
    if (!(o.speed > 0)) throw new ControlError('speed must be positive', 'input');
    this.opts = opts;
    this.host = o.host;
    this.configuredPort = o.port;
    const publisher = opts.publisher ?? (opts.stomp !== undefined ? new StompPublisher(opts.stomp) : new MemoryPublisher());
    this.outbox = new Outbox(publisher, o.outboxRetryMs);
    if (publisher instanceof StompPublisher) publisher.onConnect = () => this.outbox.kick();
    this.platform = new Platform(
      {
        agentAutoAnswer: o.agentAutoAnswer,
        agentAnswerDelayMs: o.agentAnswerDelayMs,
        agentRingTimeoutMs: o.agentRingTimeoutMs,
        ringDelayMs: o.ringDelayMs,
        answerDelayMs: o.answerDelayMs,
        noAnswerTimeoutMs: o.noAnswerTimeoutMs,
        partyMode: o.partyMode,
        autoIdleSeconds: o.autoIdleSeconds,
        sessionIdleTimeoutMs: o.sessionIdleTimeoutMs,
        recordBaseUrl: opts.recordBaseUrl ?? '',
        ...(opts.agentLeg === undefined ? {} : { agentLeg: opts.agentLeg }),
      },
      (destination, body) => {
        this.outbox.push(destination, body);
        const last = this.platform.events.at(-1);
        if (last !== undefined) this.opts.onEvent?.(last);
      },
      o.speed,
    );
    this.platform.beforeMakeCall = (agent) => {
      const cause = this.failMakeCall.get(agent.key);
      if (cause !== undefined) this.failMakeCall.delete(agent.key);
      return cause;
    };
    this.platform.onAgentPhoneHangup = (agent) => hangUpAgent(this.platform, agent, 0);
    this.vendor = { platform: this.platform, tokens: this.tokens, callbacks: this.callbacks, faults: this.faults };
    this.configure();
  }

  private configure(): void {
    for (const company of this.opts.companies ?? [DEFAULT_COMPANY]) this.platform.addCompany(company);
    for (const agent of this.opts.agents ?? (this.opts.companies === undefined ? DEFAULT_AGENTS : [])) this.platform.addAgent(agent);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<{ port: number }> {
    if (this.server === null) {
      const server = createServer((req, res) => void this.onHttpRequest(req, res));
      server.on('connection', (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
      await listen(server, this.boundPort ?? this.configuredPort, this.host);
      this.server = server;
      this.boundPort = (server.address() as AddressInfo).port;
      if (this.platform.opts.recordBaseUrl === '') this.platform.opts.recordBaseUrl = this.baseUrl;
    }
    if (this.sweepTimer === null) {
      this.sweepTimer = setInterval(() => this.expireIdleSessions(), 1000);
      this.sweepTimer.unref();
    }
    return { port: this.port };
  }

  /** Closes the HTTP server (the platform keeps its state: start() listens again on the same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server !== null) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
      await closed;
    }
  }

  /** stop() and also the timers and the publisher (end of a test or the CLI). */
  async close(): Promise<void> {
    await this.stop();
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    this.platform.clock.clearAll();
    await this.outbox.close();
  }

  get port(): number {
    return this.boundPort ?? this.configuredPort;
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Every event published (or waiting in the outbox), oldest first. */
  get events(): readonly PublishedEvent[] {
    return this.platform.events;
  }

  /** Events for one agent (by agent number), bodies only. */
  eventsOf(agentNumber: string): Array<Record<string, unknown>> {
    return this.platform.events.filter((e) => e.agent.endsWith(`/${agentNumber}`)).map((e) => e.event);
  }

  /** Resolves when every event so far has reached the publisher. */
  drained(): Promise<void> {
    return this.outbox.drained();
  }

  get state(): Record<string, unknown> {
    const p = this.platform;
    return {
      agents: [...p.agents.values()].map((a) => agentSnapshot(a)),
      calls: [...p.calls.values()]
        .filter((c) => !c.ended)
        .map((c) => ({
          occCallId: c.occCallId,
          origin: c.origin,
          callDirection: c.direction,
          caller: c.caller,
          called: c.called,
          userData: c.userData,
          customer: c.customer === null ? null : { number: c.customer.number, state: c.customer.state },
          customerHeld: c.customerHeld,
          agents: [...c.agents].map((k) => k.split('/')[1]),
        })),
      outsidePhones: [...p.outsideLegs].map((l) => ({ number: l.number, state: l.state })),
      callbacks: this.callbacks,
      partyMode: p.partyMode,
      partyModes: Object.fromEntries(p.partyModes),
      outbox: { pending: this.outbox.pending, lastError: this.outbox.lastError },
      tokens: this.tokens.count,
      pendingFaults: this.faults.map((f) => ({ ...f })),
    };
  }

  // ---------------------------------------------------------------- logs

  clearRequests(): void {
    this.requests.length = 0;
  }

  clearEvents(): void {
    this.platform.events.length = 0;
  }

  requestsTo(route: VendorRoute): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  // ---------------------------------------------------------------- control (throws ControlError)

  addCompany(config: CompanyConfig): void {
    this.platform.addCompany(config);
  }

  addAgent(config: AgentConfig): void {
    this.platform.addAgent(config);
  }

  private agent(agentNumber?: string, companyId?: string, pick?: (a: AgentRuntime) => boolean): AgentRuntime {
    return this.platform.findAgent(agentNumber, companyId, pick);
  }

  /**
   * An outside caller reaches an agent: the named agent (must be Idle), or the longest-idle
   * agent of `groupId`. Returns the call's occCallId and the agent it went to.
   */
  incoming(o: { caller: string; called?: string; agentNumber?: string; groupId?: string; companyId?: string; userData?: string }): { occCallId: string; agentNumber: string } {
    let agent: AgentRuntime;
    if (o.agentNumber !== undefined) agent = this.agent(o.agentNumber, o.companyId);
    else if (o.groupId !== undefined) {
      const idle = [...this.platform.agents.values()]
        .filter((a) => a.config.groupIds.includes(o.groupId!) && a.session !== null && a.state === 'Idle')
        .sort((a, b) => a.stateSince - b.stateSince);
      if (idle.length === 0) throw new ControlError(`no idle agent in group ${o.groupId}`, 'state');
      agent = idle[0]!;
    } else agent = this.agent(undefined, o.companyId, (a) => a.session !== null && a.state === 'Idle');
    const company = this.platform.company(agent.config.companyId)!;
    const call = deliverIncoming(this.platform, agent, {
      caller: o.caller,
      called: o.called ?? company.callnums[0] ?? '4000000000',
      ...(o.userData === undefined ? {} : { userData: o.userData }),
    });
    return { occCallId: call.occCallId, agentNumber: agent.config.agentNumber };
  }

  /** The agent's ringing phone (sip / mobile / webrtc) answers, or refuses. */
  agentAnswer(agentNumber?: string): void {
    agentPhone(this.platform, this.agent(agentNumber, undefined, (a) => a.leg?.ring != null), true);
  }

  agentReject(agentNumber?: string): void {
    agentPhone(this.platform, this.agent(agentNumber, undefined, (a) => a.leg?.ring != null), false);
  }

  /** The agent hangs up on its phone (not through cancelCall): After, no CancelCall. */
  agentHangup(agentNumber?: string): void {
    const agent = this.agent(agentNumber, undefined, (a) => a.leg !== null);
    if (agent.leg === null) throw new ControlError(`agent ${agent.config.agentNumber} has no call`, 'state');
    hangUpAgent(this.platform, agent, 0);
  }

  /** The agent dials on its own phone: AgentOriginate, then the customer. */
  agentDial(called: string, agentNumber?: string): { occCallId: string } {
    return { occCallId: agentDial(this.platform, this.agent(agentNumber), called).occCallId };
  }

  setPartyMode(mode: string, number?: string): void {
    this.platform.setPartyMode(mode, number);
  }

  customerAnswer(number?: string): void {
    customerAnswer(this.platform, number);
  }

  customerBusy(number?: string): void {
    customerFail(this.platform, CAUSE.USER_BUSY, number);
  }

  customerNoAnswer(number?: string): void {
    customerFail(this.platform, CAUSE.NO_ANSWER, number);
  }

  /** The ringing outside phone fails with any 话后 cause (1020 号码无效, 2114 空号…). */
  customerFail(cause: number, number?: string): void {
    if (!Number.isInteger(cause)) throw new ControlError('cause must be an integer', 'input');
    customerFail(this.platform, cause, number);
  }

  customerHangup(number?: string): void {
    customerHangup(this.platform, number);
  }

  /** The agent's next makeCall / open/call fails at once with MakeCallFail {cause: text}. */
  failNextMakeCall(cause: string, agentNumber?: string): void {
    this.failMakeCall.set(this.agent(agentNumber).key, cause);
  }

  /** The agent's next After carries this cause (and its text as `data`). */
  forceAfterCause(cause: number, agentNumber?: string): void {
    if (!Number.isInteger(cause)) throw new ControlError('cause must be an integer', 'input');
    this.platform.forcedCauses.set(this.agent(agentNumber, undefined, (a) => a.session !== null).key, cause);
  }

  /** Logged in elsewhere: Kick, the session ends (its call is hung up). */
  kick(agentNumber?: string): void {
    const agent = this.agent(agentNumber);
    if (agent.session === null) throw new ControlError(`agent ${agent.config.agentNumber} is not logged in`, 'state');
    this.platform.dropSessionWithEvent(agent, 'Kick', undefined);
  }

  /** The phone unregistered: SipError, the agent is logged out (seed 4507). */
  sipError(agentNumber?: string): void {
    const agent = this.agent(agentNumber);
    if (agent.session === null) throw new ControlError(`agent ${agent.config.agentNumber} is not logged in`, 'state');
    agent.registered = false;
    this.platform.dropSessionWithEvent(agent, 'SipError', null);
  }

  setRegistered(registered: boolean, agentNumber?: string): void {
    this.agent(agentNumber, undefined, () => true).registered = registered;
  }

  /** The cached session ends (as after a long silence): Logout; the next login gives Login. */
  expireSession(agentNumber?: string): void {
    const agent = this.agent(agentNumber);
    if (agent.session === null) throw new ControlError(`agent ${agent.config.agentNumber} is not logged in`, 'state');
    this.platform.dropSessionWithEvent(agent, 'Logout', null);
  }

  /** Publishes any object to the agent's destination as it is (a malformed or unknown event). */
  inject(event: Record<string, unknown>, agentNumber?: string): void {
    this.platform.publishRaw(this.agent(agentNumber, undefined, () => true), event);
  }

  failNext(fault: { route?: VendorRoute | 'any'; kind?: Fault['kind']; msg?: string; count?: number }): void {
    const route = fault.route ?? 'any';
    if (route !== 'any' && !(Object.values(VENDOR_ROUTES) as string[]).includes(route)) throw new ControlError(`route must be any or one of ${Object.values(VENDOR_ROUTES).join(', ')}`, 'input');
    const kind = fault.kind ?? 'code';
    if (!['code', 'http500', 'timeout', 'malformed'].includes(kind)) throw new ControlError('kind must be code, http500, timeout or malformed', 'input');
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new ControlError('count must be a positive integer', 'input');
    this.faults.push({ route, kind, remaining: count, ...(fault.msg === undefined ? {} : { msg: fault.msg }) });
  }

  /** Every token issued so far expires now. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /** Moves the token clock (not the calls') ahead: 20 h later a token is in its refresh window. */
  advanceTokenClock(ms: number): void {
    if (!Number.isFinite(ms)) throw new ControlError('ms must be a number', 'input');
    this.tokens.skewMs += ms;
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new ControlError('speed must be positive', 'input');
    this.platform.clock.speed = speed;
  }

  /** Back to the constructed state: agents logged out, no calls, logs and tokens cleared. */
  reset(): void {
    this.platform.reset();
    this.tokens.reset();
    this.faults.length = 0;
    this.failMakeCall.clear();
    this.callbacks.length = 0;
    this.clearRequests();
    this.outbox.clear();
  }

  private expireIdleSessions(): void {
    const limit = this.platform.opts.sessionIdleTimeoutMs;
    if (limit <= 0) return;
    const now = Date.now();
    for (const agent of this.platform.agents.values()) {
      if (agent.session !== null && agent.leg === null && now - agent.session.lastSeen > limit / this.platform.clock.speed) {
        this.platform.dropSessionWithEvent(agent, 'Logout', null);
      }
    }
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
      const reply = handleVendorRequest(this.vendor, method, path, rawBody);
      const record: RecordedRequest = {
        method,
        path,
        route: reply.route,
        query: Object.fromEntries(url.searchParams),
        body: reply.body,
        at,
        status: reply.status,
        reply: reply.text === null ? null : parseOrText(reply.text),
        ...(reply.fault === undefined ? {} : { fault: reply.fault }),
      };
      this.requests.push(record);
      this.opts.onRequest?.(record);
      if (reply.text === null) return; // timeout fault: never answered (closed on stop)
      sendJson(res, reply.status, reply.text);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ message: String(error) }));
    }
  }
}

function agentSnapshot(a: AgentRuntime): Record<string, unknown> {
  const leg = a.leg;
  return {
    companyId: a.config.companyId,
    agentNumber: a.config.agentNumber,
    agentType: a.config.agentType,
    nowState: a.state,
    loggedIn: a.session !== null,
    loginType: a.session?.loginType ?? null,
    currentBusyType: a.currentBusyType,
    registered: a.registered,
    subscribePath: a.config.subscribePath,
    afterCountdown: a.afterTimer !== null,
    call:
      leg === null
        ? null
        : {
            occCallId: leg.call.occCallId,
            callType: leg.callType as CallType,
            phase: leg.phase,
            callDirection: leg.call.direction,
            caller: leg.call.caller,
            called: leg.call.called,
            held: leg.held,
            muted: leg.muted,
            ringing: leg.ring !== null,
            phone: leg.phone ?? null,
            consult: leg.consult === null ? null : { type: leg.consult.type, target: leg.consult.target, state: leg.consult.state, blindTransfer: leg.consult.blindTransfer },
            consultedBy: leg.consultedBy?.split('/')[1] ?? null,
            supervising: leg.supervising?.split('/')[1] ?? null,
          },
  };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
  res.end(json);
}
