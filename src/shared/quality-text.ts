/**
 * Call quality as the agent sees it, in the toolbar, the popup and recent calls: a level and its
 * signal bars, the MOS, the network figures in words, the recent-calls badge, and how long the
 * bad-network warning stays. Pure (words through t()).
 */
import type { HistoryEntry } from './call-history.ts';
import { type CallQuality, POOR_MOS } from './call-quality.ts';
import { type MessageKey, t } from './i18n.ts';

/** At or above this MOS a call sounds good: three bars. (POOR_MOS … GOOD_MOS: two, below: one.) */
export const GOOD_MOS = 4;
/** Recent calls name a call's worst moment when it was at least this far below its mean. */
export const WORST_SHOWN_BELOW = 0.5;
/**
 * The warning stays this long after the figures recover: a network hovering at the threshold
 * would otherwise make it blink on and off (and the toolbar jump) with every 2 s sample.
 */
export const POOR_WARNING_HOLD_MS = 6000;

export type QualityLevel = 'good' | 'fair' | 'poor';

const LEVEL_WORDS = {
  good: 'qualityLevelGood',
  fair: 'qualityLevelFair',
  poor: 'qualityLevelPoor',
} as const satisfies Record<QualityLevel, MessageKey>;

/**
 * good (MOS ≥ 4), fair (≥ 3.5) or poor (lower). A quality the phone flags as poor is poor
 * whatever its MOS: loss or delay past the line (POOR_LOSS_PCT, POOR_RTT_MS) can leave the
 * estimate fair while the other side already hears gaps — the bars agree with the warning.
 */
export function qualityLevel(q: { mos: number; poor?: boolean }): QualityLevel {
  if (q.poor || !(q.mos >= POOR_MOS)) return 'poor';
  return q.mos >= GOOD_MOS ? 'good' : 'fair';
}

/** Signal bars lit, of three. */
export function signalBars(level: QualityLevel): 1 | 2 | 3 {
  return level === 'good' ? 3 : level === 'fair' ? 2 : 1;
}

/** A MOS with its one decimal (4.0, not 4); '–' when there is none. */
export function formatMos(mos: number): string {
  return Number.isFinite(mos) ? mos.toFixed(1) : '–';
}

/** Milliseconds, whole. */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? String(Math.max(0, Math.round(ms))) : '–';
}

/** A percentage with at most one decimal, none when it is whole (0, 0.5, 12.3). */
export function formatPct(pct: number): string {
  return Number.isFinite(pct) ? String(Math.max(0, Math.round(pct * 10) / 10)) : '–';
}

/** 往返 120 ms · 抖动 8 ms · 丢包 0.5% */
export function qualityFigures(q: { rttMs: number; jitterMs: number; lossPct: number }): string {
  return t('qualityFigures', formatMs(q.rttMs), formatMs(q.jitterMs), formatPct(q.lossPct));
}

/** The indicator's title: 通话质量良好：MOS 4.4（满分 4.5）, then the figures on a line of their own. */
export function qualityTitle(q: CallQuality): string {
  return `${t('qualityTitle', t(LEVEL_WORDS[qualityLevel(q)]), formatMos(q.mos))}\n${qualityFigures(q)}`;
}

export interface QualityBadge {
  /** 通话质量 4.2, or 通话质量 3.9 · 最低 2.7 when the call had a notably worse moment. */
  text: string;
  /** The mean, the worst and the last figures. */
  title: string;
  /** By the mean: the badge stays muted unless the call as a whole was poor. */
  level: QualityLevel;
}

/** The recent-calls badge of a call the browser phone measured. */
export function qualityBadge(q: NonNullable<HistoryEntry['quality']>): QualityBadge {
  const mean = formatMos(q.meanMos);
  const worst = formatMos(q.worstMos);
  // In tenths: 4.2 − 3.7 is 0.4999… in floating point.
  const showWorst = Math.round(q.meanMos * 10) - Math.round(q.worstMos * 10) >= WORST_SHOWN_BELOW * 10;
  return {
    text: showWorst ? t('qualityBadgeWorst', mean, worst) : t('qualityBadge', mean),
    title: t('qualityHistoryTitle', mean, worst, qualityFigures(q)),
    level: qualityLevel({ mos: q.meanMos }),
  };
}

/**
 * Whether the bad-network warning shows: while the call's quality is poor, and for
 * POOR_WARNING_HOLD_MS after it was last seen poor (`poorUntil`: when it stopped being poor).
 */
export function poorWarningShown(poorNow: boolean, poorUntil: number | null, now: number): boolean {
  return poorNow || (poorUntil !== null && now - poorUntil < POOR_WARNING_HOLD_MS);
}
