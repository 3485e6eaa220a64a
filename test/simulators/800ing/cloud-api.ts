/**
 * The cloud API (document §1–2): /voip/api/jsondata.html, /voip/api/jsonpdata.json and
 * /voip/api/jsonpdata.jsonp, every method on each. Parameters come from the query string and/or
 * a form body (already merged by the caller, the query winning as in a Java servlet).
 * Replies are HTTP 200 JSON {"code":0,"message":"",…} or {"code":<negative>,"message":"<返回代码表 text>"}.
 */
import type { AgentLine, Refusal } from './agent-line.ts';
import {
  CLIENT_KINDS,
  CLOUD_METHODS,
  CLOUD_PATHS,
  CODE,
  DEFAULT_RECV_LIMIT,
  HEARTBEAT_LOGIN_TYPE,
  PHONE_PATTERN,
  SEND_MSG_KIND,
  codeText,
  hexCase,
  type CloudMethod,
  type HexCase,
} from './rules.ts';
import type { MessageStore } from './water-line.ts';

/** getExtension's fields after code/message, in the document's order. */
export interface AgentProfile {
  exteId: number;
  name: string;
  extension: string;
  compNumber: string;
  compName: string;
  /** 0 显示号码, 1 屏蔽号码. */
  disablePhoneNum: number;
  /** 0 sip, 1 电话设备, 2 手机 APP, 4 数字话机. */
  exteLoginType: number;
}

export interface ForcedFailure {
  /** A cloud method name, or '*' for the next request whatever its method. */
  method: string;
  code: number;
  message: string;
}

/** failNext(): each entry answers the next request naming its method, once, with no side effect. */
export class FailureQueue {
  private readonly queue: ForcedFailure[] = [];

  push(failure: ForcedFailure): void {
    this.queue.push(failure);
  }

  take(method: string | null): ForcedFailure | null {
    const index = this.queue.findIndex((f) => f.method === '*' || f.method === method);
    if (index < 0) return null;
    const [failure] = this.queue.splice(index, 1);
    return failure ?? null;
  }

  list(): ForcedFailure[] {
    return this.queue.map((f) => ({ ...f }));
  }

  clear(): void {
    this.queue.length = 0;
  }
}

export interface Heartbeat {
  /** Date.now() of the last getLongWaterLine with loginType=jsonpLogin, or null. */
  last: number | null;
  count: number;
}

export interface CloudContext {
  account: string;
  /** Uppercase hex MD5 of the password. */
  passwordMd5: string;
  profile: AgentProfile;
  line: AgentLine;
  store: MessageStore;
  failures: FailureQueue;
  heartbeat: Heartbeat;
}

export interface CloudReply {
  status: number;
  contentType: string;
  /** The bytes sent (JSON, JSONP or a small HTML error page). */
  text: string;
  /** The JSON object sent (also inside a JSONP wrapper), null for an HTML error page. */
  payload: Record<string, unknown> | null;
  /** The `method` parameter, or null. */
  apiMethod: string | null;
  /** Letter case of sa_password when it is a 32-char hex string, else null. */
  passwordCase: HexCase | null;
  /** Why it was refused (ours: request log and X-Sim-Reason only). */
  reason?: string;
  headers?: Record<string, string>;
}

type Params = Record<string, string>;
type Outcome = { payload: Record<string, unknown>; reason?: string };

export function isCloudPath(path: string): boolean {
  return CLOUD_PATHS[path] !== undefined;
}

export function handleCloudRequest(ctx: CloudContext, httpMethod: string, path: string, params: Params): CloudReply {
  const flavour = CLOUD_PATHS[path];
  const apiMethod = params.method ?? null;
  const passwordCase = hexCase(params.sa_password);
  const base = { apiMethod, passwordCase };
  if (flavour === undefined) {
    return { ...base, ...htmlPage(404, 'Not Found'), payload: null, reason: `no such path ${path}` };
  }
  if (httpMethod !== 'GET' && httpMethod !== 'POST') {
    return {
      ...base,
      ...htmlPage(405, 'Method Not Allowed'),
      payload: null,
      reason: `${httpMethod} is neither GET nor POST`,
      headers: { Allow: 'GET, POST' },
    };
  }
  const outcome = run(ctx, apiMethod, params);
  const json = JSON.stringify(outcome.payload);
  const callback = params.callback;
  const reason = outcome.reason === undefined ? {} : { reason: outcome.reason };
  if (flavour === 'jsonp' && callback !== undefined && /^[A-Za-z_$][\w$.]*$/.test(callback)) {
    return { ...base, ...reason, status: 200, contentType: 'application/javascript;charset=UTF-8', text: `${callback}(${json})`, payload: outcome.payload };
  }
  // A Java controller behind a .html mapping answers text/html; the .json mapping answers JSON.
  const contentType = flavour === 'html' ? 'text/html;charset=UTF-8' : 'application/json;charset=UTF-8';
  return { ...base, ...reason, status: 200, contentType, text: json, payload: outcome.payload };
}

function htmlPage(status: number, title: string): { status: number; contentType: string; text: string } {
  return {
    status,
    contentType: 'text/html;charset=UTF-8',
    text: `<html><head><title>${status} ${title}</title></head><body><h1>HTTP Status ${status} – ${title}</h1></body></html>`,
  };
}

// ---------------------------------------------------------------- dispatch

const ok = (fields: Record<string, unknown> = {}): Outcome => ({ payload: { code: CODE.OK, message: '', ...fields } });

function fail(code: number, reason: string, detail?: string): Outcome {
  const message = detail === undefined ? codeText(code) : `${codeText(code)}：${detail}`;
  return { payload: { code, message }, reason };
}

const fromRefusal = (r: Refusal | null): Outcome => (r === null ? ok() : fail(r.code, r.reason, r.detail));

function isCloudMethod(name: string | null): name is CloudMethod {
  return (CLOUD_METHODS as readonly string[]).includes(name ?? '');
}

function run(ctx: CloudContext, apiMethod: string | null, params: Params): Outcome {
  const forced = ctx.failures.take(apiMethod);
  if (forced !== null) {
    return { payload: { code: forced.code, message: forced.message }, reason: `failNext(${forced.method}, ${forced.code})` };
  }
  const auth = checkAuth(ctx, params);
  if (auth !== null) return fail(CODE.AUTH, auth);
  if (apiMethod === null || apiMethod === '') return fail(CODE.INTERNAL, 'no method parameter', '缺少参数 method');
  if (!isCloudMethod(apiMethod)) return fail(CODE.INTERNAL, `unknown method ${apiMethod}`, `未知方法 ${apiMethod}`);
  switch (apiMethod) {
    case 'getExtension':
      return ok({ ...ctx.profile });
    case 'callbackPhone':
      return callbackPhone(ctx, params);
    case 'getLongWaterLine':
      return getLongWaterLine(ctx, params);
    case 'recvMsg':
      return recvMsg(ctx, params);
    case 'hangupExten':
      return fromRefusal(ctx.line.hangup('hangupExten'));
    case 'sendMsg':
      return sendMsg(ctx, params);
    case 'registerExtension':
      // §2.9: "登录帐号需要有系统管理员权限 (100000800)"; the simulated account is an agent's.
      return fail(CODE.NO_PERMISSION, 'registerExtension needs a system administrator account', '需要系统管理员帐号');
  }
}

/** sa_user must be the account, sa_password the MD5 of its password (hex case not checked). */
function checkAuth(ctx: CloudContext, params: Params): string | null {
  const { sa_user: user, sa_password: password } = params;
  if (user === undefined || user === '') return 'no sa_user';
  if (password === undefined || password === '') return 'no sa_password';
  if (user !== ctx.account) return `unknown sa_user ${user}`;
  if (hexCase(password) === null) return 'sa_password is not a 32-char hex MD5';
  if (password.toUpperCase() !== ctx.passwordMd5) return 'wrong sa_password';
  return null;
}

// ---------------------------------------------------------------- methods

function callbackPhone(ctx: CloudContext, params: Params): Outcome {
  const phone = params.descPhone;
  if (phone === undefined || phone === '') return fail(CODE.INTERNAL, 'no descPhone', '缺少参数 descPhone');
  if (!PHONE_PATTERN.test(phone)) return fail(CODE.INTERNAL, `descPhone "${phone}" is not a dialable number`, '号码格式错误');
  const paramvalue = params.paramvalue === undefined || params.paramvalue === '' ? null : params.paramvalue;
  return fromRefusal(ctx.line.dial(phone, 'callbackPhone', paramvalue));
}

function getLongWaterLine(ctx: CloudContext, params: Params): Outcome {
  const client = intParam(params, 'client');
  if (client === null || !CLIENT_KINDS.includes(client)) return badParam('client');
  // 固定值 (增加心跳): only loginType=jsonpLogin counts as the heartbeat.
  if (params.loginType === HEARTBEAT_LOGIN_TYPE) {
    ctx.heartbeat.last = Date.now();
    ctx.heartbeat.count += 1;
  }
  return ok({ waterline: ctx.store.waterLine, keylist: '', msgs: ctx.store.latestSummary() });
}

function recvMsg(ctx: CloudContext, params: Params): Outcome {
  const client = intParam(params, 'client');
  if (client === null || !CLIENT_KINDS.includes(client)) return badParam('client');
  let waterLine = 0;
  if (params.waterLine !== undefined && params.waterLine !== '') {
    const parsed = intParam(params, 'waterLine');
    if (parsed === null) return badParam('waterLine');
    waterLine = parsed;
  }
  let limit = DEFAULT_RECV_LIMIT;
  if (params.limit !== undefined && params.limit !== '') {
    const parsed = intParam(params, 'limit');
    if (parsed === null || parsed < 1) return badParam('limit');
    limit = parsed;
  }
  return ok({ msgs: ctx.store.after(waterLine, limit) });
}

function sendMsg(ctx: CloudContext, params: Params): Outcome {
  const phone = params.phone;
  if (phone === undefined || phone === '') return fail(CODE.INTERNAL, 'no phone', '缺少参数 phone');
  if (params.kind !== SEND_MSG_KIND) return fail(CODE.INTERNAL, `kind must be 6 (got ${params.kind ?? 'nothing'})`, 'kind 必须为 6');
  if (intParam(params, 'client') === null) return badParam('client');
  if (intParam(params, 'lostTime') === null) return badParam('lostTime');
  return fromRefusal(ctx.line.answerIncoming(phone));
}

/** A Java Integer/Long.parseLong: optional sign and digits only, else null. */
function intParam(params: Params, key: string): number | null {
  const raw = params[key];
  if (raw === undefined || !/^-?[0-9]{1,16}$/.test(raw)) return null;
  return Number(raw);
}

function badParam(key: string): Outcome {
  return fail(CODE.INTERNAL, `missing or invalid ${key}`, `参数 ${key} 无效`);
}
