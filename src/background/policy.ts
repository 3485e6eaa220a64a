/**
 * Enterprise policy in the background (src/shared/managed-schema.ts, docs/settings.md): values an
 * administrator pushes through chrome.storage.managed win over what the agent saved, and cannot
 * be changed. `createPolicyStore()` wraps settings-store.ts so the engine and the router see
 * settings as in force, never write a pushed value into the agent's own settings, and refuse
 * changes to locked values. The policy is read on every use: Chrome loads it a moment after
 * start-up and may change it at any time.
 */
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { CallbarError } from '../shared/errors.ts';
import { PROVIDER_IDS, type ProviderId } from '../shared/ids.ts';
import {
  type CurrentSettings,
  keepLocked,
  lockedChanges,
  lockedDialPlanKeys,
  lockedSettingKeys,
  type ManagedPolicy,
  NO_POLICY,
  parsePolicy,
  POLICY_MESSAGES,
  withPolicyActiveProvider,
  withPolicyDialPlan,
  withPolicySettings,
} from '../shared/managed-schema.ts';
import type { DialPlan } from '../shared/phone/dial-plan.ts';
import { sameServers, serverBoundKeys, serverOrigins, type SettingsChanges } from '../shared/settings-file.ts';
import { t } from '../shared/i18n.ts';


/** What settings-store.ts keeps, as saved by the agent. */
export interface SavedSettingsStore {
  loadSettings(providerId: ProviderId): Promise<unknown>;
  /** The servers the saved secrets belong to (null: not known), and setting / dropping them. */
  secretsServers(providerId: ProviderId): Promise<string[] | null>;
  setSecretsServers(providerId: ProviderId, servers: readonly string[]): Promise<void>;
  dropSecrets(providerId: ProviderId, keys: readonly string[]): Promise<void>;
  /** Write a provider's settings (the last-used provider stays as it is). */
  storeSettings(providerId: ProviderId, settings: unknown): Promise<void>;
  lastProviderId(): Promise<ProviderId | null>;
  setLastProviderId(providerId: ProviderId): Promise<void>;
  loadDialPlan(providerId: ProviderId): Promise<DialPlan>;
  saveDialPlan(providerId: ProviderId, plan: DialPlan): Promise<void>;
}

/** The part of the engine a dial plan change goes through (it keeps the plan in force). */
export interface DialPlanSink {
  setDialPlan(providerId: ProviderId, plan: DialPlan): Promise<unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `readManaged`: chrome.storage.managed.get (index.ts). */
export function createPolicyStore(saved: SavedSettingsStore, readManaged: () => Promise<unknown>) {
  /** The policy in force, read every time (an unreadable one counts as none). */
  const policy = async (): Promise<ManagedPolicy> => {
    try {
      return parsePolicy(await readManaged(), PROVIDER_CATALOG).policy;
    } catch {
      return NO_POLICY;
    }
  };
  const fieldsOf = (providerId: ProviderId) => PROVIDER_CATALOG[providerId].settingsFields;
  /** Write settings, recording which servers (as in force, pushed ones included) their secrets belong to. */
  const storeBound = async (providerId: ProviderId, settings: unknown, inForce: unknown): Promise<void> => {
    await saved.storeSettings(providerId, settings);
    await saved.setSecretsServers(providerId, serverOrigins(fieldsOf(providerId), inForce));
  };
  /**
   * Secrets saved for other servers than the ones in force (a policy, a settings file or the
   * options page changed a server address since) are dropped, not handed to the new server.
   */
  const secretsStillOurs = async (providerId: ProviderId, inForce: unknown): Promise<unknown> => {
    const keys = serverBoundKeys(fieldsOf(providerId));
    const boundTo = await saved.secretsServers(providerId);
    if (!keys.length || !isObject(inForce) || boundTo === null || sameServers(boundTo, serverOrigins(fieldsOf(providerId), inForce))) return inForce;
    const present = keys.filter((key) => Object.hasOwn(inForce, key));
    if (!present.length) return inForce;
    await saved.dropSecrets(providerId, present);
    const kept = { ...inForce };
    for (const key of present) delete kept[key];
    return kept;
  };
  const store = {
    /** CRM sites the administrator enabled for every agent (background/sites.ts). */
    async policyOrigins(): Promise<string[]> {
      return (await policy()).crmOrigins ?? [];
    },
    /** Settings in force: the saved ones with the pushed values on top. */
    async loadSettings(providerId: ProviderId): Promise<unknown> {
      return secretsStillOurs(providerId, withPolicySettings(await saved.loadSettings(providerId), await policy(), providerId));
    },
    /** After a login: its settings, locked fields left as saved; the provider becomes the last used. */
    async saveSettings(providerId: ProviderId, settings: unknown): Promise<void> {
      const locked = lockedSettingKeys(await policy(), providerId, PROVIDER_CATALOG);
      const kept = keepLocked(await saved.loadSettings(providerId), isObject(settings) ? settings : {}, locked);
      await storeBound(providerId, kept, withPolicySettings(kept, await policy(), providerId));
      await saved.setLastProviderId(providerId);
    },
    async lastProviderId(): Promise<ProviderId | null> {
      return withPolicyActiveProvider(await saved.lastProviderId(), await policy());
    },
    async loadDialPlan(providerId: ProviderId): Promise<DialPlan> {
      return withPolicyDialPlan(await saved.loadDialPlan(providerId), await policy(), providerId);
    },
    async saveDialPlan(providerId: ProviderId, plan: DialPlan): Promise<void> {
      const locked = lockedDialPlanKeys(await policy(), providerId);
      await saved.saveDialPlan(providerId, keepLocked(await saved.loadDialPlan(providerId), plan, locked));
    },

    /**
     * The settings a login uses: locked fields take the value in force, whatever was typed
     * (the popup shows them locked; this holds for any sender). Another provider than the one
     * the administrator set is refused.
     */
    async loginSettings(providerId: ProviderId, settings: unknown): Promise<unknown> {
      const current = await policy();
      const required = current.activeProvider ? PROVIDER_CATALOG[current.activeProvider] : null;
      if (required && providerId !== required.id) throw new CallbarError('forbidden', t('policyRequiredProvider', required.name));
      const locked = lockedSettingKeys(current, providerId, PROVIDER_CATALOG);
      if (!locked.length) return settings;
      const inForce = await store.loadSettings(providerId);
      const out: Record<string, unknown> = { ...(isObject(settings) ? settings : {}) };
      for (const key of locked) {
        if (isObject(inForce) && Object.hasOwn(inForce, key)) out[key] = inForce[key];
        else delete out[key];
      }
      return out;
    },

    /**
     * `settings/save` (and `settings/dial-plan-set`): check everything against the locks first,
     * then write. Provider settings merge field by field into what is saved; dial plans go
     * through the engine so the plan in force follows.
     */
    async saveChanges(changes: SettingsChanges, engine: DialPlanSink): Promise<void> {
      const current: CurrentSettings = { activeProvider: await store.lastProviderId(), providers: {}, dialPlans: {} };
      for (const id of PROVIDER_IDS) {
        current.providers[id] = await store.loadSettings(id);
        current.dialPlans[id] = await store.loadDialPlan(id);
      }
      const refused = lockedChanges(changes, await policy(), current, PROVIDER_CATALOG)[0];
      if (refused) throw new CallbarError('forbidden', POLICY_MESSAGES.refused(refused.label, refused.path));
      for (const id of PROVIDER_IDS) {
        const patch = changes.providers?.[id];
        if (!patch) continue;
        const before = await saved.loadSettings(id);
        const inForce = await policy();
        const locked = lockedSettingKeys(inForce, id, PROVIDER_CATALOG);
        const merged: Record<string, unknown> = keepLocked(before, { ...(isObject(before) ? before : {}), ...patch }, locked);
        const after = withPolicySettings(merged, inForce, id);
        // A server address changed: the saved secrets were for the old one (unless this change brings new ones).
        if (!sameServers(serverOrigins(fieldsOf(id), withPolicySettings(before, inForce, id)), serverOrigins(fieldsOf(id), after))) {
          for (const key of serverBoundKeys(fieldsOf(id))) if (!Object.hasOwn(patch, key)) delete merged[key];
        }
        await storeBound(id, merged, withPolicySettings(merged, inForce, id));
      }
      for (const id of PROVIDER_IDS) {
        const plan = changes.dialPlans?.[id];
        if (plan) await engine.setDialPlan(id, plan);
      }
      if (changes.activeProvider) await saved.setLastProviderId(changes.activeProvider);
    },
  };
  return store;
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
