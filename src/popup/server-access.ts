/**
 * Cloud platforms (dscom, 八百呼 …) live on servers the manifest cannot list in advance:
 * `optional_host_permissions` covers any http(s) origin, and the popup asks the agent for the
 * one in their settings when they click 登录 (permissions.request needs that click). Loopback
 * programs are granted by the manifest already; WebSockets need no host permission.
 */
import browser from 'webextension-polyfill';
import type { SettingsField } from '../providers/provider.ts';
import { serverPatterns } from './server-patterns.ts';
import { CallbarError } from '../shared/errors.ts';
import { t } from '../shared/i18n.ts';

export async function requestServerAccess(fields: readonly SettingsField[], settings: unknown): Promise<void> {
  const origins = serverPatterns(fields, settings);
  if (!origins.length) return;
  // Straight to request() (no contains() first): it must run within the click's user activation,
  // and it resolves at once, without a prompt, when the access was granted before.
  const granted = await browser.permissions.request({ origins });
  if (!granted) throw new CallbarError('forbidden', t('serverAccessDenied', origins.map((o) => o.replace('/*', '')).join(t('listSeparator'))));
}
