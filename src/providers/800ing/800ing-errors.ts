import { CallbarError } from '../../shared/errors.ts';

/**
 * Every failure 八百呼 can report, in words the agent understands: the document's 返回代码表
 * (1.2, `code` < 0 in a reply), HTTP statuses, network failures of the cloud server and of the
 * desktop client on 127.0.0.1.
 */

/** The document's 返回代码表, verbatim (0 = success). */
export const ING800_ERROR_CODES: Readonly<Record<string, string>> = {
  '-1': '网络错误',
  '-2': '验证错误',
  '-3': '方法内部错误',
  '-5': '没有权限',
  '-6': 'SQL 语句执行错误',
  '-10': '数据已经存在',
  '-11': '数据不存在',
  '-12': '超过最大值错误',
  '-13': '文件保存失败',
  '-14': '验证组错误',
};

/** What each code means for the agent, and what to do about it. */
export const ING800_ERROR_TEXT: Readonly<Record<string, { meaning: string; advice: string }>> = {
  '-1': { meaning: '八百呼平台网络异常', advice: '请稍后再试；一直出现时请联系八百呼客服' },
  '-2': { meaning: '帐号或密码错误', advice: '请检查设置中的帐号（坐席号）和密码' },
  '-3': { meaning: '八百呼服务器处理请求时出错', advice: '请稍后再试；一直出现时请联系八百呼客服' },
  '-5': { meaning: '该帐号没有此操作的权限', advice: '请联系管理员在八百呼后台开通权限' },
  '-6': { meaning: '八百呼服务器数据库出错', advice: '请稍后再试；一直出现时请联系八百呼客服' },
  '-10': { meaning: '数据已经存在', advice: '请求可能已经提交过，请勿重复操作' },
  '-11': { meaning: '数据不存在', advice: '帐号、号码或通话可能已不存在，请确认后再试' },
  '-12': { meaning: '超过最大值', advice: '例如同时呼叫数或消息条数已达上限，请稍后再试或联系管理员' },
  '-13': { meaning: '八百呼服务器保存文件失败', advice: '请稍后再试；一直出现时请联系八百呼客服' },
  '-14': { meaning: '帐号所属的验证组有误', advice: '请联系管理员检查该帐号所属的企业或分组设置' },
};

/** Advice that depends on the action (`<action>:<code>`), where the general one would mislead. */
const ACTION_ADVICE: Readonly<Record<string, string>> = {
  '外呼:-10': '该号码可能已经在呼叫中，请勿重复拨打',
  '外呼:-11': '请检查号码是否正确',
  '挂断:-11': '通话可能已经结束',
  '接听:-11': '来电可能已经挂断或已被接听',
  '客户端转接:-11': '请检查转接号码；通话可能已经结束',
};

/**
 * The message for a 返回代码表 code in a reply to `action` (an agent-facing verb such as “外呼”):
 * what it means, the server's own message when it says more, the document's term and the code,
 * what to do. Codes outside the table show the server's message and the code.
 */
export function vendorErrorMessage(code: string, message: string, action: string): string {
  const failed = `${action}失败`;
  const server = message.trim();
  const known = ING800_ERROR_TEXT[code];
  const term = ING800_ERROR_CODES[code];
  if (!known || !term) return `${failed}：${server || '未知错误'}（错误码 ${code}）`;
  const extra = server && server !== term && server !== known.meaning ? `：${server}` : '';
  const advice = ACTION_ADVICE[`${action}:${code}`] ?? known.advice;
  return `${failed}：${known.meaning}${extra}（${term}，错误码 ${code}），${advice}`;
}

/** A `code` < 0 (or any code but 0) as a CallbarError: -2 is `auth`, the rest `refused`. */
export function vendorError(code: string, message: string, action: string, where: string): CallbarError {
  return new CallbarError(code === '-2' ? 'auth' : 'refused', vendorErrorMessage(code, message, action), `${where} → code ${code}${message ? ` ${message}` : ''}`);
}

/** The cloud server in the agent's words: “八百呼服务器 voip.800ing.com:8080”. */
export function serverName(host: string): string {
  return `八百呼服务器 ${host}`;
}

/** The desktop client in the agent's words: “八百呼客户端（127.0.0.1:10800）”. */
export function clientName(port: number): string {
  return `八百呼客户端（127.0.0.1:${port}）`;
}

export function clientNotRunningMessage(port: number): string {
  return `八百呼客户端没有运行（127.0.0.1:${port}）`;
}

export const CLIENT_NOT_RUNNING_HINT = '请启动八百呼客户端；CallBar 会自动重试，客户端启动后自动登录';

/** A non-2xx reply without a 返回代码表 code. */
export function httpErrorMessage(status: number, action: string, who: string): string {
  // “八百呼服务器 h:8080 上没有…” but “八百呼客户端（127.0.0.1:10800）内部错误…”.
  const w = /[0-9A-Za-z]$/.test(who) ? `${who} ` : who;
  if (status === 401 || status === 403) return `${w}拒绝了“${action}”请求（HTTP ${status}）：请检查帐号权限`;
  if (status === 404) return `${w}上没有“${action}”接口（HTTP 404）：请检查服务器地址`;
  if (status === 502 || status === 503 || status === 504) return `${w}暂时不可用（HTTP ${status}），请稍后再试`;
  if (status >= 500) return `${w}内部错误（HTTP ${status}），请稍后再试`;
  return `${w}拒绝了“${action}”请求（HTTP ${status}）`;
}
