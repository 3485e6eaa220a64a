import { describe, expect, it } from 'vitest';
import { loadCorpus, scoreCorpus } from '../../../test/fixtures/phone-corpus/corpus.ts';
import { findPhoneNumbers } from './detect.ts';

const cases = loadCorpus();
const NEGATIVE_CLASSES = [
  'negative-order', 'negative-idcard', 'negative-bankcard', 'negative-date', 'negative-time', 'negative-amount',
  'negative-postcode', 'negative-ip', 'negative-version', 'negative-glued', 'negative-percent', 'negative-hex',
  'negative-agent-formats',
];
const POSITIVE_CLASSES = [
  'positive-mobile', 'positive-mobile-prefixed', 'positive-landline', 'positive-extension', 'positive-tollfree',
  'positive-service', 'positive-international', 'positive-masked', 'positive-multiple', 'positive-agent-formats',
];

describe('phone corpus', () => {
  it('has at least 350 labelled cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(350);
  });

  it.each(NEGATIVE_CLASSES)('has at least 15 cases of %s, all expecting nothing', (klass) => {
    const of = cases.filter((c) => c.class === klass);
    expect(of.length).toBeGreaterThanOrEqual(15);
    for (const c of of) expect(c.expected).toEqual([]);
  });

  it.each(POSITIVE_CLASSES)('has cases of %s, all expecting a number', (klass) => {
    const of = cases.filter((c) => c.class === klass);
    expect(of.length).toBeGreaterThanOrEqual(15);
    for (const c of of) expect(c.expected.length).toBeGreaterThan(0);
  });

  it('uses no other class', () => {
    const known = new Set([...NEGATIVE_CLASSES, ...POSITIVE_CLASSES]);
    expect(cases.filter((c) => !known.has(c.class))).toEqual([]);
  });

  it('findPhoneNumbers reaches precision 1.0 and recall ≥ 0.99', () => {
    const score = scoreCorpus(cases, (text) => findPhoneNumbers(text).map((m) => m.number));
    const report = `precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}; misses:\n` +
      score.misses.map((m) => `  [${m.class}] ${m.text} expected ${m.expected.join(',')} found ${m.found.join(',')}`).join('\n');
    expect(score.precision, report).toBe(1);
    expect(score.recall, report).toBeGreaterThanOrEqual(0.99);
  });
});

describe('scoreCorpus', () => {
  const c = (text: string, ...numbers: string[]) => ({ text, class: 'x', expected: numbers.map((number) => ({ number, kind: 'mobile' as const })) });
  it('counts a number once, extras as false positives, missing ones as false negatives', () => {
    const score = scoreCorpus([c('a', '1', '2'), c('b')], (text) => (text === 'a' ? ['1', '1', '3'] : ['4']));
    expect(score).toMatchObject({ truePositives: 1, falsePositives: 3, falseNegatives: 1, precision: 0.25, recall: 0.5 });
  });
});
