/**
 * Every message to the service worker comes through `route()`: it checks who sent
 * it (MESSAGE_SENDERS), validates the payload (content scripts are untrusted) and
 * calls the one handler for its type. Nothing else in the background listens.
 */
import { z } from 'zod';
import { CallbarError, serializeError } from '../shared/errors.ts';
import { isProviderId, PROVIDER_IDS, type ProviderId } from '../shared/ids.ts';
import type { HistoryEntry } from '../shared/call-history.ts';
import type { DialPlan } from '../shared/phone/dial-plan.ts';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { dialPlanSchema, parseSettingsChanges, type SettingsChanges } from '../shared/settings-file.ts';
import type { GeneralSettings } from '../shared/general-settings.ts';
import { screenPopProblem } from '../shared/screen-pop.ts';
import { type EnableResult, type EnableThen, type Envelope, MESSAGE_SENDERS, type Messages, type MessageType, type Reply, type SenderKind, type SiteStatus } from '../shared/messages.ts';
import { isSiteOrigin } from '../shared/rules.ts';
import { DTMF_PATTERN } from '../shared/softphone.ts';
import { serverPatterns } from '../shared/server-patterns.ts';
import { t } from '../shared/i18n.ts';
import type { SessionEngine } from './session-engine.ts';
import { configureZodLocale, message } from '../shared/zod-locale.ts';

export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string } | undefined;
  frameId?: number;
}

/** What a handler may know about who sent the message. */
export interface SenderContext {
  kind: SenderKind;
  tabId?: number;
  frameId?: number;
  /** The sending frame's URL and origin, and its tab's top-level URL (content scripts). */
  url?: string;
  origin?: string;
  tabUrl?: string;
}

/**
 * Who sent a message: an extension page (popup, options; its URL is in our origin)
 * or a content script (it runs in a tab on an http(s) page). Anything else —
 * another extension, a page through externally_connectable, an unknown scheme —
 * is nobody we talk to.
 */
export function classifySender(sender: SenderInfo, runtimeId: string, extensionOrigin: string): SenderKind | null {
  if (sender.id !== runtimeId || !sender.url) return null;
  if (sender.url.startsWith(extensionOrigin)) return 'extension-page';
  if (sender.tab && /^https?:\/\//.test(sender.url)) return 'content';
  return null;
}

// zod's default messages in the extension's language, like ours.
configureZodLocale();

const empty = z.object({}).strict();
/**
 * A dial string as a button computed it with the dial plan: digits, * and #, an optional
 * leading +, an optional ",extension". Nothing is re-normalized here; the background
 * only refuses what no provider could dial.
 */
const dialString = z
  .string()
  .max(40, message('numberTooLong'))
  .transform((v, ctx) => {
    const compact = v.replace(/[\s\-().]/g, '');
    if (!/^\+?[0-9*#]{3,20}(,[0-9*#]{1,10})?$/.test(compact)) {
      ctx.addIssue({ code: 'custom', message: t('notDialable', v.slice(0, 32)) });
    }
    return compact;
  });
/** A web site's origin (https://crm.example.com[:port]). */
const siteOrigin = z.string().max(300).refine(isSiteOrigin, { message: t('siteNotWebPage') });
/** Settings changes from the options page: every value checked with its provider's schema (src/shared/settings-file.ts). */
const settingsChanges = z.unknown().transform((value, ctx): SettingsChanges => {
  const parsed = parseSettingsChanges(value, PROVIDER_CATALOG);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

type Handlers = {
  [K in MessageType]: {
    payload: z.ZodType<Messages[K]['req']>;
    handle(payload: Messages[K]['req'], engine: SessionEngine, sender: SenderContext): Promise<Messages[K]['res']>;
  };
};

export interface HandlerDeps {
  loadSettings(providerId: ProviderId): Promise<unknown>;
  lastProviderId(): Promise<ProviderId | null>;
  loadDialPlan(providerId: ProviderId): Promise<DialPlan>;
  /** The settings a login uses: values locked by enterprise policy replace what was typed (policy.ts). */
  loginSettings(providerId: ProviderId, settings: unknown): Promise<unknown>;
  /** Write settings changes, refusing changes to values locked by enterprise policy (policy.ts). */
  saveChanges(changes: SettingsChanges, engine: SessionEngine): Promise<void>;
  reportCount(tabId: number, frameId: number, count: number): void;
  stopPicker(tabId: number): void;
  loadHistory(): Promise<HistoryEntry[]>;
  clearHistory(): Promise<void>;
  loadGeneral(): Promise<GeneralSettings>;
  saveGeneral(settings: GeneralSettings): Promise<void>;
  /** "记住密码" (settings-store.ts): whether the agent's password is kept on disk. */
  rememberCredentials(providerId: ProviderId): Promise<boolean>;
  setRememberCredentials(providerId: ProviderId, remember: boolean): Promise<void>;
  /** After logging out: drop a password that was not to be remembered. */
  forgetCredentials(providerId: ProviderId): Promise<void>;
  /** Resolves whether host access to these match patterns is (or gets) granted (host-access.ts). */
  waitForAccess(patterns: readonly string[]): Promise<boolean>;
  /** May a content script in this frame dial (background/sites.ts)? */
  dialAllowed(sender: SenderContext): Promise<boolean>;
  siteStatus(origin: string): Promise<SiteStatus>;
  enableSite(origin: string, tabId?: number, then?: EnableThen): Promise<EnableResult>;
  disableSite(origin: string): Promise<SiteStatus>;
  sitesAwaitingAccess(): Promise<string[]>;
}

/** A media device id from enumerateDevices ('' = the system default). */
const deviceId = z.string().max(200);

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    'state/get': { payload: empty, handle: async (_p, engine) => (await engine.wake(), engine.publicState()) },
    'settings/get': {
      payload: z.object({ providerId: z.enum(PROVIDER_IDS) }),
      handle: async ({ providerId }) => ({
        settings: (await deps.loadSettings(providerId)) ?? null,
        lastProviderId: await deps.lastProviderId(),
        remember: await deps.rememberCredentials(providerId),
      }),
    },
    'session/login': {
      payload: z.object({ providerId: z.string().refine(isProviderId, message('unknownProvider')), settings: z.unknown(), remember: z.boolean().optional() }) as z.ZodType<
        Messages['session/login']['req']
      >,
      handle: async ({ providerId, settings, remember }, engine) => {
        if (remember !== undefined) await deps.setRememberCredentials(providerId, remember);
        const inForce = await deps.loginSettings(providerId, settings);
        // The popup asked Chrome for the servers' access in the same click (its prompt closes the popup).
        const servers = serverPatterns(PROVIDER_CATALOG[providerId].settingsFields, inForce);
        if (!(await deps.waitForAccess(servers))) {
          throw new CallbarError('forbidden', t('serverAccessDenied', servers.map((o) => o.replace('/*', '')).join(t('listSeparator'))));
        }
        return engine.login(providerId, inForce);
      },
    },
    'session/logout': {
      payload: z.object({ force: z.literal(true).optional() }).strict(),
      handle: async ({ force }, engine) => {
        const state = await engine.logout(force === true);
        if (state.providerId) await deps.forgetCredentials(state.providerId);
        return state;
      },
    },
    'agent/set-state': {
      payload: z.object({ stateId: z.string().min(1).max(64) }),
      handle: ({ stateId }, engine) => engine.setAgentState(stateId),
    },
    'call/dial': {
      payload: z.object({ number: dialString }),
      handle: async ({ number }, engine, sender) => {
        if (sender.kind === 'content' && !(await deps.dialAllowed(sender))) throw new CallbarError('forbidden', t('dialFromSiteRefused'));
        return engine.dial(number);
      },
    },
    'call/confirm-dial': { payload: z.object({ confirm: z.boolean() }), handle: ({ confirm }, engine) => engine.confirmDial(confirm) },
    'call/dial-text': { payload: z.object({ text: z.string().max(200, message('numberTooLong')) }), handle: ({ text }, engine) => engine.dialText(text) },
    'call/action': {
      payload: z.object({ action: z.enum(['answer', 'hangup', 'hold', 'unhold', 'mute', 'unmute']) }),
      handle: ({ action }, engine) => engine.callAction(action),
    },
    'call/transfer': {
      payload: z.object({ target: dialString }),
      handle: ({ target }, engine) => engine.transfer(target),
    },
    'call/dtmf': {
      payload: z.object({ digits: z.string().regex(DTMF_PATTERN) }),
      handle: ({ digits }, engine) => engine.dtmf(digits),
    },
    'call/extra': {
      // The input is checked by the engine: a dial string, or a platform name for a `free` input.
      payload: z.object({ actionId: z.string().min(1).max(64), input: z.string().max(64, message('numberTooLong')).optional(), kind: z.string().min(1).max(32).optional() }),
      handle: ({ actionId, input, kind }, engine) => engine.extraAction(actionId, input, kind),
    },
    'call/extra-options': {
      payload: z.object({ actionId: z.string().min(1).max(64), kind: z.string().min(1).max(32).optional() }),
      handle: ({ actionId, kind }, engine) => engine.extraActionOptions(actionId, kind),
    },
    'call/dismiss': { payload: empty, handle: (_p, engine) => engine.dismissCall() },
    'settings/dial-plan-get': {
      payload: z.object({ providerId: z.enum(PROVIDER_IDS) }),
      handle: ({ providerId }) => deps.loadDialPlan(providerId),
    },
    'settings/dial-plan-set': {
      payload: z.object({ providerId: z.enum(PROVIDER_IDS), plan: dialPlanSchema }),
      handle: async ({ providerId, plan }, engine) => (await deps.saveChanges({ dialPlans: { [providerId]: plan } }, engine), engine.publicState()),
    },
    'settings/save': {
      payload: settingsChanges,
      handle: async (changes, engine) => (await deps.saveChanges(changes, engine), null),
    },
    'history/get': { payload: empty, handle: () => deps.loadHistory() },
    'history/clear': { payload: empty, handle: async () => (await deps.clearHistory(), []) },
    'settings/general-get': { payload: empty, handle: () => deps.loadGeneral() },
    'settings/general-set': {
      payload: z.object({
        screenPop: z
          .object({ when: z.enum(['off', 'ring', 'answer']), urlTemplate: z.string().max(500, message('screenPopUrlTooLong')) })
          .superRefine((value, ctx) => {
            const problem = screenPopProblem(value);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .optional(),
        ringtone: z.boolean().optional(),
        devices: z.object({ input: deviceId, output: deviceId, ring: deviceId }).optional(),
      }),
      // A form changes its part; the rest stays as saved.
      handle: async (patch) => {
        const current = await deps.loadGeneral();
        const next: GeneralSettings = {
          screenPop: patch.screenPop ?? current.screenPop,
          ringtone: patch.ringtone ?? current.ringtone,
          devices: patch.devices ?? current.devices,
        };
        await deps.saveGeneral(next);
        return next;
      },
    },
    'sites/status': { payload: z.object({ origin: siteOrigin }), handle: ({ origin }) => deps.siteStatus(origin) },
    'sites/enable': {
      payload: z.object({
        origin: siteOrigin,
        tabId: z.number().int().nonnegative().optional(),
        then: z
          .discriminatedUnion('kind', [
            z.object({ kind: z.literal('picker') }),
            z.object({ kind: z.literal('selector'), selector: z.string().min(1).max(500) }),
            z.object({ kind: z.literal('autodetect') }),
          ])
          .optional(),
      }),
      handle: ({ origin, tabId, then }) => deps.enableSite(origin, tabId, then),
    },
    'sites/disable': { payload: z.object({ origin: siteOrigin }), handle: ({ origin }) => deps.disableSite(origin) },
    'sites/awaiting': { payload: empty, handle: () => deps.sitesAwaitingAccess() },
    'page/report-count': {
      payload: z.object({ count: z.number().int().min(0).max(1_000_000) }),
      handle: async ({ count }, _engine, sender) => {
        if (sender.tabId !== undefined) deps.reportCount(sender.tabId, sender.frameId ?? 0, count);
        return null;
      },
    },
    'page/picker-done': {
      payload: empty,
      handle: async (_p, _engine, sender) => {
        if (sender.tabId !== undefined) deps.stopPicker(sender.tabId);
        return null;
      },
    },
  };
}

export function isEnvelope(message: unknown): message is Envelope {
  return typeof message === 'object' && message !== null && (message as Envelope).channel === 'callbar' && typeof (message as Envelope).type === 'string';
}

export async function route(
  message: Envelope,
  sender: SenderKind | null,
  handlers: Handlers,
  engine: SessionEngine,
  origin: Omit<SenderContext, 'kind'> = {},
): Promise<Reply<unknown>> {
  try {
    const type = message.type as MessageType;
    const handler = handlers[type] as Handlers[MessageType] | undefined;
    if (!handler || !Object.hasOwn(MESSAGE_SENDERS, type)) throw new CallbarError('invalid-input', t('unknownMessage', String(type)));
    if (!sender || !MESSAGE_SENDERS[type].includes(sender)) {
      throw new CallbarError('forbidden', t('senderForbidden', sender === 'content' ? t('senderPageScript') : t('senderUnknown'), type));
    }
    const parsed = handler.payload.safeParse(message.payload ?? {});
    if (!parsed.success) {
      throw new CallbarError('invalid-input', parsed.error.issues[0]?.message ?? t('messageMalformed'), type);
    }
    const context: SenderContext = { kind: sender, ...origin };
    const value = await (handler.handle as (p: unknown, e: SessionEngine, s: SenderContext) => Promise<unknown>)(parsed.data, engine, context);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
