/**
 * The contract between the extension and one telephony vendor.
 *
 * A provider lives in `src/providers/<id>/` and has two halves:
 * - `ProviderInfo` (`<id>-info.ts`): pure data — name, capabilities, settings form and
 *   schema, with message keys for every word (`localizeInfo()` in info-text.ts resolves them).
 *   Extension pages import it to draw forms and buttons.
 * - `Provider` (`index.ts`): the info plus `createSession()`, the network side. Only the
 *   service worker runs it.
 *
 * Rules every provider MUST follow:
 * - declare in `capabilities` exactly what it can do; the UI shows nothing else and the
 *   background refuses anything else before the provider is called;
 * - map vendor events onto `ProviderEvent`s in a pure mapper (`<id>-mapper.ts`) with a
 *   table test;
 * - refuse locally, with a CallbarError('precondition'), requests the vendor document says
 *   are invalid in the current state;
 * - turn every vendor failure into a CallbarError with a message the agent understands, in the
 *   extension's language (t(); the vendor's own words only as data after ours);
 * - keep no state that matters in memory only: the service worker can be killed at any
 *   moment; what must survive goes through `ctx.saveCursor()` and `resume()` restarts any
 *   polling or sockets from it;
 * - MUST NOT retry a dial by itself (a retried dial can ring a customer twice).
 */
import type { z } from 'zod';
import type { ProviderEvent } from '../shared/call-events.ts';
import type { Call } from '../shared/call-state.ts';
import type { Problem } from '../shared/errors.ts';
import type { ProviderId } from '../shared/ids.ts';
import type { AgentInfo, Capabilities, InputOption } from '../shared/session-state.ts';
import type { PhoneCommand, PhoneStatus } from '../shared/softphone.ts';

export type { AgentInfo, AgentStateOption, Capabilities, ExtraAction, ExtraActionInput, InputOption } from '../shared/session-state.ts';
export type { SettingsFieldInfo as SettingsField } from '../shared/settings-file.ts';
import type { SettingsFieldInfo as SettingsField } from '../shared/settings-file.ts';

export type CallAction = 'dial' | 'answer' | 'hangup' | 'hold' | 'unhold' | 'mute' | 'unmute' | 'transfer' | 'dtmf';

/** Which capability an action needs. */
export const ACTION_CAPABILITY: Readonly<Record<CallAction, keyof Omit<Capabilities, 'agentStates' | 'extraActions'>>> = {
  dial: 'dial',
  answer: 'answer',
  hangup: 'hangup',
  hold: 'hold',
  unhold: 'hold',
  mute: 'mute',
  unmute: 'mute',
  transfer: 'transfer',
  dtmf: 'dtmf',
};


export interface ProviderInfo<S = unknown> {
  id: ProviderId;
  /** Product name as the agent knows it. */
  name: string;
  description: string;
  capabilities: Capabilities;
  settingsFields: readonly SettingsField[];
  /** Validates settings with a specific message per field (zod issues carry the path). */
  settingsSchema: z.ZodType<S>;
  defaultSettings: S;
  /**
   * Capabilities that depend on the agent's settings (e.g. supervisor actions only in
   * supervisor mode). Pure; the engine uses it at login instead of `capabilities`, which
   * must then list everything the provider can ever do.
   */
  capabilitiesFor?(settings: S): Capabilities;
  /**
   * The agent talks through the browser's WebRTC phone with these settings: the popup then makes
   * sure the microphone may be used before login (src/microphone/).
   */
  usesPhone?(settings: S): boolean;
}

export interface SessionSnapshot {
  call: Call | null;
  agentState: string | null;
}

export interface ProviderContext {
  /**
   * Apply normalized events (in order) to the session; resolves once persisted. With `cursor`,
   * the provider's resume point is saved in the same write: after a restart the events are
   * either applied and the cursor past them, or neither (no loss, no double apply).
   */
  emit(events: readonly ProviderEvent[], options?: { cursor: unknown }): Promise<void>;
  /** Show (or clear, with null) a problem banner, e.g. "the bar is not running". */
  setProblem(problem: Omit<Problem, 'since'> | null): void;
  /** The current call and agent state, for local precondition checks. */
  snapshot(): SessionSnapshot;
  /**
   * The platform ended the agent's session (v-call's Kick: logged in elsewhere; SipError: the phone
   * unregistered). CallBar logs out locally — a call still shown ends with this reason — and the banner
   * shows the problem. The session's signal aborts; do not call the platform's logout.
   */
  endSession(problem: Omit<Problem, 'since'>): Promise<void>;
  /** Provider-private data that must survive a service-worker restart (e.g. a cursor). */
  loadCursor<T>(): T | undefined;
  saveCursor(value: unknown): Promise<void>;
  /** The browser phone (only providers that declare `usesPhone` call it). */
  phone: PhoneLink;
}

/**
 * The browser's WebRTC phone (docs/phone.md), for providers whose agents talk through the
 * browser. Commands go to the offscreen document; the phone's whole status comes back with each
 * reply and after every change (also while no command runs: an incoming call, a dropped socket).
 */
export interface PhoneLink {
  /** Resolves with the phone's status; rejects with a CallbarError in the agent's words. */
  send(command: PhoneCommand): Promise<PhoneStatus>;
  /** Every newer status the phone publishes. Returns the unsubscribe function. */
  subscribe(listener: (status: PhoneStatus) => void): () => void;
}

export interface ProviderSession {
  /** Check credentials / reachability and say who the agent is. Throws CallbarError. */
  login(): Promise<AgentInfo>;
  logout(): Promise<void>;
  /**
   * Start (or restart) receiving events: called after login and on every service-worker
   * wake while logged in. Must be idempotent. Work stops when `signal` aborts.
   */
  resume(signal: AbortSignal): void;
  setAgentState(stateId: string): Promise<void>;
  dial(number: string): Promise<void>;
  answer(): Promise<void>;
  hangup(): Promise<void>;
  hold(): Promise<void>;
  unhold(): Promise<void>;
  mute(): Promise<void>;
  unmute(): Promise<void>;
  transfer(target: string): Promise<void>;
  /** DTMF in the current call; needed when capabilities.dtmf is true. */
  dtmf?(digits: string): Promise<void>;
  /**
   * Run one of capabilities.extraActions. The engine has checked the id, the call state and
   * that `input` is a non-empty dial string when the action declares one (any non-empty text when
   * it is `free`), and that `kind` is one of the input's `kinds` when it declares them.
   */
  extraAction(actionId: string, input?: string, kind?: string): Promise<void>;
  /** Choices for an extra action's input that declares `options` (e.g. the idle agents to consult). */
  inputOptions?(actionId: string, kind?: string): Promise<readonly InputOption[]>;
  /**
   * What the platform said this agent may do, once logged in (v-call's busy reasons arrive with its
   * Login event). When it returns capabilities, the engine keeps them in the session instead of the
   * declared ones, and the UI draws from them.
   */
  loggedInCapabilities?(): Capabilities | undefined;
}

export interface Provider<S = unknown> extends ProviderInfo<S> {
  createSession(settings: S, ctx: ProviderContext): ProviderSession;
}
