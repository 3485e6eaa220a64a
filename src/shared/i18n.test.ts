import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CJK, useLocale } from '../../test/support/locale.ts';
import { messageTable, t, text } from './i18n.ts';

type Messages = Record<string, { message: string; description?: string }>;
const localesDir = new URL('../../_locales/', import.meta.url);
const read = (locale: string): Messages => JSON.parse(readFileSync(new URL(`${locale}/messages.json`, localesDir), 'utf8'));
const placeholders = (message: string) => [...new Set(message.match(/\$[1-9]/g) ?? [])].sort();

describe('_locales', () => {
  const locales = readdirSync(localesDir);
  const zh = read('zh_CN');

  it('has zh_CN and en', () => {
    expect(locales.sort()).toEqual(['en', 'zh_CN']);
  });

  it.each(locales)('%s has exactly the keys of zh_CN, the same $n placeholders and no empty messages', (locale) => {
    const messages = read(locale);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(zh).sort());
    for (const [key, { message }] of Object.entries(messages)) {
      expect(key, 'Chrome message names are ASCII letters, digits and _').toMatch(/^[A-Za-z0-9_]+$/);
      expect(message.trim(), `${locale}/${key} is empty`).not.toBe('');
      expect(placeholders(message), `${locale}/${key} placeholders`).toEqual(placeholders(zh[key]!.message));
      // A bare `$` not followed by a digit or another `$` would be eaten by Chrome.
      expect(message.replace(/\$\$|\$[1-9]/g, ''), `${locale}/${key} has a stray $`).not.toContain('$');
      // `$2$3` reads as the named placeholder `$2$`: Chrome then refuses to load the extension.
      expect(message, `${locale}/${key} has $n$`).not.toMatch(/\$\w+\$/);
    }
  });
});

describe('en', () => {
  it('has no Chinese text (an English UI shows no message in Chinese)', () => {
    for (const [key, { message }] of Object.entries(read('en'))) expect(message, `en/${key}`).not.toMatch(CJK);
  });

  it('useLocale switches the unit tests\' chrome.i18n (and zod) to English and back', () => {
    useLocale('en');
    try {
      expect(t('save')).toBe('Save');
      expect(t('causeTransferredTo', '8005')).toBe('Transferred to 8005');
      expect(text(['exampleValue', '8001'])).toBe('e.g. 8001');
    } finally {
      useLocale('zh_CN');
    }
    expect(t('save')).toBe('保存');
    expect(text('dscomStateAfterCall')).toBe('整理');
  });
});

describe('messageTable', () => {
  it('reads each message when it is read, in the language of the moment, and keeps the entries that take values', () => {
    const table = messageTable({ saved: 'save' }, { transferred: (to: string) => t('causeTransferredTo', to) });
    expect(table.saved).toBe('保存');
    useLocale('en');
    try {
      expect(table.saved).toBe('Save');
      expect(table.transferred('8005')).toBe('Transferred to 8005');
      expect(Object.keys(table)).toEqual(['saved', 'transferred']);
    } finally {
      useLocale('zh_CN');
    }
  });
});

describe('t', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('returns the key when chrome.i18n is missing', () => {
    vi.stubGlobal('chrome', undefined); // the unit-test setup installs one (test/setup/i18n.ts)
    expect(t('save')).toBe('save');
  });

  it('unit tests read the default locale through the setup’s chrome.i18n', () => {
    expect(t('save')).toBe('保存');
    expect(t('redialNumber', '10086')).toBe('重拨 10086');
  });

  it('passes substitutions to chrome.i18n.getMessage', () => {
    const getMessage = vi.fn((name: string, subs?: string[]) => (name === 'redialNumber' ? `重拨 ${subs?.[0]}` : ''));
    vi.stubGlobal('chrome', { i18n: { getMessage } });
    expect(t('redialNumber', '10086')).toBe('重拨 10086');
    expect(getMessage).toHaveBeenCalledWith('redialNumber', ['10086']);
  });

  it('returns the key, never an empty string, when the message is missing', () => {
    vi.stubGlobal('chrome', { i18n: { getMessage: () => '' } });
    expect(t('save')).toBe('save');
  });
});
