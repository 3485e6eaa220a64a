/** What the call-control shortcuts mean in a given state (pure, table-tested). */
import type { PublicState } from '../shared/session-state.ts';

/** The action the answer/hang-up shortcut means right now, if any. */
export function answerOrHangup(state: PublicState): 'answer' | 'hangup' | null {
  const call = state.call;
  if (!call || call.state === 'ended') return null;
  if (call.state === 'incoming' && state.capabilities?.answer) return 'answer';
  return state.capabilities?.hangup ? 'hangup' : null;
}

/** The state the ready toggle switches to: ready unless ready now, then the first not-ready state. */
export function toggledReadyState(state: PublicState): string | null {
  const states = state.capabilities?.agentStates ?? [];
  const ready = states.find((s) => s.kind === 'ready');
  const notReady = states.find((s) => s.kind === 'notReady');
  const current = states.find((s) => s.id === state.agentState);
  if (current?.kind === 'ready') return notReady?.id ?? null;
  return ready?.id ?? null;
}
