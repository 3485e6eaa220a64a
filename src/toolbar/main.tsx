/**
 * The toolbar frame: an extension page that the content script frames into the top frame of
 * an enabled site while the agent is logged in (src/content/toolbar-host.ts). Being an
 * extension page in a cross-origin frame is the point: the web page cannot read its text,
 * focus or fill its fields, see what the agent types or send it events (docs/security.md).
 * It gets the full PublicState over its own state port, sends the agent's actions to the
 * service worker like the popup does, and asks the content script only for a size and for
 * moves. The site's prefs (collapsed, hidden) are the top-level page's origin's.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { Refusal } from '../shared/agent-intent.ts';
import { t } from '../shared/i18n.ts';
import type { PublicState } from '../shared/session-state.ts';
import { subscribeState } from '../shared/state-port.ts';
import type { SitePrefs } from '../shared/toolbar-prefs.ts';
import { loadSitePrefs, saveSitePrefs, watchSitePrefs } from '../shared/toolbar-prefs-store.ts';
import { guardInput } from './input-guard.ts';
import { hostChannel, hostMover } from './mover.ts';
import { Toolbar, TOOLBAR_CSS } from './toolbar.tsx';

const REFUSALS: Record<Exclude<Refusal, 'untrusted'>, Parameters<typeof t>[0]> = {
  missed: 'toolbarRefusedHidden',
  hidden: 'toolbarRefusedHidden',
  moving: 'toolbarRefusedMoving',
  unfocused: 'toolbarRefusedUnfocused',
};

/** The page this frame sits on; null when it is not framed by a top-level page (opened on its own). */
function siteOrigin(): string | null {
  const ancestors = location.ancestorOrigins;
  return ancestors && ancestors.length === 1 ? (ancestors[0] ?? null) : null;
}

function App({ origin, post }: { origin: string; post: ReturnType<typeof hostChannel> }) {
  const [state, setState] = useState<PublicState | null>(null);
  const [prefs, setPrefs] = useState<SitePrefs | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => subscribeState(setState), []);
  useEffect(() => {
    void loadSitePrefs(origin).then((loaded) => setPrefs((current) => current ?? loaded));
    return watchSitePrefs(origin, setPrefs);
  }, []);
  useEffect(() => {
    const bar = document.getElementById('app')!;
    guardInput(bar, (reason) => setRefused(t(REFUSALS[reason])));
    // The frame is as large as the bar: tell the content script whenever that changes.
    const observer = new ResizeObserver(() => {
      const box = bar.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) post({ type: 'size', width: box.width, height: box.height });
    });
    observer.observe(bar);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (!refused) return;
    const timer = setTimeout(() => setRefused(null), 4000);
    return () => clearTimeout(timer);
  }, [refused]);
  if (!state || !prefs || state.status !== 'loggedIn') return null;
  return (
    <Toolbar
      state={state}
      collapsed={prefs.collapsed}
      mover={mover ??= hostMover(post)}
      refused={refused}
      onCollapse={(collapsed) => {
        setPrefs({ ...prefs, collapsed });
        void saveSitePrefs(origin, { collapsed }).catch(() => undefined);
      }}
      onHide={() => void saveSitePrefs(origin, { hidden: true }).catch(() => undefined)}
    />
  );
}

let mover: ReturnType<typeof hostMover> | undefined;

document.title = t('extName');
const sheet = new CSSStyleSheet();
sheet.replaceSync(TOOLBAR_CSS);
document.adoptedStyleSheets = [sheet];
const origin = siteOrigin();
if (origin) {
  void browser.tabs.getCurrent().then((tab) => {
    if (tab?.id === undefined) return;
    render(<App origin={origin} post={hostChannel(tab.id)} />, document.getElementById('app')!);
  });
}
