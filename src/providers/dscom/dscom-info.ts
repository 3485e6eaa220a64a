import { z } from 'zod';
import type { Capabilities, ProviderInfo } from '../provider.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { type AgentStateDef, type CapabilitiesDef, type ExtraActionDef, localizeCapabilities, localizeInfo, message, type ProviderInfoDef } from '../info-text.ts';
import { requiredText, toBoolean } from '../settings-values.ts';

/**
 * dscom-api (seed 004): an Asterisk-based PBX with an HTTP API under `{server}/dscom-api`,
 * OAuth password-grant tokens, and a billing websocket on port 8282 that pushes CDRs.
 * Everything acts on the agent's own extension (a desk phone or softphone registered to the
 * PBX); CallBar only drives it. docs/providers/dscom.md.
 */

/** The platform's pause values (agent/login and agent/pause `paused`) and the reason sent with them. */
export const SELECTABLE_STATES = {
  ready: { paused: 0, reason: 'Ready', label: 'dscomStateReady' },
  pause4: { paused: 4, reason: 'PrivateBreak', label: 'dscomStatePrivateBreak' },
  pause5: { paused: 5, reason: 'PublicBreak', label: 'dscomStatePublicBreak' },
  pause11: { paused: 11, reason: 'Custom1', label: 'dscomStateCustom1' },
  pause12: { paused: 12, reason: 'Custom2', label: 'dscomStateCustom2' },
  pause13: { paused: 13, reason: 'Custom3', label: 'dscomStateCustom3' },
} as const satisfies Record<string, { paused: number; reason: string; label: MessageKey }>;
export type PauseStateId = keyof typeof SELECTABLE_STATES;

export function isPauseStateId(id: string): id is PauseStateId {
  return Object.hasOwn(SELECTABLE_STATES, id);
}

/** The pause value CallBar's login puts the agent in, in queues it was not in yet (公事暂休). */
export const LOGIN_PAUSED_STATE: PauseStateId = 'pause5';

/** agent/getAgentStatus `status` (-1…10, plus the custom pauses 11–13) → agent state id. */
export const STATUS_STATE_IDS: Readonly<Record<string, string>> = {
  '-1': 'loggedOut',
  '0': 'ready',
  '1': 'inCall',
  '2': 'ringing',
  '3': 'afterCall',
  '4': 'pause4',
  '5': 'pause5',
  '6': 'outbound',
  '7': 'pickup',
  '8': 'ringTimeout',
  '9': 'pauseTimeout',
  '10': 'otherQueue',
  '11': 'pause11',
  '12': 'pause12',
  '13': 'pause13',
};

const AGENT_STATES: readonly AgentStateDef[] = [
  { id: 'ready', label: 'dscomStateReady', kind: 'ready' },
  { id: 'pause4', label: 'dscomStatePrivateBreak', kind: 'notReady' },
  { id: 'pause5', label: 'dscomStatePublicBreak', kind: 'notReady' },
  { id: 'pause11', label: 'dscomStateCustom1', kind: 'notReady' },
  { id: 'pause12', label: 'dscomStateCustom2', kind: 'notReady' },
  { id: 'pause13', label: 'dscomStateCustom3', kind: 'notReady' },
  // Choosing it signs the agent out of the configured queues.
  { id: 'loggedOut', label: 'dscomStateLoggedOut', kind: 'offline' },
  // Reported by the platform, never chosen.
  { id: 'inCall', label: 'dscomStateInCall', kind: 'busy', selectable: false },
  { id: 'ringing', label: 'dscomStateRinging', kind: 'busy', selectable: false },
  { id: 'afterCall', label: 'dscomStateAfterCall', kind: 'afterCall', selectable: false },
  { id: 'outbound', label: 'dscomStateOutbound', kind: 'busy', selectable: false },
  { id: 'pickup', label: 'dscomStatePickup', kind: 'busy', selectable: false },
  { id: 'ringTimeout', label: 'dscomStateRingTimeout', kind: 'notReady', selectable: false },
  { id: 'pauseTimeout', label: 'dscomStatePauseTimeout', kind: 'notReady', selectable: false },
  { id: 'otherQueue', label: 'dscomStateOtherQueue', kind: 'busy', selectable: false },
];

const NO_CALL = ['idle', 'ended'] as const;

export const EXTRA_ACTIONS: readonly ExtraActionDef[] = [
  { id: 'attendedTransfer', label: 'dscomActionAttendedTransfer', when: ['connected', 'held'], input: { label: 'dscomInputTarget', placeholder: ['exampleValue', '8005'] } },
  { id: 'cancelAtxfer', label: 'dscomActionCancelAtxfer', when: ['connected', 'held'] },
  { id: 'park', label: 'dscomActionPark', when: ['connected', 'held'] },
  { id: 'parkList', label: 'dscomActionParkList', when: ['idle', 'dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'] },
  { id: 'unpark', label: 'dscomActionUnpark', when: NO_CALL, input: { label: 'dscomInputParked', placeholder: ['exampleValue', '18312345678'] } },
  { id: 'queueWaiting', label: 'dscomActionQueueWaiting', when: ['idle', 'ended', 'connected'] },
  { id: 'redirect', label: 'dscomActionRedirect', when: NO_CALL, input: { label: 'dscomInputQueued', placeholder: ['exampleValue', '18312345678'] } },
  { id: 'pickup', label: 'dscomActionPickup', when: NO_CALL, input: { label: 'dscomInputRinging', placeholder: ['exampleValue', '8003'] } },
  { id: 'logoutQueue', label: 'dscomActionLogoutQueue', when: NO_CALL, input: { label: 'dscomInputQueue', placeholder: ['exampleValue', '200'] } },
];

/** Offered only in supervisor mode (班长模式). */
export const SUPERVISOR_ACTIONS: readonly ExtraActionDef[] = [
  { id: 'barge', label: 'dscomActionBarge', when: NO_CALL, input: { label: 'dscomInputExtension', placeholder: ['exampleValue', '8002'] } },
  { id: 'monitor', label: 'dscomActionMonitor', when: NO_CALL, input: { label: 'dscomInputExtension', placeholder: ['exampleValue', '8002'] } },
  { id: 'whisper', label: 'dscomActionWhisper', when: NO_CALL, input: { label: 'dscomInputExtension', placeholder: ['exampleValue', '8002'] } },
];

// ── Settings ────────────────────────────────────────────────────────────────────────────────

export const SETTINGS_MESSAGES = {
  baseUrlMissing: 'dscomBaseUrlMissing',
  baseUrlInvalid: 'dscomBaseUrlInvalid',
  billingUrlInvalid: 'dscomBillingUrlInvalid',
  billingUrlOtherHost: 'dscomBillingUrlOtherHost',
  billingUrlNotSecure: 'dscomBillingUrlNotSecure',
  clientIdMissing: 'dscomClientIdMissing',
  clientIdInvalid: 'dscomClientIdInvalid',
  clientSecretMissing: 'dscomClientSecretMissing',
  usernameMissing: 'dscomUsernameMissing',
  passwordMissing: 'passwordMissing',
  extensionMissing: 'dscomExtensionMissing',
  extensionInvalid: 'dscomExtensionInvalid',
  agentIdMissing: 'dscomAgentIdMissing',
  agentIdInvalid: 'dscomAgentIdInvalid',
  queuesMissing: 'dscomQueuesMissing',
  queuesInvalid: 'dscomQueuesInvalid',
  displaycidInvalid: 'dscomDisplaycidInvalid',
  supervisorInvalid: 'dscomSupervisorInvalid',
  wrapUpInvalid: 'dscomWrapUpInvalid',
} as const satisfies Record<string, MessageKey>;

const M = SETTINGS_MESSAGES;

/** http(s)://host[:port], optionally followed by `/` or `/dscom-api` (both dropped). */
function parseServerUrl(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.search || url.hash) return null;
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '' && path.toLowerCase() !== '/dscom-api') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** ws(s)://host[:port][/path], trailing slashes dropped. */
function parseSocketUrl(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
    if (url.username || url.password || url.search || url.hash) return null;
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

const required = requiredText;

/** Queue numbers separated by commas, spaces, 、 or semicolons → "200,201" (deduplicated, in order). */
export function splitQueues(value: string): string[] {
  return [...new Set(value.split(/[\s,，、;；]+/).filter(Boolean))];
}


/** A number, a numeric string, or nothing (0). */
function toSeconds(value: unknown): unknown {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') return value.trim() === '' ? 0 : /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return value;
}

export const dscomSettingsSchema = z.object({
  baseUrl: required(M.baseUrlMissing).transform((v, ctx) => {
    const origin = parseServerUrl(v);
    if (origin === null) {
      ctx.addIssue({ code: 'custom', message: t(M.baseUrlInvalid) });
      return z.NEVER;
    }
    return origin;
  }),
  billingUrl: z
    .string(message(M.billingUrlInvalid))
    .trim()
    .default('')
    .transform((v, ctx) => {
      if (v === '') return '';
      const url = parseSocketUrl(v);
      if (url === null) {
        ctx.addIssue({ code: 'custom', message: t(M.billingUrlInvalid) });
        return z.NEVER;
      }
      return url;
    }),
  clientId: required(M.clientIdMissing).regex(/^\d{1,10}$/, message(M.clientIdInvalid)),
  clientSecret: required(M.clientSecretMissing),
  username: required(M.usernameMissing),
  // A password is taken as typed (no trimming).
  password: z.string(message(M.passwordMissing)).min(1, message(M.passwordMissing)),
  extension: required(M.extensionMissing).regex(/^\d{2,10}$/, message(M.extensionInvalid)),
  agentId: required(M.agentIdMissing).regex(/^[A-Za-z0-9_-]{1,20}$/, message(M.agentIdInvalid)),
  queues: z
    .string(message(M.queuesMissing))
    .trim()
    .transform((v, ctx) => {
      const queues = splitQueues(v);
      if (queues.length === 0) ctx.addIssue({ code: 'custom', message: t(M.queuesMissing) });
      else if (!queues.every((q) => /^\d{1,10}$/.test(q))) ctx.addIssue({ code: 'custom', message: t(M.queuesInvalid) });
      else return queues.join(',');
      return z.NEVER;
    }),
  displaycid: z.string(message(M.displaycidInvalid)).trim().regex(/^\d{0,20}$/, message(M.displaycidInvalid)).default(''),
  supervisor: z.preprocess(toBoolean, z.boolean(message(M.supervisorInvalid))),
  wrapUpSeconds: z.preprocess(toSeconds, z.number(message(M.wrapUpInvalid)).int(message(M.wrapUpInvalid)).min(0, message(M.wrapUpInvalid)).max(600, message(M.wrapUpInvalid))),
}).superRefine((settings, ctx) => {
  // The billing socket carries the OAuth token: only to the API's own host, and encrypted when
  // the API is (a settings file must not be able to send the token elsewhere or in clear).
  if (!settings.billingUrl) return;
  const api = new URL(settings.baseUrl);
  const socket = new URL(settings.billingUrl);
  if (socket.hostname !== api.hostname) ctx.addIssue({ code: 'custom', path: ['billingUrl'], message: t(M.billingUrlOtherHost, api.hostname) });
  else if (api.protocol === 'https:' && socket.protocol !== 'wss:') ctx.addIssue({ code: 'custom', path: ['billingUrl'], message: t(M.billingUrlNotSecure) });
});

export type DscomSettings = z.output<typeof dscomSettingsSchema>;

/** The configured queues as a list (settings keep them as "200,201"). */
export function queueList(settings: Pick<DscomSettings, 'queues'>): string[] {
  return splitQueues(settings.queues);
}

/** `{server}/dscom-api`: the prefix of every API path. */
export function apiBase(settings: Pick<DscomSettings, 'baseUrl'>): string {
  return `${settings.baseUrl}/dscom-api`;
}

/** The billing websocket's address: the setting, or port 8282 on the server's host (wss for https). */
export function billingBase(settings: Pick<DscomSettings, 'baseUrl' | 'billingUrl'>): string {
  if (settings.billingUrl) return settings.billingUrl;
  const url = new URL(settings.baseUrl);
  return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.hostname}:8282`;
}

// ── Capabilities ──────────────────────────────────────────────────────────────────────────────

function capabilities(agentStates: readonly AgentStateDef[], extraActions: readonly ExtraActionDef[]): CapabilitiesDef {
  return {
    dial: true,
    // The agent answers on the phone: the API has no answer, mute or DTMF.
    answer: false,
    hangup: true,
    hold: true,
    mute: false,
    transfer: true,
    dtmf: false,
    agentStates,
    extraActions,
  };
}

/** What this agent gets: supervisor actions only in supervisor mode, the wrap-up countdown when known. */
export function dscomCapabilitiesFor(settings: Pick<DscomSettings, 'supervisor' | 'wrapUpSeconds'>): Capabilities {
  return localizeCapabilities(dscomCapabilityDefsFor(settings));
}

function dscomCapabilityDefsFor(settings: Pick<DscomSettings, 'supervisor' | 'wrapUpSeconds'>): CapabilitiesDef {
  const states = AGENT_STATES.map((s) => (s.id === 'afterCall' && settings.wrapUpSeconds > 0 ? { ...s, countdownSeconds: settings.wrapUpSeconds } : s));
  return capabilities(states, settings.supervisor ? [...EXTRA_ACTIONS, ...SUPERVISOR_ACTIONS] : EXTRA_ACTIONS);
}

export const dscomInfoDef: ProviderInfoDef<DscomSettings> = {
  id: 'dscom',
  name: 'dscomName',
  description: 'dscomDescription',
  // The superset: every state and action the provider can ever offer.
  capabilities: capabilities(AGENT_STATES, [...EXTRA_ACTIONS, ...SUPERVISOR_ACTIONS]),
  capabilitiesFor: dscomCapabilityDefsFor,
  settingsFields: [
    { key: 'baseUrl', label: 'serverAddress', type: 'url', placeholder: ['verbatim', 'https://192.168.1.200:8443'], help: 'dscomBaseUrlHelp' },
    { key: 'billingUrl', label: 'dscomBillingUrl', type: 'url', placeholder: 'dscomBillingUrlPlaceholder', help: 'dscomBillingUrlHelp' },
    { key: 'clientId', label: 'dscomClientId', type: 'text', placeholder: ['exampleValue', '4'], help: 'dscomClientIdHelp' },
    { key: 'clientSecret', label: 'dscomClientSecret', type: 'password', help: 'dscomClientSecretHelp' },
    { key: 'username', label: 'userName', type: 'text', placeholder: ['exampleValue', 'api'], help: 'dscomUsernameHelp' },
    { key: 'password', label: 'password', type: 'password', secret: true, credential: true },
    { key: 'extension', label: 'extensionNumber', type: 'text', placeholder: ['exampleValue', '8001'], help: 'dscomExtensionHelp' },
    { key: 'agentId', label: 'agentId', type: 'text', placeholder: ['exampleValue', '1011'] },
    { key: 'queues', label: 'dscomQueues', type: 'text', placeholder: ['exampleValue', '200,201'], help: 'dscomQueuesHelp' },
    { key: 'displaycid', label: 'dscomDisplaycid', type: 'text', placeholder: 'mayBeEmpty', help: 'dscomDisplaycidHelp' },
    { key: 'supervisor', label: 'dscomSupervisor', type: 'checkbox', help: 'dscomSupervisorHelp' },
    { key: 'wrapUpSeconds', label: 'dscomWrapUpSeconds', type: 'number', placeholder: ['verbatim', '0'], help: 'dscomWrapUpHelp' },
  ],
  settingsSchema: dscomSettingsSchema,
  defaultSettings: {
    baseUrl: '',
    billingUrl: '',
    clientId: '',
    clientSecret: '',
    username: '',
    password: '',
    extension: '',
    agentId: '',
    queues: '',
    displaycid: '',
    supervisor: false,
    wrapUpSeconds: 0,
  },
};

export const dscomInfo: ProviderInfo<DscomSettings> = localizeInfo(dscomInfoDef);
