/** The live public state, pushed by the service worker (null until the first push). */
import { useEffect, useState } from 'preact/hooks';
import type { PublicState } from '../shared/session-state.ts';
import { subscribeState } from '../shared/state-port.ts';

export function useSession(): PublicState | null {
  const [state, setState] = useState<PublicState | null>(null);
  useEffect(() => subscribeState(setState), []);
  return state;
}
