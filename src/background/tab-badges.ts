/**
 * The toolbar icon's badge: in each tab, how many dialable numbers the page shows
 * (frames report their own counts; the tab's badge is the sum). While a call rings
 * or is up the badge names the call state instead, in every tab.
 */
import browser from 'webextension-polyfill';

const counts = new Map<number, Map<number, number>>();
let callBadge: { text: string; color: string } | null = null;

export function reportCount(tabId: number, frameId: number, count: number): void {
  let frames = counts.get(tabId);
  if (!frames) counts.set(tabId, (frames = new Map()));
  frames.set(frameId, count);
  renderTab(tabId);
}

export function setCallBadge(badge: { text: string; color: string } | null): void {
  if (badge?.text === callBadge?.text) return;
  callBadge = badge;
  void browser.action.setBadgeText({ text: badge?.text ?? '' }).catch(() => undefined);
  if (badge) void browser.action.setBadgeBackgroundColor({ color: badge.color }).catch(() => undefined);
  for (const tabId of counts.keys()) renderTab(tabId);
}

export function tabCount(tabId: number): number {
  let total = 0;
  for (const n of counts.get(tabId)?.values() ?? []) total += n;
  return total;
}

function renderTab(tabId: number): void {
  const total = tabCount(tabId);
  const text = callBadge?.text ?? (total > 999 ? '999+' : total > 0 ? String(total) : '');
  const color = callBadge?.color ?? '#1677ff';
  void browser.action.setBadgeText({ tabId, text }).catch(() => counts.delete(tabId));
  void browser.action.setBadgeBackgroundColor({ tabId, color }).catch(() => undefined);
}

/** Call at the top level of the worker: a reloaded or closed tab starts from zero. */
export function watchTabs(): void {
  browser.tabs.onRemoved.addListener((tabId) => counts.delete(tabId));
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'loading' && change.url !== undefined) counts.delete(tabId);
  });
}
