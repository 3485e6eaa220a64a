/**
 * Frames the floating toolbar into the top frame of an enabled site while the agent is logged
 * in, where the agent put it on this site (per-site prefs in chrome.storage.local
 * `callbar:toolbar`, see position.ts), and not at all where it is hidden.
 *
 * The toolbar itself is an extension page (src/toolbar/) in an <iframe>, inside a closed
 * shadow root: the page cannot read its text, focus or fill its fields, see what the agent
 * types there, or send it events (docs/security.md). This side only places the frame: it sets
 * the size the toolbar asks for and moves it when the agent drags it. Those requests come from
 * the toolbar page through chrome.tabs.sendMessage (checked: our extension, the toolbar page's
 * URL) — a web page cannot send them.
 */
import browser from 'webextension-polyfill';
import type { ToolbarHostMessage } from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import { loadSitePrefs, saveSitePrefs, watchSitePrefs } from '../shared/toolbar-prefs-store.ts';
import { pageControls, Placement, viewportSize } from './placement.ts';
import { freeSpot, type Offset, type SitePrefs } from './position.ts';
import { createShadowHost } from './shadow-host.ts';
import { showToast } from './toast.ts';

export const TOOLBAR_PAGE = 'src/toolbar/index.html';
const MAX_SIZE = 4000;
/**
 * The room CallBar keeps free of the page's controls for a toolbar the agent has not placed:
 * its width, and the height of its tallest everyday state (a call card with its actions under
 * the state switch, about 200 px), so the spot stays free when a call comes.
 */
const ROOM_HEIGHT = 210;

const FRAME_CSS = `
iframe { display: block; border: 0; margin: 0; padding: 0; background: transparent; color-scheme: normal;
  border-radius: 12px; box-shadow: 0 10px 30px rgba(15, 23, 42, .16), 0 2px 6px rgba(15, 23, 42, .08); }
/* Not visibility: hidden — Chrome stops rendering hidden cross-origin frames, so the toolbar could not measure itself. */
iframe.loading { opacity: 0; pointer-events: none; }
`;

interface Mounted {
  host: HTMLElement;
  frame: HTMLIFrameElement;
  placement: Placement;
  /** The size the toolbar asked for; the frame gets it capped by the viewport. */
  natural: { width: number; height: number } | null;
  /** Where CallBar put it on this page while the agent has not placed it (freeSpot). */
  autoSpot: Offset | null;
  onResize: () => void;
}

export class ToolbarHost {
  private loggedIn = false;
  private prefs: SitePrefs | null = null;
  private loading: Promise<void> | null = null;
  private mounted: Mounted | null = null;
  private readonly origin = location.origin;

  constructor() {
    browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
      const msg = message as ToolbarHostMessage;
      if (msg?.channel !== 'callbar-toolbar' || !isToolbarPage(sender)) return undefined;
      this.onFrameMessage(msg);
      return undefined;
    });
  }

  /** The agent logged in or out. */
  setLoggedIn(loggedIn: boolean): void {
    this.loggedIn = loggedIn;
    if (loggedIn) this.ensurePrefs();
    this.update();
  }

  /** The site was disabled: take the toolbar away for good. */
  dispose(): void {
    this.loggedIn = false;
    this.update();
  }

  private ensurePrefs(): void {
    if (this.loading) return;
    this.loading = loadSitePrefs(this.origin).then((loaded) => {
      this.prefs ??= loaded;
      this.update();
    });
    watchSitePrefs(this.origin, (changed) => {
      const wasHidden = this.prefs?.hidden;
      this.prefs = changed;
      const auto = !changed.placed ? this.mounted?.autoSpot : null;
      this.mounted?.placement.setDesired(auto ?? { x: changed.x, y: changed.y });
      if (changed.hidden && wasHidden === false && this.mounted) showToast(t('toolbarHiddenToast'));
      this.update();
    });
  }

  private update(): void {
    if (!this.loggedIn || !this.prefs || this.prefs.hidden) return this.unmount();
    const mounted = this.mount(this.prefs);
    // A page that removed it gets it back.
    if (!mounted.host.isConnected) document.documentElement.append(mounted.host);
    mounted.placement.apply();
  }

  private mount(prefs: SitePrefs): Mounted {
    if (this.mounted) return this.mounted;
    const { host, root } = createShadowHost('callbar-toolbar', FRAME_CSS, {
      position: 'fixed',
      right: `${prefs.x}px`,
      bottom: `${prefs.y}px`,
      'z-index': '2147483647',
      display: 'block',
    });
    const frame = document.createElement('iframe');
    frame.className = 'loading';
    frame.title = t('extName');
    // 复制号码 writes to the clipboard from the frame: a cross-origin frame needs it delegated.
    frame.allow = 'clipboard-write';
    frame.width = '280';
    frame.height = '40';
    frame.src = browser.runtime.getURL(TOOLBAR_PAGE);
    root.append(frame);
    document.documentElement.append(host);
    const placement = new Placement(host, { x: prefs.x, y: prefs.y }, (offset) => {
      if (this.prefs) this.prefs = { ...this.prefs, ...offset, placed: true };
      void saveSitePrefs(this.origin, offset).catch(() => undefined);
    });
    const mounted: Mounted = { host, frame, placement, natural: null, autoSpot: null, onResize: () => this.fit(mounted) };
    // Before the placement's own resize handling, so it clamps the frame at its new size.
    window.addEventListener('resize', mounted.onResize, true);
    this.mounted = mounted;
    return mounted;
  }

  private unmount(): void {
    if (!this.mounted) return;
    const { host, placement, onResize } = this.mounted;
    this.mounted = null;
    this.stopFollowing?.();
    window.removeEventListener('resize', onResize, true);
    placement.dispose();
    host.remove();
  }

  private stopFollowing: (() => void) | null = null;

  /** Before it first shows: a spot that covers none of the page's controls, if there is one. */
  private placeFreely(mounted: Mounted): void {
    if (!mounted.natural) return;
    const viewport = viewportSize();
    const room = { width: mounted.natural.width, height: Math.max(mounted.natural.height, ROOM_HEIGHT) };
    const spot = freeSpot(room, viewport, pageControls(viewport, new Set([mounted.host])));
    if (!spot) return;
    mounted.autoSpot = spot;
    mounted.placement.setDesired(spot);
  }

  /** The frame at the toolbar's size, never larger than the page's viewport (the toolbar page scrolls then). */
  private fit(mounted: Mounted): void {
    if (!mounted.natural) return;
    const viewport = viewportSize();
    mounted.frame.width = String(Math.min(mounted.natural.width, viewport.width));
    mounted.frame.height = String(Math.min(mounted.natural.height, viewport.height));
    mounted.placement.apply();
  }

  /**
   * While the agent drags the header, the pointer leaves the frame: whether Chrome keeps sending
   * the moves to the frame (mouse capture) or to the page depends on the platform. Moves the page
   * gets are caught by a transparent cover inside our closed shadow root and applied here, in the
   * same screen coordinates the frame uses, until the button is released. Only trusted events.
   */
  private followPointer(mounted: Mounted, startX: number, startY: number): void {
    this.stopFollowing?.();
    const cover = document.createElement('div');
    for (const [k, v] of Object.entries({ position: 'fixed', inset: '0', cursor: 'grabbing', 'z-index': '2147483647', background: 'transparent' })) {
      cover.style.setProperty(k, v, 'important');
    }
    mounted.frame.before(cover);
    const move = (event: PointerEvent) => {
      if (!event.isTrusted) return;
      if (event.buttons === 0) return end();
      mounted.placement.dragBy(event.screenX - startX, event.screenY - startY);
    };
    const end = () => {
      window.removeEventListener('pointermove', move, true);
      window.removeEventListener('pointerup', up, true);
      cover.remove();
      this.stopFollowing = null;
      mounted.placement.endDrag();
    };
    const up = (event: PointerEvent) => {
      if (event.isTrusted) end();
    };
    window.addEventListener('pointermove', move, true);
    window.addEventListener('pointerup', up, true);
    this.stopFollowing = () => {
      window.removeEventListener('pointermove', move, true);
      window.removeEventListener('pointerup', up, true);
      cover.remove();
      this.stopFollowing = null;
    };
  }

  private onFrameMessage(msg: ToolbarHostMessage): void {
    const mounted = this.mounted;
    if (!mounted) return;
    switch (msg.type) {
      case 'size': {
        mounted.natural = { width: clampSize(msg.width), height: clampSize(msg.height) };
        const first = mounted.frame.classList.contains('loading');
        if (first && this.prefs && !this.prefs.placed) this.placeFreely(mounted);
        mounted.frame.classList.remove('loading');
        return this.fit(mounted);
      }
      case 'drag-start':
        mounted.placement.beginDrag();
        return this.followPointer(mounted, finite(msg.screenX), finite(msg.screenY));
      case 'drag':
        return mounted.placement.dragBy(finite(msg.dx), finite(msg.dy));
      case 'drag-end':
        this.stopFollowing?.();
        return mounted.placement.endDrag();
      case 'nudge':
        return mounted.placement.nudge(finite(msg.dx), finite(msg.dy));
    }
  }
}

/** The sender is our own toolbar page (not a web page, not another extension). */
function isToolbarPage(sender: browser.Runtime.MessageSender): boolean {
  if (sender.id !== browser.runtime.id || !sender.url) return false;
  const url = sender.url;
  // The page's own URL, or the per-session one getURL gives for it (use_dynamic_url).
  return url.startsWith(`chrome-extension://${browser.runtime.id}/${TOOLBAR_PAGE}`) || url.startsWith(browser.runtime.getURL(TOOLBAR_PAGE));
}

function clampSize(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.ceil(value) : 0;
  return Math.min(Math.max(n, 1), MAX_SIZE);
}

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(-MAX_SIZE, Math.min(MAX_SIZE, value)) : 0;
}
