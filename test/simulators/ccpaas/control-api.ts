/**
 * The simulator's own HTTP control interface under /_sim/ (not part of the vendor API), for the
 * demo, the e2e tests and manual scripting. Mirrors CcpaasSimulator's control methods; every
 * success answers {ok:true, …, state}.
 */
import { ControlError, integerField, optionalString, oneOf, runControlRoute, stringField, type Body, type ControlReply, type ControlRoute } from '../control.ts';
import type { CcpaasSimulator } from './ccpaas-simulator.ts';
import type { AgentConfig } from './model.ts';
import { FAULT_KINDS } from './rest-api.ts';

type Sim = CcpaasSimulator;

const ROUTES: Readonly<Record<string, ControlRoute<Sim>>> = {
  '/_sim/state': { method: 'GET', run: () => {} },
  '/_sim/requests': { method: 'GET', run: (sim) => ({ requests: sim.requests, frames: sim.frames }) },
  '/_sim/requests/clear': { method: 'POST', run: (sim) => sim.clearLogs() },
  '/_sim/callbacks': { method: 'POST', run: (sim, body) => ({ callbacks: sim.callbacksOf(stringField(body, 'agentNo')) }) },
  '/_sim/agent': {
    method: 'POST',
    run: (sim, body) => {
      for (const key of ['appSid', 'agentNo', 'pwd']) stringField(body, key);
      sim.addAgent(body as unknown as AgentConfig);
    },
  },
  '/_sim/incoming': {
    method: 'POST',
    run: (sim, body) => sim.incoming({ userNumber: stringField(body, 'userNumber'), ...opt(body, 'agentNo'), ...opt(body, 'userData') }),
  },
  '/_sim/agent-answer': { method: 'POST', run: (sim, body) => sim.agentAnswer(optionalString(body, 'agentNo')) },
  '/_sim/agent-reject': { method: 'POST', run: (sim, body) => sim.agentReject(optionalString(body, 'agentNo')) },
  '/_sim/agent-hangup': { method: 'POST', run: (sim, body) => sim.agentHangup(optionalString(body, 'agentNo')) },
  '/_sim/customer-answer': { method: 'POST', run: (sim, body) => sim.customerAnswer(optionalString(body, 'number')) },
  '/_sim/customer-fail': {
    method: 'POST',
    run: (sim, body) => sim.customerFail(oneOf(body, 'cause', ['failed', 'no-answer', 'time-out'] as const), optionalString(body, 'number')),
  },
  '/_sim/customer-hangup': { method: 'POST', run: (sim, body) => sim.customerHangup(optionalString(body, 'number')) },
  '/_sim/customer-outcome': { method: 'POST', run: (sim, body) => sim.setPartyMode(stringField(body, 'mode'), optionalString(body, 'number')) },
  '/_sim/drop': { method: 'POST', run: (sim, body) => sim.drop(optionalString(body, 'agentNo')) },
  '/_sim/refuse-connections': { method: 'POST', run: (sim, body) => sim.refuseConnections(integerField(body, 'ms')) },
  '/_sim/fail-callout': {
    method: 'POST',
    run: (sim, body) => sim.failCallOut(body.count === undefined ? 1 : integerField(body, 'count'), optionalString(body, 'agentNo')),
  },
  '/_sim/faults': {
    method: 'POST',
    run: (sim, body) =>
      sim.failNext({
        ...(body.kind === undefined ? {} : { kind: oneOf(body, 'kind', FAULT_KINDS) }),
        ...(body.count === undefined ? {} : { count: integerField(body, 'count') }),
        ...(body.delayMs === undefined ? {} : { delayMs: integerField(body, 'delayMs') }),
      }),
  },
  '/_sim/speed': {
    method: 'POST',
    run: (sim, body) => {
      if (typeof body.speed !== 'number') throw new ControlError('"speed" must be a number', 'input');
      sim.setSpeed(body.speed);
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
