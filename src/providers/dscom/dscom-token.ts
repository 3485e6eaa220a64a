import { CallbarError } from '../../shared/errors.ts';
import type { DscomAuthApi, TokenReply, TokenSource } from './dscom-client.ts';
import { authLostMessage, OAuthRejected } from './dscom-errors.ts';

/**
 * The access token's life: password grant at login; refresh (refresh tokens are single-use and
 * rotate) once 80 % of its lifetime has passed — lazily before a request, so also from the poll
 * loop — never on every call; a refused refresh (or none given) falls back to the password grant;
 * when that is refused too the session has lost its login (a banner says so, every request then
 * fails at once without asking the server again). Tokens persist through `save` (the engine keeps
 * them in chrome.storage.session), never anywhere else.
 */
export interface TokenState {
  accessToken: string;
  refreshToken: string;
  /** When the token was issued (ms, local clock). */
  obtainedAt: number;
  /** Lifetime in seconds (1800 on dscom). */
  expiresIn: number;
}

/** Share of the lifetime after which the token is refreshed (1800 s → at 1440 s). */
export const REFRESH_AT = 0.8;

/** Pure: is it time to refresh? */
export function refreshDue(token: TokenState, now: number): boolean {
  return now >= token.obtainedAt + token.expiresIn * 1000 * REFRESH_AT;
}

/** Pure: has the token expired (the server will refuse it)? */
export function expired(token: TokenState, now: number): boolean {
  return now >= token.obtainedAt + token.expiresIn * 1000;
}

export function isTokenState(value: unknown): value is TokenState {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return typeof t.accessToken === 'string' && t.accessToken !== '' && typeof t.refreshToken === 'string' && typeof t.obtainedAt === 'number' && typeof t.expiresIn === 'number';
}

export interface TokenManagerOptions {
  auth: Pick<DscomAuthApi, 'passwordGrant' | 'refreshGrant'>;
  now(): number;
  /** A token saved by an earlier service worker (or none). */
  initial?: TokenState | null;
  /** Persist the token (null: forget it). */
  save(token: TokenState | null): Promise<void>;
  /** Logging in again failed: the agent must log in (the session shows a banner). */
  onLost?(error: CallbarError): void;
}

export class TokenManager implements TokenSource {
  private token: TokenState | null;
  private inflight: Promise<TokenState> | null = null;
  private lost: CallbarError | null = null;

  constructor(private readonly options: TokenManagerOptions) {
    this.token = options.initial ?? null;
  }

  current(): TokenState | null {
    return this.token;
  }

  /** Set once logging in again has failed; requests then fail at once with it. */
  lostError(): CallbarError | null {
    return this.lost;
  }

  /** CallBar login: always a fresh password grant. Refusals say why (用户名或密码错误 …). */
  async login(signal?: AbortSignal): Promise<TokenState> {
    this.lost = null;
    const token = await this.store(await this.options.auth.passwordGrant(signal));
    return token;
  }

  async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.lost) throw this.lost;
    const token = this.token;
    if (token && !refreshDue(token, this.options.now())) return token.accessToken;
    try {
      return (await this.renewOnce(signal)).accessToken;
    } catch (error) {
      // Refresh due but the server is unreachable: the old token still works until it expires.
      if (token && this.token === token && !expired(token, this.options.now()) && isTransient(error)) return token.accessToken;
      throw error;
    }
  }

  async renew(rejected: string, signal?: AbortSignal): Promise<string> {
    if (this.lost) throw this.lost;
    // Someone else already replaced the refused token.
    if (this.token && this.token.accessToken !== rejected && !this.inflight) return this.token.accessToken;
    return (await this.renewOnce(signal)).accessToken;
  }

  /** Single-flight: concurrent callers share one refresh. */
  private renewOnce(signal?: AbortSignal): Promise<TokenState> {
    this.inflight ??= this.refreshOrLogin(signal).finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async refreshOrLogin(signal?: AbortSignal): Promise<TokenState> {
    const refreshToken = this.token?.refreshToken;
    if (refreshToken) {
      try {
        return await this.store(await this.options.auth.refreshGrant(refreshToken, signal));
      } catch (error) {
        // A used or expired refresh token: log in again. Network trouble: give up for now.
        if (!(error instanceof OAuthRejected)) throw error;
      }
    }
    try {
      return await this.store(await this.options.auth.passwordGrant(signal));
    } catch (error) {
      if (!(error instanceof OAuthRejected)) throw error;
      this.lost = new CallbarError('auth', authLostMessage(error.message), error.detail);
      this.token = null;
      await this.options.save(null);
      this.options.onLost?.(this.lost);
      throw this.lost;
    }
  }

  private async store(reply: TokenReply): Promise<TokenState> {
    const token: TokenState = { accessToken: reply.accessToken, refreshToken: reply.refreshToken, obtainedAt: this.options.now(), expiresIn: reply.expiresIn };
    this.token = token;
    await this.options.save(token);
    return token;
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof CallbarError && (error.code === 'unreachable' || error.code === 'timeout');
}
