/**
 * The simulator's own HTTP control interface under /_sim/ (not part of the vendor API), for the
 * demo, the e2e tests and manual scripting. Mirrors VcallSimulator's control methods; every
 * success answers {ok:true, …, state}.
 */
import { ControlError, booleanField, integerField, optionalString, runControlRoute, stringField, type Body, type ControlReply, type ControlRoute } from '../control.ts';
import type { AgentConfig, CompanyConfig } from './model.ts';
import type { VcallSimulator } from './vcall-simulator.ts';
import type { Fault, VendorRoute } from './vendor-api.ts';

type Sim = VcallSimulator;

const ROUTES: Readonly<Record<string, ControlRoute<Sim>>> = {
  '/_sim/state': { method: 'GET', run: () => {} },
  '/_sim/requests': { method: 'GET', run: (sim) => ({ requests: sim.requests }) },
  '/_sim/requests/clear': { method: 'POST', run: (sim) => sim.clearRequests() },
  '/_sim/events': { method: 'GET', run: (sim) => ({ events: sim.events }) },
  '/_sim/events/clear': { method: 'POST', run: (sim) => sim.clearEvents() },
  '/_sim/company': { method: 'POST', run: (sim, body) => sim.addCompany(objectBody<CompanyConfig>(body, ['companyId', 'accessKeyId', 'accessKeySecret'])) },
  '/_sim/agent': { method: 'POST', run: (sim, body) => sim.addAgent(objectBody<AgentConfig>(body, ['companyId', 'agentNumber', 'password'])) },
  '/_sim/incoming': {
    method: 'POST',
    run: (sim, body) =>
      sim.incoming({
        caller: stringField(body, 'caller'),
        ...opt(body, 'called'),
        ...opt(body, 'agentNumber'),
        ...opt(body, 'groupId'),
        ...opt(body, 'companyId'),
        ...opt(body, 'userData'),
      }),
  },
  '/_sim/agent/answer': { method: 'POST', run: (sim, body) => sim.agentAnswer(optionalString(body, 'agentNumber')) },
  '/_sim/agent/reject': { method: 'POST', run: (sim, body) => sim.agentReject(optionalString(body, 'agentNumber')) },
  '/_sim/agent/hangup': { method: 'POST', run: (sim, body) => sim.agentHangup(optionalString(body, 'agentNumber')) },
  '/_sim/agent/dial': { method: 'POST', run: (sim, body) => sim.agentDial(stringField(body, 'called'), optionalString(body, 'agentNumber')) },
  '/_sim/agent/registered': { method: 'POST', run: (sim, body) => sim.setRegistered(booleanField(body, 'registered'), optionalString(body, 'agentNumber')) },
  '/_sim/party-mode': { method: 'POST', run: (sim, body) => sim.setPartyMode(stringField(body, 'mode'), optionalString(body, 'number')) },
  '/_sim/customer/answer': { method: 'POST', run: (sim, body) => sim.customerAnswer(optionalString(body, 'number')) },
  '/_sim/customer/busy': { method: 'POST', run: (sim, body) => sim.customerBusy(optionalString(body, 'number')) },
  '/_sim/customer/no-answer': { method: 'POST', run: (sim, body) => sim.customerNoAnswer(optionalString(body, 'number')) },
  '/_sim/customer/fail': { method: 'POST', run: (sim, body) => sim.customerFail(integerField(body, 'cause'), optionalString(body, 'number')) },
  '/_sim/customer/hangup': { method: 'POST', run: (sim, body) => sim.customerHangup(optionalString(body, 'number')) },
  '/_sim/make-call-fail': { method: 'POST', run: (sim, body) => sim.failNextMakeCall(stringField(body, 'cause'), optionalString(body, 'agentNumber')) },
  '/_sim/after-cause': { method: 'POST', run: (sim, body) => sim.forceAfterCause(integerField(body, 'cause'), optionalString(body, 'agentNumber')) },
  '/_sim/kick': { method: 'POST', run: (sim, body) => sim.kick(optionalString(body, 'agentNumber')) },
  '/_sim/sip-error': { method: 'POST', run: (sim, body) => sim.sipError(optionalString(body, 'agentNumber')) },
  '/_sim/expire-session': { method: 'POST', run: (sim, body) => sim.expireSession(optionalString(body, 'agentNumber')) },
  '/_sim/inject': {
    method: 'POST',
    run: (sim, body) => {
      const event = body.event;
      if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new ControlError('"event" must be a JSON object', 'input');
      sim.inject(event as Record<string, unknown>, optionalString(body, 'agentNumber'));
    },
  },
  '/_sim/fail-next': {
    method: 'POST',
    run: (sim, body) =>
      sim.failNext({
        ...(optionalString(body, 'route') === undefined ? {} : { route: optionalString(body, 'route') as VendorRoute }),
        ...(optionalString(body, 'kind') === undefined ? {} : { kind: optionalString(body, 'kind') as Fault['kind'] }),
        ...opt(body, 'msg'),
        ...(body.count === undefined ? {} : { count: integerField(body, 'count') }),
      }),
  },
  '/_sim/expire-tokens': { method: 'POST', run: (sim) => sim.expireTokens() },
  '/_sim/advance-token-clock': { method: 'POST', run: (sim, body) => sim.advanceTokenClock(integerField(body, 'ms')) },
  '/_sim/speed': {
    method: 'POST',
    run: (sim, body) => {
      const speed = body.speed;
      if (typeof speed !== 'number') throw new ControlError('"speed" must be a number', 'input');
      sim.setSpeed(speed);
    },
  },
  '/_sim/reset': { method: 'POST', run: (sim) => sim.reset() },
};

export function handleControlRequest(sim: Sim, method: string, path: string, rawBody: string): Promise<ControlReply> {
  return runControlRoute(ROUTES, sim, method, path, rawBody);
}

function opt(body: Body, key: string): Record<string, string> {
  const value = optionalString(body, key);
  return value === undefined ? {} : { [key]: value };
}

/** A configuration object: the listed string fields must be there; the rest is passed as given. */
function objectBody<T>(body: Body, required: string[]): T {
  for (const key of required) stringField(body, key);
  return body as T;
}
