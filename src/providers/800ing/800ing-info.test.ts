import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_PORT, ing800CapabilitiesFor, ing800Info, ing800SettingsSchema, parseServer, SETTINGS_MESSAGES as M } from './800ing-info.ts';
import { type MessageKey, t } from '../../shared/i18n.ts';

const VALID = {
  mode: 'cloud',
  server: 'http://voip.800ing.com:8080',
  account: '100008800',
  password: '02367073578',
  clientType: '1',
  clientPort: 10800,
  httpPort: undefined,
  disablePop: false,
};

function firstMessage(input: Record<string, unknown>, field: string): string | undefined {
  const result = ing800SettingsSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues.find((issue) => issue.path.join('.') === field)?.message;
}

describe('800ing settings: refusals, one message per field', () => {
  it.each<{ field: string; value: unknown; message: MessageKey }>([
    { field: 'mode', value: 'api', message: M.modeInvalid },
    { field: 'mode', value: undefined, message: M.modeInvalid },
    { field: 'server', value: undefined, message: M.serverMissing },
    { field: 'server', value: '  ', message: M.serverMissing },
    { field: 'server', value: 'voip.800ing.com:8080', message: M.serverInvalid },
    { field: 'server', value: 'ftp://voip.800ing.com', message: M.serverInvalid },
    { field: 'server', value: 'http://voip.800ing.com:8080/other', message: M.serverInvalid },
    { field: 'server', value: 'http://u:p@voip.800ing.com:8080', message: M.serverInvalid },
    { field: 'server', value: 'http://voip.800ing.com:8080/?x=1', message: M.serverInvalid },
    { field: 'account', value: '', message: M.accountMissing },
    { field: 'account', value: '1000 08800', message: M.accountInvalid },
    { field: 'account', value: '1'.repeat(41), message: M.accountInvalid },
    { field: 'password', value: '', message: M.passwordMissing },
    { field: 'password', value: undefined, message: M.passwordMissing },
    { field: 'clientType', value: '4', message: M.clientTypeInvalid },
    { field: 'clientType', value: 'web', message: M.clientTypeInvalid },
    { field: 'clientPort', value: 0, message: M.clientPortInvalid },
    { field: 'clientPort', value: 70000, message: M.clientPortInvalid },
    { field: 'clientPort', value: 'abc', message: M.clientPortInvalid },
    { field: 'clientPort', value: 10800.5, message: M.clientPortInvalid },
    { field: 'httpPort', value: -1, message: M.httpPortInvalid },
    { field: 'httpPort', value: 'x', message: M.httpPortInvalid },
    { field: 'disablePop', value: 'maybe', message: M.disablePopInvalid },
  ])('$field = $value → $message', ({ field, value, message }) => {
    const input: Record<string, unknown> = { ...VALID, [field]: value };
    if (value === undefined) delete input[field];
    expect(firstMessage(input, field)).toBe(t(message));
  });
});

describe('800ing settings: normalized', () => {
  it('the server is stored as its origin; a pasted API path is dropped', () => {
    for (const server of ['http://voip.800ing.com:8080', 'http://voip.800ing.com:8080/', ' http://VOIP.800ing.com:8080/voip/api/jsondata.html ', 'http://voip.800ing.com:8080/voip/api/jsonpdata.json', 'http://voip.800ing.com:8080/voip/']) {
      expect(ing800SettingsSchema.parse({ ...VALID, server }).server).toBe('http://voip.800ing.com:8080');
    }
    expect(parseServer('https://cc.example.com')).toBe('https://cc.example.com');
  });

  it('the password is kept as typed (spaces too)', () => {
    expect(ing800SettingsSchema.parse({ ...VALID, password: ' pw ' }).password).toBe(' pw ');
  });

  it('ports from a text form: empty client port = 10800, empty httpPort = none, digits = numbers', () => {
    expect(ing800SettingsSchema.parse({ ...VALID, clientPort: '', httpPort: '' })).toMatchObject({ clientPort: 10800, httpPort: undefined });
    expect(ing800SettingsSchema.parse({ ...VALID, clientPort: ' 10801 ', httpPort: '10802' })).toMatchObject({ clientPort: 10801, httpPort: 10802 });
  });

  it('the checkbox and the client type accept what forms and files send', () => {
    expect(ing800SettingsSchema.parse({ ...VALID, disablePop: 'true', clientType: 2 })).toMatchObject({ disablePop: true, clientType: '2' });
    expect(ing800SettingsSchema.parse({ ...VALID, disablePop: '' })).toMatchObject({ disablePop: false });
  });

  it('the defaults validate once server, account and password are filled in', () => {
    expect(ing800SettingsSchema.parse({ ...ing800Info.defaultSettings, server: 'http://voip.800ing.com:8080', account: '100008800', password: 'x' })).toEqual({
      ...VALID,
      password: 'x',
    });
  });

  it('every field has one JSON input type (the managed-policy schema needs it)', () => {
    const shape = ing800SettingsSchema.shape as Record<string, z.ZodType>;
    const types = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, (z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as { type?: string }).type]));
    expect(types).toEqual({ mode: 'string', server: 'string', account: 'string', password: 'string', clientType: 'string', clientPort: 'integer', httpPort: 'integer', disablePop: 'boolean' });
  });
});

describe('ing800Info', () => {
  it('fields: mode and client type are selects; the password is the agent\'s credential; desktop fields show only in desktop mode', () => {
    const field = (key: string) => ing800Info.settingsFields.find((f) => f.key === key)!;
    expect(ing800Info.settingsFields.map((f) => f.key)).toEqual(['mode', 'server', 'account', 'password', 'clientType', 'clientPort', 'httpPort', 'disablePop']);
    expect(field('mode').options?.map((o) => o.value)).toEqual(['cloud', 'desktop']);
    expect(field('clientType').options?.map((o) => o.value)).toEqual(['1', '2', '3']);
    expect(field('server').type).toBe('url');
    expect(field('password')).toMatchObject({ type: 'password', credential: true, secret: true });
    for (const key of ['clientPort', 'httpPort', 'disablePop']) expect(field(key).showWhen).toEqual({ key: 'mode', value: 'desktop' });
    for (const key of ['mode', 'server', 'account', 'password', 'clientType']) expect(field(key).showWhen).toBeUndefined();
    expect(ing800Info.defaultSettings).toMatchObject({ mode: 'cloud', clientType: '1', clientPort: DEFAULT_CLIENT_PORT, disablePop: false });
    expect(DEFAULT_CLIENT_PORT).toBe(10800);
  });

  it('capabilities: transfer and the client actions only in desktop mode; no hold, mute, DTMF or agent states', () => {
    const cloud = ing800CapabilitiesFor({ mode: 'cloud' });
    const desktop = ing800CapabilitiesFor({ mode: 'desktop' });
    expect(cloud).toMatchObject({ dial: true, answer: true, hangup: true, transfer: false, hold: false, mute: false, dtmf: false, agentStates: [], extraActions: [] });
    expect(desktop).toMatchObject({ dial: true, answer: true, hangup: true, transfer: true, hold: false, mute: false, dtmf: false, agentStates: [] });
    expect(desktop.extraActions.map((a) => [a.id, a.label])).toEqual([
      ['clientLogin', '登录八百呼客户端'],
      ['clientPop', '弹出客户端界面'],
    ]);
    expect(desktop.extraActions[0]!.when).toEqual(['idle', 'ended']);
    expect(desktop.extraActions[1]!.when).toHaveLength(7);
    // The static capabilities are the superset.
    expect(ing800Info.capabilities).toEqual(desktop);
    expect(ing800Info.capabilitiesFor?.({ ...ing800Info.defaultSettings, mode: 'desktop' })).toEqual(ing800CapabilitiesFor({ mode: 'desktop' }));
  });
});
