/**
 * Cloud platforms (dscom, 八百呼 …) live on servers the manifest cannot list in advance:
 * `optional_host_permissions` covers any http(s) origin, and the popup asks the agent for the
 * one in their settings when they click 登录 (permissions.request needs that click). Chrome's
 * prompt closes the popup, so the login is sent at the same time and the background waits for
 * the answer before it logs in (src/background/host-access.ts). Loopback programs are granted by
 * the manifest already; WebSockets need no host permission.
 */
import browser from 'webextension-polyfill';
import type { SettingsField } from '../providers/provider.ts';
import { serverPatterns } from '../shared/server-patterns.ts';
import { CallbarError } from '../shared/errors.ts';
import { t } from '../shared/i18n.ts';

/**
 * Start asking for the servers' access (call it first thing in the click). Resolves when the agent
 * answered (at once when the access was granted before); rejects when they said no.
 */
export function askServerAccess(fields: readonly SettingsField[], settings: unknown): Promise<void> {
  const origins = serverPatterns(fields, settings);
  if (!origins.length) return Promise.resolve();
  return browser.permissions.request({ origins }).then((granted) => {
    if (!granted) throw new CallbarError('forbidden', t('serverAccessDenied', origins.map((o) => o.replace('/*', '')).join(t('listSeparator'))));
  });
}
