/**
 * Provider settings, credentials included, live in the extension origin's
 * IndexedDB: the service worker and extension pages can read it, content scripts
 * cannot (they run in the page's origin), unlike chrome.storage.local which every
 * content script of the extension may read.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { ProviderId } from '../shared/ids.ts';

const store = () => createStore('callbar', 'settings');

export async function loadSettings(providerId: ProviderId): Promise<unknown> {
  return get(`provider:${providerId}`, store());
}

export async function saveSettings(providerId: ProviderId, settings: unknown): Promise<void> {
  await set(`provider:${providerId}`, settings, store());
  await set('lastProviderId', providerId, store());
}

export async function lastProviderId(): Promise<ProviderId | null> {
  return ((await get('lastProviderId', store())) as ProviderId | undefined) ?? null;
}

export async function forgetSettings(providerId: ProviderId): Promise<void> {
  await del(`provider:${providerId}`, store());
}
