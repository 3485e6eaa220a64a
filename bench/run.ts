/**
 * `npm run bench`: page-feature performance, measured side by side in one run and
 * reported as ratios to baselines from the same run (never as absolute pass/fail).
 * Writes bench/results.json and the table in BENCHMARKS.md.
 *
 * - picked columns on 1k / 10k / 100k-row <table>s and div grids (one rule, and three rules):
 *   CallBar's script time vs the floor (one <span> appended per phone cell in a plain loop);
 *   the longest main-thread task vs the page's own layout after a one-element change; DOM and
 *   JS memory per button; buttons covering page text (the layout check);
 * - appending 1,000 rows to pages of 1k / 10k / 100k rows: time until annotated;
 * - automatic detection on a 10k-row table and on ~1 MB of CRM text vs RingCentral's
 *   click-to-dial library (ringcentral-c2d) set up as its App Connect extension does it;
 * - detection throughput and precision/recall vs libphonenumber-js (bench/detection.ts);
 * - gzip size of everything injected into pages; the agent-intent tracking's pointer cost;
 * - the browser phone (bench/phone.ts, `npm run bench -- phone`): dial click → INVITE and answer →
 *   audio against a bare JsSIP page on the same Kamailio, the offscreen document's idle heap and its
 *   CPU in a call; its own table in BENCHMARKS.md and its own `phone` key in results.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, CDPSession, Page } from 'puppeteer-core';
import { startFixtureServer } from '../test/support/fixture-server.ts';
import { DIST, launchWithExtension, pageCount, extensionApis } from '../test/e2e/support/extension.ts';
import { mixedCrmText } from '../test/fixtures/phone-corpus/mixed-crm-text.ts';
import { benchDetection } from './detection.ts';
import { benchPhone, type PhoneResults } from './phone.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target: string;
  /** undefined: a figure reported for reading, with no target. */
  met?: boolean;
}
const rows: Row[] = [];
function record(row: Row, table = true): void {
  if (table) rows.push(row);
  const ratio = row.ratio !== undefined ? `  ratio ${round(row.ratio, 2)}` : '';
  const mark = row.met === undefined ? '·' : row.met ? '✔' : '✘';
  console.log(`${mark} ${row.metric}: ${round(row.value, 2)} ${row.unit}${ratio}  (target ${row.target})`);
}

type Bench = {
  cellSelector: string;
  selectors: string[];
  floor(selectors: string[]): number;
  minimum(selectors: string[]): number;
  undoFloor(): void;
  waitForButtons(count: number, since: number): Promise<number>;
  appendAndWait(n: number): Promise<number>;
  longTasksSince(since: number): Array<{ duration: number }>;
  singleChangeTask(width: number, selectors?: string[]): Promise<number>;
  buttonCount(): number;
  overlaps(sample: number): { checked: number; found: string[]; count: number };
};
declare const bench: Bench;

// ── the extension's settings for the bench site ─────────────────────────────

/**
 * The bench site is enabled (the content script registered for it, as after the agent enabled it
 * in the popup) with these rules, and automatic detection on or off. Resolves with the time
 * (epoch ms) the settings were saved.
 */
async function setSite(browser: Browser, origin: string, selectors: string[], autoDetect = false): Promise<number> {
  const worker = await extensionApis(browser);
  const at = await worker.evaluate(
    async (o, sels, auto) => {
      const saved = performance.timeOrigin + performance.now();
      const rules = sels.map((selector, i) => ({ id: `bench${i}`, origin: o, pathPattern: '/*', selector, source: 'selector', createdAt: 0 }));
      await chrome.storage.local.set({ 'callbar:rules': rules, 'callbar:sites': { [o]: { autoDetect: auto, enabled: true } } });
      return saved;
    },
    origin,
    selectors,
    autoDetect,
  );
  for (let i = 0; i < 100; i++) {
    const registered = await worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).flatMap((c) => c.matches ?? []));
    if (registered.includes(`${origin}/*`)) break;
    await sleep(50);
  }
  return at;
}

async function openBenchPage(context: Browser | BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url, { timeout: 180_000 });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 180_000 });
  return page;
}

// ── what the page's renderer did (CDP) ──────────────────────────────────────

async function perf(page: Page): Promise<CDPSession> {
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  return cdp;
}

/** Main-thread milliseconds spent so far, in all tasks. */
async function mainThread(cdp: CDPSession): Promise<{ task: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const of = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { task: of('TaskDuration') };
}

/** Wait until the page's main thread has been quiet (< 3 ms of work) for `quietMs`. */
async function settle(cdp: CDPSession, quietMs = 600): Promise<void> {
  let last = (await mainThread(cdp)).task;
  for (let i = 0; i < 400; i++) {
    await sleep(quietMs);
    const now = (await mainThread(cdp)).task;
    if (now - last < 3) return;
    last = now;
  }
}

/**
 * Script time attributed by the V8 sampling profiler: every sample whose stack holds a frame of
 * `owner` (a script URL part, or a function name) counts, with the native work it called
 * (DOM calls, a style or layout it forced). Our content script and the floor's loop are measured
 * the same way, in the same page, so the ratio is script to script — not the page's layout, the
 * harness's polling or the renderer's other work.
 */
async function profiled<T>(cdp: CDPSession, run: () => Promise<T>, owner: (frame: { url: string; functionName: string }) => boolean): Promise<{ result: T; ms: number }> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await run();
  const { profile } = await cdp.send('Profiler.stop');
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const ours = new Map<number, boolean>();
  const isOurs = (id: number): boolean => {
    const known = ours.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const up = parent.get(id);
    const value = owner(node.callFrame) || (up !== undefined && isOurs(up));
    ours.set(id, value);
    return value;
  };
  let us = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) if (isOurs(samples[i]!)) us += deltas[i + 1] ?? 0;
  return { result, ms: us / 1000 };
}

const CONTENT_SCRIPT_URL = '/src/content/';

/** JS heap and DOM (Blink's managed heap) after a full GC, in bytes. */
async function heapBytes(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number };
  return usage.usedSize + (usage.embedderHeapUsedSize ?? 0);
}

// ── picked columns ──────────────────────────────────────────────────────────

interface ColumnRun {
  floor: number;
  /** The least a button agents can use needs (bench.minimum), profiled as the floor is. */
  minimum: number;
  /** The longest task the page itself has after one button-sized element goes into one cell of each column (median of 3; 0: none over 50 ms). */
  pageTask: number;
  /** The same, the worst of as many such changes as CallBar caused long frames (pageSamples of them). */
  pageWorst: number;
  pageSamples: number;
  script: number;
  longest: number;
  toAll: number;
  bytesPerButton: number;
  overlaps: number;
  overlapSamples: string[];
  buttons: number;
}

async function columnRun(browser: Browser, base: string, kind: 'table' | 'grid', n: number, ruleCount: number): Promise<ColumnRun> {
  const origin = new URL(base).origin;
  await setSite(browser, origin, []);
  const page = await openBenchPage(browser, `${base}/pages/${kind}.html?rows=${n}`);
  const cdp = await perf(page);
  const selectors = (await page.evaluate(() => bench.selectors)).slice(0, ruleCount);
  const floors: number[] = [];
  const minimums: number[] = [];
  const tasks: number[] = [];
  const repeats = n >= 100_000 ? 1 : 3;
  for (let i = 0; i < repeats; i++) {
    const floor = await profiled(cdp, () => page.evaluate((s) => bench.floor(s), selectors), (f) => f.functionName === 'floor');
    floors.push(floor.ms);
    await page.evaluate(() => bench.undoFloor());
    const least = await profiled(cdp, () => page.evaluate((s) => bench.minimum(s), selectors), (f) => f.functionName === 'minimum');
    minimums.push(least.ms);
    await page.evaluate(() => bench.undoFloor());
    tasks.push(await page.evaluate((s) => bench.singleChangeTask(20, s), selectors));
  }
  await settle(cdp);
  const expected = n * ruleCount;
  // First pass, as the agent gets it (cold code, no profiler): frames, time, layout, memory.
  const epoch = await setSite(browser, origin, selectors);
  const result = await page.evaluate(
    async (count, savedAt) => {
      const since = savedAt - performance.timeOrigin;
      const ms = await bench.waitForButtons(count, since);
      return { ms, since };
    },
    expected,
    epoch,
  );
  await settle(cdp);
  const { longest, longTasks, buttons, overlaps } = await page.evaluate((since) => {
    const tasks = bench.longTasksSince(since);
    return { longest: Math.max(0, ...tasks.map((t) => t.duration)), longTasks: tasks.length, buttons: bench.buttonCount(), overlaps: bench.overlaps(3000) };
  }, result.since);
  // Memory: the page with its buttons, then the same page once the rules are gone (the site stays
  // enabled, the content script stays loaded): the difference is the buttons and their records.
  const heapWith = await heapBytes(cdp);
  await setSite(browser, origin, []);
  await page.waitForFunction(() => bench.buttonCount() === 0, { timeout: 120_000 });
  await settle(cdp);
  const heapWithout = await heapBytes(cdp);
  // The page's own worst over as many one-element changes as we caused long frames (at most 20):
  // frames here swing by ±25 %, and the longest of 100 frames is not comparable with the middle
  // of 3. The page is as it was before our pass (the buttons are gone).
  const worst = [...tasks];
  for (let i = tasks.length; i < Math.min(longTasks, 20); i++) worst.push(await page.evaluate((s) => bench.singleChangeTask(20, s), selectors));
  // Second pass, profiled: CallBar's script time, against the floor profiled the same way (both
  // with warm code: the floor ran three times).
  const { ms: script } = await profiled(
    cdp,
    async () => {
      await setSite(browser, origin, selectors);
      await page.evaluate((count) => bench.waitForButtons(count, performance.now()), expected);
      await settle(cdp);
    },
    (f) => f.url.includes(CONTENT_SCRIPT_URL),
  );
  await cdp.detach();
  await page.close();
  return {
    floor: median(floors),
    minimum: median(minimums),
    pageTask: [...tasks].filter((v) => v > 0).sort((a, b) => a - b)[Math.floor(tasks.filter((v) => v > 0).length / 2)] ?? 0,
    pageWorst: Math.max(0, ...worst),
    pageSamples: worst.length,
    script,
    longest,
    toAll: result.ms,
    bytesPerButton: (heapWith - heapWithout) / Math.max(1, buttons),
    overlaps: overlaps.count,
    overlapSamples: overlaps.found,
    buttons,
  };
}

async function pickedColumn(browser: Browser, base: string, kind: 'table' | 'grid', n: number, ruleCount = 1): Promise<void> {
  const runs: ColumnRun[] = [];
  for (let run = 0; run < (n >= 100_000 ? 1 : 3); run++) runs.push(await columnRun(browser, base, kind, n, ruleCount));
  const m = (key: keyof ColumnRun) => median(runs.map((r) => r[key] as number));
  const label = `${ruleCount === 1 ? 'picked column' : `${ruleCount} rules`}, ${n.toLocaleString('en')} rows, ${kind}`;
  const expected = n * ruleCount;
  const all = runs.every((r) => r.buttons === expected);
  record({ metric: `${label}: every cell of every rule has its button`, value: Math.min(...runs.map((r) => r.buttons)), unit: `of ${expected}`, target: 'all', met: all });
  record({ metric: `${label}: CallBar's script time, profiled (baseline: the floor, a span appended per cell in a loop, profiled the same way)`, value: m('script'), unit: 'ms', baseline: m('floor'), ratio: m('script') / m('floor'), target: '≤ 3× floor', met: m('script') / m('floor') <= 3 });
  record({ metric: `${label}: CallBar's script time vs the least a usable button needs (baseline: read the text, clone a focusable, labelled button with its number, append it, in a loop)`, value: m('script'), unit: 'ms', baseline: m('minimum'), ratio: m('script') / m('minimum'), target: 'reported' });
  const pageWorst = m('pageWorst');
  const limit = Math.max(50, 1.2 * pageWorst);
  const cells = ruleCount === 1 ? 'one cell' : `one cell of each of the ${ruleCount} columns`;
  record({ metric: `${label}: the page's own longest task after one button-sized element goes into ${cells} (median of 3)`, value: m('pageTask'), unit: 'ms', target: 'reported' });
  record({ metric: `${label}: longest task CallBar causes, rendering included (baseline: the page's own longest task over as many such one-element changes as CallBar caused long tasks, at most 20)`, value: m('longest'), unit: 'ms', baseline: pageWorst, ratio: pageWorst ? m('longest') / pageWorst : undefined, target: `< 50 ms, or ≤ 1.2× baseline when that is longer (here ${round(limit)} ms, ${m('pageSamples')} changes)`, met: m('longest') <= limit });
  record({ metric: `${label}: time until every cell has its button`, value: m('toAll'), unit: 'ms', baseline: m('floor'), ratio: m('toAll') / m('floor'), target: 'reported' });
  record({ metric: `${label}: DOM + JS memory per button (the page with its buttons minus the page once they are gone)`, value: m('bytesPerButton'), unit: 'B', target: '≤ 1024 B', met: m('bytesPerButton') <= 1024 });
  const covering = Math.max(...runs.map((r) => r.overlaps));
  record({ metric: `${label}: buttons whose box intersects page text (layout check)`, value: covering, unit: '', target: '0', met: covering === 0 });
  if (covering) console.log(`   e.g. ${runs.flatMap((r) => r.overlapSamples).slice(0, 3).join('; ')}`);
}

async function appendRows(browser: Browser, base: string): Promise<void> {
  const times: Record<number, number> = {};
  for (const size of [1_000, 10_000, 100_000]) {
    const samples: number[] = [];
    await setSite(browser, new URL(base).origin, ['#t td.c-mobile']);
    const page = await openBenchPage(browser, `${base}/pages/table.html?rows=${size}`);
    await page.evaluate((count) => bench.waitForButtons(count, performance.now()), size);
    for (let i = 0; i < 3; i++) samples.push(await page.evaluate(() => bench.appendAndWait(1000)));
    times[size] = median(samples);
    await page.close();
    record({ metric: `append 1,000 rows to a ${size.toLocaleString('en')}-row page: time until annotated`, value: times[size], unit: 'ms', target: 'reported' });
  }
  const ratio = times[100_000]! / times[1_000]!;
  record({ metric: 'append 1,000 rows: 100k-row page vs 1k-row page', value: ratio, unit: '×', baseline: times[1_000], ratio, target: '≤ 1.2×', met: ratio <= 1.2 });
}

// ── automatic detection vs ringcentral-c2d ──────────────────────────────────

const require = createRequire(import.meta.url);
const RC_C2D = require.resolve('ringcentral-c2d/build/index.js');

/**
 * One page, twice: CallBar's automatic detection switched on for it (in the extension's browser
 * context), and RingCentral's library on it in a context where CallBar does not run, set up as
 * App Connect does (RangeObserver + LibPhoneNumberMatcher with the agent's region, here CN).
 * Main-thread time is every task the renderer ran from the switch-on until it went quiet.
 */
async function autodetect(browser: Browser, base: string, path: string, label: string): Promise<void> {
  const origin = new URL(base).origin;
  const oursTotal: number[] = [];
  const oursLongest: number[] = [];
  const peerTotal: number[] = [];
  const peerLongest: number[] = [];
  let found = 0;
  let peerFound = -1;
  for (let run = 0; run < 3; run++) {
    await setSite(browser, origin, []);
    const page = await openBenchPage(browser, `${base}${path}`);
    const cdp = await perf(page);
    await settle(cdp);
    const before = await mainThread(cdp);
    const epoch = await setSite(browser, origin, [], true);
    await sleep(200);
    await settle(cdp);
    const after = await mainThread(cdp);
    const result = await page.evaluate((savedAt) => {
      const tasks = bench.longTasksSince(savedAt - performance.timeOrigin);
      return Math.max(0, ...tasks.map((t) => t.duration));
    }, epoch);
    // Numbers in text get their button when the agent points at one: what was found is the count
    // the popup and the badge are given.
    found = await pageCount(browser, page.url());
    oursTotal.push(after.task - before.task);
    oursLongest.push(result);
    await cdp.detach();
    await page.close();

    const other = await browser.createBrowserContext();
    const peerPage = await openBenchPage(other, `${base}${path}`);
    const peerCdp = await perf(peerPage);
    await peerPage.addScriptTag({ path: RC_C2D });
    // The package's browser build exposes only the RingCentralC2D class, whose default observer
    // (RangeObserver + LibPhoneNumberMatcher, as App Connect sets it up) reads numbers for the US.
    // App Connect passes the agent's region: the classes are taken from a default instance made and
    // disposed at once (its scan is queued, never run), then the peer is set up for CN.
    await peerPage.evaluate(() => {
      type Ctor = new (props?: object) => { dispose?(): void; observer: { constructor: Ctor; _props: { matcher: { constructor: Ctor } } } };
      const C2D = (window as unknown as { RingCentralC2D: Ctor }).RingCentralC2D;
      const probe = new C2D();
      (window as unknown as { rcClasses: Ctor[] }).rcClasses = [C2D, probe.observer.constructor, probe.observer._props.matcher.constructor];
      probe.dispose?.();
    });
    await settle(peerCdp);
    const peerBefore = await mainThread(peerCdp);
    const startedAt = await peerPage.evaluate(() => {
      type Ctor = new (props?: object) => object;
      const [C2D, Observer, Matcher] = (window as unknown as { rcClasses: Ctor[] }).rcClasses as [Ctor, Ctor, Ctor];
      const at = performance.now();
      (window as unknown as { c2d: object }).c2d = new C2D({ observer: new Observer({ matcher: new Matcher({ countryCode: 'CN' }) }) });
      return at;
    });
    // Its scan is queued and run by a delayed consumer: wait until what it found stops growing
    // (a quiet main thread alone can come before the scan starts), then until it is quiet.
    const peerCount = () =>
      peerPage.evaluate(() => {
        const inner = (window as unknown as { c2d: { observer: { _observer?: { _matchesMap?: Map<unknown, unknown[]> } } } }).c2d.observer._observer;
        if (!inner?._matchesMap) return -1;
        let n = 0;
        for (const matches of inner._matchesMap.values()) n += matches.length;
        return n;
      });
    for (let last = -2, stable = 0, waited = 0; stable < 2 && waited < 60_000; waited += 1000) {
      await sleep(1000);
      const now = await peerCount();
      stable = now === last && now !== 0 ? stable + 1 : 0;
      last = now;
    }
    await settle(peerCdp);
    const peerAfter = await mainThread(peerCdp);
    const peerTasks = await peerPage.evaluate((since) => bench.longTasksSince(since), startedAt);
    peerFound = await peerCount();
    peerTotal.push(peerAfter.task - peerBefore.task);
    peerLongest.push(Math.max(0, ...peerTasks.map((t) => t.duration)));
    await peerCdp.detach();
    await other.close();
  }
  const ours = median(oursTotal);
  const peer = median(peerTotal);
  record({ metric: `automatic detection, ${label}: numbers found (the page's count; each gets its button when pointed at)`, value: found, unit: '', target: 'reported' });
  record({ metric: `automatic detection, ${label}: numbers the peer found (its matches; -1: could not be read)`, value: peerFound, unit: '', target: 'reported' });
  record({ metric: `automatic detection, ${label}: main-thread total (baseline: ringcentral-c2d on the same page)`, value: ours, unit: 'ms', baseline: peer, ratio: ours / peer, target: '≤ 1× peer', met: ours <= peer });
  record({ metric: `automatic detection, ${label}: longest main-thread task (baseline: ringcentral-c2d's)`, value: median(oursLongest), unit: 'ms', baseline: median(peerLongest), ratio: median(oursLongest) / Math.max(1, median(peerLongest)), target: '< 50 ms', met: median(oursLongest) < 50 });
}

// ── size, heap, pointer cost ────────────────────────────────────────────────

/**
 * What an enabled site's pages get: the one classic content script the service worker registers
 * (src/content/main.ts, built as an IIFE). The toolbar is an extension page in a frame, not code in
 * the page: logged in or not, the page gets the same file.
 */
const CONTENT_SCRIPT = 'src/content/main.js';

/** The 10k-row table with its buttons, and the same page in a context where CallBar does not run. */
async function sideBySide(browser: Browser, base: string): Promise<{ withExt: Page; without: Page; close(): Promise<void> }> {
  await setSite(browser, new URL(base).origin, ['#t td.c-mobile']);
  const withExt = await openBenchPage(browser, `${base}/pages/table.html?rows=10000`);
  await withExt.evaluate(() => bench.waitForButtons(10_000, performance.now()));
  const other = await browser.createBrowserContext();
  const without = await openBenchPage(other, `${base}/pages/table.html?rows=10000`);
  return {
    withExt,
    without,
    close: async () => {
      await withExt.close();
      await other.close();
    },
  };
}

async function sizeAndHeap(browser: Browser, base: string): Promise<void> {
  const size = gzipSync(readFileSync(join(DIST, CONTENT_SCRIPT)), { level: 9 }).length / 1024;
  record({ metric: 'injected into an enabled site’s pages, logged in or not (the content script), gzip', value: size, unit: 'KB', target: '≤ 30 KB', met: size <= 30 });
  const pages = await sideBySide(browser, base);
  const heapOf = async (page: Page) => {
    const cdp = await page.createCDPSession();
    const bytes = await heapBytes(cdp);
    await cdp.detach();
    return bytes;
  };
  const delta = ((await heapOf(pages.withExt)) - (await heapOf(pages.without))) / 1024 / 1024;
  record({ metric: 'JS heap + DOM added by CallBar on a 10k-row page with its buttons (vs the page where CallBar does not run; the per-button figure above is the target)', value: delta, unit: 'MB', target: 'reported' });
  await pages.close();
}

/**
 * The cost of the agent-intent tracking (src/shared/agent-intent.ts) while the agent's pointer moves
 * over a 10k-row table with its buttons: the same 400 pointer moves (CDP Input, trusted) on the page
 * with CallBar and on the same page where CallBar does not run.
 */
async function hoverCost(browser: Browser, base: string): Promise<void> {
  const sweep = async (page: Page) => {
    await page.bringToFront();
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
  const pages = await sideBySide(browser, base);
  const ours = await sweep(pages.withExt);
  const baseline = await sweep(pages.without);
  record({ metric: '400 pointer moves over a 10k-row table with buttons (agent-intent tracking) vs without CallBar', value: ours, unit: 'ms', baseline, ratio: ours / baseline, target: '≤ 1.1×', met: ours / baseline <= 1.1 });
  await pages.close();
}

/** ~1 MB of CRM text as paragraphs (bench/tmp, not committed: generated from the same seed each run). */
function writeTextPage(): void {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const paragraphs = mixedCrmText(1_000_000)
    .split('\n')
    .filter(Boolean)
    .map((line) => `<p>${escape(line)}</p>`)
    .join('\n');
  mkdirSync(join(HERE, 'tmp'), { recursive: true });
  writeFileSync(
    join(HERE, 'tmp', 'text.html'),
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench: text</title><link rel="stylesheet" href="../pages/bench.css"></head><body><div id="text">${paragraphs}</div><script src="../pages/bench.js"></script></body></html>`,
  );
}

async function main(): Promise<void> {
  // `npm run bench -- <section…> merge`: re-run some sections and put their rows into the last
  // full run's table (rows with the same metric are replaced; the table says what was re-run).
  // `npm run bench -- phone` (or `--only phone`) runs the browser phone's section alone; it has its
  // own table and its own key in results.json, written whenever it runs.
  const merge = process.argv.includes('merge');
  const only = process.argv.slice(2).filter((a) => a !== 'merge' && a !== '--only');
  // The phone section writes its own table and key: it is never a re-run of the page-feature table.
  const pagesOnly = only.filter((o) => o !== 'phone');
  if (merge && pagesOnly.length) mergeWith(pagesOnly);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const failed: string[] = [];
  if (want('detection')) {
    console.log('Detection (Node, 1 MB of mixed CRM text)…');
    const detection = await benchDetection();
    const { ours, libphonenumber: lib } = detection;
    record({ metric: 'detection throughput: ours vs libphonenumber-js findNumbers(CN)', value: ours.mbPerSecond, unit: 'MB/s', baseline: lib.mbPerSecond, ratio: detection.speedRatio, target: '≥ 5×', met: detection.speedRatio >= 5 });
    record({ metric: `detection precision on the labelled corpus (${detection.corpusCases} cases)`, value: ours.precision, unit: '', baseline: lib.precision, target: '1.0, and > libphonenumber', met: ours.precision >= 1 && ours.precision > lib.precision });
    record({ metric: 'detection recall on the labelled corpus', value: ours.recall, unit: '', baseline: lib.recall, target: '≥ 0.99 and > libphonenumber', met: ours.recall >= 0.99 && ours.recall > lib.recall });
  }
  if (want('phone')) {
    // Its own browsers (the agent's with a fake microphone, the peers'), Kamailio: nothing else runs meanwhile.
    console.log('Phone (Kamailio, the extension\'s WebRTC phone vs a bare JsSIP page)…');
    try {
      const phone = await benchPhone();
      for (const row of phone.rows) record(row, false);
      console.log(`phone: the section took ${Math.round(phone.runSeconds)} s`);
      writePhone(phone);
    } catch (error) {
      failed.push(`phone: ${(error as Error).message.split('\n')[0]}`);
      console.error(`✘ phone failed: ${(error as Error).stack ?? error}`);
    }
  }
  let ext!: Awaited<ReturnType<typeof launchWithExtension>>;
  let fixtures!: Awaited<ReturnType<typeof startFixtureServer>>;
  const sections: Array<[string, () => Promise<void>]> = [];
  // One picked-column case on its own: columns:<table|grid>:<rows>[:<rules>] (any number of them).
  for (const quick of only.filter((o) => o.startsWith('columns:'))) {
    const [, kind, n, count] = quick.split(':');
    sections.push([quick, () => pickedColumn(ext.browser, fixtures.url, kind as 'table' | 'grid', Number(n), Number(count ?? 1))]);
  }
  // Cheapest first; the 100k-row pages (minutes each on a small machine) last.
  if (want('columns')) {
    for (const kind of ['table', 'grid'] as const) {
      for (const n of [1_000, 10_000]) sections.push([`columns ${kind} ${n}`, () => pickedColumn(ext.browser, fixtures.url, kind, n)]);
    }
    sections.push(['columns table 1000 ×3', () => pickedColumn(ext.browser, fixtures.url, 'table', 1_000, 3)]);
    sections.push(['columns table 10000 ×3', () => pickedColumn(ext.browser, fixtures.url, 'table', 10_000, 3)]);
    sections.push(['columns grid 10000 ×2', () => pickedColumn(ext.browser, fixtures.url, 'grid', 10_000, 2)]);
  }
  if (want('autodetect')) {
    sections.push(['autodetect table', () => autodetect(ext.browser, fixtures.url, '/pages/table.html?rows=10000', '10k-row table')]);
    sections.push(['autodetect text', () => autodetect(ext.browser, fixtures.url, '/tmp/text.html', '1 MB of CRM text')]);
  }
  if (want('size')) sections.push(['size', () => sizeAndHeap(ext.browser, fixtures.url)]);
  if (want('hover')) sections.push(['hover', () => hoverCost(ext.browser, fixtures.url)]);
  if (want('append')) sections.push(['append', () => appendRows(ext.browser, fixtures.url)]);
  if (want('columns')) {
    for (const kind of ['table', 'grid'] as const) sections.push([`columns ${kind} 100000`, () => pickedColumn(ext.browser, fixtures.url, kind, 100_000)]);
  }
  if (sections.length) {
    writeTextPage();
    fixtures = await startFixtureServer({ root: HERE });
    ext = await launchWithExtension({ protocolTimeout: 900_000 });
    try {
      console.log('Pages (headless Chromium with the built extension)…');
      for (const [name, run] of sections) {
        try {
          await run();
        } catch (error) {
          // One section failing (a page too slow for this machine) does not lose the others' figures.
          failed.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
          console.error(`✘ ${name} failed: ${(error as Error).message.split('\n')[0]}`);
          for (const page of await ext.browser.pages()) if (!page.url().startsWith('chrome-extension:') && page.url() !== 'about:blank') await page.close().catch(() => undefined);
        }
        if (!pagesOnly.length || merge) writeResults(failed);
      }
    } finally {
      await ext.close();
      await fixtures.close();
    }
  } else if (merge && pagesOnly.length) writeResults(failed);
  if (only.length) {
    const wrote = only.includes('phone') ? ' (the phone section\'s own table and results.json key were written)' : '';
    console.log(merge && pagesOnly.length ? '\n(a partial run, merged into BENCHMARKS.md and results.json)' : `\n(a partial run: the page-feature table and results left as they were${wrote})`);
  }
}

/** Rows of the last full run, which this partial run's rows replace or join (see `merge`). */
let previous: { when: string; rows: Row[]; rerun: string[] } | null = null;
function mergeWith(sections: string[]): void {
  const last = JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8')) as { when: string; results: Row[]; rerun?: string[] };
  previous = { when: last.when, rows: last.results, rerun: [...(last.rerun ?? []), `${sections.join(', ')} at ${new Date().toISOString()}`] };
}

function writeResults(failed: string[]): void {
  const machine = `${process.platform} ${process.arch}, Node ${process.version}, ${cpus().length} cores`;
  const when = previous?.when ?? new Date().toISOString();
  if (previous) {
    const fresh = new Map(rows.map((r) => [r.metric, r]));
    const merged = previous.rows.map((r) => fresh.get(r.metric) ?? r);
    for (const r of rows) if (!previous.rows.some((p) => p.metric === r.metric)) merged.push(r);
    rows.splice(0, rows.length, ...merged);
    previous.rows = merged;
  }
  const rerun = previous?.rerun ?? [];
  // The phone section's figures (their own key, written when it runs) stay as they were.
  const phone = readResultsFile()?.phone;
  writeFileSync(join(HERE, 'results.json'), `${JSON.stringify({ when, machine, failed, rerun, results: rows, ...(phone ? { phone } : {}) }, null, 2)}\n`);
  const met = (r: Row) => (r.met === undefined ? '—' : r.met ? 'yes' : '**no**');
  const table = rows
    .map((r) => `| ${r.metric} | ${round(r.value, 2)} ${r.unit} | ${r.baseline !== undefined ? round(r.baseline, 2) : ''} | ${r.ratio !== undefined ? `${round(r.ratio, 2)}×` : ''} | ${r.target} | ${met(r)} |`)
    .join('\n');
  const failures = failed.length ? `\n\nSections that did not finish in this run: ${failed.join('; ')}.` : '';
  const doc = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
  const start = doc.indexOf('<!-- results -->');
  const end = doc.indexOf('<!-- /results -->');
  const reruns = rerun.length ? ` Re-run since, rows replaced: ${rerun.join('; ')}.` : '';
  const block = `<!-- results -->\nLast run: ${when} on ${machine}.${reruns}${failures}\n\n| Metric | Value | Baseline | Ratio | Target | Met |\n| --- | --- | --- | --- | --- | --- |\n${table}\n<!-- /results -->`;
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + '<!-- /results -->'.length) : `${doc}\n${block}\n`);
}

function readResultsFile(): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The phone section: `phone` in results.json, and its own table in BENCHMARKS.md (between the phone-results marks). */
function writePhone(phone: PhoneResults): void {
  const machine = `${process.platform} ${process.arch}, Node ${process.version}, ${cpus().length} cores`;
  const file = readResultsFile() ?? { when: phone.when, machine, failed: [], rerun: [], results: [] };
  file.phone = { machine, ...phone };
  writeFileSync(join(HERE, 'results.json'), `${JSON.stringify(file, null, 2)}\n`);
  const met = (r: Row) => (r.met === undefined ? '—' : r.met ? 'yes' : '**no**');
  const table = phone.rows
    .map((r) => `| ${r.metric} | ${round(r.value, 2)} ${r.unit} | ${r.baseline !== undefined ? round(r.baseline, 2) : ''} | ${r.ratio !== undefined ? `${round(r.ratio, 2)}×` : ''} | ${r.target} | ${met(r)} |`)
    .join('\n');
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));
  const steps = (part: string) =>
    phone.breakdown
      .filter((b) => b.part === part)
      .map((b) => {
        const hidden = phone.breakdown.find((h) => h.part === `${part}, toolbar hidden` && h.step === b.step);
        return `| ${b.step} | ${cell(b.extension)} | ${cell(b.baseline)} | ${cell(hidden?.extension)} | ${cell(hidden?.baseline)} |`;
      })
      .join('\n');
  const head = ['| Step | Extension | Bare JsSIP page | Extension, toolbar hidden | Bare page, same pairs |', '| --- | --- | --- | --- | --- |'];
  const busy = phone.traced.busy.map((b) => `| ${b.thread} | ${b.work} | ${b.ms} | ${b.parts.map((p) => `${p.what} ${p.ms}`).join('; ')} |`).join('\n');
  const notes = phone.notes.length ? `\n\nNotes of this run: ${phone.notes.join('; ')}.` : '';
  const block = [
    '<!-- phone-results -->',
    `Last run: ${phone.when} on ${machine}: ${phone.calls} calls each way, alternating, after one call each not counted; a ${phone.callSeconds} s call for CPU; the section took ${Math.round(phone.runSeconds)} s.${notes}`,
    '',
    '| Metric | Value | Baseline | Ratio | Target | Met |',
    '| --- | --- | --- | --- | --- | --- |',
    table,
    '',
    'Where the time goes (median ms of each step over the calls, each step’s own median: they need not add up to the total). Dialling (the baseline starts at `call()`):',
    '',
    ...head,
    steps('dial'),
    '',
    'From the answer to the sound (milestones: ms since the far end’s answer):',
    '',
    ...head,
    steps('audio'),
    '',
    `Under a trace (${phone.traced.calls} more dials, toolbar shown; tracing slows everything, so only the split counts): between the click and the INVITE with credentials leaving the offscreen document (median ${phone.traced.windowMs} ms), the busy time of each thread, by the page its tasks worked for (median ms):`,
    '',
    '| Thread | Work for | Busy ms | Of which (ms, each part’s own median) |',
    '| --- | --- | --- | --- |',
    busy,
    '<!-- /phone-results -->',
  ].join('\n');
  const doc = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
  const start = doc.indexOf('<!-- phone-results -->');
  const end = doc.indexOf('<!-- /phone-results -->');
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + '<!-- /phone-results -->'.length) : `${doc}\n${block}\n`);
}

main().catch((error) => {
  console.error(`Benchmark failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
