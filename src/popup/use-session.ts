/** The live public state, pushed by the service worker over a port. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { STATE_PORT, type StatePush } from '../shared/messages.ts';
import type { PublicState } from '../shared/session-state.ts';

export function useSession(): PublicState | null {
  const [state, setState] = useState<PublicState | null>(null);
  useEffect(() => {
    let port: browser.Runtime.Port | null = null;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      port = browser.runtime.connect({ name: STATE_PORT });
      port.onMessage.addListener((message: unknown) => {
        const push = message as StatePush;
        if (push?.type === 'state') setState(push.state);
      });
      // The worker was stopped: reconnecting wakes it again.
      port.onDisconnect.addListener(() => {
        if (!closed) retry = setTimeout(connect, 300);
      });
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      port?.disconnect();
    };
  }, []);
  return state;
}
