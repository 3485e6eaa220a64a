/**
 * The settings file and the policy with the real provider catalog, and docs/settings.md held to
 * them: every example in the doc is valid, and every row of its field table gives exactly the
 * message the doc says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { DEFAULT_DIAL_PLAN } from '../shared/phone/dial-plan.ts';
import { parsePolicy } from '../shared/managed-schema.ts';
import { buildSettingsFile, parseSettingsFile, type SettingsSnapshot } from '../shared/settings-file.ts';

const DOC = readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8');

/** The ```json block after `<!-- example: name -->`. */
function example(name: string): string {
  const match = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!match?.[1]) throw new Error(`docs/settings.md has no example "${name}"`);
  return match[1];
}

const VALID = {
  format: 'callbar-settings',
  version: 1,
  activeProvider: 'cmcc-softbar',
  providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008', extension: '8001' } },
  dialPlans: { 'cmcc-softbar': DEFAULT_DIAL_PLAN },
};
/** A valid 八百呼 section (no password either). */
const ING800 = { mode: 'cloud', server: 'http://voip.example.com:8080', account: '100008800', clientType: '1', clientPort: 10800, disablePop: false };
/** A valid dscom section (no password: it is the agent's own and never in a file). */
const SIP = { wsUrl: 'wss://pbx.example.com:8089/ws', user: '1001@pbx.example.com', domain: '', authUser: '', displayName: '', outboundProxy: '', iceServers: '', turnUsername: '', dtmfMode: 'rfc4733' };
/** A valid v-call section with every field (secrets included, so rules across fields run too). */
const VCALL = {
  mode: 'agent',
  server: 'https://cc.v-call.cn',
  companyId: '74722c42eea35272d005c2c731f17c46',
  agentNumber: '1001',
  password: 'pw',
  loginType: '3',
  callAgentType: 'default',
  streamUrl: 'wss://cc.v-call.cn/ws',
  connectAccount: 'mq',
  connectPassword: 'mqpw',
  vhost: '',
  subscribePath: '/exchange/agent/1001',
  phoneWsUrl: 'wss://sip.example.com:7443',
  maskNumbers: true,
  accessKeyId: 'ak-1',
  accessKeySecret: 'sk',
  callnum: '',
  callerPhone: '13800000000',
  callbackType: 'default',
};
/** A valid CC PaaS section with every field (both modes' fields, the credentials included). */
const CCPAAS = {
  mode: 'toolbar',
  ctiUrl: 'wss://cti.example.com/cti',
  appSid: 'app1',
  agentNo: '8001',
  password: 'pw',
  phoneType: '3',
  workStatus: '1',
  autoAnswer: false,
  pauseCauses: '休息,培训',
  encryptNumber: false,
  baseUrl: 'https://api.example.com',
  softVersion: '2016-01-01',
  accountSid: 'acc1',
  accountToken: 'tok',
  applicationSid: 'app1',
  caller: '13800000000',
  callerCli: '',
  calleeCli: '',
  record: '0',
  maxDuration: '',
  userData: '',
};
const DSCOM = { baseUrl: 'https://pbx.example.com', billingUrl: '', clientId: '4', clientSecret: 's3cret', username: 'agent1', extension: '8001', agentId: '1011', queues: '200,201', displaycid: '', supervisor: false, wrapUpSeconds: 0 };

describe('the settings file with the real catalog', () => {
  it('names the field and says what is wrong, in the provider’s own words', () => {
    const bad = JSON.stringify({ ...VALID, providers: { 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008', extension: '80a1' } } });
    expect(parseSettingsFile(bad, PROVIDER_CATALOG)).toEqual({ ok: false, error: 'providers.cmcc-softbar.extension：800 号码只能由 3–20 位数字组成' });
  });

  it('the 800 number is a secret: left out of exports unless asked', () => {
    const snapshot: SettingsSnapshot = { activeProvider: 'cmcc-softbar', providers: VALID.providers, dialPlans: VALID.dialPlans, rules: { rules: [], sites: {} } };
    const without = buildSettingsFile(snapshot, PROVIDER_CATALOG);
    const withSecrets = buildSettingsFile(snapshot, PROVIDER_CATALOG, { includeSecrets: true });
    expect(without.ok && without.value.file.providers).toEqual({ 'cmcc-softbar': { baseUrl: 'http://127.0.0.1:8008' } });
    expect(withSecrets.ok && withSecrets.value.file.providers).toEqual(VALID.providers);
    // Round trip: the exported text reads back to the same file and writes out the same text.
    for (const built of [without, withSecrets]) {
      if (!built.ok) throw new Error(built.error);
      const read = parseSettingsFile(built.value.text, PROVIDER_CATALOG);
      expect(read).toEqual({ ok: true, value: built.value.file });
    }
  });
});

describe('docs/settings.md', () => {
  it('the settings file example is a valid file, as an export writes it', () => {
    const text = example('settings-file');
    const read = parseSettingsFile(text, PROVIDER_CATALOG);
    if (!read.ok) throw new Error(read.error);
    expect(`${JSON.stringify(read.value, null, 2)}\n`).toBe(text);
  });

  it('the policy examples are valid policies for this extension', () => {
    const file = JSON.parse(example('policy-file')) as { '3rdparty': { extensions: Record<string, unknown> } };
    const policies = Object.entries(file['3rdparty'].extensions);
    expect(policies.map(([id]) => id)).toEqual(['ddibfpeaigbdfehklkajjjhfmnaafjmn']);
    expect(parsePolicy(policies[0]![1], PROVIDER_CATALOG).problems).toEqual([]);
    expect(parsePolicy(JSON.parse(example('policy-lock-all')), PROVIDER_CATALOG).problems).toEqual([]);
  });

  // | `path` | type | rule | `bad value` | message |
  const rows = [...DOC.matchAll(/^\| `([a-zA-Z0-9.-]+)` \|[^|]*\|[^|]*\| `([^`]*)` \| ([^|]+?) \|$/gm)].map((m) => ({ path: m[1]!, value: JSON.parse(m[2]!) as unknown, message: m[3]! }));

  it('has a row for every settings field, dial plan field and the active provider', () => {
    const paths = new Set(rows.map((r) => r.path));
    for (const [id, info] of Object.entries(PROVIDER_CATALOG)) for (const field of info.settingsFields) expect(paths).toContain(`providers.${id}.${field.key}`);
    for (const key of Object.keys(DEFAULT_DIAL_PLAN)) expect(paths).toContain(`dialPlans.cmcc-softbar.${key}`);
    expect(paths).toContain('activeProvider');
  });

  it.each(rows.map((r) => [r.path, r.value, r.message] as const))('%s = %j → “%s”', (path, value, message) => {
    const file = structuredClone({ ...VALID, providers: { ...VALID.providers, dscom: DSCOM, '800ing': ING800, sip: SIP, vcall: VCALL, ccpaas: CCPAAS } }) as Record<string, unknown>;
    const keys = path.split('.');
    let at = file;
    for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[keys.at(-1)!] = value;
    expect(parseSettingsFile(JSON.stringify(file), PROVIDER_CATALOG)).toEqual({ ok: false, error: `${path}：${message}` });
  });
});
