/**
 * What every simulator's control interface (`/_sim/*`) shares: the error a control method throws
 * when the scenario cannot do what was asked, the route table runner, and the body field readers.
 * Each simulator keeps its own route table in its `control-api.ts`.
 */

/** A control request the simulated state refuses ('state' → HTTP 409) or that is malformed ('input' → 400). */
export class ControlError extends Error {
  readonly kind: 'state' | 'input';

  constructor(message: string, kind: 'state' | 'input') {
    super(message);
    this.name = 'ControlError';
    this.kind = kind;
  }
}

export type Body = Record<string, unknown>;

export interface ControlReply {
  status: number;
  payload: Record<string, unknown>;
}

export interface ControlRoute<Sim> {
  method: 'GET' | 'POST';
  /** Returns extra fields for the `{ok:true}` reply; throws ControlError to refuse. */
  run: (sim: Sim, body: Body) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;
}

/** Run the route for `path`; every success carries the resulting state, so scripts need no second request. */
export async function runControlRoute<Sim extends { readonly state: unknown }>(
  routes: Readonly<Record<string, ControlRoute<Sim>>>,
  sim: Sim,
  method: string,
  path: string,
  rawBody: string,
): Promise<ControlReply> {
  const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (route === undefined) return fail(404, `no control endpoint ${path}`);
  if (method !== route.method) return fail(405, `${path} only accepts ${route.method}`);
  const body = parseControlBody(rawBody);
  if (body === null) return fail(400, 'body must be a JSON object');
  try {
    const extra = (await route.run(sim, body)) ?? {};
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

export function stringField(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') throw new ControlError(`"${key}" must be a string`, 'input');
  return value;
}

export function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ControlError(`"${key}" must be a string`, 'input');
  return value;
}

export function booleanField(body: Body, key: string): boolean {
  const value = body[key];
  if (typeof value !== 'boolean') throw new ControlError(`"${key}" must be true or false`, 'input');
  return value;
}

export function integerField(body: Body, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ControlError(`"${key}" must be an integer`, 'input');
  return value;
}

/** One of `allowed` (a callee mode, a status …). */
export function oneOf<T extends string | number>(body: Body, key: string, allowed: readonly T[]): T {
  const value = body[key];
  if (!(allowed as readonly unknown[]).includes(value)) throw new ControlError(`"${key}" must be one of ${allowed.join(', ')}`, 'input');
  return value as T;
}
