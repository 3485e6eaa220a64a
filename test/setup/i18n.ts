/**
 * Unit tests run in Node, where there is no chrome.i18n: this stands in for it with the default
 * locale's messages (_locales/zh_CN), so code that calls t() reads as it does in the extension
 * (Simplified Chinese), placeholders included. A test can switch it to English with
 * `useLocale('en')` from test/support/locale.ts.
 */
import { readFileSync } from 'node:fs';

type Messages = Record<string, { message: string }>;
const zhCN = JSON.parse(readFileSync(new URL('../../_locales/zh_CN/messages.json', import.meta.url), 'utf8')) as Messages;

// The messages in use: test/support/locale.ts swaps them (kept on globalThis, shared by both modules).
const scope = globalThis as unknown as {
  chrome?: { i18n?: { getMessage(name: string, substitutions?: string | string[]): string } };
  __callbarTestMessages?: Messages;
};
scope.__callbarTestMessages ??= zhCN;
scope.chrome ??= {};
scope.chrome.i18n ??= {
  getMessage(name, substitutions) {
    const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    const message = (scope.__callbarTestMessages ?? zhCN)[name]?.message ?? '';
    return message.replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? '');
  },
};
