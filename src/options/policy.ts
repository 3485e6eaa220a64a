/**
 * The enterprise policy, read straight from chrome.storage.managed (an extension page may) and
 * kept current: Chrome loads policies a moment after start-up and again whenever they change.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { errorMessage } from '../shared/errors.ts';
import { NO_POLICY, parsePolicy, POLICY_MESSAGES, type PolicyState } from '../shared/managed-schema.ts';

export async function readPolicy(): Promise<PolicyState> {
  try {
    return parsePolicy(await browser.storage.managed.get(), PROVIDER_CATALOG);
  } catch (error) {
    return { policy: NO_POLICY, problems: [POLICY_MESSAGES.unreadable(errorMessage(error))] };
  }
}

/** The policy in force; null until it has been read once. */
export function usePolicy(): PolicyState | null {
  const [state, setState] = useState<PolicyState | null>(null);
  useEffect(() => {
    let alive = true;
    const read = () => void readPolicy().then((next) => alive && setState(next));
    const onChanged = (_changes: unknown, area: string) => {
      if (area === 'managed') read();
    };
    browser.storage.onChanged.addListener(onChanged);
    read();
    return () => {
      alive = false;
      browser.storage.onChanged.removeListener(onChanged);
    };
  }, []);
  return state;
}
