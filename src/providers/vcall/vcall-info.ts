import { z } from 'zod';
import type { Capabilities, ProviderInfo } from '../provider.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { type AgentStateDef, type CapabilitiesDef, type ExtraActionDef, localizeCapabilities, localizeInfo, message, type ProviderInfoDef } from '../info-text.ts';
import { optionalText, parseSocketUrl, toBoolean, urlField } from '../settings-values.ts';

/**
 * v-call 全媒体联络中心 (seed 001): settings, capabilities and the words for them — pure data.
 * Three ways to dial (docs/providers/vcall.md):
 * - `agent`: an agent session on the CCS — commands are HTTP POSTs to `/ccs/api/agent/control`,
 *   outcomes arrive as events over STOMP (vcall-stomp.ts); the full toolbar;
 * - `openCall`: `/api/agent/open/call` with a company token (no live events);
 * - `callback`: two-leg callback `/api/sip/makecall` with the same token (caller = the agent's phone).
 */

export const VCALL_MODES = ['agent', 'openCall', 'callback'] as const;
export type VcallMode = (typeof VCALL_MODES)[number];

/** login `loginType` (seed 2470-2474): 1 SIP phone, 2 mobile, 3 WebRTC (CallBar's browser phone). */
export const LOGIN_TYPES = ['1', '2', '3'] as const;
/** makeCall `callAgentType` / open/call `type` (seed 2496-2500, 2225-2228). */
export const ANSWER_TYPES = ['default', 'phone', 'sip'] as const;
/** makecall `type` (seed 5252-5254). */
export const CALLBACK_TYPES = ['default', 'click', 'cmccbid'] as const;

// ── Agent states ────────────────────────────────────────────────────────────────────────────

/** A busy reason of the company (Login `busyType`) is offered as `busy:<reason>`. */
export const BUSY_PREFIX = 'busy:';

export const AGENT_STATES: readonly AgentStateDef[] = [
  { id: 'idle', label: 'vcallStateIdle', kind: 'ready' },
  { id: 'busy', label: 'vcallStateBusy', kind: 'notReady' },
  // Reported by the platform, never chosen.
  { id: 'login', label: 'vcallStateLogin', kind: 'notReady', selectable: false },
  { id: 'ringing', label: 'vcallStateRinging', kind: 'busy', selectable: false },
  { id: 'inCall', label: 'vcallStateInCall', kind: 'busy', selectable: false },
  { id: 'afterCall', label: 'vcallStateAfterCall', kind: 'afterCall', selectable: false },
  { id: 'locked', label: 'vcallStateLocked', kind: 'notReady', selectable: false },
  { id: 'loggedOut', label: 'vcallStateLoggedOut', kind: 'offline', selectable: false },
];

// ── Extra actions ───────────────────────────────────────────────────────────────────────────

/** consultType / transferType (seed 2521-2523, 2552-2556): 1 agent, 2 outside number, 3 skill group, 4 IVR. */
export const TARGET_KINDS = { agent: '1', number: '2', group: '3', ivr: '4' } as const;
export type TargetKind = keyof typeof TARGET_KINDS;

export function isTargetKind(value: string | undefined): value is TargetKind {
  return value !== undefined && Object.hasOwn(TARGET_KINDS, value);
}

const IN_CALL = ['connected', 'held'] as const;
const NO_OWN_CALL = ['idle', 'ended'] as const;
const ANY = ['idle', 'dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'] as const;

const TARGET_INPUT = {
  label: 'vcallInputTarget',
  kinds: [
    { id: 'agent', label: 'vcallKindAgent', placeholder: ['exampleValue', '1002'] },
    { id: 'number', label: 'vcallKindNumber', placeholder: ['exampleValue', '13800000000'], options: false },
    { id: 'group', label: 'vcallKindGroup', placeholder: 'vcallKindGroupPlaceholder' },
    { id: 'ivr', label: 'vcallKindIvr', placeholder: 'vcallKindIvrPlaceholder' },
  ],
  options: true,
  // A skill group or an IVR is an id from the platform, not a dial string: checked per kind here.
  free: true,
} as const satisfies ExtraActionDef['input'];

export const CALL_ACTIONS: readonly ExtraActionDef[] = [
  { id: 'consult', label: 'vcallActionConsult', when: IN_CALL, input: TARGET_INPUT },
  { id: 'consultCancel', label: 'vcallActionConsultCancel', when: IN_CALL },
  { id: 'transferBlind', label: 'vcallActionTransferBlind', when: IN_CALL, input: TARGET_INPUT },
  // Hands the call to the party being consulted (the SDK's argument-less consultTransfer(), seed 4032):
  // no target to type again.
  { id: 'transferConsult', label: 'vcallActionTransferConsult', when: IN_CALL },
  { id: 'transferCancel', label: 'vcallActionTransferCancel', when: IN_CALL },
  { id: 'tripartiteTalk', label: 'vcallActionTripartite', when: IN_CALL },
];

const AGENT_INPUT = { label: 'vcallInputAgent', placeholder: ['exampleValue', '1002'], options: true, free: true, member: true } as const satisfies ExtraActionDef['input'];

/** 班长 (Login `agentType` 1) only; the request names of seed 2788-2885 (forceBusy: the SDK's, seed 4127). */
export const SUPERVISOR_ACTIONS: readonly ExtraActionDef[] = [
  { id: 'forceIdle', label: 'vcallActionForceIdle', when: ANY, input: AGENT_INPUT },
  { id: 'forceBusy', label: 'vcallActionForceBusy', when: ANY, input: AGENT_INPUT },
  { id: 'forceLogout', label: 'vcallActionForceLogout', when: ANY, input: AGENT_INPUT },
  { id: 'listen', label: 'vcallActionListen', when: NO_OWN_CALL, input: AGENT_INPUT },
  { id: 'forceBreak', label: 'vcallActionForceBreak', when: ANY, input: AGENT_INPUT },
  { id: 'forceInsert', label: 'vcallActionForceInsert', when: NO_OWN_CALL, input: AGENT_INPUT },
  { id: 'intercept', label: 'vcallActionIntercept', when: NO_OWN_CALL, input: AGENT_INPUT },
];

// ── Settings ────────────────────────────────────────────────────────────────────────────────

export const SETTINGS_MESSAGES = {
  modeInvalid: 'vcallModeInvalid',
  serverMissing: 'vcallServerMissing',
  serverInvalid: 'vcallServerInvalid',
  companyIdMissing: 'vcallCompanyIdMissing',
  companyIdInvalid: 'vcallCompanyIdInvalid',
  agentNumberMissing: 'vcallAgentNumberMissing',
  agentNumberInvalid: 'vcallAgentNumberInvalid',
  passwordMissing: 'passwordMissing',
  loginTypeInvalid: 'vcallLoginTypeInvalid',
  answerTypeInvalid: 'vcallAnswerTypeInvalid',
  streamUrlMissing: 'vcallStreamUrlMissing',
  streamUrlInvalid: 'vcallStreamUrlInvalid',
  connectAccountMissing: 'vcallConnectAccountMissing',
  connectPasswordInvalid: 'vcallConnectPasswordInvalid',
  vhostInvalid: 'vcallVhostInvalid',
  subscribePathMissing: 'vcallSubscribePathMissing',
  subscribePathInvalid: 'vcallSubscribePathInvalid',
  phoneWsUrlMissing: 'vcallPhoneWsUrlMissing',
  phoneWsUrlInvalid: 'vcallPhoneWsUrlInvalid',
  maskNumbersInvalid: 'vcallMaskNumbersInvalid',
  accessKeyIdMissing: 'vcallAccessKeyIdMissing',
  accessKeyIdInvalid: 'vcallAccessKeyIdInvalid',
  accessKeySecretMissing: 'vcallAccessKeySecretMissing',
  callnumInvalid: 'vcallCallnumInvalid',
  callerPhoneMissing: 'vcallCallerPhoneMissing',
  callerPhoneInvalid: 'vcallCallerPhoneInvalid',
  callbackTypeInvalid: 'vcallCallbackTypeInvalid',
} as const satisfies Record<string, MessageKey>;

const M = SETTINGS_MESSAGES;

/** http(s)://host[:port], nothing else: the platform's base (http://cc.v-call.cn in the document). */
function parseServer(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.search || url.hash || url.pathname.replace(/\/+$/, '') !== '') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** ws(s) addresses (the broker's STOMP endpoint, the WebRTC phone's SIP WebSocket): parseSocketUrl. */
const socketUrl = (invalid: MessageKey) => urlField(invalid, parseSocketUrl);

const AGENT_NUMBER = /^[A-Za-z0-9_.@-]{1,32}$/;
const COMPANY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PHONE = /^\+?\d{3,20}$/;

export const vcallSettingsSchema = z
  .object({
    mode: z.enum(VCALL_MODES, message(M.modeInvalid)),
    server: z
      .string(message(M.serverMissing))
      .trim()
      .min(1, message(M.serverMissing))
      .transform((v, ctx) => {
        const origin = parseServer(v);
        if (origin === null) {
          ctx.addIssue({ code: 'custom', message: t(M.serverInvalid) });
          return z.NEVER;
        }
        return origin;
      }),
    companyId: optionalText(M.companyIdInvalid).refine((v) => v === '' || COMPANY_ID.test(v), message(M.companyIdInvalid)),
    agentNumber: optionalText(M.agentNumberInvalid).refine((v) => v === '' || AGENT_NUMBER.test(v), message(M.agentNumberInvalid)),
    // A password is taken as typed (no trimming).
    password: z.string(message(M.passwordMissing)).default(''),
    loginType: z.enum(LOGIN_TYPES, message(M.loginTypeInvalid)).default('1'),
    callAgentType: z.enum(ANSWER_TYPES, message(M.answerTypeInvalid)).default('default'),
    streamUrl: socketUrl(M.streamUrlInvalid),
    connectAccount: optionalText(M.connectAccountMissing),
    connectPassword: z.string(message(M.connectPasswordInvalid)).default(''),
    vhost: optionalText(M.vhostInvalid).refine((v) => v.length <= 128 && !/\s/.test(v), message(M.vhostInvalid)),
    subscribePath: optionalText(M.subscribePathInvalid).refine((v) => v === '' || /^\/\S{1,255}$/.test(v), message(M.subscribePathInvalid)),
    phoneWsUrl: socketUrl(M.phoneWsUrlInvalid),
    maskNumbers: z.preprocess((v) => (v === undefined || v === null || v === '' ? true : toBoolean(v)), z.boolean(message(M.maskNumbersInvalid))),
    accessKeyId: optionalText(M.accessKeyIdInvalid).refine((v) => v === '' || /^[A-Za-z0-9-]{1,64}$/.test(v), message(M.accessKeyIdInvalid)),
    accessKeySecret: z.string(message(M.accessKeySecretMissing)).trim().default(''),
    callnum: optionalText(M.callnumInvalid).refine((v) => v === '' || PHONE.test(v), message(M.callnumInvalid)),
    callerPhone: optionalText(M.callerPhoneInvalid).refine((v) => v === '' || PHONE.test(v), message(M.callerPhoneInvalid)),
    callbackType: z.enum(CALLBACK_TYPES, message(M.callbackTypeInvalid)).default('default'),
  })
  .superRefine((s, ctx) => {
    // What each mode needs, each with its own message on its own field.
    const need = (ok: boolean, path: string, key: MessageKey) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message: t(key) });
    };
    if (s.mode === 'agent') {
      need(s.companyId !== '', 'companyId', M.companyIdMissing);
      need(s.agentNumber !== '', 'agentNumber', M.agentNumberMissing);
      need(s.password !== '', 'password', M.passwordMissing);
      need(s.streamUrl !== '', 'streamUrl', M.streamUrlMissing);
      need(s.connectAccount !== '', 'connectAccount', M.connectAccountMissing);
      need(s.subscribePath !== '', 'subscribePath', M.subscribePathMissing);
      need(s.loginType !== '3' || s.phoneWsUrl !== '', 'phoneWsUrl', M.phoneWsUrlMissing);
    } else {
      if (s.mode === 'openCall') need(s.agentNumber !== '', 'agentNumber', M.agentNumberMissing);
      if (s.mode === 'callback') need(s.callerPhone !== '', 'callerPhone', M.callerPhoneMissing);
      need(s.accessKeyId !== '', 'accessKeyId', M.accessKeyIdMissing);
      need(s.accessKeySecret !== '', 'accessKeySecret', M.accessKeySecretMissing);
    }
  });

export type VcallSettings = z.output<typeof vcallSettingsSchema>;

// ── Capabilities ──────────────────────────────────────────────────────────────────────────────

export interface LoginFacts {
  /** Login `agentType` 1 = 班长. */
  supervisor: boolean;
  /** The company's busy reasons (Login `busyType`). */
  busyTypes: readonly string[];
  /** After `agentAutoIdleTime` (seconds; -1 or absent: the platform does not end 话后 by itself). */
  autoIdleSeconds?: number;
}

function capabilityDefs(settings: Pick<VcallSettings, 'mode' | 'loginType'>, facts?: LoginFacts): CapabilitiesDef {
  if (settings.mode !== 'agent') {
    // A request the platform accepts and carries out by itself: nothing to control afterwards.
    return { dial: true, answer: false, hangup: false, hold: false, mute: false, transfer: false, dtmf: false, agentStates: [], extraActions: [] };
  }
  const webrtc = settings.loginType === '3';
  const busyTypes: AgentStateDef[] = (facts?.busyTypes ?? []).map((type) => ({ id: `${BUSY_PREFIX}${type}`, label: ['vcallStateBusyType', type], kind: 'notReady' }));
  const countdown = facts?.autoIdleSeconds;
  const states = AGENT_STATES.flatMap((s) => {
    if (s.id === 'afterCall' && countdown !== undefined && countdown > 0) return [{ ...s, countdownSeconds: countdown }];
    if (s.id === 'busy') return [s, ...busyTypes];
    return [s];
  });
  return {
    dial: true,
    // With the browser phone the agent answers in CallBar; a SIP phone or a mobile is answered on the device.
    answer: webrtc,
    hangup: true,
    hold: true,
    mute: true,
    transfer: true,
    // The CCS has no DTMF request: only the browser phone can send digits.
    dtmf: webrtc,
    agentStates: states,
    extraActions: facts === undefined || facts.supervisor ? [...CALL_ACTIONS, ...SUPERVISOR_ACTIONS] : CALL_ACTIONS,
  };
}

/** What the agent may do, before the Login event (the superset for the mode) or after it (with the platform's facts). */
export function vcallCapabilitiesFor(settings: Pick<VcallSettings, 'mode' | 'loginType'>, facts?: LoginFacts): Capabilities {
  return localizeCapabilities(capabilityDefs(settings, facts));
}

const AGENT = { key: 'mode', value: 'agent' } as const;
const CALLBACK = { key: 'mode', value: 'callback' } as const;
/** The company-wide keys: the open-call and callback modes. */
const WITH_KEYS = { key: 'mode', value: ['openCall', 'callback'] } as const;
const WEBRTC = [AGENT, { key: 'loginType', value: '3' }] as const;

export const vcallInfoDef: ProviderInfoDef<VcallSettings> = {
  id: 'vcall',
  name: 'vcallName',
  description: 'vcallDescription',
  capabilities: capabilityDefs({ mode: 'agent', loginType: '3' }),
  capabilitiesFor: (settings) => capabilityDefs(settings),
  settingsFields: [
    {
      key: 'mode',
      label: 'vcallMode',
      type: 'select',
      options: [
        { value: 'agent', label: 'vcallModeAgent' },
        { value: 'openCall', label: 'vcallModeOpenCall' },
        { value: 'callback', label: 'vcallModeCallback' },
      ],
      help: 'vcallModeHelp',
    },
    { key: 'server', label: 'serverAddress', type: 'url', placeholder: ['verbatim', 'https://cc.v-call.cn'], help: 'vcallServerHelp' },
    { key: 'companyId', label: 'vcallCompanyId', type: 'text', placeholder: ['exampleValue', '74722c42eea35272d005c2c731f17c46'], help: 'vcallCompanyIdHelp', showWhen: AGENT },
    { key: 'agentNumber', label: 'agentId', type: 'text', placeholder: ['exampleValue', '1001'], help: 'vcallAgentNumberHelp' },
    { key: 'password', label: 'password', type: 'password', secret: true, credential: true, showWhen: AGENT },
    {
      key: 'loginType',
      label: 'vcallLoginType',
      type: 'select',
      options: [
        { value: '1', label: 'vcallLoginTypeSip' },
        { value: '2', label: 'vcallLoginTypeMobile' },
        { value: '3', label: 'vcallLoginTypeWebrtc' },
      ],
      help: 'vcallLoginTypeHelp',
      showWhen: AGENT,
    },
    {
      key: 'callAgentType',
      label: 'vcallCallAgentType',
      type: 'select',
      options: [
        { value: 'default', label: 'vcallAnswerDefault' },
        { value: 'phone', label: 'vcallAnswerPhone' },
        { value: 'sip', label: 'vcallAnswerSip' },
      ],
      help: 'vcallCallAgentTypeHelp',
    },
    { key: 'streamUrl', label: 'vcallStreamUrl', type: 'url', placeholder: ['verbatim', 'wss://cc.v-call.cn/ws'], help: 'vcallStreamUrlHelp', showWhen: AGENT },
    { key: 'connectAccount', label: 'vcallConnectAccount', type: 'text', help: 'vcallConnectAccountHelp', showWhen: AGENT },
    // The queue account is the company's (the SDK's options, like the server address): kept like the
    // access keys and deliverable by enterprise policy, not typed at every login like the agent's password.
    { key: 'connectPassword', label: 'vcallConnectPassword', type: 'password', secret: true, showWhen: AGENT },
    { key: 'vhost', label: 'vcallVhost', type: 'text', placeholder: 'mayBeEmpty', help: 'vcallVhostHelp', showWhen: AGENT, advanced: true },
    { key: 'subscribePath', label: 'vcallSubscribePath', type: 'text', placeholder: ['exampleValue', '/exchange/agent/1001'], help: 'vcallSubscribePathHelp', showWhen: AGENT },
    { key: 'phoneWsUrl', label: 'vcallPhoneWsUrl', type: 'url', placeholder: ['verbatim', 'wss://sip.example.com:7443'], help: 'vcallPhoneWsUrlHelp', showWhen: WEBRTC },
    { key: 'maskNumbers', label: 'vcallMaskNumbers', type: 'checkbox', help: 'vcallMaskNumbersHelp' },
    { key: 'accessKeyId', label: 'vcallAccessKeyId', type: 'text', help: 'vcallAccessKeyHelp', showWhen: WITH_KEYS },
    { key: 'accessKeySecret', label: 'vcallAccessKeySecret', type: 'password', secret: true, help: 'vcallAccessKeyHelp', showWhen: WITH_KEYS },
    { key: 'callnum', label: 'vcallCallnum', type: 'text', placeholder: 'mayBeEmpty', help: 'vcallCallnumHelp' },
    { key: 'callerPhone', label: 'vcallCallerPhone', type: 'text', placeholder: ['exampleValue', '13800000000'], help: 'vcallCallerPhoneHelp', showWhen: CALLBACK },
    {
      key: 'callbackType',
      label: 'vcallCallbackType',
      type: 'select',
      options: [
        { value: 'default', label: 'vcallCallbackDefault' },
        { value: 'click', label: 'vcallCallbackClick' },
        { value: 'cmccbid', label: 'vcallCallbackCmcc' },
      ],
      showWhen: CALLBACK,
    },
  ],
  settingsSchema: vcallSettingsSchema,
  defaultSettings: {
    mode: 'agent',
    server: '',
    companyId: '',
    agentNumber: '',
    password: '',
    loginType: '1',
    callAgentType: 'default',
    streamUrl: '',
    connectAccount: '',
    connectPassword: '',
    vhost: '',
    subscribePath: '',
    phoneWsUrl: '',
    maskNumbers: true,
    accessKeyId: '',
    accessKeySecret: '',
    callnum: '',
    callerPhone: '',
    callbackType: 'default',
  },
  usesPhone: (settings) => settings.mode === 'agent' && settings.loginType === '3',
};

export const vcallInfo: ProviderInfo<VcallSettings> = localizeInfo(vcallInfoDef);
