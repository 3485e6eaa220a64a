import { CallbarError } from '../../shared/errors.ts';
import { isRecord, requestJson } from '../http.ts';
import type { SoftbarEvent } from './cmcc-softbar-mapper.ts';

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
  sipOnline: '切换在线',
  sipOffline: '切换离线',
  makeCall: '外呼',
  answer: '接听',
  hangup: '挂断',
  mute: '静音',
  unMute: '取消静音',
  transfer: '转接',
  switchTransfer: '切换到转接界面',
  returnTransfer: '返回转接前界面',
  getUserInfo: '获取坐席信息',
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
  ) {
    this.what = `本机电话条 ${new URL(baseUrl).host}`;
  }

  /** POST an action; resolves when the bar accepted it (result 1), else throws. */
  async action(action: Exclude<SoftbarAction, 'getUserInfo'>, fields: Record<string, string> = {}, signal?: AbortSignal): Promise<void> {
    const data = await this.post(`/api/action/${action}`, { ...fields, secret: this.secret }, signal);
    const result = isRecord(data) ? data.result : undefined;
    if (result === 1 || result === '1') return;
    if (result === 0 || result === '0') {
      throw new CallbarError('refused', `电话条拒绝了“${ACTION_LABELS[action]}”请求`, `/api/action/${action} → result 0`);
    }
    throw new CallbarError('malformed-reply', `电话条对“${ACTION_LABELS[action]}”的回复缺少 result`, JSON.stringify(data));
  }

  async getUserInfo(signal?: AbortSignal): Promise<SoftbarUserInfo> {
    const data = await this.post('/api/action/getUserInfo', { secret: this.secret }, signal);
    // The document shows data as an array with one object; accept a bare object too.
    const info = Array.isArray(data) ? data[0] : data;
    if (!isRecord(info) || (info.result !== 0 && info.result !== 1 && info.result !== '0' && info.result !== '1')) {
      throw new CallbarError('malformed-reply', '电话条返回的坐席信息格式不正确', JSON.stringify(data));
    }
    return {
      result: Number(info.result),
      ...(info.extension !== undefined ? { extension: String(info.extension) } : {}),
      ...(info.username !== undefined ? { username: String(info.username) } : {}),
      ...(info.phone !== undefined ? { phone: String(info.phone) } : {}),
    };
  }

  /** Poll one event queue: getCallState (call events) or getOnline (SIP online events). */
  async events(queue: 'getCallState' | 'getOnline', maxCount: number, signal?: AbortSignal): Promise<SoftbarEvent[]> {
    const data = await this.post(`/api/event/${queue}`, { secret: this.secret, maxCount }, signal);
    if (data === null || data === undefined) return [];
    if (!Array.isArray(data)) throw new CallbarError('malformed-reply', '电话条返回的事件列表格式不正确', JSON.stringify(data).slice(0, 200));
    const events: SoftbarEvent[] = [];
    for (const item of data) {
      if (!isRecord(item) || typeof item.eventName !== 'string') {
        throw new CallbarError('malformed-reply', '电话条返回了无法识别的事件', JSON.stringify(item).slice(0, 200));
      }
      if (item.result === 0 || item.result === '0') continue; // "获取状态事件操作失败" for this entry
      events.push({
        eventName: item.eventName,
        ...pickStrings(item, ['eventTime', 'thisParty', 'otherParty', 'ani', 'dnis', 'reserve']),
      });
    }
    return events;
  }

  private async post(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const reply = await requestJson(`${this.baseUrl}${path}`, { method: 'POST', body }, { what: this.what, ...(signal ? { signal } : {}) });
    if (!isRecord(reply) || typeof reply.errcode !== 'number' && typeof reply.errcode !== 'string') {
      throw new CallbarError('malformed-reply', `${this.what}的回复不是电话条的格式`, JSON.stringify(reply).slice(0, 200));
    }
    const errcode = Number(reply.errcode);
    const errmsg = typeof reply.errmsg === 'string' ? reply.errmsg : '';
    if (errcode !== 0) {
      if (/鉴权|secret|auth/i.test(errmsg)) {
        throw new CallbarError('auth', `电话条鉴权失败（${errmsg}）：请核对设置中的 800 号码`, `${path} errcode ${errcode}`);
      }
      throw new CallbarError('refused', `电话条返回错误 ${errcode}${errmsg ? `：${errmsg}` : ''}`, path);
    }
    return reply.data;
  }
}

function pickStrings(item: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = item[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = String(value);
  }
  return out;
}
