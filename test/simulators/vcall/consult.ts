/**
 * Consultation, transfer and three-way calls of an agent in a conversation: consultCall /
 * consultCancel, transferCall (0 blind / 1 consultative), transferCancel, tripartiteTalk. The
 * target is an agent (1), an outside number (2), a skill group's idle agent (3) or an IVR (4).
 * The customer is held while the agent consults or transfers; a request the agent's own state
 * forbids is refused ("-1"); a target that cannot be reached gives the *Fail event.
 */
import { Refusal, consultedHungUp } from './calls.ts';
import type { AgentRuntime, Call, Consult } from './model.ts';
import type { Platform } from './platform.ts';
import { CAUSE, MSG, type TargetType } from './rules.ts';

interface Outcome {
  up: () => void;
  fail: () => void;
}

/** Resolves the target; throws Refusal for an unknown agent / group / IVR. Returns null if no agent is free. */
function targetAgent(p: Platform, agent: AgentRuntime, type: TargetType, id: string): AgentRuntime | null | undefined {
  const companyId = agent.config.companyId;
  if (type === 1) {
    const target = p.agent(companyId, id);
    if (target === undefined) throw new Refusal(MSG.noTarget);
    if (target === agent) throw new Refusal(MSG.self);
    return target.session !== null && target.state === 'Idle' && target.leg === null ? target : null;
  }
  if (type === 3) {
    if (!p.company(companyId)?.groups.some((g) => g.id === id)) throw new Refusal(MSG.noGroup);
    const idle = [...p.agents.values()]
      .filter((a) => a !== agent && a.config.companyId === companyId && a.config.groupIds.includes(id) && a.session !== null && a.state === 'Idle' && a.leg === null)
      .sort((a, b) => a.stateSince - b.stateSince);
    return idle[0] ?? null;
  }
  if (type === 4 && !p.company(companyId)?.ivrs.some((i) => i.id === id)) throw new Refusal(MSG.noTarget);
  return undefined;
}

/** Rings the target; `outcome` runs once it answers or fails. */
function reach(p: Platform, agent: AgentRuntime, consult: Consult, target: AgentRuntime | null | undefined, outcome: Outcome): void {
  const type = consult.type;
  if (type === 4) {
    queueMicrotask(() => {
      if (agent.leg?.consult === consult) outcome.up();
    });
    return;
  }
  if (type === 2) {
    consult.outside = p.ringOutside(consult.target, {
      onAnswer: () => {
        if (agent.leg?.consult === consult) outcome.up();
      },
      onFail: () => {
        if (agent.leg?.consult === consult) outcome.fail();
      },
      onHangup: () => {
        if (agent.leg?.consult === consult) consultedHungUp(p, agent);
      },
    });
    return;
  }
  if (target === null || target === undefined) {
    queueMicrotask(() => {
      if (agent.leg?.consult === consult) outcome.fail();
    });
    return;
  }
  consult.agentKey = target.key;
  const consultCall: Call = {
    occCallId: p.newCallId(),
    userData: agent.leg?.call.userData ?? '',
    direction: 0,
    caller: agent.config.agentNumber,
    called: target.config.agentNumber,
    customer: null,
    customerHeld: false,
    agents: new Set([target.key]),
    beginTime: Date.now(),
    ended: false,
    origin: 'consult',
  };
  const leg = p.newLeg(consultCall, consult.blindTransfer ? 'transfer' : 'consult', 'agentRinging');
  leg.consultedBy = agent.key;
  target.leg = leg;
  p.callEvent(target, 'AgentRinging');
  p.ringAgent(
    target,
    'default',
    () => {
      leg.phase = 'talking';
      p.callEvent(target, 'AgentAnswer');
      if (!consult.blindTransfer) p.callEvent(target, 'Conversation');
      if (agent.leg?.consult === consult) outcome.up();
    },
    (cause) => {
      p.endLeg(target, cause, 1);
      if (agent.leg?.consult === consult) outcome.fail();
    },
  );
}

function talkingLeg(agent: AgentRuntime) {
  const leg = agent.leg;
  if (leg === null) throw new Refusal(MSG.notInCall);
  if (leg.phase !== 'talking' || leg.consultedBy !== undefined || leg.supervising !== undefined) throw new Refusal(MSG.notTalking);
  if (leg.consult !== null) throw new Refusal(leg.consult.blindTransfer ? MSG.transferring : MSG.consulting);
  return leg;
}

function setHeld(agent: AgentRuntime, held: boolean): void {
  if (agent.leg === null) return;
  agent.leg.held = held;
  agent.leg.call.customerHeld = held;
}

export function consultCall(p: Platform, agent: AgentRuntime, type: TargetType, id: string, sequence: number): void {
  const leg = talkingLeg(agent);
  const target = targetAgent(p, agent, type, id);
  const consult: Consult = { type, target: id, state: 'ringing', blindTransfer: false };
  leg.consult = consult;
  setHeld(agent, true);
  p.emit(agent, 'ConsultCall', null, sequence);
  reach(p, agent, consult, target, {
    up: () => {
      consult.state = 'up';
      p.emit(agent, 'ConsultCalling', null);
    },
    fail: () => {
      leg.consult = null;
      setHeld(agent, false);
      p.emit(agent, 'ConsultCallFail', null);
    },
  });
}

/** Stops this agent's consultation / pending transfer, if any (its target's leg ends with `cause`). */
export function endConsultOf(p: Platform, agent: AgentRuntime, cause: number): void {
  const consult = agent.leg?.consult;
  if (consult === null || consult === undefined || agent.leg === null) return;
  agent.leg.consult = null;
  if (consult.agentKey !== undefined) {
    const target = p.agents.get(consult.agentKey);
    if (target?.leg?.consultedBy === agent.key) p.endLeg(target, target.leg.phase === 'talking' ? cause : CAUSE.ORIGINATOR_CANCEL, 1);
  }
  if (consult.outside !== undefined) consult.outside.cancel();
}

export function consultCancel(p: Platform, agent: AgentRuntime, sequence: number): void {
  const consult = agent.leg?.consult;
  if (consult === null || consult === undefined || consult.blindTransfer) throw new Refusal(MSG.noConsult);
  endConsultOf(p, agent, CAUSE.NORMAL);
  setHeld(agent, false);
  p.emit(agent, 'ConsultCancel', null, sequence);
}

/** The consulted / transfer-target agent takes over (or joins) the customer's call. */
function bringIn(p: Platform, agent: AgentRuntime, consult: Consult, callType: 'transfer' | 'consult'): void {
  const main = agent.leg!.call;
  const target = consult.agentKey === undefined ? undefined : p.agents.get(consult.agentKey);
  if (target?.leg?.consultedBy !== agent.key) return;
  target.leg.call.ended = true;
  target.leg.call = main;
  target.leg.callType = callType;
  delete target.leg.consultedBy;
  main.agents.add(target.key);
  p.callEvent(target, 'Conversation');
}

export function transferCall(p: Platform, agent: AgentRuntime, type: TargetType, id: string, mode: 0 | 1, sequence: number): void {
  const leg = agent.leg;
  if (leg === null) throw new Refusal(MSG.notInCall);
  if (mode === 1) {
    const consult = leg.consult;
    if (consult === null || consult.blindTransfer) throw new Refusal(MSG.noConsult);
    if (consult.state !== 'up') throw new Refusal(MSG.consulting);
    p.emit(agent, 'ConsultTransfer', null, sequence);
    leg.consult = null;
    setHeld(agent, false);
    bringIn(p, agent, consult, 'transfer');
    p.endLeg(agent, CAUSE.ATTENDED_TRANSFER, 0);
    return;
  }
  talkingLeg(agent);
  const target = targetAgent(p, agent, type, id);
  const consult: Consult = { type, target: id, state: 'ringing', blindTransfer: true };
  leg.consult = consult;
  setHeld(agent, true);
  p.emit(agent, 'TransferCall', null, sequence);
  p.emit(agent, 'TransferCalling', null);
  reach(p, agent, consult, target, {
    up: () => {
      leg.consult = null;
      bringIn(p, agent, consult, 'transfer');
      leg.call.customerHeld = false;
      p.endLeg(agent, CAUSE.BLIND_TRANSFER, 0);
    },
    fail: () => {
      leg.consult = null;
      setHeld(agent, false);
      p.emit(agent, 'TransferCallFail', null);
    },
  });
}

export function transferCancel(p: Platform, agent: AgentRuntime, sequence: number): void {
  const consult = agent.leg?.consult;
  if (consult === null || consult === undefined || !consult.blindTransfer) throw new Refusal(MSG.noTransfer);
  endConsultOf(p, agent, CAUSE.ORIGINATOR_CANCEL);
  setHeld(agent, false);
  p.emit(agent, 'TransferCancel', null, sequence);
}

export function tripartiteTalk(p: Platform, agent: AgentRuntime, sequence: number): void {
  const leg = agent.leg;
  if (leg === null) throw new Refusal(MSG.notInCall);
  const consult = leg.consult;
  if (consult === null || consult.blindTransfer) throw new Refusal(MSG.noConsult);
  p.emit(agent, 'TripartiteTalk', null, sequence);
  if (consult.state !== 'up') {
    p.emit(agent, 'TripartiteTalkFail', null);
    return;
  }
  leg.consult = null;
  setHeld(agent, false);
  bringIn(p, agent, consult, 'consult');
  p.emit(agent, 'TripartiteTalking', null);
}
