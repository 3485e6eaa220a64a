/** Does the logged-in provider talk through the browser phone (and so need the microphone)? */
import { useEffect, useState } from 'preact/hooks';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import type { ProviderId } from '../shared/ids.ts';
import { send } from '../shared/messaging.ts';

/**
 * From the provider's info (`usesPhone(settings)`), never from its id; with the agent's saved
 * settings, as the login used them. false until they are read, and for providers without a phone.
 */
export function useUsesPhone(providerId: ProviderId | null): boolean {
  const info = providerId ? PROVIDER_CATALOG[providerId] : null;
  const [settings, setSettings] = useState<Record<string, unknown> | null>(null);
  useEffect(() => {
    setSettings(null);
    if (!providerId || !info?.usesPhone) return;
    let alive = true;
    const settle = (saved: unknown) => alive && setSettings({ ...(info.defaultSettings as Record<string, unknown>), ...(saved as Record<string, unknown> | null) });
    void send('settings/get', { providerId }).then(
      (reply) => settle(reply.settings),
      () => settle(null),
    );
    return () => {
      alive = false;
    };
  }, [providerId]);
  return !!(info?.usesPhone && settings && info.usesPhone(settings));
}
