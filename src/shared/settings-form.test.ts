import { describe, expect, it } from 'vitest';
import type { SettingsFieldInfo } from './settings-file.ts';
import { formValues, fromFormValue, isFieldShown, settingsFromForm, toFormValue } from './settings-form.ts';

const text: SettingsFieldInfo = { key: 'host', label: '地址', type: 'text' };
const num: SettingsFieldInfo = { key: 'wrap', label: '整理时长', type: 'number' };
const box: SettingsFieldInfo = { key: 'supervisor', label: '班长模式', type: 'checkbox' };
const mode: SettingsFieldInfo = { key: 'mode', label: '方式', type: 'select', options: [{ value: 'cloud', label: '云' }, { value: 'client', label: '客户端' }] };
const port: SettingsFieldInfo = { key: 'port', label: '端口', type: 'number', showWhen: { key: 'mode', value: 'client' } };

describe('settings form values', () => {
  it('checkboxes are booleans both ways; lists are shown comma separated', () => {
    expect(toFormValue(box, true)).toBe(true);
    expect(toFormValue(box, undefined)).toBe(false);
    expect(fromFormValue(box, true)).toBe(true);
    expect(toFormValue(text, ['200', '201'])).toBe('200, 201');
    expect(toFormValue(text, undefined)).toBe('');
  });

  it('a number field sends a number only when it holds one, so the schema can name the mistake', () => {
    expect(fromFormValue(num, ' 30 ')).toBe(30);
    expect(fromFormValue(num, '三十')).toBe('三十');
    expect(fromFormValue(num, '')).toBe('');
  });

  it('saved values win over defaults, field by field', () => {
    expect(formValues([text, box, num], { host: 'pbx' }, { host: 'x', supervisor: true, wrap: 0 })).toEqual({ host: 'pbx', supervisor: true, wrap: '0' });
  });

  it('fields shown only for another field’s value', () => {
    const values: Record<string, string> = { mode: 'cloud' };
    expect(isFieldShown(port, (k) => values[k])).toBe(false);
    values.mode = 'client';
    expect(isFieldShown(port, (k) => values[k])).toBe(true);
    expect(isFieldShown(mode, (k) => values[k])).toBe(true);
    expect(settingsFromForm([mode, port], (k) => ({ mode: 'client', port: '10800' })[k])).toEqual({ mode: 'client', port: 10800 });
  });
});

describe('showWhen with several values or several conditions', () => {
  const keys: SettingsFieldInfo = { key: 'secret', label: '密钥', type: 'text', showWhen: { key: 'mode', value: ['openCall', 'callback'] } };
  const phone: SettingsFieldInfo = { key: 'ws', label: '话机地址', type: 'url', showWhen: [{ key: 'mode', value: 'agent' }, { key: 'loginType', value: '3' }] };
  it.each([
    [keys, { mode: 'openCall' }, true],
    [keys, { mode: 'callback' }, true],
    [keys, { mode: 'agent' }, false],
    [phone, { mode: 'agent', loginType: '3' }, true],
    [phone, { mode: 'agent', loginType: '1' }, false],
    [phone, { mode: 'callback', loginType: '3' }, false],
  ] as const)('%#', (field, values, shown) => {
    expect(isFieldShown(field, (k) => (values as Record<string, string>)[k])).toBe(shown);
  });
});
