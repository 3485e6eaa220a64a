/**
 * The rules of the dscom-api PBX, as its API document (seeds/004_…) states them, plus the
 * few tables the simulator had to decide (marked "ours"). Everything a reader may want to
 * check against the document lives here: error codes, per-route codes and request schemas,
 * agent statuses, device states, the OAuth (Laravel Passport) error bodies.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- paths

/** Passport's route under the deployment prefix (document: /dscom-api/public/oauth/token). */
export const TOKEN_PATH = '/dscom-api/public/oauth/token';

/**
 * The API routes. The brief uses /dscom-api/api/v1; a literal reading of the document
 * ("接口前缀+接口" with the prefix /dscom-api/public) gives /dscom-api/public/api/v1. Both serve.
 */
export const API_PREFIXES = ['/dscom-api/api/v1/', '/dscom-api/public/api/v1/'] as const;

// ---------------------------------------------------------------- 错误代码 (verbatim)

export const ERROR_CODES = {
  '510000': '标记留言收取状态参数有误',
  '510001': '标记留言收取状态异常',
  '600000': '呼叫接口参数验证失败',
  '600001': '呼叫异常',
  '600002': '挂断异常',
  '600003': '保持异常',
  '600004': '接回保持异常',
  '600005': '转接参数验证失败',
  '600006': '转接异常',
  '600007': '取消咨询转异常',
  '600008': '代接电话参数验证失败',
  '600009': '代接电话失败',
  '600010': '强插参数验证失败',
  '600011': '强插失败',
  '600012': '监听参数验证失败',
  '600013': '监听失败',
  '600014': '督导参数验证失败',
  '600015': '督导失败',
  '600016': '驻留失败',
  '600017': '接回驻留参数验证失败',
  '600018': '驻留通话已挂断',
  '600019': '来电重定向参数验证失败',
  '600020': '来电重定向异常',
  '600021': '话机听取录音参数验证失败',
  '600022': '话机听取录音异常',
  '610000': '座席签入异常',
  '610001': '座席签出参数有误',
  '610002': '座席签出异常',
  '610003': '设置座席状态参数有误',
  '610004': '设置座席状态异常',
  '610005': '修改排队优先级参数有误',
  '610006': '修改排队优先级异常',
  '610007': '座席签入参数有误',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const SUCCESS_MSG = '成功';

// ---------------------------------------------------------------- field schemas

/** A number a phone can dial: digits, optionally led by + and containing * or #. */
export const DIAL_PATTERN = /^\+?[0-9*#]+$/;

const text = z.string().trim().min(1);
const dialString = z.string().regex(DIAL_PATTERN);
/** Laravel's `integer` rule: a JSON integer or a string of digits. */
const integer = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

/** agent/login and agent/pause: 0 就绪, 4 私事暂休, 5 公事暂休, 11–13 自定义状态1–3. */
export const PAUSE_CODES = [0, 4, 5, 11, 12, 13] as const;
export type PauseCode = (typeof PAUSE_CODES)[number];
const pauseCode = integer.pipe(z.number().refine((n) => (PAUSE_CODES as readonly number[]).includes(n)));

export const TRANSFER_TYPES = ['blind', 'attended', 'app'] as const;
/** `app` dest: context,exten,priority (document: "aa_1001315,s,1", "ext-queues,200,1"). */
export const APP_DEST_PATTERN = /^[A-Za-z0-9_-]+,[A-Za-z0-9_*#+-]+,[0-9]+$/;

const extensionOnly = z.object({ extension: text });
const extensionAndDest = z.object({ extension: text, dest: dialString });

const transferSchema = z
  .object({ type: z.enum(TRANSFER_TYPES), extension: text, dest: text })
  .refine((b) => (b.type === 'app' ? APP_DEST_PATTERN.test(b.dest) : DIAL_PATTERN.test(b.dest)), {
    message: 'dest must be a number (blind/attended) or context,exten,priority (app)',
  });

// ---------------------------------------------------------------- routes

/**
 * Each documented route: method, its "参数验证失败/有误" code (`invalid`) and its "异常/失败"
 * code (`failed`), and the schema its body must match. Which code belongs to which route is
 * read from the code names; hangup/hold/unhold/park have none of their own and use the
 * call family's 600000 (呼叫接口参数验证失败); cancelAtxfer uses the transfer family's 600005.
 */
export interface PostRouteRule {
  method: 'POST';
  invalid: ErrorCode;
  failed: ErrorCode;
  schema: z.ZodType<Record<string, unknown>>;
}

export interface GetRouteRule {
  method: 'GET';
}

export const POST_ROUTES = {
  'call/dial': {
    method: 'POST',
    invalid: '600000',
    failed: '600001',
    schema: z.object({ extension: text, dest: dialString, displaycid: dialString.optional() }),
  },
  'call/hangup': { method: 'POST', invalid: '600000', failed: '600002', schema: extensionOnly },
  'call/hold': { method: 'POST', invalid: '600000', failed: '600003', schema: extensionOnly },
  'call/unhold': { method: 'POST', invalid: '600000', failed: '600004', schema: extensionOnly },
  'call/transfer': { method: 'POST', invalid: '600005', failed: '600006', schema: transferSchema },
  'call/cancelAtxfer': { method: 'POST', invalid: '600005', failed: '600007', schema: extensionOnly },
  'call/park': { method: 'POST', invalid: '600000', failed: '600016', schema: extensionOnly },
  'call/unpark': { method: 'POST', invalid: '600017', failed: '600018', schema: extensionAndDest },
  'call/redirect': { method: 'POST', invalid: '600019', failed: '600020', schema: extensionAndDest },
  'call/pickup': { method: 'POST', invalid: '600008', failed: '600009', schema: extensionAndDest },
  'call/barge': { method: 'POST', invalid: '600010', failed: '600011', schema: extensionAndDest },
  'call/monitor': { method: 'POST', invalid: '600012', failed: '600013', schema: extensionAndDest },
  'call/whisper': { method: 'POST', invalid: '600014', failed: '600015', schema: extensionAndDest },
  'agent/login': {
    method: 'POST',
    invalid: '610007',
    failed: '610000',
    schema: z.object({
      agentid: text,
      extension: text,
      queue: text,
      penalty: integer.pipe(z.number().min(0).max(99)).optional(),
      paused: pauseCode.optional(),
    }),
  },
  'agent/logout': {
    method: 'POST',
    invalid: '610001',
    failed: '610002',
    schema: z.object({ extension: text, queue: text }),
  },
  'agent/pause': {
    method: 'POST',
    invalid: '610003',
    failed: '610004',
    schema: z.object({ extension: text, paused: pauseCode, queue: text, reason: z.string().optional() }),
  },
} as const satisfies Record<string, PostRouteRule>;

export type PostRoute = keyof typeof POST_ROUTES;

/** GET routes: fields come as query parameters (browsers cannot send a GET body). */
export const GET_ROUTES = [
  'call/parkList',
  'agent/getAgentStatus',
  'status/endpoint',
  'status/queue',
  'status/trunk',
  'status/wait',
  'cdr',
  'cdr/list',
] as const;

export type GetRoute = (typeof GET_ROUTES)[number];

/** Query parameters the document marks 是 (required), per GET route. Missing → Laravel 422. */
export const REQUIRED_QUERY: Readonly<Record<GetRoute, readonly string[]>> = {
  'call/parkList': [],
  'agent/getAgentStatus': [],
  'status/endpoint': ['page', 'pageSize'],
  'status/queue': ['queue_num'],
  'status/trunk': ['page', 'pageSize'],
  'status/wait': ['page', 'pageSize', 'queue_num'],
  cdr: ['page', 'pageSize'],
  'cdr/list': ['start_time', 'end_time'],
};

// ---------------------------------------------------------------- agent status (座席状态)

export type AgentStatusCode =
  | '-1' | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | '11' | '12' | '13';

/** `zh` is the document's table; `en` (statusDesc) follows the document's one example, "Ready". */
export const AGENT_STATUS: Readonly<Record<AgentStatusCode, { zh: string; en: string }>> = {
  '-1': { zh: '未登录', en: 'Logged out' },
  '0': { zh: '就绪', en: 'Ready' },
  '1': { zh: '通话中', en: 'In call' },
  '2': { zh: '振铃', en: 'Ringing' },
  '3': { zh: '整理', en: 'Wrap-up' },
  '4': { zh: '私事暂休', en: 'Private break' },
  '5': { zh: '公事暂休', en: 'Work break' },
  '6': { zh: '外拨工作', en: 'Outbound work' },
  '7': { zh: '代接电话', en: 'Pickup' },
  '8': { zh: '振铃超时', en: 'Ring timeout' },
  '9': { zh: '暂休超时', en: 'Break timeout' },
  '10': { zh: '忙于其他队列', en: 'Busy in other queue' },
  // Ours: the status table stops at 10; a member paused with 11–13 reports that code.
  '11': { zh: '自定义状态1', en: 'Custom status 1' },
  '12': { zh: '自定义状态2', en: 'Custom status 2' },
  '13': { zh: '自定义状态3', en: 'Custom status 3' },
};

// ---------------------------------------------------------------- device state (分机状态)

/** Asterisk's device-state strings, as status/endpoint reports them. */
export type DeviceState =
  | 'Unknown'
  | 'Not in use'
  | 'In use'
  | 'Busy'
  | 'Unavailable'
  | 'Ringing'
  | 'Ring+Inuse'
  | 'On Hold';

/**
 * `code` = Asterisk's ast_device_state number (getAgentStatus dsStatus, ours); `zh` = status/queue's
 * Chinese dsStatus: 离线/空闲/忙线中 are the document's, the rest ours.
 */
export const DEVICE_STATES: Readonly<Record<DeviceState, { code: string; zh: string }>> = {
  Unknown: { code: '0', zh: '未知' },
  'Not in use': { code: '1', zh: '空闲' },
  'In use': { code: '2', zh: '忙线中' },
  Busy: { code: '3', zh: '忙' },
  Unavailable: { code: '5', zh: '离线' },
  Ringing: { code: '6', zh: '振铃' },
  'Ring+Inuse': { code: '7', zh: '通话振铃' },
  'On Hold': { code: '8', zh: '保持' },
};

/** getAgentStatus `direction` (ours): no call, the member was called, the member called. */
export const DIRECTION_CODE = { none: '0', in: '1', out: '2' } as const;

// ---------------------------------------------------------------- callee behaviour

export const CALLEE_MODES = ['answer', 'busy', 'noAnswer', 'manual'] as const;
export type CalleeMode = (typeof CALLEE_MODES)[number];

// ---------------------------------------------------------------- CDR

export type Disposition = 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
/** The document's 呼叫方向 (in, out, inner); its examples print "inter" for inner calls. */
export type CdrDirection = 'in' | 'out' | 'inner';

export const CDR_SORT_FIELDS = ['id', 'calldate', 'start', 'answer', 'end'] as const;

/** Q.850 cause we report in the `GET cdr` row's hangupcause. */
export const HANGUP_CAUSE: Readonly<Record<Disposition, string>> = {
  ANSWERED: '16',
  'NO ANSWER': '19',
  BUSY: '17',
  FAILED: '20',
};

// ---------------------------------------------------------------- OAuth (Laravel Passport)

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export interface OAuthError {
  status: number;
  payload: Record<string, string>;
}

const oauthError = (status: number, error: string, description: string, hint?: string): OAuthError => ({
  status,
  payload: {
    error,
    error_description: description,
    ...(hint === undefined ? {} : { hint }),
    message: description,
  },
});

const MALFORMED =
  'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';

/** league/oauth2-server's exceptions, as Passport renders them. */
export const OAUTH_ERRORS = {
  invalidClient: () => oauthError(401, 'invalid_client', 'Client authentication failed'),
  invalidCredentials: () => oauthError(400, 'invalid_grant', 'The user credentials were incorrect.', ''),
  invalidRequest: (parameter: string) => oauthError(400, 'invalid_request', MALFORMED, `Check the \`${parameter}\` parameter`),
  invalidRefreshToken: (hint: string) => oauthError(400, 'invalid_request', 'The refresh token is invalid.', hint),
  invalidScope: (scope: string) =>
    oauthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed', `Check the \`${scope}\` scope`),
  unsupportedGrantType: () =>
    oauthError(
      400,
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server.',
      'Check that all required parameters have been provided',
    ),
} as const;

/** Passport's `auth:api` guard. */
export const UNAUTHENTICATED = { message: 'Unauthenticated.' } as const;
