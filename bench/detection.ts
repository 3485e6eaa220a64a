/**
 * Phone detection benchmark: our findPhoneNumbers against libphonenumber-js findNumbers(text, 'CN')
 * (the 'max' metadata, its most complete), on
 *   (a) throughput: mixedCrmText(1_000_000), about 1 MB of UTF-8 CRM text; two warm-up runs each,
 *       then 5 timed runs each, interleaved (ours, theirs, ours, …), median reported;
 *   (b) accuracy: precision and recall of both over the labelled corpus
 *       (test/fixtures/phone-corpus/cases.json), scored by the same scoreCorpus as the tests.
 *
 * Standalone: `npx tsx bench/detection.ts` prints a table. The inputs are deterministic; only the
 * timings vary from run to run and machine to machine.
 */
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { findNumbers, getCountryCallingCode } from 'libphonenumber-js/max';
import { findPhoneNumbers } from '../src/shared/phone/detect.ts';
import { loadCorpus, scoreCorpus } from '../test/fixtures/phone-corpus/corpus.ts';
import { mixedCrmText } from '../test/fixtures/phone-corpus/mixed-crm-text.ts';

export interface DetectorFigures {
  /** Median throughput, in MB (10^6 bytes of UTF-8) per second. */
  mbPerSecond: number;
  medianMs: number;
  /** Numbers found in the benchmark text. */
  matches: number;
  precision: number;
  recall: number;
}

export interface DetectionBenchResult {
  machine: string;
  inputBytes: number;
  runs: number;
  corpusCases: number;
  ours: DetectorFigures;
  libphonenumber: DetectorFigures;
  /** ours / libphonenumber throughput. */
  speedRatio: number;
  notes: string;
}

const RUNS = 5;
const WARM_UP_RUNS = 2;
const INPUT_BYTES = 1_000_000;

/**
 * libphonenumber's results in our `number` convention: CN mobiles, 400/800 and short service
 * numbers as their national significant number, other CN numbers (landlines) with the trunk 0
 * before the area code, numbers of other countries in E.164.
 */
export function libphonenumberNumbers(text: string): string[] {
  return findNumbers(text, 'CN').map(({ country, phone }) => {
    if (country !== 'CN') return `+${getCountryCallingCode(country)}${phone}`;
    if (/^1[3-9]\d{9}$/.test(phone) || /^[48]00\d{7}$/.test(phone) || phone.length <= 6) return phone;
    return '0' + phone;
  });
}

const ourNumbers = (text: string) => findPhoneNumbers(text).map((m) => m.number);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function timeOnce(run: () => unknown): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

export async function benchDetection(): Promise<DetectionBenchResult> {
  const text = mixedCrmText(INPUT_BYTES);
  const inputBytes = Buffer.byteLength(text, 'utf8');

  // Warm up both (JIT tiers, libphonenumber's lazily built regexes), and count matches.
  let ourMatches = 0;
  let theirMatches = 0;
  for (let i = 0; i < WARM_UP_RUNS; i++) {
    ourMatches = findPhoneNumbers(text).length;
    theirMatches = findNumbers(text, 'CN').length;
  }

  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    oursMs.push(timeOnce(() => findPhoneNumbers(text)));
    theirsMs.push(timeOnce(() => findNumbers(text, 'CN')));
    await new Promise((resolve) => setImmediate(resolve)); // let GC and the event loop breathe
  }

  const cases = loadCorpus();
  const ourScore = scoreCorpus(cases, ourNumbers);
  const theirScore = scoreCorpus(cases, libphonenumberNumbers);

  const figures = (ms: number[], matches: number, score: { precision: number; recall: number }): DetectorFigures => {
    const medianMs = median(ms);
    return { mbPerSecond: inputBytes / 1e6 / (medianMs / 1000), medianMs, matches, precision: score.precision, recall: score.recall };
  };
  const ours = figures(oursMs, ourMatches, ourScore);
  const libphonenumber = figures(theirsMs, theirMatches, theirScore);
  const cpu = cpus();
  return {
    machine: `${cpu.length} cores, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`,
    inputBytes,
    runs: RUNS,
    corpusCases: cases.length,
    ours,
    libphonenumber,
    speedRatio: ours.mbPerSecond / libphonenumber.mbPerSecond,
    notes:
      `median of ${RUNS} interleaved runs after ${WARM_UP_RUNS} warm-ups on mixedCrmText(${INPUT_BYTES}); ` +
      `accuracy over ${cases.length} corpus cases, libphonenumber numbers mapped to our convention ` +
      `(landlines 0 + area code, non-CN E.164); it finds no masked or 95xxx/96xxx numbers by design.`,
  };
}

function printTable(r: DetectionBenchResult): void {
  const pct = (x: number) => (100 * x).toFixed(1) + '%';
  const row = (name: string, f: DetectorFigures) =>
    `| ${name.padEnd(22)} | ${f.mbPerSecond.toFixed(2).padStart(8)} | ${f.medianMs.toFixed(1).padStart(9)} | ${String(f.matches).padStart(7)} | ${pct(f.precision).padStart(9)} | ${pct(f.recall).padStart(6)} |`;
  console.log(`Machine: ${r.machine}`);
  console.log(`Input: ${r.inputBytes} bytes of mixed CRM text; corpus: ${r.corpusCases} cases\n`);
  console.log('| detector               |     MB/s | median ms | matches | precision | recall |');
  console.log('| ---------------------- | -------: | --------: | ------: | --------: | -----: |');
  console.log(row('findPhoneNumbers', r.ours));
  console.log(row('libphonenumber-js max', r.libphonenumber));
  console.log(`\nSpeed ratio (ours / libphonenumber): ${r.speedRatio.toFixed(1)}×`);
  console.log(`Notes: ${r.notes}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(await benchDetection());
}
