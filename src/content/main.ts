/**
 * Content script entry. It runs only on sites the agent or the administrator enabled: the
 * service worker registers it for those origins at runtime (src/background/sites.ts) and
 * injects it once into the tab where a site was just enabled. It never holds credentials and
 * never touches the network: it reads the site's rules, keeps call buttons in the page,
 * frames the toolbar (top frame only) and sends the agent's deliberate clicks to the service
 * worker. All of it runs in the isolated world, next to page scripts that may be hostile
 * (docs/security.md).
 */
import browser from 'webextension-polyfill';
import { CallbarError, serializeError } from '../shared/errors.ts';
import type { Reply, TabEnvelope, TabMessages, TabMessageType } from '../shared/messages.ts';
import { send } from '../shared/messaging.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan, dialString, parseCellNumber, type PhoneMatch } from '../shared/phone/index.ts';
import {
  type ButtonRule,
  defaultPathPattern,
  newRuleId,
  pageKey,
  ruleApplies,
  RULES_KEY,
  rulesFromStorage,
  siteEnabled,
  type SiteSettings,
  SITES_KEY,
  type StoredRules,
} from '../shared/rules.ts';
import type { PageState } from '../shared/session-state.ts';
import { subscribeState } from '../shared/state-port.ts';
import { t } from '../shared/i18n.ts';
import { Annotator } from './annotator.ts';
import { detectedStillValid, TextDetector } from './autodetect.ts';
import { buttonRule, buttonSource, listenForClicks } from './call-button.ts';
import { countMatches, isPicking, startPicker, stopPicker } from './picker.ts';
import { showToast } from './toast.ts';
import { ToolbarHost } from './toolbar-host.ts';

// Registered for the site and also injected into the tab that just enabled it: run once.
const LOADED = '__callbarContentLoaded';
const scope = globalThis as unknown as Record<string, boolean | undefined>;
if (!scope[LOADED]) {
  scope[LOADED] = true;
  main();
}

function main(): void {
  const isTop = window.top === window;
  /** The tab's top-level origin: a frame's buttons act only under the site its rule was made for. */
  const topOrigin = isTop ? location.origin : (location.ancestorOrigins?.[location.ancestorOrigins.length - 1] ?? null);
  let stored: StoredRules = { rules: [], sites: {} };
  let site: SiteSettings = { autoDetect: false };
  let enabled = false;
  let plan: DialPlan = DEFAULT_DIAL_PLAN;
  let lastUrl = location.href;
  let subscribed = false;

  const dialOf = (text: string) => {
    const match = parseCellNumber(text);
    return match ? { dial: dialString(match, plan) } : null;
  };
  const detectedDial = (match: PhoneMatch) => dialString(match, plan);
  // The page's own DOM changes may be a route change made with pushState from its world (no event here).
  const annotator = new Annotator(dialOf, () => scheduleReport(), () => checkUrl());
  const toolbar = isTop ? new ToolbarHost() : null;

  // ── state from the service worker (PageState: no agent, no call) ─────────

  function onState(state: PageState): void {
    const nextPlan = state.dialPlan ?? DEFAULT_DIAL_PLAN;
    if (JSON.stringify(nextPlan) !== JSON.stringify(plan)) {
      plan = nextPlan;
      annotator.setResolver(dialOf);
    }
    toolbar?.setLoggedIn(enabled && state.loggedIn);
  }

  /** Frames connect only once they have something to show: ad frames stay silent. */
  function ensureSubscribed(): void {
    if (subscribed) return;
    subscribed = true;
    subscribeState<PageState>(onState);
  }

  // ── rules ──────────────────────────────────────────────────────────────

  function activeRules(): ButtonRule[] {
    return topOrigin ? stored.rules.filter((r) => ruleApplies(r, location, topOrigin)) : [];
  }

  function applyRules(): void {
    enabled = !!topOrigin && siteEnabled(location.origin, stored) && (isTop || siteEnabled(topOrigin, stored));
    if (!enabled) {
      // Disabled while the page was open (停用本站, last rule removed): leave nothing behind.
      annotator.setDetector(null);
      annotator.clear();
      toolbar?.dispose();
      return;
    }
    const active = activeRules();
    // Automatic detection in a frame only under its own site.
    const detect = site.autoDetect && topOrigin === location.origin;
    if (isTop || active.length || detect) ensureSubscribed();
    annotator.setRules(active);
    if (detect !== annotator.detecting()) {
      const shadowRoots = () => annotator.roots().filter((r): r is ShadowRoot => r instanceof ShadowRoot);
      annotator.setDetector(detect ? new TextDetector(detectedDial, (change) => annotator.quietly(change), shadowRoots) : null);
    }
  }

  async function loadStored(): Promise<void> {
    stored = rulesFromStorage(await browser.storage.local.get([RULES_KEY, SITES_KEY]));
    site = { autoDetect: false, ...(Object.hasOwn(stored.sites, location.origin) ? stored.sites[location.origin] : {}) };
  }

  async function addRule(selector: string, source: ButtonRule['source'], label?: string): Promise<number> {
    const trimmed = selector.trim();
    const matched = countMatches(trimmed);
    if (matched === null) throw new CallbarError('invalid-input', t('pageSelectorInvalid', trimmed.slice(0, 60)));
    await loadStored();
    if (!stored.rules.some((r) => r.origin === location.origin && r.selector === trimmed)) {
      const rule: ButtonRule = {
        id: newRuleId(),
        origin: location.origin,
        ...(topOrigin && topOrigin !== location.origin ? { topOrigin } : {}),
        pathPattern: defaultPathPattern(location.pathname),
        selector: trimmed,
        source,
        ...(label ? { label } : {}),
        createdAt: Date.now(),
      };
      stored = { ...stored, rules: [...stored.rules, rule] };
      await browser.storage.local.set({ [RULES_KEY]: stored.rules });
    }
    applyRules();
    await annotator.idle();
    return matched;
  }

  // ── badge count: how many dialable numbers this frame shows ───────────────

  let reportTimer: ReturnType<typeof setTimeout> | undefined;
  let lastReported = -1;
  /** A report is waiting for the annotator to finish (one waiter, however many batches go by). */
  let reportWhenIdle = false;
  function scheduleReport(): void {
    clearTimeout(reportTimer);
    reportTimer = setTimeout(() => {
      // Counted once the buttons are all in: a count walks the page (a live list's length), and
      // a 10k-row page gets its buttons over dozens of frames.
      if (annotator.busy()) {
        if (!reportWhenIdle) {
          reportWhenIdle = true;
          void annotator.idle().then(() => {
            reportWhenIdle = false;
            scheduleReport();
          });
        }
        return;
      }
      const count = annotator.count();
      if (count === lastReported) return;
      lastReported = count;
      void send('page/report-count', { count }).catch(() => undefined);
    }, 300);
  }

  // ── SPA route changes ─────────────────────────────────────────────────────

  function checkUrl(): void {
    if (location.href === lastUrl) return;
    lastUrl = location.href;
    applyRules();
  }
  window.addEventListener('popstate', checkUrl);
  window.addEventListener('hashchange', checkUrl);
  (window as { navigation?: EventTarget }).navigation?.addEventListener('currententrychange', () => setTimeout(checkUrl, 0));
  // pushState from the page's world fires no event here: the page's re-render does (the
  // annotator's observer calls checkUrl for every change of the page's).

  // ── messages from the popup / background ──────────────────────────────────

  type TabHandlers = { [K in TabMessageType]: (payload: TabMessages[K]['req']) => Promise<TabMessages[K]['res'] | undefined> };

  const tabHandlers: TabHandlers = {
    'page/start-picker': async () => {
      // Tiny frames (ads, trackers) do not take part.
      if (!isTop && (innerWidth < 120 || innerHeight < 80)) return undefined;
      if (!isPicking()) {
        void startPicker().then(async (result) => {
          void send('page/picker-done', {}).catch(() => undefined);
          if (!result) return;
          try {
            await addRule(result.selector, 'picker', result.label);
            showToast(t('pageButtonsPlaced', String(annotator.count())));
          } catch (error) {
            showToast(serializeError(error).message, 'error');
          }
        });
      }
      return { started: true };
    },
    'page/stop-picker': async () => {
      stopPicker();
      return isTop ? { stopped: true } : undefined;
    },
    'page/add-selector': async ({ selector }) => {
      // Only the frame where the selector matches answers (or the top frame, to report 0).
      const matched = countMatches(String(selector ?? '').trim());
      if (!isTop && !matched) return undefined;
      return { matched: await addRule(String(selector ?? ''), 'selector') };
    },
    'page/clear': async () => {
      await loadStored();
      stored = { ...stored, rules: stored.rules.filter((r) => r.origin !== location.origin) };
      await browser.storage.local.set({ [RULES_KEY]: stored.rules });
      const removed = annotator.clear();
      return isTop || removed ? { removed } : undefined;
    },
    'page/count': async () =>
      isTop ? { origin: location.origin, page: pageKey(location), buttons: annotator.count(), rules: activeRules().length, picking: isPicking() } : undefined,
    'page/toast': async ({ message, kind }) => {
      if (!isTop) return undefined;
      showToast(String(message).slice(0, 200), kind === 'error' ? 'error' : 'info');
      return { shown: true };
    },
    'page/selection': async () => {
      // The frame the agent is in, only: other frames' selections are not what they meant.
      if (!document.hasFocus()) return undefined;
      const text = window.getSelection()?.toString().trim() ?? '';
      return text ? { text: text.slice(0, 200) } : undefined;
    },
  };

  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    const envelope = message as TabEnvelope;
    if (envelope?.channel !== 'callbar-tab' || sender.id !== browser.runtime.id) return undefined;
    const handler = tabHandlers[envelope.type] as ((p: unknown) => Promise<unknown>) | undefined;
    if (!handler) return undefined;
    return handler(envelope.payload ?? {}).then(
      (value): Reply<unknown> | undefined => (value === undefined ? undefined : { ok: true, value }),
      (error): Reply<unknown> => ({ ok: false, error: serializeError(error) }),
    );
  });

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && (RULES_KEY in changes || SITES_KEY in changes)) void loadStored().then(applyRules);
  });

  listenForClicks({
    onDial: async (dial) => {
      try {
        await send('call/dial', { number: dial });
      } catch (error) {
        showToast(error instanceof CallbarError ? error.message : String(error), 'error');
      }
    },
    onRefused: (message) => showToast(message, 'error'),
    stillValid: (host, dial) =>
      buttonRule(host) === 'auto' ? detectedStillValid(host, buttonSource(host), dial, detectedDial) : annotator.verify(host, dial),
  });

  annotator.start();
  void loadStored().then(applyRules);
}
