import { describe, expect, it } from 'vitest';
import { addRecordToHistory, addToHistory, historyEntry, HISTORY_LIMIT, recordingUrl, resultText } from './call-history.ts';
import type { Call } from './call-state.ts';

const base: Call = { id: 'c1', direction: 'outbound', number: '13912345678', state: 'ended', startedAt: 1_000, muted: false };

describe('call history', () => {
  it.each<[string, Partial<Call>, string]>([
    ['answered, hung up by the customer', { connectedAt: 2_000, endedAt: 65_500, cause: '对方挂断' }, '已接通 · 对方挂断'],
    ['answered, no cause', { connectedAt: 2_000, endedAt: 3_000 }, '已接通'],
    ['outbound, busy', { endedAt: 4_000, cause: '对方忙' }, '未接通 · 对方忙'],
    ['outbound, no cause', { endedAt: 4_000 }, '未接通'],
    ['inbound, missed', { direction: 'inbound', endedAt: 4_000, cause: '对方挂断' }, '未接听 · 对方挂断'],
    ['outbound, the cause is the outcome (八百呼): said once', { endedAt: 4_000, cause: '未接通' }, '未接通'],
    ['inbound, the cause is the outcome: said once', { direction: 'inbound', endedAt: 4_000, cause: '未接听' }, '未接听'],
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
  it('one row per platform call: a call ended here whose platform call went on and ended later is not listed twice', () => {
    // 挂断 unanswered (the platform could not be reached): the call ends here, the platform's call goes on;
    // its events bring it back under a new id, and it ends again.
    const first = historyEntry({ ...base, vendorCallId: 'occ-1', connectedAt: 2_000, endedAt: 10_000, cause: '平台未确认挂断，已在本地结束' });
    let history = addToHistory([historyEntry({ ...base, id: 'c0', vendorCallId: 'occ-0', endedAt: 500 })], first);
    history = addToHistory(history, historyEntry({ ...base, id: 'c2', vendorCallId: 'occ-1', startedAt: 12_000, connectedAt: 12_000, endedAt: 40_000, cause: '对方挂断' }));
    expect(history.filter((h) => h.vendorCallId === 'occ-1')).toEqual([expect.objectContaining({ id: 'c1', startedAt: 1_000, endedAt: 40_000, connected: true, result: '已接通 · 对方挂断' })]);
    expect(history.map((h) => h.vendorCallId)).toEqual(['occ-1', 'occ-0']);
    // Calls without a platform id stay apart.
    expect(addToHistory(addToHistory([], historyEntry({ ...base, endedAt: 2_000 })), historyEntry({ ...base, id: 'c3', endedAt: 3_000 }))).toHaveLength(2);
  });
});

describe('call records (the platform’s CDR)', () => {
  const record = { vendorCallId: 'hwd-1.1', direction: 'outbound', number: '13912345678', startedAt: 10_000, answeredAt: 14_000, endedAt: 30_000, talkSeconds: 16, result: '已接通' } as const;

  it('corrects the row of the call it describes: talk time and result from the platform', () => {
    const seen = { id: 'c1', vendorCallId: 'hwd-1.1', number: '13912345678', direction: 'outbound', startedAt: 10_000, endedAt: 31_000, durationSec: 19, connected: true, result: '已接通 · 通话结束' } as const;
    const other = { ...seen, id: 'c0', vendorCallId: 'hwd-0.9', startedAt: 1_000 };
    const out = addRecordToHistory([seen, other], record);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ id: 'c1', durationSec: 16, connected: true, result: '已接通', endedAt: 30_000 });
    expect(out[1]).toEqual(other);
  });

  it('adds a row for a call the extension never saw, in time order; a second copy changes nothing', () => {
    const older = { id: 'c0', number: '10086', direction: 'inbound', startedAt: 1_000, endedAt: 2_000, durationSec: 0, connected: false, result: '未接听' } as const;
    const newer = { ...older, id: 'c2', startedAt: 50_000 };
    const once = addRecordToHistory([newer, older], { ...record, answeredAt: undefined, talkSeconds: 0, result: '对方忙' } as never);
    expect(once.map((h) => h.id)).toEqual(['c2', 'record:hwd-1.1', 'c0']);
    expect(once[1]).toMatchObject({ connected: false, durationSec: 0, result: '对方忙' });
    expect(addRecordToHistory(once, { ...record, answeredAt: undefined, talkSeconds: 0, result: '对方忙' } as never)).toEqual(once);
  });
});

describe('the platform\'s recording of a call', () => {
  const record = { vendorCallId: 'occ-1', direction: 'outbound', number: '13912345678', startedAt: 1_000, answeredAt: 2_000, endedAt: 9_000, talkSeconds: 7, result: '已接通' } as const;

  it('is kept with the row when it is an http(s) address', () => {
    const [row] = addRecordToHistory([], { ...record, recording: 'https://rec.example.com/2026/occ-1.mp3' });
    expect(row?.recording).toBe('https://rec.example.com/2026/occ-1.mp3');
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'not a url', `https://x.example/${'a'.repeat(1001)}`])('is dropped when it is %s', (value) => {
    expect(recordingUrl(value)).toBeUndefined();
    const [row] = addRecordToHistory([], { ...record, recording: value });
    expect(row).not.toHaveProperty('recording');
  });
});
