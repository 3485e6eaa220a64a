/**
 * Waiting for host access the agent is being asked for. The popup starts
 * chrome.permissions.request in the agent's click, and Chrome's prompt closes the popup (it
 * loses focus), so the popup never learns the answer. The service worker does: a request that
 * needs access (enable a site, log in to a cloud server) waits here until Chrome grants it
 * (permissions.onAdded) or the agent leaves the prompt unanswered, then carries on by itself.
 */
import browser from 'webextension-polyfill';

/** How long the agent may take to answer Chrome's prompt. */
export const ACCESS_WAIT_MS = 120_000;

async function granted(origins: readonly string[]): Promise<boolean> {
  if (!origins.length) return true;
  return browser.permissions.contains({ origins: [...origins] }).catch(() => false);
}

/** Resolves true once every pattern in `origins` is granted, false after `timeoutMs`. */
export async function waitForAccess(origins: readonly string[], timeoutMs = ACCESS_WAIT_MS): Promise<boolean> {
  if (await granted(origins)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      browser.permissions.onAdded.removeListener(onAdded);
      resolve(value);
    };
    const onAdded = () => void granted(origins).then((ok) => ok && done(true));
    const timer = setTimeout(() => done(false), timeoutMs);
    browser.permissions.onAdded.addListener(onAdded);
    // Granted between the first check and the listener.
    void granted(origins).then((ok) => ok && done(true));
  });
}
