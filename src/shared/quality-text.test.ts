import { afterEach, describe, expect, it } from 'vitest';
import { useLocale } from '../../test/support/locale.ts';
import { type CallQuality, nextQuality } from './call-quality.ts';
import { formatMos, formatMs, formatPct, POOR_WARNING_HOLD_MS, poorWarningShown, qualityBadge, qualityFigures, qualityLevel, qualityTitle, signalBars } from './quality-text.ts';

afterEach(() => useLocale('zh_CN'));

const quality = (q: Partial<CallQuality>): CallQuality => ({ mos: 4.4, rttMs: 38, jitterMs: 3, lossPct: 0, poor: false, worstMos: 4.3, meanMos: 4.4, samples: 10, ...q });

describe('qualityLevel and signalBars', () => {
  // [MOS, poor flag, level, bars]
  const TABLE: Array<[number, boolean, string, number]> = [
    [4.5, false, 'good', 3],
    [4, false, 'good', 3],
    [3.9, false, 'fair', 2],
    [3.5, false, 'fair', 2],
    [3.4, false, 'poor', 1],
    [1, false, 'poor', 1],
    // The phone warns of loss or delay past the line while the MOS still looks fair or good.
    [4.1, true, 'poor', 1],
    [Number.NaN, false, 'poor', 1],
  ];
  it.each(TABLE)('MOS %s (poor: %s) → %s, %s bars', (mos, poor, level, bars) => {
    expect(qualityLevel({ mos, poor })).toBe(level);
    expect(signalBars(qualityLevel({ mos, poor }))).toBe(bars);
  });

  it('the levels agree with the phone: what nextQuality calls poor is poor', () => {
    for (const sample of [{ rttMs: 450, jitterMs: 0, lossPct: 0 }, { rttMs: 40, jitterMs: 5, lossPct: 6 }, { rttMs: 40, jitterMs: 5, lossPct: 20 }]) {
      expect(qualityLevel(nextQuality(undefined, sample))).toBe('poor');
    }
    expect(qualityLevel(nextQuality(undefined, { rttMs: 40, jitterMs: 5, lossPct: 0 }))).toBe('good');
  });
});

describe('the figures', () => {
  it('MOS with one decimal, always', () => {
    expect(formatMos(4)).toBe('4.0');
    expect(formatMos(3.85)).toBe('3.9');
    expect(formatMos(Number.NaN)).toBe('–');
  });

  it('milliseconds whole, percentages with at most one decimal', () => {
    expect(formatMs(119.6)).toBe('120');
    expect(formatMs(-3)).toBe('0');
    expect(formatMs(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatPct(0)).toBe('0');
    expect(formatPct(5)).toBe('5');
    expect(formatPct(0.5)).toBe('0.5');
    expect(formatPct(12.34)).toBe('12.3');
    expect(formatPct(Number.NaN)).toBe('–');
  });

  it('往返 · 抖动 · 丢包, and in English', () => {
    expect(qualityFigures({ rttMs: 120, jitterMs: 8.2, lossPct: 0.5 })).toBe('往返 120 ms · 抖动 8 ms · 丢包 0.5%');
    useLocale('en');
    expect(qualityFigures({ rttMs: 120, jitterMs: 8.2, lossPct: 0.5 })).toBe('Round trip 120 ms · jitter 8 ms · loss 0.5%');
  });

  it('the indicator’s title: level and MOS, then the figures', () => {
    expect(qualityTitle(quality({}))).toBe('通话质量良好：MOS 4.4（满分 4.5）\n往返 38 ms · 抖动 3 ms · 丢包 0%');
    expect(qualityTitle(quality({ mos: 2.6, rttMs: 420, jitterMs: 46, lossPct: 8.4, poor: true }))).toBe('通话质量较差：MOS 2.6（满分 4.5）\n往返 420 ms · 抖动 46 ms · 丢包 8.4%');
    useLocale('en');
    expect(qualityTitle(quality({ mos: 3.8 }))).toBe('Call quality fair: MOS 3.8 (of 4.5)\nRound trip 38 ms · jitter 3 ms · loss 0%');
  });
});

describe('qualityBadge (recent calls)', () => {
  const entry = { meanMos: 4.2, worstMos: 4, rttMs: 40, jitterMs: 4, lossPct: 0 };
  it('the mean MOS; the figures in its title', () => {
    expect(qualityBadge(entry)).toEqual({
      text: '通话质量 4.2',
      title: '通话质量：平均 4.2，最低 4.0（MOS，满分 4.5）。挂断前：往返 40 ms · 抖动 4 ms · 丢包 0%',
      level: 'good',
    });
  });

  it('names the worst moment when it was 0.5 or more below the mean (counted in tenths)', () => {
    expect(qualityBadge({ ...entry, worstMos: 3.8 }).text).toBe('通话质量 4.2');
    expect(qualityBadge({ ...entry, worstMos: 3.7 }).text).toBe('通话质量 4.2 · 最低 3.7');
    expect(qualityBadge({ ...entry, meanMos: 3.9, worstMos: 2.7 }).text).toBe('通话质量 3.9 · 最低 2.7');
    useLocale('en');
    expect(qualityBadge({ ...entry, worstMos: 3.7 }).text).toBe('Quality 4.2 · lowest 3.7');
  });

  it('its level is the mean’s', () => {
    expect(qualityBadge({ ...entry, meanMos: 3.6, worstMos: 2 }).level).toBe('fair');
    expect(qualityBadge({ ...entry, meanMos: 3.1, worstMos: 2.9 }).level).toBe('poor');
  });
});

describe('poorWarningShown', () => {
  it('shows while poor, and a moment after the figures recover, not longer', () => {
    expect(poorWarningShown(true, null, 1000)).toBe(true);
    expect(poorWarningShown(false, null, 1000)).toBe(false);
    expect(poorWarningShown(false, 10_000, 10_000 + POOR_WARNING_HOLD_MS - 1)).toBe(true);
    expect(poorWarningShown(false, 10_000, 10_000 + POOR_WARNING_HOLD_MS)).toBe(false);
  });
});
