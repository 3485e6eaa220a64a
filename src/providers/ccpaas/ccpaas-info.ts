import { z } from 'zod';
import type { Capabilities, ProviderInfo } from '../provider.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { type AgentStateDef, type CapabilitiesDef, localizeCapabilities, localizeInfo, message, type ProviderInfoDef } from '../info-text.ts';
import { optionalText, parseSocketUrl, toBoolean, urlField } from '../settings-values.ts';

/**
 * CC PaaS (seed 003): settings, capabilities and the words for them — pure data. Two ways in
 * (docs/providers/ccpaas.md):
 * - `toolbar`: the PhoneKit agent toolbar — an agent session with the CTI server over one WebSocket
 *   (ccpaas-wire.ts carries PhoneKit's documented methods and callbacks); the full toolbar;
 * - `rest`: 点击呼叫 `click2call` (the platform rings the agent's phone, then the customer, and bridges
 *   them) for agents who work “offline”; the platform reports progress only to a server URL, so CallBar
 *   shows the accepted request and offers 取消呼叫 (`cancelCall`).
 */

export const CCPAAS_MODES = ['toolbar', 'rest'] as const;
export type CcpaasMode = (typeof CCPAAS_MODES)[number];

/** login `phoneType` (PhoneKit 4.1): 1 SIP 话机, 2 PSTN 电话, 3 WebPhone (CallBar's browser phone). */
export const PHONE_TYPES = ['1', '2', '3'] as const;
/** login `workStatus` (4.1): 1 就绪, 2 非就绪. */
export const LOGIN_WORK_STATUSES = ['1', '2'] as const;
/** click2call `record`: 0 no recording, 1 from the callee's ringing, 2 from the callee's answer. */
export const RECORD_MODES = ['0', '1', '2'] as const;

// ── Agent states ────────────────────────────────────────────────────────────────────────────

/** A configured pause reason is offered as `pause:<reason>` (pause's `pauseCause`, 用户可自定义). */
export const PAUSE_PREFIX = 'pause:';

export const AGENT_STATES: readonly AgentStateDef[] = [
  { id: 'ready', label: 'ccpaasStateReady', kind: 'ready' },
  { id: 'pause', label: 'ccpaasStatePause', kind: 'notReady' },
  // Reported by the platform, never chosen: 整理 after a call (onStatusEvent completed, pauseCause wrapup).
  { id: 'wrapup', label: 'ccpaasStateWrapup', kind: 'afterCall', selectable: false },
  { id: 'offWork', label: 'ccpaasStateOffWork', kind: 'offline', selectable: false },
];

// ── Settings ────────────────────────────────────────────────────────────────────────────────

export const SETTINGS_MESSAGES = {
  modeInvalid: 'ccpaasModeInvalid',
  ctiUrlMissing: 'ccpaasCtiUrlMissing',
  ctiUrlInvalid: 'ccpaasCtiUrlInvalid',
  appSidMissing: 'ccpaasAppSidMissing',
  appSidInvalid: 'ccpaasAppSidInvalid',
  agentNoMissing: 'ccpaasAgentNoMissing',
  agentNoInvalid: 'ccpaasAgentNoInvalid',
  passwordMissing: 'passwordMissing',
  phoneTypeInvalid: 'ccpaasPhoneTypeInvalid',
  workStatusInvalid: 'ccpaasWorkStatusInvalid',
  autoAnswerInvalid: 'ccpaasAutoAnswerInvalid',
  pauseCausesInvalid: 'ccpaasPauseCausesInvalid',
  encryptNumberInvalid: 'ccpaasEncryptNumberInvalid',
  baseUrlMissing: 'ccpaasBaseUrlMissing',
  baseUrlInvalid: 'ccpaasBaseUrlInvalid',
  softVersionMissing: 'ccpaasSoftVersionMissing',
  softVersionInvalid: 'ccpaasSoftVersionInvalid',
  accountSidMissing: 'ccpaasAccountSidMissing',
  accountSidInvalid: 'ccpaasAccountSidInvalid',
  accountTokenMissing: 'ccpaasAccountTokenMissing',
  applicationSidMissing: 'ccpaasApplicationSidMissing',
  applicationSidInvalid: 'ccpaasApplicationSidInvalid',
  callerMissing: 'ccpaasCallerMissing',
  callerInvalid: 'ccpaasCallerInvalid',
  cliInvalid: 'ccpaasCliInvalid',
  recordInvalid: 'ccpaasRecordInvalid',
  maxDurationInvalid: 'ccpaasMaxDurationInvalid',
  userDataInvalid: 'ccpaasUserDataInvalid',
} as const satisfies Record<string, MessageKey>;

const M = SETTINGS_MESSAGES;

/** click2call `userData`: 英文字母和数字，长度最大支持 256 字节 (letters and digits are one byte each). */
export const USER_DATA = /^[A-Za-z0-9]{0,256}$/;
/** A pause reason: free text of the company's, kept short (it is a button label). */
const PAUSE_CAUSE = /^[^,，\s][^,，]{0,19}$/;
const SID = /^[A-Za-z0-9_-]{1,64}$/;
const AGENT_NO = /^[A-Za-z0-9_.@-]{1,32}$/;
const PHONE = /^\+?\d{3,20}$/;

/** http(s)://host[:port][/prefix]: the REST base the document leaves to the integrator. */
function parseBaseUrl(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.search || url.hash) return null;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

const checkbox = (invalid: MessageKey, empty: boolean) => z.preprocess((v) => (v === undefined || v === null || v === '' ? empty : toBoolean(v)), z.boolean(message(invalid)));

/** “休息, 培训，就餐” → ['休息', '培训', '就餐'] (either comma; blanks dropped; duplicates once). */
export function splitPauseCauses(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[,，]/)
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

export const ccpaasSettingsSchema = z
  .object({
    mode: z.enum(CCPAAS_MODES, message(M.modeInvalid)),
    // ── toolbar ──
    ctiUrl: urlField(M.ctiUrlInvalid, parseSocketUrl),
    appSid: optionalText(M.appSidInvalid).refine((v) => v === '' || SID.test(v), message(M.appSidInvalid)),
    agentNo: optionalText(M.agentNoInvalid).refine((v) => v === '' || AGENT_NO.test(v), message(M.agentNoInvalid)),
    // A password is taken as typed (no trimming).
    password: z.string(message(M.passwordMissing)).default(''),
    phoneType: z.enum(PHONE_TYPES, message(M.phoneTypeInvalid)).default('1'),
    workStatus: z.enum(LOGIN_WORK_STATUSES, message(M.workStatusInvalid)).default('1'),
    autoAnswer: checkbox(M.autoAnswerInvalid, false),
    pauseCauses: optionalText(M.pauseCausesInvalid).refine((v) => {
      const causes = splitPauseCauses(v);
      return causes.length <= 12 && causes.every((c) => PAUSE_CAUSE.test(c));
    }, message(M.pauseCausesInvalid)),
    encryptNumber: checkbox(M.encryptNumberInvalid, false),
    // ── rest ──
    baseUrl: urlField(M.baseUrlInvalid, parseBaseUrl),
    softVersion: optionalText(M.softVersionInvalid).refine((v) => v === '' || /^[A-Za-z0-9._-]{1,32}$/.test(v), message(M.softVersionInvalid)),
    accountSid: optionalText(M.accountSidInvalid).refine((v) => v === '' || SID.test(v), message(M.accountSidInvalid)),
    accountToken: z.string(message(M.accountTokenMissing)).trim().default(''),
    applicationSid: optionalText(M.applicationSidInvalid).refine((v) => v === '' || SID.test(v), message(M.applicationSidInvalid)),
    caller: optionalText(M.callerInvalid).refine((v) => v === '' || PHONE.test(v), message(M.callerInvalid)),
    callerCli: optionalText(M.cliInvalid).refine((v) => v === '' || PHONE.test(v), message(M.cliInvalid)),
    calleeCli: optionalText(M.cliInvalid).refine((v) => v === '' || PHONE.test(v), message(M.cliInvalid)),
    record: z.enum(RECORD_MODES, message(M.recordInvalid)).default('0'),
    maxDuration: optionalText(M.maxDurationInvalid).refine((v) => v === '' || (/^\d{1,6}$/.test(v) && Number(v) > 0), message(M.maxDurationInvalid)),
    // ── both ──
    userData: optionalText(M.userDataInvalid).refine((v) => USER_DATA.test(v), message(M.userDataInvalid)),
  })
  .superRefine((s, ctx) => {
    // What each mode needs, each with its own message on its own field.
    const need = (ok: boolean, path: string, key: MessageKey) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message: t(key) });
    };
    if (s.mode === 'toolbar') {
      need(s.ctiUrl !== '', 'ctiUrl', M.ctiUrlMissing);
      need(s.appSid !== '', 'appSid', M.appSidMissing);
      need(s.agentNo !== '', 'agentNo', M.agentNoMissing);
      need(s.password !== '', 'password', M.passwordMissing);
    } else {
      need(s.baseUrl !== '', 'baseUrl', M.baseUrlMissing);
      need(s.softVersion !== '', 'softVersion', M.softVersionMissing);
      need(s.accountSid !== '', 'accountSid', M.accountSidMissing);
      need(s.accountToken !== '', 'accountToken', M.accountTokenMissing);
      need(s.applicationSid !== '', 'applicationSid', M.applicationSidMissing);
      need(s.caller !== '', 'caller', M.callerMissing);
    }
  });

export type CcpaasSettings = z.output<typeof ccpaasSettingsSchema>;

// ── Capabilities ──────────────────────────────────────────────────────────────────────────────

/** 取消呼叫: the REST mode's `cancelCall`, offered on the card of an accepted request. */
export const REST_ACTIONS = [{ id: 'cancelCall', label: 'ccpaasActionCancelCall', when: ['ended'] }] as const satisfies CapabilitiesDef['extraActions'];

export interface CcpaasFacts {
  /** Seconds of 整理 the platform said last (onStatusEvent completed `wrapupTime`). */
  wrapupSeconds?: number;
}

type CapabilitySettings = Pick<CcpaasSettings, 'mode' | 'phoneType' | 'autoAnswer' | 'pauseCauses'>;

function capabilityDefs(settings: CapabilitySettings, facts: CcpaasFacts = {}): CapabilitiesDef {
  if (settings.mode === 'rest') {
    // The platform carries the call out by itself and reports only to a server: nothing to control but the cancel.
    return { dial: true, answer: false, hangup: false, hold: false, mute: false, transfer: false, dtmf: false, agentStates: [], extraActions: REST_ACTIONS };
  }
  const webphone = settings.phoneType === '3';
  const causes: AgentStateDef[] = splitPauseCauses(settings.pauseCauses).map((cause) => ({ id: `${PAUSE_PREFIX}${cause}`, label: ['ccpaasStatePauseCause', cause], kind: 'notReady' }));
  const states = AGENT_STATES.flatMap((s) => {
    if (s.id === 'wrapup' && facts.wrapupSeconds !== undefined && facts.wrapupSeconds > 0) return [{ ...s, countdownSeconds: facts.wrapupSeconds }];
    if (s.id === 'pause') return [s, ...causes];
    return [s];
  });
  return {
    dial: true,
    // 接听 is the WebPhone's answer, or `bridge` for a phone set to auto-answer (PhoneKit 5.3); a plain
    // SIP or PSTN phone is answered on the device.
    answer: webphone || settings.autoAnswer,
    hangup: true,
    hold: true,
    // PhoneKit has no mute or DTMF function: only the browser phone can do them.
    mute: webphone,
    transfer: false,
    dtmf: webphone,
    agentStates: states,
    extraActions: [],
  };
}

/** What the agent may do: from the settings, and after a call with the platform's 整理 time. */
export function ccpaasCapabilitiesFor(settings: CapabilitySettings, facts?: CcpaasFacts): Capabilities {
  return localizeCapabilities(capabilityDefs(settings, facts));
}

const TOOLBAR = { key: 'mode', value: 'toolbar' } as const;
const REST = { key: 'mode', value: 'rest' } as const;
const DEVICE_PHONE = [TOOLBAR, { key: 'phoneType', value: ['1', '2'] }] as const;

export const ccpaasInfoDef: ProviderInfoDef<CcpaasSettings> = {
  id: 'ccpaas',
  name: 'ccpaasName',
  description: 'ccpaasDescription',
  capabilities: capabilityDefs({ mode: 'toolbar', phoneType: '3', autoAnswer: true, pauseCauses: '' }),
  capabilitiesFor: (settings) => capabilityDefs(settings),
  settingsFields: [
    {
      key: 'mode',
      label: 'ccpaasMode',
      type: 'select',
      options: [
        { value: 'toolbar', label: 'ccpaasModeToolbar' },
        { value: 'rest', label: 'ccpaasModeRest' },
      ],
      help: 'ccpaasModeHelp',
    },
    { key: 'ctiUrl', label: 'ccpaasCtiUrl', type: 'url', placeholder: ['verbatim', 'wss://cti.example.com/cti'], help: 'ccpaasCtiUrlHelp', showWhen: TOOLBAR },
    { key: 'appSid', label: 'ccpaasAppSid', type: 'text', help: 'ccpaasAppSidHelp', showWhen: TOOLBAR },
    { key: 'agentNo', label: 'agentId', type: 'text', placeholder: ['exampleValue', '8001'], showWhen: TOOLBAR },
    { key: 'password', label: 'password', type: 'password', secret: true, credential: true, showWhen: TOOLBAR },
    {
      key: 'phoneType',
      label: 'ccpaasPhoneType',
      type: 'select',
      options: [
        { value: '1', label: 'ccpaasPhoneTypeSip' },
        { value: '2', label: 'ccpaasPhoneTypePstn' },
        { value: '3', label: 'ccpaasPhoneTypeWebphone' },
      ],
      help: 'ccpaasPhoneTypeHelp',
      showWhen: TOOLBAR,
    },
    { key: 'autoAnswer', label: 'ccpaasAutoAnswer', type: 'checkbox', help: 'ccpaasAutoAnswerHelp', showWhen: DEVICE_PHONE },
    {
      key: 'workStatus',
      label: 'ccpaasWorkStatus',
      type: 'select',
      options: [
        { value: '1', label: 'ccpaasWorkStatusReady' },
        { value: '2', label: 'ccpaasWorkStatusPause' },
      ],
      showWhen: TOOLBAR,
    },
    { key: 'pauseCauses', label: 'ccpaasPauseCauses', type: 'text', placeholder: ['exampleValue', '休息,培训,就餐'], help: 'ccpaasPauseCausesHelp', showWhen: TOOLBAR },
    { key: 'encryptNumber', label: 'ccpaasEncryptNumber', type: 'checkbox', help: 'ccpaasEncryptNumberHelp', showWhen: TOOLBAR },
    { key: 'baseUrl', label: 'ccpaasBaseUrl', type: 'url', placeholder: ['verbatim', 'https://api.example.com'], help: 'ccpaasBaseUrlHelp', showWhen: REST },
    { key: 'softVersion', label: 'ccpaasSoftVersion', type: 'text', placeholder: ['exampleValue', '2016-01-01'], help: 'ccpaasSoftVersionHelp', showWhen: REST },
    { key: 'accountSid', label: 'ccpaasAccountSid', type: 'text', showWhen: REST },
    { key: 'accountToken', label: 'ccpaasAccountToken', type: 'password', secret: true, credential: true, help: 'ccpaasAccountTokenHelp', showWhen: REST },
    { key: 'applicationSid', label: 'ccpaasApplicationSid', type: 'text', showWhen: REST },
    { key: 'caller', label: 'ccpaasCaller', type: 'text', placeholder: ['exampleValue', '13800000000'], help: 'ccpaasCallerHelp', showWhen: REST },
    { key: 'callerCli', label: 'ccpaasCallerCli', type: 'text', placeholder: 'mayBeEmpty', help: 'ccpaasCallerCliHelp', showWhen: REST, advanced: true },
    { key: 'calleeCli', label: 'ccpaasCalleeCli', type: 'text', placeholder: 'mayBeEmpty', help: 'ccpaasCalleeCliHelp', showWhen: REST, advanced: true },
    {
      key: 'record',
      label: 'ccpaasRecord',
      type: 'select',
      options: [
        { value: '0', label: 'ccpaasRecordNone' },
        { value: '1', label: 'ccpaasRecordRinging' },
        { value: '2', label: 'ccpaasRecordAnswered' },
      ],
      showWhen: REST,
      advanced: true,
    },
    { key: 'maxDuration', label: 'ccpaasMaxDuration', type: 'text', placeholder: 'mayBeEmpty', help: 'ccpaasMaxDurationHelp', showWhen: REST, advanced: true },
    { key: 'userData', label: 'ccpaasUserData', type: 'text', placeholder: 'mayBeEmpty', help: 'ccpaasUserDataHelp', advanced: true },
  ],
  settingsSchema: ccpaasSettingsSchema,
  defaultSettings: {
    mode: 'toolbar',
    ctiUrl: '',
    appSid: '',
    agentNo: '',
    password: '',
    phoneType: '1',
    workStatus: '1',
    autoAnswer: false,
    pauseCauses: '',
    encryptNumber: false,
    baseUrl: '',
    softVersion: '',
    accountSid: '',
    accountToken: '',
    applicationSid: '',
    caller: '',
    callerCli: '',
    calleeCli: '',
    record: '0',
    maxDuration: '',
    userData: '',
  },
  usesPhone: (settings) => settings.mode === 'toolbar' && settings.phoneType === '3',
};

export const ccpaasInfo: ProviderInfo<CcpaasSettings> = localizeInfo(ccpaasInfoDef);
