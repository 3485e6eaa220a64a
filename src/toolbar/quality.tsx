/**
 * Call quality in the toolbar, from the call's `quality` (the browser phone measures it): signal
 * bars and the MOS beside the call timer, the network figures on hover and — a click on the bars —
 * on a line of their own; while the network is bad, a warning that the other side may not hear
 * the agent. Amber and still: something to act on (speak up, check the network), not an alarm.
 */

import type { CallQuality } from '../shared/call-quality.ts';
import { t } from '../shared/i18n.ts';
import { formatMos, qualityFigures, qualityLevel, qualityTitle, signalBars } from '../shared/quality-text.ts';
import { trusted } from './actions.ts';
import { WarnIcon } from './icons.tsx';

export function QualityIndicator(props: { quality: CallQuality; expanded: boolean; controls: string; onToggle: () => void }) {
  const { quality, expanded, controls, onToggle } = props;
  const level = qualityLevel(quality);
  const title = qualityTitle(quality);
  return (
    <button
      type="button"
      class={`quality ${level}`}
      title={title}
      aria-label={title}
      aria-expanded={expanded}
      aria-controls={controls}
      data-testid="toolbar-quality"
      data-mos={String(quality.mos)}
      data-poor={quality.poor ? 'true' : 'false'}
      data-level={level}
      onClick={trusted(onToggle)}
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

/** 往返 38 ms · 抖动 3 ms · 丢包 0% */
export function QualityFigures({ id, quality }: { id: string; quality: CallQuality }) {
  return (
    <div class="quality-figures" id={id} data-testid="toolbar-quality-figures">
      {qualityFigures(quality)}
    </div>
  );
}

export function NetworkWarning() {
  return (
    <div class="net-warn" role="status" data-testid="toolbar-network-warning">
      <WarnIcon />
      <span>{t('networkPoor')}</span>
    </div>
  );
}

