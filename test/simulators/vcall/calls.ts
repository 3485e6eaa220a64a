/**
 * Calls of one agent with a customer: makeCall (and agent/open/call, which is the same outbound
 * call started by the API), an incoming call delivered to an agent, a call dialled on the agent's
 * own phone (AgentOriginate), cancelCall, hold/unHold, mute/unmute, and the customer-side control
 * steps (answer, busy, no answer, hang up).
 */
import { endConsultOf } from './consult.ts';
import { ControlError, type AgentRuntime, type Call, type OutsideLeg } from './model.ts';
import type { Platform } from './platform.ts';
import { CAUSE, MSG, type CallAgentType, type NowState } from './rules.ts';

/** A request refused with code "-1" and this msg. */
export class Refusal extends Error {}

export interface OutboundOptions {
  called: string;
  caller?: string;
  callId?: string;
  userData?: string;
  callAgentType: CallAgentType;
  origin: 'makeCall' | 'openCall';
  sequence: number;
}

function newCall(p: Platform, fields: Pick<Call, 'direction' | 'caller' | 'called' | 'origin'> & { occCallId?: string; userData?: string }): Call {
  const call: Call = {
    occCallId: fields.occCallId ?? p.newCallId(),
    userData: fields.userData ?? '',
    direction: fields.direction,
    caller: fields.caller,
    called: fields.called,
    customer: null,
    customerHeld: false,
    agents: new Set(),
    beginTime: Date.now(),
    ended: false,
    origin: fields.origin,
  };
  p.calls.set(call.occCallId, call);
  return call;
}

/** The agent's default display number: `caller`, else the company's first callnum, else its sipId. */
function displayNumber(p: Platform, agent: AgentRuntime, caller?: string): string {
  if (caller !== undefined && caller !== '') return caller;
  return p.company(agent.config.companyId)?.callnums[0] ?? agent.config.sipId;
}

/**
 * Outbound: MakeCall → AgentRinging → (agent answers) AgentAnswer → CalledRinging →
 * CalledAnswer → Conversation. The agent's phone failing gives MakeCallFail (text cause) and
 * the state before the call; the customer failing gives After with the cause.
 */
export function startOutbound(p: Platform, agent: AgentRuntime, o: OutboundOptions): Call {
  if (p.inCall(agent)) throw new Refusal(MSG.inCall);
  if (agent.config.agentMakeCall !== 1) throw new Refusal(MSG.noMakeCall);
  const before: NowState = agent.state === 'After' ? 'Idle' : agent.state;
  const call = newCall(p, {
    direction: 1,
    caller: displayNumber(p, agent, o.caller),
    called: o.called,
    origin: o.origin,
    ...(o.callId === undefined || o.callId === '' ? {} : { occCallId: o.callId }),
    ...(o.userData === undefined ? {} : { userData: o.userData }),
  });
  agent.leg = p.newLeg(call, 'normal', 'dialling');
  call.agents.add(agent.key);
  p.setState(agent, 'MakeCall');
  p.emit(agent, 'MakeCall', null, o.sequence, call);
  const scripted = p.beforeMakeCall(agent);
  if (scripted !== undefined) {
    agent.leg = null;
    call.ended = true;
    p.setState(agent, before);
    p.emit(agent, 'MakeCallFail', { cause: scripted }, 0, call);
    return call;
  }
  agent.leg.phase = 'agentRinging';
  p.callEvent(agent, 'AgentRinging');
  p.ringAgent(
    agent,
    o.callAgentType,
    () => {
      p.callEvent(agent, 'AgentAnswer');
      const callee = p.agent(agent.config.companyId, call.called);
      if (callee !== undefined && callee !== agent) dialAgent(p, agent, callee, call);
      else dialCustomer(p, agent, call);
    },
    (_cause, text) => {
      agent.leg = null;
      call.ended = true;
      p.setState(agent, before);
      p.emit(agent, 'MakeCallFail', { cause: text }, 0, call);
    },
  );
  return call;
}

/** The customer side of an outbound call (after the agent's phone answered). */
function dialCustomer(p: Platform, agent: AgentRuntime, call: Call): void {
  const leg = agent.leg;
  if (leg === null) return;
  leg.phase = 'calledRinging';
  call.customer = p.ringOutside(call.called, {
    onRinging: () => {
      if (agent.leg === leg) p.callEvent(agent, 'CalledRinging');
    },
    onAnswer: () => {
      if (agent.leg !== leg) return;
      leg.phase = 'talking';
      p.callEvent(agent, 'CalledAnswer');
      p.callEvent(agent, 'Conversation');
    },
    onFail: (cause) => p.endCall(call, cause, null),
    onHangup: () => customerHungUp(p, call),
  });
}

/**
 * `called` is an agent number of the company (the SDK's calledType 1, seed 2629, 3977): that
 * agent's phone rings (AgentRinging, callDirection 0 for it) while the caller hears CalledRinging.
 * A callee not logged in ends the call with 2137 座席未登录, a callee not Idle with 1017 用户忙.
 */
function dialAgent(p: Platform, agent: AgentRuntime, callee: AgentRuntime, call: Call): void {
  const leg = agent.leg;
  if (leg === null) return;
  leg.phase = 'calledRinging';
  if (callee.session === null || callee.state !== 'Idle' || callee.leg !== null) {
    const cause = callee.session === null ? CAUSE.AGENT_NOT_LOGGED_IN : CAUSE.USER_BUSY;
    queueMicrotask(() => p.endCall(call, cause, null));
    return;
  }
  const calleeLeg = p.newLeg(call, 'normal', 'agentRinging');
  calleeLeg.direction = 0;
  callee.leg = calleeLeg;
  call.agents.add(callee.key);
  p.callEvent(callee, 'AgentRinging');
  p.callEvent(agent, 'CalledRinging');
  p.ringAgent(
    callee,
    'default',
    () => {
      calleeLeg.phase = 'talking';
      leg.phase = 'talking';
      p.callEvent(callee, 'AgentAnswer');
      p.callEvent(agent, 'CalledAnswer');
      p.callEvent(agent, 'Conversation');
      p.callEvent(callee, 'Conversation');
    },
    (cause) => p.endCall(call, cause, callee.key),
  );
}

function customerHungUp(p: Platform, call: Call): void {
  for (const agent of p.agents.values()) {
    if (agent.leg?.call === call) endConsultOf(p, agent, CAUSE.NORMAL);
  }
  p.endCall(call, CAUSE.NORMAL, null);
}

/**
 * An outside caller reaches an agent (a queue delivering to it): AgentRinging (callDirection 0),
 * the agent's phone rings; answered → AgentAnswer → Conversation; not answered → After
 * (1607 振铃超时 / 1021 拒绝应答). The agent must be logged in and Idle.
 */
export function deliverIncoming(p: Platform, agent: AgentRuntime, o: { caller: string; called: string; userData?: string; groupId?: string }): Call {
  if (agent.session === null) throw new ControlError(`agent ${agent.config.agentNumber} is not logged in`, 'state');
  if (agent.state !== 'Idle') throw new ControlError(`agent ${agent.config.agentNumber} is ${agent.state}, not Idle`, 'state');
  const call = newCall(p, { direction: 0, caller: o.caller, called: o.called, origin: 'incoming', ...(o.userData === undefined ? {} : { userData: o.userData }) });
  call.inQueueTime = Date.now();
  let hungUpEarly = false;
  call.customer = {
    id: `in-${call.occCallId}`,
    number: o.caller,
    state: 'answered',
    answerTime: call.inQueueTime,
    cancel: () => {
      if (call.customer !== null) call.customer.state = 'ended';
    },
    answer: () => {},
    fail: () => {},
    hangup: () => {
      if (call.customer === null || call.customer.state === 'ended') return;
      call.customer.state = 'ended';
      hungUpEarly = true;
      customerHungUp(p, call);
    },
  };
  p.outsideLegs.add(call.customer);
  const leg = p.newLeg(call, 'normal', 'agentRinging');
  agent.leg = leg;
  call.agents.add(agent.key);
  p.callEvent(agent, 'AgentRinging');
  p.ringAgent(
    agent,
    'default',
    () => {
      if (hungUpEarly) return;
      leg.phase = 'talking';
      p.callEvent(agent, 'AgentAnswer');
      p.callEvent(agent, 'Conversation');
    },
    (cause) => p.endCall(call, cause, agent.key),
  );
  return call;
}

/** The agent dials on its own phone (not through the API): AgentOriginate, then the customer. */
export function agentDial(p: Platform, agent: AgentRuntime, called: string): Call {
  if (agent.session === null) throw new ControlError(`agent ${agent.config.agentNumber} is not logged in`, 'state');
  if (p.inCall(agent)) throw new ControlError(`agent ${agent.config.agentNumber} is in a call`, 'state');
  const call = newCall(p, { direction: 1, caller: displayNumber(p, agent), called, origin: 'agentDial' });
  const leg = p.newLeg(call, 'normal', 'agentUp');
  leg.ringTime = Date.now();
  leg.answerTime = Date.now();
  agent.leg = leg;
  call.agents.add(agent.key);
  p.callEvent(agent, 'AgentOriginate');
  dialCustomer(p, agent, call);
  return call;
}

/**
 * cancelCall (挂机): CancelCall answers the request, then After. A ringing or dialling call is
 * cancelled (1487; an incoming call rejected, 1021); a consulted agent hanging up gives the
 * consulting agent ConsultedCancel; an agent leaving a three-way call leaves the others talking.
 */
export function cancelCall(p: Platform, agent: AgentRuntime, sequence: number): void {
  const leg = agent.leg;
  if (leg === null) throw new Refusal(MSG.notInCall);
  const call = leg.call;
  p.emit(agent, 'CancelCall', null, sequence, call);
  hangUpAgent(p, agent, 0);
}

/** The agent's side hangs up (cancelCall, or its phone): see cancelCall. */
export function hangUpAgent(p: Platform, agent: AgentRuntime, hangupDirection: 0 | 1): void {
  const leg = agent.leg;
  if (leg === null) return;
  const call = leg.call;
  if (leg.consultedBy !== undefined) {
    const by = p.agents.get(leg.consultedBy);
    p.endLeg(agent, CAUSE.NORMAL, hangupDirection);
    if (by !== undefined) consultedHungUp(p, by);
    return;
  }
  if (leg.supervising !== undefined) {
    p.endLeg(agent, CAUSE.NORMAL, hangupDirection);
    return;
  }
  endConsultOf(p, agent, CAUSE.NORMAL);
  if (leg.phase !== 'talking') {
    const cause = (leg.direction ?? call.direction) === 0 && leg.phase === 'agentRinging' ? CAUSE.CALL_REJECTED : CAUSE.ORIGINATOR_CANCEL;
    p.endCall(call, cause, agent.key);
    return;
  }
  const others = [...call.agents].filter((k) => k !== agent.key);
  if (others.length > 0 && call.customer !== null && call.customer.state === 'answered') {
    p.endLeg(agent, CAUSE.NORMAL, hangupDirection);
    return;
  }
  p.endCall(call, CAUSE.NORMAL, agent.key);
}

/** The consulted party hung up: ConsultedCancel to the consulting agent, its customer is taken off hold. */
export function consultedHungUp(p: Platform, agent: AgentRuntime): void {
  const leg = agent.leg;
  if (leg?.consult === null || leg === null) return;
  const wasTransfer = leg.consult.blindTransfer;
  leg.consult = null;
  leg.call.customerHeld = false;
  leg.held = false;
  p.emit(agent, wasTransfer ? 'TransferCallFail' : 'ConsultedCancel', null, 0, leg.call);
}

export function hold(p: Platform, agent: AgentRuntime, on: boolean): void {
  const leg = agent.leg;
  if (leg === null) throw new Refusal(MSG.notInCall);
  if (leg.phase !== 'talking') throw new Refusal(MSG.notTalking);
  if (on && leg.held) throw new Refusal(MSG.alreadyHeld);
  if (!on && !leg.held) throw new Refusal(MSG.notHeld);
  leg.held = on;
  leg.call.customerHeld = on;
}

export function mute(p: Platform, agent: AgentRuntime, on: boolean, sequence: number): void {
  const leg = agent.leg;
  if (leg === null) throw new Refusal(MSG.notInCall);
  if (leg.phase !== 'talking') throw new Refusal(MSG.notTalking);
  if (on && leg.muted) throw new Refusal(MSG.alreadyMuted);
  if (!on && !leg.muted) throw new Refusal(MSG.notMuted);
  leg.muted = on;
  if (on) p.emit(agent, 'Mute', null, sequence);
  else p.emit(agent, 'Unmute', { callType: leg.callType }, sequence);
}

// ------------------------------------------------------------ control: the outside party

/** The ringing (or answered, for hangup) outside leg for `number`, or the only one. */
function outsideLeg(p: Platform, number: string | undefined, states: ReadonlyArray<string>): OutsideLeg {
  const legs = [...p.outsideLegs].filter((l) => states.includes(l.state) && (number === undefined || l.number === number));
  if (legs.length === 0) throw new ControlError(number === undefined ? `no outside phone is ${states.join('/')}` : `${number} is not ${states.join('/')}`, 'state');
  if (legs.length > 1 && number === undefined) throw new ControlError('several outside phones match: give number', 'state');
  return legs[0]!;
}

export function customerAnswer(p: Platform, number?: string): void {
  outsideLeg(p, number, ['ringing', 'dialling']).answer();
}

export function customerFail(p: Platform, cause: number, number?: string): void {
  outsideLeg(p, number, ['ringing', 'dialling']).fail(cause);
}

export function customerHangup(p: Platform, number?: string): void {
  outsideLeg(p, number, ['answered']).hangup();
}

/** The agent's own phone (sip / mobile / webrtc) picks up or refuses a ringing call. */
export function agentPhone(p: Platform, agent: AgentRuntime, answer: boolean): void {
  const ring = agent.leg?.ring;
  if (ring === null || ring === undefined) throw new ControlError(`agent ${agent.config.agentNumber}'s phone is not ringing`, 'state');
  if (answer) ring.answer();
  else ring.reject();
}
