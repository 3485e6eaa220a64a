/**
 * v-call modes (b) `/api/agent/open/call` and (c) two-leg callback `/api/sip/makecall`: one HTTP
 * request per dial with the company token (vcall-token.ts: reused 24 h, refreshed in its last 4 h,
 * kept in the cursor). Neither gives live events, so the call card says what is known — the
 * platform accepted the request and is calling — and ends there: the agent dismisses it and 最近通话
 * keeps it. No state is invented.
 */
import { CallbarError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n.ts';
import type { AgentInfo, ProviderContext, ProviderSession } from '../provider.ts';
import { DialOnlyControls } from '../session-kit.ts';
import { type FetchLike, VcallClient } from './vcall-client.ts';
import type { VcallSettings } from './vcall-info.ts';
import { callbackBody, openCallBody } from './vcall-requests.ts';
import { isVcallToken, TokenKeeper, type VcallToken } from './vcall-token.ts';

const PHONE_NUMBER = /^\+?[0-9]{3,32}$/;

export interface DirectCursor {
  v: 1;
  token: VcallToken | null;
}

export interface DirectSessionDeps {
  fetch?: FetchLike;
  now?: () => number;
  /** How long an HTTP reply is awaited (default 5 s, http.ts). */
  requestTimeoutMs?: number;
}

export class VcallDirectSession extends DialOnlyControls implements ProviderSession {
  private readonly client: VcallClient;
  private readonly tokens: TokenKeeper;
  private stopped = false;

  constructor(
    private readonly settings: VcallSettings,
    private readonly ctx: ProviderContext,
    deps: DirectSessionDeps = {},
  ) {
    super();
    this.client = new VcallClient({ server: settings.server, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.requestTimeoutMs !== undefined ? { timeoutMs: deps.requestTimeoutMs } : {}) });
    const saved = ctx.loadCursor<Partial<DirectCursor>>();
    this.tokens = new TokenKeeper({
      request: (signal) => this.client.token(settings.accessKeyId, settings.accessKeySecret, signal),
      now: deps.now ?? Date.now,
      initial: isVcallToken(saved?.token) ? saved.token : null,
      save: async (token) => {
        if (!this.stopped) await ctx.saveCursor({ v: 1, token } satisfies DirectCursor);
      },
    });
  }

  /** Checks the keys (a token is asked for, and kept) and says who dials. */
  async login(): Promise<AgentInfo> {
    await this.tokens.fetch();
    return this.settings.mode === 'openCall'
      ? { name: this.settings.agentNumber, extension: this.settings.agentNumber, maskNumbers: this.settings.maskNumbers }
      : { name: t('vcallCallbackAgent', this.settings.callerPhone), extension: this.settings.callerPhone, maskNumbers: this.settings.maskNumbers };
  }

  async logout(): Promise<void> {
    this.stopped = true;
  }

  resume(signal: AbortSignal): void {
    signal.addEventListener('abort', () => (this.stopped = true), { once: true });
  }

  async dial(number: string): Promise<void> {
    if (!PHONE_NUMBER.test(number)) throw new CallbarError('invalid-input', t('vcallNumberInvalid'));
    const mode = this.settings.mode === 'openCall' ? 'openCall' : 'callback';
    const token = await this.tokens.get();
    // 403 no auth: the token expired or was replaced on the platform's side (seed 7300 “token失效，
    // 需要重新获取”) and the platform did nothing. One new token, and this dial once more; a second
    // refusal is the agent's to read. Any other failure is never retried (a retried dial can ring the
    // customer twice); a lost or unreadable answer is shown as a call that may have gone out (dialOnce).
    const first = await this.dialOnce(this.ctx, number, async () => {
      try {
        return { callId: await this.send(mode, number, token) };
      } catch (error) {
        if (error instanceof CallbarError && error.code === 'auth') return 'auth' as const;
        throw error;
      }
    });
    if (first === undefined) return;
    let callId = first === 'auth' ? undefined : first.callId;
    if (first === 'auth') {
      await this.tokens.forget();
      const fresh = await this.tokens.get();
      const again = await this.dialOnce(this.ctx, number, async () => ({ callId: await this.send(mode, number, fresh) }));
      if (again === undefined) return;
      callId = again.callId;
    }
    const cause = mode === 'openCall' ? t('vcallOpenCallAccepted', this.settings.agentNumber) : t('vcallCallbackAccepted', this.settings.callerPhone);
    await this.ctx.emit([
      { type: 'call.dialing', number, ...(callId ? { vendorCallId: callId } : {}) },
      { type: 'call.ended', cause, outcomeUnknown: true },
    ]);
  }

  /** One dial request; resolves with the platform's callId once it accepted it. */
  private async send(mode: 'openCall' | 'callback', number: string, token: string): Promise<string | undefined> {
    const options = this.settings.callnum ? { callnum: this.settings.callnum } : {};
    const body =
      mode === 'openCall'
        ? openCallBody(token, this.settings.agentNumber, number, this.settings.callAgentType, options)
        : callbackBody(token, this.settings.callerPhone, number, this.settings.callbackType, options);
    try {
      return await this.client.dial(mode, body);
    } catch (error) {
      if (error instanceof CallbarError && error.code === 'timeout') throw new CallbarError('timeout', t('dialTimeout'), error.detail);
      if (error instanceof CallbarError && error.code === 'malformed-reply') throw new CallbarError('malformed-reply', t('dialReplyUnreadable'), error.detail);
      throw error;
    }
  }

  protected noControl(): string {
    return t('vcallDirectNoControl');
  }

  extraAction(): Promise<void> {
    return Promise.reject(new CallbarError('unsupported', this.noControl()));
  }
}
