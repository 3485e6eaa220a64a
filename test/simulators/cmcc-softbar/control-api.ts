/**
 * The simulator's own HTTP control interface under /_sim/ (not part of the vendor API),
 * for the demo page and manual scripting. Mirrors the programmatic control methods.
 */
import { ControlError, booleanField, runControlRoute, stringField, type Body, type ControlReply, type ControlRoute } from '../control.ts';
import { CALLEE_MODES, type CalleeMode } from './call-model.ts';
import { type FinishedCall, type SoftbarState } from './softphone.ts';

/** The part of SoftbarSimulator the control routes drive. */
export interface ControlTarget {
  readonly state: SoftbarState;
  readonly requests: readonly unknown[];
  readonly finishedCalls: readonly FinishedCall[];
  clearRequests(): void;
  setCalleeMode(mode: CalleeMode): void;
  calleeAnswer(): void;
  calleeBusy(): void;
  injectIncoming(number: string): number;
  remoteHangup(): void;
  dropLine(): void;
  setBarLoggedIn(loggedIn: boolean): void;
  reset(): void;
}




const ROUTES: Readonly<Record<string, ControlRoute<ControlTarget>>> = {
  '/_sim/state': { method: 'GET', run: () => {} },
  '/_sim/calls': { method: 'GET', run: (sim) => ({ calls: sim.finishedCalls }) },
  '/_sim/requests': { method: 'GET', run: (sim) => ({ requests: sim.requests }) },
  '/_sim/requests/clear': { method: 'POST', run: (sim) => sim.clearRequests() },
  '/_sim/incoming': {
    method: 'POST',
    run: (sim, body) => ({ callId: sim.injectIncoming(stringField(body, 'number')) }),
  },
  '/_sim/callee': { method: 'POST', run: (sim, body) => sim.setCalleeMode(calleeModeField(body)) },
  '/_sim/callee/answer': { method: 'POST', run: (sim) => sim.calleeAnswer() },
  '/_sim/callee/busy': { method: 'POST', run: (sim) => sim.calleeBusy() },
  '/_sim/remote-hangup': { method: 'POST', run: (sim) => sim.remoteHangup() },
  '/_sim/drop': { method: 'POST', run: (sim) => sim.dropLine() },
  '/_sim/bar-login': { method: 'POST', run: (sim, body) => sim.setBarLoggedIn(booleanField(body, 'loggedIn')) },
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
