/**
 * 最近通话: number, direction, time, talk time and result — and, for a call the browser phone
 * measured, its quality (the mean MOS, the worst when notably lower; the figures in its title);
 * click a row to redial.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HistoryEntry } from '../shared/call-history.ts';
import { errorMessage } from '../shared/errors.ts';
import { formatDuration, shownNumber } from '../shared/format.ts';
import { onHistoryChanged } from '../shared/history-channel.ts';
import { send } from '../shared/messaging.ts';
import { qualityBadge } from '../shared/quality-text.ts';
import type { PublicState } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';

const time = (ms: number) => {
  const d = new Date(ms);
  const sameDay = new Date().toDateString() === d.toDateString();
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return sameDay ? hm : `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
};

export function RecentCalls({ state }: { state: PublicState }) {
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const callKey = `${state.call?.id}:${state.call?.state}`;
  useEffect(() => {
    void send('history/get', {}).then(setHistory, () => setHistory([]));
  }, [callKey]);
  // A platform's call record can correct a row after the call ended (its cause, talk time, recording).
  useEffect(() => onHistoryChanged(() => void send('history/get', {}).then(setHistory, () => undefined)), []);
  if (history.length === 0) return null;
  const busy = state.status !== 'loggedIn' || state.dialing || (!!state.call && state.call.state !== 'ended');
  return (
    <details class="card" open data-testid="recent-calls">
      <summary class="strong">{t('recentTitle')}</summary>
      <ul class="history">
        {history.slice(0, 20).map((h) => (
          <li key={h.id} data-testid="history-row">
            <button
              class="history-row"
              disabled={busy}
              title={t('redialNumber', h.number)}
              onClick={async () => {
                setError(null);
                try {
                  await send('call/dial-text', { text: h.number });
                } catch (e) {
                  setError(errorMessage(e));
                }
              }}
            >
              <span class={`dir ${h.direction}`} aria-label={h.direction === 'inbound' ? t('callInbound') : t('callOutbound')}>
                {h.direction === 'inbound' ? '↙' : '↗'}
              </span>
              <span class="number" data-testid="history-number" data-platform>
                {shownNumber(h.number, state)}
              </span>
              <span class="muted small">{time(h.startedAt)}</span>
              <span class="small" data-testid="history-duration">
                {formatDuration(h.durationSec)}
              </span>
              <span class="history-meta">
                <span class={`small ${h.connected ? 'ok-text' : 'muted'}`} data-testid="history-result">
                  {h.result}
                </span>
                {h.quality && <QualityBadge quality={h.quality} />}
              </span>
            </button>
            {h.recording && (
              <a class="recording small" href={h.recording} target="_blank" rel="noopener noreferrer" data-testid="history-recording" title={h.recording}>
                {t('historyRecording')}
              </a>
            )}
          </li>
        ))}
      </ul>
      {error && <div class="banner error">{error}</div>}
    </details>
  );
}

function QualityBadge({ quality }: { quality: NonNullable<HistoryEntry['quality']> }) {
  const badge = qualityBadge(quality);
  return (
    <span class={`quality-badge ${badge.level}`} title={badge.title} data-testid="history-quality" data-mos={String(quality.meanMos)} data-worst={String(quality.worstMos)}>
      {badge.text}
    </span>
  );
}
