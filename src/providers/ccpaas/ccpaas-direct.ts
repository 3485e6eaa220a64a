/**
 * CC PaaS REST mode (点击呼叫, seed 003 lines 423–494): one `click2call` per dial — the platform
 * rings the agent's phone (`caller`), then the customer, and bridges them — and `cancelCall` for
 * the call just placed. The platform reports the call's progress only to a server's `statusUrl`
 * (no polling API), so the call card says what is known: the platform accepted the request, with
 * its conversationSid, and 取消呼叫 stays offered on that ended card until the agent dismisses it.
 * The last conversationSid is kept in the cursor so a restarted service worker can still cancel.
 * No state is invented; nothing else can be controlled.
 */
import { CallbarError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n.ts';
import type { AgentInfo, ProviderContext, ProviderSession } from '../provider.ts';
import { DialOnlyControls } from '../session-kit.ts';
import { type CcpaasSettings, SETTINGS_MESSAGES } from './ccpaas-info.ts';
import { CcpaasRestClient, type FetchLike } from './ccpaas-rest.ts';

/** A dial string the platform can call: digits, an optional leading +, 3–32 of them. */
export const DIAL_STRING = /^\+?[0-9]{3,32}$/;

export const CANCEL_ACTION = 'cancelCall';

/** What survives a service-worker restart: the call that 取消呼叫 may still cancel. */
export interface RestCursor {
  v: 1;
  /** The conversationSid of the last accepted click2call; null once cancelled (or never). */
  conversationSid: string | null;
  /** When the platform accepted it (ms). */
  acceptedAt?: number;
}

export interface RestSessionDeps {
  fetch?: FetchLike;
  now?: () => number;
  /** How long a REST request may take (http.ts's default otherwise); the fault suite shortens it. */
  restTimeoutMs?: number;
}

function savedSid(cursor: unknown): string | null {
  if (typeof cursor !== 'object' || cursor === null) return null;
  const sid = (cursor as Partial<RestCursor>).conversationSid;
  return typeof sid === 'string' && sid !== '' ? sid : null;
}

export class CcpaasRestSession extends DialOnlyControls implements ProviderSession {
  private readonly client: CcpaasRestClient;
  private readonly now: () => number;

  constructor(
    private readonly settings: CcpaasSettings,
    private readonly ctx: ProviderContext,
    deps: RestSessionDeps = {},
  ) {
    super();
    this.client = new CcpaasRestClient(settings, { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.restTimeoutMs !== undefined ? { timeoutMs: deps.restTimeoutMs } : {}) });
    this.now = deps.now ?? Date.now;
  }

  /**
   * The document has no request that checks AccountSid/AccountToken without placing a call, so
   * login checks the settings a dial needs and says whose phone the platform rings first; the
   * credentials are judged by the first dial (HTTP 401/403 says so).
   */
  async login(): Promise<AgentInfo> {
    this.checkSettings();
    return { name: t('ccpaasRestAgent', this.settings.caller), extension: this.settings.caller };
  }

  async logout(): Promise<void> {
    // Nothing to close: no connection lives between requests.
  }

  resume(_signal: AbortSignal): void {
    // Nothing to receive: the platform pushes call progress only to a server's statusUrl.
  }

  async dial(number: string): Promise<void> {
    if (!DIAL_STRING.test(number)) throw new CallbarError('invalid-input', t('ccpaasRestNumberInvalid'));
    this.checkSettings();
    // Once, never retried: a repeated click2call rings the agent and the customer twice.
    await this.dialOnce(this.ctx, number, async () => {
      const { conversationSid } = await this.client.click2call(number);
      const caller = this.settings.caller;
      const cause = conversationSid ? t('ccpaasRestAccepted', caller, conversationSid) : t('ccpaasRestAcceptedNoSid', caller);
      const cursor: RestCursor = { v: 1, conversationSid: conversationSid || null, acceptedAt: this.now() };
      await this.ctx.emit([{ type: 'call.dialing', number, ...(conversationSid ? { vendorCallId: conversationSid } : {}) }, { type: 'call.ended', cause, outcomeUnknown: true }], { cursor });
    });
  }

  /** 取消呼叫: only the shown (ended) card of the call CallBar placed last. */
  async extraAction(actionId: string): Promise<void> {
    if (actionId !== CANCEL_ACTION) throw new CallbarError('unsupported', t('ccpaasRestNoControl'));
    const sid = savedSid(this.ctx.loadCursor<unknown>());
    const call = this.ctx.snapshot().call;
    if (!sid || !call || call.state !== 'ended' || call.vendorCallId !== sid) throw new CallbarError('precondition', t('ccpaasRestNothingToCancel'));
    await this.client.cancelCall(sid);
    const cursor: RestCursor = { v: 1, conversationSid: null };
    await this.ctx.emit([{ type: 'note', text: t('ccpaasRestCancelled', sid) }], { cursor });
  }

  /** The settings a request needs (the schema checks them; a session made from anything else says which is missing). */
  private checkSettings(): void {
    const s = this.settings;
    const missing = (
      [
        [s.baseUrl, SETTINGS_MESSAGES.baseUrlMissing],
        [s.softVersion, SETTINGS_MESSAGES.softVersionMissing],
        [s.accountSid, SETTINGS_MESSAGES.accountSidMissing],
        [s.accountToken, SETTINGS_MESSAGES.accountTokenMissing],
        [s.applicationSid, SETTINGS_MESSAGES.applicationSidMissing],
        [s.caller, SETTINGS_MESSAGES.callerMissing],
      ] as const
    ).find(([value]) => !value);
    if (missing) throw new CallbarError('invalid-input', t(missing[1]));
  }

  protected noControl(): string {
    return t('ccpaasRestNoControl');
  }
}
