/**
 * Service worker entry. Every listener is registered synchronously here, at the top
 * level, so the event that woke a stopped worker is delivered. Each of them first
 * wakes the session engine, which reloads state from chrome.storage.session and
 * resumes the provider's polling.
 */
import browser from 'webextension-polyfill';
import { PROVIDERS } from '../providers/registry.ts';
import { STATE_PORT } from '../shared/messages.ts';
import { attachPort, publishState } from './broadcast.ts';
import { keepAlive, WAKE_ALARM } from './keep-alive.ts';
import { classifySender, createHandlers, isEnvelope, route } from './router.ts';
import { SessionEngine } from './session-engine.ts';
import { listenForNotifications, onCallChange, onCallRecord } from './call-effects.ts';
import { listenForPageActions, stopPickerInTab } from './page-actions.ts';
import { createPolicyStore } from './policy.ts';
import {
  forgetCredentials,
  lastProviderId,
  loadDialPlan,
  loadGeneral,
  loadHistory,
  loadSettings,
  rememberCredentials,
  saveDialPlan,
  saveGeneral,
  saveHistory,
  setLastProviderId,
  setRememberCredentials,
  storeSettings,
} from './settings-store.ts';
import { reportCount, watchTabs } from './tab-badges.ts';

// Settings as in force: enterprise policy (chrome.storage.managed) on top of what the agent saved.
const settings = createPolicyStore(
  { loadSettings, storeSettings, lastProviderId, setLastProviderId, loadDialPlan, saveDialPlan },
  () => browser.storage.managed.get(),
);
const engine = new SessionEngine({
  providers: PROVIDERS,
  storage: browser.storage.session as never,
  loadSettings: settings.loadSettings,
  saveSettings: settings.saveSettings,
  loadDialPlan: settings.loadDialPlan,
  saveDialPlan: settings.saveDialPlan,
  publish: publishState,
  keepAlive,
  onCallChange,
  onCallRecord,
  now: () => Date.now(),
  log: (message, detail) => console.warn(`[callbar] ${message}`, detail ?? ''),
});
const handlers = createHandlers({
  loadSettings: settings.loadSettings,
  lastProviderId: settings.lastProviderId,
  loadDialPlan: settings.loadDialPlan,
  loginSettings: settings.loginSettings,
  saveChanges: settings.saveChanges,
  reportCount,
  stopPicker: stopPickerInTab,
  loadHistory,
  clearHistory: () => saveHistory([]),
  loadGeneral,
  saveGeneral,
  rememberCredentials,
  setRememberCredentials,
  forgetCredentials,
});
const extensionOrigin = browser.runtime.getURL('');

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (!isEnvelope(message)) return undefined;
  const kind = classifySender(sender, browser.runtime.id, extensionOrigin);
  return route(message, kind, handlers, engine, { ...(sender.tab?.id !== undefined ? { tabId: sender.tab.id } : {}), ...(sender.frameId !== undefined ? { frameId: sender.frameId } : {}) });
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== STATE_PORT) return;
  const kind = classifySender(port.sender ?? {}, browser.runtime.id, extensionOrigin);
  if (!kind) return port.disconnect();
  void engine.wake().then(() => attachPort(port, engine.publicState()));
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void engine.wake();
});
browser.runtime.onStartup.addListener(() => void engine.wake());
listenForPageActions(engine);
listenForNotifications(engine);
watchTabs();
browser.runtime.onInstalled.addListener(() => void engine.wake());

void engine.wake().then(() => publishState(engine.publicState()));
