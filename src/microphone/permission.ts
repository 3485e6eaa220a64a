/**
 * CallBar's own microphone permission (the chrome-extension:// origin's), for the extension pages
 * that ask for it or tell the agent about it: the microphone page, the popup, the options page.
 *
 * Not in src/shared/ (code for every context): navigator.permissions answers for the document's
 * origin, so in a content script it would report the web page's permission, not CallBar's, and the
 * service worker has no microphone at all. It lives with the page that obtains the grant; the
 * popup and the options page import it from here (eslint.config.js lets only them).
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { type MicPermission, siteSettingsUrl } from './mic-state.ts';

/** The page that asks for the microphone once (the offscreen phone cannot show Chrome's prompt). */
export const MICROPHONE_PAGE = 'src/microphone/index.html';

/** Who opened the microphone page: the popup's tab is closed again once granted. */
export type MicPageOpener = 'popup' | 'options';

/**
 * The permission's live status, or null where it cannot be read (a browser without the
 * 'microphone' permission name): then nothing is claimed and the phone's own banner speaks.
 */
export async function micPermissionStatus(): Promise<PermissionStatus | null> {
  try {
    return await navigator.permissions.query({ name: 'microphone' as PermissionName });
  } catch {
    return null;
  }
}

/**
 * The permission, kept current: Chrome fires `change` on every document of the origin when the
 * agent answers the prompt in the microphone page or changes it in chrome://settings. Read again
 * on mount, so a reopened popup never shows yesterday's answer. null until read.
 */
export function useMicPermission(): MicPermission | null {
  const [state, setState] = useState<MicPermission | null>(null);
  useEffect(() => {
    let status: PermissionStatus | null = null;
    let alive = true;
    const update = () => alive && status && setState(status.state as MicPermission);
    void micPermissionStatus().then((found) => {
      status = found;
      status?.addEventListener('change', update);
      update();
    });
    return () => {
      alive = false;
      status?.removeEventListener('change', update);
    };
  }, []);
  return state;
}

export function microphonePageUrl(from: MicPageOpener): string {
  return browser.runtime.getURL(`${MICROPHONE_PAGE}?from=${from}`);
}

/** In a tab of its own: the popup cannot show Chrome's prompt either (it closes when the prompt opens). */
export async function openMicrophonePage(from: MicPageOpener): Promise<void> {
  await browser.tabs.create({ url: microphonePageUrl(from) });
}

/**
 * Chrome's settings for CallBar's origin. A plain <a href="chrome://…"> does nothing on an
 * extension page; chrome.tabs.create may open chrome://settings.
 */
export async function openMicSettings(): Promise<void> {
  await browser.tabs.create({ url: siteSettingsUrl(browser.runtime.getURL('').replace(/\/$/, '')) });
}
