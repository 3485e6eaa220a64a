/**
 * Where CallBar runs: only on the sites the agent enabled in the popup (选择号码列, 根据路径插入,
 * 自动识别本站号码) or the administrator listed in enterprise policy (`crmOrigins`). Installing
 * asks for no access to any site; each enabled site's host access is asked for in the popup
 * click that enables it (src/popup/site-access.ts) and released when the site is disabled
 * (停用本站, or its last rule removed). The content script is registered at runtime for the
 * enabled sites that have access, and injected once into the tab where a site was just enabled.
 *
 * The state lives with the rules in chrome.storage.local (`callbar:sites[origin].enabled`,
 * src/shared/rules.ts): every change there, and every permission change, brings the
 * registration in line. Dialling from a content script is accepted only from an enabled site
 * framed by the top-level site its rule was made for (`dialAllowedFrom`).
 */
import browser from 'webextension-polyfill';
// The content script's built file name (crxjs builds it as one classic script; no page can load it).
// eslint-disable-next-line import-x/no-restricted-paths -- a file name, not code: the background never runs it
import CONTENT_SCRIPT from '../content/main.ts?script&iife';
import { CallbarError } from '../shared/errors.ts';
import type { EnableResult, EnableThen, SiteStatus } from '../shared/messages.ts';
import { sendToTab } from '../shared/messaging.ts';
import { waitForAccess } from './host-access.ts';
import { t } from '../shared/i18n.ts';
import {
  enabledOrigins,
  isSiteOrigin,
  originPattern,
  RULES_KEY,
  rulesFromStorage,
  siteEnabled,
  type SiteSettings,
  SITES_KEY,
  type StoredRules,
} from '../shared/rules.ts';

export const CONTENT_SCRIPT_ID = 'callbar-sites';
/** Host access granted at install (the local softphone programs): never released. */
const INSTALL_HOSTS = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/;


async function readStored(): Promise<StoredRules> {
  return rulesFromStorage(await browser.storage.local.get([RULES_KEY, SITES_KEY]));
}

async function writeSite(origin: string, patch: Partial<SiteSettings>): Promise<void> {
  const stored = await readStored();
  const current = Object.hasOwn(stored.sites, origin) ? stored.sites[origin] : undefined;
  const next: SiteSettings = { autoDetect: false, ...current, ...patch };
  await browser.storage.local.set({ [SITES_KEY]: { ...stored.sites, [origin]: next } });
}

export async function hasAccess(origin: string): Promise<boolean> {
  return browser.permissions.contains({ origins: [originPattern(origin)] }).catch(() => false);
}

export async function siteStatus(origin: string): Promise<SiteStatus> {
  if (!isSiteOrigin(origin)) throw new CallbarError('unsupported', t('siteNotWebPage'));
  const stored = await readStored();
  return {
    origin,
    enabled: siteEnabled(origin, stored),
    granted: await hasAccess(origin),
    byPolicy: !!stored.sites[origin]?.byPolicy,
    rules: stored.rules.filter((r) => r.origin === origin).length,
  };
}

/** Enabled sites CallBar cannot run on yet (access not granted: rules from before, an import, policy). */
export async function sitesAwaitingAccess(): Promise<string[]> {
  const waiting: string[] = [];
  for (const origin of enabledOrigins(await readStored())) if (!(await hasAccess(origin))) waiting.push(origin);
  return waiting;
}

/**
 * The agent enabled `origin` in the popup, whose click asked Chrome for access (the prompt
 * closes the popup, so the answer is awaited here). Registers the content script, injects it into
 * `tabId` now, so the page tools work without a reload, and does what the agent clicked for
 * (`then`: start the picker, insert by selector, detect numbers).
 */
export async function enableSite(origin: string, tabId?: number, then?: EnableThen): Promise<EnableResult> {
  if (!isSiteOrigin(origin)) throw new CallbarError('unsupported', t('siteNotWebPage'));
  if (!(await waitForAccess([originPattern(origin)]))) throw new CallbarError('forbidden', t('siteAccessDenied', new URL(origin).host));
  await writeSite(origin, { enabled: true });
  await syncRegistration();
  if (tabId !== undefined) await injectInto(tabId);
  let matched: number | undefined;
  if (then?.kind === 'autodetect') await writeSite(origin, { autoDetect: true });
  else if (then && tabId !== undefined) {
    if (then.kind === 'picker') await sendToTab(tabId, 'page/start-picker', {});
    else matched = (await sendToTab(tabId, 'page/add-selector', { selector: then.selector })).matched;
  }
  return { site: await siteStatus(origin), ...(matched !== undefined ? { matched } : {}) };
}

/** 停用本站: rules are kept (enabling again brings them back), buttons and toolbar go, access is released. */
export async function disableSite(origin: string): Promise<SiteStatus> {
  if (!isSiteOrigin(origin)) throw new CallbarError('unsupported', t('siteNotWebPage'));
  const stored = await readStored();
  if (stored.sites[origin]?.byPolicy) throw new CallbarError('forbidden', t('siteLockedByPolicy'));
  await writeSite(origin, { enabled: false });
  await syncRegistration();
  await releaseAccess([origin]);
  return siteStatus(origin);
}

async function injectInto(tabId: number): Promise<void> {
  try {
    await browser.scripting.executeScript({ target: { tabId, allFrames: true }, files: [CONTENT_SCRIPT] });
  } catch {
    // Frames we have no access to (another site's) are skipped by the registration later; the
    // top frame is what matters and the popup reports if the page does not answer.
  }
}

/**
 * Release host access CallBar no longer needs. Kept: the install-time loopback hosts, sites still
 * enabled, and any origin `stillNeeded` names (a platform server the agent logs in to).
 */
let stillNeeded: (origin: string) => Promise<boolean> = async () => false;
export function setAccessStillNeeded(check: (origin: string) => Promise<boolean>): void {
  stillNeeded = check;
}

async function releaseAccess(origins: readonly string[]): Promise<void> {
  const stored = await readStored();
  const release: string[] = [];
  for (const origin of origins) {
    if (INSTALL_HOSTS.test(origin) || siteEnabled(origin, stored) || (await stillNeeded(origin))) continue;
    release.push(originPattern(origin));
  }
  if (release.length) await browser.permissions.remove({ origins: release }).catch(() => undefined);
}

let syncing: Promise<void> = Promise.resolve();

/** Register the content script for exactly the enabled sites with access (serialized). */
export function syncRegistration(): Promise<void> {
  const run = syncing.then(async () => {
    const matches: string[] = [];
    for (const origin of enabledOrigins(await readStored())) if (await hasAccess(origin)) matches.push(originPattern(origin));
    const existing = await browser.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] }).catch(() => []);
    if (!matches.length) {
      if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
      return;
    }
    const script = { id: CONTENT_SCRIPT_ID, js: [CONTENT_SCRIPT], matches, allFrames: true, runAt: 'document_idle' as const, persistAcrossSessions: true };
    if (existing.length) await browser.scripting.updateContentScripts([script]);
    else await browser.scripting.registerContentScripts([script]);
  });
  syncing = run.catch((error) => console.warn('[callbar] content script registration failed', error));
  return run;
}

/**
 * Rules or site switches changed (popup, options import, a content script's picker): access to
 * sites that are no longer enabled is released (checked against what is stored when it runs), and
 * the registration follows. Disabling a site whose last rule the agent removed is the popup's
 * decision (it sends `sites/disable`): here nothing is switched off behind anyone's back.
 */
export function onRulesChanged(change: { oldRules?: unknown }): Promise<void> {
  const run = changes.then(async () => {
    if (change.oldRules !== undefined) {
      const before = rulesFromStorage({ [RULES_KEY]: change.oldRules }).rules;
      await releaseAccess([...new Set(before.map((r) => r.origin))]);
    }
    await syncRegistration();
  });
  changes = run.catch((error) => console.warn('[callbar] applying a rules change failed', error));
  return run;
}

let changes: Promise<void> = Promise.resolve();

/** Enterprise policy's `crmOrigins` (chrome.storage.managed): enabled and locked; dropped ones fall back. */
export async function applyPolicyOrigins(origins: readonly string[]): Promise<void> {
  const wanted = new Set(origins.filter(isSiteOrigin));
  const stored = await readStored();
  const sites = { ...stored.sites };
  let changed = false;
  for (const origin of wanted) {
    if (sites[origin]?.byPolicy) continue;
    sites[origin] = { autoDetect: false, ...sites[origin], byPolicy: true };
    changed = true;
  }
  for (const [origin, site] of Object.entries(sites)) {
    if (!site.byPolicy || wanted.has(origin)) continue;
    const rest: SiteSettings = { ...site };
    delete rest.byPolicy;
    sites[origin] = rest;
    changed = true;
  }
  if (changed) await browser.storage.local.set({ [SITES_KEY]: sites });
  await syncRegistration();
}

/**
 * May a content script in this frame dial? Its frame's site must be enabled and have access, and
 * so must the tab's top-level site; a frame of another origin only under the top-level site one of
 * its rules was made for. (The content script checks the same; this is the check a compromised
 * or stale one cannot skip.)
 */
export async function dialAllowedFrom(sender: { url?: string; origin?: string; tabUrl?: string; frameId?: number }): Promise<boolean> {
  const frameOrigin = originOf(sender.origin ?? sender.url);
  const topOrigin = originOf(sender.tabUrl ?? (sender.frameId === 0 ? sender.url : undefined));
  if (!frameOrigin || !topOrigin) return false;
  const stored = await readStored();
  if (!siteEnabled(frameOrigin, stored) || !siteEnabled(topOrigin, stored)) return false;
  if (!(await hasAccess(frameOrigin))) return false;
  if (frameOrigin === topOrigin) return true;
  return stored.rules.some((r) => r.origin === frameOrigin && (r.topOrigin ?? r.origin) === topOrigin);
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return isSiteOrigin(origin) ? origin : null;
  } catch {
    return null;
  }
}
