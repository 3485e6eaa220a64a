/** Recent calls as the agent sees them: one row per finished call. */
import type { CallRecord } from './call-events.ts';
import { type Call, talkSeconds } from './call-state.ts';
import { t } from './i18n.ts';

export interface HistoryEntry {
  id: string;
  /** The platform's id of the call, when it has one (its call record is matched by it). */
  vendorCallId?: string;
  number: string;
  direction: Call['direction'];
  startedAt: number;
  endedAt: number;
  /** Talk time in seconds (0 when the call never connected). */
  durationSec: number;
  connected: boolean;
  /** What happened, in words: 已接通 · 对方挂断, 未接通 · 对方忙, 未接听 … */
  result: string;
  /** Call quality measured by the browser phone: mean and worst MOS, the last figures. */
  quality?: { meanMos: number; worstMos: number; rttMs: number; jitterMs: number; lossPct: number };
  /** The platform's recording of the call (an http(s) URL from its call record), opened in a new tab. */
  recording?: string;
}

export const HISTORY_LIMIT = 200;

export function resultText(call: Call): string {
  // Whether the customer answered is the platform's call record's to say (it corrects the row).
  if (call.answerUnknown) return call.cause ? `${t('callStateEnded')} · ${call.cause}` : t('callStateEnded');
  const outcome = call.connectedAt ? t('resultConnected') : call.direction === 'inbound' ? t('resultMissed') : t('resultNotConnected');
  // (A platform whose cause is the outcome itself, 未接通 or 未接听, says it once.)
  return call.cause && call.cause !== outcome ? `${outcome} · ${call.cause}` : outcome;
}

export function historyEntry(call: Call): HistoryEntry {
  const endedAt = call.endedAt ?? call.startedAt;
  return {
    id: call.id,
    ...(call.vendorCallId ? { vendorCallId: call.vendorCallId } : {}),
    number: call.number,
    direction: call.direction,
    startedAt: call.startedAt,
    endedAt,
    durationSec: talkSeconds(call, endedAt),
    connected: !!call.connectedAt && !call.answerUnknown,
    result: resultText(call),
    ...(call.quality
      ? { quality: { meanMos: call.quality.meanMos, worstMos: call.quality.worstMos, rttMs: call.quality.rttMs, jitterMs: call.quality.jitterMs, lossPct: call.quality.lossPct } }
      : {}),
  };
}

/**
 * Newest first, one entry per call, at most HISTORY_LIMIT. One call is one id, and also one platform
 * call id: a call CallBar ended on its own (挂断 the platform did not confirm, ended here) that the
 * platform still had comes back under a new id when its events arrive, and ends again — the agent
 * would have seen that call twice. Its row is kept and given the later end (the call's record
 * corrects it after).
 */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const same = entry.vendorCallId ? history.find((h) => h.id !== entry.id && h.vendorCallId === entry.vendorCallId) : undefined;
  if (same) {
    const merged: HistoryEntry = {
      ...same,
      ...entry,
      id: same.id,
      startedAt: Math.min(same.startedAt, entry.startedAt),
      durationSec: Math.max(same.durationSec, entry.durationSec),
      connected: same.connected || entry.connected,
      ...(same.recording && !entry.recording ? { recording: same.recording } : {}),
    };
    return [merged, ...history.filter((h) => h !== same && h.id !== entry.id)].slice(0, HISTORY_LIMIT);
  }
  return [entry, ...history.filter((h) => h.id !== entry.id)].slice(0, HISTORY_LIMIT);
}

/** A recording address worth a link: http(s) only (never javascript: or data:), of sane length. */
export function recordingUrl(value: string | undefined): string | undefined {
  if (!value || value.length > 1000) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The platform's record of a call: it corrects the row of the call it describes (the platform
 * knows when the customer answered; a polled live state may not), or adds a row for a call the
 * extension never saw (the worker was stopped, the poll missed it).
 */
export function addRecordToHistory(history: readonly HistoryEntry[], record: CallRecord): HistoryEntry[] {
  const existing = history.find((h) => h.vendorCallId === record.vendorCallId);
  const fromRecord = {
    vendorCallId: record.vendorCallId,
    number: record.number,
    direction: record.direction,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    durationSec: record.talkSeconds,
    connected: record.answeredAt !== undefined,
    result: record.result,
    ...(recordingUrl(record.recording) ? { recording: recordingUrl(record.recording) } : {}),
  };
  if (existing) return history.map((h) => (h === existing ? { ...h, ...fromRecord, number: h.number || record.number } : h));
  const entry: HistoryEntry = { id: `record:${record.vendorCallId}`, ...fromRecord };
  return [...history, entry].sort((a, b) => b.startedAt - a.startedAt).slice(0, HISTORY_LIMIT);
}
