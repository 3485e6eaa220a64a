/**
 * Which events count as the agent's own input. Trusted events do; so do the copies the key
 * guard (key-guard.ts) hands to CallBar's UI after keeping the original away from the page.
 * The set of those copies lives on the content scripts' own global (an isolated world the page
 * cannot see), shared by the key guard's bundle and the toolbar's.
 */
const KEY = '__callbarForwardedKeys';

export function forwardedKeys(): WeakSet<Event> {
  const scope = globalThis as unknown as Record<string, WeakSet<Event> | undefined>;
  return (scope[KEY] ??= new WeakSet<Event>());
}

export function isAgentInput(event: Event): boolean {
  return event.isTrusted || forwardedKeys().has(event);
}
