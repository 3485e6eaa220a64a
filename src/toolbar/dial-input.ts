/** What the dial pad's number field shows and dials (pure: unit-tested). */
import type { Call } from '../shared/call-state.ts';
import { type DialPlan, normalizeDialInput } from '../shared/phone/dial-plan.ts';

/** Longest text the field keeps (normalizeDialInput refuses longer input anyway). */
export const MAX_FIELD_CHARS = 200;

/** Separators people type or paste inside numbers. */
const SEPARATORS = /[\s\-\u2010-\u2015\uff0d().（）]/g;

export type DialCheck = { ok: true; dial: string } | { ok: false; error: string } | null;

/** What the field will dial, or why not; null while it is empty (no error shown yet). */
export function checkDialInput(text: string, plan: DialPlan): DialCheck {
  if (!text.trim()) return null;
  const result = normalizeDialInput(text, plan);
  return result.ok ? { ok: true, dial: result.dial } : { ok: false, error: result.error };
}

/**
 * Pasted text as the field should keep it: the number alone ("+86 139-1234-5678" →
 * "13912345678", "电话：010-6234 5678 转 808" → "01062345678转808"), but only when the
 * cleaned text dials exactly what the pasted text would; anything else is kept (trimmed,
 * one line) so the agent sees what was pasted next to the error.
 */
export function cleanPastedText(text: string, plan: DialPlan): string {
  const kept = text.replace(/\s+/g, ' ').trim().slice(0, MAX_FIELD_CHARS);
  const result = normalizeDialInput(kept, plan);
  if (!result.ok) return kept;
  const candidate = result.match
    ? result.match.number + (result.match.extension ? `转${result.match.extension}` : '')
    : kept.replace(SEPARATORS, '');
  const again = normalizeDialInput(candidate, plan);
  return again.ok && again.dial === result.dial ? candidate : kept;
}

/**
 * What 重拨 dials for a finished call: an outbound call's number is what was dialled; an
 * inbound caller's number goes through the dial plan (outside-line prefix…) when it is a
 * number the plan knows, else it is dialled as the platform reported it.
 */
export function redialString(call: Pick<Call, 'number' | 'direction'>, plan: DialPlan): string {
  if (call.direction === 'outbound') return call.number;
  const result = normalizeDialInput(call.number, plan);
  return result.ok ? result.dial : call.number;
}
