import { describe, expect, it } from 'vitest';
import { type MessageKey, t } from '../../shared/i18n.ts';
import { sipAccount } from './index.ts';
import { sipSettingsSchema, splitSipUser } from './sip-info.ts';

const VALID = { wsUrl: 'wss://pbx.example.com:8089/ws', user: '1001@pbx.example.com', password: 'secret' };

function messageFor(input: Record<string, unknown>, field: string): string | undefined {
  const result = sipSettingsSchema.safeParse(input);
  expect(result.success, JSON.stringify(input)).toBe(false);
  return result.error?.issues.find((issue) => issue.path.join('.') === field)?.message;
}

describe('sip settings: each field refuses with its own message', () => {
  it.each<{ field: string; value: unknown; message: MessageKey }>([
    { field: 'wsUrl', value: undefined, message: 'sipWsUrlMissing' },
    { field: 'wsUrl', value: '  ', message: 'sipWsUrlMissing' },
    { field: 'wsUrl', value: 'https://pbx.example.com/ws', message: 'sipWsUrlInvalid' },
    { field: 'wsUrl', value: 'pbx.example.com:8089', message: 'sipWsUrlInvalid' },
    { field: 'wsUrl', value: 'ws://pbx.example.com:8088/ws', message: 'sipWsUrlInsecure' },
    { field: 'wsUrl', value: 'ws://8.8.8.8:8088/ws', message: 'sipWsUrlInsecure' },
    { field: 'user', value: '', message: 'sipUserMissing' },
    { field: 'user', value: '10 01', message: 'sipUserInvalid' },
    { field: 'user', value: '1001@pbx example', message: 'sipDomainInvalid' },
    { field: 'domain', value: 'bad domain', message: 'sipDomainInvalid' },
    { field: 'password', value: '', message: 'sipPasswordMissing' },
    { field: 'displayName', value: 'a"b', message: 'sipDisplayNameInvalid' },
    { field: 'outboundProxy', value: 'proxy.example.com', message: 'sipOutboundProxyInvalid' },
    { field: 'iceServers', value: 'stun.example.com:3478', message: 'sipIceServersInvalid' },
    { field: 'dtmfMode', value: 'inband', message: 'sipDtmfModeInvalid' },
  ])('$field = $value → $message', ({ field, value, message }) => {
    expect(messageFor({ ...VALID, [field]: value }, field)).toBe(t(message));
  });

  it('needs a domain from the user or the domain field', () => {
    expect(messageFor({ ...VALID, user: '1001' }, 'domain')).toBe(t('sipDomainMissing'));
    expect(sipSettingsSchema.safeParse({ ...VALID, user: '1001', domain: 'pbx.example.com' }).success).toBe(true);
  });

  it('a TURN server needs its credentials', () => {
    expect(messageFor({ ...VALID, iceServers: 'turn:turn.example.com:3478' }, 'turnUsername')).toBe(t('sipTurnCredentialsMissing'));
    expect(sipSettingsSchema.safeParse({ ...VALID, iceServers: 'turn:turn.example.com:3478', turnUsername: 'u', turnPassword: 'p' }).success).toBe(true);
  });

  it('accepts ws:// on this computer and private networks, wss:// anywhere', () => {
    for (const wsUrl of ['ws://127.0.0.1:5066', 'ws://localhost:8088/ws', 'ws://192.168.1.20:8088/ws', 'ws://10.0.0.5:5066', 'ws://172.20.1.1:8088/ws', 'wss://8.8.8.8:8089/ws']) {
      expect(sipSettingsSchema.safeParse({ ...VALID, wsUrl }).success, wsUrl).toBe(true);
    }
  });

  it('fills defaults and trims', () => {
    const parsed = sipSettingsSchema.parse({ ...VALID, user: ' sip:1001@pbx.example.com ' });
    expect(parsed).toMatchObject({ user: 'sip:1001@pbx.example.com', domain: '', dtmfMode: 'rfc4733', iceServers: '' });
  });
});

describe('sip account for the phone', () => {
  it('splits user and domain in every accepted spelling', () => {
    expect(splitSipUser('1001')).toEqual({ user: '1001', domain: '' });
    expect(splitSipUser('1001@pbx.example.com')).toEqual({ user: '1001', domain: 'pbx.example.com' });
    expect(splitSipUser('sip:1001@pbx.example.com')).toEqual({ user: '1001', domain: 'pbx.example.com' });
  });

  it('builds the URI, STUN and TURN servers', () => {
    const settings = sipSettingsSchema.parse({
      ...VALID,
      user: '1001',
      domain: 'pbx.example.com',
      iceServers: 'stun:stun.example.com:3478, turn:turn.example.com:3478?transport=udp',
      turnUsername: 'u',
      turnPassword: 'p',
      dtmfMode: 'info',
    });
    expect(sipAccount(settings)).toEqual({
      wsUrl: VALID.wsUrl,
      uri: 'sip:1001@pbx.example.com',
      password: 'secret',
      iceServers: [{ urls: ['stun:stun.example.com:3478'] }, { urls: ['turn:turn.example.com:3478?transport=udp'], username: 'u', credential: 'p' }],
      dtmfMode: 'info',
    });
  });
});
