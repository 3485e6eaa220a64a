/**
 * Call quality in the popup's call card, from the call's `quality` (the browser phone measures
 * it): signal bars and the MOS beside the timer, the network figures on hover and — a click on
 * the bars — on a line of their own; while the network is bad, a warning that the other side may
 * not hear the agent (amber and still: something to act on, not an alarm).
 */

import type { CallQuality } from '../shared/call-quality.ts';
import { t } from '../shared/i18n.ts';
import { formatMos, qualityFigures, qualityLevel, qualityTitle, signalBars } from '../shared/quality-text.ts';

export function QualityIndicator({ quality, expanded, onToggle }: { quality: CallQuality; expanded: boolean; onToggle: () => void }) {
  const level = qualityLevel(quality);
  const title = qualityTitle(quality);
  return (
    <button
      type="button"
      class={`quality ${level}`}
      title={title}
      aria-label={title}
      aria-expanded={expanded}
      aria-controls="popup-call-quality"
      data-testid="popup-quality"
      data-mos={String(quality.mos)}
      data-poor={quality.poor ? 'true' : 'false'}
      data-level={level}
      onClick={onToggle}
    >
      <SignalBars bars={signalBars(level)} />
      <span class="mos">{formatMos(quality.mos)}</span>
    </button>
  );
}

export function SignalBars({ bars }: { bars: number }) {
  return (
    <span class="bars" aria-hidden="true">
      {[1, 2, 3].map((n) => (
        <i key={n} class={n <= bars ? 'on' : undefined} />
      ))}
    </span>
  );
}

export function QualityFigures({ quality }: { quality: CallQuality }) {
  return (
    <div class="small muted quality-figures" id="popup-call-quality" data-testid="popup-quality-figures">
      {qualityFigures(quality)}
    </div>
  );
}

export function NetworkWarning() {
  return (
    <div class="banner warn" role="status" data-testid="popup-network-warning">
      <WarnIcon />
      <span>{t('networkPoor')}</span>
    </div>
  );
}

function WarnIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path d="M7 1.6 13 12.2H1Z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" />
      <path d="M7 5.4v3.2" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
      <circle cx="7" cy="10.3" r=".8" fill="currentColor" />
    </svg>
  );
}
