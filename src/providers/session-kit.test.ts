import { describe, expect, it, vi } from 'vitest';
import { PollTimer, ProblemSlots } from './session-kit.ts';

describe('PollTimer', () => {
  it('waits its time, or less when poked; a poke before the wait makes the next wait return at once', async () => {
    vi.useFakeTimers();
    try {
      const timer = new PollTimer();
      const signal = new AbortController().signal;
      let done = false;
      void timer.wait(5_000, signal).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(done).toBe(false);
      timer.poke();
      await vi.advanceTimersByTimeAsync(0);
      expect(done).toBe(true);
      timer.poke();
      let early = false;
      void timer.wait(5_000, signal).then(() => (early = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(early).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an abort ends the wait', async () => {
    const timer = new PollTimer();
    const abort = new AbortController();
    const waiting = timer.wait(60_000, abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});

describe('ProblemSlots', () => {
  it('shows the most important problem present; a source clears only its own; no repeats', () => {
    const shown: (string | null)[] = [];
    const slots = new ProblemSlots(['auth', 'server', 'socket'] as const, (p) => shown.push(p?.message ?? null));
    slots.set('socket', { code: 'unreachable', message: '话单推送中断' });
    slots.set('server', { code: 'unreachable', message: '无法连接服务器' });
    slots.set('socket', { code: 'unreachable', message: '话单推送中断' });
    slots.set('server', null);
    slots.set('socket', null);
    slots.set('socket', null);
    expect(shown).toEqual(['话单推送中断', '无法连接服务器', '话单推送中断', null]);
    expect(slots.has('socket')).toBe(false);
  });
});
