/**
 * Screen pop: open a CRM page for the caller, e.g.
 * `https://crm.example.com/search?phone={number}`, when an incoming call rings or is
 * answered. The tab opened last time is reused if it is still open.
 */
import { t } from './i18n.ts';
export interface ScreenPopSettings {
  when: 'off' | 'ring' | 'answer';
  urlTemplate: string;
}

export const DEFAULT_SCREEN_POP: ScreenPopSettings = { when: 'off', urlTemplate: '' };

/** Why a template cannot be used, in the agent's words; null when fine. */
export function screenPopProblem(settings: ScreenPopSettings): string | null {
  if (settings.when === 'off') return null;
  const template = settings.urlTemplate.trim();
  if (!template) return t('screenPopUrlMissing');
  if (!template.includes('{number}')) return t('screenPopUrlNoNumber');
  try {
    const url = new URL(template.replaceAll('{number}', '0'));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return t('screenPopUrlScheme');
  } catch {
    return t('screenPopUrlInvalid', template.slice(0, 60));
  }
  return null;
}

export function screenPopUrl(settings: ScreenPopSettings, number: string): string {
  return settings.urlTemplate.trim().replaceAll('{number}', encodeURIComponent(number));
}
