/**
 * What the options page reads and writes. Provider settings and dial plans belong to the
 * background (IndexedDB, src/background/settings-store.ts): they are read with `settings/get` and
 * `settings/dial-plan-get` and changed with one `settings/save`, which validates everything and
 * refuses locked values before it writes anything. Button rules live in chrome.storage.local,
 * which extension pages edit directly (as the popup does).
 *
 * Import and export happen here, in the page, with the shared file format
 * (src/shared/settings-file.ts): export = what is in force → file; import = parse and check the
 * whole file first, leave out what the administrator locked, show the agent any server address it
 * would change (the passwords saved for the old server are dropped then) and apply only once they
 * confirm, then one `settings/save`, then the rules. A file that fails any check changes nothing.
 */
import browser from 'webextension-polyfill';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { PROVIDER_IDS, type ProviderId } from '../shared/ids.ts';
import {
  type CurrentSettings,
  type LockedChange,
  type ManagedPolicy,
  withoutLocked,
  withPolicyActiveProvider,
  withPolicyDialPlan,
  withPolicySettings,
} from '../shared/managed-schema.ts';
import { send } from '../shared/messaging.ts';
import type { DialPlan } from '../shared/phone/dial-plan.ts';
import { type ButtonRule, RULES_KEY, type RulesFile, rulesFromStorage, type SiteSettings, SITES_KEY } from '../shared/rules.ts';
import {
  buildSettingsFile,
  mergeRules,
  parseSettingsFile,
  sameServers,
  serverOrigins,
  type SettingsChanges,
  SETTINGS_FILE_NAME,
  type SettingsSnapshot,
} from '../shared/settings-file.ts';

export interface Saved extends CurrentSettings {
  providers: Partial<Record<ProviderId, unknown>>;
  dialPlans: Record<ProviderId, DialPlan>;
  rules: { rules: ButtonRule[]; sites: Record<string, SiteSettings> };
}

async function readRules(): Promise<Saved['rules']> {
  return rulesFromStorage(await browser.storage.local.get([RULES_KEY, SITES_KEY]));
}

/** Everything in force: saved values with the policy's on top. */
export async function loadSaved(policy: ManagedPolicy): Promise<Saved> {
  const providers: Partial<Record<ProviderId, unknown>> = {};
  const dialPlans = {} as Record<ProviderId, DialPlan>;
  let last: ProviderId | null = null;
  for (const id of PROVIDER_IDS) {
    const [{ settings, lastProviderId }, plan] = await Promise.all([send('settings/get', { providerId: id }), send('settings/dial-plan-get', { providerId: id })]);
    providers[id] = withPolicySettings(settings, policy, id);
    dialPlans[id] = withPolicyDialPlan(plan, policy, id);
    last = lastProviderId;
  }
  return { activeProvider: withPolicyActiveProvider(last, policy), providers, dialPlans, rules: await readRules() };
}

/** Save provider settings, dial plans and/or the active provider (validated again, locks enforced, by the background). */
export async function saveChanges(changes: SettingsChanges): Promise<void> {
  await send('settings/save', changes);
}

function snapshotOf(saved: Saved): SettingsSnapshot {
  return { activeProvider: saved.activeProvider, providers: saved.providers, dialPlans: saved.dialPlans, rules: saved.rules };
}

/** The settings file for what is in force now. Throws with a message for the agent. */
export async function exportSettings(policy: ManagedPolicy, includeSecrets: boolean): Promise<{ text: string; fileName: string }> {
  const built = buildSettingsFile(snapshotOf(await loadSaved(policy)), PROVIDER_CATALOG, { includeSecrets });
  if (!built.ok) throw new Error(built.error);
  return { text: built.value.text, fileName: SETTINGS_FILE_NAME };
}

export interface ImportResult {
  providers: ProviderId[];
  dialPlans: ProviderId[];
  rules: { added: number; replaced: number } | null;
  /** Values in the file the administrator has locked (left as they are). */
  skipped: LockedChange[];
}

/** A server address a settings file would change (the saved passwords for it are dropped then). */
export interface ServerChange {
  providerId: ProviderId;
  provider: string;
  field: string;
  from: string;
  to: string;
}

/** A checked settings file, not applied yet: what it changes, and the server addresses among that. */
export interface PreparedImport {
  body: SettingsChanges;
  rules: RulesFile | undefined;
  changes: ReturnType<typeof withoutLocked>['changes'];
  skipped: LockedChange[];
  serverChanges: ServerChange[];
}

/** Check a settings file against what is in force. Throws (changing nothing) when it is not valid. */
export async function prepareImport(text: string, policy: ManagedPolicy): Promise<PreparedImport> {
  const parsed = parseSettingsFile(text, PROVIDER_CATALOG);
  if (!parsed.ok) throw new Error(parsed.error);
  const file = parsed.value;
  const current = await loadSaved(policy);
  const { changes, skipped } = withoutLocked(file, policy, current, PROVIDER_CATALOG);
  const body: SettingsChanges = {
    ...(changes.activeProvider ? { activeProvider: changes.activeProvider } : {}),
    ...(changes.providers ? { providers: changes.providers } : {}),
    ...(changes.dialPlans ? { dialPlans: changes.dialPlans } : {}),
  };
  const serverChanges: ServerChange[] = [];
  for (const id of PROVIDER_IDS) {
    const patch = changes.providers?.[id] as Record<string, unknown> | undefined;
    if (!patch) continue;
    const info = PROVIDER_CATALOG[id];
    // What is in use now: the saved settings, or the provider's defaults when none were saved.
    const before = { ...(info.defaultSettings as Record<string, unknown>), ...((current.providers[id] ?? {}) as Record<string, unknown>) };
    if (sameServers(serverOrigins(info.settingsFields, before), serverOrigins(info.settingsFields, { ...before, ...patch }))) continue;
    for (const field of info.settingsFields) {
      if (field.type !== 'url' || !Object.hasOwn(patch, field.key) || patch[field.key] === before[field.key]) continue;
      serverChanges.push({ providerId: id, provider: info.name, field: field.label, from: String(before[field.key] ?? ''), to: String(patch[field.key] ?? '') });
    }
  }
  return { body, rules: file.rules, changes, skipped, serverChanges };
}

/** Apply a prepared import. */
export async function applyImport(prepared: PreparedImport): Promise<ImportResult> {
  const { body, changes, skipped } = prepared;
  if (Object.keys(body).length) await saveChanges(body);
  const file = { rules: prepared.rules };
  let rules: ImportResult['rules'] = null;
  if (file.rules) {
    const merged = mergeRules(await readRules(), file.rules);
    await browser.storage.local.set({ [RULES_KEY]: merged.rules, [SITES_KEY]: merged.sites });
    rules = { added: merged.added, replaced: merged.replaced };
  }
  return {
    providers: PROVIDER_IDS.filter((id) => changes.providers?.[id]),
    dialPlans: PROVIDER_IDS.filter((id) => changes.dialPlans?.[id]),
    rules,
    skipped,
  };
}

/** Let the browser save `text` as a file. */
export function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
