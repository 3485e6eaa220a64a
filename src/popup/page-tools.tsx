/** Page tools: pick the phone column, insert by selector, clear; the site's rules. */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { CallbarError, errorMessage } from '../shared/errors.ts';
import { sendToTab } from '../shared/messaging.ts';
import { RulesEditor } from './rules-editor.tsx';
import { ToolbarToggle } from './toolbar-toggle.tsx';

/** The tab the page tools act on: `?tab=<id>` when the popup runs in a tab of its own, else the active tab. */
async function targetTabId(): Promise<number> {
  const fromQuery = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab?.id) throw new CallbarError('unsupported', '没有可操作的页面');
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
        <span class="strong">本页拨号按钮</span>
        {page && (
          <span class="muted small" data-testid="page-button-count">
            {page.buttons} 个
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
              return '请在页面上点击号码列中的任意单元格';
            })
          }
        >
          选择号码列
        </button>
        <button data-testid="clear-rules" onClick={() => run(async (tab) => `已清除 ${(await sendToTab(tab, 'page/clear', {})).removed} 个拨号按钮`)}>
          清除所有
        </button>
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async (tab) => `选择器匹配 ${(await sendToTab(tab, 'page/add-selector', { selector })).matched} 个元素，已放置拨号按钮`);
        }}
      >
        <input data-testid="selector-input" placeholder="根据路径插入：CSS 选择器，如 td.phone" value={selector} onInput={(e) => setSelector((e.target as HTMLInputElement).value)} />
        <button type="submit" data-testid="add-selector">
          插入
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
