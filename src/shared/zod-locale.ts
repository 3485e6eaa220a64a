/**
 * zod's own messages (a wrong type, a too-long string …) in the extension's language: the one
 * chrome.i18n picked for our messages (`languageTag`), so they match the rest of the text.
 */
import { z } from 'zod';
import { type MessageKey, t } from './i18n.ts';

export function configureZodLocale(): void {
  z.config(t('languageTag') === 'en' ? z.locales.en() : z.locales.zhCN());
}

/** A zod message (`.min(1, message(key))`, `z.string(message(key))`) read when the value is checked. */
export function message(key: MessageKey, ...substitutions: string[]): { error: () => string } {
  return { error: () => t(key, ...substitutions) };
}
