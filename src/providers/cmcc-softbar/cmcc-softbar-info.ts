import { z } from 'zod';
import type { ProviderInfo } from '../provider.ts';
import { localizeInfo, message, type ProviderInfoDef } from '../info-text.ts';

/**
 * 移动云坐席软电话 PC 电话条 (seed 000): a desktop softphone with a local HTTP API
 * on http://127.0.0.1:8008. Ready / not ready are the bar's SIP online / offline.
 */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8008';

function isLocalHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.port !== '' && url.pathname === '/';
  } catch {
    return false;
  }
}

export const softbarSettingsSchema = z.object({
  baseUrl: z
    .string(message('softbarBaseUrlMissing'))
    .trim()
    .min(1, message('softbarBaseUrlMissing'))
    .refine(isLocalHttpUrl, message('softbarBaseUrlInvalid'))
    .transform((v) => new URL(v).origin),
  extension: z
    .string(message('softbarExtensionMissing'))
    .trim()
    .min(1, message('softbarExtensionMissing'))
    .regex(/^\d{3,20}$/, message('softbarExtensionInvalid')),
});

export type SoftbarSettings = z.infer<typeof softbarSettingsSchema>;

export const cmccSoftbarInfoDef: ProviderInfoDef<SoftbarSettings> = {
  id: 'cmcc-softbar',
  name: 'softbarName',
  description: 'softbarDescription',
  capabilities: {
    dial: true,
    answer: true,
    hangup: true,
    hold: false,
    mute: true,
    transfer: true,
    dtmf: false,
    agentStates: [
      { id: 'sipOnline', label: 'softbarStateOnline', kind: 'ready' },
      { id: 'sipOffline', label: 'softbarStateOffline', kind: 'notReady' },
      // The bar's own state during a call (call_state 1–5), set by it: shown, never offered.
      { id: 'outgoing', label: 'softbarStateOutgoing', kind: 'busy', selectable: false },
      { id: 'incoming', label: 'softbarStateIncoming', kind: 'busy', selectable: false },
      { id: 'inCall', label: 'softbarStateInCall', kind: 'busy', selectable: false },
    ],
    // The bar's own transfer screen: switch to it, and back (document 1.9 / 1.10).
    extraActions: [
      { id: 'switchTransfer', label: 'softbarActionSwitchTransfer', when: ['connected'] },
      { id: 'returnTransfer', label: 'softbarActionReturnTransfer', when: ['connected'] },
    ],
  },
  settingsFields: [
    { key: 'baseUrl', label: 'softbarBaseUrl', type: 'url', placeholder: ['verbatim', DEFAULT_BASE_URL], help: 'softbarBaseUrlHelp' },
    { key: 'extension', label: 'softbarExtension', type: 'text', placeholder: ['exampleValue', '8001'], help: 'softbarExtensionHelp', secret: true },
  ],
  settingsSchema: softbarSettingsSchema,
  defaultSettings: { baseUrl: DEFAULT_BASE_URL, extension: '' },
};

export const cmccSoftbarInfo: ProviderInfo<SoftbarSettings> = localizeInfo(cmccSoftbarInfoDef);
