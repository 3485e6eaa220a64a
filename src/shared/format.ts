/** Words and numbers the agent sees, shared by popup and toolbar. */
import { type Call, type CallState, talkSeconds } from './call-state.ts';
import { type MessageKey, t } from './i18n.ts';
import type { AgentStateOption, ExtraAction, PublicState } from './session-state.ts';

const CALL_STATE_KEYS = {
  idle: 'callStateIdle',
  dialing: 'callStateDialing',
  ringing: 'callStateRinging',
  incoming: 'callStateIncoming',
  connected: 'callStateConnected',
  held: 'callStateHeld',
  ended: 'callStateEnded',
} as const satisfies Readonly<Record<CallState, MessageKey>>;

/**
 * The call state in the agent's language (空闲, 呼叫中, 振铃中 …). A call up on the agent's phone
 * whose answer the platform cannot see is 外呼中, never 通话中 (`call`, when given).
 */
export function callStateLabel(state: CallState, call?: Call | null): string {
  if (state === 'connected' && call?.answerUnknown) return t('callStateConnectedUnconfirmed');
  return t(CALL_STATE_KEYS[state]);
}
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hh ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

/** The timer shown for a call: talk time once connected, else time since it started. */
export function callTimer(call: Call, now: number): string {
  if (call.connectedAt) return formatDuration(talkSeconds(call, now));
  const end = call.endedAt ?? now;
  return formatDuration((end - call.startedAt) / 1000);
}

export function agentStateLabel(state: PublicState): string {
  if (state.status !== 'loggedIn') return t('agentLoggedOut');
  // A platform without agent states (八百呼's API): logged in is all there is to say.
  if (state.capabilities && state.capabilities.agentStates.length === 0) return t('agentLoggedIn');
  const option = state.capabilities?.agentStates.find((s) => s.id === state.agentState);
  return option?.label ?? t('agentStateUnknown');
}

export type Light = 'green' | 'gray' | 'red' | 'orange' | 'blue';

export function stateLight(state: PublicState): Light {
  if (state.status !== 'loggedIn') return 'gray';
  if (state.problem) return 'red';
  if (state.call && state.call.state !== 'ended') return state.call.state === 'incoming' ? 'orange' : 'blue';
  if (state.capabilities && state.capabilities.agentStates.length === 0) return 'green';
  const kind = state.capabilities?.agentStates.find((s) => s.id === state.agentState)?.kind;
  return kind === 'ready' ? 'green' : 'gray';
}

/**
 * The agent-state timer: for after-call work with a known length, the time left
 * ("剩余 00:12"); otherwise the time in the state ("00:42"). null when unknown.
 */
export function agentStateTimer(state: PublicState, now: number): { text: string; countdown: boolean } | null {
  if (state.status !== 'loggedIn' || state.agentStateSince === null) return null;
  const option = state.capabilities?.agentStates.find((s) => s.id === state.agentState);
  if (!option) return null;
  // A state that arrived after this render's clock last ticked (the toolbar ticks once a second)
  // began just now: without the clamp, 整理 of 10 s counted down from 00:11.
  const elapsed = Math.max(0, (now - state.agentStateSince) / 1000);
  if (option.kind === 'afterCall' && option.countdownSeconds) {
    return { text: formatDuration(Math.max(0, Math.ceil(option.countdownSeconds - elapsed))), countdown: true };
  }
  return { text: formatDuration(elapsed), countdown: false };
}

/** Up to this many choosable states show as buttons; more (pause reasons) as a list. */
export const AGENT_STATE_BUTTONS_MAX = 3;

/** The states the agent may pick (platform-set ones like 通话中 / 整理 are only shown). */
export function selectableStates(state: PublicState): readonly AgentStateOption[] {
  return state.capabilities?.agentStates.filter((s) => s.selectable !== false) ?? [];
}

/** The provider's extra actions offered in the current call state (no call = 'idle'). */
export function extraActionsNow(state: PublicState): readonly ExtraAction[] {
  const now = state.call?.state ?? 'idle';
  return state.capabilities?.extraActions.filter((a) => a.when.includes(now)) ?? [];
}

/** A customer number as this agent may see it: masked (138****8000) when the platform hides numbers. */
export function shownNumber(number: string, state: Pick<PublicState, 'agent'>): string {
  if (!state.agent?.maskNumbers) return number;
  return maskNumber(number);
}

export function maskNumber(number: string): string {
  const all = number.replace(/\D/g, '');
  const digits = number.trim().startsWith('+86') || (all.length === 13 && all.startsWith('86')) ? all.slice(2) : all;
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 3) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '*'.repeat(digits.length || 1);
}

/**
 * The agent's extension when it says more than the name: a platform that gives no name (v-call's
 * Login carries none) has the name = the extension: shown once, not “1001 · 1001”.
 */
export function extensionApart(agent: { name: string; extension: string }): string | null {
  return agent.extension.trim() === '' || agent.extension.trim() === agent.name.trim() ? null : agent.extension;
}
