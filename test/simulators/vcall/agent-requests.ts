/**
 * POST /ccs/api/agent/control: checks the common body (companyId, agentNumber, request,
 * sequence) and the request's own fields, refuses what the agent's state forbids, and runs the
 * request. The reply only acknowledges (`{"code":"0","data":{"sequence":…},"msg":"success"}` or
 * `{"code":"-1",…,"msg":<reason>}`); what happens arrives as events.
 */
import { Refusal, cancelCall, hold, mute, startOutbound } from './calls.ts';
import { consultCall, consultCancel, transferCall, transferCancel, tripartiteTalk } from './consult.ts';
import type { AgentRuntime } from './model.ts';
import { hex, type Platform } from './platform.ts';
import { CALL_AGENT_TYPES, LOGIN_TYPES, MSG, REQUEST_FIELDS, SUPERVISOR_REQUESTS, TARGET_TYPES, type CallAgentType, type LoginType, type TargetType } from './rules.ts';
import { forceBreak, forceBusy, forceIdle, forceLogout, join, requireSupervisor, surveillance } from './supervisor.ts';

type Body = Record<string, unknown>;

export interface ControlReplyBody {
  code: '0' | '-1';
  data: { sequence: unknown } | null;
  msg: string;
}

/** A field as text: strings as they are, numbers written out; other types → undefined. */
function text(body: Body, key: string): string | undefined {
  const v = body[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** An enumerated number sent as a JSON number or a numeric string ("1" in the document's example). */
function numberIn<T extends number>(body: Body, key: string, allowed: readonly T[], fallback?: T): T {
  const v = body[key];
  if ((v === undefined || v === null || v === '') && fallback !== undefined) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!(allowed as readonly number[]).includes(n)) throw new Refusal(MSG.badValue(key));
  return n as T;
}

export function handleAgentControl(p: Platform, body: unknown): ControlReplyBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(null, MSG.badJson);
  const b = body as Body;
  const sequence = b.sequence ?? 0;
  try {
    for (const key of ['companyId', 'agentNumber', 'request']) {
      if (text(b, key) === undefined || text(b, key) === '') throw new Refusal(MSG.missing(key));
    }
    const request = text(b, 'request')!;
    if (!Object.hasOwn(REQUEST_FIELDS, request)) throw new Refusal(MSG.unknownRequest(request));
    if (p.company(text(b, 'companyId')!) === undefined) throw new Refusal(MSG.noCompany);
    const agent = p.agent(text(b, 'companyId')!, text(b, 'agentNumber')!);
    if (agent === undefined) throw new Refusal(MSG.noAgent);
    for (const key of REQUEST_FIELDS[request]!) {
      const v = b[key];
      if (v === undefined || v === null || v === '') throw new Refusal(MSG.missing(key));
    }
    const seq = typeof sequence === 'number' ? sequence : Number(sequence) || 0;
    if (request === 'login') login(p, agent, b, seq);
    else {
      if (agent.session === null) throw new Refusal(MSG.notLoggedIn);
      agent.session.lastSeen = Date.now();
      if ((SUPERVISOR_REQUESTS as readonly string[]).includes(request)) requireSupervisor(agent);
      run(p, agent, request, b, seq);
    }
    return { code: '0', data: { sequence }, msg: MSG.success };
  } catch (error) {
    if (error instanceof Refusal) return refuse(sequence, error.message);
    throw error;
  }
}

function refuse(sequence: unknown, msg: string): ControlReplyBody {
  return { code: '-1', data: sequence === null ? null : { sequence }, msg };
}

/** The Login / Reconnect data (seed 2960-3092, 3098-3147). */
export function loginData(p: Platform, agent: AgentRuntime): Record<string, unknown> {
  const c = agent.config;
  const company = p.company(c.companyId)!;
  return {
    token: agent.session?.token ?? '',
    sipId: c.sipId,
    sipPassword: c.sipPassword,
    domain: c.domain,
    agentType: c.agentType,
    groupIdList: [...c.groupIds],
    ivrList: company.ivrs.map((i) => ({ id: i.id, name: i.name })),
    busyType: company.busyTypes.join(','),
    agentMakeCall: c.agentMakeCall,
    registered: agent.registered ? 1 : 0,
    loginType: String(p.loginType(agent)),
    webrtcSipId: c.webrtcSipId,
    webrtcSipPassword: c.webrtcSipPassword,
    webrtcDomain: c.webrtcDomain,
    currentBusyType: agent.currentBusyType,
    groupInfoList: c.groupIds.map((id, i) => ({ id, name: company.groups.find((g) => g.id === id)?.name ?? '', isMaster: i === 0 })),
  };
}

/**
 * login: the first login gives Login (nowState Login); while the session is cached (not logged
 * out, kicked or expired) logging in again gives Reconnect with the agent's current state.
 */
function login(p: Platform, agent: AgentRuntime, b: Body, sequence: number): void {
  if (text(b, 'password') !== agent.config.password) throw new Refusal(MSG.wrongPassword);
  const loginType = numberIn<LoginType>(b, 'loginType', LOGIN_TYPES);
  if (agent.session !== null) {
    if (!p.inCall(agent)) agent.session.loginType = loginType;
    agent.session.lastSeen = Date.now();
    reconnect(p, agent, sequence);
    return;
  }
  const now = Date.now();
  agent.session = { token: hex(16), loginType, loginTime: now, lastSeen: now };
  agent.currentBusyType = '';
  p.setState(agent, 'Login');
  p.emit(agent, 'Login', loginData(p, agent), sequence);
}

/** Reconnect (restores the agent's state): then the call's latest event again, if a call is up. */
function reconnect(p: Platform, agent: AgentRuntime, sequence: number): void {
  p.emit(agent, 'Reconnect', loginData(p, agent), sequence);
  const leg = agent.leg;
  if (leg !== null && leg.lastEvent !== '') {
    const event = leg.lastEvent as 'AgentRinging';
    const withCallType = event !== 'AgentRinging' && event !== 'AgentAnswer' && event !== ('AgentOriginate' as string);
    p.emit(agent, event, p.callData(agent, withCallType));
  }
}

function run(p: Platform, agent: AgentRuntime, request: string, b: Body, seq: number): void {
  switch (request) {
    case 'logout':
      if (p.inCall(agent)) throw new Refusal(MSG.inCall);
      p.dropSessionWithEvent(agent, 'Logout', null, seq);
      return;
    case 'reconnect':
      reconnect(p, agent, seq);
      return;
    case 'idle':
      if (p.inCall(agent)) throw new Refusal(MSG.inCall);
      agent.currentBusyType = '';
      p.setState(agent, 'Idle');
      p.emit(agent, 'Idle', { loginType: String(p.loginType(agent)) }, seq);
      return;
    case 'busy': {
      if (p.inCall(agent)) throw new Refusal(MSG.inCall);
      const busyType = text(b, 'busyType') ?? '';
      if (busyType !== '' && !p.company(agent.config.companyId)!.busyTypes.includes(busyType)) throw new Refusal(MSG.busyTypeUnknown);
      agent.currentBusyType = busyType;
      p.setState(agent, 'Busy');
      p.emit(agent, 'Busy', { currentBusyType: busyType }, seq);
      return;
    }
    case 'makeCall': {
      const callAgentType = (text(b, 'callAgentType') ?? 'default') || 'default';
      if (!(CALL_AGENT_TYPES as readonly string[]).includes(callAgentType)) throw new Refusal(MSG.badValue('callAgentType'));
      const caller = text(b, 'caller');
      const callId = text(b, 'callId');
      startOutbound(p, agent, {
        called: text(b, 'called') ?? '',
        callAgentType: callAgentType as CallAgentType,
        origin: 'makeCall',
        sequence: seq,
        ...(caller === undefined ? {} : { caller }),
        ...(callId === undefined ? {} : { callId }),
      });
      return;
    }
    case 'cancelCall':
      cancelCall(p, agent, seq);
      return;
    case 'hold':
    case 'unHold':
      hold(p, agent, request === 'hold');
      return;
    case 'mute':
    case 'unmute':
      mute(p, agent, request === 'mute', seq);
      return;
    case 'consultCall':
      consultCall(p, agent, numberIn<TargetType>(b, 'consultType', TARGET_TYPES), text(b, 'consultId') ?? '', seq);
      return;
    case 'consultCancel':
      consultCancel(p, agent, seq);
      return;
    case 'transferCall':
      transferCall(p, agent, numberIn<TargetType>(b, 'transferType', TARGET_TYPES), text(b, 'transferId') ?? '', numberIn<0 | 1>(b, 'transferMode', [0, 1], 0), seq);
      return;
    case 'transferCancel':
      transferCancel(p, agent, seq);
      return;
    case 'tripartiteTalk':
      tripartiteTalk(p, agent, seq);
      return;
    case 'idleAgent': {
      const groupId = text(b, 'groupId')!;
      if (!p.company(agent.config.companyId)!.groups.some((g) => g.id === groupId)) throw new Refusal(MSG.noGroup);
      const agentList = [...p.agents.values()]
        .filter((a) => a.config.companyId === agent.config.companyId && a.config.groupIds.includes(groupId) && a.session !== null && a.state === 'Idle')
        .map((a) => ({ agentId: a.config.agentId, agentNumber: a.config.agentNumber, agentName: a.config.agentName }));
      p.emit(agent, 'IdleAgent', { agentList }, seq);
      return;
    }
    case 'heartbeat':
      return;
    case 'surveillance':
      surveillance(p, agent, b, seq);
      return;
    case 'forceIdle':
      forceIdle(p, agent, b);
      return;
    case 'forceBusy':
      forceBusy(p, agent, b);
      return;
    case 'forceLogout':
      forceLogout(p, agent, b);
      return;
    case 'forceBreak':
      forceBreak(p, agent, b, seq);
      return;
    case 'listen':
    case 'forceInsert':
    case 'intercept':
      join(p, agent, b, request, seq);
      return;
    default:
      throw new Refusal(MSG.unknownRequest(request));
  }
}
