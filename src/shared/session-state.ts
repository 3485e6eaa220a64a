/**
 * What every context may know about the agent's session: the state the service
 * worker publishes to the popup and to content scripts. No credential, token or
 * setting ever goes in here.
 */
import type { Call, CallState } from './call-state.ts';
import type { Problem } from './errors.ts';
import type { ProviderId } from './ids.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan } from './phone/dial-plan.ts';

/** `busy`: the platform's own in-call states (通话中, 振铃 …), reported but never chosen. */
export type AgentStateKind = 'ready' | 'notReady' | 'afterCall' | 'busy' | 'offline';

export interface AgentStateOption {
  /** Provider-specific id, sent back when the agent picks it. */
  id: string;
  /** Label as the vendor names it (e.g. 示闲 / 示忙). */
  label: string;
  kind: AgentStateKind;
  /** false: the platform reports it but the agent cannot pick it (通话中, 整理 …). Default true. */
  selectable?: boolean;
  /** After-call work that the platform ends by itself after this many seconds: the UI counts down. */
  countdownSeconds?: number;
}

export interface Capabilities {
  dial: boolean;
  answer: boolean;
  hangup: boolean;
  hold: boolean;
  mute: boolean;
  /** Blind transfer to a number. */
  transfer: boolean;
  dtmf: boolean;
  /** States the agent can choose; empty when the platform has no agent state. */
  agentStates: readonly AgentStateOption[];
  /** Vendor-specific call actions the UI shows as plain buttons (no per-vendor code in the UI). */
  extraActions: readonly ExtraAction[];
}

export interface ExtraAction {
  id: string;
  label: string;
  /** The call states in which it is offered and accepted ('idle' = no call). */
  when: readonly CallState[];
  /** The action needs a number or extension from the agent (e.g. 代接 which extension). */
  input?: ExtraActionInput;
}

export interface ExtraActionInput {
  label: string;
  placeholder?: string;
  /**
   * What the input names, when it can name several things (v-call's consult: 坐席 / 外线号码 / 技能组 /
   * IVR): the agent picks one before typing; its id reaches the provider with the input.
   */
  kinds?: readonly { id: string; label: string; placeholder?: string; /** false: this kind is typed, never listed (an outside number). */ options?: boolean }[];
  /** The provider can list choices for the input (ProviderSession.inputOptions: idle agents, skill groups). */
  options?: boolean;
  /**
   * The input is a team member's id (a supervisor's 强制示闲 / 监听 …): the team list (PublicState.team)
   * offers the action on each member's row, with the member's id as the input.
   */
  member?: boolean;
  /** The input is a name or id from the platform, not a dial string (a skill group, an IVR). */
  free?: boolean;
}

/** One choice for an extra action's input, as the platform lists it. */
export interface InputOption {
  value: string;
  label: string;
}

/** One agent of the supervisor's group, as the platform reports it (v-call's Surveillance). */
export interface TeamMember {
  /** The platform's agent number: the input of the member actions. */
  id: string;
  name: string;
  /** The agent's state in the platform's words (空闲, 忙碌, 通话中 …). */
  state: string;
  kind: AgentStateKind;
  /** When that state began (ms), when the platform says. */
  since?: number;
  /** The other party while in a call, as the platform shows it (masked when it masks numbers). */
  otherParty?: string;
}

/** The live list of a supervisor's group (班长监控), newest report. */
export interface Team {
  members: readonly TeamMember[];
  /** When the platform sent this list (ms). */
  at: number;
}

/** Who the platform says the agent is. */
export interface AgentInfo {
  name: string;
  /** Extension / seat / 800 number. */
  extension: string;
  phone?: string;
  /** The platform hides customer numbers from this agent (八百呼 disablePhoneNum): show them masked. */
  maskNumbers?: boolean;
}

export type SessionStatus = 'loggedOut' | 'loggedIn';

export interface PublicState {
  status: SessionStatus;
  providerId: ProviderId | null;
  providerName: string | null;
  capabilities: Capabilities | null;
  agent: AgentInfo | null;
  /** Id of one of capabilities.agentStates, or null while unknown. */
  agentState: string | null;
  /** When the platform says the current agent state began (ms), for timers and countdowns. */
  agentStateSince: number | null;
  call: Call | null;
  problem: Problem | null;
  /** Last informational note from the platform (e.g. "正在转接到 …"). */
  note: { text: string; at: number } | null;
  /** A supervisor's live list of the group's agents (null: not a supervisor, or no list yet). */
  team: Team | null;
  /** A dial request is on its way (buttons are disabled: no double dial). */
  dialing: boolean;
  /** How page numbers become what is dialled (the active or last provider's plan). */
  dialPlan: DialPlan;
  /**
   * A number taken from page text (the agent's selection) waiting for the agent to confirm it in
   * the toolbar or the popup: `dial` is exactly what will be dialled, `text` what was selected.
   */
  pendingDial: { dial: string; text: string } | null;
}

/**
 * What a content script (in a web page, next to the page's scripts) is told: enough to make
 * call buttons and to show the toolbar frame, nothing about the agent or the call.
 */
export interface PageState {
  loggedIn: boolean;
  dialPlan: DialPlan;
}

export function pageStateOf(state: PublicState): PageState {
  return { loggedIn: state.status === 'loggedIn', dialPlan: state.dialPlan };
}

export const LOGGED_OUT: PublicState = {
  status: 'loggedOut',
  providerId: null,
  providerName: null,
  capabilities: null,
  agent: null,
  agentState: null,
  agentStateSince: null,
  call: null,
  problem: null,
  note: null,
  team: null,
  dialing: false,
  dialPlan: DEFAULT_DIAL_PLAN,
  pendingDial: null,
};
