import { describe, expect, it } from 'vitest';
import type { SettingsFieldInfo as SettingsField } from './settings-file.ts';
import { serverPatterns } from './server-patterns.ts';

const fields: SettingsField[] = [
  { key: 'baseUrl', label: '服务器地址', type: 'url' },
  { key: 'billingUrl', label: '话单推送地址', type: 'url' },
  { key: 'username', label: '用户名', type: 'text' },
];

describe('serverPatterns', () => {
  it('asks for the http(s) servers in url fields, one pattern per host, ports and paths dropped', () => {
    expect(serverPatterns(fields, { baseUrl: 'https://pbx.example.com:8443/dscom-api', billingUrl: 'wss://pbx.example.com:8282', username: 'https://x.example' })).toEqual([
      'https://pbx.example.com/*',
    ]);
  });

  it('loopback programs and unparsable values need nothing', () => {
    expect(serverPatterns(fields, { baseUrl: 'http://127.0.0.1:8008' })).toEqual([]);
    expect(serverPatterns(fields, { baseUrl: 'http://localhost:10800' })).toEqual([]);
    expect(serverPatterns(fields, { baseUrl: 'not a url' })).toEqual([]);
    expect(serverPatterns(fields, null)).toEqual([]);
  });
});
