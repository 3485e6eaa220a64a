/**
 * `npm run screenshots`:
 *  1. README's pictures, taken from the real extension in Chromium: runs the demo's headless
 *     walk-through and copies the interesting steps to docs/images/ (`--sheet-only` skips it);
 *  2. the screen review: every popup and toolbar state of every provider, in Chinese and English,
 *     walked for real through the simulators (test/e2e/support/screen-walk.ts, the same walk as
 *     test/e2e/screens.e2e.ts) and photographed at real size — the popup at 360 px wide and its
 *     natural height capped at 600 px, the toolbar frame on the demo CRM page — into
 *     screens-output/ (git-ignored): one PNG per view, index.html (labelled, with each state's
 *     findings of the screen checks), contact-sheet.png (index.html rendered by Chromium),
 *     findings.txt and findings.json.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from '../test/e2e/support/extension.ts';
import { formatFindings, type LabelledFinding } from '../test/e2e/support/screen-checks.ts';
import { type Captured, captureState, type Language, PROVIDERS, type ProviderId, startScreenRun, walkProvider } from '../test/e2e/support/screen-walk.ts';

const started = Date.now();
const sheetOnly = process.argv.includes('--sheet-only');

// ── 1. README's pictures ─────────────────────────────────────────────────────────────

if (!sheetOnly) {
  // README shows the default provider (the 移动云 softphone bar); its demo writes demo-output/cmcc-softbar/.
  const PROVIDER = 'cmcc-softbar';
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts'), '--headless', '--provider', PROVIDER], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const out = join(ROOT, 'demo-output', PROVIDER);
  const images = join(ROOT, 'docs', 'images');
  mkdirSync(images, { recursive: true });
  const wanted: Record<string, string> = {
    'popup-logged-in': 'popup.png',
    'picker-confirm': 'picker.png',
    connected: 'toolbar.png',
    incoming: 'incoming.png',
    'popup-incoming': 'popup-incoming.png',
  };
  for (const file of readdirSync(out)) {
    const step = file.replace(/^\d+-/, '').replace(/\.png$/, '');
    if (wanted[step]) {
      copyFileSync(join(out, file), join(images, wanted[step]!));
      console.log(`docs/images/${wanted[step]}  ←  demo-output/${PROVIDER}/${file}`);
    }
  }
}

// ── 2. The screen review ─────────────────────────────────────────────────────────────

const OUT = join(ROOT, 'screens-output');
const LANGUAGES: Language[] = ['zh_CN', 'en'];
const LANGUAGE_NAMES: Record<Language, string> = { zh_CN: '中文 (zh_CN)', en: 'English (en)' };
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const slug = (s: string) => s.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').toLowerCase();

interface Shot {
  provider: ProviderId;
  language: Language;
  index: number;
  state: string;
  popup: { file: string; width: number; height: number; findings: LabelledFinding[] };
  toolbar: { file: string; width: number; height: number; findings: LabelledFinding[] } | null;
}

async function walkLanguage(language: Language): Promise<{ shots: Shot[]; errors: string[] }> {
  const shots: Shot[] = [];
  const errors: string[] = [];
  const run = await startScreenRun(language);
  try {
    for (const provider of PROVIDERS) {
      let index = 0;
      try {
        await walkProvider(run, provider, async (state) => {
          const captured: Captured = await captureState(run, provider, state, { screenshots: true });
          const base = `${language}/${provider}/${String(++index).padStart(2, '0')}-${slug(state)}`;
          mkdirSync(join(OUT, language, provider), { recursive: true });
          writeFileSync(join(OUT, `${base}-popup.png`), captured.popup.png!);
          if (captured.toolbar?.png) writeFileSync(join(OUT, `${base}-toolbar.png`), captured.toolbar.png);
          shots.push({
            provider,
            language,
            index,
            state,
            popup: { file: `${base}-popup.png`, width: captured.popup.width, height: captured.popup.height, findings: captured.popup.findings },
            toolbar: captured.toolbar?.png ? { file: `${base}-toolbar.png`, width: captured.toolbar.width, height: captured.toolbar.height, findings: captured.toolbar.findings } : null,
          });
          console.log(`${language} ${provider}: ${state}`);
        });
      } catch (error) {
        errors.push(`${language}: ${(error as Error).message}`);
        console.error(`${language} ${provider}: the walk broke: ${(error as Error).message}`);
      }
    }
  } finally {
    await run.close();
  }
  return { shots, errors };
}

const results = await Promise.all(LANGUAGES.map((language) => walkLanguage(language)));
const shots = results.flatMap((r) => r.shots);
const errors = results.flatMap((r) => r.errors);
const findings = shots.flatMap((s) => [...s.popup.findings, ...(s.toolbar?.findings ?? [])]);

// index.html: per provider, one cell per state with both languages side by side, at real size.
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const FINDINGS_SHOWN = 6;
const findingList = (list: LabelledFinding[]) =>
  list.length === 0
    ? ''
    : `<ul class="findings">${list
        .slice(0, FINDINGS_SHOWN)
        .map((f) => `<li><b>${f.check}</b> “${esc(f.text)}” <span>${esc(f.selector)}</span></li>`)
        .join('')}${list.length > FINDINGS_SHOWN ? `<li>… ${list.length - FINDINGS_SHOWN} more (findings.txt)</li>` : ''}</ul>`;
const view = (label: string, v: Shot['popup'] | null) =>
  v
    ? `<figure class="${v.findings.length ? 'bad' : 'ok'}"><figcaption>${label} · ${v.width}×${v.height}${v.findings.length ? ` · <b>${v.findings.length} finding(s)</b>` : ''}</figcaption><img src="${v.file}" width="${v.width}" height="${v.height}">${findingList(v.findings)}</figure>`
    : `<figure class="none"><figcaption>${label}</figcaption><div class="absent">no toolbar (logged out)</div></figure>`;

const sections = PROVIDERS.map((provider) => {
  const states = [...new Set(shots.filter((s) => s.provider === provider).map((s) => s.state))];
  const cells = states.map((state) => {
    const per = LANGUAGES.map((language) => {
      const shot = shots.find((s) => s.provider === provider && s.language === language && s.state === state);
      if (!shot) return `<div class="lang"><h4>${LANGUAGE_NAMES[language]}</h4><div class="absent">not captured</div></div>`;
      return `<div class="lang"><h4>${LANGUAGE_NAMES[language]}</h4><div class="views">${view('popup', shot.popup)}${view('toolbar', shot.toolbar)}</div></div>`;
    });
    return `<section class="state"><h3>${esc(provider)} — ${esc(state)}</h3><div class="langs">${per.join('')}</div></section>`;
  });
  return `<h2>${esc(provider)} <small>${states.length} states</small></h2><div class="grid">${cells.join('')}</div>`;
});

const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CallBar screen review</title><style>
  body { margin: 16px; font: 13px/1.4 system-ui, 'WenQuanYi Micro Hei', sans-serif; background: #eef0f3; color: #1f2329; }
  h1 { margin: 0 0 4px; } h2 { margin: 24px 0 8px; border-bottom: 2px solid #1f2329; } h2 small { font-weight: normal; color: #666; }
  .grid { display: grid; grid-template-columns: repeat(3, max-content); gap: 12px; align-items: start; }
  .state { background: #fff; border-radius: 8px; padding: 8px; }
  .state h3 { margin: 0 0 6px; font-size: 14px; }
  .langs { display: flex; gap: 10px; align-items: flex-start; }
  .lang h4 { margin: 0 0 4px; font-size: 12px; color: #555; }
  .views { display: flex; gap: 6px; align-items: flex-start; }
  figure { margin: 0; }
  figcaption { font-size: 11px; color: #555; }
  figure img { display: block; outline: 1px solid #c9ccd1; background: repeating-conic-gradient(#f4f4f4 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
  figure.bad img { outline: 2px solid #d4380d; }
  .findings { margin: 4px 0 0; padding-left: 14px; max-width: 380px; font-size: 10px; color: #a8071a; }
  .findings span { color: #888; }
  .absent { width: 120px; padding: 8px; color: #999; border: 1px dashed #ccc; }
  .summary { color: #555; }
</style></head><body>
<h1>CallBar screen review</h1>
<p class="summary">Every popup (360 px wide, natural height capped at 600 px as Chrome shows it) and toolbar (its frame on the demo CRM page) state of every provider, in both languages, driven for real through the simulators. ${shots.length} captures, ${findings.length} findings of the screen checks (red outline; full list in findings.txt)${errors.length ? `; <b>walk errors: ${errors.map(esc).join('; ')}</b>` : ''}. Generated ${new Date().toISOString()} by <code>npm run screenshots</code>.</p>
${sections.join('\n')}
</body></html>`;
writeFileSync(join(OUT, 'index.html'), html);
writeFileSync(join(OUT, 'findings.json'), `${JSON.stringify({ errors, findings }, null, 1)}\n`);
writeFileSync(join(OUT, 'findings.txt'), `${findings.length} finding(s) in ${shots.length} captures\n${errors.map((e) => `WALK ERROR ${e}\n`).join('')}${formatFindings(findings)}\n`);

// contact-sheet.png: index.html rendered by Chromium.
const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, pipe: true, args: [...CHROMIUM_ARGS, '--allow-file-access-from-files'] });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  await page.goto(`file://${join(OUT, 'index.html')}`, { waitUntil: 'load' });
  const size = await page.evaluate(() => ({ width: Math.ceil(document.documentElement.scrollWidth), height: Math.ceil(document.documentElement.scrollHeight) }));
  await page.setViewport({ width: size.width, height: Math.min(size.height, 16_000) });
  await page.screenshot({ path: join(OUT, 'contact-sheet.png'), fullPage: true });
  console.log(`screens-output/contact-sheet.png  ${size.width}×${size.height}`);
} finally {
  await browser.close();
}

console.log(`\n${shots.length} captures, ${findings.length} finding(s) → screens-output/ (index.html, contact-sheet.png, findings.txt) in ${Math.round((Date.now() - started) / 1000)} s`);
if (errors.length) {
  console.error(`walk errors:\n${errors.join('\n')}`);
  process.exit(1);
}
