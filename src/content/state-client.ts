/**
 * The page's live copy of the public session state. A long-lived port to the
 * service worker carries every change; when the worker is stopped the port
 * breaks and we reconnect, which also wakes the worker so polling resumes.
 */
import browser from 'webextension-polyfill';
import { STATE_PORT, type StatePush } from '../shared/messages.ts';
import { LOGGED_OUT, type PublicState } from '../shared/session-state.ts';

type Listener = (state: PublicState) => void;

const listeners = new Set<Listener>();
let current: PublicState = LOGGED_OUT;
let started = false;

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  listener(current);
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
    return; // The extension was removed or reloaded: this content script is orphaned.
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
