import { describe, expect, it } from 'vitest';
import { screenPopProblem, screenPopUrl } from './screen-pop.ts';

describe('screen pop', () => {
  it.each([
    ['off needs nothing', { when: 'off' as const, urlTemplate: '' }, null],
    ['empty template', { when: 'ring' as const, urlTemplate: ' ' }, '请填写弹屏地址'],
    ['no placeholder', { when: 'ring' as const, urlTemplate: 'https://crm.example.com/search' }, /\{number\}/],
    ['not a URL', { when: 'answer' as const, urlTemplate: 'crm search {number}' }, /不是有效的网址/],
    ['javascript: URL', { when: 'ring' as const, urlTemplate: 'javascript:alert({number})' }, /http/],
    ['valid', { when: 'ring' as const, urlTemplate: 'https://crm.example.com/search?phone={number}' }, null],
  ])('%s', (_name, settings, expected) => {
    const problem = screenPopProblem(settings);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('puts the number in every placeholder, URL-encoded', () => {
    expect(screenPopUrl({ when: 'ring', urlTemplate: 'https://crm.example.com/s?p={number}&q={number}' }, '+85221234567')).toBe(
      'https://crm.example.com/s?p=%2B85221234567&q=%2B85221234567',
    );
  });
});
