import { defineManifest } from '@crxjs/vite-plugin';
import pkg from './package.json' with { type: 'json' };

/**
 * The extension's manifest, typed. Permissions are the least the product needs:
 * - storage/alarms: settings, rules, session state and the wake-up alarm that resumes polling;
 * - contextMenus: "拨打选中号码" on selected text (a shortcut in `commands` does the same);
 * - notifications: the incoming-call notification with 接听 / 拒接;
 * - notifications is added with incoming-call notifications (issue 4);
 * - host_permissions: the local softphone programs on 127.0.0.1 / localhost (any port).
 * The "key" pins the extension id (ddibfpeaigbdfehklkajjjhfmnaafjmn) so tests and enterprise policy can address it.
 */
export const EXTENSION_ID = 'ddibfpeaigbdfehklkajjjhfmnaafjmn';

export default defineManifest({
  manifest_version: 3,
  name: 'CallBar 坐席电话条',
  short_name: 'CallBar',
  description: '在任意网页 CRM 的号码列放置拨号按钮，连接坐席电话平台，显示坐席状态与通话。',
  version: pkg.version,
  minimum_chrome_version: '116',
  key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuneQe5OPdiMKzuyZ8RmE1h0sFXQYHxu7Zpg6Nm5BQopzI1XBJ+NooF826I1fTI+QnRPmbE2o175+pTBlRLBMq/mM69Yv7vPjGF8CzR4Gpxj09+WCdWuPqq023WBGRBEbSfoGqv4PpjvdEwIWj9aY5PFjEna24FGtCspENpRIZFVz4czIgc3qwWEkyZA8J+rG6LL9nUAYLsS95/VKZDpkYZr+jsjMPCZjgnqisaNfByJEVkGS6/6VWOInbqzXbn328ExRrTd4Teu6YmpWQj6WD+eR+fL3QAp+qFLOELJoq3nOmJPiUFYvYTAV+5p560k1UnCdTnOgayEKlcG8zigymwIDAQAB',
  icons: {
    16: 'icons/icon-16.png',
    32: 'icons/icon-32.png',
    48: 'icons/icon-48.png',
    128: 'icons/icon-128.png',
  },
  action: {
    default_popup: 'src/popup/index.html',
    default_title: 'CallBar 坐席电话条',
    default_icon: { 16: 'icons/icon-gray-16.png', 32: 'icons/icon-gray-32.png' },
  },
  background: { service_worker: 'src/background/index.ts', type: 'module' },
  content_scripts: [
    {
      matches: ['http://*/*', 'https://*/*'],
      js: ['src/content/index.ts'],
      run_at: 'document_idle',
      all_frames: true,
    },
  ],
  permissions: ['storage', 'alarms', 'contextMenus', 'notifications'],
  commands: {
    'dial-selection': { suggested_key: { default: 'Alt+Shift+D' }, description: '拨打选中的号码' },
    'answer-or-hangup': { suggested_key: { default: 'Alt+Shift+A' }, description: '接听来电 / 挂断当前通话' },
    'toggle-ready': { suggested_key: { default: 'Alt+Shift+R' }, description: '切换示闲 / 示忙' },
  },
  host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
});
