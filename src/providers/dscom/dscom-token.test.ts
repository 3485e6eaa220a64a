import { describe, expect, it, vi } from 'vitest';
import { CallbarError } from '../../shared/errors.ts';
import type { TokenReply } from './dscom-client.ts';
import { OAuthRejected } from './dscom-errors.ts';
import { expired, refreshDue, REFRESH_AT, type TokenState, TokenManager } from './dscom-token.ts';

const T0 = 1_750_000_000_000;
const token = (fields: Partial<TokenState> = {}): TokenState => ({ accessToken: 'a1', refreshToken: 'r1', obtainedAt: T0, expiresIn: 1800, ...fields });

describe('refreshDue / expired (pure timing)', () => {
  it.each<{ name: string; at: number; due: boolean; gone: boolean }>([
    { name: 'just issued', at: T0, due: false, gone: false },
    { name: '1439.999 s: not yet', at: T0 + 1_439_999, due: false, gone: false },
    { name: '1440 s (80 % of 1800): refresh', at: T0 + 1_440_000, due: true, gone: false },
    { name: '1799.999 s: refresh, still valid', at: T0 + 1_799_999, due: true, gone: false },
    { name: '1800 s: expired', at: T0 + 1_800_000, due: true, gone: true },
  ])('$name', ({ at, due, gone }) => {
    expect(refreshDue(token(), at)).toBe(due);
    expect(expired(token(), at)).toBe(gone);
  });

  it('scales with the lifetime the server gave', () => {
    const short = token({ expiresIn: 60 });
    expect(refreshDue(short, T0 + 60_000 * REFRESH_AT - 1)).toBe(false);
    expect(refreshDue(short, T0 + 60_000 * REFRESH_AT)).toBe(true);
  });
});

const rejected = (error: string) => new OAuthRejected(error, error === 'invalid_client' ? 401 : 400, error === 'invalid_grant' ? '用户名或密码错误' : error === 'invalid_client' ? '客户端 ID 或密钥错误' : `服务器拒绝授权：${error}`);

/** A fake auth API: each grant returns the next numbered token unless told to fail. */
function setup(initial: TokenState | null = null) {
  let clock = T0;
  let n = 1;
  const issue = (): TokenReply => {
    n++;
    return { accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 1800 };
  };
  const auth = {
    passwordGrant: vi.fn(async (): Promise<TokenReply> => issue()),
    refreshGrant: vi.fn(async (_refresh: string): Promise<TokenReply> => issue()),
  };
  const saved: (TokenState | null)[] = [];
  const onLost = vi.fn();
  const manager = new TokenManager({ auth, now: () => clock, initial, save: async (t) => void saved.push(t), onLost });
  return {
    auth,
    saved,
    onLost,
    manager,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('TokenManager', () => {
  it('login always runs the password grant and saves the token', async () => {
    const { manager, auth, saved } = setup(token());
    const t = await manager.login();
    expect(auth.passwordGrant).toHaveBeenCalledTimes(1);
    expect(auth.refreshGrant).not.toHaveBeenCalled();
    expect(t).toEqual({ accessToken: 'a2', refreshToken: 'r2', obtainedAt: T0, expiresIn: 1800 });
    expect(saved).toEqual([t]);
  });

  it('no token yet (a wake without one): the first request logs in', async () => {
    const { manager, auth } = setup(null);
    await expect(manager.accessToken()).resolves.toBe('a2');
    expect(auth.passwordGrant).toHaveBeenCalledTimes(1);
  });

  it('uses the saved token without asking the server until 80 % of its life, then refreshes once', async () => {
    const { manager, auth, advance, saved } = setup(token());
    for (let i = 0; i < 5; i++) await expect(manager.accessToken()).resolves.toBe('a1');
    advance(1_439_000);
    await expect(manager.accessToken()).resolves.toBe('a1');
    expect(auth.refreshGrant).not.toHaveBeenCalled();
    advance(1000);
    await expect(manager.accessToken()).resolves.toBe('a2');
    expect(auth.refreshGrant).toHaveBeenCalledWith('r1', undefined);
    expect(saved.at(-1)).toEqual({ accessToken: 'a2', refreshToken: 'r2', obtainedAt: T0 + 1_440_000, expiresIn: 1800 });
    // The new token's clock starts now.
    advance(1_000_000);
    await expect(manager.accessToken()).resolves.toBe('a2');
    expect(auth.refreshGrant).toHaveBeenCalledTimes(1);
  });

  it('concurrent requests share one refresh (refresh tokens are single-use)', async () => {
    const { manager, auth, advance } = setup(token());
    advance(1_500_000);
    const tokens = await Promise.all([manager.accessToken(), manager.accessToken(), manager.renew('a1')]);
    expect(tokens).toEqual(['a2', 'a2', 'a2']);
    expect(auth.refreshGrant).toHaveBeenCalledTimes(1);
  });

  it('an empty refresh token: the password grant instead of a refresh', async () => {
    const { manager, auth, advance } = setup(token({ refreshToken: '' }));
    advance(1_500_000);
    await expect(manager.accessToken()).resolves.toBe('a2');
    expect(auth.refreshGrant).not.toHaveBeenCalled();
    expect(auth.passwordGrant).toHaveBeenCalledTimes(1);
  });

  it('a refused refresh (used or invalid refresh token) falls back to the password grant', async () => {
    const { manager, auth, advance, onLost } = setup(token());
    auth.refreshGrant.mockRejectedValueOnce(rejected('invalid_request'));
    advance(1_500_000);
    await expect(manager.accessToken()).resolves.toBe('a2');
    expect(auth.refreshGrant).toHaveBeenCalledTimes(1);
    expect(auth.passwordGrant).toHaveBeenCalledTimes(1);
    expect(onLost).not.toHaveBeenCalled();
  });

  it('renew after a 401 refreshes even when the token is not due', async () => {
    const { manager, auth } = setup(token());
    await expect(manager.renew('a1')).resolves.toBe('a2');
    expect(auth.refreshGrant).toHaveBeenCalledTimes(1);
  });

  it('renew of a token already replaced returns the new one without asking again', async () => {
    const { manager, auth } = setup(token());
    await manager.renew('a1');
    await expect(manager.renew('a1')).resolves.toBe('a2');
    expect(auth.refreshGrant).toHaveBeenCalledTimes(1);
  });

  it('refresh and password grant both refused: the login is lost, said once, and sticks without more requests', async () => {
    const { manager, auth, advance, onLost, saved } = setup(token());
    auth.refreshGrant.mockRejectedValueOnce(rejected('invalid_request'));
    auth.passwordGrant.mockRejectedValueOnce(rejected('invalid_grant'));
    advance(1_500_000);
    const error = await manager.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallbarError);
    expect(error).toMatchObject({ code: 'auth', message: '登录已过期且无法重新登录：用户名或密码错误' });
    expect(onLost).toHaveBeenCalledTimes(1);
    expect(saved.at(-1)).toBeNull();
    expect(manager.lostError()).toBe(error);
    await expect(manager.accessToken()).rejects.toBe(error);
    await expect(manager.renew('a1')).rejects.toBe(error);
    expect(auth.passwordGrant).toHaveBeenCalledTimes(1);
    expect(onLost).toHaveBeenCalledTimes(1);
  });

  it('a changed client secret reads as such', async () => {
    const { manager, auth, advance } = setup(token({ refreshToken: '' }));
    auth.passwordGrant.mockRejectedValueOnce(rejected('invalid_client'));
    advance(1_500_000);
    await expect(manager.accessToken()).rejects.toMatchObject({ message: '登录已过期且无法重新登录：客户端 ID 或密钥错误' });
  });

  it('a new CallBar login clears a lost login', async () => {
    const { manager, auth, advance } = setup(token({ refreshToken: '' }));
    auth.passwordGrant.mockRejectedValueOnce(rejected('invalid_grant'));
    advance(1_500_000);
    await expect(manager.accessToken()).rejects.toMatchObject({ code: 'auth' });
    await manager.login();
    await expect(manager.accessToken()).resolves.toBe('a2');
  });

  it('server unreachable while a refresh is due: the old token is used until it expires', async () => {
    const { manager, auth, advance, onLost } = setup(token());
    const down = new CallbarError('unreachable', '无法连接 dscom 服务器 pbx');
    auth.refreshGrant.mockRejectedValue(down);
    advance(1_500_000);
    await expect(manager.accessToken()).resolves.toBe('a1');
    expect(auth.passwordGrant).not.toHaveBeenCalled();
    advance(300_000); // now expired
    await expect(manager.accessToken()).rejects.toBe(down);
    expect(onLost).not.toHaveBeenCalled();
  });

  it('a login refused at CallBar login says why (no "expired" wording)', async () => {
    const { manager, auth, onLost } = setup(null);
    auth.passwordGrant.mockRejectedValueOnce(rejected('invalid_grant'));
    await expect(manager.login()).rejects.toMatchObject({ code: 'auth', message: '用户名或密码错误' });
    expect(onLost).not.toHaveBeenCalled();
  });
});
