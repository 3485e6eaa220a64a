/**
 * The simulator's own HTTP control interface under /_sim/ (not part of the vendor API),
 * for the demo and manual scripting. Mirrors the programmatic control methods.
 */
import { ControlError, booleanField, optionalString, runControlRoute, stringField, type Body, type ControlReply, type ControlRoute } from '../control.ts';
import { CALLEE_MODES, type CalleeMode } from './rules.ts';

/** The part of DscomSimulator the control routes drive. */
export interface ControlTarget {
  readonly state: unknown;
  readonly requests: readonly unknown[];
  readonly cdrs: readonly unknown[];
  clearRequests(): void;
  injectIncoming(incoming: { from: string; queue?: string; extension?: string }): { uniqueid: string; linkedid: string };
  agentAnswer(extension?: string): void;
  setCalleeMode(mode: CalleeMode): void;
  calleeAnswer(number?: string): void;
  calleeBusy(number?: string): void;
  remoteHangup(number?: string): void;
  expireTokens(): void;
  revokeRefreshTokens(): void;
  setTokenTtl(seconds: number): void;
  dropBillingSockets(): void;
  setRegistered(extension: string, registered: boolean): void;
  reset(): void;
}




const ROUTES: Readonly<Record<string, ControlRoute<ControlTarget>>> = {
  '/_sim/state': { method: 'GET', run: () => {} },
  '/_sim/requests': { method: 'GET', run: (sim) => ({ requests: sim.requests }) },
  '/_sim/requests/clear': { method: 'POST', run: (sim) => sim.clearRequests() },
  '/_sim/cdrs': { method: 'GET', run: (sim) => ({ cdrs: sim.cdrs }) },
  '/_sim/incoming': {
    method: 'POST',
    run: (sim, body) =>
      sim.injectIncoming({
        from: stringField(body, 'from'),
        ...optional(body, 'queue'),
        ...optional(body, 'extension'),
      }),
  },
  '/_sim/agent-answer': { method: 'POST', run: (sim, body) => sim.agentAnswer(optionalString(body, 'extension')) },
  '/_sim/callee': { method: 'POST', run: (sim, body) => sim.setCalleeMode(calleeModeField(body)) },
  '/_sim/callee/answer': { method: 'POST', run: (sim, body) => sim.calleeAnswer(optionalString(body, 'number')) },
  '/_sim/callee/busy': { method: 'POST', run: (sim, body) => sim.calleeBusy(optionalString(body, 'number')) },
  '/_sim/remote-hangup': { method: 'POST', run: (sim, body) => sim.remoteHangup(optionalString(body, 'number')) },
  '/_sim/expire-tokens': { method: 'POST', run: (sim) => sim.expireTokens() },
  '/_sim/revoke-refresh-tokens': { method: 'POST', run: (sim) => sim.revokeRefreshTokens() },
  '/_sim/set-token-ttl': { method: 'POST', run: (sim, body) => sim.setTokenTtl(secondsField(body)) },
  '/_sim/drop-billing': { method: 'POST', run: (sim) => sim.dropBillingSockets() },
  '/_sim/set-registered': {
    method: 'POST',
    run: (sim, body) => sim.setRegistered(stringField(body, 'extension'), booleanField(body, 'registered')),
  },
  '/_sim/reset': { method: 'POST', run: (sim) => sim.reset() },
};

export function handleControlRequest(sim: ControlTarget, method: string, path: string, rawBody: string): Promise<ControlReply> {
  return runControlRoute(ROUTES, sim, method, path, rawBody);
}





function optional(body: Body, key: string): Record<string, string> {
  const value = optionalString(body, key);
  return value === undefined ? {} : { [key]: value };
}


function secondsField(body: Body): number {
  const value = body.seconds;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ControlError('"seconds" must be a positive integer', 'input');
  }
  return value;
}

function calleeModeField(body: Body): CalleeMode {
  const mode = body.mode;
  if (typeof mode !== 'string' || !(CALLEE_MODES as readonly string[]).includes(mode)) {
    throw new ControlError(`"mode" must be one of ${CALLEE_MODES.join(', ')}`, 'input');
  }
  return mode as CalleeMode;
}
