import { z } from 'zod';
import type { ProviderInfo } from '../provider.ts';

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
    .string({ error: '请填写电话条地址' })
    .trim()
    .min(1, '请填写电话条地址')
    .refine(isLocalHttpUrl, '电话条地址必须是本机 http 地址（127.0.0.1 或 localhost 加端口），例如 http://127.0.0.1:8008')
    .transform((v) => new URL(v).origin),
  extension: z
    .string({ error: '请填写 800 号码' })
    .trim()
    .min(1, '请填写 800 号码')
    .regex(/^\d{3,20}$/, '800 号码只能由 3–20 位数字组成'),
});

export type SoftbarSettings = z.infer<typeof softbarSettingsSchema>;

export const cmccSoftbarInfo: ProviderInfo<SoftbarSettings> = {
  id: 'cmcc-softbar',
  name: '移动云坐席软电话（本机电话条）',
  description: '通过本机 127.0.0.1:8008 上运行的移动云 PC 电话条外呼、接听和控制通话。',
  capabilities: {
    dial: true,
    answer: true,
    hangup: true,
    hold: false,
    mute: true,
    transfer: true,
    dtmf: false,
    agentStates: [
      { id: 'sipOnline', label: '在线（示闲）', kind: 'ready' },
      { id: 'sipOffline', label: '离线（示忙）', kind: 'notReady' },
      // The bar's own state during a call (call_state 1–5), set by it: shown, never offered.
      { id: 'outgoing', label: '呼叫中', kind: 'busy', selectable: false },
      { id: 'incoming', label: '来电', kind: 'busy', selectable: false },
      { id: 'inCall', label: '通话中', kind: 'busy', selectable: false },
    ],
    // The bar's own transfer screen: switch to it, and back (document 1.9 / 1.10).
    extraActions: [
      { id: 'switchTransfer', label: '切换到转接界面', when: ['connected'] },
      { id: 'returnTransfer', label: '返回转接前界面', when: ['connected'] },
    ],
  },
  settingsFields: [
    { key: 'baseUrl', label: '电话条地址', type: 'url', placeholder: DEFAULT_BASE_URL, help: '电话条程序在本机监听的地址' },
    { key: 'extension', label: '800 号码', type: 'text', placeholder: '例如 8001', help: '电话条登录的坐席 800 号码，用于生成鉴权信息', secret: true },
  ],
  settingsSchema: softbarSettingsSchema,
  defaultSettings: { baseUrl: DEFAULT_BASE_URL, extension: '' },
};
