/**
 * Types of the v-call simulator: companies and agents as configured, an agent's session and call
 * leg at run time, the shared call, the published-event record. No behaviour.
 */
import type { CallType, LoginType, NowState } from './rules.ts';

export { ControlError } from '../control.ts';

export interface SkillGroup {
  id: string;
  name: string;
  /** GroupInfo's `type` (seed 3620). */
  type?: string;
}

export interface IvrTemplate {
  id: string;
  name: string;
}

export interface CompanyConfig {
  companyId: string;
  /** 企业简称 (SDK option companyShortName). */
  shortName?: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The company's busy types; the Login event's `busyType` lists them comma-separated. */
  busyTypes?: string[];
  groups?: SkillGroup[];
  ivrs?: IvrTemplate[];
  /** 外显号码 allotted to the company (`callnum` must be one of them). */
  callnums?: string[];
  /** sip/makecall type "click" needs approval (seed 5254). Default false. */
  clickApproved?: boolean;
}

export interface AgentConfig {
  companyId: string;
  agentNumber: string;
  password: string;
  agentId?: string;
  agentName?: string;
  /** 0 普通座席, 1 班长, 2 分机 (seed 3062). Default 0. */
  agentType?: 0 | 1 | 2;
  /** Skill groups (ids of the company's groups); the first is the master group. Default: the company's first. */
  groupIds?: string[];
  /** The agent's mobile phone (loginType 2, callAgentType phone). */
  mobile?: string;
  sipId?: string;
  sipPassword?: string;
  domain?: string;
  webrtcSipId?: string;
  webrtcSipPassword?: string;
  webrtcDomain?: string;
  /** 坐席外呼开关 (seed 3068). Default 1. */
  agentMakeCall?: 0 | 1;
  /** Whether the SIP phone is registered (Login `registered`). Default true. */
  sipRegistered?: boolean;
  /** agentAutoIdleTime seconds after a call (-1 = stays in After). Default: the simulator's. */
  autoIdleSeconds?: number;
  /** STOMP destination of this agent's events. Default /queue/vcall.<companyId>.<agentNumber>. */
  subscribePath?: string;
  /** The agent's phone (sip / mobile) answers by itself. Default: the simulator's. */
  autoAnswer?: boolean;
}

export interface Session {
  /** ccs token (Login data.token). */
  token: string;
  loginType: LoginType;
  loginTime: number;
  /** Last request (any) from this agent, for the idle-session expiry. */
  lastSeen: number;
}

/** An outside phone (customer, consulted number, callback leg) as the simulator rings it. */
export interface OutsideLeg {
  id: string;
  number: string;
  state: 'dialling' | 'ringing' | 'answered' | 'ended';
  ringTime?: number;
  answerTime?: number;
  /** Cancel the ringing (no callbacks afterwards). */
  cancel(): void;
  /** Control: answer / fail now (manual mode or to cut a delay short). */
  answer(): void;
  fail(cause: number): void;
  /** The party hangs up after answering. */
  hangup(): void;
}

/** The agent's own phone ringing for a call (sip phone, mobile, WebRTC). */
export interface AgentRing {
  callId: string;
  channel: 'sip' | 'mobile' | 'webrtc';
  answer(): void;
  reject(): void;
  cancel(): void;
}

/** One call as the platform sees it: a customer side (may be absent) and the agents bridged in. */
export interface Call {
  occCallId: string;
  userData: string;
  /** 0 inbound, 1 outbound (event schema, seed 3207). */
  direction: 0 | 1;
  caller: string;
  called: string;
  customer: OutsideLeg | null;
  customerHeld: boolean;
  /** Agents (key) bridged with the customer or each other. */
  agents: Set<string>;
  inQueueTime?: number;
  beginTime: number;
  ended: boolean;
  origin: 'makeCall' | 'openCall' | 'incoming' | 'agentDial' | 'callback' | 'consult';
}

export interface Consult {
  type: 1 | 2 | 3 | 4;
  target: string;
  /** Agent key when the target is an agent (types 1, 3). */
  agentKey?: string;
  outside?: OutsideLeg;
  state: 'ringing' | 'up';
  /** transferCall (blind) in progress rather than consultCall. */
  blindTransfer: boolean;
}

/** An agent's part in a call. */
export interface AgentLeg {
  call: Call;
  callType: CallType;
  phase: 'dialling' | 'agentRinging' | 'agentUp' | 'calledRinging' | 'talking';
  ring: AgentRing | null;
  /** Which of the agent's phones the platform rang for this leg. */
  phone?: 'sip' | 'mobile' | 'webrtc';
  /** The WebRTC leg's SIP call (the agentLeg hook): aborted when the platform ends the leg. */
  media?: AbortController;
  beginTime: number;
  ringTime?: number;
  answerTime?: number;
  held: boolean;
  muted: boolean;
  /** This agent's consultation or blind transfer, while one is up. */
  consult: Consult | null;
  /** Set when this agent is the consulted / transfer-target party of `by` (agent key). */
  consultedBy?: string;
  /** This agent's view of the direction when it differs from the call's (the callee of an agent-to-agent call). */
  direction?: 0 | 1;
  /** Supervisor legs: the supervised agent's key. */
  supervising?: string;
  lastEvent: string;
}

export interface AgentRuntime {
  key: string;
  config: Required<Omit<AgentConfig, 'autoIdleSeconds' | 'autoAnswer'>> & { autoIdleSeconds?: number; autoAnswer?: boolean };
  session: Session | null;
  state: NowState;
  stateSince: number;
  currentBusyType: string;
  leg: AgentLeg | null;
  afterTimer: NodeJS.Timeout | null;
  /** SIP/webrtc phone registered (Login `registered`). */
  registered: boolean;
}

/** One published event as the log keeps it. */
export interface PublishedEvent {
  destination: string;
  agent: string;
  event: Record<string, unknown>;
}

export function agentKey(companyId: string, agentNumber: string): string {
  return `${companyId}/${agentNumber}`;
}
