/**
 * UI strings: `_locales/<locale>/messages.json` (zh_CN is the default locale, en the
 * second). `t()` reads them through chrome.i18n.getMessage, which is synchronous and
 * exists in every extension context (pages, content scripts, the service worker); it is
 * reached through globalThis.chrome so it also works where webextension-polyfill is
 * not loaded. Messages use Chrome's positional `$1`…`$9` substitutions.
 */
// Type-only (erased at build time): the messages are not bundled, chrome.i18n serves them.
import type messages from '../../_locales/zh_CN/messages.json';

/** Every message name, checked at compile time against the default locale's file. */
export type MessageKey = keyof typeof messages;

interface I18nApi {
  getMessage(name: string, substitutions?: string | string[]): string;
}

function api(): I18nApi | undefined {
  return (globalThis as { chrome?: { i18n?: I18nApi } }).chrome?.i18n;
}

/** The message `key` in the browser's UI language (or the default locale); the key itself if it is missing. */
export function t(key: MessageKey, ...substitutions: string[]): string {
  let message = '';
  try {
    message = api()?.getMessage(key, substitutions.length ? substitutions : undefined) ?? '';
  } catch {
    message = ''; // the extension context is gone (reloaded extension, orphaned content script)
  }
  return message || key;
}

/**
 * Text declared as data (provider info, vendor code tables): a message key, or a key with its
 * `$n` substitutions. Resolved with `text()` where the words are produced.
 */
export type Text = MessageKey | readonly [MessageKey, ...string[]];

export function text(value: Text): string {
  return typeof value === 'string' ? t(value as MessageKey) : t(value[0], ...value.slice(1));
}

/**
 * A table whose properties read the messages `keys` names, in the language of the moment (each
 * read calls t()): for message tables other code reads as properties (`ERRORS.notJson`).
 * `extra` adds the entries that take values (functions calling t() with them).
 */
export function messageTable<K extends string, E extends object = Record<never, never>>(keys: Readonly<Record<K, MessageKey>>, extra?: E): Readonly<Record<K, string>> & E {
  const table = {} as Record<K, string>;
  for (const [name, key] of Object.entries(keys) as Array<[K, MessageKey]>) Object.defineProperty(table, name, { get: () => t(key), enumerable: true });
  return Object.assign(table, extra);
}
