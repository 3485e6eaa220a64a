/**
 * Content script entry. It never holds credentials and never touches the network:
 * it reads the site's button rules, puts call buttons in the page, shows the
 * toolbar, and sends the agent's trusted clicks to the service worker.
 */
import browser from 'webextension-polyfill';
import { CallbarError, serializeError } from '../shared/errors.ts';
import type { Reply, TabEnvelope, TabMessages, TabMessageType } from '../shared/messages.ts';
import { applyRules, buttonCount, isOurNode, removeAllButtons, updateButtonsFor } from './call-buttons.ts';
import { isPicking, startPicker } from './picker.ts';
import { type ButtonRule, checkSelector, loadRules, newRuleId, RULES_KEY, rulesForLocation, saveRules } from './rules.ts';
import { subscribe } from './state-client.ts';
import { showToast } from './toast.ts';
import { renderToolbar } from './toolbar/index.tsx';

const isTop = window.top === window;
let rules: ButtonRule[] = [];

async function refreshRules(): Promise<void> {
  rules = rulesForLocation(await loadRules(), location);
  applyRules(rules);
}

// Re-apply on page changes, batched per animation frame.
let scheduled = false;
function scheduleApply(): void {
  if (scheduled || rules.length === 0) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    applyRules(rules);
  });
}

const observer = new MutationObserver((records) => {
  for (const record of records) {
    if (isOurNode(record.target) || [...record.addedNodes].every(isOurNode) && record.addedNodes.length > 0) continue;
    return scheduleApply();
  }
});

async function addRule(selector: string, source: ButtonRule['source']): Promise<number> {
  const check = checkSelector(selector);
  if (!check.ok) throw new CallbarError('invalid-input', check.error);
  const all = await loadRules();
  if (!all.some((r) => r.origin === location.origin && r.selector === selector.trim())) {
    all.push({ id: newRuleId(), origin: location.origin, pathPattern: '*', selector: selector.trim(), source, createdAt: Date.now() });
    await saveRules(all);
  }
  await refreshRules();
  return check.matched;
}

type TabHandlers = { [K in TabMessageType]: (payload: TabMessages[K]['req']) => Promise<TabMessages[K]['res']> };

const tabHandlers: TabHandlers = {
  'page/start-picker': async () => {
    if (isPicking()) return { started: true };
    void startPicker((selector) => checkSelector(selector).ok ? document.querySelectorAll(selector).length : 0).then(async (result) => {
      if (!result) return;
      try {
        await addRule(result.selector, 'picker');
        showToast(`已在 ${buttonCount()} 个单元格放置拨号按钮`);
      } catch (error) {
        showToast(serializeError(error).message, 'error');
      }
    });
    return { started: true };
  },
  'page/add-selector': async ({ selector }) => ({ matched: await addRule(String(selector ?? ''), 'selector') }),
  'page/clear': async () => {
    const all = await loadRules();
    await saveRules(all.filter((r) => r.origin !== location.origin));
    rules = [];
    return { removed: removeAllButtons() };
  },
  'page/count': async () => ({ buttons: buttonCount(), rules: rules.length }),
};

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  const envelope = message as TabEnvelope;
  if (envelope?.channel !== 'callbar-tab' || sender.id !== browser.runtime.id) return undefined;
  // Page tools act on the top frame only (frames come with the page-features work).
  if (!isTop) return undefined;
  const handler = tabHandlers[envelope.type] as ((p: unknown) => Promise<unknown>) | undefined;
  if (!handler) return undefined;
  return handler(envelope.payload ?? {}).then(
    (value): Reply<unknown> => ({ ok: true, value }),
    (error): Reply<unknown> => ({ ok: false, error: serializeError(error) }),
  );
});

browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && RULES_KEY in changes) void refreshRules();
});

subscribe((state) => {
  updateButtonsFor(state);
  if (isTop) renderToolbar(state);
});

void refreshRules();
observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
