import { describe, expect, it } from 'vitest';
import { defaultPathPattern, ruleApplies, rulesFromStorage, RULES_KEY, SITES_KEY } from './rules.ts';

const rule = { id: 'r1', origin: 'https://crm.example.com', pathPattern: '/crm/*', selector: 'td.m', source: 'picker' as const, createdAt: 0 };
const at = (href: string) => {
  const u = new URL(href);
  return { origin: u.origin, pathname: u.pathname, search: u.search, hash: u.hash };
};

describe('rules', () => {
  it.each([
    ['https://crm.example.com/crm/list', true],
    ['https://crm.example.com/crm/list?page=2#top', true],
    ['https://crm.example.com/orders', false],
    ['http://crm.example.com/crm/list', false],
    ['https://other.example.com/crm/list', false],
  ])('a rule for /crm/* on https://crm.example.com applies to %s: %s', (href, applies) => {
    expect(ruleApplies(rule, at(href))).toBe(applies);
  });

  it('tells SPA routes apart by search or hash', () => {
    const orders = { ...rule, pathPattern: '*route=/orders' };
    expect(ruleApplies(orders, at('https://crm.example.com/spa.html?route=/orders'))).toBe(true);
    expect(ruleApplies(orders, at('https://crm.example.com/spa.html?route=/customers'))).toBe(false);
  });

  it('proposes the page folder as the default path', () => {
    expect(defaultPathPattern('/crm/index.html')).toBe('/crm/*');
    expect(defaultPathPattern('/')).toBe('/*');
  });

  it('reads stored rules defensively: odd values become empty, never a crash', () => {
    expect(rulesFromStorage({})).toEqual({ rules: [], sites: {} });
    expect(rulesFromStorage({ [RULES_KEY]: 'x', [SITES_KEY]: [1] })).toEqual({ rules: [], sites: {} });
    expect(rulesFromStorage({ [RULES_KEY]: [rule], [SITES_KEY]: { 'https://a': { autoDetect: true } } })).toEqual({
      rules: [rule],
      sites: { 'https://a': { autoDetect: true } },
    });
  });
});
