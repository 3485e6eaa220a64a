/**
 * The company token of modes (b) and (c) (seed 12-99): valid 24 h; asking again in its last 4 h
 * gives a refreshed one, earlier the same one. So: reuse it until 4 h before it expires, then ask
 * again (the old one still works while that fails for network reasons); never one request per call.
 * The clock and the request are injected; the token persists through `save` (the session puts it
 * in its cursor, chrome.storage.session), so a restarted service worker does not ask again.
 */
import { CallbarError } from '../../shared/errors.ts';

export const TOKEN_LIFETIME_MS = 24 * 3600_000;
/** The platform refreshes a token asked for within this long of its expiry. */
export const REFRESH_WINDOW_MS = 4 * 3600_000;

export interface VcallToken {
  token: string;
  /** When it expires (ms, local clock). */
  expiresAt: number;
}

export type TokenAction = 'fetch' | 'reuse' | 'refresh';

/**
 * Pure: what to do with the token we have at `now`. One said to expire more than its 24 h life ahead
 * (a damaged saved cursor, the clock set back) was not received as it says: it is asked for again,
 * not reused for ever.
 */
export function tokenAction(token: VcallToken | null, now: number): TokenAction {
  if (!token || now >= token.expiresAt || token.expiresAt > now + TOKEN_LIFETIME_MS) return 'fetch';
  return now >= token.expiresAt - REFRESH_WINDOW_MS ? 'refresh' : 'reuse';
}

/**
 * When a token just received expires, on our clock: the platform's `expireTime`, kept within
 * (now, now + 24 h] (a server clock ahead of ours must not make us trust a token longer than its
 * life); 24 h from now when the reply has none.
 */
export function expiryOf(expireTime: number | null, now: number): number {
  if (expireTime === null || !Number.isFinite(expireTime)) return now + TOKEN_LIFETIME_MS;
  return Math.min(Math.max(expireTime, now + 60_000), now + TOKEN_LIFETIME_MS);
}

export function isVcallToken(value: unknown): value is VcallToken {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  // A NaN or infinite expiry is never reached: such a token would be reused for ever.
  return typeof v.token === 'string' && v.token !== '' && typeof v.expiresAt === 'number' && Number.isFinite(v.expiresAt);
}

export interface TokenKeeperOptions {
  request(signal?: AbortSignal): Promise<{ token: string; expireTime: number | null }>;
  now(): number;
  initial?: VcallToken | null;
  save(token: VcallToken | null): Promise<void>;
}

export class TokenKeeper {
  private token: VcallToken | null;
  private inflight: Promise<VcallToken> | null = null;

  constructor(private readonly options: TokenKeeperOptions) {
    this.token = options.initial ?? null;
  }

  current(): VcallToken | null {
    return this.token;
  }

  /** A token to use now: the kept one, refreshed in its last 4 h, fetched when there is none. */
  async get(signal?: AbortSignal): Promise<string> {
    const token = this.token;
    const action = tokenAction(token, this.options.now());
    if (action === 'reuse') return token!.token;
    try {
      return (await this.fetchOnce(signal)).token;
    } catch (error) {
      // Refresh due but the platform cannot be reached: the old token is still valid.
      if (action === 'refresh' && token && error instanceof CallbarError && (error.code === 'unreachable' || error.code === 'timeout')) return token.token;
      throw error;
    }
  }

  /** Ask for a token now (login: checks the keys). */
  async fetch(signal?: AbortSignal): Promise<VcallToken> {
    return this.fetchOnce(signal);
  }

  /** The platform refused the token (it was revoked): forget it. */
  async forget(): Promise<void> {
    this.token = null;
    await this.options.save(null);
  }

  private fetchOnce(signal?: AbortSignal): Promise<VcallToken> {
    this.inflight ??= (async () => {
      const reply = await this.options.request(signal);
      const now = this.options.now();
      const token: VcallToken = { token: reply.token, expiresAt: expiryOf(reply.expireTime, now) };
      this.token = token;
      await this.options.save(token);
      return token;
    })().finally(() => (this.inflight = null));
    return this.inflight;
  }
}
