/**
 * Provider settings live in the extension origin's IndexedDB: the service worker and
 * extension pages can read it, content scripts cannot (they run in the page's origin),
 * unlike chrome.storage.local which every content script of the extension may read.
 *
 * The agent's own password (settings fields marked `credential`) is written to IndexedDB
 * only when the agent ticked "记住密码"; otherwise it is kept in chrome.storage.session
 * (memory, at its default access level closed to content scripts, gone when the browser
 * closes) — enough for the worker to log in again after being killed, never on disk.
 */
import browser from 'webextension-polyfill';
import { createStore, get, set } from 'idb-keyval';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import type { ProviderId } from '../shared/ids.ts';
import type { HistoryEntry } from '../shared/call-history.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan } from '../shared/phone/dial-plan.ts';
import { type GeneralSettings, withGeneralDefaults } from '../shared/general-settings.ts';

const store = () => createStore('callbar', 'settings');

const credentialKeys = (providerId: ProviderId) => PROVIDER_CATALOG[providerId].settingsFields.filter((f) => f.credential).map((f) => f.key);
const sessionKey = (providerId: ProviderId) => `callbar:credentials:${providerId}`;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export async function loadSettings(providerId: ProviderId): Promise<unknown> {
  const saved = await get(`provider:${providerId}`, store());
  if (!credentialKeys(providerId).length) return saved;
  const inMemory = (await browser.storage.session.get(sessionKey(providerId)))[sessionKey(providerId)];
  if (!isObject(inMemory)) return saved;
  return { ...(isObject(saved) ? saved : {}), ...inMemory };
}

/** Whether the agent asked to keep the password of this provider on disk. */
export async function rememberCredentials(providerId: ProviderId): Promise<boolean> {
  return (await get(`remember:${providerId}`, store())) === true;
}

/** Tick or untick "记住密码": the password moves to disk or out of it at once. */
export async function setRememberCredentials(providerId: ProviderId, remember: boolean): Promise<void> {
  const current = await loadSettings(providerId);
  await set(`remember:${providerId}`, remember, store());
  if (current !== undefined) await storeSettings(providerId, current);
}

export async function saveSettings(providerId: ProviderId, settings: unknown): Promise<void> {
  await storeSettings(providerId, settings);
  await setLastProviderId(providerId);
}

/** Write a provider's settings without making it the last-used provider (options page, import). */
export async function storeSettings(providerId: ProviderId, settings: unknown): Promise<void> {
  const keys = credentialKeys(providerId);
  if (!keys.length || !isObject(settings)) {
    await set(`provider:${providerId}`, settings, store());
    return;
  }
  const onDisk = { ...settings };
  const credentials: Record<string, unknown> = {};
  for (const key of keys) {
    if (Object.hasOwn(settings, key)) credentials[key] = settings[key];
    delete onDisk[key];
  }
  if (await rememberCredentials(providerId)) {
    await set(`provider:${providerId}`, { ...onDisk, ...credentials }, store());
    await browser.storage.session.remove(sessionKey(providerId));
  } else {
    await set(`provider:${providerId}`, onDisk, store());
    await browser.storage.session.set({ [sessionKey(providerId)]: credentials });
  }
}

/**
 * The servers the saved passwords and secrets of a provider were saved for (see
 * shared/settings-file.ts serverOrigins); null when nothing says (saved before this was kept).
 */
export async function secretsServers(providerId: ProviderId): Promise<string[] | null> {
  const value = await get(`secrets-for:${providerId}`, store());
  return Array.isArray(value) ? (value as string[]) : null;
}

export async function setSecretsServers(providerId: ProviderId, servers: readonly string[]): Promise<void> {
  await set(`secrets-for:${providerId}`, [...servers], store());
}

/** Drop the saved passwords and secrets (`keys`) of a provider, on disk and in memory. */
export async function dropSecrets(providerId: ProviderId, keys: readonly string[]): Promise<void> {
  const saved = await get(`provider:${providerId}`, store());
  if (isObject(saved)) {
    const kept = { ...saved };
    for (const key of keys) delete kept[key];
    await set(`provider:${providerId}`, kept, store());
  }
  const inMemory = (await browser.storage.session.get(sessionKey(providerId)))[sessionKey(providerId)];
  if (isObject(inMemory)) {
    const kept = { ...inMemory };
    for (const key of keys) delete kept[key];
    await browser.storage.session.set({ [sessionKey(providerId)]: kept });
  }
}

/** Forget the password of a provider (logging out without "记住密码"). */
export async function forgetCredentials(providerId: ProviderId): Promise<void> {
  if (await rememberCredentials(providerId)) return;
  await browser.storage.session.remove(sessionKey(providerId));
}

export async function lastProviderId(): Promise<ProviderId | null> {
  return ((await get('lastProviderId', store())) as ProviderId | undefined) ?? null;
}

export async function setLastProviderId(providerId: ProviderId): Promise<void> {
  await set('lastProviderId', providerId, store());
}


/** The dial plan of a provider (outside-line prefix, international prefix, extensions). */
export async function loadDialPlan(providerId: ProviderId): Promise<DialPlan> {
  const stored = (await get(`dialplan:${providerId}`, store())) as Partial<DialPlan> | undefined;
  return { ...DEFAULT_DIAL_PLAN, ...stored };
}

export async function saveDialPlan(providerId: ProviderId, plan: DialPlan): Promise<void> {
  await set(`dialplan:${providerId}`, plan, store());
}

/** Settings that are not per provider (screen pop, ringtone). */
export async function loadGeneral(): Promise<GeneralSettings> {
  return withGeneralDefaults((await get('general', store())) as Partial<GeneralSettings> | undefined);
}

export async function saveGeneral(settings: GeneralSettings): Promise<void> {
  await set('general', settings, store());
}

/** Recent calls (customer numbers: kept in the extension origin, away from content scripts). */
export async function loadHistory(): Promise<HistoryEntry[]> {
  return ((await get('history', store())) as HistoryEntry[] | undefined) ?? [];
}

export async function saveHistory(history: HistoryEntry[]): Promise<void> {
  await set('history', history, store());
}
