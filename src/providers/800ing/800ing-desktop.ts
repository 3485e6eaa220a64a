import { CallbarError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n.ts';
import { clientName, clientNotRunningMessage, httpErrorMessage, vendorError } from './800ing-errors.ts';
import { exchange, type FetchLike } from '../http.ts';
import { parseReply, replyCode, replyMessage } from './800ing-client.ts';

/**
 * The 八百呼 desktop client's control API (document 3): GET
 * `http://127.0.0.1:{port}/?phone=…&type=…`. Types used: 0 呼叫, 1 挂断, 2 转接, 2001 重新登录客户端,
 * 2002 呼入/呼出时把客户端界面弹出. The document gives no reply format: a JSON `{code, message}`
 * with a code other than 0 is an error (返回代码表); any other 2xx reply counts as done.
 */

export const CLIENT_TYPE = { dial: 0, hangup: 1, transfer: 2, login: 2001, pop: 2002 } as const;

/** The client may bring up its window before it answers. */
export const CLIENT_TIMEOUT_MS = 10_000;

export interface DesktopConfig {
  port: number;
  fetch?: FetchLike;
  timeoutMs?: number;
}

export interface DialOptions {
  /** `disablePop=true`: the client does not pop its window for this call. */
  disablePop: boolean;
  /** The second client's window port (多客户端同时登录). */
  httpPort?: number | undefined;
}

export class Ing800Desktop {
  readonly name: string;

  constructor(private readonly config: DesktopConfig) {
    this.name = clientName(config.port);
  }

  get port(): number {
    return this.config.port;
  }

  /** The URL of one command: `phone` first (when there is one), then `type`, then the rest. */
  url(type: number, params: Record<string, string | number | undefined> = {}): string {
    const query = new URLSearchParams();
    if (params.phone !== undefined) query.set('phone', String(params.phone));
    query.set('type', String(type));
    for (const [key, value] of Object.entries(params)) if (key !== 'phone' && key !== 'type' && value !== undefined) query.set(key, String(value));
    return `http://127.0.0.1:${this.config.port}/?${query.toString()}`;
  }

  async command(type: number, action: string, params: Record<string, string | number | undefined> = {}): Promise<void> {
    const reply = await exchange(this.url(type, params), { method: 'GET' }, {
      ...(this.config.fetch ? { fetch: this.config.fetch } : {}),
      timeoutMs: this.config.timeoutMs ?? CLIENT_TIMEOUT_MS,
      unreachable: clientNotRunningMessage(this.config.port),
      timeout: t('ing800ClientNoReply', this.name),
    });
    const json = parseReply(reply.text);
    const code = replyCode(json);
    if (code !== null && code !== '0') throw vendorError(code, replyMessage(json), action, `800ing client type ${type}`);
    if (reply.status < 200 || reply.status >= 300) {
      throw new CallbarError('refused', httpErrorMessage(reply.status, action, this.name), `type ${type} HTTP ${reply.status}: ${reply.text.slice(0, 200)}`);
    }
  }

  /** type 0 呼叫 (`disablePop=true` as in the document's example 3.4; `httpPort` when set). */
  dial(phone: string, options: DialOptions): Promise<void> {
    return this.command(CLIENT_TYPE.dial, t('ing800ActionClientDial'), {
      phone,
      ...(options.disablePop ? { disablePop: 'true' } : {}),
      ...(options.httpPort ? { httpPort: options.httpPort } : {}),
    });
  }

  /** type 1 挂断 (`phone` = the call's number, as every documented command carries one). */
  hangup(phone: string): Promise<void> {
    return this.command(CLIENT_TYPE.hangup, t('ing800ActionClientHangup'), { phone });
  }

  /** type 2 转接 to `target`. */
  transfer(target: string): Promise<void> {
    return this.command(CLIENT_TYPE.transfer, t('ing800ActionClientTransfer'), { phone: target });
  }

  /**
   * type 2001 直接登录服务器: `host` = the server's host name, `user`, `pass` = the uppercase MD5
   * of the password. The document's example (3.2) shows a clear password; CallBar never sends
   * one, so whether the client accepts the digest is unverified.
   */
  login(host: string, user: string, passDigest: string): Promise<void> {
    return this.command(CLIENT_TYPE.login, t('ing800ActionClientLogin'), { host, user, pass: passDigest });
  }

  /** type 2002: bring the client's window up. */
  pop(): Promise<void> {
    return this.command(CLIENT_TYPE.pop, t('ing800ActionClientPop'));
  }
}
