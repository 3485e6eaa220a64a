/**
 * The simulator's own HTTP control interface under /_sim/ (not part of the vendor API),
 * for the demo page and manual scripting. Mirrors the programmatic control methods.
 */
import { CALLEE_MODES, type CalleeMode } from './call-model.ts';
import { ControlError, type SoftbarState } from './softphone.ts';

/** The part of SoftbarSimulator the control routes drive. */
export interface ControlTarget {
  readonly state: SoftbarState;
  readonly requests: readonly unknown[];
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

export interface ControlReply {
  status: number;
  payload: Record<string, unknown>;
}

type Body = Record<string, unknown>;

interface ControlRoute {
  method: 'GET' | 'POST';
  /** Returns extra fields for the `{ok:true}` reply; throws ControlError to refuse. */
  run: (sim: ControlTarget, body: Body) => Record<string, unknown> | void;
}

const ROUTES: Readonly<Record<string, ControlRoute>> = {
  '/_sim/state': { method: 'GET', run: () => {} },
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

export function handleControlRequest(
  sim: ControlTarget,
  method: string,
  path: string,
  rawBody: string,
): ControlReply {
  const route = ROUTES[path];
  if (route === undefined) return fail(404, `no control endpoint ${path}`);
  if (method !== route.method) return fail(405, `${path} only accepts ${route.method}`);
  const body = parseControlBody(rawBody);
  if (body === null) return fail(400, 'body must be a JSON object');
  try {
    const extra = route.run(sim, body) ?? {};
    // Every success carries the resulting state, so scripts need no second request.
    return { status: 200, payload: { ok: true, ...extra, state: sim.state } };
  } catch (error) {
    if (error instanceof ControlError) return fail(error.kind === 'state' ? 409 : 400, error.message);
    throw error;
  }
}

function fail(status: number, error: string): ControlReply {
  return { status, payload: { ok: false, error } };
}

/** Control bodies are optional for endpoints without parameters, so empty means {}. */
function parseControlBody(raw: string): Body | null {
  if (raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : null;
  } catch {
    return null;
  }
}

function stringField(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') throw new ControlError(`"${key}" must be a string`, 'input');
  return value;
}

function booleanField(body: Body, key: string): boolean {
  const value = body[key];
  if (typeof value !== 'boolean') throw new ControlError(`"${key}" must be true or false`, 'input');
  return value;
}

function calleeModeField(body: Body): CalleeMode {
  const mode = body.mode;
  if (typeof mode !== 'string' || !(CALLEE_MODES as readonly string[]).includes(mode)) {
    throw new ControlError(`"mode" must be one of ${CALLEE_MODES.join(', ')}`, 'input');
  }
  return mode as CalleeMode;
}
