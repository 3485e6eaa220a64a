/**
 * zod's own messages (a wrong type, a too-long string …) in the extension's language: the one
 * chrome.i18n picked for our messages (`languageTag`), so they match the rest of the text.
 */
import { z } from 'zod';
import { t } from './i18n.ts';

export function configureZodLocale(): void {
  z.config(t('languageTag') === 'en' ? z.locales.en() : z.locales.zhCN());
}
