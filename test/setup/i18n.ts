/**
 * Unit tests run in Node, where there is no chrome.i18n: this stands in for it with the default
 * locale's messages (_locales/zh_CN), so code that calls t() reads as it does in the extension
 * (Simplified Chinese), placeholders included.
 */
import { readFileSync } from 'node:fs';

const messages = JSON.parse(readFileSync(new URL('../../_locales/zh_CN/messages.json', import.meta.url), 'utf8')) as Record<string, { message: string }>;

const scope = globalThis as unknown as { chrome?: { i18n?: { getMessage(name: string, substitutions?: string | string[]): string } } };
scope.chrome ??= {};
scope.chrome.i18n ??= {
  getMessage(name, substitutions) {
    const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    const message = messages[name]?.message ?? '';
    return message.replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? '');
  },
};
