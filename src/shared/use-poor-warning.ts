/**
 * The bad-network warning's timing, for the call cards of the toolbar and the popup (a Preact
 * hook; the rule itself is `poorWarningShown` in quality-text.ts): shown while the call's quality
 * is poor and a few seconds after it recovers (POOR_WARNING_HOLD_MS), so a network hovering at the
 * threshold does not make it blink. `now` is the card's ticking clock.
 */
import { useEffect, useState } from 'preact/hooks';
import { type Call, inTalk } from './call-state.ts';
import { poorWarningShown } from './quality-text.ts';

export function usePoorWarning(call: Call | null, now: number): boolean {
  const poor = inTalk(call) && !!call.quality?.poor;
  const [poorUntil, setPoorUntil] = useState<number | null>(null);
  // When it stops being poor, remember when (the cleanup runs as `poor` turns false).
  useEffect(() => {
    if (poor) return () => setPoorUntil(Date.now());
  }, [poor]);
  useEffect(() => setPoorUntil(null), [call?.id]);
  return inTalk(call) && poorWarningShown(poor, poorUntil, now);
}
