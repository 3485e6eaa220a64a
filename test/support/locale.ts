/**
 * Run unit tests in another locale: `useLocale('en')` makes the chrome.i18n stand-in of
 * test/setup/i18n.ts serve that locale's messages until `useLocale('zh_CN')` (the default).
 * Pair it with afterEach, so the next test reads Chinese again:
 *   beforeEach(() => useLocale('en')); afterEach(() => useLocale('zh_CN'));
 */
import { readFileSync } from 'node:fs';
import { configureZodLocale } from '../../src/shared/zod-locale.ts';

export type TestLocale = 'zh_CN' | 'en';

export function localeMessages(locale: TestLocale): Record<string, { message: string }> {
  return JSON.parse(readFileSync(new URL(`../../_locales/${locale}/messages.json`, import.meta.url), 'utf8')) as Record<string, { message: string }>;
}

export function useLocale(locale: TestLocale): void {
  (globalThis as { __callbarTestMessages?: unknown }).__callbarTestMessages = localeMessages(locale);
  configureZodLocale();
}

/** Chinese, Japanese or Korean characters: English text must have none (apart from platform data). */
export const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
