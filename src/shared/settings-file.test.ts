/**
 * The settings file with a stand-in provider (src/shared may not import src/providers): every
 * class of bad input gets its own message naming the field path, and export → import → export
 * gives the same bytes. src/options/settings-catalog.test.ts runs the real catalog.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_DIAL_PLAN, type DialPlan } from './phone/dial-plan.ts';
import type { ButtonRule } from './rules.ts';
import {
  buildSettingsFile,
  dialPlanSchema,
  MAX_SETTINGS_FILE_BYTES,
  mergeRules,
  parseSettingsChanges,
  parseSettingsFile,
  type SettingsCatalog,
  type SettingsFile,
  type SettingsSnapshot,
  secretLabels,
} from './settings-file.ts';

const settingsSchema = z
  .object({
    baseUrl: z
      .string({ error: '请填写地址' })
      .trim()
      .min(1, '请填写地址')
      .refine((v) => /^http:\/\/127\.0\.0\.1:\d+\/?$/.test(v), '地址必须是本机地址')
      .transform((v) => v.replace(/\/$/, '')),
    extension: z.string({ error: '请填写 800 号码' }).trim().regex(/^\d{3,20}$/, '800 号码只能由 3–20 位数字组成'),
  })
  .refine((s) => !(s.baseUrl.endsWith(':9') && s.extension === '999'), { message: '端口 9 不能用 999', path: ['extension'] });

const CATALOG: SettingsCatalog = {
  'cmcc-softbar': {
    id: 'cmcc-softbar',
    name: '测试平台',
    settingsFields: [
      { key: 'baseUrl', label: '地址', type: 'url' },
      { key: 'extension', label: '800 号码', type: 'text', secret: true },
    ],
    settingsSchema,
    defaultSettings: { baseUrl: 'http://127.0.0.1:8008', extension: '' },
  },
  // A second platform with a password: passwords never reach files or policy.
  dscom: {
    id: 'dscom',
    name: '第二平台',
    settingsFields: [
      { key: 'username', label: '用户名', type: 'text' },
      { key: 'password', label: '密码', type: 'password', secret: true, credential: true },
    ],
    settingsSchema: z.object({ username: z.string().min(1, '请填写用户名'), password: z.string().min(1, '请填写密码') }),
    defaultSettings: { username: '', password: '' },
  },
  // A third platform, never set up in these tests.
  '800ing': {
    id: '800ing',
    name: '第三平台',
    settingsFields: [{ key: 'account', label: '帐号', type: 'text' }],
    settingsSchema: z.object({ account: z.string().min(1, '请填写帐号') }),
    defaultSettings: { account: '' },
  },
  // A phone platform: only its presence matters here.
  sip: {
    id: 'sip',
    name: '第四平台',
    settingsFields: [{ key: 'user', label: '账号', type: 'text' }],
    settingsSchema: z.object({ user: z.string() }),
    defaultSettings: { user: '' },
  },
  vcall: {
    id: 'vcall',
    name: '第五平台',
    settingsFields: [{ key: 'agentNumber', label: '工号', type: 'text' }],
    settingsSchema: z.object({ agentNumber: z.string() }),
    defaultSettings: { agentNumber: '' },
  },
  ccpaas: {
    id: 'ccpaas',
    name: '第六平台',
    settingsFields: [{ key: 'agentNo', label: '座席号', type: 'text' }],
    settingsSchema: z.object({ agentNo: z.string() }),
    defaultSettings: { agentNo: '' },
  },
};

const PLAN: DialPlan = { outsideLinePrefix: '9', internationalPrefix: '+', extension: 'dtmf' };
const RULE: ButtonRule = {
  id: 'r1',
  origin: 'https://crm.example.com',
  pathPattern: '/customers/*',
  selector: 'td.col-mobile',
  source: 'picker',
  label: '手机号码',
  createdAt: 1_700_000_000_000,
};

const file = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: 'callbar-settings',
    version: 1,
    activeProvider: 'cmcc-softbar',
    providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008', extension: '8001' } },
    dialPlans: { 'cmcc-softbar': PLAN },
    rules: { format: 'callbar-rules', version: 1, rules: [RULE], sites: { 'https://crm.example.com': { autoDetect: true } } },
    ...extra,
  });
const withProvider = (section: unknown) => file({ providers: { 'cmcc-softbar': section } });
const withPlan = (plan: unknown) => file({ dialPlans: { 'cmcc-softbar': plan } });
const withRules = (rules: unknown) => file({ rules });
const okSection = { baseUrl: 'http://127.0.0.1:8008', extension: '8001' };

describe('settings file: reading', () => {
  it('accepts a complete file, normalizing values as the provider schema does', () => {
    const parsed = parseSettingsFile(withProvider({ baseUrl: ' http://127.0.0.1:8010/ ', extension: ' 8001 ' }), CATALOG);
    expect(parsed).toEqual({
      ok: true,
      value: {
        format: 'callbar-settings',
        version: 1,
        activeProvider: 'cmcc-softbar',
        providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8010', extension: '8001' } },
        dialPlans: { 'cmcc-softbar': PLAN },
        rules: { format: 'callbar-rules', version: 1, rules: [RULE], sites: { 'https://crm.example.com': { autoDetect: true } } },
      },
    });
  });

  it('secret fields are optional; nothing else is', () => {
    const parsed = parseSettingsFile(withProvider({ baseUrl: 'http://127.0.0.1:8008' }), CATALOG);
    expect(parsed.ok && parsed.value.providers['cmcc-softbar']).toEqual({ baseUrl: 'http://127.0.0.1:8008' });
  });

  it('only format, version and providers are needed; a byte-order mark is fine', () => {
    const parsed = parseSettingsFile('\uFEFF{"format":"callbar-settings","version":1,"providers":{}}', CATALOG);
    expect(parsed).toEqual({ ok: true, value: { format: 'callbar-settings', version: 1, providers: {} } });
  });

  it('completes imported rules with an id and a creation time', () => {
    const parsed = parseSettingsFile(withRules({ format: 'callbar-rules', version: 1, rules: [{ origin: 'https://a.example', selector: 'td.tel' }] }), CATALOG, 42);
    expect(parsed.ok && parsed.value.rules?.rules[0]).toMatchObject({ origin: 'https://a.example', pathPattern: '/*', selector: 'td.tel', source: 'import', createdAt: 42 });
    expect(parsed.ok && parsed.value.rules?.rules[0]?.id).toMatch(/^r/);
  });

  it.each<[string, string, string | RegExp]>([
    ['not JSON', '{"format": "callbar-settings",', '文件不是有效的 JSON'],
    ['too big', ' '.repeat(MAX_SETTINGS_FILE_BYTES + 1), '文件太大（最多 1 MB），请确认选择的是 CallBar 设置文件'],
    ['a JSON array', '[]', '不是 CallBar 设置文件（文件内容应为 JSON 对象）'],
    ['a JSON string', '"callbar-settings"', '不是 CallBar 设置文件（文件内容应为 JSON 对象）'],
    ['a rules file', JSON.stringify({ format: 'callbar-rules', version: 1, rules: [], sites: {} }), '不是 CallBar 设置文件（format 应为 "callbar-settings"）'],
    ['no format', JSON.stringify({ version: 1, providers: {} }), '不是 CallBar 设置文件（format 应为 "callbar-settings"）'],
    ['a newer version', file({ version: 2 }), '不支持的设置文件版本（version 应为 1）'],
    ['a version as text', file({ version: '1' }), '不支持的设置文件版本（version 应为 1）'],
    ['an unknown top-level field', file({ exportedBy: 'x', more: 1 }), '未知的字段“exportedBy”、“more”'],
    ['an unknown active provider', file({ activeProvider: 'acme' }), 'activeProvider：未知的平台“acme”（可用：cmcc-softbar、dscom、800ing、sip、vcall、ccpaas）'],
    ['providers not an object', file({ providers: [] }), 'providers：应为 JSON 对象，键为平台 ID（例如 "cmcc-softbar"）'],
    ['an unknown provider', file({ providers: { acme: {} } }), 'providers：未知的平台“acme”（可用：cmcc-softbar、dscom、800ing、sip、vcall、ccpaas）'],
    ['a provider section not an object', withProvider('http://127.0.0.1:8008'), 'providers.cmcc-softbar：应为 JSON 对象'],
    ['a provider field against its rule', withProvider({ ...okSection, extension: '80a1' }), 'providers.cmcc-softbar.extension：800 号码只能由 3–20 位数字组成'],
    ['a provider field of the wrong type', withProvider({ ...okSection, extension: 8001 }), 'providers.cmcc-softbar.extension：请填写 800 号码'],
    ['a provider field with a refinement', withProvider({ ...okSection, baseUrl: 'http://10.0.0.5:8008' }), 'providers.cmcc-softbar.baseUrl：地址必须是本机地址'],
    ['a missing non-secret field', withProvider({ extension: '8001' }), 'providers.cmcc-softbar.baseUrl：请填写地址'],
    ['an unknown provider field', withProvider({ ...okSection, baseURL: 'x' }), 'providers.cmcc-softbar：未知的设置项“baseURL”'],
    ['a rule across fields', withProvider({ baseUrl: 'http://127.0.0.1:9', extension: '999' }), 'providers.cmcc-softbar.extension：端口 9 不能用 999'],
    ['dialPlans not an object', file({ dialPlans: 'none' }), /^dialPlans：应为 JSON 对象/],
    ['a dial plan of an unknown provider', file({ dialPlans: { acme: PLAN } }), 'dialPlans：未知的平台“acme”（可用：cmcc-softbar、dscom、800ing、sip、vcall、ccpaas）'],
    ['a dial plan not an object', withPlan(null), 'dialPlans.cmcc-softbar：应为 JSON 对象'],
    ['a long outside-line prefix', withPlan({ ...PLAN, outsideLinePrefix: '99999' }), 'dialPlans.cmcc-softbar.outsideLinePrefix：外线前缀只能是最多 4 位数字'],
    ['letters in the prefix', withPlan({ ...PLAN, outsideLinePrefix: 'a' }), 'dialPlans.cmcc-softbar.outsideLinePrefix：外线前缀只能是最多 4 位数字'],
    ['an unknown international prefix', withPlan({ ...PLAN, internationalPrefix: '011' }), 'dialPlans.cmcc-softbar.internationalPrefix：国际号码拨法只能是 "00"（拨 00 + 国家码）或 "+"（保留 + 号）'],
    ['an unknown extension mode', withPlan({ ...PLAN, extension: 'pause' }), 'dialPlans.cmcc-softbar.extension：分机拨法只能是 "drop"（只拨总机号码）或 "dtmf"（接通后按键拨分机）'],
    ['a dial plan field missing', withPlan({ outsideLinePrefix: '', internationalPrefix: '00' }), /^dialPlans\.cmcc-softbar\.extension：分机拨法只能是/],
    ['an unknown dial plan field', withPlan({ ...PLAN, prefix: '9' }), 'dialPlans.cmcc-softbar：未知的设置项“prefix”'],
    ['rules of another format', withRules({ format: 'rules', version: 1, rules: [] }), 'rules.format：不是 CallBar 规则文件（format 应为 "callbar-rules"）'],
    ['rules of another version', withRules({ format: 'callbar-rules', version: 3, rules: [] }), 'rules.version：不支持的规则文件版本（应为 1）'],
    ['a rule with a bad origin', withRules({ format: 'callbar-rules', version: 1, rules: [{ ...RULE, origin: 'crm.example.com' }] }), 'rules.rules.0：“crm.example.com”不是网站地址（例如 https://crm.example.com）'],
    ['a rule without a selector', withRules({ format: 'callbar-rules', version: 1, rules: [{ ...RULE, selector: ' ' }] }), 'rules.rules.0：请填写 CSS 选择器'],
    ['a rule with a bad numberFrom', withRules({ format: 'callbar-rules', version: 1, rules: [{ ...RULE, numberFrom: { attribute: '' } }] }), /^rules\.rules\.0\.numberFrom/],
    ['a bad site switch', withRules({ format: 'callbar-rules', version: 1, rules: [], sites: { 'https://a.example': { autoDetect: 'yes' } } }), /^rules\.sites\.https:\/\/a\.example\.autoDetect：/],
  ])('refuses %s with a specific message', (_name, text, message) => {
    const parsed = parseSettingsFile(text, CATALOG);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    if (typeof message === 'string') expect(parsed.error).toBe(message);
    else expect(parsed.error).toMatch(message);
  });

  it('says how many more problems there are', () => {
    const parsed = parseSettingsFile(file({ providers: { 'cmcc-softbar': { baseUrl: 'x', extension: 'y' } }, dialPlans: { 'cmcc-softbar': { ...PLAN, extension: 'z' } } }), CATALOG);
    expect(parsed).toEqual({ ok: false, error: 'providers.cmcc-softbar.baseUrl：地址必须是本机地址（另有 2 处错误）' });
  });
});

describe('settings changes (the settings/save payload)', () => {
  it('every provider field is optional, each one still checked', () => {
    expect(parseSettingsChanges({ providers: { 'cmcc-softbar': { extension: ' 8002 ' } } }, CATALOG)).toEqual({ ok: true, value: { providers: { 'cmcc-softbar': { extension: '8002' } } } });
    expect(parseSettingsChanges({ providers: { 'cmcc-softbar': { extension: 'x' } } }, CATALOG)).toEqual({ ok: false, error: 'providers.cmcc-softbar.extension：800 号码只能由 3–20 位数字组成' });
    expect(parseSettingsChanges({ dialPlans: { 'cmcc-softbar': PLAN }, activeProvider: 'cmcc-softbar' }, CATALOG)).toEqual({ ok: true, value: { dialPlans: { 'cmcc-softbar': PLAN }, activeProvider: 'cmcc-softbar' } });
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'x', '设置应为 JSON 对象'],
    ['an unknown key', { format: 'callbar-settings' }, '未知的字段“format”'],
    ['an unknown provider', { providers: { acme: {} } }, 'providers：未知的平台“acme”（可用：cmcc-softbar、dscom、800ing、sip、vcall、ccpaas）'],
    ['an unknown setting', { providers: { 'cmcc-softbar': { port: 1 } } }, 'providers.cmcc-softbar：未知的设置项“port”'],
    ['a partial dial plan', { dialPlans: { 'cmcc-softbar': { outsideLinePrefix: '9' } } }, 'dialPlans.cmcc-softbar.internationalPrefix：国际号码拨法只能是 "00"（拨 00 + 国家码）或 "+"（保留 + 号）（另有 1 处错误）'],
  ])('refuses %s', (_name, value, message) => {
    expect(parseSettingsChanges(value, CATALOG)).toEqual({ ok: false, error: message });
  });

  it('the dial plan payload schema keeps the background message', () => {
    const parsed = dialPlanSchema.safeParse({ ...DEFAULT_DIAL_PLAN, outsideLinePrefix: '12345' });
    expect(parsed.success ? '' : parsed.error.issues[0]?.message).toBe('外线前缀只能是最多 4 位数字');
  });
});

describe('settings file: export', () => {
  const snapshot: SettingsSnapshot = {
    activeProvider: 'cmcc-softbar',
    providers: { 'cmcc-softbar': { extension: '8001', baseUrl: 'http://127.0.0.1:8010' } },
    dialPlans: { 'cmcc-softbar': PLAN },
    rules: { rules: [RULE], sites: {} },
  };

  it('leaves secrets out unless asked, fields in form order', () => {
    const without = buildSettingsFile(snapshot, CATALOG);
    expect(without.ok && without.value.file.providers).toEqual({ 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8010' } });
    expect(without.ok && without.value.text).not.toContain('8001');
    const withSecrets = buildSettingsFile(snapshot, CATALOG, { includeSecrets: true });
    expect(withSecrets.ok && Object.keys(withSecrets.value.file.providers['cmcc-softbar']!)).toEqual(['baseUrl', 'extension']);
    expect(withSecrets.ok && withSecrets.value.file.providers['cmcc-softbar']!.extension).toBe('8001');
    expect(secretLabels(CATALOG)).toEqual(['800 号码']);
  });

  it('leaves out providers never set up, empty secrets, and fills defaults', () => {
    expect(buildSettingsFile({ activeProvider: null, providers: { 'cmcc-softbar': null }, dialPlans: {} }, CATALOG)).toEqual({
      ok: true,
      value: { file: { format: 'callbar-settings', version: 1, providers: {} }, text: '{\n  "format": "callbar-settings",\n  "version": 1,\n  "providers": {}\n}\n' },
    });
    const filled = buildSettingsFile({ activeProvider: null, providers: { 'cmcc-softbar': { extension: '' } }, dialPlans: {} }, CATALOG, { includeSecrets: true });
    expect(filled.ok && filled.value.file.providers).toEqual({ 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008' } });
  });

  it('a dial plan goes in the file when its provider is set up or the plan was changed', () => {
    const DEFAULT = { outsideLinePrefix: '', internationalPrefix: '00', extension: 'drop' } as const;
    const file = buildSettingsFile(
      { activeProvider: null, providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008' }, dscom: null }, dialPlans: { 'cmcc-softbar': DEFAULT, dscom: DEFAULT } },
      CATALOG,
    );
    expect(file.ok && file.value.file.dialPlans).toEqual({ 'cmcc-softbar': DEFAULT });
    const changed = buildSettingsFile({ activeProvider: null, providers: {}, dialPlans: { dscom: { ...DEFAULT, outsideLinePrefix: '9' } } }, CATALOG);
    expect(changed.ok && changed.value.file.dialPlans).toEqual({ dscom: { ...DEFAULT, outsideLinePrefix: '9' } });
  });

  it('refuses to write a file it could not read back', () => {
    const bad = buildSettingsFile({ ...snapshot, providers: { 'cmcc-softbar': { baseUrl: 'http://example.com' } } }, CATALOG);
    expect(bad).toEqual({ ok: false, error: '当前保存的设置有误，无法导出：providers.cmcc-softbar.baseUrl：地址必须是本机地址' });
  });

  /** What an import does to what is saved (the options page + the background's settings/save). */
  function imported(before: SettingsSnapshot, settingsFile: SettingsFile): SettingsSnapshot {
    const providers = { ...before.providers };
    for (const [id, section] of Object.entries(settingsFile.providers)) {
      providers[id as 'cmcc-softbar'] = { ...((before.providers[id as 'cmcc-softbar'] as object | null) ?? {}), ...section };
    }
    const rules = settingsFile.rules ? mergeRules(before.rules ?? { rules: [], sites: {} }, settingsFile.rules) : before.rules;
    return {
      activeProvider: settingsFile.activeProvider ?? before.activeProvider,
      providers,
      dialPlans: { ...before.dialPlans, ...settingsFile.dialPlans },
      ...(rules ? { rules: { rules: rules.rules, sites: rules.sites } } : {}),
    };
  }

  it.each([false, true])('export → import → export gives the same file (secrets: %s)', (includeSecrets) => {
    const first = buildSettingsFile(snapshot, CATALOG, { includeSecrets });
    if (!first.ok) throw new Error(first.error);
    for (const before of [{ activeProvider: null, providers: {}, dialPlans: {} } as SettingsSnapshot, snapshot]) {
      const read = parseSettingsFile(first.value.text, CATALOG);
      if (!read.ok) throw new Error(read.error);
      const second = buildSettingsFile(imported(before, read.value), CATALOG, { includeSecrets });
      expect(second.ok && second.value.text).toBe(first.value.text);
    }
  });

  it('an import without secrets keeps the secret already saved', () => {
    const read = parseSettingsFile(withProvider({ baseUrl: 'http://127.0.0.1:8011' }), CATALOG);
    if (!read.ok) throw new Error(read.error);
    expect(imported(snapshot, read.value).providers['cmcc-softbar']).toEqual({ extension: '8001', baseUrl: 'http://127.0.0.1:8011' });
  });
});

describe('mergeRules', () => {
  it('replaces the same origin + selector (keeping its id) and adds the rest', () => {
    const other = { ...RULE, id: 'r2', selector: 'td.tel' };
    const merged = mergeRules({ rules: [RULE], sites: { a: { autoDetect: false } } }, { format: 'callbar-rules', version: 1, rules: [{ ...RULE, id: 'rX', label: '新' }, other], sites: { b: { autoDetect: true } } });
    expect(merged).toEqual({ rules: [{ ...RULE, label: '新' }, other], sites: { a: { autoDetect: false }, b: { autoDetect: true } }, added: 1, replaced: 1 });
  });
});
