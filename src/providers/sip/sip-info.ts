import { z } from 'zod';
import type { ProviderInfo } from '../provider.ts';
import { localizeInfo, message, type ProviderInfoDef } from '../info-text.ts';

/**
 * Any SIP-over-WebSocket PBX (Asterisk, FreeSWITCH, Kamailio, FreePBX …): the browser's WebRTC
 * phone registers to it (docs/providers/sip.md, docs/phone.md). No vendor document: SIP (RFC 3261),
 * SIP over WebSocket (RFC 7118), DTMF as RTP events (RFC 4733) or SIP INFO.
 */

/** Hosts where an unencrypted ws:// is acceptable: this machine and private networks (an office PBX). */
function privateHost(hostname: string): boolean {
  if (['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) return true;
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(hostname);
  if (!m) return hostname.endsWith('.local') || hostname.endsWith('.lan');
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function wsUrlProblem(value: string): 'sipWsUrlInvalid' | 'sipWsUrlInsecure' | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'sipWsUrlInvalid';
  }
  if (url.protocol === 'wss:') return url.hostname ? null : 'sipWsUrlInvalid';
  if (url.protocol === 'ws:') return privateHost(url.hostname) ? null : 'sipWsUrlInsecure';
  return 'sipWsUrlInvalid';
}

const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*(:\d{1,5})?$/;
const USER = /^[A-Za-z0-9_.!~*'()&=+$,;?/%-]{1,64}$/;

/** `1001`, `1001@pbx.example.com` or `sip:1001@pbx.example.com` → user and domain (domain may be ''). */
export function splitSipUser(value: string): { user: string; domain: string } {
  const bare = value.trim().replace(/^sips?:/i, '');
  const at = bare.lastIndexOf('@');
  return at < 0 ? { user: bare, domain: '' } : { user: bare.slice(0, at), domain: bare.slice(at + 1) };
}

const ICE_URL = /^(stun|stuns|turn|turns):[^\s,]+$/i;

/** STUN / TURN servers: URLs separated by spaces, commas or new lines. */
export function splitIceUrls(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

export const sipSettingsSchema = z
  .object({
    wsUrl: z
      .string(message('sipWsUrlMissing'))
      .trim()
      .min(1, { ...message('sipWsUrlMissing'), abort: true })
      .superRefine((value, ctx) => {
        const problem = wsUrlProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: message(problem).error() });
      }),
    user: z
      .string(message('sipUserMissing'))
      .trim()
      .min(1, { ...message('sipUserMissing'), abort: true })
      .refine((v) => USER.test(splitSipUser(v).user), message('sipUserInvalid'))
      .refine((v) => !splitSipUser(v).domain || HOST.test(splitSipUser(v).domain), message('sipDomainInvalid')),
    domain: z.string(message('sipDomainInvalid')).trim().refine((v) => v === '' || HOST.test(v), message('sipDomainInvalid')).default(''),
    authUser: z.string(message('sipAuthUserInvalid')).trim().refine((v) => v === '' || USER.test(v), message('sipAuthUserInvalid')).default(''),
    password: z.string(message('sipPasswordMissing')).min(1, message('sipPasswordMissing')).max(128, message('sipPasswordMissing')),
    displayName: z.string(message('sipDisplayNameInvalid')).trim().max(64, message('sipDisplayNameInvalid')).refine((v) => !/["\\\r\n]/.test(v), message('sipDisplayNameInvalid')).default(''),
    outboundProxy: z
      .string(message('sipOutboundProxyInvalid'))
      .trim()
      .refine((v) => v === '' || /^sips?:[^\s<>"]+$/i.test(v), message('sipOutboundProxyInvalid'))
      .default(''),
    iceServers: z
      .string(message('sipIceServersInvalid'))
      .trim()
      .refine((v) => splitIceUrls(v).every((u) => ICE_URL.test(u)), message('sipIceServersInvalid'))
      .default(''),
    turnUsername: z.string(message('sipTurnCredentialsMissing')).trim().max(128, message('sipTurnCredentialsMissing')).default(''),
    turnPassword: z.string(message('sipTurnCredentialsMissing')).max(256, message('sipTurnCredentialsMissing')).default(''),
    dtmfMode: z.enum(['rfc4733', 'info'], message('sipDtmfModeInvalid')).default('rfc4733'),
  })
  // The domain comes from the user field (1001@pbx) or the domain field; one of them must say it.
  .refine((s) => !!(splitSipUser(s.user).domain || s.domain), { ...message('sipDomainMissing'), path: ['domain'] })
  .refine((s) => !splitIceUrls(s.iceServers).some((u) => /^turns?:/i.test(u)) || (s.turnUsername && s.turnPassword), {
    ...message('sipTurnCredentialsMissing'),
    path: ['turnUsername'],
  });

export type SipSettings = z.infer<typeof sipSettingsSchema>;

export const sipInfoDef: ProviderInfoDef<SipSettings> = {
  id: 'sip',
  name: 'sipName',
  description: 'sipDescription',
  capabilities: {
    dial: true,
    answer: true,
    hangup: true,
    hold: true,
    mute: true,
    transfer: true,
    dtmf: true,
    agentStates: [
      // Registered and taking calls / registered, refusing incoming calls (do not disturb).
      { id: 'ready', label: 'sipStateReady', kind: 'ready' },
      { id: 'dnd', label: 'sipStateDnd', kind: 'notReady' },
      // Not registered (the socket dropped, the server restarted): set by the phone.
      { id: 'unregistered', label: 'sipStateUnregistered', kind: 'offline', selectable: false },
    ],
    extraActions: [],
  },
  settingsFields: [
    { key: 'wsUrl', label: 'sipWsUrl', type: 'url', placeholder: ['verbatim', 'wss://pbx.example.com:8089/ws'], help: 'sipWsUrlHelp' },
    { key: 'user', label: 'sipUser', type: 'text', placeholder: ['exampleValue', '1001@pbx.example.com'], help: 'sipUserHelp' },
    { key: 'domain', label: 'sipDomain', type: 'text', placeholder: 'mayBeEmpty', help: 'sipDomainHelp' },
    { key: 'password', label: 'password', type: 'password', secret: true, credential: true },
    { key: 'displayName', label: 'sipDisplayName', type: 'text', placeholder: 'mayBeEmpty' },
    { key: 'authUser', label: 'sipAuthUser', type: 'text', placeholder: 'mayBeEmpty', help: 'sipAuthUserHelp', advanced: true },
    { key: 'outboundProxy', label: 'sipOutboundProxy', type: 'text', placeholder: 'mayBeEmpty', help: 'sipOutboundProxyHelp', advanced: true },
    { key: 'iceServers', label: 'sipIceServers', type: 'text', placeholder: ['verbatim', 'stun:stun.example.com:3478'], help: 'sipIceServersHelp', advanced: true },
    { key: 'turnUsername', label: 'sipTurnUsername', type: 'text', placeholder: 'mayBeEmpty', advanced: true },
    { key: 'turnPassword', label: 'sipTurnPassword', type: 'password', secret: true, advanced: true },
    {
      key: 'dtmfMode',
      label: 'sipDtmfMode',
      type: 'select',
      advanced: true,
      options: [
        { value: 'rfc4733', label: 'sipDtmfRfc4733' },
        { value: 'info', label: 'sipDtmfInfo' },
      ],
    },
  ],
  settingsSchema: sipSettingsSchema,
  defaultSettings: {
    wsUrl: '',
    user: '',
    domain: '',
    authUser: '',
    password: '',
    displayName: '',
    outboundProxy: '',
    iceServers: '',
    turnUsername: '',
    turnPassword: '',
    dtmfMode: 'rfc4733',
  },
  usesPhone: () => true,
};

export const sipInfo: ProviderInfo<SipSettings> = localizeInfo(sipInfoDef);
