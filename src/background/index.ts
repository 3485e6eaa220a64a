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
  dropSecrets,
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
  secretsServers,
  setLastProviderId,
  setSecretsServers,
  setRememberCredentials,
  storeSettings,
} from './settings-store.ts';
import { reportCount, watchTabs } from './tab-badges.ts';
import { waitForAccess } from './host-access.ts';
import { applyPolicyOrigins, dialAllowedFrom, disableSite, enableSite, onRulesChanged, sitesAwaitingAccess, siteStatus, syncRegistration } from './sites.ts';
import { RULES_KEY, SITES_KEY } from '../shared/rules.ts';
import { PHONE_LIFELINE_PORT, PHONE_STATUS_CHANNEL, type PhoneStatus } from '../shared/softphone.ts';
import { ChromePhoneLink, fromOffscreen, OFFSCREEN_URL_PATH } from './phone-link.ts';
import { hasOffscreen } from './offscreen-document.ts';

// Settings as in force: enterprise policy (chrome.storage.managed) on top of what the agent saved.
const settings = createPolicyStore(
  { loadSettings, storeSettings, lastProviderId, setLastProviderId, loadDialPlan, saveDialPlan, secretsServers, setSecretsServers, dropSecrets },
  () => browser.storage.managed.get(),
);
// The browser phone in the offscreen document; it registers with the devices chosen in the settings.
const phone = new ChromePhoneLink(async () => (await loadGeneral()).devices);
const engine = new SessionEngine({
  phone,
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
  saveGeneral: async (general) => {
    await saveGeneral(general);
    // A phone already running takes the new microphone / speaker at once.
    if (await hasOffscreen()) await phone.send({ type: 'devices', devices: general.devices }).catch(() => undefined);
  },
  rememberCredentials,
  setRememberCredentials,
  forgetCredentials,
  waitForAccess: (patterns) => waitForAccess(patterns),
  dialAllowed: dialAllowedFrom,
  siteStatus,
  enableSite,
  disableSite,
  sitesAwaitingAccess,
});
const extensionOrigin = browser.runtime.getURL('');

const offscreenUrl = browser.runtime.getURL(OFFSCREEN_URL_PATH);
browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if ((message as { channel?: unknown })?.channel === PHONE_STATUS_CHANNEL) {
    // The phone's status (a call came in, the socket dropped …): it wakes a stopped worker.
    if (fromOffscreen(sender, browser.runtime.id, offscreenUrl)) void engine.wake().then(() => phone.deliver((message as { status: PhoneStatus }).status));
    return undefined;
  }
  if (!isEnvelope(message)) return undefined;
  const kind = classifySender(sender, browser.runtime.id, extensionOrigin);
  return route(message, kind, handlers, engine, {
    ...(sender.tab?.id !== undefined ? { tabId: sender.tab.id } : {}),
    ...(sender.frameId !== undefined ? { frameId: sender.frameId } : {}),
    ...(sender.url ? { url: sender.url } : {}),
    ...((sender as { origin?: string }).origin ? { origin: (sender as { origin?: string }).origin } : {}),
    ...(sender.tab?.url ? { tabUrl: sender.tab.url } : {}),
  });
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name === PHONE_LIFELINE_PORT) {
    // The phone's document holds this port while it lives (phone-link.ts watches it).
    if (fromOffscreen(port.sender ?? {}, browser.runtime.id, offscreenUrl)) void engine.wake().then(() => phone.lifeline(port as unknown as chrome.runtime.Port));
    else port.disconnect();
    return;
  }
  if (port.name !== STATE_PORT) return;
  const kind = classifySender(port.sender ?? {}, browser.runtime.id, extensionOrigin);
  if (!kind) return port.disconnect();
  void engine.wake().then(() => attachPort(port, kind, engine.publicState()));
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void engine.wake();
});
browser.runtime.onStartup.addListener(() => void engine.wake());
listenForPageActions(engine);
listenForNotifications(engine);
watchTabs();
browser.runtime.onInstalled.addListener(() => void engine.wake());

// Where the content script runs follows the enabled sites and the access granted for them.
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && (RULES_KEY in changes || SITES_KEY in changes)) {
    void onRulesChanged(RULES_KEY in changes ? { oldRules: changes[RULES_KEY]!.oldValue ?? [] } : {});
  }
  if (area === 'managed') void settings.policyOrigins().then(applyPolicyOrigins);
});
browser.permissions.onAdded.addListener(() => void syncRegistration());
browser.permissions.onRemoved.addListener(() => void syncRegistration());
// An update wipes runtime-registered content scripts (test/enterprise/FINDINGS.md): register again.
// Policy values may arrive seconds after start-up: storage.onChanged ('managed') covers that.
browser.runtime.onInstalled.addListener(() => void settings.policyOrigins().then(applyPolicyOrigins));
browser.runtime.onStartup.addListener(() => void settings.policyOrigins().then(applyPolicyOrigins));

void engine.wake().then(() => publishState(engine.publicState()));
