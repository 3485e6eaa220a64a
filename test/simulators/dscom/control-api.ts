/**
 * The simulator's own HTTP control interface under /_sim/ (not part of the vendor API),
 * for the demo and manual scripting. Mirrors the programmatic control methods.
 */
import { ControlError } from './model.ts';
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

export function handleControlRequest(sim: ControlTarget, method: string, path: string, rawBody: string): ControlReply {
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

function optionalString(body: Body, key: string): string | undefined {
  return body[key] === undefined || body[key] === null ? undefined : stringField(body, key);
}

function optional(body: Body, key: string): Record<string, string> {
  const value = optionalString(body, key);
  return value === undefined ? {} : { [key]: value };
}

function booleanField(body: Body, key: string): boolean {
  const value = body[key];
  if (typeof value !== 'boolean') throw new ControlError(`"${key}" must be true or false`, 'input');
  return value;
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
