import { describe, expect, it } from 'vitest';
import { CallbarError } from '../../shared/errors.ts';
import { expiryOf, REFRESH_WINDOW_MS, TokenKeeper, tokenAction, TOKEN_LIFETIME_MS, type VcallToken } from './vcall-token.ts';

const H = 3600_000;
const T0 = 1_700_000_000_000;

describe('tokenAction: reuse for 20 h, refresh in the last 4 h, fetch when none or expired', () => {
  const token: VcallToken = { token: 'a', expiresAt: T0 + 24 * H };
  it.each<[string, VcallToken | null, number, string]>([
    ['no token', null, T0, 'fetch'],
    ['just obtained', token, T0, 'reuse'],
    ['after 19 h 59 min', token, T0 + 20 * H - 60_000, 'reuse'],
    ['exactly 4 h before expiry', token, T0 + 20 * H, 'refresh'],
    ['1 min before expiry', token, T0 + 24 * H - 60_000, 'refresh'],
    ['at expiry', token, T0 + 24 * H, 'fetch'],
    ['a day later', token, T0 + 48 * H, 'fetch'],
  ])('%s → %s', (_, t, now, action) => {
    expect(tokenAction(t, now)).toBe(action);
  });
  it('the refresh window is the document’s 4 h of a 24 h token', () => {
    expect([REFRESH_WINDOW_MS, TOKEN_LIFETIME_MS]).toEqual([4 * H, 24 * H]);
  });
});

describe('expiryOf', () => {
  it.each<[string, number | null, number]>([
    ['the platform’s expireTime', T0 + 23 * H, T0 + 23 * H],
    ['none: 24 h', null, T0 + 24 * H],
    ['a server clock far ahead: at most 24 h', T0 + 72 * H, T0 + 24 * H],
    ['already past on our clock: one minute', T0 - H, T0 + 60_000],
  ])('%s', (_, expireTime, expected) => {
    expect(expiryOf(expireTime, T0)).toBe(expected);
  });
});

function keeper(initial: VcallToken | null = null) {
  const clock = { now: T0 };
  const saved: (VcallToken | null)[] = [];
  let n = 0;
  const calls: number[] = [];
  let fail: CallbarError | null = null;
  const k = new TokenKeeper({
    request: async () => {
      calls.push(clock.now);
      if (fail) throw fail;
      n++;
      return { token: `t${n}`, expireTime: clock.now + 24 * H };
    },
    now: () => clock.now,
    initial,
    save: async (t) => void saved.push(t),
  });
  return { k, clock, saved, calls, setFail: (e: CallbarError | null) => (fail = e) };
}

describe('TokenKeeper', () => {
  it('asks once, then reuses the token for every call for 20 h', async () => {
    const { k, clock, calls, saved } = keeper();
    expect(await k.get()).toBe('t1');
    for (let h = 1; h < 20; h++) {
      clock.now = T0 + h * H;
      expect(await k.get()).toBe('t1');
    }
    expect(calls).toEqual([T0]);
    expect(saved).toEqual([{ token: 't1', expiresAt: T0 + 24 * H }]);
  });

  it('asks again in the last 4 h (the platform refreshes then) and saves the new one', async () => {
    const { k, clock, calls, saved } = keeper();
    await k.get();
    clock.now = T0 + 21 * H;
    expect(await k.get()).toBe('t2');
    expect(calls).toEqual([T0, T0 + 21 * H]);
    expect(saved.at(-1)).toEqual({ token: 't2', expiresAt: T0 + 45 * H });
  });

  it('a token saved by an earlier service worker is used without asking', async () => {
    const { k, calls } = keeper({ token: 'old', expiresAt: T0 + 10 * H });
    expect(await k.get()).toBe('old');
    expect(calls).toEqual([]);
  });

  it('refresh due but the platform unreachable: the still valid token is used', async () => {
    const { k, setFail } = keeper({ token: 'old', expiresAt: T0 + 2 * H });
    setFail(new CallbarError('unreachable', 'down'));
    expect(await k.get()).toBe('old');
  });

  it('expired and the platform unreachable: the error', async () => {
    const { k, setFail } = keeper({ token: 'old', expiresAt: T0 - 1 });
    setFail(new CallbarError('unreachable', 'down'));
    await expect(k.get()).rejects.toThrow('down');
  });

  it('refused keys are not hidden by an old token', async () => {
    const { k, setFail } = keeper({ token: 'old', expiresAt: T0 + 2 * H });
    setFail(new CallbarError('auth', 'bad keys'));
    await expect(k.get()).rejects.toThrow('bad keys');
  });

  it('concurrent callers share one request', async () => {
    const { k, calls } = keeper();
    const tokens = await Promise.all([k.get(), k.get(), k.get()]);
    expect(tokens).toEqual(['t1', 't1', 't1']);
    expect(calls.length).toBe(1);
  });
});
