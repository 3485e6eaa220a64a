/**
 * Call quality from WebRTC statistics: round-trip time, jitter and packet loss, and an
 * estimated MOS (mean opinion score, 1 = bad … 4.5 = excellent). Pure, so the phone (which
 * samples getStats) and the tests share it.
 *
 * The estimate is the simplified ITU-T G.107 E-model used by most WebRTC monitors:
 *   effective latency  Le = RTT/2 + 2·jitter + 10 ms
 *   R = 93.2 − Le/40                 (Le < 160 ms)
 *   R = 93.2 − (Le − 120)/10         (otherwise)
 *   R −= 2.5 · loss%
 *   MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R)
 * It ignores the codec (Opus hides some loss), so it errs on the side of warning.
 */

export interface CallQuality {
  /** The latest estimate, one decimal. */
  mos: number;
  rttMs: number;
  jitterMs: number;
  /** Packets lost in the last sample interval, percent, one decimal. */
  lossPct: number;
  /** The latest sample is bad enough to warn the agent. */
  poor: boolean;
  worstMos: number;
  /** Mean of the call's samples, one decimal. */
  meanMos: number;
  samples: number;
  /**
   * The samples' MOS added up, unrounded: the mean is worked out from it. (A running mean of
   * one-decimal means stops moving once one sample shifts it by less than 0.05 — after about a
   * minute and a half of 2 s samples — and a call that went bad later kept its good mean.)
   * Absent from a quality folded by an older phone: then meanMos × samples stands in.
   */
  mosSum?: number;
}

/** Below this MOS, or above these figures, the toolbar warns of a bad network. */
export const POOR_MOS = 3.5;
export const POOR_LOSS_PCT = 5;
export const POOR_RTT_MS = 400;

export function estimateMos(rttMs: number, jitterMs: number, lossPct: number): number {
  const rtt = finite(rttMs);
  const jitter = finite(jitterMs);
  const loss = Math.min(100, finite(lossPct));
  const latency = rtt / 2 + 2 * jitter + 10;
  let r = latency < 160 ? 93.2 - latency / 40 : 93.2 - (latency - 120) / 10;
  r -= 2.5 * loss;
  r = Math.max(0, Math.min(100, r));
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return round1(Math.max(1, Math.min(4.5, mos)));
}

export function isPoor(sample: { mos: number; rttMs: number; lossPct: number }): boolean {
  return sample.mos < POOR_MOS || sample.lossPct > POOR_LOSS_PCT || sample.rttMs > POOR_RTT_MS;
}

/** Counters carried from one getStats sample to the next (loss is measured per interval). */
export interface StatsCounters {
  packetsReceived: number;
  packetsLost: number;
}

export interface StatsSample {
  rttMs: number;
  jitterMs: number;
  lossPct: number;
  counters: StatsCounters;
}

type StatEntry = Record<string, unknown> & { type?: unknown };

/**
 * Read one getStats() report (its values, as plain objects): the audio inbound-rtp stream gives
 * jitter and packet counts, remote-inbound-rtp or the selected candidate pair the round trip.
 * null when the report has no inbound audio yet.
 */
export function readStats(entries: Iterable<StatEntry>, previous: StatsCounters | null): StatsSample | null {
  let inbound: StatEntry | undefined;
  let rtt: number | undefined;
  let pairRtt: number | undefined;
  for (const entry of entries) {
    if (entry.type === 'inbound-rtp' && (entry.kind ?? entry.mediaType) === 'audio') inbound = entry;
    else if (entry.type === 'remote-inbound-rtp' && typeof entry.roundTripTime === 'number') rtt = entry.roundTripTime;
    else if (entry.type === 'candidate-pair' && (entry.nominated === true || entry.selected === true) && typeof entry.currentRoundTripTime === 'number') {
      pairRtt = entry.currentRoundTripTime;
    }
  }
  if (!inbound) return null;
  const counters = { packetsReceived: num(inbound.packetsReceived), packetsLost: Math.max(0, num(inbound.packetsLost)) };
  const received = counters.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = counters.packetsLost - (previous?.packetsLost ?? 0);
  const lossPct = received + lost > 0 && lost > 0 ? round1((100 * lost) / (received + lost)) : 0;
  return {
    rttMs: Math.round(1000 * (rtt ?? pairRtt ?? 0)),
    jitterMs: Math.round(1000 * num(inbound.jitter)),
    lossPct,
    counters,
  };
}

/** Fold a new sample into the call's quality. */
export function nextQuality(previous: CallQuality | undefined, sample: Omit<StatsSample, 'counters'>): CallQuality {
  const mos = estimateMos(sample.rttMs, sample.jitterMs, sample.lossPct);
  const samples = (previous?.samples ?? 0) + 1;
  const mosSum = (previous ? (previous.mosSum ?? previous.meanMos * previous.samples) : 0) + mos;
  return {
    mos,
    rttMs: sample.rttMs,
    jitterMs: sample.jitterMs,
    lossPct: sample.lossPct,
    poor: isPoor({ mos, rttMs: sample.rttMs, lossPct: sample.lossPct }),
    worstMos: Math.min(previous?.worstMos ?? mos, mos),
    meanMos: round1(mosSum / samples),
    samples,
    mosSum,
  };
}

/** Whether a new quality is worth telling the service worker (not every 2 s sample is). */
export function qualityChanged(a: CallQuality | undefined, b: CallQuality): boolean {
  if (!a) return true;
  // MOS and loss have one decimal: compared in tenths (4.3 − 4.1 is 0.1999… in floating point).
  const tenths = (x: number, y: number) => Math.abs(Math.round(x * 10) - Math.round(y * 10));
  return a.poor !== b.poor || tenths(a.mos, b.mos) >= 2 || a.worstMos !== b.worstMos || Math.abs(a.rttMs - b.rttMs) >= 50 || tenths(a.lossPct, b.lossPct) >= 10;
}

function finite(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
