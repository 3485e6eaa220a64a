/**
 * The simulator's own HTTP control interface under /_sim/ on the cloud port (not part of the
 * vendor API), for the demo and manual scripting. Mirrors the programmatic control methods.
 */
import { ControlError, booleanField, integerField, runControlRoute, stringField, type Body, type ControlReply, type ControlRoute } from '../control.ts';
import { CALLEE_MODES, HANGUP_STATUSES, type CalleeMode, type HangupStatus } from './rules.ts';

/** The part of Ing800Simulator the control routes drive. */
export interface ControlTarget {
  readonly state: unknown;
  readonly requests: readonly unknown[];
  clearRequests(): void;
  injectIncoming(from: string): number;
  agentAnswer(): void;
  setCalleeMode(mode: CalleeMode): void;
  calleeAnswer(): void;
  calleeBusy(): void;
  remoteHangup(): void;
  failNext(method: string, code: number, message?: string): void;
  setHangupStatus(status: HangupStatus): void;
  setClientRunning(running: boolean): Promise<void>;
  setClientLoggedIn(loggedIn: boolean): void;
  reset(): void;
}




const ROUTES: Readonly<Record<string, ControlRoute<ControlTarget>>> = {
  '/_sim/state': { method: 'GET', run: () => {} },
  '/_sim/requests': { method: 'GET', run: (sim) => ({ requests: sim.requests }) },
  '/_sim/requests/clear': { method: 'POST', run: (sim) => sim.clearRequests() },
  '/_sim/incoming': { method: 'POST', run: (sim, body) => ({ cdrId: sim.injectIncoming(stringField(body, 'from')) }) },
  '/_sim/agent-answer': { method: 'POST', run: (sim) => sim.agentAnswer() },
  '/_sim/callee': { method: 'POST', run: (sim, body) => sim.setCalleeMode(calleeModeField(body)) },
  '/_sim/callee/answer': { method: 'POST', run: (sim) => sim.calleeAnswer() },
  '/_sim/callee/busy': { method: 'POST', run: (sim) => sim.calleeBusy() },
  '/_sim/remote-hangup': { method: 'POST', run: (sim) => sim.remoteHangup() },
  '/_sim/fail-next': {
    method: 'POST',
    run: (sim, body) => {
      const message = body.message === undefined || body.message === null ? undefined : stringField(body, 'message');
      sim.failNext(stringField(body, 'method'), integerField(body, 'code'), message);
    },
  },
  '/_sim/hangup-status': { method: 'POST', run: (sim, body) => sim.setHangupStatus(hangupStatusField(body)) },
  '/_sim/client-running': { method: 'POST', run: (sim, body) => sim.setClientRunning(booleanField(body, 'running')) },
  '/_sim/client-login': { method: 'POST', run: (sim, body) => sim.setClientLoggedIn(booleanField(body, 'loggedIn')) },
  '/_sim/reset': { method: 'POST', run: (sim) => sim.reset() },
};

export function handleControlRequest(sim: ControlTarget, method: string, path: string, rawBody: string): Promise<ControlReply> {
  return runControlRoute(ROUTES, sim, method, path, rawBody);
}






function calleeModeField(body: Body): CalleeMode {
  const mode = body.mode;
  if (typeof mode !== 'string' || !(CALLEE_MODES as readonly string[]).includes(mode)) {
    throw new ControlError(`"mode" must be one of ${CALLEE_MODES.join(', ')}`, 'input');
  }
  return mode as CalleeMode;
}

function hangupStatusField(body: Body): HangupStatus {
  const status = body.status;
  if (typeof status !== 'number' || !(HANGUP_STATUSES as readonly number[]).includes(status)) {
    throw new ControlError('"status" must be 2 or 3', 'input');
  }
  return status as HangupStatus;
}
