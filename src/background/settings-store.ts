/**
 * Provider settings, credentials included, live in the extension origin's
 * IndexedDB: the service worker and extension pages can read it, content scripts
 * cannot (they run in the page's origin), unlike chrome.storage.local which every
 * content script of the extension may read.
 */
import { createStore, get, set } from 'idb-keyval';
import type { ProviderId } from '../shared/ids.ts';
import type { HistoryEntry } from '../shared/call-history.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan } from '../shared/phone/dial-plan.ts';
import { type GeneralSettings, withGeneralDefaults } from '../shared/general-settings.ts';

const store = () => createStore('callbar', 'settings');

export async function loadSettings(providerId: ProviderId): Promise<unknown> {
  return get(`provider:${providerId}`, store());
}

export async function saveSettings(providerId: ProviderId, settings: unknown): Promise<void> {
  await storeSettings(providerId, settings);
  await setLastProviderId(providerId);
}

/** Write a provider's settings without making it the last-used provider (options page, import). */
export async function storeSettings(providerId: ProviderId, settings: unknown): Promise<void> {
  await set(`provider:${providerId}`, settings, store());
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
