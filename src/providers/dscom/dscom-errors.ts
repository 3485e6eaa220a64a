import { CallbarError } from '../../shared/errors.ts';

/**
 * Every failure dscom can report, in words the agent understands: the document's 错误代码
 * table (vendor codes in an HTTP 200 reply), the OAuth errors of the token endpoint (Laravel
 * Passport), HTTP statuses and network failures.
 */

/** The document's 错误代码 table, verbatim. */
export const DSCOM_ERROR_CODES: Readonly<Record<string, string>> = {
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
};

/** What the agent can do about a code, where there is something to say. */
const ERROR_ADVICE: Readonly<Record<string, string>> = {
  '600000': '请检查号码',
  '600001': '请确认话机已注册并空闲',
  '600005': '请检查转接号码',
  '600008': '请检查分机号',
  '600009': '该分机可能已不在振铃',
  '600010': '请检查分机号',
  '600011': '该分机可能不在通话中',
  '600012': '请检查分机号',
  '600013': '该分机可能不在通话中',
  '600014': '请检查分机号',
  '600015': '该分机可能不在通话中',
  '600017': '请检查驻留来电号码',
  '600018': '对方已挂断',
  '600019': '请检查排队来电号码',
  '600020': '该来电可能已不在排队',
  '610000': '请检查工号、分机号和队列设置',
  '610001': '请检查队列号',
  '610003': '请检查队列设置',
  '610007': '请检查工号、分机号和队列设置',
};

/**
 * The message for a vendor error code in a reply to `action` (an agent-facing verb such as
 * “外呼”): the table's text, the server's own message when it says more, the code.
 */
export function vendorErrorMessage(code: string, msg: string, action: string): string {
  const known = DSCOM_ERROR_CODES[code];
  const server = msg.trim();
  const failed = /[0-9A-Za-z]$/.test(action) ? `${action} 失败` : `${action}失败`;
  if (!known) return `${failed}：${server || '未知错误'}（错误码 ${code}）`;
  const extra = server && server !== known && server !== '失败' ? `：${server}` : '';
  const advice = ERROR_ADVICE[code] ? `，${ERROR_ADVICE[code]}` : '';
  return `${failed}：${known}${extra}（错误码 ${code}）${advice}`;
}

export function vendorError(code: string, msg: string, action: string, path: string): CallbarError {
  return new CallbarError('refused', vendorErrorMessage(code, msg, action), `${path} → code ${code}${msg ? ` ${msg}` : ''}`);
}

/** The far end in the agent's words: "dscom 服务器 192.168.1.200:8443". */
export function serverName(host: string): string {
  return `dscom 服务器 ${host}`;
}

/** A non-2xx reply that is not a vendor error (those carry a table code and are handled first). */
export function httpErrorMessage(status: number, action: string, host: string, serverMessage?: string): string {
  const said = serverMessage?.trim() ? `：${serverMessage.trim()}` : '';
  if (status === 401) return `${serverName(host)} 拒绝了访问令牌（HTTP 401）：请重新登录`;
  if (status === 403) return `没有调用“${action}”的权限（HTTP 403）：请管理员检查 API 接口授权`;
  if (status === 404) return `${serverName(host)} 上没有“${action}”接口（HTTP 404）：请检查服务器地址`;
  if (status === 405) return `${serverName(host)} 不接受“${action}”请求（HTTP 405）：服务器版本可能不同`;
  if (status === 419) return `${serverName(host)} 拒绝了“${action}”请求（HTTP 419：会话已过期），请重新登录`;
  if (status === 422) return `“${action}”参数有误（HTTP 422）${said}`;
  if (status === 429) return `请求过于频繁（HTTP 429），请稍后再试`;
  if (status === 502 || status === 503 || status === 504) return `${serverName(host)} 暂时不可用（HTTP ${status}），请稍后再试`;
  if (status >= 500) return `${serverName(host)} 内部错误（HTTP ${status}）${said}`;
  return `${serverName(host)} 拒绝了“${action}”请求（HTTP ${status}）${said}`;
}

// ── OAuth (the token endpoint) ───────────────────────────────────────────────────────────────

/** A rejection from `/public/oauth/token`: the server answered and said no. */
export class OAuthRejected extends CallbarError {
  constructor(
    /** Passport's `error`: invalid_client, invalid_grant, invalid_request … */
    readonly oauthError: string,
    readonly status: number,
    message: string,
    detail?: string,
  ) {
    super('auth', message, detail);
    this.name = 'OAuthRejected';
  }
}

/** The reason a token request was refused, in words (used at login and in the "cannot log in again" banner). */
export function oauthReason(oauthError: string, serverMessage: string, status: number): string {
  switch (oauthError) {
    case 'invalid_grant':
      return '用户名或密码错误';
    case 'invalid_client':
      return '客户端 ID 或密钥错误';
    case 'invalid_scope':
      return '该客户端没有访问权限（scope）';
    case 'unsupported_grant_type':
      return '服务器不支持密码授权，请管理员检查 API 接口授权';
    case 'access_denied':
      return '服务器拒绝授权';
    default:
      return serverMessage.trim() ? `服务器拒绝授权：${serverMessage.trim()}` : `服务器拒绝授权（HTTP ${status}）`;
  }
}

/** The banner when a token expired and logging in again with the saved password failed too. */
export function authLostMessage(reason: string): string {
  return `登录已过期且无法重新登录：${reason}`;
}

export const AUTH_LOST_HINT = '请退出后重新登录 CallBar（密码已修改时请填写新密码）';
