/**
 * The toolbar's per-site prefs in chrome.storage.local (`callbar:toolbar`, shape in
 * toolbar-prefs.ts). Another tab of the same site or the popup may change them at any time:
 * `watchSitePrefs` reports every change for this origin.
 */
import browser from 'webextension-polyfill';
import { type SitePrefs, sitePrefs, TOOLBAR_KEY, withSitePrefs } from './toolbar-prefs.ts';

export async function loadSitePrefs(origin: string): Promise<SitePrefs> {
  try {
    const stored = await browser.storage.local.get(TOOLBAR_KEY);
    return sitePrefs(stored[TOOLBAR_KEY], origin);
  } catch {
    return sitePrefs(undefined, origin); // orphaned content script: defaults
  }
}

let writes: Promise<unknown> = Promise.resolve();
let inFlight = 0;

/** Read-modify-write of this origin's entry (writes from this page are serialized). */
export function saveSitePrefs(origin: string, patch: Partial<SitePrefs>): Promise<void> {
  inFlight++;
  const write = writes
    .then(async () => {
      const stored = await browser.storage.local.get(TOOLBAR_KEY);
      await browser.storage.local.set({ [TOOLBAR_KEY]: withSitePrefs(stored[TOOLBAR_KEY], origin, patch) });
    })
    .finally(() => inFlight--);
  writes = write.catch(() => undefined);
  return write;
}

/**
 * Calls `onChange` when this origin's prefs change in storage (another tab, the popup).
 * Changes that arrive while this page's own writes are under way are skipped: they are
 * older than what this page shows, and the last write carries the merged result.
 */
export function watchSitePrefs(origin: string, onChange: (prefs: SitePrefs) => void): () => void {
  const listener = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
    if (area !== 'local' || !(TOOLBAR_KEY in changes) || inFlight > 0) return;
    onChange(sitePrefs(changes[TOOLBAR_KEY]?.newValue, origin));
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
