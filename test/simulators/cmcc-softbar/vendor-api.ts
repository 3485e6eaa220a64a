/**
 * The vendor's HTTP surface: /api/action/* and /api/event/*. Turns a request into the
 * JSON reply the bar would give, using the Softphone for every state decision.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  ACTION_NAMES,
  EVENT_ENDPOINTS,
  type ActionName,
  type EventEndpoint,
  type StatefulAction,
} from './call-model.ts';
import type { Softphone } from './softphone.ts';

/** The agent the bar is logged in as (getUserInfo). */
export interface AgentProfile {
  extension: string;
  username: string;
  phone: string;
}

export interface VendorContext {
  softphone: Softphone;
  profile: AgentProfile;
  secret: string;
}

export interface VendorReply {
  status: number;
  payload: unknown;
  /** The parsed JSON body, or the raw text when it did not parse, or undefined when empty. */
  body: unknown;
  /** Why a request was refused: for the request log and the X-Sim-Reason header only. */
  reason?: string;
}

/** `secret` = 32-char lowercase hex MD5 of the 800 number (document 备注 1/2). */
export function secretFor(extension: string): string {
  return bytesToHex(md5(utf8ToBytes(extension)));
}

// ---------------------------------------------------------------- reply bodies

const OK_MSG = '成功';

const actionReply = (result: 0 | 1) => ({ data: { result }, errmsg: OK_MSG, errcode: 0 });
const listReply = (data: unknown[]) => ({ data, errmsg: OK_MSG, errcode: 0 });
const errorReply = (errcode: number, errmsg: string) => ({ data: { result: 0 }, errmsg, errcode });

const AUTH_FAILED = errorReply(1, '鉴权失败');
const BAD_REQUEST = errorReply(2, '请求格式错误');
const NOT_FOUND = errorReply(404, '接口不存在');
const METHOD_NOT_ALLOWED = errorReply(405, '只支持 POST');

// ---------------------------------------------------------------- routing

type Route = { kind: 'action'; name: ActionName } | { kind: 'event'; name: EventEndpoint };

/** True for any path the vendor API owns, known or not (404s are vendor-shaped too). */
export function isVendorPath(path: string): boolean {
  return !path.startsWith('/_sim/') && path !== '/_sim';
}

function routeOf(path: string): Route | null {
  const match = /^\/api\/(action|event)\/([A-Za-z]+)$/.exec(path);
  if (match === null) return null;
  const [, kind, name] = match;
  if (kind === 'action' && includes(ACTION_NAMES, name)) return { kind, name };
  if (kind === 'event' && includes(EVENT_ENDPOINTS, name)) return { kind, name };
  return null;
}

function includes<T extends string>(list: readonly T[], value: string | undefined): value is T {
  return (list as readonly string[]).includes(value ?? '');
}

export function handleVendorRequest(
  ctx: VendorContext,
  method: string,
  path: string,
  rawBody: string,
): VendorReply {
  const body = parseBody(rawBody);
  const recordedBody = body.ok ? body.value : rawBody === '' ? undefined : rawBody;
  const reply = (payload: unknown, reason?: string, status = 200): VendorReply => ({
    status,
    payload,
    body: recordedBody,
    ...(reason === undefined ? {} : { reason }),
  });

  const route = routeOf(path);
  if (route === null) return reply(NOT_FOUND, `no such endpoint ${path}`, 404);
  if (method !== 'POST') return reply(METHOD_NOT_ALLOWED, `${method} is not POST`, 405);
  if (!body.ok) return reply(BAD_REQUEST, body.reason);

  const outcome =
    route.kind === 'event'
      ? pollEvents(ctx, route.name, body.value)
      : route.name === 'getUserInfo'
        ? getUserInfo(ctx, body.value)
        : runAction(ctx, route.name, body.value);
  return reply(outcome.payload, outcome.reason);
}

type ParsedBody = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** The body must be a JSON object; an empty body is not JSON either. */
function parseBody(raw: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

// ---------------------------------------------------------------- handlers

interface Outcome {
  payload: unknown;
  reason?: string;
}

/** Empty, null and absent all count as "no secret given". */
function secretGiven(body: Record<string, unknown>): boolean {
  return body.secret !== undefined && body.secret !== null && body.secret !== '';
}

function secretValid(ctx: VendorContext, body: Record<string, unknown>): boolean {
  return body.secret === ctx.secret;
}

function runAction(ctx: VendorContext, action: StatefulAction, body: Record<string, unknown>): Outcome {
  // With nobody logged in there is no 800 number to check the secret against.
  if (!ctx.softphone.isBarLoggedIn) return { payload: actionReply(0), reason: 'the bar is not logged in' };
  if (!secretValid(ctx, body)) return { payload: AUTH_FAILED, reason: 'missing or wrong secret' };
  const verdict = ctx.softphone.act(action, body);
  return verdict.accepted ? { payload: actionReply(1) } : { payload: actionReply(0), reason: verdict.reason };
}

/** The one action whose secret is optional (否), and whose data is an array. */
function getUserInfo(ctx: VendorContext, body: Record<string, unknown>): Outcome {
  if (!ctx.softphone.isBarLoggedIn) return { payload: listReply([{ result: 0 }]), reason: 'the bar is not logged in' };
  if (secretGiven(body) && !secretValid(ctx, body)) return { payload: AUTH_FAILED, reason: 'wrong secret' };
  const { extension, username, phone } = ctx.profile;
  return { payload: listReply([{ result: 1, extension, username, phone }]) };
}

function pollEvents(ctx: VendorContext, endpoint: EventEndpoint, body: Record<string, unknown>): Outcome {
  const refused = (reason: string): Outcome => ({ payload: listReply([{ result: 0 }]), reason });
  if (!ctx.softphone.isBarLoggedIn) return refused('the bar is not logged in');
  if (!secretValid(ctx, body)) return { payload: AUTH_FAILED, reason: 'missing or wrong secret' };
  const { maxCount } = body;
  if (typeof maxCount !== 'number' || !Number.isInteger(maxCount) || maxCount < 1) {
    return refused('maxCount must be a positive integer');
  }
  const events = ctx.softphone.handOut(endpoint, maxCount).map((event) => ({ result: 1, ...event }));
  return { payload: listReply(events) };
}
