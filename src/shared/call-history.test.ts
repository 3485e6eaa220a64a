import { describe, expect, it } from 'vitest';
import { addToHistory, historyEntry, HISTORY_LIMIT, resultText } from './call-history.ts';
import type { Call } from './call-state.ts';

const base: Call = { id: 'c1', direction: 'outbound', number: '13912345678', state: 'ended', startedAt: 1_000, muted: false };

describe('call history', () => {
  it.each<[string, Partial<Call>, string]>([
    ['answered, hung up by the customer', { connectedAt: 2_000, endedAt: 65_500, cause: '对方挂断' }, '已接通 · 对方挂断'],
    ['answered, no cause', { connectedAt: 2_000, endedAt: 3_000 }, '已接通'],
    ['outbound, busy', { endedAt: 4_000, cause: '对方忙' }, '未接通 · 对方忙'],
    ['outbound, no cause', { endedAt: 4_000 }, '未接通'],
    ['inbound, missed', { direction: 'inbound', endedAt: 4_000, cause: '对方挂断' }, '未接听 · 对方挂断'],
  ])('%s → %s', (_name, patch, text) => {
    expect(resultText({ ...base, ...patch })).toBe(text);
  });

  it('records the talk time, not the ringing time', () => {
    const entry = historyEntry({ ...base, connectedAt: 11_000, endedAt: 75_900 });
    expect(entry).toMatchObject({ number: '13912345678', durationSec: 64, connected: true, endedAt: 75_900 });
    expect(historyEntry({ ...base, endedAt: 30_000 }).durationSec).toBe(0);
  });

  it('keeps newest first, one row per call, at most the limit', () => {
    let history = addToHistory([], historyEntry({ ...base, endedAt: 2_000 }));
    history = addToHistory(history, historyEntry({ ...base, id: 'c2', endedAt: 3_000 }));
    history = addToHistory(history, historyEntry({ ...base, endedAt: 2_000 }));
    expect(history.map((h) => h.id)).toEqual(['c1', 'c2']);
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = addToHistory(history, historyEntry({ ...base, id: `x${i}`, endedAt: i }));
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]!.id).toBe(`x${HISTORY_LIMIT + 4}`);
  });
});
