/**
 * v-call over HTTP: the 座席控制 requests, the token and the two dial APIs of modes (b) and (c).
 * Replies are judged here and turned into CallbarErrors in the agent's words; the platform's own
 * `msg` follows ours, capped. A 座席控制 reply only acknowledges (`code "0"`): what happened arrives
 * later as an event.
 */
import { CallbarError } from '../../shared/errors.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { actionFailed, withCode, withReason } from '../error-text.ts';
import { exchange, type FetchLike, isRecord, withoutQuery } from '../http.ts';
import { cannotConnect } from '../error-text.ts';
import { type ControlIdentity, controlBody, type RequestName, type VcallCommand } from './vcall-requests.ts';

export type { FetchLike } from '../http.ts';

/** The code of the token APIs' “no auth”: the token expired or was replaced (seed 7300). */
export const TOKEN_REFUSED = '403';

/** A vendor string that enters an error or a note is cut to this many characters. */
export const MAX_VENDOR_TEXT = 200;

export function cap(value: unknown, max = MAX_VENDOR_TEXT): string {
  const v = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

/** What each request is, in the agent's words, for “X 失败：…”. */
export const REQUEST_ACTION: Readonly<Record<RequestName, MessageKey>> = {
  login: 'vcallOpLogin',
  logout: 'vcallOpLogout',
  reconnect: 'vcallOpReconnect',
  idle: 'vcallOpIdle',
  busy: 'vcallOpBusy',
  makeCall: 'actionDial',
  cancelCall: 'actionHangup',
  hold: 'vcallOpHold',
  unHold: 'vcallOpUnhold',
  mute: 'vcallOpMute',
  unmute: 'vcallOpUnmute',
  consultCall: 'vcallActionConsult',
  consultCancel: 'vcallActionConsultCancel',
  tripartiteTalk: 'vcallActionTripartite',
  transferCall: 'vcallOpTransfer',
  transferCancel: 'vcallActionTransferCancel',
  surveillance: 'vcallOpSurveillance',
  idleAgent: 'vcallOpIdleAgents',
  heartbeat: 'vcallOpHeartbeat',
  forceIdle: 'vcallActionForceIdle',
  forceBusy: 'vcallActionForceBusy',
  forceLogout: 'vcallActionForceLogout',
  listen: 'vcallActionListen',
  forceBreak: 'vcallActionForceBreak',
  forceInsert: 'vcallActionForceInsert',
  intercept: 'vcallActionIntercept',
};

export interface VcallClientOptions {
  /** https://cc.v-call.cn (the settings' origin). */
  server: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** How long a reply is awaited (default: http.ts's, 5 s). */
  timeoutMs?: number;
}

function platformName(server: string): string {
  return t('vcallServerName', new URL(server).host);
}

/** `code` as the platform sends it: "0", 0, "0000" … (a number or a numeric string). */
function codeOf(reply: Record<string, unknown>): string {
  const code = reply.code;
  return typeof code === 'number' ? String(code) : typeof code === 'string' ? code.trim() : '';
}

export class VcallClient {
  constructor(private readonly options: VcallClientOptions) {}

  get host(): string {
    return new URL(this.options.server).host;
  }

  private async post(path: string, body: unknown, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const url = `${this.options.server}${path}`;
    const what = platformName(this.options.server);
    const { status, text } = await exchange(
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) },
      {
        unreachable: cannotConnect(what),
        timeout: t('httpNoTimelyReply', what),
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      },
    );
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      if (status < 200 || status >= 300) throw new CallbarError('refused', t('httpRefused', what, String(status)), `${withoutQuery(url)}: ${cap(text)}`);
      throw new CallbarError('malformed-reply', t('vcallMalformedReply', what), `${path}: ${cap(text)}`);
    }
    if (!isRecord(reply)) throw new CallbarError('malformed-reply', t('vcallMalformedReply', what), `${path}: ${cap(text)}`);
    return reply;
  }

  /** One 座席控制 request with `sequence` (SequenceClock); resolves once the platform acknowledged it. */
  async control(identity: ControlIdentity, command: VcallCommand, sequence: number, signal?: AbortSignal): Promise<void> {
    const reply = await this.post('/ccs/api/agent/control', controlBody(identity, command, sequence), signal);
    const code = codeOf(reply);
    if (code === '0') return;
    const action = t(REQUEST_ACTION[command.request]);
    const msg = cap(reply.msg);
    throw new CallbarError(
      command.request === 'login' ? 'auth' : 'refused',
      withCode(withReason(actionFailed(action), msg || t('errorUnknown')), code || '?'),
      `agent/control ${command.request} → code ${code} ${msg}`,
    );
  }

  /** 授权: a company token (valid 24 h) and when it expires (ms). */
  async token(accessKeyId: string, accessKeySecret: string, signal?: AbortSignal): Promise<{ token: string; expireTime: number | null }> {
    const reply = await this.post('/api/token', { accessKeyId, accessKeySecret }, signal);
    const code = codeOf(reply);
    const data = isRecord(reply.data) ? reply.data : {};
    const token = typeof data.token === 'string' ? data.token.trim() : '';
    if (code !== '0' || !token) {
      const msg = cap(reply.msg);
      throw new CallbarError('auth', withCode(withReason(t('vcallTokenRefused'), msg || t('errorUnknown')), code || '?'), `api/token → code ${code} ${msg}`);
    }
    const raw = data.expireTime;
    const expireTime = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{10,16}$/.test(raw.trim()) ? Number(raw) : null;
    return { token: cap(token, 256), expireTime };
  }

  /** 发起呼叫 or 双向回呼: resolves with the platform's callId once it accepted the request (`code "0000"`). */
  async dial(kind: 'openCall' | 'callback', body: Record<string, string>, signal?: AbortSignal): Promise<string | undefined> {
    const path = kind === 'openCall' ? '/api/agent/open/call' : '/api/sip/makecall';
    const reply = await this.post(path, body, signal);
    const code = codeOf(reply);
    if (code === '0000' || code === '0') {
      const data = isRecord(reply.data) ? reply.data : {};
      const callId = cap(data.callId, 128);
      return callId || undefined;
    }
    const msg = cap(reply.msg);
    // 403 no auth: “token失效，需要重新获取” (seed 7300) — the platform did nothing with the request.
    if (code === TOKEN_REFUSED) throw new CallbarError('auth', withCode(withReason(actionFailed(t('actionDial')), t('vcallTokenRejected')), code), `${path} → code ${code} ${msg}`);
    throw new CallbarError('refused', withCode(withReason(actionFailed(t('actionDial')), msg || t('errorUnknown')), code || '?'), `${path} → code ${code} ${msg}`);
  }
}
