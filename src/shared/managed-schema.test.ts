/**
 * Enterprise policy: the committed public/managed_schema.json is exactly what
 * scripts/make-managed-schema.ts generates from the provider catalog (so they cannot drift), it
 * follows Chrome's schema rules, and pushed values are checked, applied and locked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MANAGED_SCHEMA_PATH, managedSchemaText } from '../../scripts/make-managed-schema.ts';
import {
  buildManagedSchema,
  type ChromeSchema,
  type CurrentSettings,
  isManaged,
  keepLocked,
  lockedChanges,
  lockedDialPlanKeys,
  lockedSettingKeys,
  NO_POLICY,
  parsePolicy,
  withoutLocked,
  withPolicyActiveProvider,
  withPolicyDialPlan,
  withPolicySettings,
} from './managed-schema.ts';
import { DEFAULT_DIAL_PLAN } from './phone/dial-plan.ts';
import type { SettingsCatalog } from './settings-file.ts';

const CATALOG: SettingsCatalog = {
  'cmcc-softbar': {
    id: 'cmcc-softbar',
    name: '测试平台',
    settingsFields: [
      { key: 'baseUrl', label: '地址', type: 'url', help: '本机地址' },
      { key: 'extension', label: '800 号码', type: 'text', secret: true },
    ],
    settingsSchema: z.object({
      baseUrl: z.string().trim().startsWith('http://127.0.0.1:', '地址必须是本机地址').transform((v) => v.replace(/\/$/, '')),
      extension: z.string().regex(/^\d{3,20}$/, '800 号码只能由 3–20 位数字组成'),
    }),
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

/** Keywords Chrome's policy schema understands (components/policy/core/common/schema.cc). */
const CHROME_KEYWORDS = new Set(['type', 'title', 'description', 'properties', 'additionalProperties', 'patternProperties', 'items', 'enum', 'pattern', 'minimum', 'maximum', 'required', 'id', '$ref']);

function visit(schema: ChromeSchema, path: string, each: (node: Record<string, unknown>, path: string) => void): void {
  each(schema as unknown as Record<string, unknown>, path);
  for (const [key, child] of Object.entries(schema.properties ?? {})) visit(child, `${path}.${key}`, each);
  if (schema.items) visit(schema.items, `${path}[]`, each);
}

describe('the managed_schema file', () => {
  it('the committed public/managed_schema.json is what the script generates', () => {
    expect(readFileSync(MANAGED_SCHEMA_PATH, 'utf8')).toBe(managedSchemaText());
  });

  it('follows Chrome’s rules: top level an object without additionalProperties, every node typed, known keywords only', () => {
    const schema = JSON.parse(managedSchemaText()) as ChromeSchema & Record<string, unknown>;
    expect(schema.type).toBe('object');
    expect(schema).not.toHaveProperty('additionalProperties');
    expect(schema).not.toHaveProperty('patternProperties');
    expect(Object.keys(schema.properties ?? {})).toEqual(['activeProvider', 'providers', 'dialPlans', 'lockAll', 'crmOrigins']);
    expect(schema.properties?.crmOrigins).toMatchObject({ type: 'array', items: { type: 'string' } });
    visit(schema, '$', (node, path) => {
      expect(['string', 'integer', 'number', 'boolean', 'array', 'object'], path).toContain(node.type);
      expect(node, path).not.toHaveProperty('$ref');
      for (const key of Object.keys(node)) expect(CHROME_KEYWORDS.has(key), `${path}: ${key}`).toBe(true);
    });
  });

  it('has every settings field of every provider, typed as its schema takes it, titled with its label', () => {
    const schema = buildManagedSchema(CATALOG);
    expect(schema.properties?.providers?.properties?.['cmcc-softbar']).toEqual({
      type: 'object',
      title: '测试平台',
      properties: {
        baseUrl: { type: 'string', title: '地址', description: '本机地址' },
        extension: { type: 'string', title: '800 号码' },
      },
    });
    expect(Object.keys(schema.properties?.dialPlans?.properties?.['cmcc-softbar']?.properties ?? {})).toEqual(['outsideLinePrefix', 'internationalPrefix', 'extension']);
    expect(schema.properties?.lockAll?.type).toBe('boolean');
  });
});

describe('parsePolicy', () => {
  it('crmOrigins: web origins enabled for every agent; anything else ignored with a reason', () => {
    const state = parsePolicy({ crmOrigins: ['https://CRM.example.com', 'https://crm.example.com', 'http://10.0.0.5:8080', 'https://crm.example.com/path', 'javascript:alert(1)', 7] }, CATALOG);
    expect(state.policy.crmOrigins).toEqual(['https://crm.example.com', 'http://10.0.0.5:8080']);
    expect(state.problems).toHaveLength(3);
    expect(state.problems[0]).toContain('https://crm.example.com/path');
    expect(parsePolicy({ crmOrigins: 'https://crm.example.com' }, CATALOG).problems).toEqual(['管理员策略中的 crmOrigins 无效，已忽略：应为网站地址的列表，例如 ["https://crm.example.com"]']);
  });

  it('nothing pushed → no policy', () => {
    expect(parsePolicy({}, CATALOG)).toEqual({ policy: NO_POLICY, problems: [] });
    expect(parsePolicy(undefined, CATALOG)).toEqual({ policy: NO_POLICY, problems: [] });
    expect(isManaged(NO_POLICY)).toBe(false);
  });

  it('keeps valid values, normalized by the provider schema', () => {
    const state = parsePolicy(
      {
        activeProvider: 'cmcc-softbar',
        providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8010/' } },
        dialPlans: { 'cmcc-softbar': { outsideLinePrefix: '9' } },
        lockAll: false,
      },
      CATALOG,
    );
    expect(state).toEqual({
      policy: { activeProvider: 'cmcc-softbar', providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8010' } }, dialPlans: { 'cmcc-softbar': { outsideLinePrefix: '9' } }, lockAll: false },
      problems: [],
    });
    expect(isManaged(state.policy)).toBe(true);
  });

  it('ignores only the bad values, each with a specific message', () => {
    const state = parsePolicy(
      {
        activeProvider: 'acme',
        providers: { 'cmcc-softbar': { baseUrl: 'http://10.0.0.1:1', extension: '8001', port: 1 }, acme: {} },
        dialPlans: { 'cmcc-softbar': { outsideLinePrefix: '99999', extension: 'dtmf' } },
        lockAll: 'yes',
        theme: 'dark',
      },
      CATALOG,
    );
    expect(state.policy).toEqual({ providers: { 'cmcc-softbar': { extension: '8001' } }, dialPlans: { 'cmcc-softbar': { extension: 'dtmf' } }, lockAll: false });
    expect(state.problems).toEqual([
      '管理员策略中的 activeProvider 无效，已忽略：未知的平台“acme”（可用：cmcc-softbar、dscom、800ing、sip、vcall、ccpaas）',
      '管理员策略中的 providers.cmcc-softbar.baseUrl 无效，已忽略：地址必须是本机地址',
      '管理员策略中的 providers.cmcc-softbar.port 不是 CallBar 的设置项，已忽略',
      '管理员策略中的 providers.acme 不是 CallBar 的设置项，已忽略',
      '管理员策略中的 dialPlans.cmcc-softbar.outsideLinePrefix 无效，已忽略：外线前缀只能是最多 4 位数字',
      '管理员策略中的 lockAll 无效，已忽略：应为 true 或 false',
      '管理员策略中的 theme 不是 CallBar 的设置项，已忽略',
    ]);
  });

  it.each([
    [{ providers: 'x' }, '管理员策略中的 providers 无效，已忽略：应为对象，键为平台 ID'],
    [{ dialPlans: { 'cmcc-softbar': [] } }, '管理员策略中的 dialPlans.cmcc-softbar 无效，已忽略：应为对象'],
  ])('%j → %s', (raw, message) => {
    expect(parsePolicy(raw, CATALOG).problems).toEqual([message]);
  });
});

describe('locks', () => {
  const policy = parsePolicy({ providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:9000' } }, dialPlans: { 'cmcc-softbar': { outsideLinePrefix: '0' } } }, CATALOG).policy;
  const all = { ...NO_POLICY, lockAll: true };
  const current: CurrentSettings = {
    activeProvider: 'cmcc-softbar',
    providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:9000', extension: '8001' } },
    dialPlans: { 'cmcc-softbar': { ...DEFAULT_DIAL_PLAN, outsideLinePrefix: '0' } },
  };

  it('pushed values are locked; lockAll locks everything', () => {
    expect(lockedSettingKeys(policy, 'cmcc-softbar', CATALOG)).toEqual(['baseUrl']);
    expect(lockedDialPlanKeys(policy, 'cmcc-softbar')).toEqual(['outsideLinePrefix']);
    expect(lockedSettingKeys(all, 'cmcc-softbar', CATALOG)).toEqual(['baseUrl', 'extension']);
    expect(lockedDialPlanKeys(all, 'cmcc-softbar')).toEqual(['outsideLinePrefix', 'internationalPrefix', 'extension']);
    expect(lockedSettingKeys(NO_POLICY, 'cmcc-softbar', CATALOG)).toEqual([]);
  });

  it('pushed values win over saved ones', () => {
    expect(withPolicySettings({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, policy, 'cmcc-softbar')).toEqual({ baseUrl: 'http://127.0.0.1:9000', extension: '8001' });
    expect(withPolicySettings(null, policy, 'cmcc-softbar')).toEqual({ baseUrl: 'http://127.0.0.1:9000' });
    expect(withPolicySettings(null, NO_POLICY, 'cmcc-softbar')).toBeNull();
    expect(withPolicyDialPlan(DEFAULT_DIAL_PLAN, policy, 'cmcc-softbar')).toEqual({ ...DEFAULT_DIAL_PLAN, outsideLinePrefix: '0' });
    expect(withPolicyActiveProvider(null, { ...NO_POLICY, activeProvider: 'cmcc-softbar' })).toBe('cmcc-softbar');
  });

  it('saving never writes a pushed value into the agent’s own settings', () => {
    expect(keepLocked({ baseUrl: 'http://127.0.0.1:8008', extension: '8001' }, { baseUrl: 'http://127.0.0.1:9000', extension: '8002' }, ['baseUrl'])).toEqual({ baseUrl: 'http://127.0.0.1:8008', extension: '8002' });
    expect(keepLocked(null, { baseUrl: 'http://127.0.0.1:9000', extension: '8002' }, ['baseUrl'])).toEqual({ extension: '8002' });
  });

  it('a change to a locked value is found; the value in force is no change', () => {
    expect(lockedChanges({ providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:9000', extension: '8002' } } }, policy, current, CATALOG)).toEqual([]);
    expect(lockedChanges({ providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008' } }, dialPlans: { 'cmcc-softbar': DEFAULT_DIAL_PLAN } }, policy, current, CATALOG)).toEqual([
      { path: 'providers.cmcc-softbar.baseUrl', label: '地址' },
      { path: 'dialPlans.cmcc-softbar.outsideLinePrefix', label: '外线前缀' },
    ]);
    expect(lockedChanges({ providers: { 'cmcc-softbar': { extension: '8002' } }, activeProvider: 'cmcc-softbar' }, all, current, CATALOG)).toEqual([{ path: 'providers.cmcc-softbar.extension', label: '800 号码' }]);
  });

  it('an import keeps what is not locked and says what it left out', () => {
    const { changes, skipped } = withoutLocked(
      { activeProvider: 'cmcc-softbar', providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008', extension: '8002' } }, dialPlans: { 'cmcc-softbar': { outsideLinePrefix: '9', internationalPrefix: '+', extension: 'dtmf' } } },
      policy,
      current,
      CATALOG,
    );
    expect(changes).toEqual({ activeProvider: 'cmcc-softbar', providers: { 'cmcc-softbar': { extension: '8002' } }, dialPlans: { 'cmcc-softbar': { outsideLinePrefix: '0', internationalPrefix: '+', extension: 'dtmf' } } });
    expect(skipped.map((s) => s.path)).toEqual(['providers.cmcc-softbar.baseUrl', 'dialPlans.cmcc-softbar.outsideLinePrefix']);
    expect(withoutLocked({ providers: { 'cmcc-softbar': { extension: '8002' } }, dialPlans: { 'cmcc-softbar': DEFAULT_DIAL_PLAN } }, all, current, CATALOG).changes).toEqual({});
  });
});
