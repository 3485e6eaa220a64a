/**
 * The vendor's HTTP surface under /dscom-api: the token endpoint and /api/v1/*. Turns a
 * request into the reply Laravel would give, using the PBX for every decision.
 *
 * Order of checks, as in Laravel: route (404/405) → bearer token (401) → Accept and body
 * (the route's 参数验证失败 code) → fields (same code) → state (the route's 异常/失败 code).
 */
import { agentLogin, agentLogout, agentPause, dial, hangup, hold, unhold } from './calls.ts';
import { listCdr, QueryError, searchCdr, type Page, type Query } from './cdr.ts';
import { cancelAtxfer, park, parkList, pickup, redirect, supervise, transfer, unpark } from './features.ts';
import type { Outcome } from './model.ts';
import type { TokenStore } from './oauth.ts';
import type { Pbx } from './pbx.ts';
import { endpointStatus, trunkStatus, waitStatus } from './reports.ts';
import {
  API_PREFIXES,
  ERROR_CODES,
  GET_ROUTES,
  POST_ROUTES,
  REQUIRED_QUERY,
  SUCCESS_MSG,
  TOKEN_PATH,
  UNAUTHENTICATED,
  type ErrorCode,
  type GetRoute,
  type PauseCode,
  type PostRoute,
} from './rules.ts';

export interface VendorContext {
  pbx: Pbx;
  tokens: TokenStore;
}

export interface VendorRequest {
  method: string;
  path: string;
  query: Query;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: string;
}

export interface VendorReply {
  status: number;
  /** JSON to send; null = empty body. */
  payload: unknown;
  /** The route relative to /api/v1 ('call/dial'), 'oauth/token', or null when unknown. */
  route: string | null;
  /** The parsed body (JSON or form), the raw text if it did not parse, undefined if empty. */
  body: unknown;
  headers?: Record<string, string>;
  /** Why a request was refused: ours, for the request log and X-Sim-Reason only. */
  reason?: string;
}

/** True for any path the vendor owns (unknown ones get Laravel's 404). */
export function isVendorPath(path: string): boolean {
  return path === '/dscom-api' || path.startsWith('/dscom-api/');
}

const success = (data: unknown, total = 0) => ({ code: '200', msg: SUCCESS_MSG, data, total });
const vendorError = (code: ErrorCode) => ({ code, msg: ERROR_CODES[code], data: [], total: 0 });

// ---------------------------------------------------------------- entry

export function handleVendorRequest(ctx: VendorContext, req: VendorRequest): VendorReply {
  const parsed = parseBody(req);
  const reply = (status: number, payload: unknown, route: string | null, extra: Partial<VendorReply> = {}): VendorReply => ({
    status,
    payload,
    route,
    body: parsed.recorded,
    ...extra,
  });

  if (req.path === TOKEN_PATH) {
    const allowed = methodCheck(req.method, 'POST', 'oauth/token');
    if (allowed) return reply(allowed.status, allowed.payload, 'oauth/token', allowed);
    const outcome = ctx.tokens.grant(parsed.params ?? {});
    const reason = 'error' in outcome.payload ? { reason: outcome.payload.error } : {};
    return reply(outcome.status, outcome.payload, 'oauth/token', {
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      ...reason,
    });
  }

  const route = routeOf(req.path);
  if (route === null) {
    const appPath = req.path.replace(/^\/dscom-api\/(public\/)?/, '');
    return reply(404, { message: `The route ${appPath} could not be found.` }, null, { reason: 'no such route' });
  }
  const isPost = route in POST_ROUTES;
  const allowed = methodCheck(req.method, isPost ? 'POST' : 'GET', `api/v1/${route}`);
  if (allowed) return reply(allowed.status, allowed.payload, route, allowed);

  if (!ctx.tokens.isValid(bearerOf(req.headers.authorization))) {
    return reply(401, UNAUTHENTICATED, route, { reason: 'missing, unknown, revoked or expired bearer token' });
  }

  if (isPost) {
    const outcome = runPost(ctx.pbx, route as PostRoute, req, parsed.params);
    return reply(200, outcome.payload, route, outcome.reason === undefined ? {} : { reason: outcome.reason });
  }
  try {
    const { data, total } = runGet(ctx.pbx, route as GetRoute, req.query);
    return reply(200, success(data, total), route);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    return reply(422, { message: error.message, errors: { [error.field]: [error.message] } }, route, { reason: error.message });
  }
}

function routeOf(path: string): string | null {
  for (const prefix of API_PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const route = path.slice(prefix.length);
    return route in POST_ROUTES || (GET_ROUTES as readonly string[]).includes(route) ? route : null;
  }
  return null;
}

/** Laravel: OPTIONS answers 200 with Allow; another method is 405. GET routes also take HEAD. */
function methodCheck(method: string, expected: 'GET' | 'POST', appPath: string): Omit<VendorReply, 'route' | 'body'> | null {
  const allow = expected === 'GET' ? 'GET, HEAD' : 'POST';
  if (method === expected || (expected === 'GET' && method === 'HEAD')) return null;
  if (method === 'OPTIONS') return { status: 200, payload: null, headers: { Allow: allow } };
  return {
    status: 405,
    payload: { message: `The ${method} method is not supported for route ${appPath}. Supported methods: ${allow}.` },
    headers: { Allow: allow },
    reason: `${method} is not ${expected}`,
  };
}

function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

// ---------------------------------------------------------------- bodies

interface ParsedBody {
  /** Parameters from a JSON object or a form body; null when the body is neither. */
  params: Record<string, unknown> | null;
  json: boolean;
  recorded: unknown;
}

function parseBody(req: VendorRequest): ParsedBody {
  const raw = req.rawBody;
  if (raw === '') return { params: null, json: false, recorded: undefined };
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const params = Object.fromEntries(new URLSearchParams(raw));
    return { params, json: false, recorded: params };
  }
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const json = /^application\/(.+\+)?json\b/.test(contentType);
      return { params: json ? (value as Record<string, unknown>) : null, json, recorded: value };
    }
    return { params: null, json: false, recorded: value };
  } catch {
    return { params: null, json: false, recorded: raw };
  }
}

// ---------------------------------------------------------------- POST routes

type Fields = Record<string, unknown>;
type PostHandler = (pbx: Pbx, b: Fields) => Outcome<unknown>;

const str = (b: Fields, key: string): string => String(b[key]);

const POST_HANDLERS: Readonly<Record<PostRoute, PostHandler>> = {
  'call/dial': (pbx, b) => {
    const outcome = dial(pbx, str(b, 'extension'), str(b, 'dest'), b.displaycid === undefined ? undefined : str(b, 'displaycid'));
    return outcome.ok ? { ok: true, value: { uniqueid: outcome.value } } : outcome;
  },
  'call/hangup': (pbx, b) => hangup(pbx, str(b, 'extension')),
  'call/hold': (pbx, b) => hold(pbx, str(b, 'extension')),
  'call/unhold': (pbx, b) => unhold(pbx, str(b, 'extension')),
  'call/transfer': (pbx, b) =>
    transfer(pbx, b.type as 'blind' | 'attended' | 'app', str(b, 'extension'), str(b, 'dest')),
  'call/cancelAtxfer': (pbx, b) => cancelAtxfer(pbx, str(b, 'extension')),
  'call/park': (pbx, b) => park(pbx, str(b, 'extension')),
  'call/unpark': (pbx, b) => unpark(pbx, str(b, 'extension'), str(b, 'dest')),
  'call/redirect': (pbx, b) => redirect(pbx, str(b, 'extension'), str(b, 'dest')),
  'call/pickup': (pbx, b) => pickup(pbx, str(b, 'extension'), str(b, 'dest')),
  'call/barge': (pbx, b) => supervise(pbx, 'barge', str(b, 'extension'), str(b, 'dest')),
  'call/monitor': (pbx, b) => supervise(pbx, 'monitor', str(b, 'extension'), str(b, 'dest')),
  'call/whisper': (pbx, b) => supervise(pbx, 'whisper', str(b, 'extension'), str(b, 'dest')),
  'agent/login': (pbx, b) =>
    agentLogin(
      pbx,
      str(b, 'agentid'),
      str(b, 'extension'),
      str(b, 'queue'),
      (b.penalty as number | undefined) ?? 0,
      (b.paused as PauseCode | undefined) ?? 0,
    ),
  'agent/logout': (pbx, b) => agentLogout(pbx, str(b, 'extension'), str(b, 'queue')),
  'agent/pause': (pbx, b) =>
    agentPause(pbx, str(b, 'extension'), str(b, 'queue'), b.paused as PauseCode, typeof b.reason === 'string' ? b.reason : ''),
};

function runPost(
  pbx: Pbx,
  route: PostRoute,
  req: VendorRequest,
  params: Record<string, unknown> | null,
): { payload: unknown; reason?: string } {
  const rule = POST_ROUTES[route];
  const refuse = (code: ErrorCode, reason: string) => ({ payload: vendorError(code), reason });
  if (!wantsJson(req.headers.accept)) return refuse(rule.invalid, 'Accept must be application/json');
  if (params === null || !/^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '')) {
    return refuse(rule.invalid, 'body must be a JSON object sent as Content-Type: application/json');
  }
  const fields = rule.schema.safeParse(params);
  if (!fields.success) {
    const issues = fields.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return refuse(rule.invalid, issues);
  }
  const outcome = POST_HANDLERS[route](pbx, fields.data);
  if (outcome.ok) return { payload: success(outcome.value ?? []) };
  return refuse(outcome.kind === 'invalid' ? rule.invalid : rule.failed, outcome.reason);
}

/** Laravel's wantsJson(): the first type in Accept is JSON. */
function wantsJson(accept: string | undefined): boolean {
  const first = (accept ?? '').split(',')[0] ?? '';
  return /\/json|\+json/i.test(first);
}

// ---------------------------------------------------------------- GET routes

type GetHandler = (pbx: Pbx, query: Query) => Page<unknown> | { rows: unknown; total: number };

const GET_HANDLERS: Readonly<Record<GetRoute, GetHandler>> = {
  // The document's parkList example reports total 0 next to one row; so do we.
  'call/parkList': (pbx, q) => ({ rows: parkList(pbx, q.extension || undefined), total: 0 }),
  'agent/getAgentStatus': (pbx, q) => ({
    rows: pbx.queues.agentStatus({ agentid: q.agentid, extension: q.extension, queue: q.queue }),
    total: 0,
  }),
  'status/endpoint': (pbx, q) => endpointStatus(pbx, q),
  'status/queue': (pbx, q) => {
    const rows = pbx.queues.queueStatus(q.queue_num ?? '');
    return { rows, total: rows.length };
  },
  'status/trunk': (pbx, q) => trunkStatus(pbx, q),
  'status/wait': (pbx, q) => waitStatus(pbx, q),
  cdr: (pbx, q) => searchCdr(pbx.cdrs, q),
  'cdr/list': (pbx, q) => listCdr(pbx.cdrs, q),
};

function runGet(pbx: Pbx, route: GetRoute, query: Query): { data: unknown; total: number } {
  for (const field of REQUIRED_QUERY[route]) {
    if (!query[field]) throw new QueryError(field, `The ${field.replace(/_/g, ' ')} field is required.`);
  }
  const { rows, total } = GET_HANDLERS[route](pbx, query);
  return { data: rows, total };
}
