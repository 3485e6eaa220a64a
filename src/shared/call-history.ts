/** Recent calls as the agent sees them: one row per finished call. */
import { type Call, talkSeconds } from './call-state.ts';

export interface HistoryEntry {
  id: string;
  number: string;
  direction: Call['direction'];
  startedAt: number;
  endedAt: number;
  /** Talk time in seconds (0 when the call never connected). */
  durationSec: number;
  connected: boolean;
  /** What happened, in words: 已接通 · 对方挂断, 未接通 · 对方忙, 未接听 … */
  result: string;
}

export const HISTORY_LIMIT = 200;

export function resultText(call: Call): string {
  if (call.connectedAt) return call.cause ? `已接通 · ${call.cause}` : '已接通';
  const missed = call.direction === 'inbound' ? '未接听' : '未接通';
  return call.cause ? `${missed} · ${call.cause}` : missed;
}

export function historyEntry(call: Call): HistoryEntry {
  const endedAt = call.endedAt ?? call.startedAt;
  return {
    id: call.id,
    number: call.number,
    direction: call.direction,
    startedAt: call.startedAt,
    endedAt,
    durationSec: talkSeconds(call, endedAt),
    connected: !!call.connectedAt,
    result: resultText(call),
  };
}

/** Newest first, one entry per call id, at most HISTORY_LIMIT. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...history.filter((h) => h.id !== entry.id)].slice(0, HISTORY_LIMIT);
}
