/**
 * Enabling CallBar on a site (docs/security.md). Installing gave CallBar access to no web site;
 * the click that enables one asks Chrome for that site's access first thing (permissions.request
 * must run within the click's user activation; it resolves at once, without a prompt, when the
 * access is already there), then the service worker registers and injects the content script.
 */
import browser from 'webextension-polyfill';
import { CallbarError } from '../shared/errors.ts';
import { t } from '../shared/i18n.ts';
import type { EnableResult, EnableThen } from '../shared/messages.ts';
import { send } from '../shared/messaging.ts';
import { isSiteOrigin, originPattern, RULES_KEY, rulesFromStorage, SITES_KEY } from '../shared/rules.ts';

/** The origin of the tab's page, or null when it is not a web page (or its address is not ours to read). */
export async function tabOrigin(tabId: number): Promise<string | null> {
  try {
    const url = (await browser.tabs.get(tabId)).url;
    if (!url) return null;
    const origin = new URL(url).origin;
    return isSiteOrigin(origin) ? origin : null;
  } catch {
    return null;
  }
}

/**
 * Ask for access to `origin` and enable CallBar there, then do `then` (in the click). Chrome's
 * prompt closes the popup: the request is started first (within the click's user activation) and
 * the background, told at once what to do, waits for the answer and finishes by itself. When the
 * access is there already (no prompt), this resolves with the result; it rejects when the agent
 * says no.
 */
export async function enableSite(origin: string, tabId: number, then?: EnableThen): Promise<EnableResult> {
  const asked = browser.permissions.request({ origins: [originPattern(origin)] });
  const enabled = send('sites/enable', { origin, tabId, ...(then ? { then } : {}) });
  if (!(await asked)) {
    enabled.catch(() => undefined); // the background gives up waiting by itself
    throw new CallbarError('forbidden', t('siteAccessDenied', new URL(origin).host));
  }
  return enabled;
}

/** Give back access to every enabled site that lost it (rules kept from before, an import, policy): one prompt. */
export async function grantAwaiting(origins: readonly string[]): Promise<void> {
  if (!origins.length) return;
  const granted = await browser.permissions.request({ origins: origins.map(originPattern) });
  if (!granted) throw new CallbarError('forbidden', t('siteAccessDenied', origins.map((o) => new URL(o).host).join(t('listSeparator'))));
}

/**
 * The agent removed the site's last rule (or switched detection off with no rule left): CallBar
 * has nothing to do there any more, so the site is disabled and its access given back
 * (docs/security.md). Resolves to whether that happened.
 */
export async function disableIfEmpty(origin: string): Promise<boolean> {
  const { rules, sites } = rulesFromStorage(await browser.storage.local.get([RULES_KEY, SITES_KEY]));
  const site = Object.hasOwn(sites, origin) ? sites[origin] : undefined;
  if (site?.byPolicy || site?.autoDetect || rules.some((r) => r.origin === origin)) return false;
  await send('sites/disable', { origin });
  return true;
}
