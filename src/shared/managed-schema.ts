/**
 * Enterprise policy: settings an administrator pushes through chrome.storage.managed. They win
 * over what the agent saved and are locked (read-only) everywhere. docs/settings.md, "策略".
 *
 * ```json
 * { "activeProvider": "cmcc-softbar",
 *   "providers": { "cmcc-softbar": { "baseUrl": "http://127.0.0.1:8008", "extension": "8001" } },
 *   "dialPlans": { "cmcc-softbar": { "outsideLinePrefix": "9" } },
 *   "lockAll": false }
 * ```
 *
 * The same definitions as the settings file (src/shared/settings-file.ts): `buildManagedSchema()`
 * turns the provider catalog into Chrome's schema dialect for the manifest's
 * `storage.managed_schema` (scripts/make-managed-schema.ts writes public/managed_schema.json), and
 * `parsePolicy()` checks every pushed value with the provider's own schema.
 *
 * The Chrome schema states only the structure (objects, property names, types). Chrome drops a
 * whole top-level policy ("providers", with every provider in it) without telling anyone when one
 * value inside fails a `pattern` or `enum`; CallBar instead checks each value itself, ignores only
 * the bad one and says why on the options page.
 *
 * Pure: no extension APIs; the catalog is passed in.
 */
import { z } from 'zod';
import { isProviderId, PROVIDER_IDS, type ProviderId } from './ids.ts';
import type { DialPlan } from './phone/dial-plan.ts';
import {
  DIAL_PLAN_KEYS,
  dialPlanFields,
  type SettingsCatalog,
  type SettingsChanges,
  settingsShape,
} from './settings-file.ts';
import { messageTable, t } from './i18n.ts';

export interface ManagedPolicy {
  /** The provider the agent uses; locked when set. */
  activeProvider?: ProviderId;
  /** Pushed provider settings, normalized by the provider's schema; each one locked. */
  providers: Partial<Record<ProviderId, Record<string, unknown>>>;
  /** Pushed dial plan fields; each one locked. */
  dialPlans: Partial<Record<ProviderId, Partial<DialPlan>>>;
  /** Every provider setting, dial plan and the active provider read-only, pushed or not. */
  lockAll: boolean;
  /**
   * CRM sites CallBar runs on for every agent (`https://crm.example.com`): enabled and locked.
   * Chrome still asks each agent once for access to them, unless the extension is deployed with
   * them as install-time hosts (docs/security.md, "Enterprise").
   */
  crmOrigins?: string[];
}

export interface PolicyState {
  policy: ManagedPolicy;
  /** Pushed values CallBar ignored, and why (shown on the options page). */
  problems: string[];
}

export const NO_POLICY: ManagedPolicy = Object.freeze({ providers: {}, dialPlans: {}, lockAll: false }) as ManagedPolicy;

export const POLICY_MESSAGES = messageTable(
  {
    locked: 'policyLocked',
  },
  {
    invalid: (path: string, message: string) => t('policyInvalid', path, message),
    unknown: (path: string) => t('policyUnknown', path),
    unreadable: (message: string) => t('policyUnreadable', message),
    /** Refusal of a change to a locked value. */
    refused: (label: string, path: string) => t('policyRefused', label, path),
  },
);

const DIAL_PLAN_LABELS: Readonly<Record<keyof DialPlan, string>> = messageTable({
  outsideLinePrefix: 'dialPlanOutsidePrefixLabel',
  internationalPrefix: 'dialPlanInternationalLabel',
  extension: 'dialPlanExtensionLabel',
});

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function firstMessage(result: z.ZodSafeParseResult<unknown>): string {
  return result.success ? '' : (result.error.issues[0]?.message ?? t('formatInvalid'));
}

/** Check chrome.storage.managed contents: valid values are kept (normalized), the rest reported. */
export function parsePolicy(raw: unknown, catalog: SettingsCatalog): PolicyState {
  const problems: string[] = [];
  const policy: ManagedPolicy = { providers: {}, dialPlans: {}, lockAll: false };
  if (!isObject(raw)) return { policy, problems };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'activeProvider') {
      if (isProviderId(value)) policy.activeProvider = value;
      else problems.push(POLICY_MESSAGES.invalid(key, t('policyUnknownProvider', String(value), PROVIDER_IDS.join(t('listSeparator')))));
    } else if (key === 'lockAll') {
      if (typeof value === 'boolean') policy.lockAll = value;
      else problems.push(POLICY_MESSAGES.invalid(key, t('policyNotBoolean')));
    } else if (key === 'crmOrigins') {
      if (!Array.isArray(value)) problems.push(POLICY_MESSAGES.invalid(key, t('policyNotOriginList')));
      else {
        const origins: string[] = [];
        for (const item of value) {
          if (typeof item === 'string' && /^https?:\/\/[^/\s*]+$/.test(item.trim())) origins.push(item.trim().toLowerCase());
          else problems.push(POLICY_MESSAGES.invalid(`${key}`, t('policyNotOrigin', String(item).slice(0, 80))));
        }
        policy.crmOrigins = [...new Set(origins)];
      }
    } else if (key === 'providers' || key === 'dialPlans') {
      if (!isObject(value)) {
        problems.push(POLICY_MESSAGES.invalid(key, t('policyNotProviderObject')));
        continue;
      }
      for (const [id, section] of Object.entries(value)) {
        const where = `${key}.${id}`;
        if (!isProviderId(id)) problems.push(POLICY_MESSAGES.unknown(where));
        else if (!isObject(section)) problems.push(POLICY_MESSAGES.invalid(where, t('policyNotObject')));
        else {
          const fields: Readonly<Record<string, z.ZodType>> = key === 'providers' ? settingsShape(catalog[id]) : dialPlanFields;
          const kept: Record<string, unknown> = {};
          for (const [field, fieldValue] of Object.entries(section)) {
            const schema = Object.hasOwn(fields, field) ? fields[field] : undefined;
            if (!schema) {
              problems.push(POLICY_MESSAGES.unknown(`${where}.${field}`));
              continue;
            }
            const parsed = schema.safeParse(fieldValue);
            if (parsed.success) kept[field] = parsed.data;
            else problems.push(POLICY_MESSAGES.invalid(`${where}.${field}`, firstMessage(parsed)));
          }
          if (Object.keys(kept).length) (policy[key] as Record<string, Record<string, unknown>>)[id] = kept;
        }
      }
    } else problems.push(POLICY_MESSAGES.unknown(key));
  }
  return { policy, problems };
}

/** Whether the administrator set anything at all. */
export function isManaged(policy: ManagedPolicy): boolean {
  return (
    policy.lockAll ||
    policy.activeProvider !== undefined ||
    Object.values(policy.providers).some((s) => s && Object.keys(s).length > 0) ||
    Object.values(policy.dialPlans).some((s) => s && Object.keys(s).length > 0)
  );
}

export function isSettingLocked(policy: ManagedPolicy, providerId: ProviderId, key: string): boolean {
  return policy.lockAll || Object.hasOwn(policy.providers[providerId] ?? {}, key);
}

export function isDialPlanLocked(policy: ManagedPolicy, providerId: ProviderId, key: keyof DialPlan): boolean {
  return policy.lockAll || Object.hasOwn(policy.dialPlans[providerId] ?? {}, key);
}

export function isActiveProviderLocked(policy: ManagedPolicy): boolean {
  return policy.lockAll || policy.activeProvider !== undefined;
}

/** The keys of a provider's settings the agent may not change. */
export function lockedSettingKeys(policy: ManagedPolicy, providerId: ProviderId, catalog: SettingsCatalog): string[] {
  return Object.keys(settingsShape(catalog[providerId])).filter((key) => isSettingLocked(policy, providerId, key));
}

export function lockedDialPlanKeys(policy: ManagedPolicy, providerId: ProviderId): (keyof DialPlan)[] {
  return DIAL_PLAN_KEYS.filter((key) => isDialPlanLocked(policy, providerId, key));
}

/** Settings in force: what was saved, with the pushed values on top (null stays null when nothing is pushed). */
export function withPolicySettings(saved: unknown, policy: ManagedPolicy, providerId: ProviderId): unknown {
  const pushed = policy.providers[providerId];
  if (!pushed || Object.keys(pushed).length === 0) return saved;
  return { ...(isObject(saved) ? saved : {}), ...pushed };
}

export function withPolicyDialPlan(plan: DialPlan, policy: ManagedPolicy, providerId: ProviderId): DialPlan {
  return { ...plan, ...policy.dialPlans[providerId] };
}

export function withPolicyActiveProvider(last: ProviderId | null, policy: ManagedPolicy): ProviderId | null {
  return policy.activeProvider ?? last;
}

/**
 * What to store when `incoming` is saved over `stored`: locked keys keep their stored value (a
 * pushed value is never written into the agent's own settings, so they come back if the policy
 * goes away).
 */
export function keepLocked<T extends object>(stored: unknown, incoming: T, locked: readonly string[]): T {
  const next: Record<string, unknown> = { ...(incoming as Record<string, unknown>) };
  const before = isObject(stored) ? stored : {};
  for (const key of locked) {
    if (Object.hasOwn(before, key)) next[key] = before[key];
    else delete next[key];
  }
  return next as T;
}

/** Settings in force now, to compare changes with. */
export interface CurrentSettings {
  activeProvider: ProviderId | null;
  providers: Partial<Record<ProviderId, unknown>>;
  dialPlans: Partial<Record<ProviderId, DialPlan>>;
}

export interface LockedChange {
  /** providers.cmcc-softbar.baseUrl */
  path: string;
  label: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The changes that would alter a locked value (a locked key sent with the value in force is no change). */
export function lockedChanges(changes: SettingsChanges, policy: ManagedPolicy, current: CurrentSettings, catalog: SettingsCatalog): LockedChange[] {
  const found: LockedChange[] = [];
  if (changes.activeProvider !== undefined && isActiveProviderLocked(policy) && changes.activeProvider !== withPolicyActiveProvider(current.activeProvider, policy)) {
    found.push({ path: 'activeProvider', label: t('optionsActiveProvider') });
  }
  for (const id of PROVIDER_IDS) {
    const settings = changes.providers?.[id];
    const now = isObject(current.providers[id]) ? (current.providers[id] as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(settings ?? {})) {
      if (value !== undefined && isSettingLocked(policy, id, key) && !same(value, now[key])) {
        found.push({ path: `providers.${id}.${key}`, label: catalog[id].settingsFields.find((f) => f.key === key)?.label ?? key });
      }
    }
    const plan = changes.dialPlans?.[id];
    for (const key of DIAL_PLAN_KEYS) {
      if (plan && isDialPlanLocked(policy, id, key) && !same(plan[key], current.dialPlans[id]?.[key])) {
        found.push({ path: `dialPlans.${id}.${key}`, label: DIAL_PLAN_LABELS[key] });
      }
    }
  }
  return found;
}

/** `changes` without anything locked (what an import may still change), and what it left out. */
export function withoutLocked(
  changes: SettingsChanges,
  policy: ManagedPolicy,
  current: CurrentSettings,
  catalog: SettingsCatalog,
): { changes: SettingsChanges; skipped: LockedChange[] } {
  const skipped = lockedChanges(changes, policy, current, catalog);
  const out: SettingsChanges = {};
  if (changes.activeProvider !== undefined && !isActiveProviderLocked(policy)) out.activeProvider = changes.activeProvider;
  for (const id of PROVIDER_IDS) {
    const settings = changes.providers?.[id];
    if (settings) {
      const kept = Object.fromEntries(Object.entries(settings).filter(([key]) => !isSettingLocked(policy, id, key)));
      if (Object.keys(kept).length) (out.providers ??= {})[id] = kept;
    }
    const plan = changes.dialPlans?.[id];
    if (plan) {
      // A dial plan is saved whole: locked fields keep the value in force.
      const locked = lockedDialPlanKeys(policy, id);
      if (locked.length < DIAL_PLAN_KEYS.length) {
        const inForce = current.dialPlans[id];
        const merged = { ...plan };
        for (const key of locked) if (inForce) (merged as Record<string, unknown>)[key] = inForce[key];
        (out.dialPlans ??= {})[id] = merged;
      }
    }
  }
  return { changes: out, skipped };
}

// ── The manifest's storage.managed_schema ─────────────────────────────────────────────────────

/** Chrome's schema dialect (a subset of JSON Schema draft 3): what buildManagedSchema emits. */
export interface ChromeSchema {
  type: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  title?: string;
  description?: string;
  properties?: Record<string, ChromeSchema>;
  items?: ChromeSchema;
}

const CHROME_TYPES = new Set<ChromeSchema['type']>(['string', 'integer', 'number', 'boolean', 'array', 'object']);

/** The JSON type a field's zod schema takes as input (string for the URL and number fields). */
function chromeType(schema: z.ZodType, where: string): ChromeSchema['type'] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { type?: unknown };
  if (typeof json.type === 'string' && CHROME_TYPES.has(json.type as ChromeSchema['type'])) return json.type as ChromeSchema['type'];
  throw new Error(`${where}: no single JSON type for the managed schema`);
}

const DIAL_PLAN_DESCRIPTIONS: Readonly<Record<keyof DialPlan, string>> = {
  outsideLinePrefix: '拨外线需要先拨的号码，最多 4 位数字（可含 * #），空字符串表示不需要',
  internationalPrefix: '"00"：拨 00 + 国家码；"+"：保留 + 号',
  extension: '"drop"：只拨总机号码；"dtmf"：接通后按键拨分机（号码,分机）',
};

/**
 * The managed-storage schema for the manifest, from the provider catalog: top-level type object,
 * no additionalProperties at the top, each property with type, title and description.
 */
export function buildManagedSchema(catalog: SettingsCatalog): ChromeSchema {
  const providers: Record<string, ChromeSchema> = {};
  const dialPlans: Record<string, ChromeSchema> = {};
  for (const id of PROVIDER_IDS) {
    const info = catalog[id];
    const shape = settingsShape(info);
    const fields: Record<string, ChromeSchema> = {};
    for (const field of info.settingsFields) {
      // An agent's own password is typed by the agent, never pushed.
      if (field.credential) continue;
      const schema = shape[field.key];
      if (!schema) throw new Error(`${id}.${field.key}: a settings field without a schema`);
      fields[field.key] = {
        type: chromeType(schema, `${id}.${field.key}`),
        title: field.label,
        ...(field.help ? { description: field.help } : {}),
      };
    }
    providers[id] = { type: 'object', title: info.name, properties: fields };
    dialPlans[id] = {
      type: 'object',
      title: `${info.name}：拨号规则`,
      properties: Object.fromEntries(
        DIAL_PLAN_KEYS.map((key) => [key, { type: chromeType(dialPlanFields[key], `dialPlans.${key}`), title: DIAL_PLAN_LABELS[key], description: DIAL_PLAN_DESCRIPTIONS[key] }]),
      ),
    };
  }
  return {
    type: 'object',
    title: 'CallBar 坐席电话条',
    description: '管理员设置的值优先于坐席自己保存的值，并在设置页和弹窗中锁定（只读）。',
    properties: {
      activeProvider: { type: 'string', title: '默认平台', description: `坐席使用的平台 ID：${PROVIDER_IDS.map((id) => `"${id}"（${catalog[id].name}）`).join('、')}` },
      providers: { type: 'object', title: '平台设置', description: '键为平台 ID，值为该平台的设置项；设置的每一项都会锁定', properties: providers },
      dialPlans: { type: 'object', title: '拨号规则', description: '键为平台 ID；设置的每一项都会锁定', properties: dialPlans },
      lockAll: { type: 'boolean', title: '锁定全部设置', description: 'true：坐席不能修改任何平台设置、拨号规则和默认平台（包括管理员未设置的项）' },
      crmOrigins: {
        type: 'array',
        title: '启用的 CRM 网站',
        description: 'CallBar 在这些网站上运行（例如 "https://crm.example.com"），坐席不能停用；Chrome 会请每位坐席授权一次',
        items: { type: 'string' },
      },
    },
  };
}
