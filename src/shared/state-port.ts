/**
 * The live session state: `PublicState` for the popup, the options page and the toolbar
 * frame, `PageState` for content scripts (the service worker decides by who connects).
 * A long-lived port to the service worker carries every change; when the worker is
 * stopped the port breaks and we reconnect (with backoff), which also wakes the worker
 * so polling resumes. One port per page, however many subscribers.
 */
import browser from 'webextension-polyfill';
import { STATE_PORT, type StatePush } from './messages.ts';
import type { PublicState } from './session-state.ts';

type Listener = (state: any) => void;

const listeners = new Set<Listener>();
let current: unknown = null;
let started = false;

/**
 * Call `listener` with every state pushed (at once with the last one, if any). Extension pages
 * receive `PublicState` (the default), content scripts `PageState`.
 */
export function subscribeState<S = PublicState>(listener: (state: S) => void): () => void {
  listeners.add(listener);
  if (current) listener(current as S);
  if (!started) {
    started = true;
    connect(0);
  }
  return () => listeners.delete(listener);
}

function connect(attempt: number): void {
  let port: browser.Runtime.Port;
  try {
    port = browser.runtime.connect({ name: STATE_PORT });
  } catch {
    return; // The extension was removed or reloaded: this script is orphaned.
  }
  port.onMessage.addListener((message: unknown) => {
    attempt = 0;
    const push = message as StatePush;
    if (push?.type !== 'state') return;
    current = push.state;
    for (const listener of listeners) listener(current);
  });
  port.onDisconnect.addListener(() => {
    if (!browser.runtime?.id) return; // orphaned: stop quietly
    setTimeout(() => connect(attempt + 1), Math.min(5000, 250 * 2 ** attempt));
  });
}
