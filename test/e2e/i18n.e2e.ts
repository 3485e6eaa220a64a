/**
 * Localization of the built extension: Simplified Chinese is the default locale (the
 * test browser runs with --lang=zh-CN), English is used when the browser's UI language
 * is English. The popup is drawn by script from _locales through chrome.i18n, and the
 * manifest's name comes from __MSG_extName__. Screenshot: test-output/popup-en.png.
 *
 * Chromium on Linux ignores --lang (CHROMIUM_ARGS' --lang=zh-CN included): its UI language,
 * and so the extension's locale, comes from the LANGUAGE / LC_ALL / LANG environment, and
 * needs that locale's .pak (Debian: chromium-l10n). launchWithExtension({ language }) sets both.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension, openPopup, ROOT, textOf } from './support/extension.ts';

const $ = (testid: string) => `[data-testid="${testid}"]`;

interface Shown {
  uiLanguage: string;
  manifestName: string;
  title: string;
  heading: string;
  login: string;
  pageTools: string;
  options: string;
}

async function shown(popup: Page): Promise<Shown> {
  const fromPage = await popup.evaluate(() => ({
    uiLanguage: chrome.i18n.getUILanguage(),
    manifestName: chrome.runtime.getManifest().name,
    title: document.title,
    heading: document.querySelector('header h1')?.textContent ?? '',
  }));
  return {
    ...fromPage,
    login: await textOf(popup, $('login')),
    pageTools: await textOf(popup, `${$('page-tools')} .strong`),
    options: await textOf(popup, $('open-options')),
  };
}

describe.each([
  {
    lang: 'en-US',
    language: 'en_US' as const,
    expected: {
      manifestName: 'CallBar Agent Phone Bar',
      title: 'CallBar Agent Phone Bar',
      heading: 'CallBar Agent Phone Bar',
      login: 'Log in',
      pageTools: 'Dial buttons on this page',
      options: 'Settings',
    },
  },
  {
    lang: 'zh-CN',
    language: 'zh_CN' as const,
    expected: {
      manifestName: 'CallBar 坐席电话条',
      title: 'CallBar 坐席电话条',
      heading: 'CallBar 坐席电话条',
      login: '登录',
      pageTools: '本页拨号按钮',
      options: '设置',
    },
  },
])('popup in $lang', ({ lang, language, expected }) => {
  let ext: ExtensionBrowser;
  let popup: Page;

  beforeAll(async () => {
    ext = await launchWithExtension({ language });
    popup = await openPopup(ext.browser);
  });

  afterAll(async () => {
    await ext?.close();
  });

  it('shows the UI and the manifest name in the browser language', async () => {
    const got = await shown(popup);
    expect(got.uiLanguage.toLowerCase()).toBe(lang.startsWith('en') ? 'en-us' : 'zh-cn');
    expect({ ...got, uiLanguage: undefined }).toEqual({ ...expected, uiLanguage: undefined });
  });

  it('has no message keys left untranslated on screen', async () => {
    // t() falls back to the key (camelCase ASCII) when a message is missing.
    const text = await popup.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(/\b(popup|login|pageTools|dialPlan|screenPop|recent|rules|call|dscom|ing800|softbar)[A-Z]\w*/);
    if (lang.startsWith('en')) {
      // The provider catalog (names, settings labels, hints) is English too: no Chinese line at all.
      const chinese = text.split('\n').filter((line) => /[\u4e00-\u9fff]/.test(line));
      expect(chinese, chinese.join(' | ')).toEqual([]);
      mkdirSync(join(ROOT, 'test-output'), { recursive: true });
      await popup.screenshot({ path: join(ROOT, 'test-output', 'popup-en.png'), fullPage: true });
    }
  });
});
