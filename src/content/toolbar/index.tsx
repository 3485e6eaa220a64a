/**
 * Mounts the floating toolbar in the top frame while the agent is logged in, where the
 * agent put it on this site (per-site prefs in chrome.storage.local `callbar:toolbar`,
 * see position.ts), collapsed or not, and not at all on sites where it is hidden.
 * Prefs changed by another tab or by the popup apply at once.
 */
import { render } from 'preact';
import type { PublicState } from '../../shared/session-state.ts';
import { createShadowHost, isolateKeys } from '../shadow-host.ts';
import { showToast } from '../toast.ts';
import { Placement } from './placement.ts';
import type { SitePrefs } from './position.ts';
import { loadSitePrefs, saveSitePrefs, watchSitePrefs } from './prefs.ts';
import { Toolbar, TOOLBAR_CSS } from './toolbar.tsx';
import { t } from '../../shared/i18n.ts';

export { TOOLBAR_KEY, type SitePrefs, type StoredToolbarPrefs } from './position.ts';

const origin = location.origin;

let state: PublicState | null = null;
/** This site's prefs; null until loaded (nothing is shown before: no flash on hidden sites). */
let prefs: SitePrefs | null = null;
let loading: Promise<void> | null = null;
let mounted: { host: HTMLElement; root: ShadowRoot; placement: Placement } | null = null;

/** Show (or update, or remove) the toolbar for this session state. */
export function renderToolbar(next: PublicState): void {
  state = next;
  if (next.status === 'loggedIn') ensurePrefs();
  update();
}

/**
 * Hide or show the toolbar on this site (this tab at once, the site's other tabs through
 * storage). The popup's "在本站显示工具条" writes the same storage entry.
 */
export async function setToolbarHidden(hidden: boolean): Promise<void> {
  if (prefs) {
    prefs = { ...prefs, hidden };
    update();
  }
  await saveSitePrefs(origin, { hidden });
}

export function isToolbarHidden(): boolean {
  return prefs?.hidden ?? false;
}

function ensurePrefs(): void {
  if (loading) return;
  loading = loadSitePrefs(origin).then((loaded) => {
    // A change that arrived while loading wins over what was read.
    prefs ??= loaded;
    update();
  });
  watchSitePrefs(origin, (changed) => {
    prefs = changed;
    mounted?.placement.setDesired({ x: changed.x, y: changed.y });
    update();
  });
}

function update(): void {
  if (!state || state.status !== 'loggedIn' || !prefs || prefs.hidden) {
    unmount();
    return;
  }
  const current = prefs;
  const { host, root, placement } = mount(current);
  if (!host.isConnected) document.documentElement.append(host);
  render(
    <Toolbar
      state={state}
      collapsed={current.collapsed}
      mover={placement}
      onCollapse={(collapsed) => {
        if (prefs) prefs = { ...prefs, collapsed };
        update();
        void saveSitePrefs(origin, { collapsed }).catch(() => undefined);
      }}
      onHide={() => {
        void setToolbarHidden(true).catch(() => undefined);
        showToast(t('toolbarHiddenToast'));
      }}
    />,
    root,
  );
  placement.apply();
}

function mount(current: SitePrefs): NonNullable<typeof mounted> {
  if (mounted) return mounted;
  const { host, root } = createShadowHost('callbar-toolbar', TOOLBAR_CSS, {
    position: 'fixed',
    right: `${current.x}px`,
    bottom: `${current.y}px`,
    'z-index': '2147483647',
  });
  isolateKeys(root);
  document.documentElement.append(host);
  const placement = new Placement(host, { x: current.x, y: current.y }, (offset) => {
    if (prefs) prefs = { ...prefs, ...offset };
    void saveSitePrefs(origin, offset).catch(() => undefined);
  });
  mounted = { host, root, placement };
  return mounted;
}

function unmount(): void {
  if (!mounted) return;
  const { host, root, placement } = mounted;
  mounted = null;
  placement.dispose();
  render(null, root);
  host.remove();
}
