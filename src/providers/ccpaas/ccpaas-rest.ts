/**
 * CC PaaS over REST (seed 003, 点击呼叫 lines 423–494): the two requests of the REST mode —
 * `click2call` and `cancelCall` on `/{SoftVersion}/Accounts/{accountSid}/Applications/{applicationSid}/ctc/Conversations`
 * — with the Basic authorization of the document's other REST APIs (lines 129–132, 357–360:
 * "Basic " + Base64(AccountSid + ":" + AccountToken)). Replies are judged here and turned into
 * CallbarErrors in the agent's words; the platform's own `statusMsg` follows ours, capped. The
 * token never enters an error or its detail.
 *
 * Runs in the service worker: no Buffer; base64 comes from btoa over the UTF-8 bytes.
 */
import { CallbarError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n.ts';
import { actionFailed, cannotConnect, spaced, withCode, withReason } from '../error-text.ts';
import { exchange, type FetchLike, isRecord } from '../http.ts';
import type { CcpaasSettings } from './ccpaas-info.ts';

export type { FetchLike } from '../http.ts';

/** A vendor string that enters an error, a note or the cursor is cut to this many characters. */
export const MAX_VENDOR_TEXT = 200;
/** A conversationSid longer than this is not one (the document's example: CA2016010000000219). */
export const MAX_SID = 128;

/** The settings the REST requests need. */
export type RestSettings = Pick<CcpaasSettings, 'baseUrl' | 'softVersion' | 'accountSid' | 'accountToken' | 'applicationSid' | 'caller' | 'callerCli' | 'calleeCli' | 'record' | 'maxDuration' | 'userData'>;

/** A vendor value as text for the agent: strings and numbers only, trimmed, one line, capped. */
export function cap(value: unknown, max = MAX_VENDOR_TEXT): string {
  const v = typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

/** Base64 of the UTF-8 bytes of `text` (btoa alone throws on anything past Latin-1). */
export function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `Authorization` for the document's REST APIs: "Basic " + Base64(AccountSid:AccountToken). */
export function basicAuthorization(accountSid: string, accountToken: string): string {
  return `Basic ${utf8Base64(`${accountSid}:${accountToken}`)}`;
}

/** `{baseUrl}/{SoftVersion}/Accounts/{accountSid}/Applications/{applicationSid}/ctc/Conversations[/{conversationSid}]`, every segment encoded. */
export function conversationsUrl(settings: Pick<RestSettings, 'baseUrl' | 'softVersion' | 'accountSid' | 'applicationSid'>, conversationSid?: string): string {
  const segments = [settings.softVersion, 'Accounts', settings.accountSid, 'Applications', settings.applicationSid, 'ctc', 'Conversations', ...(conversationSid === undefined ? [] : [conversationSid])];
  return `${settings.baseUrl.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}`;
}

/**
 * click2call's body: what the settings give and nothing more. `record` is left out at its
 * document default 0 (line 462); `maxDuration` is a number of seconds (line 463).
 */
export function click2callBody(settings: RestSettings, callee: string): Record<string, string | number> {
  return {
    action: 'click2call',
    caller: settings.caller,
    callee,
    ...(settings.callerCli ? { callerCli: settings.callerCli } : {}),
    ...(settings.calleeCli ? { calleeCli: settings.calleeCli } : {}),
    ...(settings.userData ? { userData: settings.userData } : {}),
    ...(settings.record && settings.record !== '0' ? { record: Number(settings.record) } : {}),
    ...(settings.maxDuration ? { maxDuration: Number(settings.maxDuration) } : {}),
  };
}

/** `statusCode` as text: "00000" (the document), or a number; anything else is no code. */
function codeOf(reply: Record<string, unknown>): string {
  return cap(reply.statusCode, 32);
}

/** Success is `statusCode "00000"` (lines 472, 493); a bare 0 is read the same. */
function isSuccess(code: string): boolean {
  return /^0+$/.test(code);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return cap(url, 100);
  }
}

type Request = 'click2call' | 'cancelCall';

export interface RestClientOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
}

export class CcpaasRestClient {
  constructor(
    private readonly settings: RestSettings,
    private readonly options: RestClientOptions = {},
  ) {}

  /** “CC PaaS 平台 api.example.com”. */
  get serverName(): string {
    return t('ccpaasRestServerName', hostOf(this.settings.baseUrl));
  }

  /**
   * click2call: resolves with the platform's conversationSid once it accepted the request (empty
   * when an accepting reply lacks it). Sent once: never retried (a second request rings twice).
   */
  async click2call(callee: string): Promise<{ conversationSid: string }> {
    const reply = await this.post('click2call', conversationsUrl(this.settings), click2callBody(this.settings, callee));
    const sid = typeof reply.conversationSid === 'string' ? reply.conversationSid.trim() : '';
    return { conversationSid: sid.length <= MAX_SID && /^[\x21-\x7e]+$/.test(sid) ? sid : '' };
  }

  /** cancelCall on one conversation; resolves once the platform said `00000`. */
  async cancelCall(conversationSid: string): Promise<void> {
    await this.post('cancelCall', conversationsUrl(this.settings, conversationSid), { action: 'cancelCall' });
  }

  private async post(request: Request, url: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const what = this.serverName;
    const action = request === 'click2call' ? t('actionDial') : t('ccpaasActionCancelCall');
    const failed = (why: string) => withReason(actionFailed(action), why);
    const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
    let status: number;
    let text: string;
    try {
      ({ status, text } = await exchange(
        url,
        {
          method: 'POST',
          headers: {
            Accept: 'application/json',
            'Content-Type': 'application/json;charset=utf-8',
            Authorization: basicAuthorization(this.settings.accountSid, this.settings.accountToken),
          },
          body: JSON.stringify(body),
        },
        {
          unreachable: failed(cannotConnect(what)),
          timeout: request === 'click2call' ? t('ccpaasRestDialTimeout', what, this.settings.caller) : failed(spaced(t('httpNoTimelyReply', what))),
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
          ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
        },
      ));
    } catch (error) {
      // exchange() throws CallbarErrors only; anything else (a fetch stand-in's oddity) reads the same way.
      if (error instanceof CallbarError) throw error;
      throw new CallbarError('unreachable', failed(cannotConnect(what)), `${request} ${path}`);
    }
    const detail = (more: string) => `${request} ${path} → HTTP ${status}: ${more}`;
    if (status === 401 || status === 403) throw new CallbarError('auth', failed(t('ccpaasRestAuthRefused', String(status))), detail(cap(text)));
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      reply = undefined;
    }
    const ok = status >= 200 && status < 300;
    const code = isRecord(reply) ? codeOf(reply) : '';
    if (ok && isSuccess(code)) return reply as Record<string, unknown>;
    if (code && !isSuccess(code)) {
      // The platform said no, in its words (the click-to-call section has no code table of its own).
      const msg = cap((reply as Record<string, unknown>).statusMsg);
      throw new CallbarError('refused', withCode(failed(msg || t('errorUnknown')), code), detail(`statusCode ${code} ${msg}`));
    }
    if (!ok) throw new CallbarError('refused', failed(spaced(t('httpRefused', what, String(status)))), detail(cap(text)));
    // An answer CallBar cannot read after a click2call may still mean the call is going out.
    const message = request === 'click2call' ? t('ccpaasRestDialUnknown', what) : failed(t('ccpaasRestUnreadable', what));
    throw new CallbarError('malformed-reply', message, detail(cap(text)));
  }
}
