/**
 * The throw-away MV3 extension the enterprise probe force-installs (written to a temp dir at run
 * time, never shipped). It mimics CallBar's least-privilege flow: no install-time content script;
 * the service worker reads a policy list of CRM origins from chrome.storage.managed and registers
 * a content script (chrome.scripting.registerContentScripts) for each origin it has host access to.
 *
 * Host names (all mapped to 127.0.0.1 with --host-resolver-rules):
 * - crm-required.test   listed in the manifest's required host_permissions
 * - crm-blocked.test    required too, but listed in ExtensionSettings runtime_blocked_hosts
 * - *.zone.test         required (http://*.zone.test/*); runtime_blocked_hosts blocks *.zone.test and
 *                       runtime_allowed_hosts lets allowed.zone.test through again
 * - crm-added.test     added to the required host_permissions by version 1.1 (update scenario)
 * - crm-optional.test, crm-optional2.test, crm-policy-allowed.test: only covered by the optional
 *                       host permissions (https://*, http://*); crm-policy-allowed.test is also in
 *                       runtime_allowed_hosts, to see whether that grants anything (it does not)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOSTS = {
  required: 'crm-required.test',
  blocked: 'crm-blocked.test',
  zoneAllowed: 'allowed.zone.test',
  zoneBlocked: 'other.zone.test',
  optional: 'crm-optional.test',
  optional2: 'crm-optional2.test',
  policyAllowedOptional: 'crm-policy-allowed.test',
  added: 'crm-added.test',
} as const;

export type HostKey = keyof typeof HOSTS;

export const REQUIRED_HOST_PERMISSIONS = ['http://crm-required.test/*', 'http://crm-blocked.test/*', 'http://*.zone.test/*'];
export const OPTIONAL_HOST_PERMISSIONS = ['https://*/*', 'http://*/*'];

/**
 * Version 1.0; 1.1 (the update scenario) adds http://crm-added.test/* to the required hosts.
 * update_url: a self-hosted CRX is updated from its manifest's update_url (the policy's URL is only
 * used for the first install, unless ExtensionSettings sets override_update_url).
 */
export function manifestFor(version: '1.0' | '1.1', updateUrl?: string) {
  return {
    manifest_version: 3,
    name: 'CallBar enterprise probe',
    description: 'Test extension for test/enterprise/force-install-probe.ts',
    version,
    ...(updateUrl ? { update_url: updateUrl } : {}),
    background: { service_worker: 'sw.js' },
    permissions: ['storage', 'scripting'],
    host_permissions: version === '1.0' ? REQUIRED_HOST_PERMISSIONS : [...REQUIRED_HOST_PERMISSIONS, `http://${HOSTS.added}/*`],
    optional_host_permissions: OPTIONAL_HOST_PERMISSIONS,
    storage: { managed_schema: 'schema.json' },
    action: { default_popup: 'page.html' },
  };
}

export const MANIFEST = manifestFor('1.0');

/** The extension's own policy schema (chrome.storage.managed). */
export const MANAGED_SCHEMA = {
  type: 'object',
  properties: {
    crmOrigins: { type: 'array', title: 'CRM origins', items: { type: 'string' } },
    note: { type: 'string' },
  },
};

// Service worker. Records when chrome.storage.managed first has values (point 4) and runs the
// CallBar-like "register content scripts for the policy's CRM origins" flow on every trigger.
const SW_JS = String.raw`
const T0 = Date.now();
const since = () => Date.now() - T0;
const errText = (e) => String((e && e.message) || e);
const probe = { swStartedAt: T0, managedAtStart: null, managedEvents: [], installed: null, sync: [] };
globalThis.probe = probe;

chrome.storage.managed.get().then(
  (value) => { probe.managedAtStart = { ms: since(), value }; },
  (e) => { probe.managedAtStart = { ms: since(), error: errText(e) }; },
);

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'managed') return;
  probe.managedEvents.push({ ms: since(), changes });
  syncSites('storage.onChanged(managed)');
});

chrome.runtime.onInstalled.addListener((details) => {
  probe.installed = { ms: since(), reason: details.reason };
  chrome.storage.managed.get().then((value) => { probe.installed.managed = value; }, (e) => { probe.installed.managedError = errText(e); });
  syncSites('runtime.onInstalled');
});

chrome.runtime.onStartup.addListener(() => {
  probe.startup = { ms: since() };
});

let chain = Promise.resolve();
function syncSites(trigger) {
  chain = chain.then(() => doSync(trigger));
  return chain;
}

// What CallBar's service worker would do with a policy list: register the content script for each
// listed origin it already has host access to; the rest need the agent's consent (a prompt).
async function doSync(trigger) {
  const entry = { trigger, ms: since() };
  try {
    const { crmOrigins = [] } = await chrome.storage.managed.get('crmOrigins');
    entry.crmOrigins = crmOrigins;
    entry.granted = [];
    entry.needsPrompt = [];
    for (const origin of crmOrigins) {
      const pattern = origin.replace(/\/+$/, '') + '/*';
      const has = await chrome.permissions.contains({ origins: [pattern] });
      (has ? entry.granted : entry.needsPrompt).push(pattern);
    }
    const existing = await chrome.scripting.getRegisteredContentScripts({ ids: ['policy-sites'] });
    if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: ['policy-sites'] });
    if (entry.granted.length) {
      await chrome.scripting.registerContentScripts([
        { id: 'policy-sites', matches: entry.granted, js: ['cs.js'], runAt: 'document_start' },
      ]);
    }
    entry.registered = entry.granted;
  } catch (e) {
    entry.error = errText(e);
  }
  entry.doneMs = since();
  probe.sync.push(entry);
}
syncSites('service worker start');

// Called by the probe through CDP (worker.evaluate).
globalThis.probeApi = {
  self: () => chrome.management.getSelf(),
  getAll: () => chrome.permissions.getAll(),
  contains: (origins) => chrome.permissions.contains({ origins }),
  managed: () => chrome.storage.managed.get(),
  async register(id, matches) {
    try {
      await chrome.scripting.registerContentScripts([{ id, matches, js: ['cs.js'], runAt: 'document_start' }]);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: errText(e) };
    }
  },
  registered: () => chrome.scripting.getRegisteredContentScripts(),
  async fetchStatus(url) {
    try {
      const res = await fetch(url, { cache: 'no-store' });
      return { ok: true, status: res.status };
    } catch (e) {
      return { ok: false, error: errText(e) };
    }
  },
  // Opens a tab and resolves with its id once it has loaded (tabs.create needs no permission).
  async openTab(url) {
    const tab = await chrome.tabs.create({ url, active: true });
    await new Promise((resolve) => {
      const done = () => { chrome.tabs.onUpdated.removeListener(listener); resolve(); };
      const listener = (tabId, info) => { if (tabId === tab.id && info.status === 'complete') done(); };
      chrome.tabs.onUpdated.addListener(listener);
      chrome.tabs.get(tab.id).then((t) => { if (t.status === 'complete') done(); }, done);
      setTimeout(done, 10000);
    });
    return tab.id;
  },
  async execute(tabId) {
    try {
      const [r] = await chrome.scripting.executeScript({ target: { tabId }, func: () => location.host });
      return { ok: true, result: r && r.result };
    } catch (e) {
      return { ok: false, error: errText(e) };
    }
  },
  closeTab: (tabId) => chrome.tabs.remove(tabId),
  // Asks the extension updater to check this extension now (the update scenario).
  async requestUpdateCheck() {
    try {
      return await chrome.runtime.requestUpdateCheck();
    } catch (e) {
      return { error: errText(e) };
    }
  },
};
`;

// Content script: leaves a mark the page (and the probe) can see.
const CS_JS = `document.documentElement.setAttribute('data-probe-cs', 'ran');\n`;

// Extension page: chrome.permissions.request() in a click handler (a user gesture), as the popup does.
const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>CallBar enterprise probe</title>
<style>button{font-size:24px;width:420px;height:120px;margin:40px}</style></head>
<body><button id="req">Enable this CRM site</button><pre id="out"></pre><script src="page.js"></script></body></html>
`;

const PAGE_JS = String.raw`
window.results = {};
window.nextRequest = { key: 'none', origins: [] };
document.getElementById('req').addEventListener('click', () => {
  const { key, origins } = window.nextRequest;
  const t0 = Date.now();
  window.results[key] = { state: 'pending', origins };
  chrome.permissions.request({ origins }).then(
    (granted) => { window.results[key] = { state: 'resolved', granted, ms: Date.now() - t0, origins }; },
    (e) => { window.results[key] = { state: 'rejected', error: String((e && e.message) || e), ms: Date.now() - t0, origins }; },
  );
  document.getElementById('out').textContent = JSON.stringify(window.results);
});
`;

export function writeProbeExtension(dir: string, version: '1.0' | '1.1', updateUrl?: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifestFor(version, updateUrl), null, 2));
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(MANAGED_SCHEMA, null, 2));
  writeFileSync(join(dir, 'sw.js'), SW_JS);
  writeFileSync(join(dir, 'cs.js'), CS_JS);
  writeFileSync(join(dir, 'page.html'), PAGE_HTML);
  writeFileSync(join(dir, 'page.js'), PAGE_JS);
}
