/**
 * The vendor surface on one HTTP port: POST /api/token, /api/agent/open/call, /api/sip/makecall
 * and /ccs/api/agent/control. Unknown paths 404 and other methods 405 (Spring-style JSON bodies);
 * a body that is not a JSON object gets the API's own "-1" reply. Scripted faults (failNext)
 * are applied here, before the request reaches the platform.
 */
import { handleAgentControl } from './agent-requests.ts';
import { makeCallback, openCall, tokenRequest, type CallbackRecord, type TokenStore } from './open-api.ts';
import type { Platform } from './platform.ts';
import { MSG, OPEN_CODE } from './rules.ts';

export const VENDOR_ROUTES = {
  '/api/token': 'token',
  '/api/agent/open/call': 'openCall',
  '/api/sip/makecall': 'makecall',
  '/ccs/api/agent/control': 'control',
} as const;
export type VendorRoute = (typeof VENDOR_ROUTES)[keyof typeof VENDOR_ROUTES];

/** A scripted failure for the next request(s) to a route (or any route). */
export interface Fault {
  route: VendorRoute | 'any';
  /** code: the route's "-1" reply with `msg`; http500; timeout: never answered; malformed: cut JSON. */
  kind: 'code' | 'http500' | 'timeout' | 'malformed';
  msg?: string;
  remaining: number;
}

export interface VendorReply {
  status: number;
  /** null = never answer (timeout fault). */
  text: string | null;
  route: VendorRoute | null;
  body: unknown;
  fault?: Fault['kind'];
}

export interface VendorContext {
  platform: Platform;
  tokens: TokenStore;
  callbacks: CallbackRecord[];
  faults: Fault[];
}

function springError(status: number, error: string, path: string): string {
  return JSON.stringify({ timestamp: new Date().toISOString(), status, error, path });
}

function codeFault(route: VendorRoute, msg: string, body: unknown): unknown {
  if (route === 'token') return { msg, code: -1, data: null };
  if (route === 'control') {
    const sequence = typeof body === 'object' && body !== null ? ((body as Record<string, unknown>).sequence ?? 0) : 0;
    return { code: '-1', data: { sequence }, msg };
  }
  return { msg, code: OPEN_CODE.fail, data: null };
}

function takeFault(faults: Fault[], route: VendorRoute): Fault | undefined {
  const index = faults.findIndex((f) => f.route === route || f.route === 'any');
  if (index < 0) return undefined;
  const fault = faults[index]!;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault;
}

export function handleVendorRequest(ctx: VendorContext, method: string, path: string, rawBody: string): VendorReply {
  const route = Object.hasOwn(VENDOR_ROUTES, path) ? VENDOR_ROUTES[path as keyof typeof VENDOR_ROUTES] : null;
  let body: unknown = undefined;
  if (rawBody.trim() !== '') {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
  }
  if (route === null) return { status: 404, text: springError(404, 'Not Found', path), route, body };
  if (method !== 'POST') return { status: 405, text: springError(405, 'Method Not Allowed', path), route, body };
  const fault = takeFault(ctx.faults, route);
  if (fault !== undefined) {
    if (fault.kind === 'timeout') return { status: 0, text: null, route, body, fault: fault.kind };
    if (fault.kind === 'http500') return { status: 500, text: springError(500, 'Internal Server Error', path), route, body, fault: fault.kind };
    if (fault.kind === 'malformed') return { status: 200, text: '{"code":"0","data":{"sequ', route, body, fault: fault.kind };
    return { status: 200, text: JSON.stringify(codeFault(route, fault.msg ?? '系统繁忙', body)), route, body, fault: fault.kind };
  }
  const object = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  let reply: unknown;
  if (route === 'control') reply = handleAgentControl(ctx.platform, object);
  else if (object === null) reply = codeFault(route, MSG.badJson, body);
  else if (route === 'token') reply = tokenRequest(ctx.platform, ctx.tokens, object);
  else if (route === 'openCall') reply = openCall(ctx.platform, ctx.tokens, object);
  else reply = makeCallback(ctx.platform, ctx.tokens, ctx.callbacks, object);
  return { status: 200, text: JSON.stringify(reply), route, body };
}
