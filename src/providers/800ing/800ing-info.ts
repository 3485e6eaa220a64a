import { z } from 'zod';
import type { Capabilities, ProviderInfo } from '../provider.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { type CapabilitiesDef, type ExtraActionDef, localizeCapabilities, localizeInfo, message, type ProviderInfoDef } from '../info-text.ts';
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
  { value: '1', label: 'ing800ClientTypeWeb' },
  { value: '2', label: 'ing800ClientTypeMobile' },
  { value: '3', label: 'ing800ClientTypeVoip' },
] as const satisfies readonly { value: string; label: MessageKey }[];

export const SETTINGS_MESSAGES = {
  modeInvalid: 'ing800ModeInvalid',
  serverMissing: 'ing800ServerMissing',
  serverInvalid: 'ing800ServerInvalid',
  accountMissing: 'ing800AccountMissing',
  accountInvalid: 'ing800AccountInvalid',
  passwordMissing: 'passwordMissing',
  clientTypeInvalid: 'ing800ClientTypeInvalid',
  clientPortInvalid: 'ing800ClientPortInvalid',
  httpPortInvalid: 'ing800HttpPortInvalid',
  disablePopInvalid: 'ing800DisablePopInvalid',
} as const satisfies Record<string, MessageKey>;

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

const port = (key: MessageKey) => z.number(message(key)).int(message(key)).min(1, message(key)).max(65535, message(key));

export const ing800SettingsSchema = z.object({
  mode: z.enum(['cloud', 'desktop'], message(M.modeInvalid)),
  server: required(M.serverMissing).transform((v, ctx) => {
    const origin = parseServer(v);
    if (origin === null) {
      ctx.addIssue({ code: 'custom', message: t(M.serverInvalid) });
      return z.NEVER;
    }
    return origin;
  }),
  account: required(M.accountMissing).regex(/^[A-Za-z0-9_.@-]{1,40}$/, message(M.accountInvalid)),
  // A password is taken as typed (no trimming).
  password: z.string(message(M.passwordMissing)).min(1, message(M.passwordMissing)),
  clientType: z.preprocess((v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : v), z.enum(['1', '2', '3'], message(M.clientTypeInvalid))),
  clientPort: z.preprocess(toPort(DEFAULT_CLIENT_PORT), port(M.clientPortInvalid)),
  httpPort: z.preprocess(toPort(undefined), port(M.httpPortInvalid).optional()),
  disablePop: z.preprocess(toBoolean, z.boolean(message(M.disablePopInvalid))),
});

export type Ing800Settings = z.output<typeof ing800SettingsSchema>;

// ── Capabilities ──────────────────────────────────────────────────────────────────────────────

/** Desktop-client mode only: the client's own login (type 2001) and its window (type 2002). */
export const DESKTOP_ACTIONS: readonly ExtraActionDef[] = [
  { id: 'clientLogin', label: 'ing800ActionClientLogin', when: ['idle', 'ended'] },
  { id: 'clientPop', label: 'ing800ActionClientPop', when: ['idle', 'dialing', 'ringing', 'incoming', 'connected', 'held', 'ended'] },
];

function capabilities(desktop: boolean): CapabilitiesDef {
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
  return localizeCapabilities(capabilities(settings.mode === 'desktop'));
}

const DESKTOP = { key: 'mode', value: 'desktop' } as const;

export const ing800InfoDef: ProviderInfoDef<Ing800Settings> = {
  id: '800ing',
  name: 'ing800Name',
  description: 'ing800Description',
  // The superset: what desktop mode offers.
  capabilities: capabilities(true),
  capabilitiesFor: (settings) => capabilities(settings.mode === 'desktop'),
  settingsFields: [
    {
      key: 'mode',
      label: 'ing800Mode',
      type: 'select',
      options: [
        { value: 'cloud', label: 'ing800ModeCloud' },
        { value: 'desktop', label: 'ing800ModeDesktop' },
      ],
      help: 'ing800ModeHelp',
    },
    { key: 'server', label: 'serverAddress', type: 'url', placeholder: ['verbatim', 'http://voip.800ing.com:8080'], help: 'ing800ServerHelp' },
    { key: 'account', label: 'ing800Account', type: 'text', placeholder: ['exampleValue', '100008800'], help: 'ing800AccountHelp' },
    { key: 'password', label: 'password', type: 'password', secret: true, credential: true, help: 'ing800PasswordHelp' },
    { key: 'clientType', label: 'ing800ClientType', type: 'select', options: CLIENT_TYPES, help: 'ing800ClientTypeHelp' },
    { key: 'clientPort', label: 'ing800ClientPort', type: 'number', placeholder: ['verbatim', '10800'], help: 'ing800ClientPortHelp', showWhen: DESKTOP },
    { key: 'httpPort', label: 'ing800HttpPort', type: 'number', placeholder: 'mayBeEmpty', help: 'ing800HttpPortHelp', showWhen: DESKTOP },
    { key: 'disablePop', label: 'ing800DisablePop', type: 'checkbox', showWhen: DESKTOP },
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

export const ing800Info: ProviderInfo<Ing800Settings> = localizeInfo(ing800InfoDef);
