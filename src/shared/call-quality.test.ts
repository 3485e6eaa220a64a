import { describe, expect, it } from 'vitest';
import { type CallQuality, estimateMos, isPoor, nextQuality, POOR_LOSS_PCT, POOR_MOS, POOR_RTT_MS, qualityChanged, readStats, type StatsCounters } from './call-quality.ts';

describe('estimateMos (simplified E-model)', () => {
  // [what, RTT ms, jitter ms, loss %, MOS]
  const TABLE: Array<[string, number, number, number, number]> = [
    ['a good network (LAN, 40 ms round trip)', 40, 5, 0, 4.4],
    ['nothing measured yet', 0, 0, 0, 4.4],
    ['300 ms round trip alone (effective latency 160 ms, the knee)', 300, 0, 0, 4.3],
    ['600 ms round trip (satellite, a bad VPN)', 600, 0, 0, 3.8],
    ['30 ms jitter', 40, 30, 0, 4.4],
    ['5 % loss', 40, 5, 5, 4],
    ['20 % loss', 40, 5, 20, 2.2],
    ['300 ms round trip, 30 ms jitter and 5 % loss together', 300, 30, 5, 3.6],
    ['everything lost', 40, 5, 100, 1],
  ];
  it.each(TABLE)('%s', (_what, rtt, jitter, loss, mos) => {
    expect(estimateMos(rtt, jitter, loss)).toBe(mos);
  });

  it('treats NaN, negative and infinite figures as not measured (0), and loss over 100 % as 100 %', () => {
    expect(estimateMos(Number.NaN, Number.NaN, Number.NaN)).toBe(estimateMos(0, 0, 0));
    expect(estimateMos(-50, -3, -1)).toBe(estimateMos(0, 0, 0));
    expect(estimateMos(Number.POSITIVE_INFINITY, 5, 0)).toBe(estimateMos(0, 5, 0));
    expect(estimateMos(40, 5, 250)).toBe(1);
  });

  it('stays within 1 … 4.5, one decimal, and never rises as any figure worsens', () => {
    let previous = Number.POSITIVE_INFINITY;
    for (let loss = 0; loss <= 100; loss += 2.5) {
      const mos = estimateMos(120, 10, loss);
      expect(mos).toBeGreaterThanOrEqual(1);
      expect(mos).toBeLessThanOrEqual(4.5);
      expect(Math.round(mos * 10) / 10).toBe(mos);
      expect(mos).toBeLessThanOrEqual(previous);
      previous = mos;
    }
    previous = Number.POSITIVE_INFINITY;
    for (let rtt = 0; rtt <= 2000; rtt += 50) {
      const mos = estimateMos(rtt, 10, 0);
      expect(mos).toBeLessThanOrEqual(previous);
      previous = mos;
    }
  });

  it('is continuous at the latency knee (the two formulas meet at 160 ms)', () => {
    expect(Math.abs(estimateMos(299, 0, 0) - estimateMos(301, 0, 0))).toBeLessThanOrEqual(0.1);
  });
});

describe('isPoor', () => {
  it('warns below the MOS threshold, above the loss or the round-trip threshold — not at them', () => {
    const fine = { mos: 4.3, rttMs: 40, lossPct: 0 };
    expect(isPoor(fine)).toBe(false);
    expect(isPoor({ ...fine, mos: POOR_MOS })).toBe(false);
    expect(isPoor({ ...fine, mos: POOR_MOS - 0.1 })).toBe(true);
    expect(isPoor({ ...fine, lossPct: POOR_LOSS_PCT })).toBe(false);
    expect(isPoor({ ...fine, lossPct: POOR_LOSS_PCT + 0.1 })).toBe(true);
    expect(isPoor({ ...fine, rttMs: POOR_RTT_MS })).toBe(false);
    expect(isPoor({ ...fine, rttMs: POOR_RTT_MS + 1 })).toBe(true);
  });
});

/** One getStats() report, as the phone hands it over (the values as plain objects). */
function report(received: number, lost: number, extra: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  return [
    { type: 'codec', mimeType: 'audio/opus' },
    { type: 'inbound-rtp', kind: 'video', packetsReceived: 99_999, packetsLost: 9_999, jitter: 0.5 },
    { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter: 0.0124 },
    { type: 'candidate-pair', nominated: false, currentRoundTripTime: 0.9 },
    { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.061 },
    ...extra,
  ];
}

describe('readStats', () => {
  it('reads the audio stream: jitter (ms), round trip from remote-inbound-rtp before the candidate pair', () => {
    const sample = readStats(report(500, 0, [{ type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.0483 }]), null);
    expect(sample).toEqual({ rttMs: 48, jitterMs: 12, lossPct: 0, counters: { packetsReceived: 500, packetsLost: 0 } });
  });

  it('takes the nominated (or selected) candidate pair’s round trip when there is no remote report', () => {
    expect(readStats(report(500, 0), null)?.rttMs).toBe(61);
    const selected = [
      { type: 'inbound-rtp', mediaType: 'audio', packetsReceived: 10, packetsLost: 0, jitter: 0.001 },
      { type: 'candidate-pair', selected: true, currentRoundTripTime: 0.2 },
    ];
    expect(readStats(selected, null)).toMatchObject({ rttMs: 200, jitterMs: 1 });
    expect(readStats([{ type: 'inbound-rtp', kind: 'audio', packetsReceived: 10 }], null)).toMatchObject({ rttMs: 0, jitterMs: 0, lossPct: 0 });
  });

  it('measures loss per interval: the counters of the previous sample are taken off', () => {
    const first = readStats(report(1000, 0), null)!;
    expect(first.lossPct).toBe(0);
    // 190 packets came, 10 were lost since: 10 of 200 = 5 %.
    const second = readStats(report(1190, 10), first.counters)!;
    expect(second.lossPct).toBe(5);
    expect(second.counters).toEqual<StatsCounters>({ packetsReceived: 1190, packetsLost: 10 });
    // Nothing lost in the next interval: back to 0, whatever was lost before.
    expect(readStats(report(1390, 10), second.counters)!.lossPct).toBe(0);
    // One decimal: 1 of 300.
    expect(readStats(report(1689, 11), { packetsReceived: 1390, packetsLost: 10 })!.lossPct).toBe(0.3);
  });

  it('loss over the whole call so far on the first sample (no previous counters)', () => {
    expect(readStats(report(180, 20), null)!.lossPct).toBe(10);
  });

  it('never reports negative loss (late packets make the lost count go down) and clamps negative counters', () => {
    expect(readStats(report(1200, 5), { packetsReceived: 1000, packetsLost: 8 })!.lossPct).toBe(0);
    expect(readStats(report(100, -3), null)!.counters.packetsLost).toBe(0);
  });

  it('is null while there is no inbound audio (the call is still being set up)', () => {
    expect(readStats([], null)).toBeNull();
    expect(readStats([{ type: 'inbound-rtp', kind: 'video', packetsReceived: 5 }, { type: 'remote-inbound-rtp', roundTripTime: 0.05 }], null)).toBeNull();
  });

  it('reads garbage as zero', () => {
    const sample = readStats([{ type: 'inbound-rtp', kind: 'audio', packetsReceived: 'x', packetsLost: Number.NaN, jitter: null }], null);
    expect(sample).toEqual({ rttMs: 0, jitterMs: 0, lossPct: 0, counters: { packetsReceived: 0, packetsLost: 0 } });
  });
});

const GOOD = { rttMs: 40, jitterMs: 5, lossPct: 0 };
const BAD = { rttMs: 40, jitterMs: 5, lossPct: 20 };

describe('nextQuality', () => {
  it('the first sample: latest, mean and worst are that sample', () => {
    expect(nextQuality(undefined, GOOD)).toMatchObject({ mos: 4.4, meanMos: 4.4, worstMos: 4.4, samples: 1, poor: false, ...GOOD });
  });

  it('folds samples in: the mean of all of them, the worst so far, the latest figures', () => {
    let q = nextQuality(undefined, GOOD);
    q = nextQuality(q, BAD);
    expect(q).toMatchObject({ mos: 2.2, meanMos: 3.3, worstMos: 2.2, samples: 2, poor: true, lossPct: 20 });
    q = nextQuality(q, GOOD);
    expect(q).toMatchObject({ mos: 4.4, meanMos: 3.7, worstMos: 2.2, samples: 3, poor: false, lossPct: 0 });
  });

  it('poor follows the latest sample: a high round trip or loss warns even when the MOS looks fine', () => {
    expect(nextQuality(undefined, { rttMs: 450, jitterMs: 0, lossPct: 0 })).toMatchObject({ mos: 4.1, poor: true });
    expect(nextQuality(undefined, { rttMs: 40, jitterMs: 5, lossPct: 6 })).toMatchObject({ poor: true });
  });

  it('the mean of a long call still moves: two good minutes then three bad ones average out near 3', () => {
    let q: CallQuality | undefined;
    for (let i = 0; i < 60; i++) q = nextQuality(q, GOOD);
    for (let i = 0; i < 90; i++) q = nextQuality(q, BAD);
    const exact = (60 * 4.4 + 90 * 2.2) / 150;
    expect(q!.samples).toBe(150);
    expect(q!.meanMos).toBe(Math.round(exact * 10) / 10);
  });

  it('folds onto a quality without the running sum (from an older phone): its mean × samples stands in', () => {
    const older: CallQuality = { ...nextQuality(nextQuality(undefined, GOOD), GOOD) };
    delete older.mosSum;
    expect(nextQuality(older, BAD)).toMatchObject({ samples: 3, meanMos: 3.7, worstMos: 2.2 });
  });
});

describe('qualityChanged', () => {
  const base = nextQuality(undefined, GOOD);
  it('the first quality is always news', () => {
    expect(qualityChanged(undefined, base)).toBe(true);
  });

  it('an unchanged or slightly different sample is not', () => {
    expect(qualityChanged(base, { ...base, samples: 2 })).toBe(false);
    expect(qualityChanged(base, { ...base, mos: 4.3, rttMs: base.rttMs + 49, lossPct: 0.9, jitterMs: 30 })).toBe(false);
  });

  it('the warning turning on or off, a new worst, MOS by 0.2, round trip by 50 ms or loss by 1 point are', () => {
    expect(qualityChanged(base, { ...base, poor: true })).toBe(true);
    expect(qualityChanged(base, { ...base, worstMos: 4.3 })).toBe(true);
    expect(qualityChanged(base, { ...base, mos: 4.2 })).toBe(true);
    expect(qualityChanged(base, { ...base, rttMs: base.rttMs + 50 })).toBe(true);
    expect(qualityChanged(base, { ...base, lossPct: 1 })).toBe(true);
  });

  it('a change of exactly 0.2 MOS or 1 loss point counts wherever it happens (one-decimal figures, floating point)', () => {
    for (let tenths = 10; tenths <= 43; tenths++) {
      const a = { ...base, mos: tenths / 10 };
      const b = { ...base, mos: (tenths + 2) / 10 };
      expect(qualityChanged(a, b), `${a.mos} → ${b.mos}`).toBe(true);
      expect(qualityChanged(b, a), `${b.mos} → ${a.mos}`).toBe(true);
    }
    for (let tenths = 0; tenths <= 200; tenths++) {
      const a = { ...base, lossPct: tenths / 10 };
      const b = { ...base, lossPct: (tenths + 10) / 10 };
      expect(qualityChanged(a, b), `${a.lossPct} → ${b.lossPct}`).toBe(true);
    }
  });
});
