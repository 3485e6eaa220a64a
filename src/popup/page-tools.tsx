/** Page tools: pick the phone column, insert by selector, clear; the site's rules. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { CallbarError, errorMessage } from '../shared/errors.ts';
import { sendToTab } from '../shared/messaging.ts';
import { RulesEditor } from './rules-editor.tsx';
import { ToolbarToggle } from './toolbar-toggle.tsx';
import { t } from '../shared/i18n.ts';

/** The tab the page tools act on: `?tab=<id>` when the popup runs in a tab of its own, else the active tab. */
async function targetTabId(): Promise<number> {
  const fromQuery = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab?.id) throw new CallbarError('unsupported', t('pageToolsNoTab'));
  return tab.id;
}

export function PageTools() {
  const [selector, setSelector] = useState('');
  const [info, setInfo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState<{ origin: string; page: string; buttons: number } | null>(null);
  const refresh = async () => {
    try {
      setPage(await sendToTab(await targetTabId(), 'page/count', {}));
    } catch {
      setPage(null); // not a web page (new tab, chrome://): page tools do not apply
    }
  };
  useEffect(() => {
    void refresh();
    // The count changes as the page loads rows or the agent picks a column.
    const timer = setInterval(() => void refresh(), 1500);
    return () => clearInterval(timer);
  }, []);
  const run = async (action: (tabId: number) => Promise<string>) => {
    setError(null);
    setInfo(null);
    try {
      setInfo(await action(await targetTabId()));
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section class="card" data-testid="page-tools">
      <div class="row">
        <span class="strong">{t('pageToolsTitle')}</span>
        {page && (
          <span class="muted small" data-testid="page-button-count">
            {t('pageToolsCount', String(page.buttons))}
          </span>
        )}
      </div>
      <div class="actions">
        <button
          data-testid="start-picker"
          onClick={() =>
            run(async (tab) => {
              await sendToTab(tab, 'page/start-picker', {});
              if (!new URLSearchParams(location.search).get('tab')) window.close();
              return t('pageToolsPickerHint');
            })
          }
        >
          {t('pageToolsPick')}
        </button>
        <button data-testid="clear-rules" onClick={() => run(async (tab) => t('pageToolsCleared', String((await sendToTab(tab, 'page/clear', {})).removed)))}>
          {t('pageToolsClearAll')}
        </button>
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async (tab) => t('pageToolsSelectorMatched', String((await sendToTab(tab, 'page/add-selector', { selector })).matched)));
        }}
      >
        <input data-testid="selector-input" placeholder={t('pageToolsSelectorPlaceholder')} value={selector} onInput={(e) => setSelector((e.target as HTMLInputElement).value)} />
        <button type="submit" data-testid="add-selector">
          {t('pageToolsInsert')}
        </button>
      </form>
      {info && (
        <div class="small ok-text" data-testid="page-tools-info">
          {info}
        </div>
      )}
      {error && (
        <div class="banner error" role="alert" data-testid="page-tools-error">
          {error}
        </div>
      )}
      {page && <ToolbarToggle origin={page.origin} />}
      {page && <RulesEditor origin={page.origin} page={page.page} />}
    </section>
  );
}
