/**
 * `npm run bench`: page-feature performance, measured side by side in one run and
 * reported as ratios to baselines from the same run (never as absolute pass/fail).
 * Writes bench/results.json and the table in BENCHMARKS.md.
 *
 * - picked column on a 10,000-row <table> and div grid: time until every cell has its
 *   button vs one bare pass reading the same cells' text; longest main-thread task;
 * - appending 1,000 rows to pages of 1k / 10k / 100k rows: time until annotated;
 * - detection throughput and precision/recall vs libphonenumber-js (bench/detection.ts);
 * - gzip size of everything injected into pages; JS heap the content script adds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'puppeteer-core';
import { startFixtureServer } from '../test/support/fixture-server.ts';
import { DIST, launchWithExtension, serviceWorker } from '../test/e2e/support/extension.ts';
import { benchDetection } from './detection.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Row {
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target: string;
  met: boolean;
}
const rows: Row[] = [];
function record(row: Row): void {
  rows.push(row);
  const ratio = row.ratio !== undefined ? `  ratio ${round(row.ratio, 2)}` : '';
  console.log(`${row.met ? '✔' : '✘'} ${row.metric}: ${round(row.value, 2)} ${row.unit}${ratio}  (target ${row.target})`);
}

type Bench = {
  readCells(): { ms: number };
  waitForButtons(count: number, since: number): Promise<number>;
  appendAndWait(n: number): Promise<number>;
  longTasksSince(since: number): Array<{ duration: number }>;
  rowCount(): number;
  singleChangeLayout(): number;
  buttonCount(): number;
  cellSelector: string;
};

/**
 * The bench site is enabled (the content script registered for it, as after the agent enabled it
 * in the popup) with this one rule, or none. Resolves with the time the rule was saved.
 */
async function setRule(browser: Browser, origin: string, selector: string | null): Promise<number> {
  const worker = await serviceWorker(browser);
  const at = await worker.evaluate(
    async (o, sel) => {
      const saved = performance.timeOrigin + performance.now();
      const rules = sel ? [{ id: 'bench', origin: o, pathPattern: '/*', selector: sel, source: 'selector', createdAt: 0 }] : [];
      await chrome.storage.local.set({ 'callbar:rules': rules, 'callbar:sites': { [o]: { autoDetect: false, enabled: true } } });
      return saved;
    },
    origin,
    selector,
  );
  for (let i = 0; i < 100; i++) {
    const registered = await worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).flatMap((c) => c.matches ?? []));
    if (registered.includes(`${origin}/*`)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return at;
}

async function openBenchPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url, { timeout: 120_000 });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 120_000 });
  return page;
}

async function pickedColumn(browser: Browser, base: string, kind: 'table' | 'grid', n: number): Promise<void> {
  const runs: number[] = [];
  const baselines: number[] = [];
  const layouts: number[] = [];
  let longest = 0;
  for (let run = 0; run < 3; run++) {
    await setRule(browser, new URL(base).origin, null);
    const page = await openBenchPage(browser, `${base}/${kind}.html?rows=${n}`);
    const selector = await page.evaluate(() => (window as unknown as { bench: Bench }).bench.cellSelector);
    for (let i = 0; i < 3; i++) baselines.push(await page.evaluate(() => (window as unknown as { bench: Bench }).bench.readCells().ms));
    layouts.push(await page.evaluate(() => (window as unknown as { bench: Bench }).bench.singleChangeLayout()));
    const startEpoch = await setRule(browser, new URL(base).origin, selector);
    const result = await page.evaluate(
      async (count, epoch) => {
        const bench = (window as unknown as { bench: Bench }).bench;
        const since = epoch - performance.timeOrigin;
        const ms = await bench.waitForButtons(count, since);
        await new Promise((r) => setTimeout(r, 100)); // let the last long task be reported
        const tasks = bench.longTasksSince(since);
        return { ms, longest: Math.max(0, ...tasks.map((t) => t.duration)) };
      },
      n,
      startEpoch,
    );
    runs.push(result.ms);
    longest = Math.max(longest, result.longest);
    await page.close();
  }
  const ours = median(runs);
  const baseline = median(baselines);
  record({ metric: `picked column, ${n} rows, ${kind}: time until every cell has its button`, value: ours, unit: 'ms', baseline, ratio: ours / baseline, target: '≤ 2× bare text pass', met: ours / baseline <= 2 });
  const layout = median(layouts);
  record({ metric: `picked column, ${n} rows, ${kind}: longest main-thread task (baseline: the page's layout after a one-element change)`, value: longest, unit: 'ms', baseline: layout, ratio: longest / layout, target: '< 50 ms', met: longest < 50 });
}

async function appendRows(browser: Browser, base: string): Promise<void> {
  const times: Record<number, number> = {};
  for (const size of [1_000, 10_000, 100_000]) {
    const samples: number[] = [];
    await setRule(browser, new URL(base).origin, '#t td.c-mobile');
    const page = await openBenchPage(browser, `${base}/table.html?rows=${size}`);
    await page.evaluate((count) => (window as unknown as { bench: Bench }).bench.waitForButtons(count, performance.now()), size);
    for (let i = 0; i < 3; i++) samples.push(await page.evaluate(() => (window as unknown as { bench: Bench }).bench.appendAndWait(1000)));
    times[size] = median(samples);
    await page.close();
    record({ metric: `append 1,000 rows to a ${size.toLocaleString('en')}-row page: time until annotated`, value: times[size], unit: 'ms', target: 'flat in page size', met: true });
  }
  const ratio = times[100_000]! / times[1_000]!;
  record({ metric: 'append 1,000 rows: 100k-row page vs 1k-row page', value: ratio, unit: '×', baseline: times[1_000], ratio, target: '≤ 1.2×', met: ratio <= 1.2 });
}

/**
 * What an enabled site's pages get: the one classic content script the service worker registers
 * (src/content/main.ts, built as an IIFE). The toolbar is an extension page in a frame, not code in
 * the page: logged in or not, the page gets the same file.
 */
const CONTENT_SCRIPT = 'src/content/main.js';

async function sizeAndHeap(browser: Browser, base: string): Promise<void> {
  const gzipOf = (files: string[]) => files.reduce((sum, f) => sum + gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length, 0) / 1024;
  record({ metric: 'injected into an enabled site’s pages, logged in or not (the content script), gzip', value: gzipOf([CONTENT_SCRIPT]), unit: 'KB', target: '≤ 30 KB', met: gzipOf([CONTENT_SCRIPT]) <= 30 });

  // Same 10k-row page with the rule applied, in the extension's context and in a context
  // where the extension does not run (a new browser context); JS heap after GC.
  const heapOf = async (page: Page) => {
    const cdp = await page.createCDPSession();
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    await cdp.detach();
    return usedSize;
  };
  await setRule(browser, new URL(base).origin, '#t td.c-mobile');
  const withExt = await openBenchPage(browser, `${base}/table.html?rows=10000`);
  await withExt.evaluate(() => (window as unknown as { bench: Bench }).bench.waitForButtons(10_000, performance.now()));
  const other = await browser.createBrowserContext();
  const without = await other.newPage();
  await without.goto(`${base}/table.html?rows=10000`);
  await without.waitForSelector('body[data-ready="1"]');
  const delta = (await heapOf(withExt)) - (await heapOf(without));
  record({ metric: 'JS heap added by the content script, 10k-row page', value: delta / 1024 / 1024, unit: 'MB', target: '≤ 5 MB', met: delta / 1024 / 1024 <= 5 });
  await withExt.close();
  await other.close();
}

/**
 * The cost of the agent-intent checks (src/shared/agent-intent.ts) while the agent's pointer moves
 * over a 10k-row table with its buttons: the same 400 pointer moves (CDP Input, trusted) on the page
 * with CallBar and on the same page in a context where CallBar does not run. The checks themselves
 * run only on clicks; what runs on every move is the arrival tracking.
 */
async function hoverCost(browser: Browser, base: string): Promise<void> {
  const sweep = async (page: Page) => {
    const box = (await (await page.$('#t'))!.boundingBox())!;
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      for (let i = 0; i < 400; i++) await page.mouse.move(box.x + 200 + (i % 40) * 15, 120 + ((i * 7) % 500));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      times.push(performance.now() - started);
    }
    return median(times);
  };
  await setRule(browser, new URL(base).origin, '#t td.c-mobile');
  const withExt = await openBenchPage(browser, `${base}/table.html?rows=10000`);
  await withExt.evaluate(() => (window as unknown as { bench: Bench }).bench.waitForButtons(10_000, performance.now()));
  const other = await browser.createBrowserContext();
  const without = await other.newPage();
  await without.goto(`${base}/table.html?rows=10000`);
  await without.waitForSelector('body[data-ready="1"]');
  await withExt.bringToFront();
  const ours = await sweep(withExt);
  await without.bringToFront();
  const baseline = await sweep(without);
  record({ metric: '400 pointer moves over a 10k-row table with buttons (agent-intent tracking) vs without CallBar', value: ours, unit: 'ms', baseline, ratio: ours / baseline, target: '≤ 1.1×', met: ours / baseline <= 1.1 });
  await withExt.close();
  await other.close();
}

async function main(): Promise<void> {
  console.log('Detection (Node, 1 MB of mixed CRM text)…');
  const detection = await benchDetection();
  const { ours, libphonenumber: lib } = detection;
  record({ metric: 'detection throughput: ours vs libphonenumber-js findNumbers(CN)', value: ours.mbPerSecond, unit: 'MB/s', baseline: lib.mbPerSecond, ratio: detection.speedRatio, target: '≥ 5×', met: detection.speedRatio >= 5 });
  record({ metric: `detection precision on the labelled corpus (${detection.corpusCases} cases)`, value: ours.precision, unit: '', baseline: lib.precision, target: '≥ 0.99 and > libphonenumber', met: ours.precision >= 0.99 && ours.precision > lib.precision });
  record({ metric: 'detection recall on the labelled corpus', value: ours.recall, unit: '', baseline: lib.recall, target: '≥ 0.98 and > libphonenumber', met: ours.recall >= 0.98 && ours.recall > lib.recall });

  const fixtures = await startFixtureServer({ root: join(HERE, 'pages') });
  const ext = await launchWithExtension();
  try {
    console.log('Pages (headless Chromium with the built extension)…');
    await pickedColumn(ext.browser, fixtures.url, 'table', 10_000);
    await pickedColumn(ext.browser, fixtures.url, 'grid', 10_000);
    await appendRows(ext.browser, fixtures.url);
    await sizeAndHeap(ext.browser, fixtures.url);
    await hoverCost(ext.browser, fixtures.url);
  } finally {
    await ext.close();
    await fixtures.close();
  }

  const machine = `${process.platform} ${process.arch}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`;
  const when = new Date().toISOString();
  writeFileSync(join(HERE, 'results.json'), `${JSON.stringify({ when, machine, notes: detection.notes, results: rows }, null, 2)}\n`);
  const table = rows
    .map((r) => `| ${r.metric} | ${round(r.value, 2)} ${r.unit} | ${r.baseline !== undefined ? round(r.baseline, 2) : ''} | ${r.ratio !== undefined ? `${round(r.ratio, 2)}×` : ''} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`)
    .join('\n');
  const doc = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
  const start = doc.indexOf('<!-- results -->');
  const end = doc.indexOf('<!-- /results -->');
  const block = `<!-- results -->\nLast run: ${when} on ${machine}.\n\n| Metric | Value | Baseline | Ratio | Target | Met |\n| --- | --- | --- | --- | --- | --- |\n${table}\n<!-- /results -->`;
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + '<!-- /results -->'.length) : `${doc}\n${block}\n`);
  console.log('\nWrote bench/results.json and BENCHMARKS.md');
}

main().catch((error) => {
  console.error(`Benchmark failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
