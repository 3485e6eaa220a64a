/**
 * The platform's state: companies, agents and their sessions, calls; the event emitter (one event
 * object per message to the agent's subscribePath, through the outbox); the building blocks the
 * request handlers share (state changes, call data, ringing an agent's phone, ending a leg with
 * After and the automatic return to Idle). The request handlers live in agent-requests.ts,
 * calls.ts, consult.ts and supervisor.ts.
 */
import { randomBytes } from 'node:crypto';
import { Clock, PARTY_MODES, ringAgentPhone, ringOutside, type OutsideCallbacks, type PartyMode, type PhoneTiming } from './phones.ts';
import { ControlError, agentKey, type AgentConfig, type AgentLeg, type AgentRuntime, type Call, type CompanyConfig, type OutsideLeg, type PublishedEvent } from './model.ts';
import { CAUSE, IN_CALL_STATES, causeText, type EventName, type LoginType, type NowState } from './rules.ts';

export interface AgentLegInfo {
  companyId: string;
  agentNumber: string;
  webrtcSipId: string;
  webrtcDomain: string;
}

/** One call the platform's media server places to the agent's browser phone (loginType 3). */
export interface AgentLegCall {
  sipUri: string;
  callId: string;
  /**
   * Aborted when the platform is done with this leg (the call ended, the ring was cancelled or
   * timed out): the media server hangs its SIP call up, as a real platform sends BYE / CANCEL.
   */
  signal: AbortSignal;
  /** The browser phone hung up (BYE from the agent's side): the platform ends the agent's leg. */
  hungUp(): void;
}

/**
 * The e2e tests' WebRTC leg: a real SIP call to the agent's browser phone. Resolves when the phone
 * answers (the platform goes on with the call), rejects when it refuses.
 */
export type AgentLegHook = (agent: AgentLegInfo, leg: AgentLegCall) => Promise<void>;

export interface PlatformOptions extends PhoneTiming {
  agentAutoAnswer: boolean;
  agentAnswerDelayMs: number;
  agentRingTimeoutMs: number;
  partyMode: PartyMode;
  autoIdleSeconds: number;
  sessionIdleTimeoutMs: number;
  recordBaseUrl: string;
  agentLeg?: AgentLegHook;
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export class Platform {
  readonly companies = new Map<string, Required<CompanyConfig>>();
  readonly agents = new Map<string, AgentRuntime>();
  readonly calls = new Map<string, Call>();
  readonly outsideLegs = new Set<OutsideLeg>();
  /** Every event published (or queued), oldest first. Cleared in place. */
  readonly events: PublishedEvent[] = [];
  readonly clock: Clock;
  /** Per-number outcome overrides. */
  readonly partyModes = new Map<string, PartyMode>();
  /** Forced cause for an agent's next After (agent key → cause). */
  readonly forcedCauses = new Map<string, number>();
  partyMode: PartyMode;
  /** The simulator's scripted MakeCallFail: a cause text makes the next outbound call fail at once. */
  beforeMakeCall: (agent: AgentRuntime) => string | undefined = () => undefined;
  /** The agent's WebRTC phone hung up its leg (set by the simulator: calls.ts hangUpAgent). */
  onAgentPhoneHangup: (agent: AgentRuntime) => void = () => undefined;
  private lastEventTime = 0;
  private callCounter = 0;

  constructor(
    readonly opts: PlatformOptions,
    private readonly publish: (destination: string, body: string) => void,
    speed = 1,
  ) {
    this.clock = new Clock(speed);
    this.partyMode = opts.partyMode;
  }

  // ------------------------------------------------------------ configuration

  addCompany(config: CompanyConfig): void {
    if (config.companyId === '') throw new ControlError('companyId must not be empty', 'input');
    this.companies.set(config.companyId, {
      shortName: config.companyId,
      busyTypes: [],
      groups: [],
      ivrs: [],
      callnums: [],
      clickApproved: false,
      ...config,
    });
  }

  addAgent(config: AgentConfig): AgentRuntime {
    const company = this.companies.get(config.companyId);
    if (company === undefined) throw new ControlError(`no company ${config.companyId}`, 'input');
    if (config.agentNumber === '') throw new ControlError('agentNumber must not be empty', 'input');
    const key = agentKey(config.companyId, config.agentNumber);
    const existing = this.agents.get(key);
    const n = config.agentNumber;
    const full: AgentRuntime['config'] = {
      agentId: hex(16),
      agentName: `座席${n}`,
      agentType: 0,
      groupIds: company.groups.slice(0, 1).map((g) => g.id),
      mobile: `1380000${n.padStart(4, '0').slice(-4)}`,
      sipId: `21${n.padStart(7, '0')}`,
      sipPassword: hex(16),
      domain: '127.0.0.1',
      webrtcSipId: `w21${n.padStart(7, '0')}`,
      webrtcSipPassword: hex(16),
      webrtcDomain: '127.0.0.1',
      agentMakeCall: 1,
      sipRegistered: true,
      subscribePath: `/queue/vcall.${config.companyId}.${n}`,
      ...config,
    };
    for (const id of config.groupIds ?? full.groupIds) {
      if (!company.groups.some((g) => g.id === id)) throw new ControlError(`company ${config.companyId} has no group ${id}`, 'input');
    }
    if (existing !== undefined) {
      existing.config = { ...existing.config, ...config, agentId: existing.config.agentId };
      existing.registered = existing.config.sipRegistered;
      return existing;
    }
    const runtime: AgentRuntime = {
      key,
      config: full,
      session: null,
      state: 'Logout',
      stateSince: Date.now(),
      currentBusyType: '',
      leg: null,
      afterTimer: null,
      registered: full.sipRegistered,
    };
    this.agents.set(key, runtime);
    return runtime;
  }

  company(companyId: string): Required<CompanyConfig> | undefined {
    return this.companies.get(companyId);
  }

  agent(companyId: string, agentNumber: string): AgentRuntime | undefined {
    return this.agents.get(agentKey(companyId, agentNumber));
  }

  /** For control steps: the named agent, or the only agent with a session / a call. */
  findAgent(agentNumber: string | undefined, companyId?: string, pick: (a: AgentRuntime) => boolean = (a) => a.session !== null): AgentRuntime {
    const all = [...this.agents.values()].filter((a) => companyId === undefined || a.config.companyId === companyId);
    if (agentNumber !== undefined) {
      const found = all.filter((a) => a.config.agentNumber === agentNumber);
      if (found.length === 0) throw new ControlError(`no agent ${agentNumber}`, 'input');
      if (found.length > 1) throw new ControlError(`agent ${agentNumber} exists in several companies: give companyId`, 'input');
      return found[0]!;
    }
    const candidates = all.filter(pick);
    if (candidates.length !== 1) throw new ControlError(`${candidates.length} agents match: give agentNumber`, 'state');
    return candidates[0]!;
  }

  newCallId(): string {
    this.callCounter += 1;
    return `${hex(4)}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(6)}`;
  }

  modeFor(number: string): PartyMode {
    return this.partyModes.get(number) ?? this.partyMode;
  }

  setPartyMode(mode: string, number?: string): void {
    if (!(PARTY_MODES as readonly string[]).includes(mode)) throw new ControlError(`mode must be one of ${PARTY_MODES.join(', ')}`, 'input');
    if (number === undefined) this.partyMode = mode as PartyMode;
    else this.partyModes.set(number, mode as PartyMode);
  }

  ringOutside(number: string, cb: OutsideCallbacks): OutsideLeg {
    return ringOutside(this.clock, this.opts, number, this.modeFor(number), cb, this.outsideLegs);
  }

  // ------------------------------------------------------------ events

  /** Strictly increasing event time (ms). */
  private nextEventTime(): number {
    this.lastEventTime = Math.max(Date.now(), this.lastEventTime + 1);
    return this.lastEventTime;
  }

  /**
   * Publishes one event to the agent's subscribePath (only while it has a session: an agent
   * reached through agent/open/call without logging in gets no events). `data` undefined = no key.
   */
  emit(agent: AgentRuntime, event: EventName, data: unknown, sequence = 0, call?: Call): void {
    if (agent.session === null) return;
    const c = agent.config;
    const body: Record<string, unknown> = {};
    if (data !== undefined) body.data = data;
    body.nowState = agent.state;
    body.event = event;
    body.eventTime = this.nextEventTime();
    body.companyId = c.companyId;
    body.agentNumber = c.agentNumber;
    body.agentId = c.agentId;
    body.sequence = sequence;
    const userData = call?.userData ?? agent.leg?.call.userData;
    if (userData !== undefined && userData !== '') body.userData = userData;
    if (event === 'AgentRinging' || event === 'AgentAnswer' || event === 'Conversation' || event === 'After') body.ivrParam = '';
    body.type = 'event';
    this.publishRaw(agent, body);
  }

  /** Any object to the agent's destination (the control's raw inject, and emit). */
  publishRaw(agent: AgentRuntime, body: Record<string, unknown>): void {
    this.events.push({ destination: agent.config.subscribePath, agent: agent.key, event: body });
    this.publish(agent.config.subscribePath, JSON.stringify(body));
  }

  // ------------------------------------------------------------ state

  setState(agent: AgentRuntime, state: NowState): void {
    if (agent.state !== state) agent.stateSince = Date.now();
    agent.state = state;
    if (state !== 'After') {
      this.clock.clear(agent.afterTimer);
      agent.afterTimer = null;
    }
  }

  inCall(agent: AgentRuntime): boolean {
    return agent.leg !== null || IN_CALL_STATES.includes(agent.state);
  }

  loginType(agent: AgentRuntime): LoginType {
    return agent.session?.loginType ?? 1;
  }

  /** The call fields of AgentOriginate … Conversation (seed 3207-3478); callType from CalledRinging on. */
  callData(agent: AgentRuntime, withCallType: boolean): Record<string, unknown> {
    const leg = agent.leg;
    if (leg === null) return {};
    const call = leg.call;
    const data: Record<string, unknown> = {
      callDirection: leg.direction ?? call.direction,
      caller: call.caller,
      called: call.called,
    };
    if (call.inQueueTime !== undefined) data.inQueueTime = call.inQueueTime;
    data.occCallId = call.occCallId;
    if (withCallType) data.callType = leg.callType;
    data.userData = call.userData;
    data.isPredictive = 0;
    data.origCaller = call.caller;
    data.origCalled = call.called;
    return data;
  }

  /** Emits a call event with the call data and moves nowState with it. */
  callEvent(agent: AgentRuntime, event: 'AgentOriginate' | 'AgentRinging' | 'AgentAnswer' | 'CalledRinging' | 'CalledAnswer' | 'Conversation', sequence = 0): void {
    this.setState(agent, event);
    if (agent.leg !== null) agent.leg.lastEvent = event;
    const withCallType = event === 'CalledRinging' || event === 'CalledAnswer' || event === 'Conversation';
    this.emit(agent, event, this.callData(agent, withCallType), sequence);
  }

  newLeg(call: Call, callType: AgentLeg['callType'], phase: AgentLeg['phase']): AgentLeg {
    return { call, callType, phase, ring: null, beginTime: Date.now(), held: false, muted: false, consult: null, lastEvent: '' };
  }

  /** Rings the agent's own phone for `call` (sip / mobile / webrtc per login and callAgentType). */
  ringAgent(agent: AgentRuntime, callAgentType: 'default' | 'phone' | 'sip', onAnswer: () => void, onFail: (cause: number, text: string) => void): void {
    const leg = agent.leg;
    if (leg === null) return;
    const loginType = this.loginType(agent);
    let channel: 'sip' | 'mobile' | 'webrtc';
    if (callAgentType === 'phone' || (callAgentType === 'default' && loginType === 2)) channel = 'mobile';
    else if (loginType === 3 && this.opts.agentLeg !== undefined) channel = 'webrtc';
    else channel = 'sip';
    if (channel === 'sip' && !agent.registered) {
      if (callAgentType === 'default') channel = 'mobile';
      else {
        queueMicrotask(() => onFail(CAUSE.USER_NOT_REGISTERED, causeText(CAUSE.USER_NOT_REGISTERED)));
        return;
      }
    }
    const hook = this.opts.agentLeg;
    const c = agent.config;
    leg.ringTime = Date.now();
    leg.phone = channel;
    const media = channel === 'webrtc' && hook !== undefined ? new AbortController() : undefined;
    if (media !== undefined) leg.media = media;
    leg.ring = ringAgentPhone(
      this.clock,
      leg.call.occCallId,
      {
        channel,
        autoAnswer: c.autoAnswer ?? this.opts.agentAutoAnswer,
        answerDelayMs: this.opts.agentAnswerDelayMs,
        ringTimeoutMs: this.opts.agentRingTimeoutMs,
        ...(media !== undefined && hook !== undefined
          ? {
              hook: () =>
                hook(
                  { companyId: c.companyId, agentNumber: c.agentNumber, webrtcSipId: c.webrtcSipId, webrtcDomain: c.webrtcDomain },
                  {
                    sipUri: `sip:${c.webrtcSipId}@${c.webrtcDomain}`,
                    callId: leg.call.occCallId,
                    signal: media.signal,
                    hungUp: () => {
                      if (agent.leg === leg && !media.signal.aborted) this.onAgentPhoneHangup(agent);
                    },
                  },
                ),
            }
          : {}),
      },
      {
        onAnswer: () => {
          if (agent.leg !== leg) return;
          leg.ring = null;
          leg.answerTime = Date.now();
          onAnswer();
        },
        onFail: (why) => {
          media?.abort();
          if (agent.leg !== leg) return;
          leg.ring = null;
          const cause = why === 'timeout' ? CAUSE.PROGRESS_TIMEOUT : CAUSE.CALL_REJECTED;
          onFail(cause, causeText(cause));
        },
      },
    );
  }

  // ------------------------------------------------------------ the end of a leg

  /**
   * The agent's leg ends: After (cause, hangupDirection 0 this side / 1 the other side), then
   * Idle after agentAutoIdleTime seconds (-1: stays in After until idle/busy).
   */
  endLeg(agent: AgentRuntime, cause: number, hangupDirection: 0 | 1): void {
    const leg = agent.leg;
    if (leg === null) return;
    leg.ring?.cancel();
    leg.media?.abort();
    agent.leg = null;
    leg.call.agents.delete(agent.key);
    // A consultation or pending transfer of this agent ends with it.
    const consult = leg.consult;
    leg.consult = null;
    if (consult !== null) {
      consult.outside?.cancel();
      const target = consult.agentKey === undefined ? undefined : this.agents.get(consult.agentKey);
      if (target?.leg?.consultedBy === agent.key) this.endLeg(target, target.leg.phase === 'talking' ? cause : CAUSE.ORIGINATOR_CANCEL, 1);
    }
    const forced = this.forcedCauses.get(agent.key);
    if (forced !== undefined) {
      this.forcedCauses.delete(agent.key);
      cause = forced;
    }
    if (agent.session === null) {
      this.setState(agent, 'Logout');
      return;
    }
    const autoIdle = agent.config.autoIdleSeconds ?? this.opts.autoIdleSeconds;
    this.setState(agent, 'After');
    const call = leg.call;
    const answered = leg.answerTime !== undefined && (call.customer === null || call.customer.answerTime !== undefined);
    const data: Record<string, unknown> = {
      callDirection: leg.direction ?? call.direction,
      recordPath: answered ? `${this.opts.recordBaseUrl}/obc/api/file/download/${call.occCallId}` : '',
      cause,
      hangupDirection,
      beginTime: String(leg.beginTime),
      ringTime: leg.ringTime === undefined ? '' : String(leg.ringTime),
      answerTime: leg.answerTime === undefined ? '' : String(leg.answerTime),
      endTime: String(Date.now()),
      caller: call.caller,
      called: call.called,
      callType: leg.callType,
      data: causeText(cause),
      ...(call.inQueueTime === undefined ? {} : { inQueueTime: call.inQueueTime }),
      agentAutoIdle: autoIdle >= 0 ? 1 : 0,
      agentAutoIdleTime: autoIdle,
      occCallId: call.occCallId,
    };
    this.emit(agent, 'After', data, 0, call);
    if (autoIdle >= 0) {
      agent.afterTimer = this.clock.set(autoIdle * 1000, () => {
        agent.afterTimer = null;
        if (agent.state !== 'After' || agent.session === null) return;
        this.setState(agent, 'Idle');
        this.emit(agent, 'Idle', { loginType: String(this.loginType(agent)) });
      });
    }
  }

  /** Ends a whole call: every agent in it gets After, the customer leg is hung up. */
  endCall(call: Call, cause: number, byAgentKey: string | null): void {
    if (call.ended) return;
    call.ended = true;
    if (call.customer !== null && call.customer.state !== 'ended') call.customer.cancel();
    for (const key of [...call.agents]) {
      const agent = this.agents.get(key);
      if (agent === undefined) continue;
      this.endLeg(agent, cause, key === byAgentKey ? 0 : 1);
    }
    // Agents attached to the call without being bridged (ringing, consulted).
    for (const agent of this.agents.values()) {
      if (agent.leg?.call === call) this.endLeg(agent, cause, 1);
    }
  }

  /** The session ends (logout, Kick, SipError, forceLogout, expiry): calls are hung up first. */
  dropSession(agent: AgentRuntime): void {
    if (agent.leg !== null) {
      const call = agent.leg.call;
      if (call.agents.size <= 1) this.endCall(call, CAUSE.MANAGER_REQUEST, agent.key);
      else this.endLeg(agent, CAUSE.MANAGER_REQUEST, 0);
    }
    this.clock.clear(agent.afterTimer);
    agent.afterTimer = null;
    agent.session = null;
    agent.currentBusyType = '';
    this.setState(agent, 'Logout');
  }

  /** Logout / Kick / SipError: the event goes out with nowState Logout, then the session is gone. */
  dropSessionWithEvent(agent: AgentRuntime, event: 'Logout' | 'Kick' | 'SipError', data: unknown, sequence = 0): void {
    const session = agent.session;
    this.dropSession(agent);
    agent.session = session;
    this.emit(agent, event, data, sequence);
    agent.session = null;
  }

  reset(): void {
    this.clock.clearAll();
    for (const leg of this.outsideLegs) leg.cancel();
    this.outsideLegs.clear();
    this.calls.clear();
    this.events.length = 0;
    this.partyModes.clear();
    this.forcedCauses.clear();
    this.partyMode = this.opts.partyMode;
    for (const agent of this.agents.values()) {
      agent.session = null;
      agent.leg = null;
      agent.afterTimer = null;
      agent.currentBusyType = '';
      agent.registered = agent.config.sipRegistered;
      agent.state = 'Logout';
    }
  }
}
