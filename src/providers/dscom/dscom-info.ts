import { z } from 'zod';
import type { AgentStateOption, Capabilities, ExtraAction, ProviderInfo } from '../provider.ts';
import { requiredText, toBoolean } from '../settings-values.ts';

/**
 * dscom-api (seed 004): an Asterisk-based PBX with an HTTP API under `{server}/dscom-api`,
 * OAuth password-grant tokens, and a billing websocket on port 8282 that pushes CDRs.
 * Everything acts on the agent's own extension (a desk phone or softphone registered to the
 * PBX); CallBar only drives it. docs/providers/dscom.md.
 */

/** The platform's pause values (agent/login and agent/pause `paused`) and the reason sent with them. */
export const SELECTABLE_STATES = {
  ready: { paused: 0, reason: 'Ready', label: '就绪' },
  pause4: { paused: 4, reason: 'PrivateBreak', label: '私事暂休' },
  pause5: { paused: 5, reason: 'PublicBreak', label: '公事暂休' },
  pause11: { paused: 11, reason: 'Custom1', label: '自定义状态1' },
  pause12: { paused: 12, reason: 'Custom2', label: '自定义状态2' },
  pause13: { paused: 13, reason: 'Custom3', label: '自定义状态3' },
} as const;
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

const AGENT_STATES: readonly AgentStateOption[] = [
  { id: 'ready', label: '就绪', kind: 'ready' },
  { id: 'pause4', label: '私事暂休', kind: 'notReady' },
  { id: 'pause5', label: '公事暂休', kind: 'notReady' },
  { id: 'pause11', label: '自定义状态1', kind: 'notReady' },
  { id: 'pause12', label: '自定义状态2', kind: 'notReady' },
  { id: 'pause13', label: '自定义状态3', kind: 'notReady' },
  // Choosing it signs the agent out of the configured queues.
  { id: 'loggedOut', label: '未登录（签出）', kind: 'offline' },
  // Reported by the platform, never chosen.
  { id: 'inCall', label: '通话中', kind: 'busy', selectable: false },
  { id: 'ringing', label: '振铃', kind: 'busy', selectable: false },
  { id: 'afterCall', label: '整理', kind: 'afterCall', selectable: false },
  { id: 'outbound', label: '外拨工作', kind: 'busy', selectable: false },
  { id: 'pickup', label: '代接电话', kind: 'busy', selectable: false },
  { id: 'ringTimeout', label: '振铃超时', kind: 'notReady', selectable: false },
  { id: 'pauseTimeout', label: '暂休超时', kind: 'notReady', selectable: false },
  { id: 'otherQueue', label: '忙于其他队列', kind: 'busy', selectable: false },
];

const NO_CALL = ['idle', 'ended'] as const;

export const EXTRA_ACTIONS: readonly ExtraAction[] = [
  { id: 'attendedTransfer', label: '咨询转接', when: ['connected', 'held'], input: { label: '目标号码', placeholder: '例如 8005' } },
  { id: 'cancelAtxfer', label: '取消咨询转接', when: ['connected', 'held'] },
  { id: 'park', label: '驻留', when: ['connected', 'held'] },
  { id: 'parkList', label: '驻留列表', when: ['idle', 'dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'] },
  { id: 'unpark', label: '接回驻留', when: NO_CALL, input: { label: '驻留来电号码', placeholder: '例如 18312345678' } },
  { id: 'queueWaiting', label: '排队来电', when: ['idle', 'ended', 'connected'] },
  { id: 'redirect', label: '接听排队来电', when: NO_CALL, input: { label: '排队来电号码', placeholder: '例如 18312345678' } },
  { id: 'pickup', label: '代接', when: NO_CALL, input: { label: '振铃分机', placeholder: '例如 8003' } },
  { id: 'logoutQueue', label: '签出队列', when: NO_CALL, input: { label: '队列号', placeholder: '例如 200' } },
];

/** Offered only in supervisor mode (班长模式). */
export const SUPERVISOR_ACTIONS: readonly ExtraAction[] = [
  { id: 'barge', label: '强插', when: NO_CALL, input: { label: '分机', placeholder: '例如 8002' } },
  { id: 'monitor', label: '监听', when: NO_CALL, input: { label: '分机', placeholder: '例如 8002' } },
  { id: 'whisper', label: '督导', when: NO_CALL, input: { label: '分机', placeholder: '例如 8002' } },
];

// ── Settings ────────────────────────────────────────────────────────────────────────────────

export const SETTINGS_MESSAGES = {
  baseUrlMissing: '请填写服务器地址',
  baseUrlInvalid: '服务器地址必须是 http:// 或 https:// 开头的地址（可带端口），例如 https://192.168.1.200:8443',
  billingUrlInvalid: '话单推送地址必须是 ws:// 或 wss:// 开头的地址，例如 wss://192.168.1.200:8282；留空则自动使用服务器的 8282 端口',
  billingUrlOtherHost: (host: string) => `话单推送地址必须在服务器 ${host} 上（它会带上登录令牌）；留空则自动使用服务器的 8282 端口`,
  billingUrlNotSecure: '服务器是 https，话单推送地址必须用 wss://（令牌不能明文传输）',
  clientIdMissing: '请填写客户端 ID',
  clientIdInvalid: '客户端 ID 只能是数字（“API 接口授权”页面上的客户端ID）',
  clientSecretMissing: '请填写客户端密钥',
  usernameMissing: '请填写用户名',
  passwordMissing: '请填写密码',
  extensionMissing: '请填写分机号',
  extensionInvalid: '分机号只能由 2–10 位数字组成',
  agentIdMissing: '请填写工号',
  agentIdInvalid: '工号只能由字母、数字、- 或 _ 组成，最多 20 位',
  queuesMissing: '请至少填写一个队列号',
  queuesInvalid: '队列号只能是数字，多个队列用逗号或空格分隔（例如 200,201）',
  displaycidInvalid: '外显号码只能由数字组成，最多 20 位（可留空）',
  supervisorInvalid: '班长模式只能是开或关',
  wrapUpInvalid: '整理时长必须是 0–600 之间的整数秒（0 = 不知道，整理时显示已用时间）',
} as const;

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
      ctx.addIssue({ code: 'custom', message: M.baseUrlInvalid });
      return z.NEVER;
    }
    return origin;
  }),
  billingUrl: z
    .string({ error: M.billingUrlInvalid })
    .trim()
    .default('')
    .transform((v, ctx) => {
      if (v === '') return '';
      const url = parseSocketUrl(v);
      if (url === null) {
        ctx.addIssue({ code: 'custom', message: M.billingUrlInvalid });
        return z.NEVER;
      }
      return url;
    }),
  clientId: required(M.clientIdMissing).regex(/^\d{1,10}$/, M.clientIdInvalid),
  clientSecret: required(M.clientSecretMissing),
  username: required(M.usernameMissing),
  // A password is taken as typed (no trimming).
  password: z.string({ error: M.passwordMissing }).min(1, M.passwordMissing),
  extension: required(M.extensionMissing).regex(/^\d{2,10}$/, M.extensionInvalid),
  agentId: required(M.agentIdMissing).regex(/^[A-Za-z0-9_-]{1,20}$/, M.agentIdInvalid),
  queues: z
    .string({ error: M.queuesMissing })
    .trim()
    .transform((v, ctx) => {
      const queues = splitQueues(v);
      if (queues.length === 0) ctx.addIssue({ code: 'custom', message: M.queuesMissing });
      else if (!queues.every((q) => /^\d{1,10}$/.test(q))) ctx.addIssue({ code: 'custom', message: M.queuesInvalid });
      else return queues.join(',');
      return z.NEVER;
    }),
  displaycid: z.string({ error: M.displaycidInvalid }).trim().regex(/^\d{0,20}$/, M.displaycidInvalid).default(''),
  supervisor: z.preprocess(toBoolean, z.boolean({ error: M.supervisorInvalid })),
  wrapUpSeconds: z.preprocess(toSeconds, z.number({ error: M.wrapUpInvalid }).int(M.wrapUpInvalid).min(0, M.wrapUpInvalid).max(600, M.wrapUpInvalid)),
}).superRefine((settings, ctx) => {
  // The billing socket carries the OAuth token: only to the API's own host, and encrypted when
  // the API is (a settings file must not be able to send the token elsewhere or in clear).
  if (!settings.billingUrl) return;
  const api = new URL(settings.baseUrl);
  const socket = new URL(settings.billingUrl);
  if (socket.hostname !== api.hostname) ctx.addIssue({ code: 'custom', path: ['billingUrl'], message: M.billingUrlOtherHost(api.hostname) });
  else if (api.protocol === 'https:' && socket.protocol !== 'wss:') ctx.addIssue({ code: 'custom', path: ['billingUrl'], message: M.billingUrlNotSecure });
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

function capabilities(agentStates: readonly AgentStateOption[], extraActions: readonly ExtraAction[]): Capabilities {
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
  const states = AGENT_STATES.map((s) => (s.id === 'afterCall' && settings.wrapUpSeconds > 0 ? { ...s, countdownSeconds: settings.wrapUpSeconds } : s));
  return capabilities(states, settings.supervisor ? [...EXTRA_ACTIONS, ...SUPERVISOR_ACTIONS] : EXTRA_ACTIONS);
}

export const dscomInfo: ProviderInfo<DscomSettings> = {
  id: 'dscom',
  name: 'dscom 呼叫中心（dscom-api）',
  description: '通过 dscom-api 控制坐席分机：外呼、挂断、保持、转接、驻留，队列签入签出与坐席状态；来电请在话机上接听。',
  // The superset: every state and action the provider can ever offer.
  capabilities: capabilities(AGENT_STATES, [...EXTRA_ACTIONS, ...SUPERVISOR_ACTIONS]),
  capabilitiesFor: dscomCapabilitiesFor,
  settingsFields: [
    { key: 'baseUrl', label: '服务器地址', type: 'url', placeholder: 'https://192.168.1.200:8443', help: 'dscom 服务器的地址（不含 /dscom-api）' },
    { key: 'billingUrl', label: '话单推送地址', type: 'url', placeholder: '留空：wss://服务器:8282', help: '可留空：默认使用服务器地址的 8282 端口（https 用 wss，http 用 ws）' },
    { key: 'clientId', label: '客户端 ID', type: 'text', placeholder: '例如 4', help: '系统“应用对接 > API 接口授权”中的客户端ID' },
    { key: 'clientSecret', label: '客户端密钥', type: 'password', help: '与客户端 ID 一起生成的客户端Secret（由管理员统一发放）' },
    { key: 'username', label: '用户名', type: 'text', placeholder: '例如 api', help: '调用接口的用户名' },
    { key: 'password', label: '密码', type: 'password', secret: true, credential: true },
    { key: 'extension', label: '分机号', type: 'text', placeholder: '例如 8001', help: '坐席话机注册的分机号，外呼时先振铃此分机' },
    { key: 'agentId', label: '工号', type: 'text', placeholder: '例如 1011' },
    { key: 'queues', label: '队列', type: 'text', placeholder: '例如 200,201', help: '签入的队列号，多个用逗号或空格分隔' },
    { key: 'displaycid', label: '外显号码', type: 'text', placeholder: '可留空', help: '外呼时对方看到的号码（可留空，由系统决定）' },
    { key: 'supervisor', label: '班长模式', type: 'checkbox', help: '开启后可对其他分机强插、监听、督导' },
    { key: 'wrapUpSeconds', label: '整理时长（秒）', type: 'number', placeholder: '0', help: '队列设置的话后整理时长；0 表示不知道（整理时显示已用时间，不倒计时）' },
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
