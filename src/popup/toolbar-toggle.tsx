/** 在本站显示工具条: the per-site switch the toolbar's × also flips (shared/toolbar-prefs.ts). */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { sitePrefs, TOOLBAR_KEY, withSitePrefs } from '../shared/toolbar-prefs.ts';
import { t } from '../shared/i18n.ts';

export function ToolbarToggle({ origin }: { origin: string }) {
  const [shown, setShown] = useState(true);
  useEffect(() => {
    void browser.storage.local.get(TOOLBAR_KEY).then((stored) => setShown(!sitePrefs(stored[TOOLBAR_KEY], origin).hidden));
  }, [origin]);
  return (
    <label class="check">
      <input
        type="checkbox"
        data-testid="toolbar-toggle"
        checked={shown}
        onChange={async (e) => {
          const show = (e.target as HTMLInputElement).checked;
          const stored = (await browser.storage.local.get(TOOLBAR_KEY))[TOOLBAR_KEY];
          await browser.storage.local.set({ [TOOLBAR_KEY]: withSitePrefs(stored, origin, { hidden: !show }) });
          setShown(show);
        }}
      />
      {t('toolbarShowOnSite')}
    </label>
  );
}
