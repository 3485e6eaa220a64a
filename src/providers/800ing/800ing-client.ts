import { CallbarError } from '../../shared/errors.ts';
import { DEFAULT_TIMEOUT_MS, exchange, type FetchLike, isRecord, numberOf, preview } from '../http.ts';
import { httpErrorMessage, serverName, vendorError } from './800ing-errors.ts';
import { t } from '../../shared/i18n.ts';
import { cannotConnect, noTimelyReply } from '../error-text.ts';
import type { Ing800Message } from './800ing-mapper.ts';
import { passwordMd5 } from './800ing-secret.ts';
import { parseWaterLine, quoteWaterLines } from './800ing-waterline.ts';

/**
 * The 八百呼 cloud API on the wire (document 1.1, 2.1–2.6). Every request is a POST
 * `application/x-www-form-urlencoded` (UTF-8) with `sa_user`, `sa_password` (the uppercase hex MD5
 * of the password — never the password) and `method`, plus the method's fields.
 * `getExtension`, `callbackPhone`, `recvMsg`, `sendMsg` go to `/voip/api/jsondata.html`;
 * `getLongWaterLine` and `hangupExten` to `/voip/api/jsonpdata.json`, where the document places
 * them (its non-JSONP variant). A reply is JSON `{code: 0, message: "", …}`; a `code` other than 0
 * is a 返回代码表 error (http.ts `exchange()` carries it: requestJson sends JSON bodies).
 */
export type { FetchLike } from '../http.ts';
/** JSON from a reply text: water lines kept exact; a JSONP wrapper `cb(…)` is tolerated. Undefined when not JSON. */
export function parseReply(text: string): unknown {
  const body = text.trim().replace(/^[\w$.]+\s*\(([\s\S]*)\)\s*;?$/, '$1');
  if (!body) return undefined;
  try {
    return JSON.parse(quoteWaterLines(body)) as unknown;
  } catch {
    return undefined;
  }
}

/** `code` of a reply as a string ("0", "-2" …), or null when it has none. */
export function replyCode(json: unknown): string | null {
  if (!isRecord(json)) return null;
  const code = json.code;
  if (typeof code === 'number' && Number.isFinite(code)) return String(code);
  // Exact (BigInt): 400 digits read as a Number were the code "Infinity".
  if (typeof code === 'string' && /^\s*-?\d+\s*$/.test(code)) return BigInt(code.trim()).toString();
  return null;
}

export function replyMessage(json: unknown): string {
  return isRecord(json) && typeof json.message === 'string' ? json.message : '';
}

// ── The cloud API ────────────────────────────────────────────────────────────────────────────

export type ApiPath = '/voip/api/jsondata.html' | '/voip/api/jsonpdata.json';
export const DATA_PATH: ApiPath = '/voip/api/jsondata.html';
export const JSONP_DATA_PATH: ApiPath = '/voip/api/jsonpdata.json';

/** callbackPhone rings the agent's own phone first: its reply may take a while. */
export const DIAL_TIMEOUT_MS = 15_000;
/** recvMsg `limit` (the document's default). */
export const RECV_LIMIT = 100;

export interface ClientConfig {
  /** The server's origin, http(s)://host[:port]. */
  server: string;
  account: string;
  password: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** callbackPhone's limit (default DIAL_TIMEOUT_MS). */
  dialTimeoutMs?: number;
}

/** getExtension, as CallBar uses it. */
export interface ExtensionInfo {
  exteId: string;
  name: string;
  extension: string;
  compNumber: string;
  compName: string;
  /** 1: numbers are hidden from this agent. */
  disablePhoneNum: number;
  /** 0 sip, 1 电话设备, 2 手机 APP, 4 数字话机; null when absent. */
  exteLoginType: number | null;
}

/**
 * getLongWaterLine's `msgs` (document 2.3, lines 143–147): the platform's newest call message —
 * `status` 0 开始呼出或呼入 / 1 接听 / 2 挂机 (3 too, as recvMsg says), `phone`, `kind` 1 呼出 / 2 呼入.
 */
export interface LatestCall {
  status: number;
  kind: string;
  phone: string;
}

export interface WaterLineReply {
  waterLine: string;
  /** Null when `msgs` is empty or not the documented object. */
  latest: LatestCall | null;
}

/** `msgs` as a JSON text or an object → the newest call state, or null. */
export function parseLatest(value: unknown): LatestCall | null {
  let v: unknown = value;
  if (typeof value === 'string') {
    if (value.length > 10_000) return null;
    try {
      v = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  if (!isRecord(v)) return null;
  const status = typeof v.status === 'number' ? v.status : typeof v.status === 'string' && /^\s*\d{1,3}\s*$/.test(v.status) ? Number(v.status) : NaN;
  if (!Number.isInteger(status)) return null;
  return { status, kind: str(v.kind).slice(0, 8), phone: str(v.phone).slice(0, 64) };
}

export class Ing800Client {
  readonly host: string;
  private readonly credentials: { sa_user: string; sa_password: string };

  constructor(private readonly config: ClientConfig) {
    this.host = new URL(config.server).host;
    // Only the digest is kept: the password itself goes nowhere from here.
    this.credentials = { sa_user: config.account, sa_password: passwordMd5(config.password) };
  }

  /** The uppercase MD5 of the password (the desktop client's login needs it too). */
  get passwordDigest(): string {
    return this.credentials.sa_password;
  }

  /** One method call; the reply object when `code` is 0 (or absent), else a CallbarError in words. */
  async call(path: ApiPath, method: string, action: string, fields: Record<string, string | number> = {}, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    const form = new URLSearchParams({ ...this.credentials, method });
    // A field can never replace the credentials or the method.
    for (const [key, value] of Object.entries(fields)) if (!form.has(key)) form.set(key, String(value));
    const url = `${this.config.server}${path}`;
    const reply = await exchange(
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8', Accept: 'application/json, text/javascript, */*' }, body: form.toString() },
      {
        ...(this.config.fetch ? { fetch: this.config.fetch } : {}),
        timeoutMs: options.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(options.signal ? { signal: options.signal } : {}),
        unreachable: cannotConnect(serverName(this.host)),
        timeout: noTimelyReply(serverName(this.host)),
      },
    );
    const json = parseReply(reply.text);
    const code = replyCode(json);
    const where = `${path} ${method}`;
    if (code !== null && code !== '0') throw vendorError(code, replyMessage(json), action, where);
    if (reply.status < 200 || reply.status >= 300) {
      throw new CallbarError(reply.status === 401 || reply.status === 403 ? 'auth' : 'refused', httpErrorMessage(reply.status, action, serverName(this.host)), `${where} HTTP ${reply.status}: ${reply.text.slice(0, 200)}`);
    }
    if (!isRecord(json)) throw new CallbarError('malformed-reply', t('replyNotUnderstood', serverName(this.host), action), `${where}: ${reply.text.slice(0, 200)}`);
    return json;
  }

  /** 2.1 登录: who the agent is (also proves the account and password). */
  async getExtension(signal?: AbortSignal): Promise<ExtensionInfo> {
    const json = await this.call(DATA_PATH, 'getExtension', t('actionLogin'), {}, signal ? { signal } : {});
    // The document lists the fields at the top level; a `data` object holding them is accepted too.
    const src = !('extension' in json) && isRecord(json.data) ? json.data : json;
    const loginType = numberOf(src.exteLoginType);
    return {
      exteId: str(src.exteId),
      name: str(src.name),
      extension: str(src.extension) || this.config.account,
      compNumber: str(src.compNumber),
      compName: str(src.compName),
      disablePhoneNum: numberOf(src.disablePhoneNum) === 1 ? 1 : 0,
      exteLoginType: src.exteLoginType !== undefined && src.exteLoginType !== null && src.exteLoginType !== '' && Number.isInteger(loginType) ? loginType : null,
    };
  }

  /** 2.2 发起呼叫: the platform rings the agent, then `descPhone`; `paramvalue` comes back in the call's messages. */
  async callbackPhone(descPhone: string, paramvalue: string): Promise<void> {
    await this.call(DATA_PATH, 'callbackPhone', t('actionDial'), { descPhone, paramvalue }, { timeoutMs: this.config.dialTimeoutMs ?? DIAL_TIMEOUT_MS });
  }

  /** 2.3 getLongWaterLine (also the heartbeat): the newest water line. */
  async waterLine(client: string, signal?: AbortSignal): Promise<string> {
    return (await this.poll(client, signal)).waterLine;
  }

  /** 2.3 getLongWaterLine: the newest water line and, when `msgs` says it, the newest call state. */
  async poll(client: string, signal?: AbortSignal): Promise<WaterLineReply> {
    const json = await this.call(JSONP_DATA_PATH, 'getLongWaterLine', t('ing800ActionFetchMessages'), { loginType: 'jsonpLogin', client }, signal ? { signal } : {});
    const line = parseWaterLine(json.waterline ?? json.waterLine);
    if (line === null) throw new CallbarError('malformed-reply', t('ing800WaterLineNotUnderstood', serverName(this.host)), `getLongWaterLine: ${preview(json)}`);
    return { waterLine: line, latest: parseLatest(json.msgs) };
  }

  /** 2.4 recvMsg: the messages after `waterLine`, at most `limit`. Items are normalized, never dropped. */
  async recvMsg(client: string, waterLine: string, limit = RECV_LIMIT, signal?: AbortSignal): Promise<Ing800Message[]> {
    const json = await this.call(DATA_PATH, 'recvMsg', t('ing800ActionFetchMessages'), { client, waterLine, limit }, signal ? { signal } : {});
    const msgs = json.msgs ?? (isRecord(json.data) ? json.data.msgs : json.data);
    if (msgs === undefined || msgs === null || msgs === '') return [];
    if (!Array.isArray(msgs)) throw new CallbarError('malformed-reply', t('ing800MessageListMalformed', serverName(this.host)), `recvMsg: ${preview(msgs)}`);
    return msgs.map((item: unknown) => {
      if (!isRecord(item)) return { kind: '', phone: '', content: item, time: null, waterLine: null };
      const time = numberOf(item.time);
      return {
        kind: str(item.kind),
        phone: str(item.phone),
        content: item.content,
        time: item.time !== undefined && item.time !== null && item.time !== '' && Number.isFinite(time) ? time : null,
        waterLine: parseWaterLine(item.waterLine ?? item.waterline),
      };
    });
  }

  /** 2.5 挂机. */
  async hangupExten(): Promise<void> {
    await this.call(JSONP_DATA_PATH, 'hangupExten', t('actionHangup'));
  }

  /**
   * 2.6 接听: sendMsg with kind 6, client 10, lostTime 10. The document's table says client
   * “固定值 10” in its description column and 1 in its example column; 10 is sent.
   */
  async answer(phone: string): Promise<void> {
    await this.call(DATA_PATH, 'sendMsg', t('actionAnswer'), { phone, kind: 6, client: 10, lostTime: 10 });
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}
