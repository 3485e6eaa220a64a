import { z } from 'zod';
import type { Capabilities, ExtraAction, ProviderInfo } from '../provider.ts';
import { requiredText, toBoolean } from '../settings-values.ts';

/**
 * 八百呼 (seed 002): a cloud call platform. CallBar talks to its HTTP API
 * (`{server}/voip/api/jsondata.html` and `jsonpdata.json`) in both modes; in desktop-client mode
 * dial, hang-up and transfer go through the 八百呼 client on `http://127.0.0.1:10800` instead.
 * Call events always come from the cloud water line. docs/providers/800ing.md.
 */

export type Ing800Mode = 'cloud' | 'desktop';

export const DEFAULT_CLIENT_PORT = 10800;

export const CLIENT_TYPES = [
  { value: '1', label: 'WEB 或桌面客户端' },
  { value: '2', label: '手机或新录音话机' },
  { value: '3', label: 'VOIP 话机' },
] as const;

export const SETTINGS_MESSAGES = {
  modeInvalid: '请选择对接方式：云端 API（cloud）或八百呼客户端（desktop）',
  serverMissing: '请填写八百呼服务器地址',
  serverInvalid: '服务器地址必须是 http:// 或 https:// 开头的地址（可带端口），例如 http://voip.800ing.com:8080',
  accountMissing: '请填写帐号',
  accountInvalid: '帐号只能由字母、数字或 _ . @ - 组成，最多 40 位（例如 100008800）',
  passwordMissing: '请填写密码',
  clientTypeInvalid: '客户端类型只能是 1（WEB 或桌面客户端）、2（手机或新录音话机）或 3（VOIP 话机）',
  clientPortInvalid: '客户端端口必须是 1–65535 之间的整数（默认 10800）',
  httpPortInvalid: '弹屏端口（httpPort）必须是 1–65535 之间的整数，不用时请留空',
  disablePopInvalid: '“外呼时不弹出客户端界面”只能是开或关',
} as const;

const M = SETTINGS_MESSAGES;

/** Paths an agent may paste with the server address; they are dropped (the code adds its own). */
const API_PATHS = new Set(['', '/voip', '/voip/api/jsondata.html', '/voip/api/jsonpdata.json']);

/** http(s)://host[:port], optionally followed by one of API_PATHS: the origin, or null. */
export function parseServer(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.search || url.hash) return null;
    if (!API_PATHS.has(url.pathname.replace(/\/+$/, '').toLowerCase())) return null;
    return url.origin;
  } catch {
    return null;
  }
}

const required = requiredText;


/** A port as a number; a numeric string too; empty → `empty`. */
function toPort(empty: number | undefined) {
  return (value: unknown): unknown => {
    if (value === undefined || value === null) return empty;
    if (typeof value === 'string') return value.trim() === '' ? empty : /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    return value;
  };
}

const port = (message: string) => z.number({ error: message }).int(message).min(1, message).max(65535, message);

export const ing800SettingsSchema = z.object({
  mode: z.enum(['cloud', 'desktop'], { error: M.modeInvalid }),
  server: required(M.serverMissing).transform((v, ctx) => {
    const origin = parseServer(v);
    if (origin === null) {
      ctx.addIssue({ code: 'custom', message: M.serverInvalid });
      return z.NEVER;
    }
    return origin;
  }),
  account: required(M.accountMissing).regex(/^[A-Za-z0-9_.@-]{1,40}$/, M.accountInvalid),
  // A password is taken as typed (no trimming).
  password: z.string({ error: M.passwordMissing }).min(1, M.passwordMissing),
  clientType: z.preprocess((v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : v), z.enum(['1', '2', '3'], { error: M.clientTypeInvalid })),
  clientPort: z.preprocess(toPort(DEFAULT_CLIENT_PORT), port(M.clientPortInvalid)),
  httpPort: z.preprocess(toPort(undefined), port(M.httpPortInvalid).optional()),
  disablePop: z.preprocess(toBoolean, z.boolean({ error: M.disablePopInvalid })),
});

export type Ing800Settings = z.output<typeof ing800SettingsSchema>;

// ── Capabilities ──────────────────────────────────────────────────────────────────────────────

/** Desktop-client mode only: the client's own login (type 2001) and its window (type 2002). */
export const DESKTOP_ACTIONS: readonly ExtraAction[] = [
  { id: 'clientLogin', label: '登录八百呼客户端', when: ['idle', 'ended'] },
  { id: 'clientPop', label: '弹出客户端界面', when: ['idle', 'dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'] },
];

function capabilities(desktop: boolean): Capabilities {
  return {
    dial: true,
    // sendMsg kind 6 (document 2.6 接听), in both modes.
    answer: true,
    hangup: true,
    hold: false,
    mute: false,
    // Only the desktop client can transfer (type 2); the cloud API has no transfer.
    transfer: desktop,
    dtmf: false,
    // The API has no agent state.
    agentStates: [],
    extraActions: desktop ? DESKTOP_ACTIONS : [],
  };
}

export function ing800CapabilitiesFor(settings: Pick<Ing800Settings, 'mode'>): Capabilities {
  return capabilities(settings.mode === 'desktop');
}

const DESKTOP = { key: 'mode', value: 'desktop' } as const;

export const ing800Info: ProviderInfo<Ing800Settings> = {
  id: '800ing',
  name: '八百呼',
  description: '通过八百呼云端 API（或本机八百呼客户端）外呼、接听、挂断；来去电状态来自八百呼的消息水位线。',
  // The superset: what desktop mode offers.
  capabilities: capabilities(true),
  capabilitiesFor: ing800CapabilitiesFor,
  settingsFields: [
    {
      key: 'mode',
      label: '对接方式',
      type: 'select',
      options: [
        { value: 'cloud', label: '云端 API' },
        { value: 'desktop', label: '八百呼客户端' },
      ],
      help: '云端 API：CallBar 直接调用八百呼接口；八百呼客户端：外呼、挂断、转接交给本机运行的八百呼客户端',
    },
    { key: 'server', label: '服务器地址', type: 'url', placeholder: 'http://voip.800ing.com:8080', help: '八百呼服务器的地址和端口（不含 /voip/api/…）' },
    { key: 'account', label: '帐号', type: 'text', placeholder: '例如 100008800', help: '八百呼坐席帐号（sa_user）' },
    { key: 'password', label: '密码', type: 'password', secret: true, credential: true, help: '只发送密码的 MD5，不发送密码本身' },
    { key: 'clientType', label: '客户端类型', type: 'select', options: CLIENT_TYPES, help: '读取来去电消息时使用的客户端类型，一般选“WEB 或桌面客户端”' },
    { key: 'clientPort', label: '客户端端口', type: 'number', placeholder: '10800', help: '八百呼客户端在本机监听的端口', showWhen: DESKTOP },
    { key: 'httpPort', label: '弹屏端口（httpPort）', type: 'number', placeholder: '可留空', help: '同一台电脑登录多个客户端时，外呼带上此端口，由对应的客户端弹屏', showWhen: DESKTOP },
    { key: 'disablePop', label: '外呼时不弹出客户端界面', type: 'checkbox', showWhen: DESKTOP },
  ],
  settingsSchema: ing800SettingsSchema,
  defaultSettings: {
    mode: 'cloud',
    server: '',
    account: '',
    password: '',
    clientType: '1',
    clientPort: DEFAULT_CLIENT_PORT,
    httpPort: undefined,
    disablePop: false,
  },
};
