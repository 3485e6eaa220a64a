/**
 * How providers put an error message together, in the extension's language: the same pieces
 * (what failed, why, the vendor's code, what to do) in the same order for every vendor.
 */
import { type MessageKey, t } from '../shared/i18n.ts';

/** “外呼失败” / “Call failed”; `action` is already in the agent's words (a t() result). */
export function actionFailed(action: string): string {
  // A space between a Latin word or a digit and a Chinese one (“签入队列 200 失败”).
  return t('errorActionFailed', action).replace(/([0-9A-Za-z])([\u4e00-\u9fff])/, '$1 $2');
}

/** “what：why”. */
export function withReason(what: string, why: string): string {
  return t('errorWithReason', what, why);
}

/** “message（错误码 code）”. */
export function withCode(message: string, code: string): string {
  return t('errorWithCode', message, code);
}

/** “message，advice”. */
export function withAdvice(message: string, advice: MessageKey | undefined): string {
  return advice ? t('errorWithAdvice', message, t(advice)) : message;
}

/** A vendor code our table does not know: what failed, the vendor's own words (or “未知错误”) and the code. */
export function unknownCodeMessage(action: string, vendorMessage: string, code: string): string {
  return withCode(withReason(actionFailed(action), vendorMessage.trim() || t('errorUnknown')), code);
}

/** A space where a Chinese word meets a Latin one or a digit (“无法连接 dscom 服务器”): our words only, never platform data. */
export function spaced(words: string): string {
  return words.replace(/([\u4e00-\u9fff])([0-9A-Za-z])/g, '$1 $2').replace(/([0-9A-Za-z])([\u4e00-\u9fff])/g, '$1 $2');
}

/** “无法连接 <server>”. */
export function cannotConnect(server: string): string {
  return spaced(t('cannotConnect', server));
}

/** “<server> 响应超时”. */
export function noTimelyReply(server: string): string {
  return spaced(t('noTimelyReply', server));
}

/** An error that is not a CallbarError (a bug): “内部错误：…”. */
export function internalErrorMessage(error: unknown): string {
  return t('internalError', String(error));
}

/** The hint under a banner for a failed poll: network trouble (`what` stops meanwhile) or anything else. */
export function pollRetryHint(network: boolean, seconds: number, whileDown?: MessageKey): string {
  if (!network) return t('pollRetryHint', String(seconds));
  return whileDown ? t('pollNetworkHintWhileDown', t(whileDown), String(seconds)) : t('pollNetworkHint', String(seconds));
}
