import { CallbarError } from '../../shared/errors.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { actionFailed, unknownCodeMessage, withAdvice, withCode, withReason } from '../error-text.ts';

/**
 * Every failure dscom can report, in words the agent understands: the document's 错误代码
 * table (vendor codes in an HTTP 200 reply), the OAuth errors of the token endpoint (Laravel
 * Passport), HTTP statuses and network failures.
 */

/**
 * The document's 错误代码 table, verbatim: the server's own words for its codes (vendor data, so that
 * a reply that only repeats them adds nothing). The agent reads DSCOM_ERROR_TEXT.
 */
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

/** Each code in the agent's words (the table's meaning, translated). */
export const DSCOM_ERROR_TEXT: Readonly<Record<string, MessageKey>> = {
  '510000': 'dscomError510000',
  '510001': 'dscomError510001',
  '600000': 'dscomError600000',
  '600001': 'dscomError600001',
  '600002': 'dscomError600002',
  '600003': 'dscomError600003',
  '600004': 'dscomError600004',
  '600005': 'dscomError600005',
  '600006': 'dscomError600006',
  '600007': 'dscomError600007',
  '600008': 'dscomError600008',
  '600009': 'dscomError600009',
  '600010': 'dscomError600010',
  '600011': 'dscomError600011',
  '600012': 'dscomError600012',
  '600013': 'dscomError600013',
  '600014': 'dscomError600014',
  '600015': 'dscomError600015',
  '600016': 'dscomError600016',
  '600017': 'dscomError600017',
  '600018': 'dscomError600018',
  '600019': 'dscomError600019',
  '600020': 'dscomError600020',
  '600021': 'dscomError600021',
  '600022': 'dscomError600022',
  '610000': 'dscomError610000',
  '610001': 'dscomError610001',
  '610002': 'dscomError610002',
  '610003': 'dscomError610003',
  '610004': 'dscomError610004',
  '610005': 'dscomError610005',
  '610006': 'dscomError610006',
  '610007': 'dscomError610007',
};

/** What the agent can do about a code, where there is something to say. */
const ERROR_ADVICE: Readonly<Record<string, MessageKey>> = {
  '600000': 'adviceCheckNumber',
  '600001': 'adviceCheckPhoneRegistered',
  '600005': 'adviceCheckTransferNumber',
  '600008': 'adviceCheckExtension',
  '600009': 'adviceExtensionNotRinging',
  '600010': 'adviceCheckExtension',
  '600011': 'adviceExtensionNotInCall',
  '600012': 'adviceCheckExtension',
  '600013': 'adviceExtensionNotInCall',
  '600014': 'adviceCheckExtension',
  '600015': 'adviceExtensionNotInCall',
  '600017': 'adviceCheckParkedNumber',
  '600018': 'adviceOtherPartyHungUp',
  '600019': 'adviceCheckQueuedNumber',
  '600020': 'adviceCallNoLongerQueued',
  '610000': 'adviceCheckAgentSettings',
  '610001': 'adviceCheckQueue',
  '610003': 'adviceCheckQueueSettings',
  '610007': 'adviceCheckAgentSettings',
};

/** The longest piece of the server's own words put in a message (a 3 MB `msg` became the banner). */
export const MAX_SERVER_WORDS = 200;

/** The server's words (a message, a code), trimmed and capped. */
function serverWords(text: string | undefined): string {
  const words = (text ?? '').trim();
  return words.length > MAX_SERVER_WORDS ? `${words.slice(0, MAX_SERVER_WORDS - 1)}…` : words;
}

/**
 * The message for a vendor error code in a reply to `action` (an agent-facing verb such as
 * “外呼”, a t() result): our text for the code, the server's own message when it says more
 * (platform data, as it came, capped), the code, what to do.
 */
export function vendorErrorMessage(rawCode: string, rawMsg: string, action: string): string {
  const code = serverWords(rawCode);
  const msg = serverWords(rawMsg);
  // Own codes only: "__proto__" found Object.prototype and the agent read “[object Object]”.
  const key = Object.hasOwn(DSCOM_ERROR_TEXT, code) ? DSCOM_ERROR_TEXT[code] : undefined;
  if (!key) return unknownCodeMessage(action, msg, code);
  const known = t(key);
  const saysMore = msg && msg !== known && msg !== DSCOM_ERROR_CODES[code] && msg !== '失败';
  return withAdvice(withCode(withReason(actionFailed(action), saysMore ? withReason(known, msg) : known), code), ERROR_ADVICE[code]);
}

export function vendorError(code: string, msg: string, action: string, path: string): CallbarError {
  return new CallbarError('refused', vendorErrorMessage(code, msg, action), `${path} → code ${serverWords(code)}${msg ? ` ${serverWords(msg)}` : ''}`);
}

/** The far end in the agent's words: "dscom 服务器 192.168.1.200:8443". */
export function serverName(host: string): string {
  return t('dscomServerName', host);
}

/** A non-2xx reply that is not a vendor error (those carry a table code and are handled first). */
export function httpErrorMessage(status: number, action: string, host: string, serverMessage?: string): string {
  const server = serverName(host);
  const words = serverWords(serverMessage);
  const said = (message: string) => (words ? withReason(message, words) : message);
  if (status === 401) return t('dscomHttp401', server);
  if (status === 403) return t('dscomHttp403', action);
  if (status === 404) return t('dscomHttp404', server, action);
  if (status === 405) return t('dscomHttp405', server, action);
  if (status === 419) return t('dscomHttp419', server, action);
  if (status === 422) return said(t('dscomHttp422', action));
  if (status === 429) return t('dscomHttp429');
  if (status === 502 || status === 503 || status === 504) return t('dscomHttpUnavailable', server, String(status));
  if (status >= 500) return said(t('dscomHttpServerError', server, String(status)));
  return said(t('dscomHttpRefused', server, action, String(status)));
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
      return t('dscomOauthInvalidGrant');
    case 'invalid_client':
      return t('dscomOauthInvalidClient');
    case 'invalid_scope':
      return t('dscomOauthInvalidScope');
    case 'unsupported_grant_type':
      return t('dscomOauthUnsupportedGrant');
    case 'access_denied':
      return t('dscomOauthDenied');
    default:
      return serverWords(serverMessage) ? withReason(t('dscomOauthDenied'), serverWords(serverMessage)) : t('dscomOauthDeniedStatus', String(status));
  }
}

/** The banner when a token expired and logging in again with the saved password failed too. */
export function authLostMessage(reason: string): string {
  return t('dscomAuthLost', reason);
}

/** The hint under that banner. */
export function authLostHint(): string {
  return t('dscomAuthLostHint');
}
