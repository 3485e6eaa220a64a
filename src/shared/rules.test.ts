import { describe, expect, it } from 'vitest';
import { defaultPathPattern, enabledOrigins, isSiteOrigin, originPattern, ruleApplies, rulesFromStorage, RULES_KEY, siteEnabled, SITES_KEY } from './rules.ts';

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

describe('frames: a rule acts only under the top-level site it was made for', () => {
  const inFrame = { ...rule, origin: 'https://reports.example.com', topOrigin: 'https://crm.example.com' };
  it.each([
    ['https://crm.example.com', true],
    ['https://evil.example', false],
    [undefined, false], // the frame's page opened on its own
  ])('a frame rule for reports.example.com under %s applies: %s', (top, applies) => {
    expect(ruleApplies(inFrame, at('https://reports.example.com/crm/x'), top ?? 'https://reports.example.com')).toBe(applies);
  });

  it('a rule without topOrigin (made on the top page) acts on its own site only, not framed by another', () => {
    expect(ruleApplies(rule, at('https://crm.example.com/crm/x'), 'https://crm.example.com')).toBe(true);
    expect(ruleApplies(rule, at('https://crm.example.com/crm/x'), 'https://evil.example')).toBe(false);
  });
});

describe('where CallBar runs', () => {
  const stored = (rules: unknown[], sites: Record<string, unknown>) => rulesFromStorage({ [RULES_KEY]: rules, [SITES_KEY]: sites });

  it.each([
    ['a site with rules (rules kept from before sites were enabled)', stored([rule], {}), true],
    ['a site with detection on', stored([], { 'https://crm.example.com': { autoDetect: true } }), true],
    ['a site just enabled, no rule yet', stored([], { 'https://crm.example.com': { autoDetect: false, enabled: true } }), true],
    ['a site switched off (停用本站), rules kept', stored([rule], { 'https://crm.example.com': { autoDetect: false, enabled: false } }), false],
    ['a site listed by the administrator, even switched off', stored([], { 'https://crm.example.com': { autoDetect: false, enabled: false, byPolicy: true } }), true],
    ['a site never touched', stored([], {}), false],
  ])('%s: %s', (_name, value, enabled) => {
    expect(siteEnabled('https://crm.example.com', value)).toBe(enabled);
  });

  it('lists the enabled web origins only, sorted', () => {
    const value = stored(
      [rule, { ...rule, origin: 'https://b.example' }, { ...rule, origin: 'file:///etc' }],
      { 'https://a.example': { autoDetect: true }, 'https://b.example': { autoDetect: false, enabled: false } },
    );
    expect(enabledOrigins(value)).toEqual(['https://a.example', 'https://crm.example.com']);
  });

  it.each([
    ['https://crm.example.com', true],
    ['http://127.0.0.1:8080', true],
    ['https://crm.example.com/', false],
    ['https://*.example.com', false],
    ['chrome://settings', false],
    ['https://crm.example.com/path', false],
  ])('%s is a site origin: %s', (origin, ok) => {
    expect(isSiteOrigin(origin)).toBe(ok);
  });

  it('its match pattern covers every page of exactly that origin (port included)', () => {
    expect(originPattern('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/*');
  });
});
