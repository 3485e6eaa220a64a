import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { billingBase, dscomCapabilitiesFor, dscomInfo, dscomSettingsSchema, queueList, SETTINGS_MESSAGES as M } from './dscom-info.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';

const VALID = {
  baseUrl: 'https://192.168.1.200:8443',
  billingUrl: '',
  clientId: '4',
  clientSecret: '0ruQRB2r0RtkGdRuVCoiIltF8MjESwghKP8xEwcr',
  username: 'api',
  password: ' pa ss ',
  extension: '8001',
  agentId: '1011',
  queues: '200',
  displaycid: '',
  supervisor: false,
  wrapUpSeconds: 0,
};

/** The message the form shows for `field`. */
function messageFor(input: Record<string, unknown>, field: string): string | undefined {
  const result = dscomSettingsSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues.find((issue) => issue.path.join('.') === field)?.message;
}

describe('dscom settings: each field refuses with its own message', () => {
  it.each<{ field: keyof typeof VALID; value: unknown; message: MessageKey }>([
    { field: 'baseUrl', value: undefined, message: M.baseUrlMissing },
    { field: 'baseUrl', value: '  ', message: M.baseUrlMissing },
    { field: 'baseUrl', value: '192.168.1.200', message: M.baseUrlInvalid },
    { field: 'baseUrl', value: 'ftp://pbx', message: M.baseUrlInvalid },
    { field: 'baseUrl', value: 'wss://pbx:8282', message: M.baseUrlInvalid },
    { field: 'baseUrl', value: 'https://pbx/other-api', message: M.baseUrlInvalid },
    { field: 'baseUrl', value: 'https://pbx/?x=1', message: M.baseUrlInvalid },
    { field: 'baseUrl', value: 'https://user:pw@pbx', message: M.baseUrlInvalid },
    { field: 'billingUrl', value: 'https://pbx:8282', message: M.billingUrlInvalid },
    { field: 'billingUrl', value: 'pbx:8282', message: M.billingUrlInvalid },
    { field: 'billingUrl', value: 'wss://pbx:8282/?token=x', message: M.billingUrlInvalid },
    { field: 'clientId', value: '', message: M.clientIdMissing },
    { field: 'clientId', value: 'abc', message: M.clientIdInvalid },
    { field: 'clientId', value: '4.5', message: M.clientIdInvalid },
    { field: 'clientSecret', value: ' ', message: M.clientSecretMissing },
    { field: 'username', value: '', message: M.usernameMissing },
    { field: 'password', value: '', message: M.passwordMissing },
    { field: 'password', value: undefined, message: M.passwordMissing },
    { field: 'extension', value: '', message: M.extensionMissing },
    { field: 'extension', value: '8', message: M.extensionInvalid },
    { field: 'extension', value: '80a1', message: M.extensionInvalid },
    { field: 'extension', value: '12345678901', message: M.extensionInvalid },
    { field: 'agentId', value: '', message: M.agentIdMissing },
    { field: 'agentId', value: '工号1', message: M.agentIdInvalid },
    { field: 'queues', value: '', message: M.queuesMissing },
    { field: 'queues', value: ' , ', message: M.queuesMissing },
    { field: 'queues', value: '200,sales', message: M.queuesInvalid },
    { field: 'displaycid', value: '+8610', message: M.displaycidInvalid },
    { field: 'supervisor', value: 'maybe', message: M.supervisorInvalid },
    { field: 'supervisor', value: 1, message: M.supervisorInvalid },
    { field: 'wrapUpSeconds', value: -1, message: M.wrapUpInvalid },
    { field: 'wrapUpSeconds', value: 601, message: M.wrapUpInvalid },
    { field: 'wrapUpSeconds', value: 2.5, message: M.wrapUpInvalid },
    { field: 'wrapUpSeconds', value: 'ten', message: M.wrapUpInvalid },
  ])('$field = $value', ({ field, value, message }) => {
    expect(messageFor({ ...VALID, [field]: value }, field)).toBe(t(message));
  });
});

describe('dscom settings: normalized', () => {
  it.each<{ name: string; patch: Record<string, unknown>; expected: Record<string, unknown> }>([
    { name: 'a trailing / is dropped', patch: { baseUrl: 'https://192.168.1.200:8443/' }, expected: { baseUrl: 'https://192.168.1.200:8443' } },
    { name: 'a trailing /dscom-api is dropped', patch: { baseUrl: 'https://192.168.1.200:8443/dscom-api/' }, expected: { baseUrl: 'https://192.168.1.200:8443' } },
    { name: 'http is accepted', patch: { baseUrl: 'HTTP://PBX.example.com' }, expected: { baseUrl: 'http://pbx.example.com' } },
    { name: 'billing URL keeps a path, loses the trailing /', patch: { billingUrl: ' wss://192.168.1.200:8282/billing/ ' }, expected: { billingUrl: 'wss://192.168.1.200:8282/billing' } },
    { name: 'queues: any separator, duplicates dropped', patch: { queues: ' 200，201 、200;202  203 ' }, expected: { queues: '200,201,202,203' } },
    { name: 'password is kept as typed', patch: {}, expected: { password: ' pa ss ' } },
    { name: 'supervisor from a form: "true"', patch: { supervisor: 'true' }, expected: { supervisor: true } },
    { name: 'supervisor from a form: "false"', patch: { supervisor: 'false' }, expected: { supervisor: false } },
    { name: 'supervisor missing → off', patch: { supervisor: undefined }, expected: { supervisor: false } },
    { name: 'wrap-up from a form: "30"', patch: { wrapUpSeconds: ' 30 ' }, expected: { wrapUpSeconds: 30 } },
    { name: 'wrap-up left empty → 0', patch: { wrapUpSeconds: '' }, expected: { wrapUpSeconds: 0 } },
    { name: 'displaycid digits', patch: { displaycid: ' 02161234567 ' }, expected: { displaycid: '02161234567' } },
    { name: 'the optional fields may be left out', patch: { displaycid: undefined, billingUrl: undefined, wrapUpSeconds: undefined }, expected: { displaycid: '', billingUrl: '', wrapUpSeconds: 0 } },
  ])('$name', ({ patch, expected }) => {
    expect(dscomSettingsSchema.parse({ ...VALID, ...patch })).toMatchObject(expected);
  });

  it('what the schema outputs parses again to itself (stored settings, exported files)', () => {
    const once = dscomSettingsSchema.parse({ ...VALID, queues: '200 201', supervisor: 'true', wrapUpSeconds: '45', baseUrl: 'https://pbx/dscom-api' });
    expect(dscomSettingsSchema.parse(once)).toStrictEqual(once);
  });

  it('the defaults are the form\'s empty state: invalid until filled in, valid once filled', () => {
    expect(dscomSettingsSchema.safeParse(dscomInfo.defaultSettings).success).toBe(false);
    const filled = { ...dscomInfo.defaultSettings, ...VALID };
    expect(dscomSettingsSchema.parse(filled)).toStrictEqual(VALID);
  });

  it('each field has one JSON type (the enterprise policy schema needs it)', () => {
    const shape = dscomSettingsSchema.shape as Record<string, z.ZodType>;
    const types = Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { type?: string }).type]));
    expect(types).toMatchObject({ baseUrl: 'string', queues: 'string', supervisor: 'boolean' });
    expect(['number', 'integer']).toContain(types.wrapUpSeconds);
    for (const [key, type] of Object.entries(types)) expect(type, key).toBeTypeOf('string');
  });
});

describe('settings fields', () => {
  it('every schema key has a form field and every field a schema key', () => {
    expect(dscomInfo.settingsFields.map((f) => f.key).sort()).toEqual(Object.keys(dscomSettingsSchema.shape).sort());
  });

  it('only the agent\'s password is a credential; the client secret is a team-wide password field, not secret', () => {
    const byKey = Object.fromEntries(dscomInfo.settingsFields.map((f) => [f.key, f]));
    expect(byKey.password).toMatchObject({ type: 'password', credential: true });
    expect(byKey.clientSecret).toMatchObject({ type: 'password' });
    expect(byKey.clientSecret?.secret).toBeFalsy();
    expect(byKey.clientSecret?.credential).toBeFalsy();
    expect(dscomInfo.settingsFields.filter((f) => f.credential).map((f) => f.key)).toEqual(['password']);
    expect(byKey.supervisor?.type).toBe('checkbox');
    expect(byKey.wrapUpSeconds?.type).toBe('number');
  });
});

describe('the billing socket carries the token: only to the API host, encrypted when the API is', () => {
  it.each([
    ['https://192.168.1.200:8443', 'wss://10.0.0.9:8282', '话单推送地址必须在服务器 192.168.1.200 上（它会带上登录令牌）；留空则自动使用服务器的 8282 端口'],
    ['https://pbx.example.com', 'wss://pbx.example.com.evil.test:8282', '话单推送地址必须在服务器 pbx.example.com 上（它会带上登录令牌）；留空则自动使用服务器的 8282 端口'],
    ['https://192.168.1.200:8443', 'ws://192.168.1.200:8282', '服务器是 https，话单推送地址必须用 wss://（令牌不能明文传输）'],
  ])('%s with %s is refused', (baseUrl, billingUrl, message) => {
    const result = dscomSettingsSchema.safeParse({ ...VALID, baseUrl, billingUrl });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['billingUrl'], message })]);
  });

  it.each([
    ['https://192.168.1.200:8443', 'wss://192.168.1.200:9000/cdr'],
    ['http://pbx.example.com', 'ws://pbx.example.com:8282'],
    ['http://pbx.example.com', 'wss://pbx.example.com:8282'],
  ])('%s with %s is accepted', (baseUrl, billingUrl) => {
    expect(dscomSettingsSchema.safeParse({ ...VALID, baseUrl, billingUrl }).success).toBe(true);
  });
});

describe('derived addresses', () => {
  it.each([
    ['https://192.168.1.200:8443', '', 'wss://192.168.1.200:8282'],
    ['http://pbx.example.com', '', 'ws://pbx.example.com:8282'],
    ['https://[fd00::1]:8443', '', 'wss://[fd00::1]:8282'],
    ['https://pbx', 'ws://billing.example.com:9000', 'ws://billing.example.com:9000'],
  ])('%s with billingUrl %j → %s', (baseUrl, billingUrl, expected) => {
    expect(billingBase({ baseUrl, billingUrl })).toBe(expected);
  });

  it('queueList splits the normalized setting', () => {
    expect(queueList({ queues: '200,201' })).toEqual(['200', '201']);
  });
});

describe('capabilitiesFor', () => {
  const ids = (settings: { supervisor: boolean; wrapUpSeconds: number }) => dscomCapabilitiesFor(settings).extraActions.map((a) => a.id);

  it('supervisor actions only in supervisor mode', () => {
    for (const id of ['barge', 'monitor', 'whisper']) {
      expect(ids({ supervisor: false, wrapUpSeconds: 0 })).not.toContain(id);
      expect(ids({ supervisor: true, wrapUpSeconds: 0 })).toContain(id);
    }
  });

  it('the static capabilities are the superset of every agent\'s', () => {
    const all = dscomCapabilitiesFor({ supervisor: true, wrapUpSeconds: 0 });
    expect(dscomInfo.capabilities.extraActions.map((a) => a.id)).toEqual(all.extraActions.map((a) => a.id));
    expect(dscomInfo.capabilities.agentStates.map((s) => s.id)).toEqual(all.agentStates.map((s) => s.id));
  });

  it('the after-call state counts down only when the wrap-up time is known', () => {
    const afterCall = (wrapUpSeconds: number) => dscomCapabilitiesFor({ supervisor: false, wrapUpSeconds }).agentStates.find((s) => s.id === 'afterCall');
    expect(afterCall(0)?.countdownSeconds).toBeUndefined();
    expect(afterCall(30)?.countdownSeconds).toBe(30);
    expect(afterCall(30)?.selectable).toBe(false);
  });

  it('no answer, mute or DTMF (the agent answers on the phone); hold, transfer, dial, hang-up', () => {
    const c = dscomCapabilitiesFor({ supervisor: false, wrapUpSeconds: 0 });
    expect([c.answer, c.mute, c.dtmf]).toEqual([false, false, false]);
    expect([c.dial, c.hangup, c.hold, c.transfer]).toEqual([true, true, true, true]);
  });

  it('actions that need a number ask for one; the list works in any state, even without a call', () => {
    const actions = dscomInfo.capabilities.extraActions;
    const byId = Object.fromEntries(actions.map((a) => [a.id, a]));
    for (const id of ['attendedTransfer', 'unpark', 'redirect', 'pickup', 'logoutQueue', 'barge', 'monitor', 'whisper']) expect(byId[id]?.input?.label, id).toBeTruthy();
    for (const id of ['cancelAtxfer', 'park', 'parkList', 'queueWaiting']) expect(byId[id]?.input, id).toBeUndefined();
    expect(byId.parkList?.when).toEqual(expect.arrayContaining(['idle', 'ended', 'connected', 'held']));
    expect(byId.park?.when).not.toContain('idle');
  });
});
