import { describe, expect, it } from 'vitest';
import { parseRulesFile } from './rules-file.ts';

const rule = { origin: 'https://crm.example.com', pathPattern: '/customers/*', selector: 'td.col-mobile' };
const file = (rules: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ format: 'callbar-rules', version: 1, rules, sites: {}, ...extra });

describe('rules file import', () => {
  it('accepts a valid file and completes missing fields', () => {
    const parsed = parseRulesFile(file([rule], { sites: { 'https://crm.example.com': { autoDetect: true } } }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.file.rules[0]).toMatchObject({ ...rule, source: 'import' });
    expect(parsed.file.rules[0]!.id).toMatch(/^r/);
    expect(parsed.file.sites).toEqual({ 'https://crm.example.com': { autoDetect: true } });
  });

  it.each([
    ['not JSON', '{rules:', '文件不是有效的 JSON'],
    ['another format', JSON.stringify({ format: 'other', version: 1, rules: [] }), '不是 CallBar 规则文件'],
    ['a newer version', JSON.stringify({ format: 'callbar-rules', version: 2, rules: [] }), '不支持的规则文件版本'],
    ['an origin with a path', file([{ ...rule, origin: 'https://crm.example.com/x' }]), '不是网站地址'],
    ['a path pattern without /', file([{ ...rule, pathPattern: 'customers' }]), '必须以 / 开头'],
    ['an empty selector', file([{ ...rule, selector: '  ' }]), '请填写 CSS 选择器'],
    ['a huge selector', file([{ ...rule, selector: 'td'.repeat(300) }]), /500/],
    ['a bad numberFrom', file([{ ...rule, numberFrom: { attribute: '' } }]), /rules\.0\.numberFrom/],
  ])('refuses %s with a specific message', (_name, text, message) => {
    const parsed = parseRulesFile(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(message);
  });
});
