/**
 * "Recent calls changed": the service worker says so after every write of the history (a call ended,
 * a platform's call record corrected a row later), and the popup reloads it. A BroadcastChannel of
 * the extension's origin: web pages and content scripts (other origins) cannot hear or send on it.
 */
const NAME = 'callbar:history';

export function announceHistoryChanged(): void {
  const channel = new BroadcastChannel(NAME);
  channel.postMessage('changed');
  channel.close();
}

/** Calls `listener` whenever the history was written; returns the unsubscribe function. */
export function onHistoryChanged(listener: () => void): () => void {
  const channel = new BroadcastChannel(NAME);
  channel.onmessage = () => listener();
  return () => channel.close();
}
