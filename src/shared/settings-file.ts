/**
 * The CallBar settings file ("callbar-settings", version 1): every provider's settings, the dial
 * plans and the button rules in one JSON file, for import/export and for team leads to hand out.
 * Documented field by field in docs/settings.md.
 *
 * ```json
 * { "format": "callbar-settings", "version": 1, "activeProvider": "cmcc-softbar",
 *   "providers": { "cmcc-softbar": { "baseUrl": "http://127.0.0.1:8008", "extension": "8001" } },
 *   "dialPlans": { "cmcc-softbar": { "outsideLinePrefix": "9", "internationalPrefix": "00", "extension": "drop" } },
 *   "rules": { "format": "callbar-rules", "version": 1, "rules": [], "sites": {} } }
 * ```
 *
 * One definition, reused: a provider section is validated with that provider's own
 * `settingsSchema` (secret fields optional), so the file, the options page, the popup and the
 * background give the same message for the same mistake. Every refusal names the field path:
 * `providers.cmcc-softbar.extension：800 号码只能由 3–20 位数字组成`.
 *
 * Pure and shared: no extension APIs, and the provider catalog is passed in (src/shared may not
 * import src/providers; pages pass PROVIDER_CATALOG, the background its PROVIDERS).
 */
import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './ids.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan } from './phone/dial-plan.ts';
import { type ButtonRule, newRuleId, ruleProblem, type RulesFile, type SiteSettings } from './rules.ts';
import { configureZodLocale, message } from './zod-locale.ts';
import { messageTable, t } from './i18n.ts';

// zod's default messages in the extension's language, like ours.
configureZodLocale();

// ── What this module needs to know about a provider (a structural ProviderInfo) ─────────────

/** One field of a provider's settings form (the one definition; providers/provider.ts re-exports it). */
export interface SettingsFieldInfo {
  key: string;
  label: string;
  /** `checkbox`: a boolean; `select`: one of `options` (values as the schema wants them). */
  type: 'text' | 'password' | 'url' | 'number' | 'checkbox' | 'select';
  options?: readonly { value: string; label: string }[];
  placeholder?: string;
  help?: string;
  /**
   * Secret fields are never shown back in clear and never leave extension pages; they are
   * left out of exported files unless asked for and optional in imported files.
   */
  secret?: boolean;
  /**
   * The agent's own password: kept on disk only when the agent ticks "记住密码"; otherwise only
   * in chrome.storage.session (memory, gone when the browser closes). Implies `secret`.
   */
  credential?: boolean;
  /**
   * Shown only when another field has this value, or one of these values (e.g. desktop-client fields
   * in desktop mode); several conditions must all hold (v-call's phone address: agent mode and WebRTC).
   */
  showWhen?: ShowWhen | readonly ShowWhen[];
  /** Rarely needed (an outbound proxy, TURN): the popup folds it under 高级设置. */
  advanced?: boolean;
}

export interface ShowWhen {
  key: string;
  value: string | boolean | readonly (string | boolean)[];
}

/**
 * The servers a provider's settings point at: the origin of every `url` field (http, https, ws,
 * wss), sorted. Saved passwords and secrets belong to these servers: when they change, the
 * secrets are dropped (docs/security.md) — a settings file, a policy or a slip in a form must
 * not send the agent's password to another server.
 */
export function serverOrigins(fields: readonly SettingsFieldInfo[], settings: unknown): string[] {
  const values = (typeof settings === 'object' && settings !== null ? settings : {}) as Record<string, unknown>;
  const origins = new Set<string>();
  for (const field of fields) {
    const value = values[field.key];
    if (field.type !== 'url' || typeof value !== 'string' || !value.trim()) continue;
    try {
      const url = new URL(value.trim());
      origins.add(`${url.protocol}//${url.host}`);
    } catch {
      origins.add(value.trim()); // not a URL: compared as written
    }
  }
  return [...origins].sort();
}

export function sameServers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((origin, i) => origin === b[i]);
}

/**
 * Keys of the fields that authenticate to the servers (every password field: the agent's
 * password, a client secret): never kept for another server.
 */
export function serverBoundKeys(fields: readonly SettingsFieldInfo[]): string[] {
  return fields.filter((f) => f.type === 'password' || f.credential).map((f) => f.key);
}

export interface ProviderSettingsInfo {
  id: ProviderId;
  name: string;
  settingsFields: readonly SettingsFieldInfo[];
  /** A z.object: one entry per settings field. */
  settingsSchema: z.ZodType;
  defaultSettings: unknown;
}

/** PROVIDER_CATALOG (pages) or PROVIDERS (background): both fit. */
export type SettingsCatalog = Readonly<Record<ProviderId, ProviderSettingsInfo>>;

/** The per-field schemas of a provider (its settingsSchema must be a z.object). */
export function settingsShape(info: ProviderSettingsInfo): Readonly<Record<string, z.ZodType>> {
  if (!(info.settingsSchema instanceof z.ZodObject)) throw new Error(`settingsSchema of ${info.id} must be a z.object`);
  return info.settingsSchema.shape as Record<string, z.ZodType>;
}

// ── The file ───────────────────────────────────────────────────────────────────────────────

export const SETTINGS_FILE_FORMAT = 'callbar-settings';
export const SETTINGS_FILE_NAME = 'callbar-settings.json';
/** A settings file is a few kB; anything near this is not one. */
export const MAX_SETTINGS_FILE_BYTES = 1_000_000;

/** Provider settings as their schema outputs them (normalized, e.g. baseUrl without a trailing /). */
export type ProviderSettingsValues = Record<string, unknown>;

export interface SettingsFile {
  format: typeof SETTINGS_FILE_FORMAT;
  version: 1;
  /** The provider the popup opens with (the last one used). */
  activeProvider?: ProviderId;
  providers: Partial<Record<ProviderId, ProviderSettingsValues>>;
  dialPlans?: Partial<Record<ProviderId, DialPlan>>;
  rules?: RulesFile;
}

/** What the page changes in one go: the body of a settings file, and the `settings/save` payload. */
export type SettingsChanges = Pick<SettingsFile, 'activeProvider' | 'dialPlans'> & { providers?: SettingsFile['providers'] };

export const SETTINGS_FILE_ERRORS = messageTable(
  {
    notJson: 'fileNotJson',
    tooBig: 'settingsFileTooBig',
    notObject: 'settingsFileNotObject',
    format: 'settingsFileFormat',
    version: 'settingsFileVersion',
    providersNotObject: 'settingsFileProvidersNotObject',
    sectionNotObject: 'settingsFileSectionNotObject',
  },
  {
    unknownField: (keys: readonly string[]) => t('settingsFileUnknownField', quote(keys)),
    unknownProvider: (keys: readonly string[]) => t('settingsFileUnknownProvider', quote(keys), PROVIDER_IDS.join(t('listSeparator'))),
    unknownSetting: (keys: readonly string[]) => t('settingsFileUnknownSetting', quote(keys)),
  },
);

/** The same words the background has always used. */
export const DIAL_PLAN_ERRORS = messageTable({
  outsideLinePrefix: 'dialPlanOutsidePrefixInvalid',
  internationalPrefix: 'dialPlanInternationalInvalid',
  extension: 'dialPlanExtensionInvalid',
});

function quote(keys: readonly string[]): string {
  return keys.map((k) => `“${k}”`).join(t('listSeparator'));
}

/** A dial plan's fields (docs/dialing.md). Also the background's payload check for `settings/dial-plan-set`. */
export const dialPlanFields = {
  outsideLinePrefix: z.string({ error: DIAL_PLAN_ERRORS.outsideLinePrefix }).regex(/^[0-9*#]{0,4}$/, DIAL_PLAN_ERRORS.outsideLinePrefix),
  internationalPrefix: z.enum(['00', '+'], { error: DIAL_PLAN_ERRORS.internationalPrefix }),
  extension: z.enum(['drop', 'dtmf'], { error: DIAL_PLAN_ERRORS.extension }),
} as const;

export const DIAL_PLAN_KEYS = ['outsideLinePrefix', 'internationalPrefix', 'extension'] as const satisfies readonly (keyof DialPlan)[];

/** A dial plan as a message payload (extra keys dropped). */
export const dialPlanSchema: z.ZodType<DialPlan> = z.object(dialPlanFields);

function strictSection<T extends z.core.$ZodLooseShape>(shape: T, unknownKeys: (keys: readonly string[]) => string, notObject: string) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeys(issue.keys) : issue.code === 'invalid_type' ? notObject : undefined),
  });
}

const strictDialPlan = strictSection(dialPlanFields, SETTINGS_FILE_ERRORS.unknownSetting, SETTINGS_FILE_ERRORS.sectionNotObject);

/**
 * A provider's section: its settingsSchema field by field, secret fields optional (an omitted
 * secret keeps the value already saved), unknown keys refused. When every field is there, the
 * whole settingsSchema runs too, so rules across fields still apply.
 */
export function providerSectionSchema(info: ProviderSettingsInfo) {
  const secret = new Set(info.settingsFields.filter((f) => f.secret || f.credential).map((f) => f.key));
  const shape = settingsShape(info);
  const fields: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) fields[key] = secret.has(key) ? schema.optional() : schema;
  return strictSection(fields, SETTINGS_FILE_ERRORS.unknownSetting, SETTINGS_FILE_ERRORS.sectionNotObject).superRefine((value, ctx) => {
    if (!Object.keys(shape).every((key) => value[key] !== undefined)) return;
    const whole = info.settingsSchema.safeParse(value);
    if (!whole.success) for (const issue of whole.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
  }, { when: (payload) => payload.issues.length === 0 });
}

/** Every field of a provider optional: one change to saved settings (`settings/save`). */
export function providerPatchSchema(info: ProviderSettingsInfo) {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(settingsShape(info))) fields[key] = schema.optional();
  return strictSection(fields, SETTINGS_FILE_ERRORS.unknownSetting, SETTINGS_FILE_ERRORS.sectionNotObject);
}

// The rules part: exactly the "callbar-rules" file of the popup's rules import/export.
const ruleSchema = z
  .object({
    id: z.string().max(64).optional(),
    origin: z.string().max(200),
    topOrigin: z.string().max(200).regex(/^https?:\/\/[^/\s*]+$/, message('rulesTopOriginInvalid')).optional(),
    pathPattern: z.string().max(300).default('/*'),
    selector: z.string().max(500),
    source: z.enum(['picker', 'selector', 'import']).default('import'),
    label: z.string().max(60).optional(),
    numberFrom: z.union([z.object({ attribute: z.string().min(1).max(60) }), z.object({ rowSelector: z.string().min(1).max(300) })]).optional(),
    createdAt: z.number().optional(),
  })
  .superRefine((rule, ctx) => {
    const problem = ruleProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A "callbar-rules" file (src/shared/rules.ts RulesFile); rules may lack id/createdAt. */
export const rulesFileSchema = z.object({
  format: z.literal('callbar-rules', message('rulesFileFormat')),
  version: z.literal(1, message('rulesFileVersion')),
  rules: z.array(ruleSchema).max(2000),
  sites: z.record(z.string(), z.object({ autoDetect: z.boolean() })).default({}),
});

/** Rules as read from a file, completed (an id and a creation time for each). */
export function completeRules(parsed: z.output<typeof rulesFileSchema>, now = Date.now()): RulesFile {
  const rules: ButtonRule[] = parsed.rules.map((r) => ({
    id: r.id ?? newRuleId(),
    origin: r.origin,
    ...(r.topOrigin && r.topOrigin !== r.origin ? { topOrigin: r.topOrigin } : {}),
    pathPattern: r.pathPattern,
    selector: r.selector.trim(),
    source: r.source,
    ...(r.label ? { label: r.label } : {}),
    ...(r.numberFrom ? { numberFrom: r.numberFrom } : {}),
    createdAt: r.createdAt ?? now,
  }));
  return { format: 'callbar-rules', version: 1, rules, sites: parsed.sites };
}

/** Importing rules merges: the same origin + selector replaces (keeping its id), others are added. */
export function mergeRules(
  current: { rules: readonly ButtonRule[]; sites: Readonly<Record<string, SiteSettings>> },
  incoming: RulesFile,
): { rules: ButtonRule[]; sites: Record<string, SiteSettings>; added: number; replaced: number } {
  const rules = [...current.rules];
  let replaced = 0;
  for (const rule of incoming.rules) {
    const at = rules.findIndex((r) => r.origin === rule.origin && r.selector === rule.selector);
    if (at >= 0) {
      rules[at] = { ...rule, id: rules[at]!.id };
      replaced++;
    } else rules.push(rule);
  }
  // A file carries only the automatic-detection switch; whether the site is enabled (and by whom)
  // stays this browser's.
  const sites: Record<string, SiteSettings> = { ...current.sites };
  for (const [origin, site] of Object.entries(incoming.sites)) sites[origin] = { ...sites[origin], autoDetect: site.autoDetect };
  return { rules, sites, added: incoming.rules.length - replaced, replaced };
}

function perProvider<T extends z.ZodType>(section: (id: ProviderId) => T) {
  const shape = Object.fromEntries(PROVIDER_IDS.map((id) => [id, section(id).optional()])) as Record<ProviderId, z.ZodOptional<T>>;
  return strictSection(shape, SETTINGS_FILE_ERRORS.unknownProvider, SETTINGS_FILE_ERRORS.providersNotObject);
}

const providerIdSchema = z.enum(PROVIDER_IDS, {
  error: (issue) => t('settingsFileUnknownProvider', quote([String(issue.input)]), PROVIDER_IDS.join(t('listSeparator'))),
});

/** The body of a settings file, and the `settings/save` payload (`patch`: fields optional). */
export function settingsChangesSchema(catalog: SettingsCatalog, mode: 'file' | 'patch') {
  return {
    activeProvider: providerIdSchema.optional(),
    providers: perProvider((id) => (mode === 'file' ? providerSectionSchema(catalog[id]) : providerPatchSchema(catalog[id]))),
    dialPlans: perProvider(() => strictDialPlan).optional(),
  };
}

export function settingsFileSchema(catalog: SettingsCatalog) {
  const body = settingsChangesSchema(catalog, 'file');
  return z.strictObject(
    {
      format: z.literal(SETTINGS_FILE_FORMAT, { error: SETTINGS_FILE_ERRORS.format }),
      version: z.literal(1, { error: SETTINGS_FILE_ERRORS.version }),
      ...body,
      // A file from the popup's rules export has no providers: the format check above says so first.
      providers: body.providers.default({}),
      rules: rulesFileSchema.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? SETTINGS_FILE_ERRORS.unknownField(issue.keys) : issue.code === 'invalid_type' ? SETTINGS_FILE_ERRORS.notObject : undefined,
    },
  );
}

/** `path：message` (full-width colon), the path dotted (providers.cmcc-softbar.extension). */
export function issueText(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path ? `${path}：${issue.message}` : issue.message;
}

/** The first problem, and how many other fields have one (a field's own second complaint does not count). */
export function errorText(error: z.ZodError): string {
  const [first] = error.issues;
  if (!first) return t('settingsInvalid');
  const where = (issue: z.core.$ZodIssue) => issue.path.map(String).join('.');
  const others = new Set(error.issues.map(where).filter((path) => path !== where(first))).size;
  return others ? t('errorsMore', issueText(first), String(others)) : issueText(first);
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Read a settings file. On success every value is valid and normalized; rules are complete. */
export function parseSettingsFile(text: string, catalog: SettingsCatalog, now = Date.now()): ParseResult<SettingsFile> {
  if (text.length > MAX_SETTINGS_FILE_BYTES) return { ok: false, error: SETTINGS_FILE_ERRORS.tooBig };
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, error: SETTINGS_FILE_ERRORS.notJson };
  }
  return parseSettingsValue(json, catalog, now);
}

export function parseSettingsValue(json: unknown, catalog: SettingsCatalog, now = Date.now()): ParseResult<SettingsFile> {
  // Check what the file is before what is in it: a rules file gets "not a settings file".
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: SETTINGS_FILE_ERRORS.notObject };
  const head = z.object({ format: z.literal(SETTINGS_FILE_FORMAT, { error: SETTINGS_FILE_ERRORS.format }), version: z.literal(1, { error: SETTINGS_FILE_ERRORS.version }) });
  const headParsed = head.safeParse(json);
  if (!headParsed.success) return { ok: false, error: headParsed.error.issues[0]!.message };
  const parsed = settingsFileSchema(catalog).safeParse(json);
  if (!parsed.success) return { ok: false, error: errorText(parsed.error) };
  const { rules, ...rest } = parsed.data;
  const file = dropUndefined({ ...rest, ...(rules ? { rules: completeRules(rules, now) } : {}) }) as SettingsFile;
  return { ok: true, value: file };
}

/** Validate a `settings/save` payload (every field optional). */
export function parseSettingsChanges(value: unknown, catalog: SettingsCatalog): ParseResult<SettingsChanges> {
  const body = settingsChangesSchema(catalog, 'patch');
  const parsed = z
    .strictObject(
      { ...body, providers: body.providers.optional() },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? SETTINGS_FILE_ERRORS.unknownField(issue.keys) : issue.code === 'invalid_type' ? t('settingsNotObject') : undefined) },
    )
    .safeParse(value);
  return parsed.success ? { ok: true, value: dropUndefined(parsed.data) as SettingsChanges } : { ok: false, error: errorText(parsed.error) };
}

// ── Export ────────────────────────────────────────────────────────────────────────────────────

/** What is saved now (provider settings as stored; null = never set up). */
export interface SettingsSnapshot {
  activeProvider: ProviderId | null;
  providers: Partial<Record<ProviderId, unknown>>;
  dialPlans: Partial<Record<ProviderId, DialPlan>>;
  rules?: { rules: readonly ButtonRule[]; sites: Readonly<Record<string, SiteSettings>> };
}

export interface ExportOptions {
  /** Put secret fields (settingsFields `secret: true`) in the file too. Default: left out. */
  includeSecrets?: boolean;
}

/**
 * The settings file for what is saved. Providers never set up are left out; a field with no
 * saved value gets the provider's default; secrets only when asked, and never empty ones. The
 * result is parsed back before it is returned, so an exported file always imports.
 */
export function buildSettingsFile(snapshot: SettingsSnapshot, catalog: SettingsCatalog, options: ExportOptions = {}): ParseResult<{ file: SettingsFile; text: string }> {
  const providers: Record<string, ProviderSettingsValues> = {};
  for (const id of PROVIDER_IDS) {
    const saved = snapshot.providers[id];
    if (saved === null || saved === undefined) continue;
    const info = catalog[id];
    const stored = (typeof saved === 'object' ? saved : {}) as Record<string, unknown>;
    const defaults = (info.defaultSettings ?? {}) as Record<string, unknown>;
    const section: ProviderSettingsValues = {};
    for (const field of info.settingsFields) {
      const value = stored[field.key] ?? defaults[field.key];
      // The agent's own password never goes in a file, whatever is asked.
      if (field.credential) continue;
      if (field.secret && (!options.includeSecrets || value === undefined || value === '')) continue;
      if (value !== undefined) section[field.key] = value;
    }
    providers[id] = section;
  }
  const dialPlans: Record<string, DialPlan> = {};
  for (const id of PROVIDER_IDS) {
    const plan = snapshot.dialPlans[id];
    // A provider never set up and left on the default plan has nothing to hand out.
    const setUp = snapshot.providers[id] !== null && snapshot.providers[id] !== undefined;
    const isDefault = plan && DIAL_PLAN_KEYS.every((key) => plan[key] === DEFAULT_DIAL_PLAN[key]);
    if (plan && (setUp || !isDefault)) dialPlans[id] = { outsideLinePrefix: plan.outsideLinePrefix, internationalPrefix: plan.internationalPrefix, extension: plan.extension };
  }
  const raw = {
    format: SETTINGS_FILE_FORMAT,
    version: 1,
    ...(snapshot.activeProvider ? { activeProvider: snapshot.activeProvider } : {}),
    providers,
    ...(Object.keys(dialPlans).length ? { dialPlans } : {}),
    ...(snapshot.rules ? { rules: { format: 'callbar-rules', version: 1, rules: snapshot.rules.rules, sites: snapshot.rules.sites } } : {}),
  };
  const parsed = parseSettingsValue(raw, catalog);
  if (!parsed.ok) return { ok: false, error: t('exportSavedInvalid', parsed.error) };
  return { ok: true, value: { file: parsed.value, text: `${JSON.stringify(parsed.value, null, 2)}\n` } };
}

/** The labels of the fields an export leaves out unless asked ("800 号码"). */
export function secretLabels(catalog: SettingsCatalog): string[] {
  return [...new Set(PROVIDER_IDS.flatMap((id) => catalog[id].settingsFields.filter((f) => f.secret && !f.credential).map((f) => f.label)))];
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
