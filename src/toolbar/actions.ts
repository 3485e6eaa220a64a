/**
 * Running the agent's requests from the toolbar: a second click on the same action while
 * its request travels does nothing (no double dial); other actions are not held up (a
 * hang-up must go through while a dial request is still pending). Errors are shown in
 * the toolbar.
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../shared/errors.ts';

/** Run `action` (named `key` so its button can show it is pending); resolves to whether it succeeded. */
export type Run = (key: string, action: () => Promise<unknown>) => Promise<boolean>;

export interface Runner {
  run: Run;
  /** Is a request of this key on its way? */
  isPending: (key: string) => boolean;
  error: string | null;
  clearError: () => void;
}

export function useRunner(): Runner {
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(new Set<string>());
  const run = useCallback<Run>(async (key, action) => {
    if (busy.current.has(key)) return false;
    busy.current.add(key);
    setPending(new Set(busy.current));
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      busy.current.delete(key);
      setPending(new Set(busy.current));
    }
  }, []);
  const isPending = useCallback((key: string) => pending.has(key), [pending]);
  const clearError = useCallback(() => setError(null), []);
  return { run, isPending, error, clearError };
}

/**
 * Only the browser's own input events count. The toolbar is an extension page in a frame, so
 * a web page cannot send it events at all; input-guard.ts has already refused (in the capture
 * phase) what the agent did not mean: clicks on a covered, transparent or just-moved control.
 */
export function isAgentInput(event: Event): boolean {
  return event.isTrusted;
}

export function trusted<E extends Event>(handler: (event: E) => void): (event: E) => void {
  return (event) => {
    if (isAgentInput(event)) handler(event);
  };
}
