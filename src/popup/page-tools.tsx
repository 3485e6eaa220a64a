/**
 * Page tools: where CallBar runs and what it does on the current site. A site must be enabled
 * first (docs/security.md): 选择号码列, 根据路径插入 and 自动识别本站号码 each enable it in the
 * same click (asking Chrome for the site's access); 停用本站 disables it and gives the access
 * back. On an enabled site: pick the phone column, insert by selector, clear, the site's rules.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { CallbarError, errorMessage } from '../shared/errors.ts';
import type { EnableResult, EnableThen, SiteStatus } from '../shared/messages.ts';
import { send, sendToTab } from '../shared/messaging.ts';
import { RULES_KEY, SITES_KEY } from '../shared/rules.ts';
import { RulesEditor } from './rules-editor.tsx';
import { readAll, writeSites } from './rules-io.ts';
import { disableIfEmpty, enableSite, grantAwaiting, tabOrigin } from './site-access.ts';
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

const inOwnTab = () => !!new URLSearchParams(location.search).get('tab');

export function PageTools() {
  const [tabId, setTabId] = useState<number | null>(null);
  const [site, setSite] = useState<SiteStatus | null>(null);
  const [awaiting, setAwaiting] = useState<string[]>([]);
  const [selector, setSelector] = useState('');
  const [info, setInfo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState<{ origin: string; page: string; buttons: number; rules: number; picking: boolean; at: number } | null>(null);
  /** The picker was started from this popup (in a tab of its own, it stays open): when, and the rules then. */
  const [picking, setPicking] = useState<{ since: number; rules: number } | null>(null);

  const refresh = async () => {
    try {
      const id = tabId ?? (await targetTabId());
      setTabId(id);
      const origin = await tabOrigin(id);
      setSite(origin ? await send('sites/status', { origin }) : null);
      setAwaiting(await send('sites/awaiting', {}));
      const at = Date.now();
      const counted = origin ? await sendToTab(id, 'page/count', {}).catch(() => null) : null;
      setPage(counted ? { ...counted, at } : null);
    } catch {
      setSite(null);
      setPage(null);
    }
  };
  useEffect(() => {
    void refresh();
    // The count changes as the page loads rows or the agent picks a column.
    const timer = setInterval(() => void refresh(), 1500);
    const onChange = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && (RULES_KEY in changes || SITES_KEY in changes)) void refresh();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => {
      clearInterval(timer);
      browser.storage.onChanged.removeListener(onChange);
    };
  }, []);

  /**
   * Run a page action. On a site CallBar does not run on yet, the action enables it first: Chrome
   * asks for the site's access in this very click (it must be the first thing the click does), and
   * the background does the action once it is granted (src/popup/site-access.ts).
   */
  const run = (then: EnableThen, action: (tabId: number) => Promise<string | null>, done: (result: EnableResult) => string | null) => {
    setError(null);
    setInfo(null);
    if (!site || tabId === null) return setError(t('pageToolsNoTab'));
    const work = site.enabled && site.granted ? action(tabId) : enableSite(site.origin, tabId, then).then(done);
    void work
      .then(async (text) => {
        if (text) setInfo(text);
        await refresh();
      })
      .catch((e) => setError(errorMessage(e)));
  };
  /** An action that needs the site enabled already (clear all). */
  const runEnabled = (action: (tabId: number) => Promise<string>) => {
    setError(null);
    setInfo(null);
    if (tabId === null) return;
    void action(tabId)
      .then(async (text) => {
        setInfo(text);
        await refresh();
      })
      .catch((e) => setError(errorMessage(e)));
  };
  const pickerStarted = () => {
    if (!inOwnTab()) window.close();
    setPicking({ since: Date.now(), rules: page?.rules ?? 0 });
    return t('pageToolsPickerHint');
  };
  // The picker finished on the page: the hint to click the page is over; say what came of it.
  useEffect(() => {
    if (!picking || !page || page.at < picking.since || page.picking) return;
    setPicking(null);
    setInfo(page.rules > picking.rules ? t('pageButtonsPlaced', String(page.buttons)) : t('pageToolsPickerCancelled'));
  }, [picking, page]);

  if (!site) {
    return (
      <section class="card" data-testid="page-tools">
        <div class="row">
          <span class="strong">{t('pageToolsTitle')}</span>
        </div>
        <div class="muted small" data-testid="page-tools-unavailable">
          {t('siteNotWebPage')}
        </div>
        <Awaiting origins={awaiting} onDone={refresh} onError={setError} />
        {error && <Alert text={error} />}
      </section>
    );
  }
  const enabled = site.enabled && site.granted;
  const host = new URL(site.origin).host;
  return (
    <section class="card" data-testid="page-tools" data-site-enabled={enabled ? 'true' : 'false'}>
      <div class="row">
        <span class="strong">{t('pageToolsTitle')}</span>
        {enabled && page && (
          <span class="muted small" data-testid="page-button-count">
            {t('pageToolsCount', String(page.buttons))}
          </span>
        )}
      </div>
      <div class="muted small" data-testid="site-status">
        {site.byPolicy ? t('siteEnabledByPolicy', host) : enabled ? t('siteEnabled', host) : t('siteNotEnabled', host)}
      </div>
      <div class="actions">
        <button
          data-testid="start-picker"
          onClick={() =>
            run(
              { kind: 'picker' },
              async (tab) => (await sendToTab(tab, 'page/start-picker', {}), pickerStarted()),
              pickerStarted,
            )
          }
        >
          {t('pageToolsPick')}
        </button>
        {enabled && (
          <button
            data-testid="clear-rules"
            onClick={() =>
              runEnabled(async (tab) => {
                const { removed } = await sendToTab(tab, 'page/clear', {});
                // No rule left: CallBar stops running on the site and gives its access back.
                const off = await disableIfEmpty(site.origin);
                return off ? `${t('pageToolsCleared', String(removed))} ${t('siteDisabled', host)}` : t('pageToolsCleared', String(removed));
              })
            }
          >
            {t('pageToolsClearAll')}
          </button>
        )}
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          run(
            { kind: 'selector', selector },
            async (tab) => t('pageToolsSelectorMatched', String((await sendToTab(tab, 'page/add-selector', { selector })).matched)),
            (result) => t('pageToolsSelectorMatched', String(result.matched ?? 0)),
          );
        }}
      >
        <input data-testid="selector-input" placeholder={t('pageToolsSelectorPlaceholder')} value={selector} onInput={(e) => setSelector((e.target as HTMLInputElement).value)} />
        <button type="submit" data-testid="add-selector">
          {t('pageToolsInsert')}
        </button>
      </form>
      {!enabled && (
        <label class="check">
          <input
            type="checkbox"
            data-testid="autodetect-enable"
            checked={false}
            onChange={() =>
              run(
                { kind: 'autodetect' },
                async () => {
                  const { sites } = await readAll();
                  await writeSites({ ...sites, [site.origin]: { ...sites[site.origin], autoDetect: true } });
                  return null;
                },
                () => null,
              )
            }
          />
          {t('rulesAutoDetect')}
        </label>
      )}
      {info && (
        <div class="small ok-text" data-testid="page-tools-info">
          {info}
        </div>
      )}
      {error && <Alert text={error} />}
      {enabled && page && <ToolbarToggle origin={site.origin} />}
      {enabled && page && <RulesEditor origin={site.origin} page={page.page} />}
      {enabled && !site.byPolicy && (
        <button
          class="link small"
          data-testid="disable-site"
          onClick={() => {
            setError(null);
            void send('sites/disable', { origin: site.origin })
              .then(() => {
                setInfo(t('siteDisabled', host));
                return refresh();
              })
              .catch((e) => setError(errorMessage(e)));
          }}
        >
          {t('siteDisable')}
        </button>
      )}
      <Awaiting origins={awaiting} onDone={refresh} onError={setError} />
    </section>
  );
}

function Alert({ text }: { text: string }) {
  return (
    <div class="banner error" role="alert" data-testid="page-tools-error">
      {text}
    </div>
  );
}

/** Sites whose call buttons wait for access again (rules from before, an import, policy): one click, one prompt. */
function Awaiting({ origins, onDone, onError }: { origins: string[]; onDone: () => void; onError: (text: string) => void }) {
  if (!origins.length) return null;
  return (
    <div class="banner" data-testid="sites-awaiting">
      <div>{t('sitesAwaiting', String(origins.length), origins.map((o) => new URL(o).host).join(t('listSeparator')))}</div>
      <button
        class="small"
        data-testid="grant-awaiting"
        onClick={() =>
          void grantAwaiting(origins)
            .then(onDone)
            .catch((e) => onError(errorMessage(e)))
        }
      >
        {t('sitesGrant')}
      </button>
    </div>
  );
}
