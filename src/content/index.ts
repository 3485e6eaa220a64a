/**
 * Content script entry (every http(s) frame). It never holds credentials and never
 * touches the network: it reads the site's rules, keeps call buttons in the page,
 * shows the toolbar (top frame only) and sends the agent's trusted clicks to the
 * service worker.
 */
import browser from 'webextension-polyfill';
import { CallbarError, serializeError } from '../shared/errors.ts';
import type { Reply, TabEnvelope, TabMessages, TabMessageType } from '../shared/messages.ts';
import { send } from '../shared/messaging.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan, dialString, parseCellNumber } from '../shared/phone/index.ts';
import { type ButtonRule, defaultPathPattern, newRuleId, pageKey, ruleApplies, RULES_KEY, rulesFromStorage, type SiteSettings, SITES_KEY } from '../shared/rules.ts';
import type { PublicState } from '../shared/session-state.ts';
import { Annotator } from './annotator.ts';
import { detectIn } from './autodetect.ts';
import { listenForClicks, setButtonsBusy } from './call-button.ts';
import { countMatches, isPicking, startPicker, stopPicker } from './picker.ts';
import { subscribeState } from '../shared/state-port.ts';
import { showToast } from './toast.ts';
import type * as ToolbarModuleNs from './toolbar/index.tsx';

type ToolbarModule = typeof ToolbarModuleNs;

const isTop = window.top === window;
let allRules: ButtonRule[] = [];
let site: SiteSettings = { autoDetect: false };
let plan: DialPlan = DEFAULT_DIAL_PLAN;
let lastUrl = location.href;
let subscribed = false;

const dialOf = (text: string) => {
  const match = parseCellNumber(text);
  return match ? { dial: dialString(match, plan) } : null;
};
const annotator = new Annotator(dialOf, () => scheduleReport());

// ── state from the service worker ─────────────────────────────────────────

function onState(state: PublicState): void {
  const active = !!state.call && state.call.state !== 'ended';
  setButtonsBusy(state.dialing || active);
  const nextPlan = state.dialPlan ?? DEFAULT_DIAL_PLAN;
  if (JSON.stringify(nextPlan) !== JSON.stringify(plan)) {
    plan = nextPlan;
    annotator.setResolver(dialOf);
  }
  if (isTop) showToolbar(state);
}

/**
 * The toolbar (Preact and its components) is loaded the first time the agent is logged in:
 * pages of a browser where nobody is logged in get only the call buttons. States arriving
 * while it loads are applied in order.
 */
let toolbar: Promise<ToolbarModule> | null = null;
function showToolbar(state: PublicState): void {
  if (!toolbar && state.status !== 'loggedIn') return;
  toolbar ??= import('./toolbar/index.tsx');
  void toolbar.then(
    (module) => module.renderToolbar(state),
    (error) => console.warn('[callbar] the toolbar could not be loaded', error),
  );
}

/** Frames connect only once they have something to show: ad frames stay silent. */
function ensureSubscribed(): void {
  if (subscribed) return;
  subscribed = true;
  subscribeState(onState);
}

// ── rules ────────────────────────────────────────────────────────────────

function applyRules(): void {
  const active = allRules.filter((r) => ruleApplies(r, location));
  if (active.length || site.autoDetect) ensureSubscribed();
  annotator.onNodes = site.autoDetect ? (nodes) => void detectIn(nodes, (m) => dialString(m, plan)) : null;
  annotator.setRules(active);
  if (site.autoDetect) detectIn([document], (m) => dialString(m, plan));
  else annotator.clearDetected();
}

async function loadStored(): Promise<void> {
  const { rules, sites } = rulesFromStorage(await browser.storage.local.get([RULES_KEY, SITES_KEY]));
  allRules = rules;
  site = { autoDetect: false, ...sites[location.origin] };
}

async function addRule(selector: string, source: ButtonRule['source'], label?: string): Promise<number> {
  const trimmed = selector.trim();
  const matched = countMatches(trimmed);
  if (matched === null) throw new CallbarError('invalid-input', `“${trimmed.slice(0, 60)}”不是有效的 CSS 选择器`);
  await loadStored();
  if (!allRules.some((r) => r.origin === location.origin && r.selector === trimmed)) {
    const rule: ButtonRule = {
      id: newRuleId(),
      origin: location.origin,
      pathPattern: defaultPathPattern(location.pathname),
      selector: trimmed,
      source,
      ...(label ? { label } : {}),
      createdAt: Date.now(),
    };
    allRules = [...allRules, rule];
    await browser.storage.local.set({ [RULES_KEY]: allRules });
  }
  applyRules();
  await annotator.idle();
  return matched;
}

// ── badge count: how many dialable numbers this frame shows ─────────────────

let reportTimer: ReturnType<typeof setTimeout> | undefined;
let lastReported = -1;
function scheduleReport(): void {
  clearTimeout(reportTimer);
  reportTimer = setTimeout(() => {
    const count = annotator.count();
    if (count === lastReported) return;
    lastReported = count;
    void send('page/report-count', { count }).catch(() => undefined);
  }, 300);
}

// ── SPA route changes ───────────────────────────────────────────────────────

function checkUrl(): void {
  if (location.href === lastUrl) return;
  lastUrl = location.href;
  applyRules();
}
window.addEventListener('popstate', checkUrl);
window.addEventListener('hashchange', checkUrl);
(window as { navigation?: EventTarget }).navigation?.addEventListener('currententrychange', () => setTimeout(checkUrl, 0));
// pushState from the page's world fires no event here: the page's re-render does.
new MutationObserver(checkUrl).observe(document, { childList: true, subtree: true });

// ── messages from the popup / background ────────────────────────────────────

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
          showToast(`已在 ${annotator.count()} 个单元格放置拨号按钮`);
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
    allRules = allRules.filter((r) => r.origin !== location.origin);
    await browser.storage.local.set({ [RULES_KEY]: allRules });
    const removed = annotator.clear();
    return isTop || removed ? { removed } : undefined;
  },
  'page/count': async () =>
    isTop
      ? { origin: location.origin, page: pageKey(location), buttons: annotator.count(), rules: allRules.filter((r) => ruleApplies(r, location)).length }
      : undefined,
  'page/toast': async ({ message, kind }) => {
    if (!isTop) return undefined;
    showToast(String(message).slice(0, 200), kind === 'error' ? 'error' : 'info');
    return { shown: true };
  },
  'page/selection': async () => {
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

listenForClicks(
  (dial) => {
    setButtonsBusy(true); // at once: a second click while the request travels does nothing
    send('call/dial', { number: dial }).catch((error) => {
      setButtonsBusy(false);
      showToast(error instanceof CallbarError ? error.message : String(error), 'error');
    });
  },
  (message) => showToast(message, 'error'),
);

if (isTop) ensureSubscribed();
annotator.start();
void loadStored().then(applyRules);
