import { CallbarError } from '../../shared/errors.ts';
import { type FetchLike, isRecord, preview, requestJson } from '../http.ts';
import type { SoftbarEvent } from './cmcc-softbar-mapper.ts';
import { t } from '../../shared/i18n.ts';
import { withReason } from '../error-text.ts';

/**
 * The bar's wire protocol: every call is POST JSON; the reply is
 * `{errcode, errmsg, data}` where errcode 0 only means "the local service was
 * reached" and `data.result` 1/0 says whether the bar will process the request.
 */
export type SoftbarAction =
  | 'sipOnline'
  | 'sipOffline'
  | 'makeCall'
  | 'answer'
  | 'hangup'
  | 'mute'
  | 'unMute'
  | 'transfer'
  | 'switchTransfer'
  | 'returnTransfer'
  | 'getUserInfo';

export const ACTION_LABELS: Readonly<Record<SoftbarAction, string>> = {
  sipOnline: t('softbarOpSipOnline'),
  sipOffline: t('softbarOpSipOffline'),
  makeCall: t('actionDial'),
  answer: t('actionAnswer'),
  hangup: t('actionHangup'),
  mute: t('callMute'),
  unMute: t('callUnmute'),
  transfer: t('actionTransfer'),
  switchTransfer: t('softbarActionSwitchTransfer'),
  returnTransfer: t('softbarActionReturnTransfer'),
  getUserInfo: t('softbarOpGetUserInfo'),
};

export interface SoftbarUserInfo {
  result: number;
  extension?: string;
  username?: string;
  phone?: string;
}

export class SoftbarClient {
  readonly what: string;

  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
    private readonly fetchImpl?: FetchLike,
  ) {
    this.what = t('softbarWhat', new URL(baseUrl).host);
  }

  /**
   * POST an action; resolves when the bar accepted it (result 1), else throws. The bar only says whether
   * it will process the request — the outcome comes as events (seed 000 lines 539–543: 所有 ActionAPI 的请求
   * 业务处理结果都是异步处理) — and it is a program on this computer: ACTION_TIMEOUT_MS, not the 5 s of servers
   * across a network (an agent pressing 接听 waited 5 s for a bar that had stalled).
   */
  async action(action: Exclude<SoftbarAction, 'getUserInfo'>, fields: Record<string, string> = {}, signal?: AbortSignal): Promise<void> {
    const data = await this.post(`/api/action/${action}`, { ...fields, secret: this.secret }, signal, ACTION_TIMEOUT_MS);
    const result = isRecord(data) ? data.result : undefined;
    if (result === 1 || result === '1') return;
    if (result === 0 || result === '0') {
      throw new CallbarError('refused', t('softbarRefused', ACTION_LABELS[action]), `/api/action/${action} → result 0`);
    }
    throw new CallbarError('malformed-reply', t('softbarNoResult', ACTION_LABELS[action]), preview(data));
  }

  async getUserInfo(signal?: AbortSignal): Promise<SoftbarUserInfo> {
    const data = await this.post('/api/action/getUserInfo', { secret: this.secret }, signal);
    // The document shows data as an array with one object; accept a bare object too.
    const info = Array.isArray(data) ? data[0] : data;
    if (!isRecord(info) || (info.result !== 0 && info.result !== 1 && info.result !== '0' && info.result !== '1')) {
      throw new CallbarError('malformed-reply', t('softbarUserInfoMalformed'), preview(data));
    }
    return {
      result: Number(info.result),
      ...pickStrings(info, ['extension', 'username', 'phone']),
    };
  }

  /** Poll one event queue: getCallState (call events) or getOnline (SIP online events). */
  async events(queue: 'getCallState' | 'getOnline', maxCount: number, signal?: AbortSignal, timeoutMs?: number): Promise<SoftbarEvent[]> {
    const data = await this.post(`/api/event/${queue}`, { secret: this.secret, maxCount }, signal, timeoutMs);
    if (data === null || data === undefined) return [];
    if (!Array.isArray(data)) throw new CallbarError('malformed-reply', t('softbarEventsMalformed'), preview(data));
    const events: SoftbarEvent[] = [];
    for (const item of data) {
      if (!isRecord(item) || typeof item.eventName !== 'string') {
        throw new CallbarError('malformed-reply', t('softbarEventUnknown'), preview(item));
      }
      if (item.result === 0 || item.result === '0') continue; // "获取状态事件操作失败" for this entry
      events.push({
        eventName: item.eventName,
        ...pickStrings(item, ['eventTime', 'thisParty', 'otherParty', 'ani', 'dnis', 'reserve']),
      });
    }
    return events;
  }

  private async post(path: string, body: Record<string, unknown>, signal?: AbortSignal, timeoutMs?: number): Promise<unknown> {
    const reply = await requestJson(`${this.baseUrl}${path}`, { method: 'POST', body }, { what: this.what, ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}), ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    if (!isRecord(reply) || typeof reply.errcode !== 'number' && typeof reply.errcode !== 'string') {
      throw new CallbarError('malformed-reply', t('softbarNotABar', this.what), preview(reply));
    }
    const errcode = Number(reply.errcode);
    // Capped: the bar's words go into the agent's message (a 300 kB errmsg became the banner).
    const errmsg = typeof reply.errmsg === 'string' ? capped(reply.errmsg.trim(), MAX_ERRMSG) : '';
    if (errcode !== 0) {
      if (/鉴权|secret|auth/i.test(errmsg)) {
        throw new CallbarError('auth', t('softbarAuthFailed', errmsg), `${path} errcode ${errcode}`);
      }
      throw new CallbarError('refused', errmsg ? withReason(t('softbarError', String(errcode)), errmsg) : t('softbarError', String(errcode)), path);
    }
    return reply.data;
  }
}

/** How long an action waits for the bar's acknowledgement. */
export const ACTION_TIMEOUT_MS = 2000;

/** The longest errmsg put in a message. */
export const MAX_ERRMSG = 200;
/** The longest field of an event or of the user info kept (a 300 kB extension went whole into the login error). */
export const MAX_FIELD = 1000;

function capped(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function pickStrings(item: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = item[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = capped(String(value), MAX_FIELD);
  }
  return out;
}
