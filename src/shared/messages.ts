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
import type { InputOption, PublicState } from './session-state.ts';
import type { SettingsChanges } from './settings-file.ts';

/**
 * 'extension-page': a page of ours (popup, options, the toolbar frame). 'content': a content
 * script in a web page — it runs next to untrusted page code, so it may send only what a page
 * feature needs (dialling a button the agent clicked, counts, the picker) and gets only
 * `PageState` on its state port.
 */
export type SenderKind = 'extension-page' | 'content';

/** Where CallBar runs (background/sites.ts). */
export interface SiteStatus {
  origin: string;
  enabled: boolean;
  /** Host access is granted: CallBar can run there. */
  granted: boolean;
  /** Listed by the administrator (enterprise policy): the agent cannot disable it. */
  byPolicy: boolean;
  rules: number;
}

/** What enabling a site was for (the page tool the agent clicked). */
export type EnableThen = { kind: 'picker' } | { kind: 'selector'; selector: string } | { kind: 'autodetect' };

export interface EnableResult {
  site: SiteStatus;
  /** How many elements the selector matched (`then: selector`). */
  matched?: number;
}

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
  /** `force`: the agent confirmed logging out while a call is shown (it ends here). */
  'session/logout': { req: { force?: true }; res: PublicState };
  'agent/set-state': { req: { stateId: string }; res: PublicState };
  /**
   * Dial exactly this dial string (a button's number). From a content script only after the
   * agent's own deliberate click, and only from an enabled site (background/sites.ts checks the
   * sender's frame and top-level site).
   */
  'call/dial': { req: { number: string }; res: PublicState };
  /** The agent confirms (true) or cancels the number proposed from page text (`PublicState.pendingDial`). */
  'call/confirm-dial': { req: { confirm: boolean }; res: PublicState };
  /** Dial what the agent typed or pasted (normalized with the dial plan). */
  'call/dial-text': { req: { text: string }; res: PublicState };
  'call/action': { req: { action: SimpleCallAction }; res: PublicState };
  'call/transfer': { req: { target: string }; res: PublicState };
  /** Send DTMF digits in the current call (the keypad during a call; capabilities.dtmf). */
  'call/dtmf': { req: { digits: string }; res: PublicState };
  /**
   * One of capabilities.extraActions; `input` when the action declares one (a number, an extension, or
   * a platform name when the input is `free`), `kind` when its input declares kinds (坐席 / 外线号码 …).
   */
  'call/extra': { req: { actionId: string; input?: string; kind?: string }; res: PublicState };
  /** The platform's choices for an extra action's input that declares `options` (idle agents, skill groups). */
  'call/extra-options': { req: { actionId: string; kind?: string }; res: readonly InputOption[] };
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
  /** Change part of the general settings (each form sends its own part). */
  'settings/general-set': { req: Partial<GeneralSettings>; res: GeneralSettings };
  /** Whether CallBar runs on a site, and whether it has access there (popup page tools). */
  'sites/status': { req: { origin: string }; res: SiteStatus };
  /**
   * Enable a site. The popup asked Chrome for its host access in the same click; the prompt closes
   * the popup, so the background waits for the answer itself, then registers the content script,
   * injects it into `tabId` and does `then` (what the agent clicked: picker, selector, detection).
   */
  'sites/enable': { req: { origin: string; tabId?: number; then?: EnableThen }; res: EnableResult };
  /** 停用本站: no buttons, no toolbar there; host access released (rules kept). */
  'sites/disable': { req: { origin: string }; res: SiteStatus };
  /** Enabled sites CallBar has no access to yet (rules kept from before, imported, or listed by policy). */
  'sites/awaiting': { req: Record<string, never>; res: string[] };
  /** A frame says how many dialable numbers it shows (toolbar badge). */
  'page/report-count': { req: { count: number }; res: null };
  /** The picker finished in one frame: stop it in the tab's other frames. */
  'page/picker-done': { req: Record<string, never>; res: null };
}

export type MessageType = keyof Messages;

export const MESSAGE_SENDERS: Readonly<Record<MessageType, readonly SenderKind[]>> = {
  'state/get': ['extension-page'],
  'settings/get': ['extension-page'],
  'settings/save': ['extension-page'],
  'session/login': ['extension-page'],
  'session/logout': ['extension-page'],
  'agent/set-state': ['extension-page'],
  'call/dial': ['extension-page', 'content'],
  'call/confirm-dial': ['extension-page'],
  'call/dial-text': ['extension-page'],
  'call/action': ['extension-page'],
  'call/transfer': ['extension-page'],
  'call/dtmf': ['extension-page'],
  'call/extra': ['extension-page'],
  'call/extra-options': ['extension-page'],
  'call/dismiss': ['extension-page'],
  'settings/dial-plan-get': ['extension-page'],
  'settings/dial-plan-set': ['extension-page'],
  'history/get': ['extension-page'],
  'history/clear': ['extension-page'],
  'settings/general-get': ['extension-page'],
  'settings/general-set': ['extension-page'],
  'sites/status': ['extension-page'],
  'sites/enable': ['extension-page'],
  'sites/disable': ['extension-page'],
  'sites/awaiting': ['extension-page'],
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
  /** Where the tab is, how many call buttons it shows and whether its picker is running (top frame). */
  'page/count': { req: Record<string, never>; res: { origin: string; page: string; buttons: number; rules: number; picking: boolean } };
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

/**
 * Name of the long-lived port on which the background pushes the session state: `PublicState`
 * to extension pages, `PageState` (no agent, no call, no numbers) to content scripts.
 */
export const STATE_PORT = 'callbar/state';

export interface StatePush<S = PublicState> {
  type: 'state';
  state: S;
}

/**
 * What the toolbar frame (src/toolbar/) asks of the content script that placed it, through
 * chrome.tabs.sendMessage to frame 0 of its tab: its size, and moves when the agent drags it.
 */
export type ToolbarHostMessage = { channel: 'callbar-toolbar' } & (
  | { type: 'size'; width: number; height: number }
  /** The agent pressed the toolbar's header at this screen point. */
  | { type: 'drag-start'; screenX: number; screenY: number }
  | { type: 'drag'; dx: number; dy: number }
  | { type: 'drag-end' }
  | { type: 'nudge'; dx: number; dy: number }
);
