import { CallbarError } from '../../shared/errors.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { actionFailed, unknownCodeMessage, withAdvice, withReason } from '../error-text.ts';

/**
 * Every failure 八百呼 can report, in words the agent understands: the document's 返回代码表
 * (1.2, `code` < 0 in a reply), HTTP statuses, network failures of the cloud server and of the
 * desktop client on 127.0.0.1.
 */

/**
 * The document's 返回代码表, verbatim (0 = success): the server's own words for its codes (vendor
 * data, so that a reply that only repeats them adds nothing). The agent reads ING800_ERROR_TEXT.
 */
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
export const ING800_ERROR_TEXT: Readonly<Record<string, { meaning: MessageKey; advice: MessageKey }>> = {
  '-1': { meaning: 'ing800ErrorMeaningM1', advice: 'ing800ErrorAdviceM1' },
  '-2': { meaning: 'ing800ErrorMeaningM2', advice: 'ing800ErrorAdviceM2' },
  '-3': { meaning: 'ing800ErrorMeaningM3', advice: 'ing800ErrorAdviceM1' },
  '-5': { meaning: 'ing800ErrorMeaningM5', advice: 'ing800ErrorAdviceM5' },
  '-6': { meaning: 'ing800ErrorMeaningM6', advice: 'ing800ErrorAdviceM1' },
  '-10': { meaning: 'ing800ErrorMeaningM10', advice: 'ing800ErrorAdviceM10' },
  '-11': { meaning: 'ing800ErrorMeaningM11', advice: 'ing800ErrorAdviceM11' },
  '-12': { meaning: 'ing800ErrorMeaningM12', advice: 'ing800ErrorAdviceM12' },
  '-13': { meaning: 'ing800ErrorMeaningM13', advice: 'ing800ErrorAdviceM1' },
  '-14': { meaning: 'ing800ErrorMeaningM14', advice: 'ing800ErrorAdviceM14' },
};

/** The document's term for each code, translated (shown with the code). */
export const ING800_ERROR_TERMS: Readonly<Record<string, MessageKey>> = {
  '-1': 'ing800ErrorTermM1',
  '-2': 'ing800ErrorTermM2',
  '-3': 'ing800ErrorTermM3',
  '-5': 'ing800ErrorTermM5',
  '-6': 'ing800ErrorTermM6',
  '-10': 'ing800ErrorTermM10',
  '-11': 'ing800ErrorTermM11',
  '-12': 'ing800ErrorTermM12',
  '-13': 'ing800ErrorTermM13',
  '-14': 'ing800ErrorTermM14',
};

/** Advice that depends on the action (its verb's key) and the code, where the general one would mislead. */
const ACTION_ADVICE: readonly (readonly [action: MessageKey, code: string, advice: MessageKey])[] = [
  ['actionDial', '-10', 'ing800ActionAdvice1'],
  ['actionDial', '-11', 'ing800ActionAdvice2'],
  ['actionHangup', '-11', 'ing800ActionAdvice3'],
  ['actionAnswer', '-11', 'ing800ActionAdvice4'],
  ['ing800ActionClientTransfer', '-11', 'ing800ActionAdvice5'],
];

/** The longest piece of the server's own words put in a message (a 300 kB `message` became the banner). */
export const MAX_SERVER_WORDS = 200;

/** The server's words (a message, a code), trimmed and capped. */
function serverWords(text: string): string {
  const words = text.trim();
  return words.length > MAX_SERVER_WORDS ? `${words.slice(0, MAX_SERVER_WORDS - 1)}…` : words;
}

/**
 * The message for a 返回代码表 code in a reply to `action` (an agent-facing verb such as “外呼”):
 * what it means, the server's own message when it says more (platform data, as it came), the
 * document's term and the code, what to do. Codes outside the table show the server's message and the code.
 */
export function vendorErrorMessage(rawCode: string, message: string, action: string): string {
  const code = serverWords(rawCode);
  const server = serverWords(message);
  // Own codes only: "hasOwnProperty" found Object's method (the agent read “function hasOwnProperty() …”).
  const known = Object.hasOwn(ING800_ERROR_TEXT, code) ? ING800_ERROR_TEXT[code] : undefined;
  const term = Object.hasOwn(ING800_ERROR_TERMS, code) ? ING800_ERROR_TERMS[code] : undefined;
  if (!known || !term) return unknownCodeMessage(action, server, code);
  const meaning = t(known.meaning);
  const saysMore = server && server !== ING800_ERROR_CODES[code] && server !== t(term) && server !== meaning;
  const advice = ACTION_ADVICE.find(([verb, c]) => c === code && t(verb) === action)?.[2] ?? known.advice;
  const said = withReason(actionFailed(action), saysMore ? withReason(meaning, server) : meaning);
  return withAdvice(t('ing800ErrorWithTerm', said, t(term), code), advice);
}

/** A `code` < 0 (or any code but 0) as a CallbarError: -2 is `auth`, the rest `refused`. */
export function vendorError(code: string, message: string, action: string, where: string): CallbarError {
  return new CallbarError(code === '-2' ? 'auth' : 'refused', vendorErrorMessage(code, message, action), `${where} → code ${serverWords(code)}${message ? ` ${serverWords(message)}` : ''}`);
}

/** The cloud server in the agent's words: “八百呼服务器 voip.800ing.com:8080”. */
export function serverName(host: string): string {
  return t('ing800ServerName', host);
}

/** The desktop client in the agent's words: “八百呼客户端（127.0.0.1:10800）”. */
export function clientName(port: number): string {
  return t('ing800ClientName', String(port));
}

export function clientNotRunningMessage(port: number): string {
  return t('ing800ClientNotRunning', String(port));
}

export function clientNotRunningHint(): string {
  return t('ing800ClientNotRunningHint');
}

/** A non-2xx reply without a 返回代码表 code. */
export function httpErrorMessage(status: number, action: string, who: string): string {
  // “八百呼服务器 h:8080 上没有…” but “八百呼客户端（127.0.0.1:10800）内部错误…”; English spaces its words itself.
  const w = /[0-9A-Za-z]$/.test(who) ? `${who} ` : who;
  const say = (key: MessageKey, ...subs: string[]) => t(key, w, ...subs).replace(/ {2,}/g, ' ').trim();
  if (status === 401 || status === 403) return say('ing800HttpDenied', action, String(status));
  if (status === 404) return say('ing800Http404', action);
  if (status === 502 || status === 503 || status === 504) return say('ing800HttpUnavailable', String(status));
  if (status >= 500) return say('ing800HttpServerError', String(status));
  return say('ing800HttpRefused', action, String(status));
}
