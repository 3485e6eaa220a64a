/**
 * Enterprise force-install probe (NOT part of `npm test`; needs root for the policy directory).
 *
 *   npx tsx test/enterprise/force-install-probe.ts                # headless, all scenarios
 *   xvfb-run -a npx tsx test/enterprise/force-install-probe.ts --headed [--screenshots=DIR]
 *   options: --scenario=forcelist,extension-settings,update-adds-host,background-networking-off
 *            --keep (keep the temp dir: key, CRX, profiles)
 *
 * What it does, with real policy files in Debian Chromium:
 * 1. writes a small MV3 test extension (probe-extension.ts) to a temp dir, generates a fresh RSA key
 *    with openssl, derives the extension id and packs a CRX3 with `chromium --pack-extension`;
 * 2. serves a gupdate update manifest, the CRX and the fake CRM pages from a node http server on
 *    127.0.0.1 (port 47000-48999; *.test names are mapped there with --host-resolver-rules);
 * 3. per scenario, writes /etc/chromium/policies/managed/zz-enterprise-probe-<pid>-<scenario>.json
 *    (removed in a finally, and on exit/SIGINT/SIGTERM), launches Chromium with puppeteer-core on a
 *    fresh profile and checks, from the extension's service worker and pages:
 *    - point 1: required host_permissions granted with no prompt (permissions.contains, a
 *      registerContentScripts script runs, fetch without CORS works);
 *    - point 2: optional host permissions are not granted by policy; permissions.request for one
 *      does not resolve to true by itself (headless) / shows the prompt (--headed, screenshot);
 *    - point 3: ExtensionSettings runtime_blocked_hosts / runtime_allowed_hosts;
 *    - point 4: chrome.storage.managed values (policy "3rdparty") as seen by the service worker, on
 *      the first install and on a later start of the same profile;
 *    - an update (1.0 -> 1.1) that adds a required host: granted silently for a force-installed extension;
 *    - flags: with puppeteer's default --disable-background-networking the force-install never happens.
 *    Every policy file also sets DeveloperToolsAvailability=1: with Chromium's default (0, "disallowed
 *    for force-installed extensions") CDP never attaches to the extension's service worker.
 * 4. prints a JSON summary; exit code 0 when every check matched, 1 otherwise, 2 on a probe error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { extensionIdFromKey, generateKey, packExtension } from './crx.ts';
import { HOSTS, type HostKey, MANIFEST, writeProbeExtension } from './probe-extension.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLICY_DIR = '/etc/chromium/policies/managed';
/** CallBar's own id: other test runs on this machine use it; never force-install it from here. */
const CALLBAR_ID = 'ddibfpeaigbdfehklkajjjhfmnaafjmn';

const argv = process.argv.slice(2);
const HEADED = argv.includes('--headed');
const KEEP = argv.includes('--keep');
const ONLY = argv.find((a) => a.startsWith('--scenario='))?.slice('--scenario='.length).split(',');
const SCREENSHOTS = argv.find((a) => a.startsWith('--screenshots='))?.slice('--screenshots='.length);

/** The flags this probe passes (puppeteer adds its defaults; see ignoreDefaultArgs below). */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-domain-reliability',
  '--host-resolver-rules=MAP *.test 127.0.0.1',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pattern = (host: string) => `http://${host}/*`;

// ---------------------------------------------------------------------------------------------
// Policy files: only while one scenario runs; removed in finally, and on exit / signals.
const livePolicyFiles = new Set<string>();
function removePolicyFiles(): void {
  for (const f of livePolicyFiles) {
    rmSync(f, { force: true });
    livePolicyFiles.delete(f);
  }
}
process.on('exit', removePolicyFiles);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    removePolicyFiles();
    process.exit(130);
  });
}

function writePolicy(name: string, policy: object): string {
  if (!existsSync(POLICY_DIR)) mkdirSync(POLICY_DIR, { recursive: true, mode: 0o755 });
  const file = join(POLICY_DIR, `zz-enterprise-probe-${process.pid}-${name}.json`);
  livePolicyFiles.add(file);
  writeFileSync(file, JSON.stringify(policy, null, 2), { mode: 0o644 });
  return file;
}

// ---------------------------------------------------------------------------------------------
// HTTP server: update manifest, CRX, fake CRM pages, a JSON endpoint without CORS headers.
interface Hit {
  ms: number;
  host: string;
  path: string;
}
interface ProbeServer {
  port: number;
  hits: Hit[];
  /** What to serve: the extension id and its CRX per version (known once the CRX is packed). */
  serve(extensionId: string, crx: Record<string, Buffer>): void;
  /** Which version the update manifest offers. */
  offer(version: string): void;
  reset(): void;
  close(): Promise<void>;
}

async function startServer(): Promise<ProbeServer> {
  let id = '';
  let crxByVersion: Record<string, Buffer> = {};
  let t0 = Date.now();
  const hits: Hit[] = [];
  let port = 0;
  let version = '1.0';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    hits.push({ ms: Date.now() - t0, host, path: url.pathname });
    if (url.pathname === '/update.xml') {
      const xml =
        `<?xml version='1.0' encoding='UTF-8'?>\n` +
        `<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>\n` +
        `  <app appid='${id}'>\n` +
        `    <updatecheck codebase='http://127.0.0.1:${port}/ext-${version}.crx' version='${version}' />\n` +
        `  </app>\n` +
        `</gupdate>\n`;
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(xml);
    } else if (/^\/ext-[\d.]+\.crx$/.test(url.pathname) && crxByVersion[url.pathname.slice(5, -4)]) {
      const crx = crxByVersion[url.pathname.slice(5, -4)]!;
      res.writeHead(200, { 'Content-Type': 'application/x-chrome-extension', 'Content-Length': crx.length });
      res.end(crx);
    } else if (url.pathname === '/api/ping') {
      // No Access-Control-Allow-Origin: only an extension with host access to this origin can read it.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ ok: true, host }));
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`<!doctype html><html><head><title>${host}</title></head><body><h1>CRM ${host}</h1><p>客户电话 13800138000</p></body></html>`);
    }
  });
  for (let attempt = 0; ; attempt++) {
    const candidate = 47000 + Math.floor(Math.random() * 2000);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(candidate, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
      break;
    } catch (e) {
      if (attempt > 20) throw e;
    }
  }
  return {
    port,
    hits,
    serve(extensionId, crx) {
      id = extensionId;
      crxByVersion = crx;
    },
    offer(v) {
      version = v;
    },
    reset() {
      hits.length = 0;
      t0 = Date.now();
      version = '1.0';
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

// ---------------------------------------------------------------------------------------------
// Browser helpers.
interface Ctx {
  id: string;
  tmp: string;
  server: ProbeServer;
  shots: string;
}

async function waitForWorker(browser: Browser, id: string, timeoutMs: number): Promise<WebWorker | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const target = browser.targets().find((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${id}/`));
    if (target) {
      const worker = await target.worker().catch(() => null);
      const ready = worker ? await worker.evaluate(() => typeof (globalThis as any).probeApi === 'object').catch(() => false) : false;
      if (worker && ready) return worker;
    }
    await sleep(250);
  }
  return null;
}

/** Runs a probeApi method in the service worker. */
function sw<T = any>(worker: WebWorker, method: string, ...args: unknown[]): Promise<T> {
  return worker.evaluate((m: string, a: unknown[]) => (globalThis as any).probeApi[m](...a), method, args) as Promise<T>;
}

async function swProbeState(worker: WebWorker): Promise<any> {
  return worker.evaluate(() => JSON.parse(JSON.stringify((globalThis as any).probe)));
}

function screenshot(ctx: Ctx, name: string): string | null {
  if (!HEADED) return null;
  const file = join(ctx.shots, `${name}.png`);
  try {
    execFileSync('import', ['-window', 'root', file], { stdio: 'ignore', timeout: 20_000 });
    return file;
  } catch (e) {
    return `screenshot failed: ${String(e)}`;
  }
}

function xdotool(...keys: string[]): void {
  execFileSync('xdotool', ['key', ...keys], { stdio: 'ignore', timeout: 10_000 });
}

/**
 * Opens http://<host>:<port>/crm from the service worker (so we know the tab id) and reports what
 * the extension can do there: host permission, content script ran, fetch, executeScript.
 */
async function hostAccess(browser: Browser, worker: WebWorker, ctx: Ctx, key: HostKey): Promise<Record<string, unknown>> {
  const host = HOSTS[key];
  const url = `http://${host}:${ctx.server.port}/crm?${key}`;
  const contains = await sw<boolean>(worker, 'contains', [pattern(host)]);
  const tabId = await sw<number>(worker, 'openTab', url);
  const target = await browser.waitForTarget((t) => t.url() === url, { timeout: 10_000 }).catch(() => null);
  const page = target ? await target.page() : null;
  let contentScriptRan: boolean | null = null;
  if (page) {
    // Registered scripts run at document_start; give a slow machine a moment anyway.
    contentScriptRan = await page
      .waitForFunction(() => document.documentElement.getAttribute('data-probe-cs') === 'ran', { timeout: 3000 })
      .then(() => true)
      .catch(() => false);
  }
  const fetchFromServiceWorker = await sw(worker, 'fetchStatus', `http://${host}:${ctx.server.port}/api/ping`);
  const executeScript = await sw(worker, 'execute', tabId);
  await sw(worker, 'closeTab', tabId).catch(() => undefined);
  return { host, permissionsContains: contains, contentScriptRan, fetchFromServiceWorker, executeScript };
}

/** Clicks the extension page's button, whose handler calls chrome.permissions.request(origins). */
async function requestByClick(page: Page, key: string, origins: string[], waitMs: number): Promise<any> {
  await page.evaluate(
    (k: string, o: string[]) => {
      (window as any).nextRequest = { key: k, origins: o };
    },
    key,
    origins,
  );
  await page.click('#req');
  const result = await pollResult(page, key, waitMs);
  return result?.state === 'pending' ? { ...result, note: `still pending after ${waitMs} ms (no answer without a person)` } : result;
}

/** The request's outcome once it is no longer pending, or the pending state after waitMs. */
async function pollResult(page: Page, key: string, waitMs: number): Promise<any> {
  const deadline = Date.now() + waitMs;
  let result: any = null;
  while (Date.now() < deadline) {
    result = await page.evaluate((k: string) => (window as any).results[k] ?? null, key);
    if (result && result.state !== 'pending') return result;
    await sleep(200);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Scenarios.
const managedPolicy = {
  crmOrigins: [`http://${HOSTS.required}`, `http://${HOSTS.optional}`],
  note: 'pushed by zz-enterprise-probe',
};

interface Scenario {
  name: string;
  what: string;
  policy(ctx: Ctx): object;
  /** Keep puppeteer's default --disable-background-networking. */
  keepDisableBackgroundNetworking?: boolean;
  /** Extra Chromium flags for this scenario. */
  extraArgs?: string[];
  installTimeoutMs: number;
  /** Restart Chromium on the same profile afterwards (point 4 on a later start). */
  restart?: boolean;
  run?(browser: Browser, worker: WebWorker, ctx: Ctx, out: Record<string, any>): Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'forcelist',
    what: 'ExtensionInstallForcelist + the extension\'s own policy (3rdparty) — points 1, 2, 4',
    policy: (ctx) => ({
      ExtensionInstallForcelist: [`${ctx.id};http://127.0.0.1:${ctx.server.port}/update.xml`],
      '3rdparty': { extensions: { [ctx.id]: managedPolicy } },
    }),
    installTimeoutMs: 60_000,
    restart: true,
    async run(browser, worker, ctx, out) {
      out.afterInstallScreenshot = screenshot(ctx, 'forcelist-1-after-install');
      // registerContentScripts does not check host access: registering for an optional (ungranted)
      // origin succeeds, the script just does not run there until the origin is granted.
      out.registerOptional = await sw(worker, 'register', 'cs-optional', [pattern(HOSTS.optional), pattern(HOSTS.optional2)]);
      out.hosts = {
        required: await hostAccess(browser, worker, ctx, 'required'),
        optional: await hostAccess(browser, worker, ctx, 'optional'),
      };
      // Point 2: from an extension page, in a click (user gesture), as CallBar's popup does.
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${ctx.id}/page.html`);
      out.request = {};
      out.request.requiredOrigin = await requestByClick(page, 'required', [pattern(HOSTS.required)], 5000);
      const optionalOrigins = [pattern(HOSTS.optional), pattern(HOSTS.optional2)];
      if (!HEADED) {
        out.request.optionalOrigins = await requestByClick(page, 'optional', optionalOrigins, 8000);
        out.request.containsOptionalAfter = await sw<boolean>(worker, 'contains', optionalOrigins);
      } else {
        // Headed (xvfb): the prompt is a real dialog. Screenshot it, then accept (Deny is focused: Tab, Return).
        out.request.optionalOrigins = await requestByClick(page, 'optional', optionalOrigins, 2500);
        await sleep(500);
        out.request.promptScreenshot = screenshot(ctx, 'forcelist-2-permission-prompt');
        out.request.containsOptionalWhilePrompt = await sw<boolean>(worker, 'contains', optionalOrigins);
        xdotool('Tab');
        await sleep(300);
        xdotool('Return');
        out.request.optionalOriginsAfterAccept = await pollResult(page, 'optional', 8000);
        out.request.containsOptionalAfter = await sw<boolean>(worker, 'contains', optionalOrigins);
        // The script registered before the grant now runs there.
        out.hosts.optionalAfterAccept = await hostAccess(browser, worker, ctx, 'optional');
      }
    },
  },
  {
    name: 'extension-settings',
    what: 'ExtensionSettings force_installed + runtime_blocked_hosts / runtime_allowed_hosts — points 1, 3 (and 2)',
    policy: (ctx) => ({
      ExtensionSettings: {
        [ctx.id]: {
          installation_mode: 'force_installed',
          update_url: `http://127.0.0.1:${ctx.server.port}/update.xml`,
          runtime_blocked_hosts: [`*://${HOSTS.blocked}`, '*://*.zone.test'],
          runtime_allowed_hosts: [`*://${HOSTS.zoneAllowed}`, `*://${HOSTS.policyAllowedOptional}`],
        },
      },
      '3rdparty': { extensions: { [ctx.id]: managedPolicy } },
    }),
    installTimeoutMs: 60_000,
    async run(browser, worker, ctx, out) {
      out.register = {};
      for (const key of ['blocked', 'zoneAllowed', 'zoneBlocked', 'policyAllowedOptional'] as const) {
        out.register[key] = await sw(worker, 'register', `cs-${key}`, [pattern(HOSTS[key])]);
      }
      out.hosts = {};
      for (const key of ['required', 'blocked', 'zoneAllowed', 'zoneBlocked', 'policyAllowedOptional'] as const) {
        out.hosts[key] = await hostAccess(browser, worker, ctx, key);
      }
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${ctx.id}/page.html`);
      out.request = {};
      const origins = [pattern(HOSTS.policyAllowedOptional)];
      out.request.runtimeAllowedButOptionalOrigin = await requestByClick(page, 'policyAllowed', origins, HEADED ? 2500 : 8000);
      if (HEADED) {
        await sleep(500);
        out.request.promptScreenshot = screenshot(ctx, 'extension-settings-permission-prompt');
        xdotool('Escape');
        out.request.runtimeAllowedButOptionalOriginAfterEscape = await pollResult(page, 'policyAllowed', 8000);
      }
      out.request.containsAfter = await sw<boolean>(worker, 'contains', origins);
    },
  },
  {
    name: 'update-adds-host',
    what: 'ExtensionInstallForcelist; then version 1.1 adds a required host (what an enterprise build does when the CRM list grows)',
    policy: (ctx) => ({ ExtensionInstallForcelist: [`${ctx.id};http://127.0.0.1:${ctx.server.port}/update.xml`] }),
    installTimeoutMs: 60_000,
    async run(browser, worker, ctx, out) {
      out.before = {
        version: (await sw<any>(worker, 'self')).version,
        containsAdded: await sw<boolean>(worker, 'contains', [pattern(HOSTS.added)]),
        registerBeforeUpdate: await sw(worker, 'register', 'cs-before-update', [pattern(HOSTS.required)]),
      };
      ctx.server.offer('1.1');
      out.requestUpdateCheck = await sw(worker, 'requestUpdateCheck');
      // Chromium applies a downloaded update once the extension is idle (it has no
      // runtime.onUpdateAvailable listener). A worker with DevTools attached never idles, so stop it
      // the way Chrome does after 30 s idle (puppeteer's worker.close()).
      await worker.close().catch(() => undefined);
      const t0 = Date.now();
      let after: any = null;
      while (Date.now() - t0 < 30_000) {
        const w = await waitForWorker(browser, ctx.id, 5000);
        const self = w ? await sw<any>(w, 'self').catch(() => null) : null;
        if (w && self?.version === '1.1') {
          after = {
            afterMs: Date.now() - t0,
            version: self.version,
            enabled: self.enabled,
            installType: self.installType,
            activePermissions: await sw(w, 'getAll'),
            containsAdded: await sw<boolean>(w, 'contains', [pattern(HOSTS.added)]),
            // Does a script registered by 1.0 (registerContentScripts) survive the update?
            registeredScriptsAfterUpdate: (await sw<any[]>(w, 'registered')).map((x) => x.id),
          };
          break;
        }
        await sleep(500);
      }
      out.after = after ?? { note: 'version 1.1 never ran within 30 s' };
      out.updaterRequests = ctx.server.hits.filter((h) => h.path === '/update.xml' || h.path.endsWith('.crx')).map((h) => `${h.ms}ms ${h.path}`);
    },
  },
  {
    name: 'background-networking-off',
    what: 'ExtensionInstallForcelist with puppeteer\'s default --disable-background-networking kept — which flags are needed',
    policy: (ctx) => ({ ExtensionInstallForcelist: [`${ctx.id};http://127.0.0.1:${ctx.server.port}/update.xml`] }),
    keepDisableBackgroundNetworking: true,
    installTimeoutMs: 30_000,
  },
];

async function runScenario(sc: Scenario, ctx: Ctx): Promise<Record<string, any>> {
  const out: Record<string, any> = { what: sc.what };
  const profile = mkdtempSync(join(ctx.tmp, `profile-${sc.name}-`));
  // DeveloperToolsAvailability 1: Chromium's default (0) keeps DevTools, hence CDP/puppeteer, off
  // force-installed extensions, so the probe could not reach the extension's service worker.
  const policy = { ...sc.policy(ctx), DeveloperToolsAvailability: 1 };
  out.policy = policy;
  let browser: Browser | undefined;
  const policyFile = writePolicy(sc.name, policy);
  out.policyFile = policyFile;
  // puppeteer adds --disable-extensions unless enableExtensions is set (then it passes
  // --enable-unsafe-extension-debugging instead), and --disable-background-networking unless ignored.
  const ignoreDefaultArgs = sc.keepDisableBackgroundNetworking ? [] : ['--disable-background-networking'];
  const launch = () =>
    puppeteer.launch({
      executablePath: CHROMIUM,
      headless: !HEADED,
      pipe: true,
      enableExtensions: true,
      userDataDir: profile,
      ignoreDefaultArgs,
      args: [...ARGS, ...(sc.extraArgs ?? [])],
      env: { ...process.env, LANGUAGE: 'en_US' },
      defaultViewport: HEADED ? null : { width: 1280, height: 800 },
    });
  try {
    ctx.server.reset();
    let t0 = Date.now();
    browser = await launch();
    const spawnargs = browser.process()?.spawnargs ?? [];
    out.flags = {
      removedPuppeteerDefaults: ignoreDefaultArgs,
      disableBackgroundNetworking: spawnargs.includes('--disable-background-networking'),
      chromiumCommandLine: spawnargs
        .slice(1)
        .filter((a) => !a.startsWith('--user-data-dir'))
        .join(' '),
    };
    const worker = await waitForWorker(browser, ctx.id, sc.installTimeoutMs);
    const updateHits = ctx.server.hits.filter((h) => h.path === '/update.xml' || h.path.endsWith('.crx'));
    out.install = {
      installed: !!worker,
      serviceWorkerAfterMs: worker ? Date.now() - t0 : null,
      waitedMs: worker ? undefined : sc.installTimeoutMs,
      updaterRequests: updateHits.map((h) => `${h.ms}ms ${h.path}`),
      extensionDirInProfile: existsSync(join(profile, 'Default', 'Extensions', ctx.id)),
    };
    if (!worker) return out;
    out.install.self = await sw(worker, 'self').then((s: any) => ({ installType: s.installType, mayDisable: s.mayDisable, enabled: s.enabled, version: s.version }));
    out.install.activePermissions = await sw(worker, 'getAll');
    // Point 4: let the service worker's managed-storage listeners and site sync settle.
    const settleDeadline = Date.now() + 15_000;
    let state = await swProbeState(worker);
    while (Date.now() < settleDeadline && !(state.sync as any[]).some((e) => (e.crmOrigins ?? []).length > 0)) {
      await sleep(250);
      state = await swProbeState(worker);
    }
    out.managedStorage = {
      serviceWorkerStartedAfterLaunchMs: state.swStartedAt - t0,
      firstReadAtServiceWorkerStart: state.managedAtStart,
      onInstalled: state.installed,
      onChangedManaged: state.managedEvents,
      siteSync: state.sync,
      readByProbeNow: await sw(worker, 'managed'),
    };
    if (sc.run) await sc.run(browser, worker, ctx, out);
    const current = await waitForWorker(browser, ctx.id, 15_000); // the scenario may have restarted it
    if (current) out.registeredContentScripts = (await sw<any[]>(current, 'registered')).map((s) => ({ id: s.id, matches: s.matches }));
    if (sc.restart) {
      // Point 4 on a later start: same profile, policy unchanged; the SW wakes for runtime.onStartup.
      await browser.close();
      t0 = Date.now();
      browser = await launch();
      const again = await waitForWorker(browser, ctx.id, 30_000);
      if (!again) {
        out.restart = { serviceWorker: false };
      } else {
        let st = await swProbeState(again);
        for (const end = Date.now() + 15_000; Date.now() < end && (!st.managedAtStart || !st.sync.length); ) {
          await sleep(100);
          st = await swProbeState(again);
        }
        out.restart = {
          serviceWorkerStartedAfterLaunchMs: st.swStartedAt - t0,
          onStartup: st.startup,
          firstReadAtServiceWorkerStart: st.managedAtStart,
          onChangedManaged: st.managedEvents,
          firstSiteSync: st.sync[0],
          requiredHost: await hostAccess(browser, again, ctx, 'required'),
        };
      }
    }
    return out;
  } finally {
    await browser?.close().catch(() => undefined);
    rmSync(policyFile, { force: true });
    livePolicyFiles.delete(policyFile);
  }
}

// ---------------------------------------------------------------------------------------------
// Checks: what each point expects, against what was observed.
interface Check {
  point: string;
  check: string;
  observed: unknown;
  pass: boolean;
}

function checks(r: Record<string, any>): Check[] {
  const out: Check[] = [];
  const add = (point: string, check: string, observed: unknown, pass: boolean) => out.push({ point, check, observed, pass });
  const f = r['forcelist'];
  if (f) {
    add('install', 'forcelist: installed from the local update URL, installType "admin"', f.install?.self?.installType ?? f.install, f.install?.self?.installType === 'admin');
    if (f.hosts) {
      add('1', 'required host: permissions.contains true with no prompt', f.hosts.required.permissionsContains, f.hosts.required.permissionsContains === true);
      add('1', 'required host: content script registered by the SW (registerContentScripts, from the policy list) ran', f.hosts.required.contentScriptRan, f.hosts.required.contentScriptRan === true);
      add('1', 'required host: SW fetch without CORS headers readable', f.hosts.required.fetchFromServiceWorker, f.hosts.required.fetchFromServiceWorker?.ok === true);
      add('2', 'optional host: not granted by the force-install (contains false)', f.hosts.optional.permissionsContains, f.hosts.optional.permissionsContains === false);
      add('2', 'optional host: registerContentScripts for it succeeds, but the script does not run', { register: f.registerOptional, ran: f.hosts.optional.contentScriptRan }, f.registerOptional?.ok === true && f.hosts.optional.contentScriptRan === false);
      add('2', 'permissions.request for an origin already in required host_permissions resolves true at once', f.request.requiredOrigin, f.request.requiredOrigin?.granted === true);
      if (!HEADED) {
        add('2', 'permissions.request for optional origins does not resolve to true by itself (headless)', f.request.optionalOrigins, f.request.optionalOrigins?.granted !== true);
        add('2', 'optional origins still not granted after the request', f.request.containsOptionalAfter, f.request.containsOptionalAfter === false);
      } else {
        add('2', 'headed: the request stayed pending while the prompt was up (not granted)', f.request.containsOptionalWhilePrompt, f.request.containsOptionalWhilePrompt === false);
        add('2', 'headed: accepting the prompt grants them', f.request.optionalOriginsAfterAccept, f.request.optionalOriginsAfterAccept?.granted === true);
        add('2', 'headed: after the grant, the script registered earlier runs on the optional host', f.hosts.optionalAfterAccept?.contentScriptRan, f.hosts.optionalAfterAccept?.contentScriptRan === true);
      }
    }
    const m = f.managedStorage;
    if (m) {
      const want = JSON.stringify(managedPolicy.crmOrigins);
      const viaChange = (m.onChangedManaged ?? []).find((e: any) => JSON.stringify(e.changes?.crmOrigins?.newValue) === want);
      const atStart = JSON.stringify(m.firstReadAtServiceWorkerStart?.value?.crmOrigins ?? null) === want;
      add('4', 'first install: the SW gets the policy list (at start, or via storage.onChanged area "managed")', { atServiceWorkerStart: m.firstReadAtServiceWorkerStart, onChanged: viaChange ?? null }, atStart || !!viaChange);
      add('4', 'SW registered the content script for the listed origin it has access to; the optional one needs a prompt', m.siteSync?.at(-1), JSON.stringify(m.siteSync?.at(-1)?.registered) === JSON.stringify([pattern(HOSTS.required)]) && JSON.stringify(m.siteSync?.at(-1)?.needsPrompt) === JSON.stringify([pattern(HOSTS.optional)]));
    }
    if (f.restart) {
      add('4', 'later start (same profile): the policy list is there when the SW first reads it', f.restart.firstReadAtServiceWorkerStart, JSON.stringify(f.restart.firstReadAtServiceWorkerStart?.value?.crmOrigins ?? null) === JSON.stringify(managedPolicy.crmOrigins));
      add('1', 'later start: the content script runs on the required host (the SW registers it again at every start)', f.restart.requiredHost?.contentScriptRan, f.restart.requiredHost?.contentScriptRan === true);
    }
  }
  const s = r['extension-settings'];
  if (s) {
    add('install', 'ExtensionSettings force_installed: installed, installType "admin"', s.install?.self?.installType ?? s.install, s.install?.self?.installType === 'admin');
    if (s.hosts) {
      add('1', 'required host: content script ran', s.hosts.required.contentScriptRan, s.hosts.required.contentScriptRan === true);
      const b = s.hosts.blocked;
      add('3', 'runtime_blocked_hosts: permission still listed (contains true) ...', b.permissionsContains, b.permissionsContains === true);
      add('3', '... but the registered content script does not run', b.contentScriptRan, b.contentScriptRan === false);
      add('3', '... executeScript fails', b.executeScript, b.executeScript?.ok === false);
      add('3', '... SW fetch fails', b.fetchFromServiceWorker, b.fetchFromServiceWorker?.ok === false);
      add('3', 'blocked *.zone.test: other.zone.test content script does not run', s.hosts.zoneBlocked.contentScriptRan, s.hosts.zoneBlocked.contentScriptRan === false);
      add('3', 'runtime_allowed_hosts exempts allowed.zone.test from the block: content script runs', s.hosts.zoneAllowed.contentScriptRan, s.hosts.zoneAllowed.contentScriptRan === true);
      const p = s.hosts.policyAllowedOptional;
      add('3', 'runtime_allowed_hosts does not grant an origin the extension only has as optional (contains false, no script)', { contains: p.permissionsContains, ran: p.contentScriptRan }, p.permissionsContains === false && p.contentScriptRan === false);
      add('2', 'permissions.request for that runtime_allowed (optional) origin is not granted without a person', s.request.containsAfter, s.request.containsAfter === false);
    }
  }
  const u = r['update-adds-host'];
  if (u) {
    add('1', 'update to 1.1 adding a required host: applied with no prompt, still enabled, new host granted', { before: u.before, after: u.after }, u.before?.containsAdded === false && u.after?.version === '1.1' && u.after?.enabled === true && u.after?.containsAdded === true);
    add('1', 'scripts registered with registerContentScripts by 1.0 are gone after the update (the SW must register again)', u.after?.registeredScriptsAfterUpdate, u.before?.registerBeforeUpdate?.ok === true && Array.isArray(u.after?.registeredScriptsAfterUpdate) && u.after.registeredScriptsAfterUpdate.length === 0);
  }
  const n = r['background-networking-off'];
  if (n) {
    add('flags', 'with --disable-background-networking the update URL is never fetched and nothing installs', n.install, n.install?.installed === false && (n.install?.updaterRequests ?? []).length === 0);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
async function main(): Promise<number> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error(`writing ${POLICY_DIR} needs root`);
  if (HEADED && !process.env.DISPLAY) throw new Error('--headed needs a display: run under `xvfb-run -a`');
  const tmp = mkdtempSync(join(tmpdir(), 'callbar-enterprise-probe-'));
  let server: ProbeServer | undefined;
  try {
    const extDir = join(tmp, 'ext');
    const pem = join(tmp, 'key.pem');
    const ext11Dir = join(tmp, 'ext-1.1');
    server = await startServer();
    const updateUrl = `http://127.0.0.1:${server.port}/update.xml`;
    writeProbeExtension(extDir, '1.0', updateUrl);
    writeProbeExtension(ext11Dir, '1.1', updateUrl);
    generateKey(pem);
    const id = extensionIdFromKey(pem);
    if (id === CALLBAR_ID) throw new Error('generated key maps to CallBar\'s id; refusing to force-install it');
    const crx10 = packExtension(CHROMIUM, extDir, pem, join(tmp, 'pack-profile'));
    const crx11 = packExtension(CHROMIUM, ext11Dir, pem, join(tmp, 'pack-profile'));
    server.serve(id, { '1.0': readFileSync(crx10), '1.1': readFileSync(crx11) });
    const shots = SCREENSHOTS ?? join(tmp, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const ctx: Ctx = { id, tmp, server, shots };
    const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const results: Record<string, any> = {};
    for (const sc of SCENARIOS) {
      if (ONLY && !ONLY.includes(sc.name)) continue;
      try {
        results[sc.name] = await runScenario(sc, ctx);
      } catch (e) {
        results[sc.name] = { error: String((e as Error)?.stack ?? e) };
      }
    }
    const list = checks(results);
    const summary = {
      chromium: version,
      mode: HEADED ? 'headed (xvfb)' : 'headless',
      extensionId: id,
      manifest: { host_permissions: MANIFEST.host_permissions, optional_host_permissions: MANIFEST.optional_host_permissions, permissions: MANIFEST.permissions },
      server: `http://127.0.0.1:${server.port}`,
      passed: list.every((c) => c.pass),
      checks: list,
      scenarios: results,
      screenshots: HEADED ? shots : undefined,
    };
    console.log(JSON.stringify(summary, null, 2));
    return summary.passed ? 0 : 1;
  } finally {
    removePolicyFiles();
    await server?.close();
    if (!KEEP) rmSync(tmp, { recursive: true, force: true });
    else console.error(`kept ${tmp}`);
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    removePolicyFiles();
    process.exit(2);
  },
);
