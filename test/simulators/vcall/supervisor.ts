/**
 * 班长 (supervisor, agentType 1) requests: surveillance, forceIdle, forceBusy, forceLogout,
 * listen, forceBreak, forceInsert, intercept, each on the agent named by `beAgentNumber` in the
 * same company. Listen / forceInsert / intercept ring the supervisor's own phone first; a target
 * that is not in a conversation gives ListenFail / ForceInsertFail / InterceptFail.
 */
import { Refusal } from './calls.ts';
import type { AgentRuntime } from './model.ts';
import type { Platform } from './platform.ts';
import { CAUSE, MSG, type NowState } from './rules.ts';

type Body = Record<string, unknown>;

function text(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
}

export function requireSupervisor(agent: AgentRuntime): void {
  if (agent.config.agentType !== 1) throw new Refusal(MSG.notSupervisor);
}

function target(p: Platform, agent: AgentRuntime, body: Body): AgentRuntime {
  const number = text(body, 'beAgentNumber') ?? '';
  const t = p.agent(agent.config.companyId, number);
  if (t === undefined) throw new Refusal(MSG.noTarget);
  if (t === agent) throw new Refusal(MSG.self);
  return t;
}

export function surveillance(p: Platform, agent: AgentRuntime, body: Body, sequence: number): void {
  const groupId = text(body, 'groupId');
  const agentNumber = text(body, 'agentNumber');
  const agentName = text(body, 'agentName');
  const agentState = text(body, 'agentState');
  const direction = text(body, 'callDirection');
  const company = p.company(agent.config.companyId)!;
  if (groupId !== undefined && !company.groups.some((g) => g.id === groupId)) throw new Refusal(MSG.noGroup);
  const now = Date.now();
  const agentList = [...p.agents.values()]
    .filter((a) => a.config.companyId === agent.config.companyId)
    .filter((a) => groupId === undefined || a.config.groupIds.includes(groupId))
    .filter((a) => agentName === undefined || a.config.agentName === agentName)
    .filter((a) => agentState === undefined || a.state === agentState)
    .filter((a) => direction === undefined || (a.leg !== null && String(a.leg.call.direction) === direction))
    .map((a) => {
      const call = a.leg?.call;
      const peer = call === undefined ? '' : call.direction === 0 ? call.caller : call.called;
      return {
        companyId: a.config.companyId,
        agentId: a.config.agentId,
        agentNumber: a.config.agentNumber,
        agentName: a.config.agentName,
        nowState: a.state,
        operatingTime: String(a.stateSince),
        loginTime: a.session === null ? '' : String(a.session.loginTime),
        loginDuration: a.session === null ? '' : String(now - a.session.loginTime),
        peerId: peer,
        callDirection: call === undefined ? '' : String(call.direction),
        groupList: a.config.groupIds.map((id) => ({ id, name: company.groups.find((g) => g.id === id)?.name ?? '' })),
      };
    });
  // The request's agentNumber is the requester (common body); a filter by agent number is the
  // SDK's SurveillanceFilter.agentNumber, which the common field cannot carry: see README.
  void agentNumber;
  p.emit(agent, 'Surveillance', { agentList }, sequence);
}

function forceState(p: Platform, agent: AgentRuntime, body: Body, state: NowState): void {
  const t = target(p, agent, body);
  if (t.session === null) throw new Refusal(MSG.notLoggedIn);
  if (p.inCall(t)) throw new Refusal(MSG.inCall);
  p.setState(t, state);
  if (state === 'Idle') p.emit(t, 'Idle', { loginType: String(p.loginType(t)) });
  else {
    t.currentBusyType = '';
    p.emit(t, 'Busy', { currentBusyType: '' });
  }
}

export function forceIdle(p: Platform, agent: AgentRuntime, body: Body): void {
  forceState(p, agent, body, 'Idle');
}

export function forceBusy(p: Platform, agent: AgentRuntime, body: Body): void {
  forceState(p, agent, body, 'Busy');
}

export function forceLogout(p: Platform, agent: AgentRuntime, body: Body): void {
  const t = target(p, agent, body);
  if (t.session === null) throw new Refusal(MSG.notLoggedIn);
  p.dropSessionWithEvent(t, 'Logout', null);
}

export function forceBreak(p: Platform, agent: AgentRuntime, body: Body, sequence: number): void {
  const t = target(p, agent, body);
  if (t.leg === null) throw new Refusal(MSG.notInCall);
  p.emit(agent, 'ForceBreak', null, sequence);
  const call = t.leg.call;
  if (t.leg.consultedBy !== undefined || call.agents.size > 1) p.endLeg(t, CAUSE.MANAGER_REQUEST, 1);
  else p.endCall(call, CAUSE.MANAGER_REQUEST, null);
}

type Join = 'listen' | 'forceInsert' | 'intercept';
const JOIN_EVENTS = {
  listen: ['Listen', 'Listening', 'ListenFail'],
  forceInsert: ['ForceInsert', 'ForceInserting', 'ForceInsertFail'],
  intercept: ['Intercept', 'Intercepting', 'InterceptFail'],
} as const;

/** listen / forceInsert / intercept: the supervisor's phone rings, then it joins the target's call. */
export function join(p: Platform, agent: AgentRuntime, body: Body, kind: Join, sequence: number): void {
  const t = target(p, agent, body);
  if (p.inCall(agent)) throw new Refusal(MSG.inCall);
  const [ack, ok, fail] = JOIN_EVENTS[kind];
  p.emit(agent, ack, null, sequence);
  const tleg = t.leg;
  if (tleg === null || tleg.phase !== 'talking' || t.session === null) {
    p.emit(agent, fail, null);
    return;
  }
  const before = agent.state;
  const call = tleg.call;
  const leg = p.newLeg(call, kind, 'agentRinging');
  leg.supervising = t.key;
  agent.leg = leg;
  p.ringAgent(
    agent,
    'default',
    () => {
      if (call.ended || t.leg?.call !== call) {
        agent.leg = null;
        p.emit(agent, fail, null);
        return;
      }
      leg.phase = 'talking';
      if (kind !== 'listen') call.agents.add(agent.key);
      if (kind === 'intercept') {
        delete leg.supervising;
        p.endLeg(t, CAUSE.PICKED_OFF, 1);
      }
      p.emit(agent, ok, null);
      p.callEvent(agent, 'Conversation');
    },
    () => {
      agent.leg = null;
      p.setState(agent, before);
      p.emit(agent, fail, null);
    },
  );
}
