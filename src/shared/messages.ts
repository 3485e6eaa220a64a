/**
 * The one message protocol between contexts. Every request goes to the service
 * worker as `{channel: 'callbar', type, payload}` and is answered with a `Reply`.
 * `MESSAGE_SENDERS` says which contexts may send each type; the background refuses
 * the rest (src/background/router.ts). Payloads from content scripts are
 * untrusted and validated again in the background.
 *
 * Adding a message: add it to `Messages` and `MESSAGE_SENDERS`, then a handler in
 * src/background/router.ts (the compiler insists), then a router test.
 */
import type { SerializedError } from './errors.ts';
import type { ProviderId } from './ids.ts';
import type { HistoryEntry } from './call-history.ts';
import type { DialPlan } from './phone/dial-plan.ts';
import type { GeneralSettings } from './general-settings.ts';
import type { PublicState } from './session-state.ts';
import type { SettingsChanges } from './settings-file.ts';

export type SenderKind = 'extension-page' | 'content';

export type SimpleCallAction = 'answer' | 'hangup' | 'hold' | 'unhold' | 'mute' | 'unmute';

export interface Messages {
  /** The public session state (anyone of ours). */
  'state/get': { req: Record<string, never>; res: PublicState };
  /**
   * Settings of a provider as in force (saved ones with enterprise-policy values on top),
   * secrets included: extension pages only. null: never set up.
   */
  'settings/get': { req: { providerId: ProviderId }; res: { settings: unknown; lastProviderId: ProviderId | null; remember: boolean } };
  /**
   * Change saved settings in one go (options page: a provider's form, an imported settings
   * file, the default provider). Every value is checked with its provider's schema and the dial
   * plan rules (src/shared/settings-file.ts); a change to a value locked by enterprise policy is
   * refused ('forbidden'); nothing is written unless all of it passes. Provider settings merge
   * field by field (an omitted secret keeps its saved value); dial plans are whole.
   */
  'settings/save': { req: SettingsChanges; res: null };
  /** `remember`: keep the password (settings fields marked `credential`) on disk; otherwise only in memory. */
  'session/login': { req: { providerId: ProviderId; settings: unknown; remember?: boolean }; res: PublicState };
  'session/logout': { req: Record<string, never>; res: PublicState };
  'agent/set-state': { req: { stateId: string }; res: PublicState };
  /** Dial exactly this dial string (a button's number). From a content script only after a trusted click. */
  'call/dial': { req: { number: string }; res: PublicState };
  /** Dial what the agent typed or pasted (normalized with the dial plan). */
  'call/dial-text': { req: { text: string }; res: PublicState };
  'call/action': { req: { action: SimpleCallAction }; res: PublicState };
  'call/transfer': { req: { target: string }; res: PublicState };
  /** One of capabilities.extraActions; `input` when the action declares one (a number or extension). */
  'call/extra': { req: { actionId: string; input?: string }; res: PublicState };
  /** Dismiss the ended call card. */
  'call/dismiss': { req: Record<string, never>; res: PublicState };
  /** The dial plan of a provider as in force (extension pages). Setting it refuses locked fields. */
  'settings/dial-plan-get': { req: { providerId: ProviderId }; res: DialPlan };
  'settings/dial-plan-set': { req: { providerId: ProviderId; plan: DialPlan }; res: PublicState };
  /** Recent calls, newest first (extension pages: customer numbers stay out of pages). */
  'history/get': { req: Record<string, never>; res: HistoryEntry[] };
  'history/clear': { req: Record<string, never>; res: HistoryEntry[] };
  /** Settings that are not per provider (screen pop, ringtone). */
  'settings/general-get': { req: Record<string, never>; res: GeneralSettings };
  'settings/general-set': { req: GeneralSettings; res: GeneralSettings };
  /** A frame says how many dialable numbers it shows (toolbar badge). */
  'page/report-count': { req: { count: number }; res: null };
  /** The picker finished in one frame: stop it in the tab's other frames. */
  'page/picker-done': { req: Record<string, never>; res: null };
}

export type MessageType = keyof Messages;

export const MESSAGE_SENDERS: Readonly<Record<MessageType, readonly SenderKind[]>> = {
  'state/get': ['extension-page', 'content'],
  'settings/get': ['extension-page'],
  'settings/save': ['extension-page'],
  'session/login': ['extension-page'],
  'session/logout': ['extension-page'],
  'agent/set-state': ['extension-page', 'content'],
  'call/dial': ['extension-page', 'content'],
  'call/dial-text': ['extension-page'],
  'call/action': ['extension-page', 'content'],
  'call/transfer': ['extension-page', 'content'],
  'call/extra': ['extension-page', 'content'],
  'call/dismiss': ['extension-page', 'content'],
  'settings/dial-plan-get': ['extension-page'],
  'settings/dial-plan-set': ['extension-page'],
  'history/get': ['extension-page'],
  'history/clear': ['extension-page'],
  'settings/general-get': ['extension-page'],
  'settings/general-set': ['extension-page'],
  'page/report-count': ['content'],
  'page/picker-done': ['content'],
};

export interface Envelope<K extends MessageType = MessageType> {
  channel: 'callbar';
  type: K;
  payload: Messages[K]['req'];
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** Messages the extension sends to a tab's content script (chrome.tabs.sendMessage). */
export interface TabMessages {
  /** Start the element picker on the page. */
  'page/start-picker': { req: Record<string, never>; res: { started: boolean } };
  /** Add a rule "a call button in every element matching selector"; replies with the match count. */
  'page/add-selector': { req: { selector: string }; res: { matched: number } };
  /** Remove every rule and button of this site. */
  'page/clear': { req: Record<string, never>; res: { removed: number } };
  /** Where the tab is and how many call buttons it shows (top frame). */
  'page/count': { req: Record<string, never>; res: { origin: string; page: string; buttons: number; rules: number } };
  /** Stop a running picker (it finished in another frame). */
  'page/stop-picker': { req: Record<string, never>; res: { stopped: boolean } };
  /** The text the agent selected (keyboard shortcut "dial selection"). */
  'page/selection': { req: Record<string, never>; res: { text: string } };
  /** Show a short message on the page (result of a context-menu or shortcut dial). */
  'page/toast': { req: { message: string; kind: 'info' | 'error' }; res: { shown: boolean } };
}

export type TabMessageType = keyof TabMessages;

export interface TabEnvelope<K extends TabMessageType = TabMessageType> {
  channel: 'callbar-tab';
  type: K;
  payload: TabMessages[K]['req'];
}

/** Name of the long-lived port on which the background pushes PublicState. */
export const STATE_PORT = 'callbar/state';

export interface StatePush {
  type: 'state';
  state: PublicState;
}
