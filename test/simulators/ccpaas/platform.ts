/**
 * The CTI side of the CC PaaS platform (电话工具条, seed 768-996): agents and their work status,
 * the toolbar's calls (callOut, incoming), bridge / hold / hangup, wrap-up and autoReady, and the
 * per-agent callback stream (seq, the last 500 kept for replay). Every method the toolbar calls
 * returns the documented callback object's statusCode / statusMsg; callbacks go out through
 * `deliver` (the CTI server sends them to the agent's socket). See README.md for the decisions.
 */
import {
  agentKey,
  ControlError,
  type AgentConfig,
  type AgentRuntime,
  type AgentSettings,
  type CtiCall,
  type KeptCallback,
  type OutsideLeg,
} from './model.ts';
import { newSid, numberType, stamp, userArea } from './format.ts';
import { answeredParty, Clock, PARTY_MODES, ringAgentPhone, ringOutside, type PartyMode, type PhoneTiming } from './phones.ts';
import {
  CALL_SUBTYPE,
  CALL_TYPE,
  CTI_CODE,
  CTI_MSG,
  PHONE_PATTERN,
  PHONE_TYPES,
  REPLAY_KEEP,
  TIME_LIMIT,
  WRAPUP,
  type CallEventName,
  type CallState,
  type FailedCause,
  type PhoneType,
  type StatusEventName,
  type WorkStatus,
} from './rules.ts';

/** What the WebRTC hook is told about the agent. */
export interface AgentLegInfo {
  appSid: string;
  agentNo: string;
  sipNumber: string;
  sipDomain: string;
  wsAddr: string;
}

/** One call the platform's media server places to the agent's WebPhone (phoneType 3). */
export interface AgentLegCall {
  sipUri: string;
  /** The call's conversationSid. */
  callId: string;
  /** Aborted when the platform is done with this leg (call ended, ring cancelled or timed out). */
  signal: AbortSignal;
  /** The WebPhone hung up (BYE from the agent's side): the platform ends the call. */
  hungUp(): void;
}

/** The e2e tests' WebRTC leg: resolves when the WebPhone answers, rejects when it refuses. */
export type AgentLegHook = (agent: AgentLegInfo, leg: AgentLegCall) => Promise<void>;

export interface PlatformOptions extends PhoneTiming {
  /** The simulated agent picks up its ringing phone (phoneType 1/2, or 3 without a hook) by itself… */
  agentAnswer: 'auto' | 'manual';
  /** …after this long. */
  agentAnswerDelayMs: number;
  /** The agent's phone rings this long before the platform gives up. */
  agentRingTimeoutMs: number;
  partyMode: PartyMode;
  /** Default 整理时间 (s); 0 = none. */
  wrapupSeconds: number;
  /** A connected call ends after this many seconds with completedCause time-limit; 0 = no limit. */
  callTimeLimitSeconds: number;
  agentLeg?: AgentLegHook;
}

export interface CtiResult {
  statusCode: string;
  statusMsg: string;
  data?: Record<string, unknown>;
}

const OK: CtiResult = { statusCode: CTI_CODE.OK, statusMsg: CTI_MSG.OK };

function refuse(statusCode: string, statusMsg: string): CtiResult {
  return { statusCode, statusMsg };
}

export class Platform {
  readonly agents = new Map<string, AgentRuntime>();
  readonly outsideLegs = new Set<OutsideLeg>();
  readonly partyModes = new Map<string, PartyMode>();
  /** Agent key → how many of its next callOuts the platform refuses (10006). */
  readonly failCallOuts = new Map<string, number>();
  readonly clock: Clock;
  partyMode: PartyMode;
  /** Set by the CTI server: sends a new callback to the agent's socket, if any. */
  deliver: (agent: AgentRuntime, kept: KeptCallback) => void = () => undefined;
  private readonly configs: AgentConfig[] = [];

  constructor(
    readonly opts: PlatformOptions,
    speed: number,
  ) {
    this.clock = new Clock(speed);
    this.partyMode = opts.partyMode;
  }

  // ---------------------------------------------------------------- configuration

  addAgent(config: AgentConfig, remember = true): void {
    if (!/^\w+$/.test(config.agentNo ?? '')) throw new ControlError('agentNo must be letters or digits', 'input');
    if (typeof config.appSid !== 'string' || typeof config.pwd !== 'string') throw new ControlError('appSid and pwd must be strings', 'input');
    const key = agentKey(config.appSid, config.agentNo);
    const old = this.agents.get(key);
    const wsAddr = config.wsAddr ?? old?.config.wsAddr ?? '';
    const settings: AgentSettings = {
      appSid: config.appSid,
      agentNo: config.agentNo,
      pwd: config.pwd,
      phoneType: config.phoneType ?? old?.config.phoneType ?? 1,
      pstnNumber: config.pstnNumber ?? old?.config.pstnNumber ?? '',
      sipNumber: config.sipNumber ?? old?.config.sipNumber ?? '',
      sipPwd: config.sipPwd ?? old?.config.sipPwd ?? '',
      wsAddr,
      sipDomain: config.sipDomain ?? old?.config.sipDomain ?? hostOf(wsAddr),
      autoAnswer: config.autoAnswer ?? old?.config.autoAnswer ?? false,
      ...((config.wrapupSeconds ?? old?.config.wrapupSeconds) === undefined ? {} : { wrapupSeconds: config.wrapupSeconds ?? old?.config.wrapupSeconds }),
    };
    if (!(PHONE_TYPES as readonly number[]).includes(settings.phoneType)) throw new ControlError('phoneType must be 1, 2 or 3', 'input');
    if (old !== undefined) {
      old.config = settings;
      if (!old.loggedIn) old.phoneType = settings.phoneType;
    } else {
      this.agents.set(key, {
        key,
        config: settings,
        loggedIn: false,
        phoneType: settings.phoneType,
        workStatus: 'ready',
        pauseCause: '',
        wrapupTimer: null,
        beforeCall: null,
        call: null,
        history: [],
        seq: 0,
        kept: [],
      });
    }
    if (remember) this.configs.push(config);
  }

  /** Back to the configured agents: logged out, no calls, no callbacks, seq from 1 again. */
  reset(): void {
    for (const agent of this.agents.values()) {
      const call = agent.call;
      if (call !== null) this.teardown(call);
    }
    this.clock.clearAll();
    for (const leg of [...this.outsideLegs]) leg.cancel();
    this.agents.clear();
    this.partyModes.clear();
    this.failCallOuts.clear();
    this.partyMode = this.opts.partyMode;
    for (const config of this.configs) this.addAgent(config, false);
  }

  /** The named agent, or the only agent for which `pick` holds. */
  findAgent(agentNo?: string, pick: (a: AgentRuntime) => boolean = () => true, appSid?: string): AgentRuntime {
    const all = [...this.agents.values()].filter((a) => appSid === undefined || a.config.appSid === appSid);
    if (agentNo !== undefined) {
      const found = all.find((a) => a.config.agentNo === agentNo);
      if (found === undefined) throw new ControlError(`no agent ${agentNo}`, 'input');
      return found;
    }
    const fits = all.filter(pick);
    if (fits.length !== 1) throw new ControlError(fits.length === 0 ? 'no agent fits; name agentNo' : `several agents fit (${fits.map((a) => a.config.agentNo).join(', ')}); name agentNo`, 'state');
    return fits[0]!;
  }

  agentFor(appSid: string, agentNo: string): AgentRuntime | undefined {
    return this.agents.get(agentKey(appSid, agentNo));
  }

  setPartyMode(mode: string, number?: string): void {
    if (!(PARTY_MODES as readonly string[]).includes(mode)) throw new ControlError(`mode must be one of ${PARTY_MODES.join(', ')}`, 'input');
    if (number === undefined) this.partyMode = mode as PartyMode;
    else this.partyModes.set(number, mode as PartyMode);
  }

  modeFor(number: string): PartyMode {
    return this.partyModes.get(number) ?? this.partyMode;
  }

  get timing(): PhoneTiming {
    return { ringDelayMs: this.opts.ringDelayMs, answerDelayMs: this.opts.answerDelayMs, noAnswerTimeoutMs: this.opts.noAnswerTimeoutMs };
  }

  // ---------------------------------------------------------------- callbacks

  private emit(agent: AgentRuntime, callback: KeptCallback['callback'], data: Record<string, string>): void {
    const kept: KeptCallback = { seq: ++agent.seq, callback, data, at: Date.now() };
    agent.kept.push(kept);
    if (agent.kept.length > REPLAY_KEEP) agent.kept.splice(0, agent.kept.length - REPLAY_KEEP);
    this.deliver(agent, kept);
  }

  private statusEvent(agent: AgentRuntime, eventName: StatusEventName, extra: { pauseCause?: string; wrapupTime?: string; readyCause?: string } = {}): void {
    this.emit(agent, 'onStatusEvent', {
      eventName,
      appSid: agent.config.appSid,
      agentNo: agent.config.agentNo,
      workStatus: agent.workStatus,
      pauseCause: extra.pauseCause ?? '',
      wrapupTime: extra.wrapupTime ?? '',
      readyCause: extra.readyCause ?? '',
      timestamp: stamp(Date.now()),
    });
  }

  private callEvent(agent: AgentRuntime, call: CtiCall, eventName: CallEventName, extra: { failedCause?: FailedCause; completedCause?: string } = {}): void {
    this.emit(agent, 'onCallEvent', {
      eventName,
      appSid: agent.config.appSid,
      agentNo: agent.config.agentNo,
      agentNumber: this.agentNumber(agent),
      conversationSid: call.conversationSid,
      callSid: call.callSid,
      failedCause: extra.failedCause ?? '',
      completedCause: extra.completedCause ?? '',
      callType: call.callType,
      callSubtype: call.callSubtype,
      callState: call.callState,
      userNumber: call.userNumber,
      userNumberType: numberType(call.userNumber),
      userArea: userArea(call.userNumber),
      isBridged: call.isBridged,
      coAgentNo: '',
      userData: call.userData,
      timestamp: stamp(Date.now()),
    });
  }

  /** 坐席号码: the number of the phone the agent logged in with. */
  agentNumber(agent: AgentRuntime): string {
    return agent.phoneType === 2 ? agent.config.pstnNumber : agent.config.sipNumber;
  }

  /** initial's data (seed 806-814). */
  initialData(agent: AgentRuntime): Record<string, unknown> {
    const c = agent.config;
    return {
      phoneType: agent.phoneType,
      workStatus: !agent.loggedIn ? 0 : agent.workStatus === 'ready' ? 1 : 2,
      pstnNumber: c.pstnNumber,
      sipNumber: c.sipNumber,
      sipPwd: c.sipPwd,
      wsAddr: c.wsAddr,
    };
  }

  // ---------------------------------------------------------------- 坐席状态管理 (seed 916-957)

  login(agent: AgentRuntime, params: Record<string, unknown>): CtiResult {
    const phoneType = toInt(params.phoneType);
    if (phoneType === undefined || !(PHONE_TYPES as readonly number[]).includes(phoneType)) return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('phoneType', '1, 2 或 3'));
    const workStatus = params.workStatus === undefined || params.workStatus === null || params.workStatus === '' ? 1 : toInt(params.workStatus);
    if (workStatus !== 1 && workStatus !== 2) return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('workStatus', '1 或 2'));
    if (phoneType === 2 && agent.config.pstnNumber === '') return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('phoneType', '坐席未绑定 PSTN 电话'));
    if (phoneType !== 2 && agent.config.sipNumber === '') return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('phoneType', '坐席未绑定 SIP 分机'));
    if (agent.loggedIn) return refuse(CTI_CODE.STATE, CTI_MSG.ALREADY_LOGGED_IN);
    agent.loggedIn = true;
    agent.phoneType = phoneType as PhoneType;
    agent.workStatus = workStatus === 1 ? 'ready' : 'pause';
    agent.pauseCause = '';
    this.statusEvent(agent, 'login');
    return OK;
  }

  logout(agent: AgentRuntime): CtiResult {
    if (!agent.loggedIn) return refuse(CTI_CODE.STATE, CTI_MSG.NOT_LOGGED_IN);
    if (agent.call !== null) return refuse(CTI_CODE.STATE, CTI_MSG.IN_CALL);
    this.stopWrapup(agent);
    agent.loggedIn = false;
    agent.workStatus = 'ready';
    agent.pauseCause = '';
    return OK;
  }

  ready(agent: AgentRuntime): CtiResult {
    if (!agent.loggedIn) return refuse(CTI_CODE.STATE, CTI_MSG.NOT_LOGGED_IN);
    if (agent.call !== null) return refuse(CTI_CODE.STATE, CTI_MSG.IN_CALL);
    this.stopWrapup(agent);
    agent.workStatus = 'ready';
    agent.pauseCause = '';
    this.statusEvent(agent, 'ready');
    return OK;
  }

  pause(agent: AgentRuntime, params: Record<string, unknown>): CtiResult {
    const cause = params.pauseCause;
    if (typeof cause !== 'string' || cause.trim() === '') return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('pauseCause'));
    if (cause.length > 64) return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('pauseCause', '最长 64 字'));
    if (!agent.loggedIn) return refuse(CTI_CODE.STATE, CTI_MSG.NOT_LOGGED_IN);
    if (agent.call !== null) return refuse(CTI_CODE.STATE, CTI_MSG.IN_CALL);
    this.stopWrapup(agent);
    agent.workStatus = 'pause';
    agent.pauseCause = cause;
    this.statusEvent(agent, 'pause', { pauseCause: cause });
    return OK;
  }

  // ---------------------------------------------------------------- 呼叫控制 (seed 959-996)

  callOut(agent: AgentRuntime, params: Record<string, unknown>): CtiResult {
    const userNumber = params.userNumber;
    if (typeof userNumber !== 'string' || userNumber === '') return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('userNumber'));
    if (!PHONE_PATTERN.test(userNumber)) return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('userNumber', '应为电话号码'));
    const userData = params.userData ?? '';
    if (typeof userData !== 'string') return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('userData', '应为字符串'));
    if (userData.length > 1024) return refuse(CTI_CODE.BAD_PARAM, CTI_MSG.badParam('userData', '最长 1024 字'));
    if (!agent.loggedIn) return refuse(CTI_CODE.STATE, CTI_MSG.NOT_LOGGED_IN);
    if (agent.call !== null) return refuse(CTI_CODE.STATE, CTI_MSG.BUSY);
    const failures = this.failCallOuts.get(agent.key) ?? 0;
    if (failures > 0) {
      this.failCallOuts.set(agent.key, failures - 1);
      return refuse(CTI_CODE.CALLOUT_FAILED, CTI_MSG.CALLOUT_FAILED);
    }
    const call = this.newCall(agent, 'out', userNumber, userData);
    this.callEvent(agent, call, 'initiated');
    this.ringAgent(agent, call, () => {
      call.phase = 'customerDialling';
      call.customer = ringOutside(
        this.clock,
        this.timing,
        userNumber,
        this.modeFor(userNumber),
        {
          onRinging: () => {
            if (agent.call !== call) return;
            call.phase = 'customerRinging';
            this.callEvent(agent, call, 'ringing');
          },
          onAnswer: () => {
            if (agent.call !== call) return;
            this.connect(agent, call);
          },
          onFail: (cause) => {
            if (agent.call !== call) return;
            call.customer = null;
            this.endCall(agent, call, 'failed', cause);
          },
          onHangup: () => {
            if (agent.call !== call) return;
            call.customer = null;
            this.endCall(agent, call, 'completed');
          },
        },
        this.outsideLegs,
      );
    });
    return OK;
  }

  hangup(agent: AgentRuntime): CtiResult {
    const call = agent.call;
    if (call === null) return refuse(CTI_CODE.NO_CALL, CTI_MSG.NO_CALL);
    this.endByAgent(agent, call);
    return OK;
  }

  bridge(agent: AgentRuntime): CtiResult {
    const call = agent.call;
    if (call === null) return refuse(CTI_CODE.NO_CALL, CTI_MSG.NO_CALL);
    if (call.phase !== 'unbridged') return refuse(CTI_CODE.STATE, CTI_MSG.NO_BRIDGE_NEEDED);
    this.connect(agent, call);
    return OK;
  }

  holdCall(agent: AgentRuntime): CtiResult {
    const call = agent.call;
    if (call === null) return refuse(CTI_CODE.NO_CALL, CTI_MSG.NO_CALL);
    if (call.phase !== 'connected') return refuse(CTI_CODE.STATE, CTI_MSG.NOT_CONNECTED);
    if (call.held) return refuse(CTI_CODE.STATE, CTI_MSG.ALREADY_HELD);
    call.held = true;
    return OK;
  }

  retrieveCall(agent: AgentRuntime): CtiResult {
    const call = agent.call;
    if (call === null) return refuse(CTI_CODE.NO_CALL, CTI_MSG.NO_CALL);
    if (call.phase !== 'connected') return refuse(CTI_CODE.STATE, CTI_MSG.NOT_CONNECTED);
    if (!call.held) return refuse(CTI_CODE.STATE, CTI_MSG.NOT_HELD);
    call.held = false;
    return OK;
  }

  // ---------------------------------------------------------------- incoming and the phones (control)

  /** A customer calls in and the platform offers the call to this agent, which must be ready (not in wrap-up, no call). */
  incoming(agent: AgentRuntime, userNumber: string, userData = ''): CtiCall {
    if (!PHONE_PATTERN.test(userNumber)) throw new ControlError('userNumber must be a phone number', 'input');
    if (!agent.loggedIn) throw new ControlError(`agent ${agent.config.agentNo} is not logged in`, 'state');
    if (agent.call !== null) throw new ControlError(`agent ${agent.config.agentNo} is in a call`, 'state');
    if (agent.workStatus !== 'ready') throw new ControlError(`agent ${agent.config.agentNo} is not ready (${agent.pauseCause || 'pause'})`, 'state');
    const call = this.newCall(agent, 'in', userNumber, userData);
    // The customer is already on the line (the platform's IVR / queue answered it).
    call.customer = answeredParty(userNumber, this.outsideLegs, () => {
      if (agent.call !== call) return;
      call.customer = null;
      if (call.phase === 'agentRinging') this.endCall(agent, call, 'failed', 'canceled');
      else this.endCall(agent, call, 'completed');
    });
    this.callEvent(agent, call, 'ringing');
    this.ringAgent(agent, call, () => {
      if (agent.config.autoAnswer) {
        call.phase = 'unbridged';
        call.answerTime = Date.now();
        this.callEvent(agent, call, 'answered');
      } else this.connect(agent, call);
    });
    return call;
  }

  /** The agent's ringing phone (simulated) picks up or refuses. */
  agentPhone(agent: AgentRuntime, answer: boolean): void {
    const ring = agent.call?.ring;
    if (ring == null) throw new ControlError(`agent ${agent.config.agentNo}'s phone is not ringing`, 'state');
    if (answer) ring.answer();
    else ring.reject();
  }

  /** The agent hangs up on its phone (not through the toolbar). */
  agentHangup(agent: AgentRuntime): void {
    const call = agent.call;
    if (call === null) throw new ControlError(`agent ${agent.config.agentNo} has no call`, 'state');
    if (call.phase === 'agentRinging') call.ring?.reject();
    else this.endByAgent(agent, call);
  }

  /** An outside phone (customer) by number, or the only one in the state wanted. */
  outsideLeg(number: string | undefined, states: OutsideLeg['state'][]): OutsideLeg {
    const legs = [...this.outsideLegs].filter((l) => states.includes(l.state) && (number === undefined || l.number === number));
    if (legs.length === 0) throw new ControlError(number === undefined ? `no outside phone is ${states.join(' or ')}` : `${number} is not ${states.join(' or ')}`, 'state');
    if (legs.length > 1 && number === undefined) throw new ControlError('several outside phones fit; name number', 'state');
    return legs[0]!;
  }

  // ---------------------------------------------------------------- the call's life

  private newCall(agent: AgentRuntime, direction: 'out' | 'in', userNumber: string, userData: string): CtiCall {
    this.captureBeforeCall(agent);
    const at = Date.now();
    const call: CtiCall = {
      conversationSid: newSid('CV', at),
      callSid: newSid('CA', at),
      direction,
      callType: direction === 'out' ? CALL_TYPE.DIAL_OUT : CALL_TYPE.DIAL_IN,
      callSubtype: direction === 'out' ? CALL_SUBTYPE.USER : CALL_SUBTYPE.AGENT,
      userNumber,
      userData,
      phase: 'agentRinging',
      callState: 'ringing',
      isBridged: '0',
      held: false,
      ring: null,
      customer: null,
      phone: agent.phoneType === 2 ? 'pstn' : agent.phoneType === 3 && this.opts.agentLeg !== undefined ? 'webrtc' : 'sip',
      talked: false,
      limitTimer: null,
      beginTime: at,
    };
    agent.call = call;
    return call;
  }

  /** Wrap-up returns to the status the agent had before the call (a wrap-up in progress counts as what it would return to). */
  private captureBeforeCall(agent: AgentRuntime): void {
    if (agent.wrapupTimer !== null) {
      this.clock.clear(agent.wrapupTimer);
      agent.wrapupTimer = null;
      return; // beforeCall is still the one of the previous call
    }
    agent.beforeCall = { workStatus: agent.workStatus, pauseCause: agent.pauseCause };
  }

  private ringAgent(agent: AgentRuntime, call: CtiCall, onAnswer: () => void): void {
    const c = agent.config;
    const hook = call.phone === 'webrtc' ? this.opts.agentLeg : undefined;
    const media = hook !== undefined ? new AbortController() : undefined;
    if (media !== undefined) call.media = media;
    call.ring = ringAgentPhone(
      this.clock,
      {
        channel: call.phone,
        autoAnswer: c.autoAnswer || this.opts.agentAnswer === 'auto',
        answerDelayMs: c.autoAnswer ? 0 : this.opts.agentAnswerDelayMs,
        ringTimeoutMs: this.opts.agentRingTimeoutMs,
        ...(hook !== undefined && media !== undefined
          ? {
              hook: () =>
                hook(
                  { appSid: c.appSid, agentNo: c.agentNo, sipNumber: c.sipNumber, sipDomain: c.sipDomain, wsAddr: c.wsAddr },
                  {
                    sipUri: `sip:${c.sipNumber}@${c.sipDomain}`,
                    callId: call.conversationSid,
                    signal: media.signal,
                    hungUp: () => {
                      if (agent.call === call && !media.signal.aborted) this.agentHangup(agent);
                    },
                  },
                ),
            }
          : {}),
      },
      {
        onAnswer: () => {
          if (agent.call !== call) return;
          call.ring = null;
          onAnswer();
        },
        onFail: (why) => {
          media?.abort();
          if (agent.call !== call) return;
          call.ring = null;
          const cause: FailedCause = why === 'rejected' ? 'failed' : call.direction === 'out' ? 'time-out' : 'no-answer';
          this.endCall(agent, call, 'failed', cause);
        },
      },
    );
  }

  /** The customer and the agent talk: answered with isBridged "1"; the time limit starts. */
  private connect(agent: AgentRuntime, call: CtiCall): void {
    call.phase = 'connected';
    call.callState = 'connected';
    call.isBridged = '1';
    call.talked = true;
    call.answerTime ??= Date.now();
    this.callEvent(agent, call, 'answered');
    const limit = this.opts.callTimeLimitSeconds;
    if (limit > 0) call.limitTimer = this.clock.set(limit * 1000, () => agent.call === call && this.endCall(agent, call, 'completed', TIME_LIMIT));
  }

  /** The agent ends the call (toolbar hangup, its phone, the WebPhone): canceled before anyone talked, else completed. */
  private endByAgent(agent: AgentRuntime, call: CtiCall): void {
    if (call.phase === 'agentRinging' || call.phase === 'customerDialling' || call.phase === 'customerRinging') this.endCall(agent, call, 'failed', 'canceled');
    else this.endCall(agent, call, 'completed');
  }

  private teardown(call: CtiCall): void {
    call.ring?.cancel();
    call.ring = null;
    const customer = call.customer;
    call.customer = null;
    if (customer !== null) customer.cancel();
    call.media?.abort();
    this.clock.clear(call.limitTimer);
    call.limitTimer = null;
  }

  private endCall(agent: AgentRuntime, call: CtiCall, eventName: 'completed' | 'failed', cause = ''): void {
    if (agent.call !== call) return;
    this.teardown(call);
    call.callState = 'idle' satisfies CallState;
    call.endTime = Date.now();
    call.outcome = { eventName, cause };
    agent.call = null;
    agent.history.push(call);
    if (agent.history.length > 50) agent.history.shift();
    if (eventName === 'failed') this.callEvent(agent, call, 'failed', { failedCause: cause as FailedCause });
    else this.callEvent(agent, call, 'completed', { completedCause: cause });
    if (!agent.loggedIn) return;
    if (call.talked) this.startWrapup(agent);
    // a call placed during wrap-up that never connected: the interrupted wrap-up is over
    else if (agent.workStatus === 'pause' && agent.pauseCause === WRAPUP) this.finishWrapup(agent, agent.beforeCall ?? { workStatus: 'ready', pauseCause: '' });
  }

  // ---------------------------------------------------------------- wrap-up (seed 886, 892-899)

  wrapupSeconds(agent: AgentRuntime): number {
    return agent.config.wrapupSeconds ?? this.opts.wrapupSeconds;
  }

  private startWrapup(agent: AgentRuntime): void {
    const seconds = this.wrapupSeconds(agent);
    if (!(seconds > 0)) return;
    const resume = agent.beforeCall ?? { workStatus: 'ready', pauseCause: '' };
    agent.workStatus = 'pause';
    agent.pauseCause = WRAPUP;
    this.statusEvent(agent, 'completed', { pauseCause: WRAPUP, wrapupTime: String(seconds) });
    agent.wrapupTimer = this.clock.set(seconds * 1000, () => {
      agent.wrapupTimer = null;
      this.finishWrapup(agent, resume);
    });
  }

  /** Wrap-up over: autoReady, or back to the pause the agent had before the call. */
  private finishWrapup(agent: AgentRuntime, resume: { workStatus: WorkStatus; pauseCause: string }): void {
    agent.beforeCall = null;
    if (resume.workStatus === 'ready') {
      agent.workStatus = 'ready';
      agent.pauseCause = '';
      this.statusEvent(agent, 'autoReady', { readyCause: WRAPUP });
    } else {
      agent.pauseCause = resume.pauseCause;
      this.statusEvent(agent, 'pause', { pauseCause: resume.pauseCause });
    }
  }

  private stopWrapup(agent: AgentRuntime): void {
    this.clock.clear(agent.wrapupTimer);
    agent.wrapupTimer = null;
    agent.beforeCall = null;
  }
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
